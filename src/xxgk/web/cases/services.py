"""Writes of applications: ONE SERVICE PER TRANSITION of the core table.

Every service runs in one transaction: it locks the case (scoped to the actor's bodies), rebuilds the core case
from the stored history, asks :func:`xxgk.core.workflow.apply` whether the move is legal (the core raises
:class:`~xxgk.core.errors.WorkflowError` with a Chinese message otherwise), appends the event row, refreshes the
cached status and due dates, and appends an audit event with the action's stable code.
"""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Hashable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from xxgk.core.calendar import WorkCalendar
from xxgk.core.duplicates import DEFAULT_THRESHOLD, ApplicantKeys, Application, find_possible_duplicates
from xxgk.core.errors import WorkflowError
from xxgk.core.outcomes import ApplicantType
from xxgk.core.receipt import receipt_date
from xxgk.core.signoff import Decision, Phase, SignoffError, SignoffState
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
    check,
    check_registration,
    transition,
)
from xxgk.core.workflow import (
    Case as CoreCase,
)
from xxgk.web.audit.codes import AuditCode
from xxgk.web.audit.services import audit_record
from xxgk.web.cases.codec import payload_encode
from xxgk.web.cases.edits import check_fields, coerce_value, encode_values, registration_values, registration_with
from xxgk.web.cases.models import (
    OPEN_STATUSES,
    Case,
    CaseEdit,
    CaseEvent,
    DuplicateDecision,
    DuplicateFlag,
)
from xxgk.web.cases.selectors import REPLY_SUBJECT as SELECTORS_REPLY_SUBJECT
from xxgk.web.cases.selectors import access_case_for_update, access_duplicate_flag_for_update, case_core
from xxgk.web.proactive.models import ChainKind
from xxgk.web.proactive.signoff_selectors import signoff_state
from xxgk.web.proactive.signoff_services import SubjectRef, signoff_decide, signoff_submit
from xxgk.web.tenancy.models import Body, MemberRole
from xxgk.web.tenancy.selectors import NOT_FOUND, body_ids_working, workflow_roles_in_body
from xxgk.web.textguard import refuse, text_problems
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
        "fee_amount": None if case.fee_amount is None else str(case.fee_amount),
        "fee_notice_on": d(case.fee_notice_on),
        "fee_paid_on": d(case.fee_paid_on),
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
    notice = core.last(Action.SEND_FEE_NOTICE)
    fee = core.fee_notice
    case.fee_amount = None if fee is None else Decimal(fee.amount).quantize(Decimal("0.01"))
    case.fee_notice_on = None if notice is None else notice.on
    payment = core.last(Action.RECORD_PAYMENT)
    case.fee_paid_on = None if payment is None else payment.on


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


def _applicant_keys(registration: Registration) -> ApplicantKeys:
    a = registration.applicant
    return ApplicantKeys.of(name=a.name, id_document=a.id_document, contact=a.contact)


def _cache_registration(case: Case, registration: Registration) -> None:
    """Copy the effective registration's cached columns onto the row (not saved)."""
    keys = _applicant_keys(registration)
    case.applicant_type = registration.applicant.type.value
    case.applicant_name = registration.applicant.name.strip()
    case.content = registration.content.strip()
    case.applicant_name_key = keys.name[:200]
    case.applicant_id_key = keys.id_document[:200]
    case.applicant_contact_key = keys.contact[:200]


REGISTRATION_CACHE_FIELDS = (
    "applicant_type",
    "applicant_name",
    "content",
    "applicant_name_key",
    "applicant_id_key",
    "applicant_contact_key",
    "updated_at",
)


def case_register(*, actor: User, body_id: int, registration: Registration, on: date | None = None) -> Case:
    """Register an application in ``body_id`` (登记, or 登记（收到日期待确认） when the receipt date cannot be
    fixed yet). The actor must be a 经办人 of that body; they become the case's handler. Earlier applications of
    the same applicant in the same body that ask for similar information are flagged as possible duplicates
    (:class:`~xxgk.web.cases.models.DuplicateFlag`) in the same transaction."""
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
        case = Case(
            body=body,
            number=_next_number(body, day.year),
            handler=actor,
            channel=registration.channel.value,
            registered_on=day,
        )
        _cache_registration(case, registration)
        case.save(force_insert=True)
        case = _append(actor=actor, case=case, core=CoreCase(), event=event, calendar=calendar, seq=1)
        _flag_duplicates(actor=actor, case=case)
        return case


# -- possible duplicates (重复申请) -------------------------------------------------------------------


def _months_before(day: date, months: int) -> date:
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    last = _calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def _earlier_status(earlier: Case) -> str:
    if earlier.outcome:
        closed = earlier.closed_on.isoformat() if earlier.closed_on else ""
        return f"此前的申请已办结：{earlier.get_outcome_display()}（{closed}）"
    return f"此前的申请尚在办理：{earlier.get_status_display()}"


def _flag_duplicates(*, actor: User, case: Case) -> list[DuplicateFlag]:
    """Compare ``case`` with the earlier applications of the same applicant in its body registered within
    ``settings.XXGK_DUPLICATE_MONTHS`` months (narrowed in SQL by the applicant keys, scored by
    :func:`xxgk.core.duplicates.find_possible_duplicates`), store a flag per new match and audit them."""
    same = Q()
    if case.applicant_name_key and case.applicant_id_key:
        same |= Q(applicant_name_key=case.applicant_name_key, applicant_id_key=case.applicant_id_key)
    if case.applicant_contact_key:
        same |= Q(applicant_contact_key=case.applicant_contact_key)
    if not same:
        return []
    months = int(getattr(settings, "XXGK_DUPLICATE_MONTHS", 12))
    threshold = float(getattr(settings, "XXGK_DUPLICATE_THRESHOLD", DEFAULT_THRESHOLD))
    day = case.registered_on
    already = DuplicateFlag.objects.filter(case=case).values("earlier_id")
    candidates: dict[Hashable, Case] = {
        c.pk: c
        for c in Case.objects.filter(same, body_id=case.body_id, registered_on__gte=_months_before(day, months))
        .filter(Q(registered_on__lt=day) | Q(registered_on=day, pk__lt=case.pk))
        .exclude(pk__in=already)
        .order_by("-registered_on", "-pk")
    }
    if not candidates:
        return []

    def application(c: Case) -> Application:
        keys = ApplicantKeys(c.applicant_name_key, c.applicant_id_key, c.applicant_contact_key)
        return Application(keys, c.content, ref=c.pk)

    matches = find_possible_duplicates(
        application(case), (application(c) for c in candidates.values()), threshold=threshold
    )
    flags = [
        DuplicateFlag.objects.create(
            case=case,
            earlier=candidates[m.ref],
            score=m.score,
            reasons=[*m.reasons, _earlier_status(candidates[m.ref])],
        )
        for m in matches
    ]
    if flags:
        audit_record(
            code=AuditCode.CASE_DUPLICATE_FLAGGED,
            actor=actor,
            body=case.body,
            object_type=OBJECT_TYPE,
            object_id=case.pk,
            new={
                "possible_duplicates": [
                    {"earlier": f.earlier.number, "earlier_id": f.earlier_id, "score": f.score, "reasons": f.reasons}
                    for f in flags
                ]
            },
            note="疑似重复申请，请经办人判断",
        )
    return flags


DECISION_CODES: dict[str, AuditCode] = {
    DuplicateDecision.CONFIRMED: AuditCode.CASE_DUPLICATE_CONFIRMED,
    DuplicateDecision.DISMISSED: AuditCode.CASE_DUPLICATE_DISMISSED,
}
DECISION_NEEDED = "请选择“确认为重复申请”或“不属于重复申请”"
DISMISS_NEEDS_NOTE = "请说明不属于重复申请的理由"
DECISION_UNCHANGED = "该提示已是“{decision}”"
DECISION_CLOSED = "申请已办结或归档（{status}），不能再更改重复申请的判断"
DECIDE_ROLES = (Role.CLERK, Role.HEAD)


def case_duplicate_decide(
    *, actor: User, case_id: int, flag_id: int, decision: DuplicateDecision | str, note: str = ""
) -> DuplicateFlag:
    """The handler's decision on a possible duplicate: confirmed (a 重复申请 — the case stays open; answer it with
    the outcome “不予处理：重复申请”) or dismissed (with the reason why not). A decision can be changed while
    the case is open; every decision is audited with the old and new values."""
    try:
        value = DuplicateDecision(decision)
    except ValueError:
        raise WorkflowError(DECISION_NEEDED) from None
    if value == DuplicateDecision.PENDING:
        raise WorkflowError(DECISION_NEEDED)
    text = note.strip()
    if value == DuplicateDecision.DISMISSED and not text:
        raise WorkflowError(DISMISS_NEEDS_NOTE)
    refuse(text_problems(text, "说明"), WorkflowError)  # saved in the audit trail: PostgreSQL refuses a NUL
    with transaction.atomic():
        flag = access_duplicate_flag_for_update(actor, case_id=case_id, flag_id=flag_id)
        case = flag.case
        if not set(DECIDE_ROLES) & set(workflow_roles_in_body(user=actor, body_id=case.body_id)):
            roles = "、".join(r.label for r in DECIDE_ROLES)
            raise PermissionDenied(NO_ROLE.format(action="判断是否重复申请", roles=roles))
        if not case.status_enum.is_open:
            raise WorkflowError(DECISION_CLOSED.format(status=case.status_enum.label))
        if flag.decision == value:
            raise WorkflowError(DECISION_UNCHANGED.format(decision=value.label))
        old = {"decision": flag.decision, "note": flag.note}
        flag.decision = value
        flag.decided_by = actor
        flag.decided_at = timezone.now()
        flag.note = text
        flag.save(update_fields=["decision", "decided_by", "decided_at", "note"])
        audit_record(
            code=DECISION_CODES[value],
            actor=actor,
            body=case.body,
            object_type=OBJECT_TYPE,
            object_id=case.pk,
            old=old,
            new={
                "decision": value.value,
                "note": text,
                "earlier": flag.earlier.number,
                "earlier_id": flag.earlier_id,
                "score": flag.score,
            },
        )
        return flag


# -- corrections of the registration --------------------------------------------------------------

EDIT_ACTION = "修改登记信息"
EDIT_REASON_REQUIRED = "请填写修改登记信息的原因"
EDIT_CLOSED = "申请已办结或归档（{status}），不能再修改登记信息"
EDIT_NOTHING = "登记信息没有变化"
EDIT_TOO_LONG = "申请人姓名或名称不能超过200个字符"
TYPE_CHANGE_NOTE = (
    "申请人类型由“{old}”改为“{new}”：年度报告表三的统计列随之改变（报告生成前修改有效；已生成的报告须重新生成）"
)


def case_edit_registration(*, actor: User, case_id: int, changes: Mapping[str, object], reason: str) -> CaseEdit:
    """Correct the registration of an open case (applicant name, identity document, contact, agent, applicant
    type, content, requested form/delivery) by a 经办人 of its body, for a stated ``reason``.

    The registration event stays as recorded: the edit is appended as a :class:`CaseEdit` with the old and new
    values, the cached columns of the case are refreshed, a CASE_EDITED audit event records old/new values and
    the reason, and the possible-duplicate check runs again. Channel and receipt changes are refused (they go
    through 确认收到申请); closed and archived cases cannot be edited; a change that changes nothing is refused.
    """
    check_fields(changes)
    reason_text = reason.strip() if isinstance(reason, str) else ""
    if not reason_text:
        raise WorkflowError(EDIT_REASON_REQUIRED)
    refuse(text_problems(reason_text, "修改原因"), WorkflowError)  # saved in the audit trail
    coerced = {field: coerce_value(field, value) for field, value in changes.items()}
    with transaction.atomic():
        case = access_case_for_update(actor, case_id)
        if Role.CLERK not in workflow_roles_in_body(user=actor, body_id=case.body_id):
            raise PermissionDenied(NO_ROLE.format(action=EDIT_ACTION, roles=Role.CLERK.label))
        if not case.status_enum.is_open:
            raise WorkflowError(EDIT_CLOSED.format(status=case.status_enum.label))
        current = case_core(case=case).registration
        if current is None:  # pragma: no cover - every stored case starts with its registration
            raise WorkflowError("尚未登记")
        values = registration_values(current)
        diff = {field: value for field, value in coerced.items() if value != values[field]}
        if not diff:
            raise WorkflowError(EDIT_NOTHING)
        if len(diff.get("applicant_name", "")) > 200:
            raise WorkflowError(EDIT_TOO_LONG)
        updated = registration_with(current, diff)
        check_registration(updated)
        old = encode_values({field: values[field] for field in diff})
        new = encode_values(diff)
        edit = CaseEdit.objects.create(
            case=case, seq=case.edits.count() + 1, actor=actor, reason=reason_text, old=old, new=new
        )
        _cache_registration(case, updated)
        case.save(update_fields=list(REGISTRATION_CACHE_FIELDS))
        note = f"修改原因：{reason_text}"
        if "applicant_type" in diff:
            old_type, new_type = ApplicantType(old["applicant_type"]), ApplicantType(new["applicant_type"])
            note += "；" + TYPE_CHANGE_NOTE.format(old=old_type.full_label, new=new_type.full_label)
        audit_record(
            code=AuditCode.CASE_EDITED,
            actor=actor,
            body=case.body,
            object_type=OBJECT_TYPE,
            object_id=case.pk,
            old=old,
            new={**new, "edit": edit.seq},
            note=note,
        )
        if set(diff) & {"applicant_name", "id_document", "contact", "content"}:
            _flag_duplicates(actor=actor, case=case)
        return edit


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


# -- the reply and its 保密审查 sign-off (条例 Art 17) -----------------------------------------------------
#
# Drafting a reply submits it to the body's reply chain (``ChainKind.REPLY``; by default one step, the reviewer's
# review). Approving or returning it decides the chain's current step: a rejection appends RETURN_REPLY, the
# approval of the last step appends APPROVE_REPLY (so SEND_REPLY stays refused until the chain is complete), and
# an intermediate approval appends no workflow event. The sign-off's subject is the reply (``case_reply``), so
# its audit events do not interleave with the case's own.

#: The sign-off subject type of an application's reply (``Signoff.subject_type``; its id is the case's), defined
#: with the reads (:func:`xxgk.web.cases.selectors.case_actions_offered` finds the reply's sign-off by it).
REPLY_SUBJECT = SELECTORS_REPLY_SUBJECT
LEGACY_SUBMISSION_NOTE = "该答复拟定于答复审查流程启用之前，审查时按起草人提交补记"


def _signoff_at(on: date | None) -> datetime:
    """The time a sign-off move is recorded at: now; or, when the operation date entered is another day (a paper
    process recorded afterwards), that day at the current time of day."""
    now = timezone.now()
    if on is None or on == timezone.localdate(now):
        return now
    return timezone.make_aware(datetime.combine(on, timezone.localtime(now).time()))


def _reply_subject(case: Case, drafter: User) -> SubjectRef:
    return SubjectRef(
        type=REPLY_SUBJECT,
        id=str(case.pk),
        body=case.body,
        drafter=drafter,
        title=f"{case.number} 答复",
        chain_kind=ChainKind.REPLY,
    )


def _reply_signoff(*, case: Case, rows: list[CaseEvent], at: datetime) -> SignoffState:
    """The reply's sign-off state. A reply drafted before replies went through the chain (no sign-off yet) is
    submitted now, on behalf of its drafter, so it can be decided like any other."""
    state = signoff_state(subject_type=REPLY_SUBJECT, subject_id=case.pk)
    if state is not None:
        return state
    draft = next((r for r in reversed(rows) if r.action == Action.DRAFT_REPLY.value), None)
    if draft is None or draft.actor is None:
        raise SignoffError("答复尚未提交审查")
    return signoff_submit(
        actor=draft.actor, subject=_reply_subject(case, draft.actor), at=at, note=LEGACY_SUBMISSION_NOTE
    )


def _reply_role(*, actor: User, case: Case, action: Action, step_role: str | None) -> Role:
    """The workflow role ``actor`` decides in: the step's role when they hold it, else their first role that may
    take ``action`` (PermissionDenied when none; WorkflowError when ``action`` is illegal in the status)."""
    role = _role_for(actor, case, action)
    preferred = MemberRole(step_role).workflow_role if step_role in MemberRole.values else None
    if (
        preferred is not None
        and preferred in transition(case.status_enum, action).roles
        and preferred in workflow_roles_in_body(user=actor, body_id=case.body_id)
    ):
        return preferred
    return role


def _reply_decide(*, actor: User, case_id: int, decision: Decision, data: ReviewNote | None, on: date | None) -> Case:
    action = Action.APPROVE_REPLY if decision is Decision.APPROVE else Action.RETURN_REPLY
    with transaction.atomic():
        case = access_case_for_update(actor, case_id)
        _role_for(actor, case, action)  # in review, and the actor may approve/return at all
        rows = list(case.events.order_by("seq"))
        core = case_core(case=case, events=rows)
        at = _signoff_at(on)
        state = _reply_signoff(case=case, rows=rows, at=at)
        step = state.next_step
        role = _reply_role(actor=actor, case=case, action=action, step_role=step.role if step else None)
        event = Event(action=action, on=_today(on), role=role, data=data, actor=str(actor.pk))
        calendar = calendar_get()
        check(core, event, calendar)  # the workflow's own rules first: date order, not the drafter, a reason
        new = signoff_decide(
            actor=actor,
            subject_type=REPLY_SUBJECT,
            subject_id=case.pk,
            step=step.key if step else "",
            decision=decision,
            opinion=data.comment if data is not None else "",
            at=at,
        )
        if new.phase is Phase.IN_REVIEW:  # an intermediate step approved: the reply waits for the next one
            case.save(update_fields=["updated_at"])  # still a change of the case (a form shown before is stale)
            return case
        return _append(actor=actor, case=case, core=core, event=event, calendar=calendar, seq=len(rows) + 1)


def case_draft_reply(*, actor: User, case_id: int, data: Reply, on: date | None = None) -> Case:
    """The clerk drafts the reply and submits it to the body's reply sign-off chain (after a return: a new
    round, by whoever redrafted it)."""
    with transaction.atomic():
        case = _transition(actor=actor, case_id=case_id, action=Action.DRAFT_REPLY, on=on, data=data)
        signoff_submit(actor=actor, subject=_reply_subject(case, actor), at=_signoff_at(on))
    return case


def case_return_reply(*, actor: User, case_id: int, data: ReviewNote, on: date | None = None) -> Case:
    """Reject the current step of the reply's sign-off: the reply returns to the clerk (RETURN_REPLY with the
    opinion)."""
    return _reply_decide(actor=actor, case_id=case_id, decision=Decision.REJECT, data=data, on=on)


def case_approve_reply(*, actor: User, case_id: int, data: ReviewNote | None = None, on: date | None = None) -> Case:
    """Approve the current step of the reply's sign-off; the approval of the last step approves the reply
    (APPROVE_REPLY), an earlier one only passes it on to the next step."""
    return _reply_decide(actor=actor, case_id=case_id, decision=Decision.APPROVE, data=data, on=on)


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
    cases = Case.objects.filter(status__in=OPEN_STATUSES).select_related("body").prefetch_related("events", "edits")
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
