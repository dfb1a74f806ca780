"""Browser: the whole handling of an application through the staff pages — register, 补正 notice, correction
received, third-party consultation, extension approved by the head, 部分公开 reply with grounds approved by the
reviewer and sent — while the applicant follows it on the portal with the 查询码 the clerk issued."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from tests.browser.test_portal import check_status
from xxgk.core.deadlines import correction_deadline
from xxgk.core.outcomes import Outcome
from xxgk.web.cases.models import Case
from xxgk.web.tenancy.models import Body
from xxgk.web.workcalendar.selectors import calendar_get

APPLICANT = "欧阳琦琪"
ID_DOCUMENT = "居民身份证 11010519491231002X"
CONTACT = "13912345678；重庆市大渡口区春晖路街道翠柏苑17栋"
THIRD_PARTY = "重庆某某置业有限公司"
APPROVER = "王强（负责人）"
GROUND = "《中华人民共和国政府信息公开条例》第十五条、第三十七条"
REASONS = "所需文件含第三方商业秘密，经征求意见后区分处理"
WITHHELD = "投标人报价明细表"
CORRECTION_ITEMS = ["请写明所需文件的文号或制作时间", "请说明所需信息的项目名称"]
PRIVATE = [APPLICANT, "11010519491231002X", "13912345678", "翠柏苑", THIRD_PARTY, APPROVER, GROUND, REASONS, WITHHELD]
PRIVATE += ["bq_clerk", "bq_head", "bq_reviewer"]  # staff names (the fixtures' full names are the usernames)


def _fill(page: Any, fields: dict[str, str]) -> None:
    for name, value in fields.items():
        field = page.locator(f"main [name={name}]")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)


def _submit(page: Any, case_page: re.Pattern[str]) -> None:
    page.click("main form.stacked button[type=submit]")
    page.wait_for_load_state()
    if not case_page.search(page.url):
        errors = page.locator("main .errors, main .error").all_inner_texts()
        pytest.fail(f"the form was refused at {page.url}: {errors}")


def _act(page: Any, case_id: int, action: str, fields: dict[str, str] | None = None) -> None:
    page.goto(f"{page.base}/cases/{case_id}/act/{action}/")
    _fill(page, fields or {})
    _submit(page, re.compile(rf"/cases/{case_id}/$"))


def _due(page: Any) -> date:
    match = re.search(r"答复期限\s+(\d{4}-\d{2}-\d{2})", page.inner_text("main"))
    assert match is not None, page.inner_text("main")
    return date.fromisoformat(match.group(1))


def _public(page: Any, code: str) -> tuple[str, str]:
    """The public state and the whole text of the applicant's status page; asserts nothing private shows."""
    state = check_status(page, code)
    text = str(page.inner_text("main"))
    for private in PRIVATE:
        assert private not in text, private
    return state, text


@pytest.mark.django_db(transaction=True)
def test_handling_an_application_followed_on_the_portal(
    page: Any,
    new_page: Callable[[], Any],
    sign_in: Any,
    users: dict[str, User],
    org: dict[str, Body],
) -> None:
    today = timezone.localdate()
    clerk, head, reviewer = new_page(), new_page(), new_page()
    sign_in(clerk, "bq_clerk")
    sign_in(head, "bq_head")
    sign_in(reviewer, "bq_reviewer")

    # 1. the clerk registers an application handed in today
    clerk.goto(f"{clerk.base}/cases/new/")
    _fill(
        clerk,
        {
            "channel": "in_person",
            "applicant_type": "natural",
            "applicant_name": APPLICANT,
            "id_document": ID_DOCUMENT,
            "contact": CONTACT,
            "content": "2025年八桥镇老旧小区改造工程的招标文件",
            "submitted_on": today.isoformat(),
        },
    )
    _submit(clerk, re.compile(r"/cases/\d+/$"))
    case_id = int(re.findall(r"/cases/(\d+)/$", clerk.url)[0])
    case = Case.objects.get(pk=case_id)
    assert case.received_on == today and case.applicant_name == APPLICANT

    # ... and issues a 查询码 for the 登记回执
    clerk.goto(f"{clerk.base}/portal/case/{case_id}/code/")
    clerk.click("main form button[type=submit]")
    code = clerk.inner_text("[data-testid=access-code]").strip()
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", code)
    state, text = _public(page, code)
    assert state == "办理中" and case.number in text and today.isoformat() in text
    first_due = _due(page)

    # 2. 补正: every item at once, with a deadline; the applicant sees what to correct and by when
    due = today + timedelta(days=10)
    _act(clerk, case_id, "request_correction", {"items": "\n".join(CORRECTION_ITEMS), "due": due.isoformat()})
    state, text = _public(page, code)
    assert state == "待补正"
    assert all(item in text for item in CORRECTION_ITEMS)
    expected_due = correction_deadline(today, due, calendar_get()).due
    assert expected_due is not None and f"补正期限：{expected_due.isoformat()}" in text

    # 3. the corrected application arrives: the clock restarts
    _act(clerk, case_id, "receive_correction")
    state, _ = _public(page, code)
    assert state == "办理中"

    # 4. a third party is consulted (Art 32); its name is not public
    _act(clerk, case_id, "start_consultation", {"kind": "third_party", "parties": THIRD_PARTY})
    state, text = _public(page, code)
    assert state == "征求意见中" and "征求第三方意见" in text
    _act(clerk, case_id, "end_consultation", {"result": "objection", "note": "第三方认为涉及商业秘密"})
    state, _ = _public(page, code)
    assert state == "办理中"
    due_before = _due(page)
    assert due_before >= first_due

    # 5. the head approves an extension (Art 33 ¶2): the clerk cannot, the head can
    clerk.goto(f"{clerk.base}/cases/{case_id}/")
    assert "/act/extend/" not in clerk.content()
    _act(
        head,
        case_id,
        "extend",
        {"days": "20", "approved_by": APPROVER, "notified_on": today.isoformat(), "reason": "需区分处理"},
    )
    state, text = _public(page, code)
    case.refresh_from_db()
    assert state == "已延期" and case.answer_due is not None
    assert _due(page) == case.answer_due and case.answer_due > due_before

    # 6. the clerk drafts a 部分公开 reply with ground, reasons and the withheld parts; not public yet
    _act(
        clerk,
        case_id,
        "draft_reply",
        {
            "outcome": Outcome.PARTIAL.value,
            "legal_ground": GROUND,
            "reasons": REASONS,
            "withheld_parts": WITHHELD,
            "form": "paper",
            "delivery": "mail",
        },
    )
    state, text = _public(page, code)
    assert state == "已延期" and Outcome.PARTIAL.label not in text

    # 7. the reviewer approves; the clerk sends
    _act(reviewer, case_id, "approve_reply", {"comment": "同意"})
    state, text = _public(page, code)
    assert state == "已延期" and Outcome.PARTIAL.label not in text
    _act(clerk, case_id, "send_reply")
    state, text = _public(page, code)
    assert state == "已答复" and Outcome.PARTIAL.label in text
    assert f"答复日期\n{today.isoformat()}" in text or f"答复日期\t{today.isoformat()}" in text
    rows = [row.split("\t") for row in page.locator("main table tbody tr").all_inner_texts()]
    assert rows == [
        [today.isoformat(), step]
        for step in (
            "登记申请（收到申请）",
            "告知补正",
            "收到补正后的申请",
            "征求第三方意见",
            "征求意见结束",
            "延长答复期限",
            "作出答复",
        )
    ]
    case.refresh_from_db()
    assert case.status == "closed" and case.outcome == Outcome.PARTIAL.value and case.closed_on == today
