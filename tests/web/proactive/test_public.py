"""The public site (/open/): anonymous, read-only, only published 主动公开 items, search and filters, no staff
names, the escaped guide, and the annual-report hook."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from tests.web.proactive.conftest import DEFAULT_DECIDERS, item_data
from xxgk.web.proactive import public_views
from xxgk.web.proactive import services as s
from xxgk.web.proactive.models import ProactiveItem
from xxgk.web.proactive.selectors import PublishedReport, published_reports, register_published_reports_provider
from xxgk.web.tenancy.models import Body

pytestmark = pytest.mark.django_db

Published = Callable[..., ProactiveItem]
STAFF = ("bq_clerk", "bq_reviewer", "bq_head")


@pytest.fixture
def site(
    published: Published,
    make_item: Callable[..., ProactiveItem],
    approve_chain: Callable[[ProactiveItem], ProactiveItem],
    users: dict[str, User],
) -> dict[str, ProactiveItem]:
    """Items of 八桥镇 in every state; only ``budget`` and ``plan`` are public."""
    budget = make_item(title="八桥镇2026年财政预算公开", category="a20.07", doc_number="八桥府发〔2026〕3号")
    s.item_attach(actor=users["bq_clerk"], item_id=budget.pk, name="预算表.pdf", data=b"%PDF-1.7 budget")
    budget = s.item_publish(actor=users["bq_clerk"], item_id=approve_chain(budget).pk)
    plan = published(title="八桥镇国土空间规划", category="a20.03", doc_number="", summary="镇域规划图")
    s.item_attach(
        actor=users["bq_clerk"],
        item_id=(draft := make_item(title="草稿：尚未审查的信息")).pk,
        name="d.pdf",
        data=b"%PDF-1",
    )
    reviewing = s.item_submit(actor=users["bq_clerk"], item_id=make_item(title="审查中的信息").pk)
    approved = approve_chain(make_item(title="已审查未发布的信息"))
    withdrawn = published(title="已撤回的信息")
    s.item_withdraw(actor=users["bq_head"], item_id=withdrawn.pk, reason="废止")
    on_request = approve_chain(
        make_item(title="依申请公开的信息", attribute="on_request", attribute_reason="仅涉及特定人")
    )
    return {
        "budget": budget,
        "plan": plan,
        "draft": draft,
        "reviewing": reviewing,
        "approved": approved,
        "withdrawn": withdrawn,
        "on_request": on_request,
    }


def _text(client: Client, url: str, **params: str) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, url
    return response.content.decode()


def test_index_and_body_home_are_public(client: Client, site: dict[str, ProactiveItem], org: dict[str, Body]) -> None:
    index = _text(client, "/open/")
    assert all(b.name in index for b in org.values())
    home = _text(client, "/open/ddk-baqiao/")
    assert "八桥镇2026年财政预算公开" in home and "财政预算、决算信息" in home
    assert (
        "/open/ddk-baqiao/catalogue/" in home
        and "/open/ddk-baqiao/guide/" in home
        and "/open/ddk-baqiao/reports/" in home
    )
    assert client.get("/open/nowhere/").status_code == 404
    assert client.post("/open/ddk-baqiao/").status_code == 405  # read-only


def test_catalogue_shows_only_published_public_items(client: Client, site: dict[str, ProactiveItem]) -> None:
    page = _text(client, "/open/ddk-baqiao/catalogue/")
    assert "共 2 条" in page
    assert site["budget"].index_number in page and "八桥府发〔2026〕3号" in page
    for hidden in ("draft", "reviewing", "approved", "withdrawn", "on_request"):
        assert site[hidden].title not in page, hidden
        assert client.get(f"/open/ddk-baqiao/items/{site[hidden].pk}/").status_code == 404, hidden
    draft_file = site["draft"].attachments.get()
    assert client.get(f"/open/ddk-baqiao/items/{site['draft'].pk}/files/{draft_file.pk}/").status_code == 404
    # an item of 八桥镇 is not found under another body's address
    assert client.get(f"/open/ddk-tiaodeng/items/{site['budget'].pk}/").status_code == 404
    assert "共 0 条" in _text(client, "/open/ddk-tiaodeng/catalogue/")


def test_search_and_filters(client: Client, site: dict[str, ProactiveItem]) -> None:
    found = _text(client, "/open/ddk-baqiao/catalogue/", q="国土空间")
    assert "八桥镇国土空间规划" in found and "财政预算公开" not in found
    by_index = _text(client, "/open/ddk-baqiao/catalogue/", q=site["budget"].index_number)
    assert "财政预算公开" in by_index and "国土空间规划" not in by_index
    by_summary = _text(client, "/open/ddk-baqiao/catalogue/", q="规划图")
    assert "国土空间规划" in by_summary
    assert "没有符合条件的信息" in _text(client, "/open/ddk-baqiao/catalogue/", q="尚未审查")  # drafts never match
    category = _text(client, "/open/ddk-baqiao/catalogue/", category="a20.07")
    assert "财政预算公开" in category and "国土空间规划" not in category
    year = timezone.localdate().year
    assert "共 2 条" in _text(client, "/open/ddk-baqiao/catalogue/", year=str(year))
    # an invalid filter falls back to the whole catalogue rather than failing
    assert "共 2 条" in _text(client, "/open/ddk-baqiao/catalogue/", year="1999")


def test_item_page_and_public_attachment(
    client: Client, site: dict[str, ProactiveItem], users: dict[str, User]
) -> None:
    budget = site["budget"]
    page = _text(client, f"/open/ddk-baqiao/items/{budget.pk}/")
    assert budget.index_number in page and budget.title in page and budget.issuer in page
    assert budget.summary in page and "成文日期" in page
    attachment = budget.attachments.get()
    assert f"/open/ddk-baqiao/items/{budget.pk}/files/{attachment.pk}/" in page
    response = client.get(f"/open/ddk-baqiao/items/{budget.pk}/files/{attachment.pk}/")
    assert response.status_code == 200 and response.content == b"%PDF-1.7 budget"
    assert response["X-Content-Type-Options"] == "nosniff" and "sandbox" in response["Content-Security-Policy"]
    assert client.get(f"/open/ddk-baqiao/items/{budget.pk}/files/999999/").status_code == 404
    # after withdrawal the page and its file are gone
    s.item_withdraw(actor=users["bq_head"], item_id=budget.pk, reason="更正后重新发布")
    assert client.get(f"/open/ddk-baqiao/items/{budget.pk}/").status_code == 404
    assert client.get(f"/open/ddk-baqiao/items/{budget.pk}/files/{attachment.pk}/").status_code == 404


def test_no_staff_names_leak(client: Client, site: dict[str, ProactiveItem], users: dict[str, User]) -> None:
    pages = [
        "/open/",
        "/open/ddk-baqiao/",
        "/open/ddk-baqiao/catalogue/",
        f"/open/ddk-baqiao/items/{site['budget'].pk}/",
        "/open/ddk-baqiao/guide/",
        "/open/ddk-baqiao/reports/",
    ]
    for url in pages:
        text = _text(client, url)
        for name in STAFF:
            assert name not in text, (url, name)
            assert users[name].get_full_name() == name
        assert "审查" not in text or url.endswith("/guide/"), url  # no review opinions on public pages


def test_pagination_keeps_the_filters(client: Client, users: dict[str, User], org: dict[str, Body]) -> None:
    formed = timezone.localdate() - timedelta(days=5)
    at = datetime.combine(formed, datetime.min.time(), tzinfo=UTC) + timedelta(hours=10)
    for i in range(public_views.PAGE_SIZE + 3):
        item = s.item_create(
            actor=users["bq_clerk"],
            body_id=org["baqiao"].pk,
            data=item_data(title=f"批量信息{i:02d}", formed_on=formed),
        )
        s.item_submit(actor=users["bq_clerk"], item_id=item.pk, at=at)
        for minute, (step, who) in enumerate(DEFAULT_DECIDERS, 1):
            s.item_decide(
                actor=users[who], item_id=item.pk, step=step, decision="approve", at=at + timedelta(minutes=minute)
            )
        s.item_publish(actor=users["bq_clerk"], item_id=item.pk, on=formed + timedelta(days=1))
    first = _text(client, "/open/ddk-baqiao/catalogue/", q="批量")
    assert f"共 {public_views.PAGE_SIZE + 3} 条" in first and "第 1 / 2 页" in first
    assert "q=%E6%89%B9%E9%87%8F&amp;page=2" in first
    second = _text(client, "/open/ddk-baqiao/catalogue/", q="批量", page="2")
    assert second.count("批量信息") == 3
    assert "第 2 / 2 页" in _text(client, "/open/ddk-baqiao/catalogue/", q="批量", page="99")


def test_guide_is_escaped_and_lists_the_channels(client: Client, users: dict[str, User], org: dict[str, Body]) -> None:
    assert "尚未发布政府信息公开指南" in _text(client, "/open/ddk-baqiao/guide/")
    s.guide_save(
        actor=users["bq_clerk"],
        body_id=org["baqiao"].pk,
        data=s.GuideData(
            office_name="八桥镇党政办公室",
            address="八桥镇新华路1号",
            office_hours="工作日 9:00–17:00",
            phone="023-68000000",
            postcode="400084",
            email="xxgk@example.gov.cn",
            accepted_channels=("in_person", "mail", "email"),
            online_portal=True,
            classification="## 分类\n- 规范性文件\n- 财政预决算\n\n<script>alert(1)</script>",
        ),
    )
    page = _text(client, "/open/ddk-baqiao/guide/")
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<h3>分类</h3><ul><li>规范性文件</li><li>财政预决算</li></ul>" in page
    assert "当面提交：八桥镇新华路1号" in page and "邮政寄送" in page and "xxgk@example.gov.cn" in page
    assert 'href="/portal/"' in page and "传真：" not in page
    assert 'href="/portal/"' in _text(client, "/open/ddk-baqiao/")


@pytest.fixture
def reports_provider() -> Iterator[None]:
    def provider(body: Body) -> list[PublishedReport]:
        return [
            PublishedReport(year=2024, title=f"{body.name}2024年政府信息公开工作年度报告", url="/r/2024"),
            PublishedReport(
                year=2025,
                title=f"{body.name}2025年政府信息公开工作年度报告",
                url="/r/2025",
                published_on=date(2026, 1, 20),
            ),
        ]

    from xxgk.web.proactive import selectors as proactive_selectors

    previous = proactive_selectors._reports_provider  # the reports app's, registered at start-up
    register_published_reports_provider(provider)
    yield
    register_published_reports_provider(previous)


def test_reports_page_empty_state(client: Client, org: dict[str, Body]) -> None:
    assert published_reports(body=org["baqiao"]) == []
    assert "暂无已发布的年度报告" in _text(client, "/open/ddk-baqiao/reports/")


def test_reports_page_lists_what_the_provider_gives(
    client: Client, org: dict[str, Body], reports_provider: None
) -> None:
    assert [r.year for r in published_reports(body=org["baqiao"])] == [2025, 2024]
    page = _text(client, "/open/ddk-baqiao/reports/")
    assert page.index("2025年政府信息公开工作年度报告") < page.index("2024年政府信息公开工作年度报告")
    assert 'href="/r/2025"' in page and "2026-01-20 发布" in page
