"""Writes of applications: ONE SERVICE PER TRANSITION of the core table.

Every service runs in one transaction: it locks the case (scoped to the actor's bodies), rebuilds the core case
from the stored history, asks :func:`xxgk.core.workflow.apply` whether the move is legal (the core raises
:class:`~xxgk.core.errors.WorkflowError` with a Chinese message otherwise), appends the event row, refreshes the
cached status and due dates, and appends an audit event with the action's stable code.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from xxgk.core.calendar import WorkCalendar
from xxgk.core.errors import WorkflowError
from xxgk.core.receipt import receipt_date
from xxgk.core.workflow import (
    Action,
    Consultation,
    ConsultationEnd,
    CorrectionReceipt,
    CorrectionRequest,
    CustomDeadline,
    Event,
    Extension,
    FeeNotice,
    Payload,
    Payment,
    ReasonsRecord,
    ReceiptConfirmation,
    Registration,
    Reply,
    ReviewNote,
    Role,
    Withdrawal,
    apply,
    transition,
)
from xxgk.core.workflow import (
    Case as CoreCase,
)
from xxgk.web.audit.codes import AuditCode
from xxgk.web.audit.services import audit_record
from xxgk.web.cases.codec import payload_encode
from xxgk.web.cases.models import OPEN_STATUSES, Case, CaseEvent
from xxgk.web.cases.selectors import access_case_for_update, case_core
from xxgk.web.tenancy.models import Body
from xxgk.web.tenancy.selectors import NOT_FOUND, body_ids_working, workflow_roles_in_body
from xxgk.web.workcalendar.selectors import calendar_get

ACTION_CODES: dict[Action, AuditCode] = {
    Action.REGISTER: AuditCode.CASE_REGISTERED,
    Action.REGISTER_PENDING: AuditCode.CASE_REGISTERED_PENDING,
    Action.CONFIRM_RECEIPT: AuditCode.CASE_RECEIPT_CONFIRMED,
    Action.REPLY_ON_THE_SPOT: AuditCode.CASE_REPLIED_ON_THE_SPOT,
    Action.REQUEST_CORRECTION: AuditCode.CASE_CORRECTION_REQUESTED,
    Action.RECEIVE_CORRECTION: AuditCode.CASE_CORRECTION_RECEIVED,
    Action.CORRECTION_OVERDUE: AuditCode.CASE_CORRECTION_OVERDUE,
    Action.START_CONSULTATION: AuditCode.CASE_CONSULTATION_STARTED,
    Action.END_CONSULTATION: AuditCode.CASE_CONSULTATION_ENDED,
    Action.EXTEND: AuditCode.CASE_EXTENDED,
    Action.REQUEST_REASONS: AuditCode.CASE_REASONS_REQUESTED,
    Action.RECORD_REASONS: AuditCode.CASE_REASONS_RECORDED,
    Action.SET_CUSTOM_DEADLINE: AuditCode.CASE_CUSTOM_DEADLINE_SET,
    Action.SEND_FEE_NOTICE: AuditCode.CASE_FEE_NOTICE_SENT,
    Action.RECORD_PAYMENT: AuditCode.CASE_PAYMENT_RECORDED,
    Action.FEE_OVERDUE: AuditCode.CASE_FEE_OVERDUE,
    Action.DRAFT_REPLY: AuditCode.CASE_REPLY_DRAFTED,
    Action.RETURN_REPLY: AuditCode.CASE_REPLY_RETURNED,
    Action.APPROVE_REPLY: AuditCode.CASE_REPLY_APPROVED,
    Action.SEND_REPLY: AuditCode.CASE_REPLY_SENT,
    Action.WITHDRAW: AuditCode.CASE_WITHDRAWN,
    Action.ARCHIVE: AuditCode.CASE_ARCHIVED,
}

NO_ROLE = "您在本机关没有执行“{action}”的角色（可由：{roles}）"
OBJECT_TYPE = "case"


def _today(on: date | None) -> date:
    return timezone.localdate() if on is None else on


def _snapshot(case: Case) -> dict[str, Any]:
    def d(value: date | None) -> str | None:
        return None if value is None else value.isoformat()

    return {
        "status": case.status,
        "outcome": case.outcome,
        "received_on": d(case.received_on),
        "answer_due": d(case.answer_due),
        "next_due": d(case.next_due),
        "due_provisional": case.due_provisional,
        "closed_on": d(case.closed_on),
    }


def _refresh_cache(case: Case, core: CoreCase, calendar: WorkCalendar) -> None:
    """Copy status, outcome and due dates from the core case onto the row (not saved)."""
    case.status = core.status.value
    case.outcome = core.outcome.value if core.outcome is not None else ""
    case.closed_on = core.closed_on
    case.received_on = core.received_on
    deadlines = core.deadlines(calendar)
    answer = next((d for d in deadlines if d.kind.value == "answer"), None)
    case.answer_due = answer.due if answer is not None else None
    running = [d for d in deadlines if d.due is not None]
    first = min(running, key=lambda d: d.due or date.max, default=None)
    case.next_due = first.due if first is not None else None
    case.next_due_label = first.kind.label if first is not None else ""
    case.due_provisional = any(d.provisional for d in deadlines)


def _role_for(actor: User, case: Case, action: Action) -> Role:
    entry = transition(case.status_enum, action)  # WorkflowError when illegal in this status
    for role in workflow_roles_in_body(user=actor, body_id=case.body_id):
        if role in entry.roles:
            return role
    roles = "、".join(r.label for r in Role if r in entry.roles)
    raise PermissionDenied(NO_ROLE.format(action=action.label, roles=roles))


def _append(*, actor: User, case: Case, core: CoreCase, event: Event, calendar: WorkCalendar, seq: int) -> Case:
    new_core = apply(core, event, calendar)
    CaseEvent.objects.create(
        case=case,
        seq=seq,
        action=event.action.value,
        on=event.on,
        role=event.role.value,
        actor=actor,
        payload=payload_encode(event.data),
    )
    old = _snapshot(case) if seq > 1 else None
    _refresh_cache(case, new_core, calendar)
    case.save()
    audit_record(
        code=ACTION_CODES[event.action],
        actor=actor,
        body=case.body,
        object_type=OBJECT_TYPE,
        object_id=case.pk,
        old=old,
        new={
            **_snapshot(case),
            "action": event.action.value,
            "on": event.on.isoformat(),
            "data": payload_encode(event.data),
        },
    )
    return case


def _transition(*, actor: User, case_id: int, action: Action, on: date | None, data: Payload | None) -> Case:
    with transaction.atomic():
        case = access_case_for_update(actor, case_id)
        role = _role_for(actor, case, action)
        rows = list(case.events.order_by("seq"))
        core = case_core(case=case, events=rows)
        event = Event(action=action, on=_today(on), role=role, data=data, actor=str(actor.pk))
        return _append(actor=actor, case=case, core=core, event=event, calendar=calendar_get(), seq=len(rows) + 1)


def _next_number(body: Body, year: int) -> str:
    prefix = f"{year}-"
    existing = Case.objects.filter(body=body, number__startswith=prefix).count()
    return f"{prefix}{existing + 1:04d}"


def case_register(*, actor: User, body_id: int, registration: Registration, on: date | None = None) -> Case:
    """Register an application in ``body_id`` (登记, or 登记（收到日期待确认） when the receipt date cannot be
    fixed yet). The actor must be a 经办人 of that body; they become the case's handler."""
    day = _today(on)
    with transaction.atomic():
        if body_id not in body_ids_working(user=actor):
            raise Http404(NOT_FOUND)
        body = Body.objects.select_for_update().get(pk=body_id)
        if Role.CLERK not in workflow_roles_in_body(user=actor, body_id=body_id):
            raise PermissionDenied(NO_ROLE.format(action=Action.REGISTER.label, roles=Role.CLERK.label))
        try:
            pending = receipt_date(registration.channel, registration.receipt).pending
        except WorkflowError:
            pending = False  # the core's guard reports the contradiction
        action = Action.REGISTER_PENDING if pending else Action.REGISTER
        event = Event(action=action, on=day, role=Role.CLERK, data=registration, actor=str(actor.pk))
        calendar = calendar_get()
        apply(CoreCase(), event, calendar)  # validate before creating any row
        case = Case.objects.create(
            body=body,
            number=_next_number(body, day.year),
            handler=actor,
            channel=registration.channel.value,
            applicant_type=registration.applicant.type.value,
            applicant_name=registration.applicant.name.strip(),
            content=registration.content.strip(),
            registered_on=day,
        )
        return _append(actor=actor, case=case, core=CoreCase(), event=event, calendar=calendar, seq=1)


def case_confirm_receipt(*, actor: User, case_id: int, data: ReceiptConfirmation, on: date | None = None) -> Case:
    return _transition(actor=actor, case_id=case_id, action=Action.CONFIRM_RECEIPT, on=on, data=data)


def case_reply_on_the_spot(*, actor: User, case_id: int, data: Reply, on: date | None = None) -> Case:
    return _transition(actor=actor, case_id=case_id, action=Action.REPLY_ON_THE_SPOT, on=on, data=data)


def case_request_correction(*, actor: User, case_id: int, data: CorrectionRequest, on: date | None = None) -> Case:
    return _transition(actor=actor, case_id=case_id, action=Action.REQUEST_CORRECTION, on=on, data=data)


def case_receive_correction(
    *, actor: User, case_id: int, data: CorrectionReceipt | None = None, on: date | None = None
) -> Case:
    return _transition(actor=actor, case_id=case_id, action=Action.RECEIVE_CORRECTION, on=on, data=data)


def case_correction_overdue(*, actor: User, case_id: int, on: date | None = None) -> Case:
    return _transition(actor=actor, case_id=case_id, action=Action.CORRECTION_OVERDUE, on=on, data=None)


def case_consult(*, actor: User, case_id: int, data: Consultation, on: date | None = None) -> Case:
    return _transition(actor=actor, case_id=case_id, action=Action.START_CONSULTATION, on=on, data=data)


def case_end_consultation(*, actor: User, case_id: int, data: ConsultationEnd, on: date | None = None) -> Case:
    return _transition(actor=actor, case_id=case_id, action=Action.END_CONSULTATION, on=on, data=data)


def case_extend(*, actor: User, case_id: int, data: Extension, on: date | None = None) -> Case:
    return _transition(actor=actor, case_id=case_id, action=Action.EXTEND, on=on, data=data)


def case_request_reasons(*, actor: User, case_id: int, on: date | None = None) -> Case:
    return _transition(actor=actor, case_id=case_id, action=Action.REQUEST_REASONS, on=on, data=None)


def case_record_reasons(
    *, actor: User, case_id: int, data: ReasonsRecord | None = None, on: date | None = None
) -> Case:
    return _transition(actor=actor, case_id=case_id, action=Action.RECORD_REASONS, on=on, data=data)


def case_set_custom_deadline(*, actor: User, case_id: int, data: CustomDeadline, on: date | None = None) -> Case:
    return _transition(actor=actor, case_id=case_id, action=Action.SET_CUSTOM_DEADLINE, on=on, data=data)


def case_send_fee_notice(*, actor: User, case_id: int, data: FeeNotice, on: date | None = None) -> Case:
    return _transition(actor=actor, case_id=case_id, action=Action.SEND_FEE_NOTICE, on=on, data=data)


def case_record_payment(*, actor: User, case_id: int, data: Payment, on: date | None = None) -> Case:
    return _transition(actor=actor, case_id=case_id, action=Action.RECORD_PAYMENT, on=on, data=data)


def case_fee_overdue(*, actor: User, case_id: int, on: date | None = None) -> Case:
    return _transition(actor=actor, case_id=case_id, action=Action.FEE_OVERDUE, on=on, data=None)


def case_draft_reply(*, actor: User, case_id: int, data: Reply, on: date | None = None) -> Case:
    return _transition(actor=actor, case_id=case_id, action=Action.DRAFT_REPLY, on=on, data=data)


def case_return_reply(*, actor: User, case_id: int, data: ReviewNote, on: date | None = None) -> Case:
    return _transition(actor=actor, case_id=case_id, action=Action.RETURN_REPLY, on=on, data=data)


def case_approve_reply(*, actor: User, case_id: int, data: ReviewNote | None = None, on: date | None = None) -> Case:
    return _transition(actor=actor, case_id=case_id, action=Action.APPROVE_REPLY, on=on, data=data)


def case_send_reply(*, actor: User, case_id: int, on: date | None = None) -> Case:
    return _transition(actor=actor, case_id=case_id, action=Action.SEND_REPLY, on=on, data=None)


def case_withdraw(*, actor: User, case_id: int, data: Withdrawal | None = None, on: date | None = None) -> Case:
    return _transition(actor=actor, case_id=case_id, action=Action.WITHDRAW, on=on, data=data)


def case_archive(*, actor: User, case_id: int, on: date | None = None) -> Case:
    return _transition(actor=actor, case_id=case_id, action=Action.ARCHIVE, on=on, data=None)


#: Action -> its service, for the generic action view and the API.
SERVICES: dict[Action, Any] = {
    Action.CONFIRM_RECEIPT: case_confirm_receipt,
    Action.REPLY_ON_THE_SPOT: case_reply_on_the_spot,
    Action.REQUEST_CORRECTION: case_request_correction,
    Action.RECEIVE_CORRECTION: case_receive_correction,
    Action.CORRECTION_OVERDUE: case_correction_overdue,
    Action.START_CONSULTATION: case_consult,
    Action.END_CONSULTATION: case_end_consultation,
    Action.EXTEND: case_extend,
    Action.REQUEST_REASONS: case_request_reasons,
    Action.RECORD_REASONS: case_record_reasons,
    Action.SET_CUSTOM_DEADLINE: case_set_custom_deadline,
    Action.SEND_FEE_NOTICE: case_send_fee_notice,
    Action.RECORD_PAYMENT: case_record_payment,
    Action.FEE_OVERDUE: case_fee_overdue,
    Action.DRAFT_REPLY: case_draft_reply,
    Action.RETURN_REPLY: case_return_reply,
    Action.APPROVE_REPLY: case_approve_reply,
    Action.SEND_REPLY: case_send_reply,
    Action.WITHDRAW: case_withdraw,
    Action.ARCHIVE: case_archive,
}


def case_deadlines_recompute(*, actor: User | None, calendar: WorkCalendar, reason: str) -> int:
    """Recompute the cached due dates of every open case under ``calendar`` (after a calendar change); log each
    case whose dates changed. Returns the number of cases changed."""
    changed = 0
    cases = Case.objects.filter(status__in=OPEN_STATUSES).select_related("body").prefetch_related("events")
    for case in cases:
        rows = sorted(case.events.all(), key=lambda r: r.seq)
        core = case_core(case=case, events=rows)
        old = _snapshot(case)
        _refresh_cache(case, core, calendar)
        new = _snapshot(case)
        if new != old:
            case.save(update_fields=["answer_due", "next_due", "next_due_label", "due_provisional"])
            audit_record(
                code=AuditCode.CASE_DEADLINES_RECOMPUTED,
                actor=actor,
                body=case.body,
                object_type=OBJECT_TYPE,
                object_id=case.pk,
                old=old,
                new=new,
                note=reason,
            )
            changed += 1
    return changed
