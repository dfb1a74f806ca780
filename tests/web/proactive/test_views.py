"""Staff pages: lists with filters, the item page (chain, decisions, audit), forms and their errors, the task list,
settings pages, attachments, 依申请转主动 — driven through the test client."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from tests.web.proactive.conftest import DEFAULT_DECIDERS
from xxgk.core.outcomes import Outcome
from xxgk.web.cases.models import Case
from xxgk.web.proactive import services as s
from xxgk.web.proactive.models import DisclosureGuide, ItemAttachment, ItemStatus, ProactiveItem, SignoffChain
from xxgk.web.tenancy.models import Body

pytestmark = pytest.mark.django_db

Login = Callable[[str], Client]
MakeItem = Callable[..., ProactiveItem]


def _form(item_body: Body, **overrides: str) -> dict[str, str]:
    data = {
        "body": str(item_body.pk),
        "category": "a20.07",
        "title": "八桥镇2026年部门预算",
        "doc_number": "八桥府发〔2026〕5号",
        "issuer": "",
        "formed_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "attribute": "public",
        "withholding_ground": "",
        "attribute_reason": "",
        "summary": "部门预算公开",
        "content": "正文",
    }
    data.update(overrides)
    return data


def test_create_edit_submit_decide_publish_through_the_pages(
    login: Login, org: dict[str, Body], users: dict[str, User]
) -> None:
    client = login("bq_clerk")
    page = client.get("/proactive/new/")
    assert page.status_code == 200 and "宅基地使用情况审核" in page.content.decode()  # town list of Art 21
    bad = client.post("/proactive/new/", _form(org["baqiao"], attribute="not_public"))
    assert bad.status_code == 200 and "须选择法律依据" in bad.content.decode()
    assert not ProactiveItem.objects.exists()
    response = client.post("/proactive/new/", _form(org["baqiao"]))
    item = ProactiveItem.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/proactive/{item.pk}/"
    detail = client.get(f"/proactive/{item.pk}/").content.decode()
    assert "提交保密审查" in detail and "尚未提交保密审查" in detail and "公开期限" in detail
    edit = client.post(f"/proactive/{item.pk}/edit/", _form(org["baqiao"], title="改后的标题"))
    assert edit.status_code == 302
    assert ProactiveItem.objects.get().title == "改后的标题"
    assert client.post(f"/proactive/{item.pk}/submit/").status_code == 302
    assert ProactiveItem.objects.get().status == ItemStatus.IN_REVIEW
    # the drafter sees the chain but cannot decide
    detail = client.get(f"/proactive/{item.pk}/").content.decode()
    assert "承办科室审核" in detail and "起草人不能审查本人起草的事项" in detail and 'name="decision"' not in detail
    # reviewers decide on the page; a rejection without reason keeps the form with the error
    reviewer = login("bq_reviewer")
    review_page = reviewer.get(f"/proactive/{item.pk}/").content.decode()
    assert 'name="decision"' in review_page and "审查：承办科室审核" in review_page
    refused = reviewer.post(
        f"/proactive/{item.pk}/decide/", {"step": "department", "decision": "reject", "opinion": ""}
    )
    assert refused.status_code == 200 and "退回修改须写明理由" in refused.content.decode()
    for step, who in DEFAULT_DECIDERS:
        c = login(who)
        assert (
            c.post(
                f"/proactive/{item.pk}/decide/", {"step": step, "decision": "approve", "opinion": "同意"}
            ).status_code
            == 302
        )
    assert ProactiveItem.objects.get().status == ItemStatus.APPROVED
    client = login("bq_clerk")
    assert "公开日期" in client.get(f"/proactive/{item.pk}/").content.decode()
    response = client.post(f"/proactive/{item.pk}/publish/", {"on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == ItemStatus.PUBLISHED and item.index_number
    final = client.get(f"/proactive/{item.pk}/").content.decode()
    assert item.index_number in final and "发布主动公开信息" in final  # the audit trail
    assert f"/open/ddk-baqiao/items/{item.pk}/" in final


def test_list_filters_and_views(login: Login, make_item: MakeItem, published: Callable[..., ProactiveItem]) -> None:
    make_item(title="逾期未公开的信息", formed_on=timezone.localdate() - timedelta(days=60))
    done = published(title="已经公开的信息")
    client = login("bq_clerk")
    page = client.get("/proactive/").content.decode()
    assert "逾期未公开的信息" in page and "已经公开的信息" in page and done.index_number in page
    overdue = client.get("/proactive/?view=overdue").content.decode()
    assert "逾期未公开的信息" in overdue and "已经公开的信息" not in overdue
    found = client.get("/proactive/", {"q": "已经公开"}).content.decode()
    assert "已经公开的信息" in found and "逾期未公开的信息" not in found
    by_status = client.get("/proactive/", {"status": "published"}).content.decode()
    assert "逾期未公开的信息" not in by_status
    # a bad filter value shows everything rather than failing
    assert client.get("/proactive/", {"year": "abc"}).status_code == 200


def test_tasks_page(login: Login, make_item: MakeItem, users: dict[str, User]) -> None:
    item = s.item_submit(actor=users["bq_clerk"], item_id=make_item(title="待审查的信息").pk)
    page = login("bq_reviewer").get("/proactive/tasks/").content.decode()
    assert "待审查的信息" in page and "承办科室审核" in page and f"/proactive/{item.pk}/" in page
    assert "待审查的信息" not in login("bq_head").get("/proactive/tasks/").content.decode()


def test_attachments_upload_download_delete(login: Login, make_item: MakeItem) -> None:
    item = make_item()
    client = login("bq_clerk")
    upload = SimpleUploadedFile("预算表.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    assert client.post(f"/proactive/{item.pk}/files/", {"file": upload}).status_code == 302
    attachment = ItemAttachment.objects.get()
    response = client.get(f"/proactive/{item.pk}/files/{attachment.pk}/")
    assert response.status_code == 200 and response.content == b"%PDF-1.4 test"
    assert response["Content-Type"] == "application/pdf" and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    bad = client.post(f"/proactive/{item.pk}/files/", {"file": SimpleUploadedFile("a.html", b"<script>")}, follow=True)
    assert "不支持的附件类型" in bad.content.decode() and ItemAttachment.objects.count() == 1
    assert client.post(f"/proactive/{item.pk}/files/{attachment.pk}/delete/").status_code == 302
    assert not ItemAttachment.objects.exists()


def test_withdraw_page(login: Login, published: Callable[..., ProactiveItem]) -> None:
    item = published()
    client = login("bq_head")
    assert "撤回理由" in client.get(f"/proactive/{item.pk}/withdraw/").content.decode()
    assert client.post(f"/proactive/{item.pk}/withdraw/", {"reason": ""}).status_code == 200
    assert client.post(f"/proactive/{item.pk}/withdraw/", {"reason": "已被新文件替代"}).status_code == 302
    assert ProactiveItem.objects.get().status == ItemStatus.WITHDRAWN
    assert login("bq_reviewer").get(f"/proactive/{item.pk}/withdraw/").status_code == 403


def test_from_case_page(login: Login, answered_case: Callable[[Outcome], Case]) -> None:
    case = answered_case(Outcome.GRANTED)
    client = login("bq_clerk")
    page = client.get(f"/proactive/from-case/{case.pk}/").content.decode()
    assert '<button type="submit">生成主动公开信息草稿' in page and case.content in page
    response = client.post(f"/proactive/from-case/{case.pk}/")
    item = ProactiveItem.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/proactive/{item.pk}/edit/"
    again = client.post(f"/proactive/from-case/{case.pk}/").content.decode()
    assert "已转为主动公开信息" in again and ProactiveItem.objects.count() == 1
    refused = answered_case(Outcome.UNABLE_NOT_FOUND)
    assert (
        '<button type="submit">生成主动公开信息草稿'
        not in client.get(f"/proactive/from-case/{refused.pk}/").content.decode()
    )


def test_settings_pages(login: Login, org: dict[str, Body]) -> None:
    head = login("bq_head")
    index = head.get("/proactive/settings/").content.decode()
    assert org["baqiao"].name in index and "修改流程" in index and "索引号设置" in index
    body_id = org["baqiao"].pk
    chain_page = head.get(f"/proactive/settings/{body_id}/chain/").content.decode()
    assert "承办科室审核" in chain_page and "默认流程" in chain_page
    bad = head.post(f"/proactive/settings/{body_id}/chain/", {f"step_{i}_role": "reviewer" for i in range(1, 11)})
    assert "至少需要一个环节" in bad.content.decode() and not SignoffChain.objects.exists()
    data = {f"step_{i}_role": "reviewer" for i in range(1, 11)}
    data.update(
        {"step_1_name": "科室初审", "step_2_name": "领导签发", "step_2_role": "head", "step_2_important_only": ""}
    )
    assert head.post(f"/proactive/settings/{body_id}/chain/", data).status_code == 302
    steps = SignoffChain.objects.get(body=org["baqiao"]).definition["steps"]
    assert [(st["name"], st["role"]) for st in steps] == [("科室初审", "reviewer"), ("领导签发", "head")]
    settings_page = head.get(f"/proactive/settings/{body_id}/catalogue/").content.decode()
    assert "ddk-baqiao-2026-01-0012" in settings_page  # the example of the default pattern
    assert (
        "未知的占位符"
        in head.post(
            f"/proactive/settings/{body_id}/catalogue/", {"body_code": "", "index_pattern": "{年}-{号}"}
        ).content.decode()
    )
    assert (
        head.post(
            f"/proactive/settings/{body_id}/catalogue/",
            {"body_code": "115001", "index_pattern": "{机关代码}/{年}-{序号:05d}"},
        ).status_code
        == 302
    )
    clerk = login("bq_clerk")
    assert clerk.get(f"/proactive/settings/{body_id}/chain/").status_code == 403
    guide = clerk.get(f"/proactive/settings/{body_id}/guide/").content.decode()
    assert "政府信息公开工作机构" in guide
    response = clerk.post(
        f"/proactive/settings/{body_id}/guide/",
        {
            "office_name": "八桥镇党政办公室",
            "address": "八桥镇新华路1号",
            "office_hours": "工作日",
            "phone": "023-1",
            "accepted_channels": ["in_person", "mail"],
            "online_portal": "on",
            "classification": "## 分类\n- 规范性文件\n- 财政信息",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/open/ddk-baqiao/guide/"
    assert DisclosureGuide.objects.get(body=org["baqiao"]).online_portal
