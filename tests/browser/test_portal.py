"""Browser: an applicant submits online and gets a 查询码, the clerk confirms it in the inbox, the applicant then
sees 办理中 — and never anyone's personal data."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User

from xxgk.web.cases.models import Case
from xxgk.web.portal import forms as portal_forms
from xxgk.web.portal.models import OnlineSubmission
from xxgk.web.tenancy.models import Body

CODE = re.compile(r"^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$")
APPLICANT = "欧阳琦琪"


def check_status(page: Any, code: str) -> str:
    """Look the code up on the public status page; returns the public state shown."""
    page.goto(f"{page.base}/portal/status/")
    page.fill("input[name=code]", code.lower())  # typed loosely, as people do
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    return str(page.inner_text(".public-state")).strip()


@pytest.mark.django_db(transaction=True)
def test_online_submission_is_confirmed_and_followed_with_the_code(
    page: Any, new_page: Callable[[], Any], sign_in: Any, users: dict[str, User], org: dict[str, Body]
) -> None:
    # the applicant chooses the body and fills in the form (no login)
    page.goto(f"{page.base}/portal/")
    page.click(f"text={org['baqiao'].name}")
    page.wait_for_url(re.compile(r"/portal/apply/ddk-baqiao/$"))
    page.select_option("select[name=applicant_type]", "natural")
    page.fill("input[name=applicant_name]", APPLICANT)
    page.select_option("select[name=id_type]", "resident_id")
    page.fill("input[name=id_number]", "11010519491231002x")
    page.fill("input[name=phone]", "13912345678")
    page.fill("textarea[name=content]", "八桥镇2025年老旧小区改造项目的立项批复文件")
    page.select_option("select[name=requested_form]", "electronic")
    page.select_option("select[name=requested_delivery]", "online")
    page.check("input[name=declaration]")
    box = page.locator("input[name=homepage]").bounding_box()
    assert box is not None and box["x"] + box["width"] < 0  # the honeypot is off-screen: people never see it
    page.wait_for_timeout(portal_forms.MIN_FILL_SECONDS * 1000 + 300)  # people take a moment; bots do not
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("h1").first.inner_text().strip() == "申请已提交"
    code = page.inner_text("[data-testid=access-code]").strip()
    assert CODE.match(code)
    assert OnlineSubmission.objects.get().status == "submitted" and not Case.objects.exists()
    assert check_status(page, code) == "已提交待确认"

    # the clerk confirms it in the inbox
    clerk = new_page()
    sign_in(clerk, "bq_clerk")
    clerk.goto(f"{clerk.base}/portal/inbox/")
    assert APPLICANT in clerk.inner_text("main")
    clerk.click("text=核对并确认")
    clerk.click("main form[action$='/accept/'] button[type=submit]")
    clerk.wait_for_url(re.compile(r"/cases/\d+/$"))
    case = Case.objects.get()
    assert case.channel == "online" and case.received_on == case.registered_on
    assert case.number in clerk.inner_text("h1")

    # the applicant follows it with the code: 办理中, with the case number and a due date, nothing personal
    assert check_status(page, code) == "办理中"
    text = page.inner_text("main")
    assert case.number in text and "答复期限" in text and case.answer_due is not None
    assert case.answer_due.isoformat() in text
    assert APPLICANT not in text and "13912345678" not in text and "bq_clerk" not in text

    # a wrong code is refused with a clear message
    page.goto(f"{page.base}/portal/status/")
    page.fill("input[name=code]", "ABCD-EFGH-JKMN-PQRS")
    page.click("main form button[type=submit]")
    assert "查询码不正确或已作废" in page.inner_text("main")
