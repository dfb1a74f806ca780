"""The lifecycle of an application (依申请公开) as a transition table, with pure validation.

The lifecycle follows 条例 Arts 29–45 (登记、审核、办理、答复、归档, Art 45). A case is an immutable
:class:`Case`: its :class:`Status` and the tuple of :class:`Event` s that led there. Every move is one
:class:`Event` (an :class:`Action`, the date it happened, the :class:`Role` performing it, its typed payload and
the actor). :func:`apply` checks, in this order, that

1. the action is allowed in the current status (:data:`TRANSITIONS`, status × action → next status),
2. the role may perform it (经办人 clerk / 审核人 reviewer / 负责人 head / 系统 system),
3. the payload has the type the action needs,
4. the event is not dated before the previous one, and
5. the action's guard holds (Art 29 content, Art 31 receipt date, Art 30 seven-day 补正 window, one extension of
   at most 20 working days approved before the due date, …) — see :attr:`Transition.guard` for the text,

and raises :class:`~xxgk.core.errors.WorkflowError` with a Chinese message otherwise (a payload text holding a NUL
character, which no database stores, included). The web layer performs one service per action: it asks
:func:`apply` (or :func:`check`), then stores the event. :func:`blocked_reason` says, before anything is entered,
why an action can never succeed on a case now (a second extension, a 补正 period not yet over, …): each guard's part
that does not depend on the payload is the same code for both, so only actions that can succeed are offered.

Deadlines are derived from the history (:meth:`Case.answer_deadline`, :meth:`Case.deadlines`); every closed case
has exactly one :class:`~xxgk.core.outcomes.Outcome`, which maps to one row of table 3 (:meth:`Case.report_cell`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import TypeVar

from xxgk.core.calendar import WorkCalendar
from xxgk.core.deadlines import (
    MAX_EXTENSION_DAYS,
    ClockEvent,
    ConsultationEnded,
    ConsultationStarted,
    CorrectionReceived,
    CorrectionRequested,
    CustomDeadlineSet,
    Deadline,
    ExtensionGranted,
    FeeNoticeSent,
    FeePaid,
    Received,
    answer_deadline,
    consultation_window_end,
    correction_deadline,
    correction_notice_deadline,
)
from xxgk.core.errors import WorkflowError
from xxgk.core.fees import FeeMethod, payment_deadline
from xxgk.core.outcomes import ApplicantType, Channel, DeliveryMethod, Outcome, ProvisionForm, report_cell
from xxgk.core.receipt import ReceiptDate, ReceiptFacts, receipt_date
from xxgk.core.textcheck import text_problems

# -- roles, statuses, actions ---------------------------------------------------------------------


class Role(StrEnum):
    CLERK = "clerk"
    REVIEWER = "reviewer"
    HEAD = "head"
    SYSTEM = "system"

    @property
    def label(self) -> str:
        return {"clerk": "经办人", "reviewer": "审核人", "head": "负责人", "system": "系统"}[self.value]


class Status(StrEnum):
    NEW = "new"
    AWAITING_RECEIPT = "awaiting_receipt"
    PROCESSING = "processing"
    AWAITING_CORRECTION = "awaiting_correction"
    CONSULTING = "consulting"
    AWAITING_REASONS = "awaiting_reasons"
    AWAITING_PAYMENT = "awaiting_payment"
    REPLY_REVIEW = "reply_review"
    REPLY_APPROVED = "reply_approved"
    CLOSED = "closed"
    ARCHIVED = "archived"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]

    @property
    def is_open(self) -> bool:
        """Registered and not yet closed (an open case on 31 December is carried over to next year)."""
        return self not in (Status.NEW, Status.CLOSED, Status.ARCHIVED)

    @property
    def is_closed(self) -> bool:
        return self in (Status.CLOSED, Status.ARCHIVED)


_STATUS_LABELS: dict[Status, str] = {
    Status.NEW: "未登记",
    Status.AWAITING_RECEIPT: "待确认收到",
    Status.PROCESSING: "办理中",
    Status.AWAITING_CORRECTION: "待补正",
    Status.CONSULTING: "征求意见中",
    Status.AWAITING_REASONS: "待说明理由",
    Status.AWAITING_PAYMENT: "待缴费",
    Status.REPLY_REVIEW: "答复待审核",
    Status.REPLY_APPROVED: "答复已审核",
    Status.CLOSED: "已办结",
    Status.ARCHIVED: "已归档",
}


class Action(StrEnum):
    REGISTER = "register"
    REGISTER_PENDING = "register_pending"
    CONFIRM_RECEIPT = "confirm_receipt"
    REPLY_ON_THE_SPOT = "reply_on_the_spot"
    REQUEST_CORRECTION = "request_correction"
    RECEIVE_CORRECTION = "receive_correction"
    CORRECTION_OVERDUE = "correction_overdue"
    START_CONSULTATION = "start_consultation"
    END_CONSULTATION = "end_consultation"
    EXTEND = "extend"
    REQUEST_REASONS = "request_reasons"
    RECORD_REASONS = "record_reasons"
    SET_CUSTOM_DEADLINE = "set_custom_deadline"
    SEND_FEE_NOTICE = "send_fee_notice"
    RECORD_PAYMENT = "record_payment"
    FEE_OVERDUE = "fee_overdue"
    DRAFT_REPLY = "draft_reply"
    RETURN_REPLY = "return_reply"
    APPROVE_REPLY = "approve_reply"
    SEND_REPLY = "send_reply"
    WITHDRAW = "withdraw"
    ARCHIVE = "archive"

    @property
    def label(self) -> str:
        return _ACTION_LABELS[self]


_ACTION_LABELS: dict[Action, str] = {
    Action.REGISTER: "登记",
    Action.REGISTER_PENDING: "登记（收到日期待确认）",
    Action.CONFIRM_RECEIPT: "确认收到申请",
    Action.REPLY_ON_THE_SPOT: "当场答复",
    Action.REQUEST_CORRECTION: "告知补正",
    Action.RECEIVE_CORRECTION: "收到补正",
    Action.CORRECTION_OVERDUE: "逾期未补正",
    Action.START_CONSULTATION: "征求意见",
    Action.END_CONSULTATION: "结束征求意见",
    Action.EXTEND: "延长答复期限",
    Action.REQUEST_REASONS: "要求说明理由",
    Action.RECORD_REASONS: "记录申请人理由",
    Action.SET_CUSTOM_DEADLINE: "确定延迟答复期限",
    Action.SEND_FEE_NOTICE: "发出收费通知",
    Action.RECORD_PAYMENT: "记录缴费",
    Action.FEE_OVERDUE: "逾期未缴费",
    Action.DRAFT_REPLY: "拟定答复",
    Action.RETURN_REPLY: "退回修改",
    Action.APPROVE_REPLY: "审核通过",
    Action.SEND_REPLY: "答复",
    Action.WITHDRAW: "撤回",
    Action.ARCHIVE: "归档",
}


# -- payloads -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Applicant:
    """The applicant (Art 29 (一)): type (a table-3 column), name, identity document, contact."""

    type: ApplicantType
    name: str
    id_document: str
    contact: str
    agent: str = ""  # 委托代理人, if any


@dataclass(frozen=True, slots=True)
class Registration:
    """What staff record at registration (Arts 29, 31, 45)."""

    channel: Channel
    applicant: Applicant
    content: str  # 名称、文号或者便于查询的其他特征性描述 (Art 29 (二))
    receipt: ReceiptFacts
    requested_form: ProvisionForm | None = None  # Art 29 (三)
    requested_delivery: DeliveryMethod | None = None
    transcribed_by: str = ""  # 口头: the staff member who filled in the application
    applicant_confirmed: bool = False  # 口头: the applicant confirmed the transcription


@dataclass(frozen=True, slots=True)
class ReceiptConfirmation:
    """The receipt facts once the 收到申请之日 can be fixed (confirmed with the applicant, signed for, …)."""

    receipt: ReceiptFacts


@dataclass(frozen=True, slots=True)
class CorrectionRequest:
    """补正告知: every item to correct, all at once, and the 补正期限."""

    items: tuple[str, ...]
    due: date


@dataclass(frozen=True, slots=True)
class CorrectionReceipt:
    """The corrected application: its receipt date (per Art 31; defaults to the event date) and, when it arrives
    after the 补正期限, the 正当理由 for accepting it."""

    received_on: date | None = None
    late_reason: str = ""


class ConsultationKind(StrEnum):
    THIRD_PARTY = "third_party"  # Art 32
    CO_PRODUCER = "co_producer"  # Art 34

    @property
    def label(self) -> str:
        return "征求第三方意见" if self is ConsultationKind.THIRD_PARTY else "征求其他机关意见"


class ConsultationResult(StrEnum):
    CONSENT = "consent"
    OBJECTION = "objection"
    NO_REPLY = "no_reply"

    @property
    def label(self) -> str:
        return {"consent": "同意公开", "objection": "不同意公开", "no_reply": "逾期未提出意见"}[self.value]


@dataclass(frozen=True, slots=True)
class Consultation:
    """A written consultation (Art 32 third party, Art 34 co-producing agency)."""

    kind: ConsultationKind
    parties: tuple[str, ...]
    party_received_on: date | None = None


@dataclass(frozen=True, slots=True)
class ConsultationEnd:
    result: ConsultationResult
    note: str = ""


@dataclass(frozen=True, slots=True)
class Extension:
    """Art 33 ¶2: approved by the 工作机构负责人 (on the event date), notified to the applicant."""

    days: int
    approved_by: str
    notified_on: date
    reason: str = ""


@dataclass(frozen=True, slots=True)
class ReasonsRecord:
    """Art 35: the applicant's reasons (empty when none were given)."""

    reasons: str = ""


@dataclass(frozen=True, slots=True)
class CustomDeadline:
    """Art 35: the reasonable later deadline the agency fixes, why, and when the applicant was told."""

    due: date
    reason: str
    notified_on: date


@dataclass(frozen=True, slots=True)
class FeeNotice:
    """The fee notice (109号): method, amount (元), the day the applicant received it."""

    method: FeeMethod
    amount: Decimal
    served_on: date
    breakdown: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Payment:
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Reply:
    """The answer: one outcome, the legal ground and reasons of a refusal, the withheld parts of 部分公开."""

    outcome: Outcome
    legal_ground: str = ""
    reasons: str = ""
    withheld_parts: tuple[str, ...] = ()
    form: ProvisionForm | None = None
    delivery: DeliveryMethod | None = None


@dataclass(frozen=True, slots=True)
class ReviewNote:
    comment: str = ""


@dataclass(frozen=True, slots=True)
class Withdrawal:
    reason: str = ""


Payload = (
    Registration
    | ReceiptConfirmation
    | CorrectionRequest
    | CorrectionReceipt
    | Consultation
    | ConsultationEnd
    | Extension
    | ReasonsRecord
    | CustomDeadline
    | FeeNotice
    | Payment
    | Reply
    | ReviewNote
    | Withdrawal
)


@dataclass(frozen=True, slots=True)
class Event:
    """One step of a case: ``action`` performed on ``on`` by someone in ``role``, with its payload."""

    action: Action
    on: date
    role: Role
    data: Payload | None = None
    actor: str = ""


# -- the transition table -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Transition:
    """One legal move: in ``source``, ``action`` by one of ``roles`` leads to ``target`` when ``guard`` holds."""

    source: Status
    action: Action
    target: Status
    roles: frozenset[Role]
    payload: type | None
    payload_required: bool
    guard: str


@dataclass(frozen=True, slots=True)
class _ActionRule:
    roles: frozenset[Role]
    payload: type | None
    required: bool
    guard: str


_C, _R, _H, _S = Role.CLERK, Role.REVIEWER, Role.HEAD, Role.SYSTEM


def _rule(roles: Iterable[Role], payload: type | None, guard: str, *, required: bool = True) -> _ActionRule:
    return _ActionRule(frozenset(roles), payload, required and payload is not None, guard)


_ACTION_RULES: dict[Action, _ActionRule] = {
    Action.REGISTER: _rule(
        [_C],
        Registration,
        "申请人姓名或名称、身份证明、联系方式和所需信息的描述齐全（第二十九条）；口头申请须记录代填人员并经申请人确认；"
        "收到申请之日已可依第三十一条确定，且不晚于登记日期",
    ),
    Action.REGISTER_PENDING: _rule(
        [_C], Registration, "同“登记”，但收到申请之日尚待确认（平常信函、网络、传真尚未与申请人确认等）"
    ),
    Action.CONFIRM_RECEIPT: _rule([_C], ReceiptConfirmation, "补充的收到信息足以依第三十一条确定收到申请之日"),
    Action.REPLY_ON_THE_SPOT: _rule(
        [_C],
        Reply,
        "当面或口头提出、在收到申请当日答复且此前未作其他处理（第三十三条第一款）；答复内容符合办理结果的要求",
    ),
    Action.REQUEST_CORRECTION: _rule(
        [_C],
        CorrectionRequest,
        "自最近一次收到申请之日起7个工作日内一次性告知全部补正事项，并给出晚于告知日的补正期限（第三十条）",
    ),
    Action.RECEIVE_CORRECTION: _rule(
        [_C], CorrectionReceipt, "补正后的申请在补正期限内收到，逾期的须记录正当理由；答复期限重新起算", required=False
    ),
    Action.CORRECTION_OVERDUE: _rule([_C, _S], None, "补正期限已过（视为放弃申请，第三十条）"),
    Action.START_CONSULTATION: _rule(
        [_C], Consultation, "书面征求第三方（第三十二条）或其他机关（第三十四条）意见，列明被征求意见方"
    ),
    Action.END_CONSULTATION: _rule(
        [_C, _S], ConsultationEnd, "收到意见；记录“逾期未提出意见”须在15个工作日的意见期限届满之后（系统只能记录此项）"
    ),
    Action.EXTEND: _rule(
        [_H],
        Extension,
        f"仅可延长一次、不超过{MAX_EXTENSION_DAYS}个工作日，经工作机构负责人同意，批准和告知申请人均不晚于当时的答复期限"
        "（第三十三条第二款）；已按第三十五条确定延迟答复期限的不再延长",
    ),
    Action.REQUEST_REASONS: _rule([_C], None, "申请数量、频次明显超过合理范围（第三十五条），由经办人判断"),
    Action.RECORD_REASONS: _rule([_C], ReasonsRecord, "记录申请人说明的理由（未说明的留空）", required=False),
    Action.SET_CUSTOM_DEADLINE: _rule(
        [_H],
        CustomDeadline,
        "已要求说明理由且申请人说明了理由；期限晚于第三十三条的答复期限、写明理由，告知申请人不晚于原答复期限；只能确定一次（第三十五条）",
    ),
    Action.SEND_FEE_NOTICE: _rule(
        [_C],
        FeeNotice,
        "在答复期限内发出，金额大于零，送达日期不早于发出日期；每件申请只收费一次（国办函〔2020〕109号）",
    ),
    Action.RECORD_PAYMENT: _rule([_C], Payment, "缴费金额与收费通知一致，且在缴费期限（收到通知次日起20个工作日）内"),
    Action.FEE_OVERDUE: _rule([_C, _S], None, "缴费期限已过（视为放弃申请，国办函〔2020〕109号）"),
    Action.DRAFT_REPLY: _rule(
        [_C],
        Reply,
        "办理结果可用于答复；拒绝类结果写明法律依据和理由，部分公开列明不予公开的部分；"
        "“无正当理由大量反复申请”须已要求说明理由；“补正后申请内容仍不明确”须已收到补正",
    ),
    Action.RETURN_REPLY: _rule([_R, _H], ReviewNote, "写明退回意见"),
    Action.APPROVE_REPLY: _rule([_R, _H], ReviewNote, "审核人不是拟定答复的经办人本人", required=False),
    Action.SEND_REPLY: _rule([_C], None, "答复已审核通过"),
    Action.WITHDRAW: _rule([_C], Withdrawal, "申请人撤回申请（记录在案）", required=False),
    Action.ARCHIVE: _rule([_C, _R], None, "已办结"),
}

_OPEN_STATES = (
    Status.AWAITING_RECEIPT,
    Status.PROCESSING,
    Status.AWAITING_CORRECTION,
    Status.CONSULTING,
    Status.AWAITING_REASONS,
    Status.AWAITING_PAYMENT,
    Status.REPLY_REVIEW,
    Status.REPLY_APPROVED,
)

_MOVES: tuple[tuple[Status, Action, Status], ...] = (
    (Status.NEW, Action.REGISTER, Status.PROCESSING),
    (Status.NEW, Action.REGISTER_PENDING, Status.AWAITING_RECEIPT),
    (Status.AWAITING_RECEIPT, Action.CONFIRM_RECEIPT, Status.PROCESSING),
    (Status.PROCESSING, Action.REPLY_ON_THE_SPOT, Status.CLOSED),
    (Status.PROCESSING, Action.REQUEST_CORRECTION, Status.AWAITING_CORRECTION),
    (Status.AWAITING_CORRECTION, Action.RECEIVE_CORRECTION, Status.PROCESSING),
    (Status.AWAITING_CORRECTION, Action.CORRECTION_OVERDUE, Status.CLOSED),
    (Status.PROCESSING, Action.START_CONSULTATION, Status.CONSULTING),
    (Status.CONSULTING, Action.END_CONSULTATION, Status.PROCESSING),
    (Status.PROCESSING, Action.EXTEND, Status.PROCESSING),
    (Status.CONSULTING, Action.EXTEND, Status.CONSULTING),
    (Status.PROCESSING, Action.REQUEST_REASONS, Status.AWAITING_REASONS),
    (Status.AWAITING_REASONS, Action.RECORD_REASONS, Status.PROCESSING),
    (Status.PROCESSING, Action.SET_CUSTOM_DEADLINE, Status.PROCESSING),
    (Status.PROCESSING, Action.SEND_FEE_NOTICE, Status.AWAITING_PAYMENT),
    (Status.AWAITING_PAYMENT, Action.RECORD_PAYMENT, Status.PROCESSING),
    (Status.AWAITING_PAYMENT, Action.FEE_OVERDUE, Status.CLOSED),
    (Status.PROCESSING, Action.DRAFT_REPLY, Status.REPLY_REVIEW),
    (Status.REPLY_REVIEW, Action.RETURN_REPLY, Status.PROCESSING),
    (Status.REPLY_REVIEW, Action.APPROVE_REPLY, Status.REPLY_APPROVED),
    (Status.REPLY_APPROVED, Action.SEND_REPLY, Status.CLOSED),
    *((s, Action.WITHDRAW, Status.CLOSED) for s in _OPEN_STATES),
    (Status.CLOSED, Action.ARCHIVE, Status.ARCHIVED),
)


def _build_table() -> Mapping[tuple[Status, Action], Transition]:
    table: dict[tuple[Status, Action], Transition] = {}
    for source, action, target in _MOVES:
        rule = _ACTION_RULES[action]
        table[(source, action)] = Transition(
            source, action, target, rule.roles, rule.payload, rule.required, rule.guard
        )
    return MappingProxyType(table)


#: status × action → :class:`Transition`. Pairs not in the table are illegal.
TRANSITIONS: Mapping[tuple[Status, Action], Transition] = _build_table()

#: The outcome each closing action gives (``SEND_REPLY`` and ``REPLY_ON_THE_SPOT`` take the reply's).
CLOSING_OUTCOMES: Mapping[Action, Outcome] = MappingProxyType(
    {
        Action.CORRECTION_OVERDUE: Outcome.NO_CORRECTION,
        Action.FEE_OVERDUE: Outcome.NO_FEE,
        Action.WITHDRAW: Outcome.WITHDRAWN,
    }
)


def transition(status: Status, action: Action) -> Transition:
    """The table entry for ``status`` × ``action``; :class:`WorkflowError` when the move is illegal."""
    try:
        status, action = Status(status), Action(action)
    except ValueError as exc:
        raise WorkflowError(f"未知的状态或操作：{exc}") from None
    entry = TRANSITIONS.get((status, action))
    if entry is None:
        allowed = "、".join(a.label for (s, a) in TRANSITIONS if s is status) or "无"
        raise WorkflowError(f"当前状态“{status.label}”下不能执行“{action.label}”（可执行：{allowed}）")
    return entry


def allowed_actions(status: Status, role: Role) -> tuple[Action, ...]:
    """The actions ``role`` may perform in ``status``, in table order."""
    return tuple(a for (s, a), t in TRANSITIONS.items() if s is status and role in t.roles)


# -- the case -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """An application: its status and the events that led there (oldest first)."""

    status: Status = Status.NEW
    events: tuple[Event, ...] = field(default=())

    # -- history lookups -------------------------------------------------------------------------
    def last(self, *actions: Action) -> Event | None:
        """The most recent event with one of ``actions``."""
        for ev in reversed(self.events):
            if ev.action in actions:
                return ev
        return None

    def has(self, action: Action) -> bool:
        return any(ev.action is action for ev in self.events)

    def since(self, event: Event | None) -> tuple[Event, ...]:
        """The events after ``event`` (all events when ``event`` is None)."""
        if event is None:
            return self.events
        index = next(i for i, ev in enumerate(self.events) if ev is event)
        return self.events[index + 1 :]

    @property
    def registration(self) -> Registration | None:
        ev = self.last(Action.REGISTER, Action.REGISTER_PENDING)
        return ev.data if ev is not None and isinstance(ev.data, Registration) else None

    @property
    def receipt(self) -> ReceiptDate | None:
        """The 收到申请之日 of the original application as fixed by registration or confirmation."""
        reg = self.registration
        if reg is None:
            return None
        confirmation = self.last(Action.CONFIRM_RECEIPT)
        if confirmation is not None and isinstance(confirmation.data, ReceiptConfirmation):
            return receipt_date(reg.channel, confirmation.data.receipt)
        return receipt_date(reg.channel, reg.receipt)

    @property
    def received_on(self) -> date | None:
        receipt = self.receipt
        return None if receipt is None else receipt.day

    @property
    def clock_received_on(self) -> date | None:
        """The latest receipt: of the corrected application after a 补正, else of the original one."""
        ev = self.last(Action.RECEIVE_CORRECTION)
        if ev is not None:
            return _correction_received_on(ev)
        return self.received_on

    @property
    def reply(self) -> Reply | None:
        """The latest reply drafted (or given on the spot)."""
        ev = self.last(Action.DRAFT_REPLY, Action.REPLY_ON_THE_SPOT)
        return ev.data if ev is not None and isinstance(ev.data, Reply) else None

    @property
    def closing_event(self) -> Event | None:
        if not self.status.is_closed:
            return None
        return self.last(Action.SEND_REPLY, Action.REPLY_ON_THE_SPOT, *CLOSING_OUTCOMES)

    @property
    def closed_on(self) -> date | None:
        ev = self.closing_event
        return None if ev is None else ev.on

    @property
    def outcome(self) -> Outcome | None:
        """The one outcome of a closed case (``None`` while open)."""
        ev = self.closing_event
        if ev is None:
            return None
        if ev.action in CLOSING_OUTCOMES:
            return CLOSING_OUTCOMES[ev.action]
        reply = self.reply
        return None if reply is None else reply.outcome

    def report_cell(self, template: str) -> str | None:
        """The table-3 cell this case is counted in once closed, e.g. ``s3.granted.natural``."""
        outcome, reg = self.outcome, self.registration
        if outcome is None or reg is None:
            return None
        return report_cell(outcome, reg.applicant.type, template)

    # -- deadlines -------------------------------------------------------------------------------
    def clock_events(self) -> tuple[ClockEvent, ...]:
        """The history translated into the events of :func:`xxgk.core.deadlines.answer_deadline`."""
        out: list[ClockEvent] = []
        channel = self.registration.channel if self.registration else None
        for ev in self.events:
            data = ev.data
            if isinstance(data, Registration):
                day = receipt_date(data.channel, data.receipt).day
                if day is not None:
                    out.append(Received(day))
            elif isinstance(data, ReceiptConfirmation) and channel is not None:
                day = receipt_date(channel, data.receipt).day
                if day is not None:
                    out.append(Received(day))
            elif ev.action is Action.RECEIVE_CORRECTION:
                out.append(CorrectionReceived(_correction_received_on(ev)))
            elif isinstance(data, CorrectionRequest):
                out.append(CorrectionRequested(ev.on, data.due))
            elif isinstance(data, Consultation):
                out.append(ConsultationStarted(ev.on, data.party_received_on, data.kind.label))
            elif isinstance(data, ConsultationEnd):
                out.append(ConsultationEnded(ev.on))
            elif isinstance(data, Extension):
                out.append(ExtensionGranted(ev.on, data.days, data.notified_on))
            elif isinstance(data, CustomDeadline):
                out.append(CustomDeadlineSet(ev.on, data.due))
            elif isinstance(data, FeeNotice):
                out.append(FeeNoticeSent(ev.on, data.served_on))
            elif isinstance(data, Payment):
                out.append(FeePaid(ev.on))
        return tuple(out)

    def answer_deadline(self, calendar: WorkCalendar) -> Deadline:
        return answer_deadline(self.clock_events(), calendar)

    def deadlines(self, calendar: WorkCalendar) -> tuple[Deadline, ...]:
        """The deadlines running in the current status (answer first), for display and reminders."""
        s = self.status
        if s in (Status.NEW, Status.AWAITING_RECEIPT) or s.is_closed:
            return ()
        out: list[Deadline] = []
        if s is Status.AWAITING_CORRECTION:
            request = self.last(Action.REQUEST_CORRECTION)
            if request is not None and isinstance(request.data, CorrectionRequest):
                out.append(correction_deadline(request.on, request.data.due, calendar))
            return tuple(out)
        out.append(self.answer_deadline(calendar))
        received = self.clock_received_on
        if s is Status.PROCESSING and received is not None and not self.correction_requested_since_receipt:
            out.append(correction_notice_deadline(received, calendar))
        if s is Status.CONSULTING:
            ev = self.last(Action.START_CONSULTATION)
            if ev is not None and isinstance(ev.data, Consultation):
                out.append(consultation_window_end(ev.on, ev.data.party_received_on, calendar))
        if s is Status.AWAITING_PAYMENT:
            notice = self.fee_notice
            if notice is not None:
                out.append(payment_deadline(notice.served_on, calendar))
        return tuple(out)

    @property
    def correction_requested_since_receipt(self) -> bool:
        """Whether a 补正 notice was already sent for the latest receipt (补正 is notified once, all at once)."""
        return any(ev.action is Action.REQUEST_CORRECTION for ev in self.since(self.last(Action.RECEIVE_CORRECTION)))

    @property
    def fee_notice(self) -> FeeNotice | None:
        ev = self.last(Action.SEND_FEE_NOTICE)
        return ev.data if ev is not None and isinstance(ev.data, FeeNotice) else None


def _correction_received_on(ev: Event) -> date:
    if isinstance(ev.data, CorrectionReceipt) and ev.data.received_on is not None:
        return ev.data.received_on
    return ev.on


# -- validation -----------------------------------------------------------------------------------


def _text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _is(value: object, kind: type) -> bool:
    """``isinstance`` for run-time checks of typed fields (callers may pass anything)."""
    return isinstance(value, kind)


def _is_date(value: object) -> bool:
    return isinstance(value, date) and not isinstance(value, datetime)


def _d(day: date) -> str:
    return day.isoformat()


def check_registration(reg: Registration) -> None:
    """Art 29: the application names the applicant (with identity and contact) and the information sought;
    an oral application is written down by staff and confirmed by the applicant."""
    problems: list[str] = []
    if not _is(reg.channel, Channel):
        problems.append("申请渠道未知")
    applicant = reg.applicant
    if not _is(applicant, Applicant):
        problems.append("缺少申请人信息")
    else:
        if not _is(applicant.type, ApplicantType):
            problems.append("申请人类型未知")
        if not _text(applicant.name):
            problems.append("缺少申请人姓名或名称")
        if not _text(applicant.id_document):
            problems.append("缺少身份证明")
        if not _text(applicant.contact):
            problems.append("缺少联系方式")
    if not _text(reg.content):
        problems.append("缺少所需政府信息的名称、文号或特征性描述")
    if not _is(reg.receipt, ReceiptFacts):
        problems.append("缺少收到申请的日期信息")
    if reg.requested_form is not None and not _is(reg.requested_form, ProvisionForm):
        problems.append("获取信息的形式未知")
    if reg.requested_delivery is not None and not _is(reg.requested_delivery, DeliveryMethod):
        problems.append("获取信息的方式未知")
    if reg.channel is Channel.ORAL:
        if not _text(reg.transcribed_by):
            problems.append("口头申请须记录代为填写的工作人员")
        if not reg.applicant_confirmed:
            problems.append("口头申请须经申请人确认")
    if problems:
        raise WorkflowError("登记信息不完整（《条例》第二十九条）：" + "；".join(problems))


def check_reply(reply: Reply, case: Case) -> None:
    """The reply has one outcome usable in a reply, with what that outcome requires."""
    try:
        outcome = Outcome(reply.outcome)
    except ValueError:
        raise WorkflowError(f"未知的办理结果 {reply.outcome!r}") from None
    spec = outcome.spec
    if not spec.by_reply:
        raise WorkflowError(f"“{spec.label}”不能作为答复结果，它只由撤回、逾期不补正或逾期未缴费产生")
    problems: list[str] = []
    if spec.requires_legal_ground and not _text(reply.legal_ground):
        problems.append("须写明法律依据")
    if spec.requires_reasons and not _text(reply.reasons):
        problems.append("须说明理由")
    parts = tuple(reply.withheld_parts)
    if spec.lists_withheld_parts and not any(_text(p) for p in parts):
        problems.append("须列明不予公开的部分（第三十七条）")
    if parts and not spec.lists_withheld_parts:
        problems.append("只有部分公开才列明不予公开的部分")
    if outcome is Outcome.NOT_PROCESSED_EXCESSIVE and not case.has(Action.REQUEST_REASONS):
        problems.append("依第三十五条不予处理前须先要求申请人说明理由")
    if outcome is Outcome.UNABLE_UNCLEAR and not case.has(Action.RECEIVE_CORRECTION):
        problems.append("须先告知补正并收到补正后的申请")
    if reply.form is not None and not _is(reply.form, ProvisionForm):
        problems.append("提供形式未知")
    if reply.delivery is not None and not _is(reply.delivery, DeliveryMethod):
        problems.append("提供方式未知")
    if problems:
        raise WorkflowError(f"答复“{spec.label}”不符合要求：" + "；".join(problems))


def _running_due(case: Case, calendar: WorkCalendar, what: str) -> date:
    deadline = case.answer_deadline(calendar)
    if deadline.due is None:  # pragma: no cover - the table only allows these actions while the clock runs
        raise WorkflowError(f"答复期限未在计算（{deadline.suspended}），不能{what}")
    return deadline.due


# -- guards ---------------------------------------------------------------------------------------
#
# Each action's guard is in two parts. The *precondition* (``_pre_*``) decides what depends only on the case,
# who acts and the day the step is dated — a second extension, a 补正 period not yet over, a notice no longer in
# time; the *payload guard* (``_guard_*``) checks what the step carries. :func:`check` runs both for one event;
# :func:`blocked_reason` runs the precondition alone over every day a new step could still be dated, so an action
# it does not block can succeed with some payload, and one it blocks is refused whatever is entered.


@dataclass(frozen=True, slots=True)
class _Attempt:
    """Who would act, and the days the step could be dated: ``first``–``last``. For an event both are its own
    date (``exact``); for :func:`blocked_reason` they run from the previous step's date to today."""

    role: Role
    actor: str
    first: date
    last: date
    exact: bool

    @classmethod
    def of(cls, ev: Event) -> _Attempt:
        return cls(Role(ev.role), ev.actor, ev.on, ev.on, exact=True)

    @property
    def first_text(self) -> str:
        """The earliest possible date as a message names it."""
        return _d(self.first) if self.exact else f"上一操作日期 {_d(self.first)}"


_Pre = Callable[[Case, _Attempt, WorkCalendar], None]
_Guard = Callable[[Case, Event, WorkCalendar], None]
_T = TypeVar("_T")


def _payload(ev: Event, kind: type[_T]) -> _T:
    if not isinstance(ev.data, kind):  # pragma: no cover - the structure check ran first
        raise WorkflowError(f"“{ev.action.label}”须附带 {kind.__name__}")
    return ev.data


def _guard_register(case: Case, ev: Event, calendar: WorkCalendar) -> None:
    data = _payload(ev, Registration)
    check_registration(data)
    receipt = receipt_date(data.channel, data.receipt)
    if ev.action is Action.REGISTER_PENDING:
        if not receipt.pending:
            raise WorkflowError(f"收到申请之日已可确定（{receipt.describe()}），请直接登记")
        return
    if receipt.day is None:
        raise WorkflowError(f"{receipt.describe()}；请先登记为“收到日期待确认”，确认后再起算期限")
    if receipt.day > ev.on:
        raise WorkflowError(f"收到申请之日 {_d(receipt.day)} 不能晚于登记日期 {_d(ev.on)}")


def _guard_confirm_receipt(case: Case, ev: Event, calendar: WorkCalendar) -> None:
    data = _payload(ev, ReceiptConfirmation)
    reg = case.registration
    if reg is None:  # pragma: no cover - unreachable through the table
        raise WorkflowError("尚未登记")
    receipt = receipt_date(reg.channel, data.receipt)
    if receipt.day is None:
        raise WorkflowError(receipt.describe())
    if receipt.day > ev.on:
        raise WorkflowError(f"收到申请之日 {_d(receipt.day)} 不能晚于确认操作日期 {_d(ev.on)}")


def _pre_on_the_spot(case: Case, at: _Attempt, calendar: WorkCalendar) -> None:
    reg = case.registration
    if reg is None or reg.channel not in (Channel.IN_PERSON, Channel.ORAL):
        raise WorkflowError("只有当面或口头提出的申请才能当场答复")
    if len(case.events) != 1:
        raise WorkflowError("申请已开始办理（补正、征求意见等），不能再当场答复")
    received = case.received_on
    if received is None or not at.first <= received <= at.last:
        raise WorkflowError("当场答复须在收到申请的当日作出")


def _guard_on_the_spot(case: Case, ev: Event, calendar: WorkCalendar) -> None:
    check_reply(_payload(ev, Reply), case)


def _pre_request_correction(case: Case, at: _Attempt, calendar: WorkCalendar) -> None:
    if case.correction_requested_since_receipt:
        raise WorkflowError("补正事项应当一次性告知：收到本次申请后已告知过补正")
    received = case.clock_received_on
    if received is None:  # pragma: no cover - unreachable through the table
        raise WorkflowError("收到申请之日未确定")
    limit = correction_notice_deadline(received, calendar)
    if limit.due is not None and at.first > limit.due:
        raise WorkflowError(
            f"补正告知应在收到申请之日（{_d(received)}）起7个工作日内（至 {_d(limit.due)}）作出，{at.first_text} 已逾期"
        )


def _guard_request_correction(case: Case, ev: Event, calendar: WorkCalendar) -> None:
    data = _payload(ev, CorrectionRequest)
    items = tuple(data.items)
    if not items or not all(_text(i) for i in items):
        raise WorkflowError("补正告知须一次性列明全部需要补正的事项")
    if not _is_date(data.due):
        raise WorkflowError(f"补正期限必须是日期，收到 {data.due!r}")
    if data.due <= ev.on:
        raise WorkflowError(f"补正期限 {_d(data.due)} 必须晚于告知日期 {_d(ev.on)}")


def _correction_due(case: Case, calendar: WorkCalendar) -> date:
    request = case.last(Action.REQUEST_CORRECTION)
    if request is None or not isinstance(request.data, CorrectionRequest):  # pragma: no cover
        raise WorkflowError("未告知补正")
    due = correction_deadline(request.on, request.data.due, calendar).due
    return request.data.due if due is None else due


def _guard_receive_correction(case: Case, ev: Event, calendar: WorkCalendar) -> None:
    data = ev.data if isinstance(ev.data, CorrectionReceipt) else CorrectionReceipt()
    received = data.received_on or ev.on
    if not _is_date(received):
        raise WorkflowError(f"补正申请收到日期必须是日期，收到 {received!r}")
    request = case.last(Action.REQUEST_CORRECTION)
    if request is not None and received < request.on:
        raise WorkflowError(f"补正后的申请收到日期 {_d(received)} 早于补正告知日期 {_d(request.on)}")
    if received > ev.on:
        raise WorkflowError(f"补正后的申请收到日期 {_d(received)} 不能晚于登记日期 {_d(ev.on)}")
    due = _correction_due(case, calendar)
    if received > due and not _text(data.late_reason):
        raise WorkflowError(f"已超过补正期限 {_d(due)}；逾期补正须记录正当理由，否则视为放弃申请")


def _pre_correction_overdue(case: Case, at: _Attempt, calendar: WorkCalendar) -> None:
    due = _correction_due(case, calendar)
    if at.last <= due:
        raise WorkflowError(f"补正期限 {_d(due)} 尚未届满，不能视为放弃申请")


def _guard_start_consultation(case: Case, ev: Event, calendar: WorkCalendar) -> None:
    data = _payload(ev, Consultation)
    if not isinstance(data.kind, ConsultationKind):
        raise WorkflowError("征求意见类型未知（第三方或其他机关）")
    parties = tuple(data.parties)
    if not parties or not all(_text(p) for p in parties):
        raise WorkflowError("须列明被征求意见的第三方或机关")
    received = data.party_received_on
    if received is not None and (not _is_date(received) or received < ev.on):
        raise WorkflowError("对方收到征求意见书的日期不能早于发出日期")


def _consultation_window_over(case: Case, calendar: WorkCalendar, last: date) -> None:
    """“逾期未提出意见” can be recorded only after the 15-working-day window (on a day up to ``last``)."""
    start = case.last(Action.START_CONSULTATION)
    if start is None or not isinstance(start.data, Consultation):  # pragma: no cover
        raise WorkflowError("没有进行中的征求意见")
    window = consultation_window_end(start.on, start.data.party_received_on, calendar)
    if window.due is not None and last <= window.due:
        raise WorkflowError(f"意见期限 {_d(window.due)} 尚未届满，不能记录为逾期未提出意见")


def _pre_end_consultation(case: Case, at: _Attempt, calendar: WorkCalendar) -> None:
    if at.role is Role.SYSTEM:  # the system records only “逾期未提出意见”
        _consultation_window_over(case, calendar, at.last)


def _guard_end_consultation(case: Case, ev: Event, calendar: WorkCalendar) -> None:
    data = _payload(ev, ConsultationEnd)
    result = data.result
    if not isinstance(result, ConsultationResult):
        raise WorkflowError("征求意见结果未知")
    if ev.role is Role.SYSTEM and result is not ConsultationResult.NO_REPLY:
        raise WorkflowError("系统只能记录“逾期未提出意见”")
    if result is ConsultationResult.NO_REPLY:
        _consultation_window_over(case, calendar, ev.on)


def _pre_extend(case: Case, at: _Attempt, calendar: WorkCalendar) -> None:
    if case.has(Action.EXTEND):
        raise WorkflowError("答复期限只能延长一次（第三十三条第二款）")
    if case.has(Action.SET_CUSTOM_DEADLINE):
        raise WorkflowError("已依第三十五条确定延迟答复期限，不再延长")
    due = _running_due(case, calendar, "延期")
    if at.first > due:
        raise WorkflowError(f"答复期限已于 {_d(due)} 届满，不能再延期（须在届满前批准）")


def _guard_extend(case: Case, ev: Event, calendar: WorkCalendar) -> None:
    data = _payload(ev, Extension)
    if isinstance(data.days, bool) or not isinstance(data.days, int) or not 1 <= data.days <= MAX_EXTENSION_DAYS:
        raise WorkflowError(f"延长的期限必须是 1–{MAX_EXTENSION_DAYS} 个工作日，收到 {data.days!r}")
    if not _text(data.approved_by):
        raise WorkflowError("延期须经政府信息公开工作机构负责人同意，请记录批准人")
    if not _is_date(data.notified_on) or data.notified_on < ev.on:
        raise WorkflowError("告知申请人延期的日期不能早于批准日期")
    due = _running_due(case, calendar, "延期")
    if data.notified_on > due:
        raise WorkflowError(f"延期须在答复期限 {_d(due)} 届满前告知申请人")


def _pre_custom_deadline(case: Case, at: _Attempt, calendar: WorkCalendar) -> None:
    if not case.has(Action.REQUEST_REASONS):
        raise WorkflowError("依第三十五条确定延迟答复期限前须先要求申请人说明理由")
    record = case.last(Action.RECORD_REASONS)
    if record is None or not isinstance(record.data, ReasonsRecord) or not _text(record.data.reasons):
        raise WorkflowError("申请人未说明理由，不能确定延迟答复期限（可告知不予处理）")
    if case.has(Action.SET_CUSTOM_DEADLINE):
        raise WorkflowError("延迟答复期限只能确定一次")
    due = _running_due(case, calendar, "确定延迟答复期限")
    if at.first > due:  # the applicant is told on the day or later, and no later than the due date
        raise WorkflowError(f"答复期限已于 {_d(due)} 届满，不能再确定延迟答复期限（须在届满前告知申请人）")


def _guard_custom_deadline(case: Case, ev: Event, calendar: WorkCalendar) -> None:
    data = _payload(ev, CustomDeadline)
    if not _text(data.reason):
        raise WorkflowError("须写明确定延迟答复期限的理由")
    if not _is_date(data.due) or not _is_date(data.notified_on):
        raise WorkflowError("延迟答复期限和告知日期必须是日期")
    due = _running_due(case, calendar, "确定延迟答复期限")
    if data.due <= due:
        raise WorkflowError(f"延迟答复期限 {_d(data.due)} 应晚于第三十三条规定的答复期限 {_d(due)}")
    if data.notified_on < ev.on or data.notified_on > due:
        raise WorkflowError(f"须在答复期限 {_d(due)} 届满前告知申请人延迟答复期限")


def _pre_fee_notice(case: Case, at: _Attempt, calendar: WorkCalendar) -> None:
    if case.has(Action.SEND_FEE_NOTICE):
        raise WorkflowError("每件申请只能发出一次收费通知")
    due = _running_due(case, calendar, "发出收费通知")
    if at.first > due:
        raise WorkflowError(f"收费通知应在答复期限（{_d(due)}）内发出")


def _guard_fee_notice(case: Case, ev: Event, calendar: WorkCalendar) -> None:
    data = _payload(ev, FeeNotice)
    if not isinstance(data.method, FeeMethod):
        raise WorkflowError("计费方式未知（按件或按量，二者择一）")
    if not isinstance(data.amount, Decimal) or not data.amount.is_finite() or data.amount <= 0:
        raise WorkflowError(f"收费金额必须大于零，收到 {data.amount!r}")
    if not _is_date(data.served_on) or data.served_on < ev.on:
        raise WorkflowError("收费通知送达日期不能早于发出日期")


def _payment_due(case: Case, calendar: WorkCalendar) -> date:
    notice = case.fee_notice
    if notice is None:  # pragma: no cover - unreachable through the table
        raise WorkflowError("未发出收费通知")
    due = payment_deadline(notice.served_on, calendar).due
    return notice.served_on if due is None else due


def _pre_payment(case: Case, at: _Attempt, calendar: WorkCalendar) -> None:
    due = _payment_due(case, calendar)
    if at.first > due:
        raise WorkflowError(f"缴费期限已于 {_d(due)} 届满，视为放弃申请")


def _guard_payment(case: Case, ev: Event, calendar: WorkCalendar) -> None:
    data = _payload(ev, Payment)
    notice = case.fee_notice
    if notice is None:  # pragma: no cover
        raise WorkflowError("未发出收费通知")
    if data.amount != notice.amount:
        raise WorkflowError(f"缴费金额 {data.amount} 元与收费通知金额 {notice.amount} 元不一致")


def _pre_fee_overdue(case: Case, at: _Attempt, calendar: WorkCalendar) -> None:
    due = _payment_due(case, calendar)
    if at.last <= due:
        raise WorkflowError(f"缴费期限 {_d(due)} 尚未届满，不能视为放弃申请")


def _guard_draft_reply(case: Case, ev: Event, calendar: WorkCalendar) -> None:
    data = _payload(ev, Reply)
    check_reply(data, case)


def _guard_return_reply(case: Case, ev: Event, calendar: WorkCalendar) -> None:
    data = _payload(ev, ReviewNote)
    if not _text(data.comment):
        raise WorkflowError("退回修改须写明意见")


def _pre_approve_reply(case: Case, at: _Attempt, calendar: WorkCalendar) -> None:
    draft = case.last(Action.DRAFT_REPLY)
    if draft is not None and at.actor and at.actor == draft.actor:
        raise WorkflowError("审核人不能审核本人拟定的答复")


def _no_pre(case: Case, at: _Attempt, calendar: WorkCalendar) -> None:
    return None


def _no_guard(case: Case, ev: Event, calendar: WorkCalendar) -> None:
    return None


#: action → (precondition, payload guard).
_GUARDS: dict[Action, tuple[_Pre, _Guard]] = {
    Action.REGISTER: (_no_pre, _guard_register),
    Action.REGISTER_PENDING: (_no_pre, _guard_register),
    Action.CONFIRM_RECEIPT: (_no_pre, _guard_confirm_receipt),
    Action.REPLY_ON_THE_SPOT: (_pre_on_the_spot, _guard_on_the_spot),
    Action.REQUEST_CORRECTION: (_pre_request_correction, _guard_request_correction),
    Action.RECEIVE_CORRECTION: (_no_pre, _guard_receive_correction),
    Action.CORRECTION_OVERDUE: (_pre_correction_overdue, _no_guard),
    Action.START_CONSULTATION: (_no_pre, _guard_start_consultation),
    Action.END_CONSULTATION: (_pre_end_consultation, _guard_end_consultation),
    Action.EXTEND: (_pre_extend, _guard_extend),
    Action.REQUEST_REASONS: (_no_pre, _no_guard),
    Action.RECORD_REASONS: (_no_pre, _no_guard),
    Action.SET_CUSTOM_DEADLINE: (_pre_custom_deadline, _guard_custom_deadline),
    Action.SEND_FEE_NOTICE: (_pre_fee_notice, _guard_fee_notice),
    Action.RECORD_PAYMENT: (_pre_payment, _guard_payment),
    Action.FEE_OVERDUE: (_pre_fee_overdue, _no_guard),
    Action.DRAFT_REPLY: (_no_pre, _guard_draft_reply),
    Action.RETURN_REPLY: (_no_pre, _guard_return_reply),
    Action.APPROVE_REPLY: (_pre_approve_reply, _no_guard),
    Action.SEND_REPLY: (_no_pre, _no_guard),
    Action.WITHDRAW: (_no_pre, _no_guard),
    Action.ARCHIVE: (_no_pre, _no_guard),
}


def _texts(value: object) -> Iterator[str]:
    """Every string in a payload (its fields, nested values and tuples)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _texts(item)
    elif is_dataclass(value) and not isinstance(value, type):
        for f in fields(value):
            yield from _texts(getattr(value, f.name))


def _role_refusal(entry: Transition, role: Role) -> str | None:
    if role in entry.roles:
        return None
    who = "、".join(r.label for r in Role if r in entry.roles)
    return f"“{role.label}”无权执行“{entry.action.label}”（可由：{who}）"


def _check_structure(case: Case, event: Event) -> Transition:
    """Table, role, payload type and date order — everything that does not need the calendar."""
    if not isinstance(event, Event):
        raise WorkflowError(f"需要 Event，收到 {event!r}")
    entry = transition(case.status, event.action)
    try:
        role = Role(event.role)
    except ValueError:
        raise WorkflowError(f"未知的角色 {event.role!r}") from None
    refusal = _role_refusal(entry, role)
    if refusal is not None:
        raise WorkflowError(refusal)
    if not _is_date(event.on):
        raise WorkflowError(f"操作日期必须是日期，收到 {event.on!r}")
    if entry.payload is None:
        if event.data is not None:
            raise WorkflowError(f"“{entry.action.label}”不需要附带信息，收到 {type(event.data).__name__}")
    elif event.data is None:
        if entry.payload_required:
            raise WorkflowError(f"“{entry.action.label}”须附带 {entry.payload.__name__}")
    elif not isinstance(event.data, entry.payload):
        raise WorkflowError(f"“{entry.action.label}”须附带 {entry.payload.__name__}，收到 {type(event.data).__name__}")
    if case.events and event.on < case.events[-1].on:
        raise WorkflowError(f"操作日期 {_d(event.on)} 早于上一操作日期 {_d(case.events[-1].on)}")
    return entry


def check(case: Case, event: Event, calendar: WorkCalendar) -> Transition:
    """Validate ``event`` against ``case``; return the transition it takes or raise :class:`WorkflowError`."""
    if not isinstance(case, Case):
        raise WorkflowError(f"需要 Case，收到 {case!r}")
    entry = _check_structure(case, event)
    problems = text_problems("".join(_texts(event.data)), f"“{entry.action.label}”填写的内容")
    if problems:  # a NUL character, which the database would refuse
        raise WorkflowError("；".join(problems))
    precondition, guard = _GUARDS[entry.action]
    precondition(case, _Attempt.of(event), calendar)
    guard(case, event, calendar)
    return entry


def blocked_reason(
    case: Case, action: Action, role: Role, calendar: WorkCalendar, *, today: date, actor: str = ""
) -> str | None:
    """Why ``action`` by ``role`` (and ``actor``, when given) cannot succeed on ``case`` whatever it carries and
    whichever day it is dated — from the previous step's date to ``today`` — or ``None`` when some payload and day
    can succeed. The table, the role and each guard's precondition decide (the same code :func:`check` runs), so
    what is offered is what :func:`apply` accepts: a second extension, a 补正 period not yet over, a fee notice
    after the answer deadline are refused here with the message :func:`apply` would give."""
    try:
        entry = transition(case.status, action)
    except WorkflowError as exc:
        return exc.message
    refusal = _role_refusal(entry, Role(role))
    if refusal is not None:
        return refusal
    first = case.events[-1].on if case.events else date.min
    if today < first:
        return f"上一操作日期 {_d(first)} 晚于今天（{_d(today)}），暂不能记录新的操作"
    precondition, _guard = _GUARDS[entry.action]
    try:
        precondition(case, _Attempt(Role(role), actor, first, today, exact=False), calendar)
    except WorkflowError as exc:
        return exc.message
    return None


def apply(case: Case, event: Event, calendar: WorkCalendar) -> Case:
    """The case after ``event``; raises :class:`WorkflowError` (Chinese message) when the move is not allowed."""
    entry = check(case, event, calendar)
    return Case(status=entry.target, events=(*case.events, event))


def replay(events: Iterable[Event]) -> Case:
    """Rebuild a case from stored events, checking the table, roles, payload types and date order but not the
    calendar-dependent guards (a later calendar change must not make a recorded history unreadable)."""
    case = Case()
    for event in events:
        entry = _check_structure(case, event)
        case = Case(status=entry.target, events=(*case.events, event))
    return case
