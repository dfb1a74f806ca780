"""Reads of applications: access by id (scoped to the user's bodies), work lists, the core view of a case."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import ExtractYear, Substr
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xxgk.core import fees as core_fees
from xxgk.core import signoff as core_signoff
from xxgk.core.calendar import WorkCalendar, add_working_days, working_days_between
from xxgk.core.deadlines import Deadline
from xxgk.core.outcomes import Outcome
from xxgk.core.workflow import Action, Event, Registration, Role, allowed_actions, blocked_reason, replay
from xxgk.core.workflow import Case as CoreCase
from xxgk.web.cases.codec import payload_decode
from xxgk.web.cases.edits import EDIT_FIELDS, display_value, registration_effective
from xxgk.web.cases.models import (
    OPEN_STATUSES,
    PAUSED_STATUSES,
    Case,
    CaseEdit,
    CaseEvent,
    DuplicateDecision,
    DuplicateFlag,
)
from xxgk.web.proactive.models import ChainKind
from xxgk.web.proactive.signoff_selectors import chain_for_body, reviewer_for, signoff_state
from xxgk.web.tenancy.models import MemberRole, Membership
from xxgk.web.tenancy.selectors import (
    NOT_FOUND,
    AnyUser,
    body_ids_visible,
    body_ids_working,
    workflow_roles_in_body,
)
from xxgk.web.workcalendar.selectors import calendar_get

READ_ONLY = "您对该机关只有查看权限（上级机关监督），不能办理"


def access_case_by_id(user: AnyUser, case_id: int) -> Case:
    """The case ``case_id`` if ``user`` may see it (own body or a body below); Http404 otherwise, the same for
    a missing case and another body's case."""
    try:
        return Case.objects.select_related("body", "handler").get(pk=case_id, body_id__in=body_ids_visible(user=user))
    except Case.DoesNotExist:
        raise Http404(NOT_FOUND) from None


def access_case_for_update(user: AnyUser, case_id: int) -> Case:
    """The case locked for a write by ``user``: Http404 as :func:`access_case_by_id`; PermissionDenied when the
    user only supervises the case's body (read-only)."""
    visible = body_ids_visible(user=user)
    try:
        case = Case.objects.select_for_update().select_related("body").get(pk=case_id, body_id__in=visible)
    except Case.DoesNotExist:
        raise Http404(NOT_FOUND) from None
    if case.body_id not in body_ids_working(user=user):
        raise PermissionDenied(READ_ONLY)
    return case


def case_events(*, case: Case) -> list[CaseEvent]:
    return list(case.events.select_related("actor").order_by("seq"))


def core_event(row: CaseEvent) -> Event:
    return Event(
        action=Action(row.action),
        on=row.on,
        role=Role(row.role),
        data=payload_decode(row.payload),
        actor=str(row.actor_id or ""),
    )


def case_edit_rows(*, case: Case) -> list[CaseEdit]:
    """The registration edits of ``case``, oldest first (uses a ``prefetch_related("edits")`` cache if any)."""
    return sorted(case.edits.all(), key=lambda e: e.seq)


def case_core(*, case: Case, events: list[CaseEvent] | None = None) -> CoreCase:
    """The core :class:`~xxgk.core.workflow.Case` rebuilt from the stored history, with the *effective*
    registration: the registration event's payload with the case's edits applied (the rows stay untouched)."""
    rows = case_events(case=case) if events is None else events
    core_events = [core_event(r) for r in rows]
    edits = [e.new for e in case_edit_rows(case=case)]
    if edits:
        for i, ev in enumerate(core_events):
            if isinstance(ev.data, Registration):
                core_events[i] = dataclasses.replace(ev, data=registration_effective(ev.data, edits))
    return replay(core_events)


def case_registration(*, case: Case) -> Registration | None:
    """The effective registration of ``case`` (registration event + edits). Letters, the portal and the API
    should read the registration here (or from :func:`case_core`), not from the event payload."""
    return case_core(case=case).registration


@dataclass(frozen=True)
class EditRow:
    """A registration edit prepared for display: ``(label, old, new)`` per changed field."""

    edit: CaseEdit
    changes: list[tuple[str, str, str]]


def case_edit_list(*, case: Case) -> list[EditRow]:
    rows = sorted(case.edits.select_related("actor"), key=lambda e: e.seq)
    out: list[EditRow] = []
    for edit in rows:
        old = edit.old if isinstance(edit.old, dict) else {}
        new = edit.new if isinstance(edit.new, dict) else {}
        changes = [
            (str(label), display_value(field, old.get(field)), display_value(field, new.get(field)))
            for field, label in EDIT_FIELDS.items()
            if field in new
        ]
        out.append(EditRow(edit=edit, changes=changes))
    return out


def case_duplicate_flags(*, case: Case) -> list[DuplicateFlag]:
    """The possible duplicates of ``case`` (the earlier applications it may repeat), best first."""
    return list(
        case.duplicate_flags.select_related("earlier", "earlier__handler", "decided_by").order_by("-score", "earlier")
    )


def case_is_confirmed_duplicate(*, case: Case) -> bool:
    """Whether the handler confirmed ``case`` as a 重复申请 (its reply then proposes that outcome)."""
    return case.duplicate_flags.filter(decision=DuplicateDecision.CONFIRMED).exists()


def access_duplicate_flag_for_update(user: Any, *, case_id: int, flag_id: int) -> DuplicateFlag:
    """The flag ``flag_id`` of case ``case_id``, locked for a decision by ``user``: Http404 alike for missing and
    not-visible; PermissionDenied when the user only supervises the case's body."""
    visible = body_ids_visible(user=user)
    try:
        flag = (
            DuplicateFlag.objects.select_for_update(of=("self",))
            .select_related("case", "case__body", "earlier")
            .get(pk=flag_id, case_id=case_id, case__body_id__in=visible)
        )
    except DuplicateFlag.DoesNotExist:
        raise Http404(NOT_FOUND) from None
    if flag.case.body_id not in body_ids_working(user=user):
        raise PermissionDenied(READ_ONLY)
    return flag


def case_allowed_actions(*, user: AnyUser, case: Case) -> list[tuple[Action, Role]]:
    """The actions ``user`` may take on ``case`` now, each with the role they act in (first matching role)."""
    roles = workflow_roles_in_body(user=user, body_id=case.body_id)
    out: dict[Action, Role] = {}
    for role in roles:
        for action in allowed_actions(case.status_enum, role):
            out.setdefault(action, role)
    return list(out.items())


#: The sign-off subject type of an application's reply (``Signoff.subject_type``; its id is the case's).
REPLY_SUBJECT = "case_reply"
REPLY_DECISIONS = (Action.APPROVE_REPLY, Action.RETURN_REPLY)


def case_reply_signoff(*, case: Case) -> core_signoff.SignoffState | None:
    """The reply's sign-off state as a decision would find it: the stored one, or — for a reply drafted before
    replies went through the chain — the round its drafter's submission under the body's reply chain would open
    (what :func:`xxgk.web.cases.services.case_approve_reply` records first). None when there is no draft."""
    state = signoff_state(subject_type=REPLY_SUBJECT, subject_id=case.pk)
    if state is not None:
        return state
    drafter = (
        case.events.filter(action=Action.DRAFT_REPLY.value).order_by("-seq").values_list("actor_id", flat=True).first()
    )
    if drafter is None:
        return None
    chain = chain_for_body(body_id=case.body_id, kind=ChainKind.REPLY)
    return core_signoff.submit(core_signoff.begin(chain, drafter=str(drafter)), by=str(drafter), at=timezone.now())


@dataclass(frozen=True)
class ActionChoice:
    """An action the case page shows ``user``: the role they act in and, in ``blocked``, why it cannot succeed
    now whatever is entered (a second extension, a 补正 period not yet over, …; empty when it can)."""

    action: Action
    role: Role
    blocked: str = ""


def case_action_choices(
    *,
    user: AnyUser,
    case: Case,
    core: CoreCase | None = None,
    calendar: WorkCalendar | None = None,
    today: date | None = None,
) -> list[ActionChoice]:
    """The actions of :func:`case_allowed_actions` whose sign-off step ``user`` may also decide, each with why it
    cannot succeed now (:func:`xxgk.core.workflow.blocked_reason`: the guards' payload-independent part, for a step
    dated from the previous one's date to ``today``). Approving or returning a reply decides the current step of
    the reply's 保密审查 chain, which names one role and never its drafter — under the default one-step chain a
    负责人 who is not also 审核人 is not offered them; they are offered in the step's role when the user holds it
    (the role the decision is recorded in). ``core``/``calendar``/``today`` default to the stored history, the
    current calendar and today."""
    actions = case_allowed_actions(user=user, case=case)
    if any(action in REPLY_DECISIONS for action, _role in actions):
        state = case_reply_signoff(case=case)
        step = state.next_step if state is not None else None
        if state is None or step is None or not state.can_decide(reviewer_for(user=user, body_id=case.body_id)):
            actions = [(action, role) for action, role in actions if action not in REPLY_DECISIONS]
        else:
            step_role = MemberRole(step.role).workflow_role if step.role in MemberRole.values else None
            actions = [
                (action, step_role if action in REPLY_DECISIONS and step_role is not None else role)
                for action, role in actions
            ]
    if not actions:
        return []
    core = case_core(case=case) if core is None else core
    calendar = calendar_get() if calendar is None else calendar
    day = timezone.localdate() if today is None else today
    actor = str(user.pk)
    return [
        ActionChoice(action, role, blocked_reason(core, action, role, calendar, today=day, actor=actor) or "")
        for action, role in actions
    ]


def case_actions_offered(
    *,
    user: AnyUser,
    case: Case,
    core: CoreCase | None = None,
    calendar: WorkCalendar | None = None,
    today: date | None = None,
) -> list[tuple[Action, Role]]:
    """The actions to offer ``user`` on ``case`` (the case page's buttons, the API's ``allowed_actions``): the
    choices of :func:`case_action_choices` that can succeed now."""
    choices = case_action_choices(user=user, case=case, core=core, calendar=calendar, today=today)
    return [(c.action, c.role) for c in choices if not c.blocked]


@dataclass(frozen=True)
class CaseFilters:
    """Work-list filters (all optional)."""

    view: str = "all"  # all | mine | due_soon | overdue | paused | open | closed | duplicates
    q: str = ""
    status: str = ""
    outcome: str = ""
    body_id: int | None = None
    received_from: date | None = None
    received_to: date | None = None
    due_soon_days: int = 5


VIEWS: dict[str, Any] = {
    "all": _("全部"),
    "mine": _("我的案件"),
    "due_soon": _("即将到期"),
    "overdue": _("已逾期"),
    "paused": _("暂停计时"),
    "open": _("办理中"),
    "closed": _("已办结"),
    "duplicates": _("疑似重复待判断"),
}


def _pending_duplicates() -> Exists:
    return Exists(DuplicateFlag.objects.filter(case=OuterRef("pk"), decision=DuplicateDecision.PENDING))


def case_list(
    *, user: AnyUser, filters: CaseFilters, calendar: WorkCalendar | None = None, today: date | None = None
) -> QuerySet[Case]:
    """The cases ``user`` sees, filtered and ordered (bodies and handlers joined): the work list, its exports and
    the API's list. ``calendar`` counts the working days of the "due soon" view (the current calendar when
    omitted; no other view needs it). :func:`case_list_page` reads one page of it for the work list."""
    day = today or timezone.localdate()
    qs = Case.objects.filter(body_id__in=body_ids_visible(user=user)).select_related("body", "handler")
    view = filters.view
    if view == "mine":
        qs = qs.filter(handler_id=user.pk, status__in=OPEN_STATUSES)
    elif view == "due_soon":
        horizon = add_working_days(day, filters.due_soon_days, calendar or calendar_get()).day
        qs = qs.filter(status__in=OPEN_STATUSES, next_due__gte=day, next_due__lte=horizon)
    elif view == "overdue":
        qs = qs.filter(status__in=OPEN_STATUSES, next_due__lt=day)
    elif view == "paused":
        qs = qs.filter(status__in=PAUSED_STATUSES)
    elif view == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif view == "closed":
        qs = qs.exclude(status__in=OPEN_STATUSES).exclude(status="new")
    elif view == "duplicates":
        qs = qs.filter(_pending_duplicates())
    if filters.q:
        qs = qs.filter(
            Q(applicant_name__icontains=filters.q) | Q(content__icontains=filters.q) | Q(number__icontains=filters.q)
        )
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.outcome:
        qs = qs.filter(outcome=filters.outcome)
    if filters.body_id is not None:
        qs = qs.filter(body_id=filters.body_id)
    if filters.received_from is not None:
        qs = qs.filter(received_on__gte=filters.received_from)
    if filters.received_to is not None:
        qs = qs.filter(received_on__lte=filters.received_to)
    if view in ("due_soon", "overdue", "mine"):
        return qs.order_by("next_due", "id")
    return qs.order_by("-registered_on", "-id")


#: Rows per page of the work list.
PAGE_SIZE = 50
#: Pages beyond this are not read (an offset the database would refuse; 5,000,000 rows at 50 a page).
MAX_PAGE = 100_000
#: Characters of the content shown in a row (longer content is cut, with "…").
CONTENT_SHOWN = 40


@dataclass(frozen=True)
class CaseRow:
    """One application as the work list shows it (plain values: no model instances, no per-row queries)."""

    id: int
    number: str
    body_name: str
    applicant_name: str
    applicant_type: str
    content: str  # at most CONTENT_SHOWN characters, "…" at the end when cut
    received_on: date | None
    status: str
    outcome: str
    next_due: date | None
    next_due_label: str
    due_provisional: bool
    handler_name: str
    duplicate: str  # DuplicateDecision.PENDING or CONFIRMED (a possible 重复申请 awaits a decision / was confirmed)


@dataclass(frozen=True)
class CasePage:
    """Page ``number`` (from 1) of a work list, ``size`` rows a page. Whether a next page exists is known from
    reading one row more than the page (no count of all the matching applications; see docs/performance.md §5)."""

    rows: list[CaseRow]
    number: int
    size: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def first(self) -> int:
        """The position of the page's first row in the whole list (from 1)."""
        return (self.number - 1) * self.size + 1

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1

    @property
    def total(self) -> int | None:
        """The number of matching applications when this page shows that it is the whole list, else None."""
        return len(self.rows) if self.number == 1 and not self.has_next else None


_ROW_FIELDS = (
    "id",
    "number",
    "body__name",
    "applicant_name",
    "applicant_type",
    "content_head",
    "received_on",
    "status",
    "outcome",
    "next_due",
    "next_due_label",
    "due_provisional",
    "handler__first_name",
    "handler__last_name",
    "handler__username",
    "duplicate",
)


def _duplicate_decision() -> Subquery:
    """Per case: ``pending`` when a possible 重复申请 awaits the handler's decision, else ``confirmed`` when one was
    confirmed, else NULL (dismissed flags are not shown). One subquery ("pending" sorts after "confirmed")."""
    wanted = (DuplicateDecision.PENDING.value, DuplicateDecision.CONFIRMED.value)
    flags = DuplicateFlag.objects.filter(case=OuterRef("pk"), decision__in=wanted).order_by("-decision")
    return Subquery(flags.values("decision")[:1])


def case_list_page(*, cases: QuerySet[Case], number: int, size: int = PAGE_SIZE) -> CasePage:
    """Page ``number`` of ``cases`` (a :func:`case_list`): one query for ``size + 1`` rows of only the columns the
    list shows (the content cut in the database, the duplicate flag as a subquery). A page past the end (or past
    :data:`MAX_PAGE`) is empty."""
    number = max(1, number)
    if number > MAX_PAGE:
        return CasePage(rows=[], number=number, size=size, has_next=False)
    start = (number - 1) * size
    values = list(
        cases.annotate(
            content_head=Substr("content", 1, CONTENT_SHOWN + 1), duplicate=_duplicate_decision()
        ).values_list(*_ROW_FIELDS)[start : start + size + 1]
    )
    rows = [
        CaseRow(
            id=pk,
            number=case_number,
            body_name=body_name,
            applicant_name=applicant_name,
            applicant_type=applicant_type,
            content=head if len(head) <= CONTENT_SHOWN else head[: CONTENT_SHOWN - 1] + "…",
            received_on=received_on,
            status=status,
            outcome=outcome,
            next_due=next_due,
            next_due_label=next_due_label,
            due_provisional=due_provisional,
            handler_name=f"{first_name} {last_name}".strip() or username,
            duplicate=duplicate or "",
        )
        for (
            pk,
            case_number,
            body_name,
            applicant_name,
            applicant_type,
            head,
            received_on,
            status,
            outcome,
            next_due,
            next_due_label,
            due_provisional,
            first_name,
            last_name,
            username,
            duplicate,
        ) in values[:size]
    ]
    return CasePage(rows=rows, number=number, size=size, has_next=len(values) > size)


def case_deadlines(*, core: CoreCase, calendar: WorkCalendar) -> tuple[Deadline, ...]:
    return core.deadlines(calendar)


def user_can_act(*, user: AnyUser, case: Case) -> bool:
    return case.body_id in body_ids_working(user=user)


#: The columns of the work-list export (CSV and XLSX alike).
CSV_HEADER = (
    "编号",
    "机关",
    "申请人",
    "申请人类型",
    "申请渠道",
    "申请内容",
    "收到申请之日",
    "状态",
    "最近期限",
    "期限暂定",
    "办理结果",
    "办结日期",
    "经办人",
)


ExportValue = str | date | None


def case_export_values(*, cases: QuerySet[Case]) -> list[tuple[ExportValue, ...]]:
    """The typed rows of the work-list export (dates as dates, ``None`` when unset), in the order of
    :data:`CSV_HEADER`; the same cases as the page, no per-row queries."""
    return [
        (
            c.number,
            c.body.name,
            c.applicant_name,
            c.get_applicant_type_display(),
            c.get_channel_display(),
            c.content,
            c.received_on,
            c.get_status_display(),
            c.next_due,
            "是" if c.due_provisional else "",
            c.get_outcome_display() if c.outcome else "",
            c.closed_on,
            c.handler.get_full_name() or c.handler.get_username(),
        )
        for c in cases
    ]


def case_export_rows(*, cases: QuerySet[Case]) -> list[tuple[str, ...]]:
    """The rows of the work-list export as text (dates ISO, empty when unset)."""
    return [
        tuple("" if v is None else v.isoformat() if isinstance(v, date) else v for v in row)
        for row in case_export_values(cases=cases)
    ]


# -- fees (section 六 of the annual report) ---------------------------------------------------------


@dataclass(frozen=True)
class FeeTotals:
    """信息处理费 of one body in one year: ``amount`` collected (by payment date), ``cases_paid``, fee
    ``notices_sent`` (by notice date) and ``unpaid_expired`` (closed as 逾期未缴费 that year)."""

    body_id: int
    year: int
    amount: Decimal
    cases_paid: int
    notices_sent: int
    unpaid_expired: int

    @property
    def statement(self) -> str:
        """The sentence for 六、其他需要报告的事项 (``xxgk.core.fees.fee_statement``)."""
        return core_fees.fee_statement(self.year, self.amount)


_CENTS = Decimal("0.01")


def _money(value: Decimal | int | None) -> Decimal:
    return Decimal(value or 0).quantize(_CENTS)


def fees_collected(*, body_id: int, year: int) -> FeeTotals:
    """The fee totals of ``body_id`` in ``year``, from one aggregate query over the cached fee columns. No access
    check: the caller (a report for a body the user may see) does that."""
    in_year = {"fee_paid_on__year": year}
    row = Case.objects.filter(body_id=body_id).aggregate(
        amount=Sum("fee_amount", filter=Q(**in_year)),
        cases_paid=Count("id", filter=Q(**in_year)),
        notices_sent=Count("id", filter=Q(fee_notice_on__year=year)),
        unpaid_expired=Count("id", filter=Q(outcome=Outcome.NO_FEE.value, closed_on__year=year)),
    )
    return FeeTotals(
        body_id=body_id,
        year=year,
        amount=_money(row["amount"]),
        cases_paid=row["cases_paid"],
        notices_sent=row["notices_sent"],
        unpaid_expired=row["unpaid_expired"],
    )


def fee_totals_by_year(*, body_ids: set[int]) -> dict[int, list[FeeTotals]]:
    """Every year with any fee activity, per body (newest year first): three grouped aggregate queries."""
    base = Case.objects.filter(body_id__in=body_ids)
    cells: dict[tuple[int, int], dict[str, Any]] = defaultdict(dict)
    paid = (
        base.filter(fee_paid_on__isnull=False)
        .annotate(year=ExtractYear("fee_paid_on"))
        .values("body_id", "year")
        .annotate(amount=Sum("fee_amount"), n=Count("id"))
        .order_by()
    )
    for r in paid:
        cells[(r["body_id"], r["year"])].update(amount=_money(r["amount"]), cases_paid=r["n"])
    notices = (
        base.filter(fee_notice_on__isnull=False)
        .annotate(year=ExtractYear("fee_notice_on"))
        .values("body_id", "year")
        .annotate(n=Count("id"))
        .order_by()
    )
    for r in notices:
        cells[(r["body_id"], r["year"])]["notices_sent"] = r["n"]
    expired = (
        base.filter(outcome=Outcome.NO_FEE.value, closed_on__isnull=False)
        .annotate(year=ExtractYear("closed_on"))
        .values("body_id", "year")
        .annotate(n=Count("id"))
        .order_by()
    )
    for r in expired:
        cells[(r["body_id"], r["year"])]["unpaid_expired"] = r["n"]
    out: dict[int, list[FeeTotals]] = defaultdict(list)
    for (body_id, year), v in sorted(cells.items(), key=lambda kv: (kv[0][0], -kv[0][1])):
        out[body_id].append(
            FeeTotals(
                body_id=body_id,
                year=year,
                amount=v.get("amount", _money(0)),
                cases_paid=v.get("cases_paid", 0),
                notices_sent=v.get("notices_sent", 0),
                unpaid_expired=v.get("unpaid_expired", 0),
            )
        )
    return dict(out)


# -- the daily digest -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DigestCase:
    case: Case
    overdue: bool
    remaining: int | None  # working days left (due soon) or None when overdue
    days_late: int  # calendar days past the due date (overdue), else 0


def digest_cases(*, on: date, days: int, calendar: WorkCalendar) -> dict[User, list[DigestCase]]:
    """Per handler, their open cases whose nearest deadline is passed or falls within ``days`` working days of
    ``on`` (overdue first, then by due date). Only handlers who still hold a role in the case's body and are
    active get cases (nobody is e-mailed another body's cases). One query."""
    horizon = add_working_days(on, days, calendar).day
    still_member = Exists(Membership.objects.filter(user_id=OuterRef("handler_id"), body_id=OuterRef("body_id")))
    cases = (
        Case.objects.filter(status__in=OPEN_STATUSES, next_due__isnull=False, next_due__lte=horizon)
        .filter(still_member, handler__is_active=True)
        .select_related("body", "handler")
        .order_by("handler_id", "next_due", "id")
    )
    out: dict[User, list[DigestCase]] = {}
    for c in cases:
        due = c.next_due
        assert due is not None
        overdue = due < on
        remaining = None if overdue else working_days_between(on, due, calendar)
        item = DigestCase(case=c, overdue=overdue, remaining=remaining, days_late=(on - due).days if overdue else 0)
        out.setdefault(c.handler, []).append(item)
    return out
