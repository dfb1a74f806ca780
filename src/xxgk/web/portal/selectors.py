"""Reads of the portal: bodies accepting online applications, the staff inbox, code look-ups and — the single
place that decides what an applicant (anyone holding a 查询码) may see — :func:`public_status`.

The public view of an application is deliberately narrow: the body, the case number, the dates of submission and
receipt, the public state in plain Chinese, the due date and the list of public steps with their dates; while
the applicant must act, also what to do (the 补正 items and deadline; the fee and its payment deadline). It never
contains the applicant's name, identity document or contact details, the names of staff or of consulted third
parties, internal review steps, or a drafted reply before it is sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from xxgk.core.calendar import WorkCalendar
from xxgk.core.deadlines import correction_deadline
from xxgk.core.fees import payment_deadline
from xxgk.core.outcomes import Channel
from xxgk.core.workflow import Action, Consultation, CorrectionRequest, Role, Status
from xxgk.core.workflow import Case as CoreCase
from xxgk.web.cases.models import Case
from xxgk.web.cases.selectors import case_core
from xxgk.web.portal.accesscode import code_digest, code_normalize
from xxgk.web.portal.models import AccessCode, OnlineSubmission, PortalSettings, SubmissionStatus
from xxgk.web.tenancy.models import Body, MemberRole, Membership
from xxgk.web.tenancy.selectors import (
    NOT_FOUND,
    AnyUser,
    body_descendant_ids,
    body_ids_visible,
    workflow_roles_in_body,
)
from xxgk.web.workcalendar.selectors import calendar_get

# -- bodies ----------------------------------------------------------------------------------------


def body_list_accepting_online() -> list[Body]:
    """Every body that accepts online applications (no settings row, or the flag set), by code."""
    refusing = PortalSettings.objects.filter(accepts_online=False).values("body_id")
    return list(Body.objects.exclude(id__in=refusing).select_related("parent").order_by("code"))


def body_get_accepting_online(*, code: str) -> Body:
    """The body ``code`` if it accepts online applications; Http404 otherwise."""
    body = Body.objects.filter(code=code).first()
    if body is None or not body_accepts_online(body_id=body.pk):
        raise Http404("未找到该机关，或该机关暂不接受网上申请")
    return body


def body_accepts_online(*, body_id: int) -> bool:
    return not PortalSettings.objects.filter(body_id=body_id, accepts_online=False).exists()


def body_ids_administered(*, user: AnyUser) -> set[int]:
    """Bodies whose portal settings ``user`` may change: where they are 管理员, and every body below."""
    if not user.is_authenticated:
        return set()
    roots = Membership.objects.filter(user_id=user.pk, role=MemberRole.ADMIN).values_list("body_id", flat=True)
    return body_descendant_ids(roots=list(roots))


@dataclass(frozen=True)
class BodySetting:
    body: Body
    accepts_online: bool


def portal_settings_list(*, user: AnyUser) -> list[BodySetting]:
    ids = body_ids_administered(user=user)
    refusing = set(
        PortalSettings.objects.filter(accepts_online=False, body_id__in=ids).values_list("body_id", flat=True)
    )
    bodies = Body.objects.filter(id__in=ids).order_by("code")
    return [BodySetting(body=b, accepts_online=b.pk not in refusing) for b in bodies]


# -- the staff inbox -------------------------------------------------------------------------------

#: State → its label (msgids: the inbox page translates them).
INBOX_STATES = {
    "pending": gettext_noop("待确认"),
    "accepted": gettext_noop("已确认"),
    "rejected": gettext_noop("不予受理"),
}


def submission_inbox(*, user: AnyUser, state: str = "pending") -> QuerySet[OnlineSubmission]:
    """The online submissions of the bodies ``user`` sees (own and supervised), oldest pending first."""
    qs = OnlineSubmission.objects.filter(body_id__in=body_ids_visible(user=user)).select_related("body", "case")
    if state == "accepted":
        return qs.filter(status=SubmissionStatus.ACCEPTED).order_by("-decided_at", "-id")
    if state == "rejected":
        return qs.filter(status=SubmissionStatus.REJECTED).order_by("-decided_at", "-id")
    return qs.filter(status=SubmissionStatus.SUBMITTED).order_by("submitted_at", "id")


def access_submission_by_id(user: AnyUser, submission_id: int) -> OnlineSubmission:
    """The submission ``submission_id`` if ``user`` may see it; Http404 alike for missing and not-yours."""
    try:
        return OnlineSubmission.objects.select_related("body", "case", "decided_by").get(
            pk=submission_id, body_id__in=body_ids_visible(user=user)
        )
    except OnlineSubmission.DoesNotExist:
        raise Http404(NOT_FOUND) from None


def user_is_clerk(*, user: AnyUser, body_id: int) -> bool:
    """Whether ``user`` may accept or reject submissions of ``body_id`` (a 经办人 there)."""
    return Role.CLERK in workflow_roles_in_body(user=user, body_id=body_id)


def access_code_active_for_case(*, case: Case) -> AccessCode | None:
    """The case's valid 查询码 row (the code itself is not stored), if any."""
    return AccessCode.objects.filter(case=case, revoked_at__isnull=True).order_by("-created_at", "-id").first()


# -- look-up by code --------------------------------------------------------------------------------


def access_code_lookup(*, code: str) -> AccessCode | None:
    """The valid code row for what the applicant typed (``None`` for malformed, unknown and revoked codes)."""
    if code_normalize(code) is None:
        return None
    return (
        AccessCode.objects.select_related("case", "case__body", "submission", "submission__body", "submission__case")
        .filter(digest=code_digest(code), revoked_at__isnull=True)
        .filter(Q(case__isnull=False) | Q(submission__isnull=False))
        .first()
    )


# -- what is public -------------------------------------------------------------------------------


class PublicState(StrEnum):
    SUBMITTED = "submitted"
    REJECTED = "rejected"
    PROCESSING = "processing"
    EXTENDED = "extended"
    AWAITING_CORRECTION = "awaiting_correction"
    CONSULTING = "consulting"
    AWAITING_REASONS = "awaiting_reasons"
    AWAITING_PAYMENT = "awaiting_payment"
    REPLIED = "replied"
    WITHDRAWN = "withdrawn"
    ABANDONED_CORRECTION = "abandoned_correction"
    ABANDONED_FEE = "abandoned_fee"

    @property
    def label(self) -> str:
        """The state's label in the active language."""
        return _(_STATE_LABELS[self])

    @property
    def is_final(self) -> bool:
        return self in (
            PublicState.REJECTED,
            PublicState.REPLIED,
            PublicState.WITHDRAWN,
            PublicState.ABANDONED_CORRECTION,
            PublicState.ABANDONED_FEE,
        )


_STATE_LABELS: dict[PublicState, str] = {
    PublicState.SUBMITTED: gettext_noop("已提交待确认"),
    PublicState.REJECTED: gettext_noop("未予受理"),
    PublicState.PROCESSING: gettext_noop("办理中"),
    PublicState.EXTENDED: gettext_noop("已延期"),
    PublicState.AWAITING_CORRECTION: gettext_noop("待补正"),
    PublicState.CONSULTING: gettext_noop("征求意见中"),
    PublicState.AWAITING_REASONS: gettext_noop("待说明理由"),
    PublicState.AWAITING_PAYMENT: gettext_noop("待缴费"),
    PublicState.REPLIED: gettext_noop("已答复"),
    PublicState.WITHDRAWN: gettext_noop("已撤回"),
    PublicState.ABANDONED_CORRECTION: gettext_noop("已终止（逾期未补正）"),
    PublicState.ABANDONED_FEE: gettext_noop("已终止（逾期未缴费）"),
}

_EXPLANATIONS: dict[PublicState, str] = {
    PublicState.SUBMITTED: gettext_noop(
        "申请已提交，等待受理机关与您确认。依《条例》第三十一条，"
        "网上提交的申请以双方确认之日为收到申请之日，答复期限自该日起计算。"
    ),
    PublicState.REJECTED: gettext_noop(
        "该网上提交经受理机关核实为无效提交，未作为政府信息公开申请登记。如有需要，请重新提交或通过其他渠道申请。"
    ),
    PublicState.PROCESSING: gettext_noop("受理机关正在办理您的申请，将在答复期限内作出答复。"),
    PublicState.EXTENDED: gettext_noop(
        "经政府信息公开工作机构负责人同意，答复期限已依法延长（《条例》第三十三条第二款）。"
    ),
    PublicState.AWAITING_CORRECTION: gettext_noop(
        "您的申请内容需要补正。请在补正期限内按下列事项补正；"
        "无正当理由逾期不补正的，视为放弃申请（《条例》第三十条）。"
        "答复期限自受理机关收到补正后的申请之日起重新计算。"
    ),
    PublicState.CONSULTING: gettext_noop(
        "受理机关正在书面征求意见（《条例》第三十二条、第三十四条），征求意见所需时间不计算在答复期限内。"
    ),
    PublicState.AWAITING_REASONS: gettext_noop(
        "申请的数量、频次明显超过合理范围，受理机关已请您说明理由（《条例》第三十五条）。"
    ),
    PublicState.AWAITING_PAYMENT: gettext_noop(
        "受理机关已发出信息处理费缴费通知。请在缴费期限内缴纳；逾期未缴纳的，视为放弃申请。"
        "自发出收费通知至缴费的时间不计算在答复期限内。"
    ),
    PublicState.REPLIED: gettext_noop(
        "受理机关已作出答复，答复书按您申请时选择的方式送达；如未收到，请与受理机关联系。"
    ),
    PublicState.WITHDRAWN: gettext_noop("申请已撤回，受理机关不再处理。"),
    PublicState.ABANDONED_CORRECTION: gettext_noop(
        "申请人未在补正期限内补正，视为放弃申请，受理机关不再处理（《条例》第三十条）。"
    ),
    PublicState.ABANDONED_FEE: gettext_noop("申请人未在缴费期限内缴纳信息处理费，视为放弃申请，受理机关不再处理。"),
}

#: Public labels of the steps shown to the applicant. Actions not listed (drafting, internal review, returning a
#: draft, archiving) are internal and never shown.
_STEP_LABELS: dict[Action, str] = {
    Action.REGISTER: gettext_noop("登记申请（收到申请）"),
    Action.REGISTER_PENDING: gettext_noop("登记申请（收到日期待确认）"),
    Action.CONFIRM_RECEIPT: gettext_noop("确认收到申请"),
    Action.REPLY_ON_THE_SPOT: gettext_noop("当场答复"),
    Action.REQUEST_CORRECTION: gettext_noop("告知补正"),
    Action.RECEIVE_CORRECTION: gettext_noop("收到补正后的申请"),
    Action.CORRECTION_OVERDUE: gettext_noop("逾期未补正，视为放弃申请"),
    Action.START_CONSULTATION: gettext_noop("征求意见"),
    Action.END_CONSULTATION: gettext_noop("征求意见结束"),
    Action.EXTEND: gettext_noop("延长答复期限"),
    Action.REQUEST_REASONS: gettext_noop("请申请人说明理由"),
    Action.RECORD_REASONS: gettext_noop("收到申请人说明的理由"),
    Action.SET_CUSTOM_DEADLINE: gettext_noop("确定延迟答复期限"),
    Action.SEND_FEE_NOTICE: gettext_noop("发出缴费通知"),
    Action.RECORD_PAYMENT: gettext_noop("收到缴费"),
    Action.FEE_OVERDUE: gettext_noop("逾期未缴费，视为放弃申请"),
    Action.SEND_REPLY: gettext_noop("作出答复"),
    Action.WITHDRAW: gettext_noop("申请人撤回申请"),
}


@dataclass(frozen=True)
class PublicStep:
    on: date
    label: str


@dataclass(frozen=True)
class PublicStatus:
    """Everything the status page may show, and nothing else."""

    state: PublicState
    body_name: str
    case_number: str = ""  # empty while an online submission awaits confirmation
    submitted_on: date | None = None  # online submissions: the day submitted
    received_on: date | None = None  # 收到申请之日 (Art 31)
    due: date | None = None  # the answer deadline while it runs
    due_provisional: bool = False  # a day counted lies in a year whose holidays are not announced
    due_note: str = ""
    correction_items: tuple[str, ...] = ()
    correction_due: date | None = None
    fee_amount: Decimal | None = None
    fee_due: date | None = None
    outcome_label: str = ""
    closed_on: date | None = None
    rejection_reason: str = ""
    steps: tuple[PublicStep, ...] = ()

    @property
    def label(self) -> str:
        return self.state.label

    @property
    def explanation(self) -> str:
        return _(_EXPLANATIONS[self.state])


def _closed_state(core: CoreCase) -> PublicState:
    ev = core.closing_event
    action = ev.action if ev is not None else None
    if action is Action.WITHDRAW:
        return PublicState.WITHDRAWN
    if action is Action.CORRECTION_OVERDUE:
        return PublicState.ABANDONED_CORRECTION
    if action is Action.FEE_OVERDUE:
        return PublicState.ABANDONED_FEE
    return PublicState.REPLIED


def _open_state(core: CoreCase) -> PublicState:
    s = core.status
    if s in (Status.NEW, Status.AWAITING_RECEIPT):
        return PublicState.SUBMITTED
    if s is Status.AWAITING_CORRECTION:
        return PublicState.AWAITING_CORRECTION
    if s is Status.CONSULTING:
        return PublicState.CONSULTING
    if s is Status.AWAITING_REASONS:
        return PublicState.AWAITING_REASONS
    if s is Status.AWAITING_PAYMENT:
        return PublicState.AWAITING_PAYMENT
    # PROCESSING, REPLY_REVIEW, REPLY_APPROVED: internal review is not a public state
    return PublicState.EXTENDED if core.has(Action.EXTEND) else PublicState.PROCESSING


def _steps(core: CoreCase, submitted_on: date | None) -> tuple[PublicStep, ...]:
    steps: list[PublicStep] = []
    if submitted_on is not None:
        steps.append(PublicStep(submitted_on, _("网上提交申请")))
    online = core.registration is not None and core.registration.channel is Channel.ONLINE
    for ev in core.events:
        label = _STEP_LABELS.get(ev.action)
        if label is None:
            continue
        if ev.action is Action.REGISTER and online:
            label = gettext_noop("确认收到网上申请并登记")
        elif ev.action is Action.START_CONSULTATION and isinstance(ev.data, Consultation):
            label = ev.data.kind.label  # the kind only, never the consulted parties (a core label: a msgid too)
        steps.append(PublicStep(ev.on, _(label)))
    return tuple(steps)


def public_status(*, case: Case, calendar: WorkCalendar | None = None) -> PublicStatus:
    """The public view of ``case`` (see the module docstring for what it may contain)."""
    cal = calendar_get() if calendar is None else calendar
    core = case_core(case=case)
    submission = OnlineSubmission.objects.filter(case=case).only("submitted_at").first()
    submitted_on = submission.submitted_on if submission is not None else None
    closed = core.status.is_closed
    state = _closed_state(core) if closed else _open_state(core)
    due: date | None = None
    provisional = False
    notes: list[str] = []
    items: tuple[str, ...] = ()
    correction_due: date | None = None
    fee_amount: Decimal | None = None
    fee_due: date | None = None
    if state is PublicState.AWAITING_CORRECTION:
        request = core.last(Action.REQUEST_CORRECTION)
        if request is not None and isinstance(request.data, CorrectionRequest):
            items = tuple(request.data.items)
            correction_due = correction_deadline(request.on, request.data.due, cal).due or request.data.due
    elif not closed and state is not PublicState.SUBMITTED:
        deadline = core.answer_deadline(cal)
        due, provisional = deadline.due, deadline.provisional
        if core.has(Action.EXTEND):
            notes.append(_("答复期限已依法延长一次"))
        if core.has(Action.SET_CUSTOM_DEADLINE):
            notes.append(_("已依《条例》第三十五条确定延迟答复期限"))
        if state is PublicState.CONSULTING:
            notes.append(_("征求意见期间暂停计算；所示日期按征求意见期限届满推算，实际以收到意见之日为准"))
        if state is PublicState.AWAITING_PAYMENT:
            notes.append(_("等待缴费期间暂停计算；所示日期按缴费期限届满推算"))
            notice = core.fee_notice
            if notice is not None:
                fee_amount = notice.amount
                fee_due = payment_deadline(notice.served_on, cal).due
        if provisional:
            notes.append(_("暂定：期限涉及的年份节假日安排尚未公布"))
    outcome = core.outcome
    return PublicStatus(
        state=state,
        body_name=case.body.name,
        case_number=case.number,
        submitted_on=submitted_on,
        received_on=core.received_on,
        due=due,
        due_provisional=provisional,
        due_note=_("；").join(notes),
        correction_items=items,
        correction_due=correction_due,
        fee_amount=fee_amount,
        fee_due=fee_due,
        outcome_label=_(outcome.label) if state is PublicState.REPLIED and outcome is not None else "",
        closed_on=core.closed_on if closed else None,
        steps=_steps(core, submitted_on),
    )


def public_status_for_submission(*, submission: OnlineSubmission, calendar: WorkCalendar | None = None) -> PublicStatus:
    """The public view of an online submission: its case's once accepted, else 已提交待确认 / 未予受理."""
    if submission.case is not None:
        return public_status(case=submission.case, calendar=calendar)
    steps = [PublicStep(submission.submitted_on, _("网上提交申请"))]
    if submission.status == SubmissionStatus.REJECTED:
        decided = submission.decided_at
        if decided is not None:
            steps.append(PublicStep(timezone.localdate(decided), _("经核实为无效提交，未予受理")))
        return PublicStatus(
            state=PublicState.REJECTED,
            body_name=submission.body.name,
            submitted_on=submission.submitted_on,
            rejection_reason=submission.reject_reason,
            steps=tuple(steps),
        )
    return PublicStatus(
        state=PublicState.SUBMITTED,
        body_name=submission.body.name,
        submitted_on=submission.submitted_on,
        steps=tuple(steps),
    )


def public_status_for_code(*, code: AccessCode, calendar: WorkCalendar | None = None) -> PublicStatus:
    if code.case is not None:
        return public_status(case=code.case, calendar=calendar)
    if code.submission is None:  # pragma: no cover - excluded by a check constraint
        raise Http404(NOT_FOUND)
    return public_status_for_submission(submission=code.submission, calendar=calendar)
