"""Every page is tried anonymously (→ login) and as a user of another body (→ 404, exactly like a missing
object); a supervising body's user reads but cannot act."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.web.conftest import registration
from xxgk.core.workflow import Action
from xxgk.web.cases.models import Case
from xxgk.web.cases.services import case_register
from xxgk.web.tenancy.models import Body

pytestmark = pytest.mark.django_db


def _route_names(patterns: list[URLPattern | URLResolver], prefix: str = "") -> set[str]:
    names: set[str] = set()
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
            names |= _route_names(p.url_patterns, ns)
        elif p.name:
            names.add(prefix + p.name)
    return names


@pytest.fixture
def case(users: dict[str, User], org: dict[str, Body]) -> Case:
    return case_register(
        actor=users["bq_clerk"], body_id=org["baqiao"].pk, registration=registration(), on=date(2026, 3, 2)
    )


def _pages(case: Case, org: dict[str, Body]) -> dict[str, tuple[str, str]]:
    """Every named route → (method, URL) for an object of 八桥镇."""
    return {
        "home": ("get", "/"),
        "login": ("get", "/accounts/login/"),
        "logout": ("post", "/accounts/logout/"),
        "cases:list": ("get", "/cases/"),
        "cases:register": ("get", "/cases/new/"),
        "cases:export_csv": ("get", "/cases/export.csv"),
        "cases:detail": ("get", f"/cases/{case.pk}/"),
        "cases:act": ("get", f"/cases/{case.pk}/act/{Action.WITHDRAW.value}/"),
        "workcalendar:years": ("get", "/calendar/"),
        "workcalendar:year_add": ("post", "/calendar/add/"),
        "workcalendar:year": ("get", "/calendar/2026/"),
        "workcalendar:announce": ("post", "/calendar/2026/announce/"),
        "workcalendar:day_save": ("post", "/calendar/2026/days/"),
        "workcalendar:day_delete": ("post", "/calendar/day/2026-10-01/delete/"),
        "tenancy:list": ("get", "/bodies/"),
        "tenancy:detail": ("get", f"/bodies/{org['baqiao'].pk}/"),
    }


PUBLIC = {"login", "logout", "home"}  # home only redirects to the work list (which needs login)
#: Pages that show one object of 八桥镇: another body's user must get 404, exactly as for a missing id.
OBJECT_PAGES = {"cases:detail", "cases:act", "tenancy:detail"}


def test_every_route_is_covered(case: Case, org: dict[str, Body]) -> None:
    assert set(_pages(case, org)) == _route_names(get_resolver().url_patterns)


def test_anonymous_is_sent_to_login_everywhere(client: Client, case: Case, org: dict[str, Body]) -> None:
    for name, (method, url) in _pages(case, org).items():
        if name in PUBLIC:
            continue
        response = getattr(client, method)(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith("/accounts/login/"), name
    assert Case.objects.count() == 1


def test_another_body_gets_404_like_a_missing_object(login: object, case: Case, org: dict[str, Body]) -> None:
    client = login("td_clerk")  # type: ignore[operator]
    pages = _pages(case, org)
    missing = {
        "cases:detail": "/cases/999999/",
        "cases:act": f"/cases/999999/act/{Action.WITHDRAW.value}/",
        "tenancy:detail": "/bodies/999999/",
    }
    for name in OBJECT_PAGES:
        mine = client.get(pages[name][1])
        absent = client.get(missing[name])
        assert mine.status_code == absent.status_code == 404, name
        assert mine.content == absent.content, name
    # nor do lists and exports show it
    assert case.number not in client.get("/cases/").content.decode()
    assert case.number not in client.get("/cases/export.csv").content.decode()
    assert client.post(pages["cases:act"][1], {"on": "2026-03-03"}).status_code == 404
    case.refresh_from_db()
    assert case.status == "processing"


def test_supervisor_reads_subordinate_cases_but_cannot_act(login: object, case: Case) -> None:
    client = login("qu_viewer")  # type: ignore[operator]
    assert case.number in client.get("/cases/").content.decode()
    detail = client.get(f"/cases/{case.pk}/")
    assert detail.status_code == 200 and "您当前没有可执行的操作" in detail.content.decode()
    assert client.post(f"/cases/{case.pk}/act/withdraw/", {"on": "2026-03-03"}).status_code == 403
    assert client.get("/cases/new/").status_code == 403


def test_user_without_body_sees_nothing(login: object, case: Case) -> None:
    client = login("nobody")  # type: ignore[operator]
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert case.number not in client.get("/cases/").content.decode()


def test_logout_needs_post_and_csrf(users: dict[str, User]) -> None:
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(users["bq_clerk"])
    assert strict.post("/accounts/logout/").status_code == 403
