"""Reads of proactive items (staff, scoped to the user's bodies) and of the public site (published 主动公开 items
only, never a staff member's name)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_noop

from xxgk.core.calendar import WorkCalendar, add_working_days
from xxgk.core.outcomes import Channel
from xxgk.core.proactive import (
    CATEGORIES,
    DEFAULT_PATTERN,
    Attribute,
    BodyLevel,
    Category,
    PublishDeadline,
    categories_for,
    publish_deadline,
)
from xxgk.web.proactive.models import (
    UNPUBLISHED_STATUSES,
    CatalogueSettings,
    DisclosureGuide,
    ItemAttachment,
    ItemStatus,
    ProactiveItem,
)
from xxgk.web.tenancy.models import Body, BodyKind, MemberRole
from xxgk.web.tenancy.selectors import (
    NOT_FOUND,
    AnyUser,
    body_ids_visible,
    body_ids_working,
    roles_in_body,
)

OBJECT_TYPE = "proactive_item"
READ_ONLY = "您对该机关只有查看权限（上级机关监督），不能修改"
#: Channels that may never be refused (国办公开办函〔2017〕19号).
BASIC_CHANNELS = (Channel.IN_PERSON.value, Channel.MAIL.value)

_LEVELS: dict[str, BodyLevel] = {
    BodyKind.GOVERNMENT: BodyLevel.COUNTY,
    BodyKind.DEPARTMENT: BodyLevel.COUNTY,
    BodyKind.TOWN: BodyLevel.TOWN,
    BodyKind.SUBDISTRICT: BodyLevel.TOWN,
}


def body_level(body: Body) -> BodyLevel:
    """Which Art 21 list applies: governments and departments the county list (设区的市级、县级人民政府及其部门),
    towns and 街道 (which follow the 乡镇 catalogue standards in practice) the town list, others Art 20 only."""
    return _LEVELS.get(body.kind, BodyLevel.OTHER)


def body_categories(body: Body) -> tuple[Category, ...]:
    return categories_for(body_level(body))


# -- staff access ---------------------------------------------------------------------------------


def access_item_by_id(user: AnyUser, item_id: int) -> ProactiveItem:
    """The item if ``user`` may see it (own body or a body below); Http404 alike for missing and not-yours."""
    try:
        return ProactiveItem.objects.select_related("body", "drafter", "source_case").get(
            pk=item_id, body_id__in=body_ids_visible(user=user)
        )
    except ProactiveItem.DoesNotExist:
        raise Http404(NOT_FOUND) from None


def access_item_for_update(user: AnyUser, item_id: int) -> ProactiveItem:
    """The item locked for a write: Http404 as :func:`access_item_by_id`; PermissionDenied for a supervisor."""
    try:
        item = (
            ProactiveItem.objects.select_for_update(of=("self",))
            .select_related("body", "drafter")
            .get(pk=item_id, body_id__in=body_ids_visible(user=user))
        )
    except ProactiveItem.DoesNotExist:
        raise Http404(NOT_FOUND) from None
    if item.body_id not in body_ids_working(user=user):
        raise PermissionDenied(READ_ONLY)
    return item


def user_can_act(*, user: AnyUser, item: ProactiveItem) -> bool:
    return item.body_id in body_ids_working(user=user)


def item_attachments(*, item: ProactiveItem) -> list[ItemAttachment]:
    """The attachments without their content (``data`` is deferred)."""
    return list(item.attachments.defer("data").order_by("id"))


def access_attachment(user: AnyUser, item_id: int, attachment_id: int) -> ItemAttachment:
    item = access_item_by_id(user, item_id)
    try:
        return item.attachments.get(pk=attachment_id)
    except ItemAttachment.DoesNotExist:
        raise Http404(NOT_FOUND) from None


@dataclass(frozen=True)
class ItemActions:
    """What ``user`` may do with an item now (the buttons of its page)."""

    edit: bool = False
    submit: bool = False
    publish: bool = False
    withdraw: bool = False


def item_actions(*, user: AnyUser, item: ProactiveItem) -> ItemActions:
    if item.body_id not in body_ids_working(user=user):
        return ItemActions()
    roles = roles_in_body(user=user, body_id=item.body_id)
    is_drafter = item.drafter_id == user.pk
    status = item.status
    clerk = MemberRole.CLERK in roles
    return ItemActions(
        edit=status == ItemStatus.DRAFT and is_drafter,
        submit=status == ItemStatus.DRAFT and is_drafter,
        publish=status == ItemStatus.APPROVED and item.is_public and (clerk or MemberRole.HEAD in roles),
        withdraw=status in (ItemStatus.DRAFT, ItemStatus.APPROVED, ItemStatus.PUBLISHED)
        and bool(roles & {MemberRole.CLERK, MemberRole.HEAD, MemberRole.ADMIN}),
    )


# -- the Art 26 deadline and work lists -------------------------------------------------------------


def item_deadline(*, item: ProactiveItem, calendar: WorkCalendar) -> PublishDeadline | None:
    """The Art 26 deadline of a 主动公开 item (None for 依申请公开 / 不予公开 items)."""
    if item.attribute != Attribute.PUBLIC.value:
        return None
    return publish_deadline(item.formed_on, calendar)


#: The columns a search looks in (staff list and public catalogue). On PostgreSQL each has a trigram index over
#: ``UPPER(column::text)`` (migration ``0003_catalogue_search_trigram_indexes``), the expression ``icontains`` is
#: written as there, so a search of three characters or more reads the indexes instead of every row.
CATALOGUE_SEARCH_FIELDS: tuple[str, ...] = ("title", "doc_number", "index_number", "summary", "content")


def search_condition(q: str) -> Q:
    """Items containing ``q`` (case-insensitive) in any of :data:`CATALOGUE_SEARCH_FIELDS`."""
    condition = Q()
    for name in CATALOGUE_SEARCH_FIELDS:
        condition |= Q(**{f"{name}__icontains": q})
    return condition


@dataclass(frozen=True)
class ItemFilters:
    view: str = "all"  # all | mine | due_soon | overdue | late | published | review
    q: str = ""
    category: str = ""
    status: str = ""
    year: int | None = None
    body_id: int | None = None
    due_soon_days: int = 5


VIEWS = {
    # msgids: the API's description keeps them Chinese; the pages translate them
    "all": gettext_noop("全部"),
    "mine": gettext_noop("我起草的"),
    "review": gettext_noop("审查中"),
    "due_soon": gettext_noop("即将到期（第二十六条）"),
    "overdue": gettext_noop("已逾期未公开"),
    "late": gettext_noop("逾期公开"),
    "published": gettext_noop("已公开"),
}


def item_list(
    *, user: AnyUser, filters: ItemFilters, calendar: WorkCalendar, today: date | None = None
) -> QuerySet[ProactiveItem]:
    """The items ``user`` sees, filtered. ``due_soon``/``overdue`` are the Art 26 lists: 主动公开 items not yet
    published whose deadline falls within the next N working days / has passed. ``year`` is the year formed."""
    day = today or timezone.localdate()
    qs = ProactiveItem.objects.filter(body_id__in=body_ids_visible(user=user)).select_related("body", "drafter")
    unpublished = Q(attribute=Attribute.PUBLIC.value, status__in=[s.value for s in UNPUBLISHED_STATUSES])
    view = filters.view
    if view == "mine":
        qs = qs.filter(drafter_id=user.pk)
    elif view == "review":
        qs = qs.filter(status=ItemStatus.IN_REVIEW)
    elif view == "due_soon":
        horizon = add_working_days(day, filters.due_soon_days, calendar).day
        qs = qs.filter(unpublished, publish_due__gte=day, publish_due__lte=horizon)
    elif view == "overdue":
        qs = qs.filter(unpublished, publish_due__lt=day)
    elif view == "late":
        qs = qs.filter(status=ItemStatus.PUBLISHED, published_on__gt=F("publish_due"))
    elif view == "published":
        qs = qs.filter(status=ItemStatus.PUBLISHED)
    if filters.q:
        qs = qs.filter(search_condition(filters.q))
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.year is not None:
        qs = qs.filter(formed_on__year=filters.year)
    if filters.body_id is not None:
        qs = qs.filter(body_id=filters.body_id)
    if view in ("due_soon", "overdue"):
        return qs.order_by("publish_due", "id")
    return qs.order_by("-formed_on", "-id")


def item_years(*, user: AnyUser) -> list[int]:
    years = ProactiveItem.objects.filter(body_id__in=body_ids_visible(user=user)).dates("formed_on", "year")
    return sorted({d.year for d in years}, reverse=True)


# -- settings, guide, chain editors -------------------------------------------------------------------


def catalogue_settings_get(*, body: Body) -> CatalogueSettings:
    """The body's settings (unsaved defaults when it has none)."""
    row = CatalogueSettings.objects.filter(body=body).first()
    return row if row is not None else CatalogueSettings(body=body, index_pattern=DEFAULT_PATTERN, next_sequence={})


def guide_get(*, body: Body) -> DisclosureGuide | None:
    return DisclosureGuide.objects.filter(body=body).first()


def editable_bodies(*, user: AnyUser, roles: tuple[MemberRole, ...]) -> list[Body]:
    """Bodies where ``user`` holds one of ``roles``."""
    if not user.is_authenticated:
        return []
    return list(
        Body.objects.filter(memberships__user_id=user.pk, memberships__role__in=[r.value for r in roles])
        .distinct()
        .order_by("code")
    )


def access_body_for_settings(user: AnyUser, body_id: int, roles: tuple[MemberRole, ...]) -> Body:
    """A body whose settings ``user`` edits: 404 when not visible, 403 without one of ``roles`` there."""
    if body_id not in body_ids_visible(user=user):
        raise Http404(NOT_FOUND)
    body = Body.objects.get(pk=body_id)
    if not roles_in_body(user=user, body_id=body_id) & set(roles):
        raise PermissionDenied("您在该机关没有修改此项设置的角色")
    return body


# -- the public site ---------------------------------------------------------------------------------


def _public_items() -> QuerySet[ProactiveItem]:
    return ProactiveItem.objects.filter(status=ItemStatus.PUBLISHED, attribute=Attribute.PUBLIC.value)


def public_body_list() -> list[Body]:
    return list(Body.objects.select_related("parent").order_by("code"))


def public_body_by_code(code: str) -> Body:
    try:
        return Body.objects.get(code=code)
    except Body.DoesNotExist:
        raise Http404("未找到该机关") from None


@dataclass(frozen=True)
class CatalogueFilters:
    q: str = ""
    category: str = ""
    year: int | None = None


def public_item_list(*, body: Body, filters: CatalogueFilters) -> QuerySet[ProactiveItem]:
    """The body's published 主动公开 items, newest first; ``year`` is the year published."""
    qs = _public_items().filter(body=body)
    if filters.q:
        qs = qs.filter(search_condition(filters.q))
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.year is not None:
        qs = qs.filter(published_on__year=filters.year)
    return qs.order_by("-published_on", "-index_sequence", "-id")


def public_years(*, body: Body) -> list[int]:
    return sorted({d.year for d in _public_items().filter(body=body).dates("published_on", "year")}, reverse=True)


def public_category_counts(*, body: Body) -> list[tuple[Category, int]]:
    counts = dict(
        _public_items().filter(body=body).values_list("category").annotate(n=Count("id")).values_list("category", "n")
    )
    return [(c, counts[c.code]) for c in CATEGORIES.values() if counts.get(c.code)]


def public_item_by_id(*, body: Body, item_id: int) -> ProactiveItem:
    try:
        return _public_items().select_related("body").get(body=body, pk=item_id)
    except ProactiveItem.DoesNotExist:
        raise Http404("未找到该信息") from None


def public_attachment(*, body: Body, item_id: int, attachment_id: int) -> ItemAttachment:
    item = public_item_by_id(body=body, item_id=item_id)
    try:
        return item.attachments.get(pk=attachment_id)
    except ItemAttachment.DoesNotExist:
        raise Http404("未找到该附件") from None


# -- annual reports hook -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublishedReport:
    """One published annual report as the public site lists it."""

    year: int
    title: str
    url: str
    published_on: date | None = None


ReportsProvider = Callable[[Body], list[PublishedReport]]
_reports_provider: ReportsProvider | None = None


def register_published_reports_provider(provider: ReportsProvider | None) -> None:
    """The reports app calls this (e.g. in its ``AppConfig.ready``) with a function listing a body's published
    annual reports; until then :func:`published_reports` returns an empty list."""
    global _reports_provider  # noqa: PLW0603 - a process-wide hook set once at start-up
    _reports_provider = provider


def published_reports(*, body: Body) -> list[PublishedReport]:
    """The body's published annual reports, newest first ([] until the reports app registers a provider)."""
    if _reports_provider is None:
        return []
    return sorted(_reports_provider(body), key=lambda r: r.year, reverse=True)
