"""Reads of applications: access by id (scoped to the user's bodies), work lists, the core view of a case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from xxgk.core.calendar import WorkCalendar, add_working_days
from xxgk.core.deadlines import Deadline
from xxgk.core.workflow import Action, Event, Role, allowed_actions, replay
from xxgk.core.workflow import Case as CoreCase
from xxgk.web.cases.codec import payload_decode
from xxgk.web.cases.models import OPEN_STATUSES, PAUSED_STATUSES, Case, CaseEvent
from xxgk.web.tenancy.selectors import (
    NOT_FOUND,
    AnyUser,
    body_ids_visible,
    body_ids_working,
    workflow_roles_in_body,
)

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


def case_core(*, case: Case, events: list[CaseEvent] | None = None) -> CoreCase:
    """The core :class:`~xxgk.core.workflow.Case` rebuilt from the stored history."""
    rows = case_events(case=case) if events is None else events
    return replay(core_event(r) for r in rows)


def case_allowed_actions(*, user: AnyUser, case: Case) -> list[tuple[Action, Role]]:
    """The actions ``user`` may take on ``case`` now, each with the role they act in (first matching role)."""
    roles = workflow_roles_in_body(user=user, body_id=case.body_id)
    out: dict[Action, Role] = {}
    for role in roles:
        for action in allowed_actions(case.status_enum, role):
            out.setdefault(action, role)
    return list(out.items())


@dataclass(frozen=True)
class CaseFilters:
    """Work-list filters (all optional)."""

    view: str = "all"  # all | mine | due_soon | overdue | paused | open | closed
    q: str = ""
    status: str = ""
    outcome: str = ""
    body_id: int | None = None
    received_from: date | None = None
    received_to: date | None = None
    due_soon_days: int = 5


VIEWS = {
    "all": "全部",
    "mine": "我的案件",
    "due_soon": "即将到期",
    "overdue": "已逾期",
    "paused": "暂停计时",
    "open": "办理中",
    "closed": "已办结",
}


def case_list(
    *, user: AnyUser, filters: CaseFilters, calendar: WorkCalendar, today: date | None = None
) -> QuerySet[Case]:
    """The cases ``user`` sees, filtered; one query with bodies and handlers joined."""
    day = today or timezone.localdate()
    qs = Case.objects.filter(body_id__in=body_ids_visible(user=user)).select_related("body", "handler")
    view = filters.view
    if view == "mine":
        qs = qs.filter(handler_id=user.pk, status__in=OPEN_STATUSES)
    elif view == "due_soon":
        horizon = add_working_days(day, filters.due_soon_days, calendar).day
        qs = qs.filter(status__in=OPEN_STATUSES, next_due__gte=day, next_due__lte=horizon)
    elif view == "overdue":
        qs = qs.filter(status__in=OPEN_STATUSES, next_due__lt=day)
    elif view == "paused":
        qs = qs.filter(status__in=PAUSED_STATUSES)
    elif view == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif view == "closed":
        qs = qs.exclude(status__in=OPEN_STATUSES).exclude(status="new")
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


def case_deadlines(*, core: CoreCase, calendar: WorkCalendar) -> tuple[Deadline, ...]:
    return core.deadlines(calendar)


def user_can_act(*, user: AnyUser, case: Case) -> bool:
    return case.body_id in body_ids_working(user=user)


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


def case_export_rows(*, cases: QuerySet[Case]) -> list[tuple[str, ...]]:
    """The rows of the work-list export (the same cases as the page, no per-row queries)."""

    def d(value: date | None) -> str:
        return value.isoformat() if value else ""

    return [
        (
            c.number,
            c.body.name,
            c.applicant_name,
            c.get_applicant_type_display(),
            c.get_channel_display(),
            c.content,
            d(c.received_on),
            c.get_status_display(),
            d(c.next_due),
            "是" if c.due_provisional else "",
            c.get_outcome_display() if c.outcome else "",
            d(c.closed_on),
            c.handler.get_full_name() or c.handler.get_username(),
        )
        for c in cases
    ]
