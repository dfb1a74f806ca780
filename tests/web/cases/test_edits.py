"""Corrections of the registration: append-only edit rows, effective registration, caches, audit, refusals."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction
from django.http import Http404
from django.test import Client

from tests.web.cases.conftest import Register
from xxgk.core.errors import WorkflowError
from xxgk.core.outcomes import ApplicantType, DeliveryMethod, Outcome, ProvisionForm
from xxgk.core.workflow import Reply, Withdrawal
from xxgk.web.audit.codes import AuditCode
from xxgk.web.audit.models import AuditEvent
from xxgk.web.cases import services as s
from xxgk.web.cases.models import AppendOnlyError, Case, CaseEdit, CaseEvent
from xxgk.web.cases.selectors import case_core, case_registration

pytestmark = pytest.mark.django_db


def _edit(users: dict[str, User], case: Case, reason: str = "登记时录入错误", **changes: object) -> CaseEdit:
    return s.case_edit_registration(actor=users["bq_clerk"], case_id=case.pk, changes=changes, reason=reason)


def test_edit_appends_a_row_and_changes_the_effective_registration(users: dict[str, User], register: Register) -> None:
    case = register(name="张山", contact="13800000000")
    event_payload = CaseEvent.objects.get(case=case).payload
    edit = _edit(users, case, applicant_name="张三", contact="13900000000", agent="李律师")
    assert (edit.seq, edit.reason, edit.actor_id) == (1, "登记时录入错误", users["bq_clerk"].pk)
    assert edit.old == {"applicant_name": "张山", "contact": "13800000000", "agent": ""}
    assert edit.new == {"applicant_name": "张三", "contact": "13900000000", "agent": "李律师"}
    # the registration event is untouched; the effective registration carries the edit
    assert CaseEvent.objects.get(case=case).payload == event_payload
    reg = case_registration(case=case)
    assert reg is not None
    assert (reg.applicant.name, reg.applicant.contact, reg.applicant.agent) == ("张三", "13900000000", "李律师")
    assert reg.applicant.id_document == "身份证 500104199001011234"  # unchanged fields stay
    case.refresh_from_db()
    assert case.applicant_name == "张三" and case.applicant_contact_key == "13900000000"
    # a second edit builds on the first
    second = _edit(users, case, reason="申请人补充", content="2019年老旧小区改造批复", requested_form="paper")
    assert second.seq == 2 and second.old["content"] == "2019年八桥镇老旧小区改造项目的批复文件"
    reg = case_registration(case=case)
    assert reg is not None and reg.applicant.name == "张三" and reg.requested_form is ProvisionForm.PAPER
    case.refresh_from_db()
    assert case.content == "2019年老旧小区改造批复"


def test_edit_is_audited_with_old_and_new_values_and_reason(users: dict[str, User], register: Register) -> None:
    case = register()
    _edit(users, case, reason="核对身份证件后更正", id_document="身份证 500104199001019999")
    audit = AuditEvent.objects.for_object("case", case.pk).get(code=AuditCode.CASE_EDITED)
    assert audit.old == {"id_document": "身份证 500104199001011234"}
    assert audit.new == {"id_document": "身份证 500104199001019999", "edit": 1}
    assert "核对身份证件后更正" in audit.note and audit.actor_id == users["bq_clerk"].pk


def test_changing_the_applicant_type_moves_the_table3_column_and_is_noted(
    users: dict[str, User], register: Register
) -> None:
    case = register()
    _edit(users, case, applicant_type=ApplicantType.LEGAL)
    case.refresh_from_db()
    assert case.applicant_type == "legal"
    audit = AuditEvent.objects.for_object("case", case.pk).get(code=AuditCode.CASE_EDITED)
    assert "表三" in audit.note and "自然人" in audit.note and "法律服务机构" in audit.note
    clerk, reviewer = users["bq_clerk"], users["bq_reviewer"]
    s.case_draft_reply(actor=clerk, case_id=case.pk, data=Reply(Outcome.GRANTED), on=date(2026, 3, 5))
    s.case_approve_reply(actor=reviewer, case_id=case.pk, on=date(2026, 3, 6))
    case = s.case_send_reply(actor=clerk, case_id=case.pk, on=date(2026, 3, 9))
    assert case_core(case=case).report_cell("2021") == "s3.granted.legal"


def test_form_and_delivery_can_be_set_and_cleared(users: dict[str, User], register: Register) -> None:
    case = register()
    _edit(users, case, requested_form="electronic", requested_delivery=DeliveryMethod.EMAIL)
    reg = case_registration(case=case)
    assert reg is not None and reg.requested_delivery is DeliveryMethod.EMAIL
    _edit(users, case, requested_form="", requested_delivery=None)
    reg = case_registration(case=case)
    assert reg is not None and reg.requested_form is None and reg.requested_delivery is None


@pytest.mark.parametrize(
    ("changes", "reason", "message"),
    [
        ({"channel": "mail"}, "x", "确认收到申请"),
        ({"received_on": "2026-03-01"}, "x", "确认收到申请"),
        ({"submitted_on": "2026-03-01"}, "x", "确认收到申请"),
        ({"number": "2026-9999"}, "x", "不能修改的登记项目：number"),
        ({"applicant_name": "李四"}, "  ", "请填写修改登记信息的原因"),
        ({"applicant_name": "张三"}, "x", "登记信息没有变化"),
        ({"applicant_name": " 张三 "}, "x", "登记信息没有变化"),
        ({"applicant_name": " "}, "x", "缺少申请人姓名或名称"),
        ({"contact": ""}, "x", "缺少联系方式"),
        ({"applicant_type": "martian"}, "x", "申请人类型"),
        ({"requested_form": "scroll"}, "x", "获取信息的形式"),
        ({"applicant_name": 42}, "x", "申请人姓名或名称"),
        ({"applicant_name": "张" * 201}, "x", "200"),
    ],
)
def test_refusals_write_nothing(
    users: dict[str, User], register: Register, changes: dict[str, object], reason: str, message: str
) -> None:
    case = register()
    before = AuditEvent.objects.count()
    with pytest.raises(WorkflowError, match=message):
        s.case_edit_registration(actor=users["bq_clerk"], case_id=case.pk, changes=changes, reason=reason)
    assert not CaseEdit.objects.exists() and AuditEvent.objects.count() == before
    case.refresh_from_db()
    assert case.applicant_name == "张三"


def test_closed_cases_cannot_be_edited(users: dict[str, User], register: Register) -> None:
    case = register()
    s.case_withdraw(actor=users["bq_clerk"], case_id=case.pk, data=Withdrawal(), on=date(2026, 3, 3))
    with pytest.raises(WorkflowError, match="已办结或归档"):
        _edit(users, case, applicant_name="李四")
    assert not CaseEdit.objects.exists()


def test_only_a_clerk_of_the_body_edits(users: dict[str, User], register: Register) -> None:
    case = register()
    for name, error in (("td_clerk", Http404), ("qu_viewer", PermissionDenied), ("bq_reviewer", PermissionDenied)):
        with pytest.raises(error):
            s.case_edit_registration(actor=users[name], case_id=case.pk, changes={"agent": "x"}, reason="x")
    with pytest.raises(Http404):
        s.case_edit_registration(actor=users["bq_clerk"], case_id=999_999, changes={"agent": "x"}, reason="x")
    assert not CaseEdit.objects.exists()


def test_edits_are_append_only_in_the_orm_and_the_database(users: dict[str, User], register: Register) -> None:
    case = register()
    edit = _edit(users, case, agent="王五")
    for attempt in (
        edit.save,
        edit.delete,
        lambda: CaseEdit.objects.filter(pk=edit.pk).update(reason="x"),
        lambda: CaseEdit.objects.all().delete(),
    ):
        with pytest.raises(AppendOnlyError):
            attempt()
    for sql in ("UPDATE cases_caseedit SET reason = 'x'", "DELETE FROM cases_caseedit"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert CaseEdit.objects.get(pk=edit.pk).reason == "登记时录入错误"


def test_recompute_after_a_calendar_change_keeps_the_edits(users: dict[str, User], register: Register) -> None:
    case = register()
    _edit(users, case, applicant_name="张三丰")
    from xxgk.web.workcalendar.selectors import calendar_get

    s.case_deadlines_recompute(actor=None, calendar=calendar_get(), reason="test")
    case.refresh_from_db()
    assert case.applicant_name == "张三丰"
    reg = case_registration(case=case)
    assert reg is not None and reg.applicant.name == "张三丰"


# -- the page -------------------------------------------------------------------------------------

EDIT_FORM = {
    "applicant_type": "natural",
    "applicant_name": "张三",
    "id_document": "身份证 500104199001011234",
    "contact": "13800000000",
    "agent": "",
    "content": "2019年八桥镇老旧小区改造项目的批复文件",
    "requested_form": "",
    "requested_delivery": "",
    "reason": "申请人来电更正联系方式",
}


def test_edit_page_prefills_saves_and_shows_the_history(login: object, register: Register) -> None:
    case = register()
    client: Client = login("bq_clerk")  # type: ignore[operator]
    detail = client.get(f"/cases/{case.pk}/").content.decode()
    assert f"/cases/{case.pk}/edit/" in detail
    page = client.get(f"/cases/{case.pk}/edit/")
    assert page.status_code == 200 and 'value="13800000000"' in page.content.decode()
    response = client.post(f"/cases/{case.pk}/edit/", {**EDIT_FORM, "contact": "13711112222"})
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    detail = client.get(f"/cases/{case.pk}/").content.decode()
    assert "登记信息修改记录" in detail and "申请人来电更正联系方式" in detail
    assert "13800000000 → 13711112222" in detail  # old → new in the edit history
    assert "13711112222" in detail.split("登记信息修改记录")[0]  # the facts show the effective contact


def test_edit_page_shows_refusals_and_requires_a_reason(login: object, register: Register) -> None:
    case = register()
    client: Client = login("bq_clerk")  # type: ignore[operator]
    unchanged = client.post(f"/cases/{case.pk}/edit/", EDIT_FORM)
    assert unchanged.status_code == 200 and "登记信息没有变化" in unchanged.content.decode()
    no_reason = client.post(f"/cases/{case.pk}/edit/", {**EDIT_FORM, "agent": "x", "reason": ""})
    assert no_reason.status_code == 200 and not CaseEdit.objects.exists()


def test_edit_page_permissions(login: object, users: dict[str, User], register: Register, client: Client) -> None:
    case = register()
    url = f"/cases/{case.pk}/edit/"
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    other: Client = login("td_clerk")  # type: ignore[operator]
    assert other.get(url).status_code == 404
    assert other.get(url).content == other.get("/cases/999999/edit/").content
    assert other.post(url, {**EDIT_FORM, "agent": "x"}).status_code == 404
    viewer: Client = login("qu_viewer")  # type: ignore[operator]
    assert viewer.get(url).status_code == 403
    assert viewer.post(url, {**EDIT_FORM, "agent": "x"}).status_code == 403
    assert f"/cases/{case.pk}/edit/" not in viewer.get(f"/cases/{case.pk}/").content.decode()
    reviewer: Client = login("bq_reviewer")  # type: ignore[operator]
    assert reviewer.get(url).status_code == 403
    s.case_withdraw(actor=users["bq_clerk"], case_id=case.pk, data=Withdrawal(), on=date(2026, 3, 3))
    clerk: Client = login("bq_clerk")  # type: ignore[operator]
    assert clerk.get(url).status_code == 403
    assert not CaseEdit.objects.exists()
