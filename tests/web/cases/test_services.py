"""One service per transition: each asks the core, writes the event row, refreshes caches, appends audit."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404

from tests.web.conftest import registration
from xxgk.core.calendar import add_working_days
from xxgk.core.errors import WorkflowError
from xxgk.core.outcomes import Channel, Outcome
from xxgk.core.receipt import ReceiptFacts
from xxgk.core.workflow import (
    Action,
    Consultation,
    ConsultationEnd,
    ConsultationKind,
    ConsultationResult,
    CorrectionReceipt,
    CorrectionRequest,
    Extension,
    ReceiptConfirmation,
    Reply,
    ReviewNote,
    Status,
    Withdrawal,
)
from xxgk.web.audit.codes import AuditCode
from xxgk.web.audit.models import AuditEvent
from xxgk.web.cases import services as s
from xxgk.web.cases.models import Case, CaseEvent
from xxgk.web.cases.selectors import case_core
from xxgk.web.tenancy.models import Body
from xxgk.web.workcalendar.selectors import calendar_get

pytestmark = pytest.mark.django_db


def _register(users: dict[str, User], org: dict[str, Body], **kwargs: object) -> Case:
    return s.case_register(
        actor=users["bq_clerk"],
        body_id=org["baqiao"].pk,
        registration=registration(**kwargs),  # type: ignore[arg-type]
        on=date(2026, 3, 2),
    )


def test_register_stores_the_event_caches_the_deadline_and_audits(users: dict[str, User], org: dict[str, Body]) -> None:
    case = _register(users, org)
    assert case.number == "2026-0001"
    assert case.status == Status.PROCESSING
    assert case.received_on == date(2026, 3, 2)
    # the answer deadline is 20 working days after receipt, on the stored calendar
    assert case.answer_due == add_working_days(date(2026, 3, 2), 20, calendar_get()).day
    assert case.next_due is not None and case.next_due <= case.answer_due  # the 7-day 补正 notice window
    event = CaseEvent.objects.get(case=case)
    assert (event.seq, event.action, event.role, event.actor_id) == (1, "register", "clerk", users["bq_clerk"].pk)
    audit = AuditEvent.objects.get(object_type="case", object_id=str(case.pk))
    assert audit.code == AuditCode.CASE_REGISTERED
    assert audit.actor_id == users["bq_clerk"].pk and audit.body_id == org["baqiao"].pk
    assert audit.created_at.tzinfo is not None
    assert isinstance(audit.new, dict) and audit.new["status"] == "processing"
    # the stored history replays into the same core case
    core = case_core(case=case)
    assert core.registration == registration()
    second = _register(users, org, name="李四")
    assert second.number == "2026-0002"


def test_register_pending_when_the_receipt_date_is_not_fixed(users: dict[str, User], org: dict[str, Body]) -> None:
    case = _register(users, org, channel=Channel.ONLINE, receipt=ReceiptFacts())
    assert case.status == Status.AWAITING_RECEIPT
    assert case.received_on is None and case.answer_due is None
    case = s.case_confirm_receipt(
        actor=users["bq_clerk"],
        case_id=case.pk,
        data=ReceiptConfirmation(ReceiptFacts(confirmed_on=date(2026, 3, 3))),
        on=date(2026, 3, 3),
    )
    assert case.status == Status.PROCESSING and case.received_on == date(2026, 3, 3)


def test_register_is_refused_with_the_core_message_and_writes_nothing(
    users: dict[str, User], org: dict[str, Body]
) -> None:
    with pytest.raises(WorkflowError, match="缺少申请人姓名或名称"):
        _register(users, org, name=" ")
    assert not Case.objects.exists() and not AuditEvent.objects.exists()


def test_register_needs_a_clerk_of_that_body(users: dict[str, User], org: dict[str, Body]) -> None:
    with pytest.raises(Http404):  # another body: as if it did not exist
        s.case_register(
            actor=users["td_clerk"], body_id=org["baqiao"].pk, registration=registration(), on=date(2026, 3, 2)
        )
    with pytest.raises(PermissionDenied):  # own body, wrong role
        s.case_register(
            actor=users["bq_reviewer"], body_id=org["baqiao"].pk, registration=registration(), on=date(2026, 3, 2)
        )


def test_full_story_correction_consultation_extension_partial_reply(
    users: dict[str, User], org: dict[str, Body]
) -> None:
    clerk, head, reviewer = users["bq_clerk"], users["bq_head"], users["bq_reviewer"]
    case = _register(users, org)
    case = s.case_request_correction(
        actor=clerk,
        case_id=case.pk,
        data=CorrectionRequest(items=("请明确项目名称",), due=date(2026, 3, 20)),
        on=date(2026, 3, 4),
    )
    assert case.status == Status.AWAITING_CORRECTION and case.answer_due is None
    case = s.case_receive_correction(actor=clerk, case_id=case.pk, data=CorrectionReceipt(), on=date(2026, 3, 10))
    cal = calendar_get()
    assert case.answer_due == add_working_days(date(2026, 3, 10), 20, cal).day  # the clock restarts
    case = s.case_consult(
        actor=clerk,
        case_id=case.pk,
        data=Consultation(ConsultationKind.THIRD_PARTY, ("重庆某建设公司",), party_received_on=date(2026, 3, 12)),
        on=date(2026, 3, 11),
    )
    assert case.status == Status.CONSULTING
    case = s.case_end_consultation(
        actor=clerk,
        case_id=case.pk,
        data=ConsultationEnd(ConsultationResult.OBJECTION, "涉及商业秘密"),
        on=date(2026, 3, 20),
    )
    due_before = case.answer_due
    assert due_before is not None
    with pytest.raises(PermissionDenied):  # only the head approves an extension
        s.case_extend(
            actor=clerk, case_id=case.pk, data=Extension(20, "王主任", date(2026, 3, 25)), on=date(2026, 3, 25)
        )
    case = s.case_extend(
        actor=head, case_id=case.pk, data=Extension(20, "王主任", date(2026, 3, 25)), on=date(2026, 3, 25)
    )
    assert case.answer_due == add_working_days(due_before, 20, cal).day
    reply = Reply(
        Outcome.PARTIAL, legal_ground="《条例》第十五条", reasons="涉及第三方商业秘密", withheld_parts=("报价明细",)
    )
    case = s.case_draft_reply(actor=clerk, case_id=case.pk, data=reply, on=date(2026, 4, 10))
    assert case.status == Status.REPLY_REVIEW
    case = s.case_approve_reply(actor=reviewer, case_id=case.pk, data=ReviewNote("同意"), on=date(2026, 4, 13))
    case = s.case_send_reply(actor=clerk, case_id=case.pk, on=date(2026, 4, 14))
    assert (case.status, case.outcome, case.closed_on) == (Status.CLOSED, Outcome.PARTIAL, date(2026, 4, 14))
    assert case.next_due is None
    case = s.case_archive(actor=reviewer, case_id=case.pk, on=date(2026, 4, 15))
    assert case.status == Status.ARCHIVED
    codes = list(AuditEvent.objects.for_object("case", case.pk).values_list("code", flat=True))
    assert codes == [
        AuditCode.CASE_REGISTERED,
        AuditCode.CASE_CORRECTION_REQUESTED,
        AuditCode.CASE_CORRECTION_RECEIVED,
        AuditCode.CASE_CONSULTATION_STARTED,
        AuditCode.CASE_CONSULTATION_ENDED,
        AuditCode.CASE_EXTENDED,
        AuditCode.CASE_REPLY_DRAFTED,
        AuditCode.CASE_REPLY_APPROVED,
        AuditCode.CASE_REPLY_SENT,
        AuditCode.CASE_ARCHIVED,
    ]
    assert list(case.events.values_list("seq", flat=True)) == list(range(1, 11))
    assert case_core(case=case).report_cell("2021") == "s3.partial.natural"


def test_illegal_move_is_refused_and_nothing_is_written(users: dict[str, User], org: dict[str, Body]) -> None:
    case = _register(users, org)
    before = AuditEvent.objects.count()
    with pytest.raises(WorkflowError, match="不能执行"):
        s.case_send_reply(actor=users["bq_clerk"], case_id=case.pk, on=date(2026, 3, 3))
    with pytest.raises(WorkflowError, match="早于上一操作日期"):
        s.case_withdraw(actor=users["bq_clerk"], case_id=case.pk, data=Withdrawal(), on=date(2026, 3, 1))
    assert AuditEvent.objects.count() == before and CaseEvent.objects.filter(case=case).count() == 1


def test_supervisor_sees_but_cannot_act_and_other_body_gets_404(users: dict[str, User], org: dict[str, Body]) -> None:
    case = _register(users, org)
    with pytest.raises(PermissionDenied):
        s.case_withdraw(actor=users["qu_viewer"], case_id=case.pk, on=date(2026, 3, 3))
    with pytest.raises(Http404):
        s.case_withdraw(actor=users["td_clerk"], case_id=case.pk, on=date(2026, 3, 3))
    with pytest.raises(Http404):
        s.case_withdraw(actor=users["bq_clerk"], case_id=999_999, on=date(2026, 3, 3))


def test_reviewer_cannot_approve_a_reply_they_drafted(users: dict[str, User], org: dict[str, Body]) -> None:
    both = users["bq_clerk"]
    from xxgk.web.tenancy.models import MemberRole, Membership

    Membership.objects.create(user=both, body=org["baqiao"], role=MemberRole.REVIEWER)
    case = _register(users, org)
    case = s.case_draft_reply(actor=both, case_id=case.pk, data=Reply(Outcome.GRANTED), on=date(2026, 3, 3))
    with pytest.raises(WorkflowError, match="不能审核本人"):
        s.case_approve_reply(actor=both, case_id=case.pk, on=date(2026, 3, 4))


def test_withdraw_closes_with_exactly_one_outcome(users: dict[str, User], org: dict[str, Body]) -> None:
    case = _register(users, org)
    case = s.case_withdraw(
        actor=users["bq_clerk"], case_id=case.pk, data=Withdrawal("申请人书面撤回"), on=date(2026, 3, 5)
    )
    assert (case.status, case.outcome) == (Status.CLOSED, Outcome.WITHDRAWN)


def test_every_action_has_one_service_and_one_audit_code() -> None:
    assert set(s.SERVICES) | {Action.REGISTER, Action.REGISTER_PENDING} == set(Action)
    assert set(s.ACTION_CODES) == set(Action)
    assert len(set(s.ACTION_CODES.values())) == len(Action)
