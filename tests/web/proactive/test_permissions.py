"""Every staff page of proactive disclosure: anonymous → login; another body's user → 404 exactly like a missing
object; the supervising district reads but every write is refused; the public site is open to everyone."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from xxgk.core.outcomes import Outcome
from xxgk.web.cases.models import Case
from xxgk.web.proactive import services as s
from xxgk.web.proactive.models import ItemAttachment, ItemStatus, ProactiveItem, SignoffDecision
from xxgk.web.tenancy.models import Body

pytestmark = pytest.mark.django_db


def _names(namespace: str) -> set[str]:
    for p in get_resolver().url_patterns:
        if isinstance(p, URLResolver) and p.namespace == namespace:
            return {f"{namespace}:{q.name}" for q in p.url_patterns if isinstance(q, URLPattern) and q.name}
    raise AssertionError(namespace)


@pytest.fixture
def world(
    make_item: Callable[..., ProactiveItem],
    users: dict[str, User],
    answered_case: Callable[[Outcome], Case],
    published: Callable[..., ProactiveItem],
) -> dict[str, object]:
    item = s.item_submit(actor=users["bq_clerk"], item_id=make_item().pk)
    draft = make_item(title="草稿")
    attachment = s.item_attach(actor=users["bq_clerk"], item_id=draft.pk, name="a.pdf", data=b"%PDF-1")
    return {
        "item": item,
        "draft": draft,
        "attachment": attachment,
        "case": answered_case(Outcome.GRANTED),
        "public": published(title="已公开"),
    }


def _staff_pages(
    world: dict[str, object], org: dict[str, Body], *, missing: bool = False
) -> dict[str, tuple[str, str]]:
    """Every named staff route → (method, URL) for an object of 八桥镇 (or a missing id)."""
    item = world["item"]
    draft = world["draft"]
    attachment = world["attachment"]
    case = world["case"]
    assert isinstance(item, ProactiveItem) and isinstance(draft, ProactiveItem)
    assert isinstance(attachment, ItemAttachment) and isinstance(case, Case)
    i = 999999 if missing else item.pk
    d = 999999 if missing else draft.pk
    a = 999999 if missing else attachment.pk
    c = 999999 if missing else case.pk
    b = 999999 if missing else org["baqiao"].pk
    return {
        "proactive:list": ("get", "/proactive/"),
        "proactive:create": ("get", "/proactive/new/"),
        "proactive:tasks": ("get", "/proactive/tasks/"),
        "proactive:settings": ("get", "/proactive/settings/"),
        "proactive:from_case": ("post", f"/proactive/from-case/{c}/"),
        "proactive:chain": ("post", f"/proactive/settings/{b}/chain/"),
        "proactive:catalogue_settings": ("post", f"/proactive/settings/{b}/catalogue/"),
        "proactive:guide": ("post", f"/proactive/settings/{b}/guide/"),
        "proactive:detail": ("get", f"/proactive/{i}/"),
        "proactive:edit": ("post", f"/proactive/{d}/edit/"),
        "proactive:submit": ("post", f"/proactive/{d}/submit/"),
        "proactive:decide": ("post", f"/proactive/{i}/decide/"),
        "proactive:publish": ("post", f"/proactive/{i}/publish/"),
        "proactive:withdraw": ("post", f"/proactive/{d}/withdraw/"),
        "proactive:attach": ("post", f"/proactive/{d}/files/"),
        "proactive:attachment": ("get", f"/proactive/{d}/files/{a}/"),
        "proactive:detach": ("post", f"/proactive/{d}/files/{a}/delete/"),
    }


#: Staff pages that address one object of 八桥镇 (or of 八桥镇's case / body).
OBJECT_PAGES = {
    "proactive:from_case",
    "proactive:chain",
    "proactive:catalogue_settings",
    "proactive:guide",
    "proactive:detail",
    "proactive:edit",
    "proactive:submit",
    "proactive:decide",
    "proactive:publish",
    "proactive:withdraw",
    "proactive:attach",
    "proactive:attachment",
    "proactive:detach",
}
WRITE_BODY = {"step": "department", "decision": "approve", "opinion": "x", "reason": "x", "on": "2026-01-01"}


def test_every_route_is_covered(world: dict[str, object], org: dict[str, Body]) -> None:
    assert set(_staff_pages(world, org)) == _names("proactive")
    assert set(_staff_pages(world, org)) >= OBJECT_PAGES
    assert _names("public") == {
        "public:index",
        "public:body",
        "public:catalogue",
        "public:item",
        "public:attachment",
        "public:guide",
        "public:reports",
    }


def _state() -> tuple[list[tuple[int, str]], int, int]:
    return (
        list(ProactiveItem.objects.order_by("id").values_list("id", "status")),
        SignoffDecision.objects.count(),
        ItemAttachment.objects.count(),
    )


def test_anonymous_is_sent_to_login_everywhere(client: Client, world: dict[str, object], org: dict[str, Body]) -> None:
    before = _state()
    for name, (method, url) in _staff_pages(world, org).items():
        response = getattr(client, method)(url, WRITE_BODY if method == "post" else None)
        assert response.status_code == 302, name
        assert response["Location"].startswith("/accounts/login/"), name
    assert _state() == before


def test_another_body_gets_404_like_a_missing_object(
    login: Callable[[str], Client], world: dict[str, object], org: dict[str, Body]
) -> None:
    client = login("td_clerk")
    before = _state()
    mine = _staff_pages(world, org)
    absent = _staff_pages(world, org, missing=True)
    for name in OBJECT_PAGES:
        method, url = mine[name]
        seen = getattr(client, method)(url, WRITE_BODY if method == "post" else None)
        gone = getattr(client, method)(absent[name][1], WRITE_BODY if method == "post" else None)
        assert seen.status_code == gone.status_code == 404, name
        assert seen.content == gone.content, name
    # nor do lists or the task list show 八桥镇's items
    item = world["item"]
    assert isinstance(item, ProactiveItem)
    assert item.title not in client.get("/proactive/").content.decode()
    assert "没有符合条件的信息" in client.get("/proactive/").content.decode()
    assert item.title not in client.get("/proactive/tasks/").content.decode()
    assert _state() == before
    nobody = login("nobody")
    assert nobody.get(mine["proactive:detail"][1]).status_code == 404
    assert nobody.get("/proactive/new/").status_code == 403


def test_supervisor_reads_but_cannot_write(
    login: Callable[[str], Client], world: dict[str, object], org: dict[str, Body]
) -> None:
    client = login("qu_viewer")
    before = _state()
    pages = _staff_pages(world, org)
    item = world["item"]
    draft = world["draft"]
    assert isinstance(item, ProactiveItem) and isinstance(draft, ProactiveItem)
    listing = client.get("/proactive/").content.decode()
    assert item.title in listing
    detail = client.get(pages["proactive:detail"][1]).content.decode()
    assert "您当前没有可执行的操作" in detail and 'name="decision"' not in detail
    assert client.get(pages["proactive:attachment"][1]).status_code == 200
    for name in OBJECT_PAGES - {"proactive:detail", "proactive:attachment"}:
        method, url = pages[name]
        response = getattr(client, method)(url, WRITE_BODY)
        assert response.status_code == 403, name
    assert client.get("/proactive/new/").status_code == 403
    assert _state() == before
    assert ProactiveItem.objects.get(pk=item.pk).status == ItemStatus.IN_REVIEW


def test_public_site_is_open_to_everyone(client: Client, world: dict[str, object]) -> None:
    public = world["public"]
    assert isinstance(public, ProactiveItem)
    for url in (
        "/open/",
        "/open/ddk-baqiao/",
        "/open/ddk-baqiao/catalogue/",
        f"/open/ddk-baqiao/items/{public.pk}/",
        "/open/ddk-baqiao/guide/",
        "/open/ddk-baqiao/reports/",
    ):
        assert client.get(url).status_code == 200, url
