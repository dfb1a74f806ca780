"""Reads of the supervisor's overview: who may see which supervising body, the status of every subordinate body's
annual report, the combined report (汇总) of the published ones, and the figures over the years.

*Supervising body*: a body with at least one body below it. Its overview is visible to every user who holds a
role in it or in a body above it (:func:`~xxgk.web.tenancy.selectors.body_ids_visible`), read-only; the staff of
a subordinate body see neither the overview nor their siblings (their bodies have no children, or the overview
of their own body lists only the bodies below it). Uploading the published file of a body that does not use xxgk
(:mod:`xxgk.web.oversight.services`) needs the role 管理员 (ADMIN) or 审核人 (REVIEWER) in a body above that
body: the office (政务公开办公室) of the supervisor collects the reports.

A fixed number of queries per page, whatever the number of bodies: the body tree (one query), the report
statuses (the reports app's map), the current external uploads (one query, without their files and JSON), the
latest published versions (two queries) and their digests (one query; see :mod:`xxgk.web.oversight.digest` —
the error counts and the figures over the years come from them, no report is parsed). Only the combined report of
one year reads the reports themselves (two queries for the versions, one for the uploads).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from xxgk.batch.aggregate import Aggregation, AggregationError, Aggregator
from xxgk.core.errors import XxgkError
from xxgk.core.findings import Finding
from xxgk.core.model import Report
from xxgk.rules import check
from xxgk.web.oversight import published as lifecycle
from xxgk.web.oversight.digest import Digest, sum_cells
from xxgk.web.oversight.digests import digests_read
from xxgk.web.oversight.figures import KeyFigures, figure_codes, figures_from_cells, key_figures
from xxgk.web.oversight.models import ExternalReport
from xxgk.web.oversight.published import LifecycleStatus, PublishedVersion
from xxgk.web.reports.counting import report_template
from xxgk.web.reports.selectors import FIRST_YEAR, LAST_YEAR
from xxgk.web.tenancy.models import Body, BodyKind, MemberRole, Membership
from xxgk.web.tenancy.selectors import NOT_FOUND, AnyUser, body_ids_visible

#: Roles that may upload a subordinate body's published report (in a body above it).
UPLOAD_ROLES: tuple[MemberRole, ...] = (MemberRole.ADMIN, MemberRole.REVIEWER)
#: A msgid: the 403 page translates it (:func:`xxgk.web.security.errors.permission_denied`).
UPLOAD_DENIED = gettext_noop("导入下级机关的年度报告需要上级机关的“管理员”或“审核人”角色")
#: Years shown in the year-over-year figures (the year itself and up to four before it).
HISTORY_YEARS = 5
#: The kinds of body in the order the overview groups them.
KIND_ORDER: tuple[str, ...] = tuple(k.value for k in BodyKind)


class OverviewStatus(StrEnum):
    """A subordinate body's report on the year, as the supervisor sees it."""

    NOT_STARTED = "not_started"
    DRAFTING = "drafting"
    UNDER_APPROVAL = "under_approval"
    PUBLISHED = "published"
    EXTERNAL = "external"

    @property
    def label(self) -> str:
        return {
            "not_started": gettext_noop("未开始"),
            "drafting": gettext_noop("编制中"),
            "under_approval": gettext_noop("审批中"),
            "published": gettext_noop("已发布"),
            "external": gettext_noop("已发布（外部导入）"),
        }[self.value]

    @property
    def is_published(self) -> bool:
        return self in (OverviewStatus.PUBLISHED, OverviewStatus.EXTERNAL)


_FROM_LIFECYCLE = {
    LifecycleStatus.NOT_STARTED: OverviewStatus.NOT_STARTED,
    LifecycleStatus.DRAFTING: OverviewStatus.DRAFTING,
    LifecycleStatus.UNDER_APPROVAL: OverviewStatus.UNDER_APPROVAL,
    LifecycleStatus.PUBLISHED: OverviewStatus.PUBLISHED,
}
#: The filter value for "late" (any status).
LATE = "late"


def deadline_of(year: int) -> date:
    """The report on ``year`` is due by 31 January of the next year (条例第五十条)."""
    return date(year + 1, 1, 31)


# -- the body tree and access ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Tree:
    """Every body (one query), with parent and children links."""

    bodies: dict[int, Body]
    children: dict[int | None, list[int]]

    @classmethod
    def load(cls) -> Tree:
        bodies = {b.pk: b for b in Body.objects.order_by("code")}
        children: dict[int | None, list[int]] = defaultdict(list)
        for body in bodies.values():
            children[body.parent_id].append(body.pk)
        return cls(bodies, dict(children))

    def descendants(self, body_id: int) -> list[tuple[int, int]]:
        """``(body_id, depth)`` of every body below ``body_id`` (depth 1 = directly below), depth-first in code
        order."""
        out: list[tuple[int, int]] = []
        stack = [(child, 1) for child in reversed(self.children.get(body_id, []))]
        seen = {body_id}
        while stack:
            pk, depth = stack.pop()
            if pk in seen:
                continue
            seen.add(pk)
            out.append((pk, depth))
            stack.extend((child, depth + 1) for child in reversed(self.children.get(pk, [])))
        return out

    def ancestors_or_self(self, body_id: int) -> list[int]:
        out: list[int] = []
        current: int | None = body_id
        while current is not None and current not in out and current in self.bodies:
            out.append(current)
            current = self.bodies[current].parent_id
        return out

    def has_children(self, body_id: int) -> bool:
        return bool(self.children.get(body_id))


def _upload_role_bodies(user: AnyUser) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(
        Membership.objects.filter(user_id=user.pk, role__in=[r.value for r in UPLOAD_ROLES]).values_list(
            "body_id", flat=True
        )
    )


def user_can_upload(*, user: AnyUser, supervisor_id: int, tree: Tree | None = None) -> bool:
    """May ``user`` upload published reports for the bodies below ``supervisor_id``? (ADMIN or REVIEWER in the
    supervising body or a body above it.)"""
    tree = tree or Tree.load()
    return bool(_upload_role_bodies(user) & set(tree.ancestors_or_self(supervisor_id)))


def user_can_upload_for(*, user: AnyUser, body_id: int, tree: Tree | None = None) -> bool:
    """May ``user`` upload (or withdraw) the published report of ``body_id``? (ADMIN or REVIEWER in a body above
    it; a body's own staff publish in xxgk instead.)"""
    tree = tree or Tree.load()
    return bool(_upload_role_bodies(user) & set(tree.ancestors_or_self(body_id)[1:]))


def access_supervisor_by_id(user: AnyUser, body_id: int) -> Body:
    """The supervising body ``body_id`` if ``user`` may see its overview (a role in it or above it, and it has
    bodies below it); :class:`Http404` alike for missing, not visible and not supervising."""
    if body_id not in body_ids_visible(user=user):
        raise Http404(NOT_FOUND)
    body = Body.objects.filter(pk=body_id).first()
    if body is None or not Body.objects.filter(parent_id=body_id).exists():
        raise Http404(NOT_FOUND)
    return body


def check_year(year: int) -> int:
    """``year`` if reports can exist on it (2019 template onward, not in the future); Http404 otherwise."""
    if not FIRST_YEAR <= year <= min(timezone.localdate().year, LAST_YEAR):
        raise Http404(NOT_FOUND)
    return year


@dataclass(frozen=True)
class IndexRow:
    body: Body
    subordinates: int
    can_upload: bool


def supervisor_index(*, user: AnyUser) -> list[IndexRow]:
    """The supervising bodies ``user`` sees, with how many bodies are below each."""
    visible = body_ids_visible(user=user)
    if not visible:
        return []
    tree = Tree.load()
    upload_bodies = _upload_role_bodies(user)
    rows = []
    for pk in sorted(visible, key=lambda b: tree.bodies[b].code if b in tree.bodies else ""):
        if pk not in tree.bodies or not tree.has_children(pk):
            continue
        rows.append(
            IndexRow(
                body=tree.bodies[pk],
                subordinates=len(tree.descendants(pk)),
                can_upload=bool(upload_bodies & set(tree.ancestors_or_self(pk))),
            )
        )
    return rows


def index_years(*, this_year: int) -> list[int]:
    """The years offered on the index: last year's report first (published this year), back to 2019."""
    last = min(this_year, LAST_YEAR)
    return list(range(last, FIRST_YEAR - 1, -1))


# -- external reports ----------------------------------------------------------------------------------


def external_report(row: ExternalReport) -> Report:
    """The report the engine read from the uploaded file."""
    return Report.from_dict(row.report_json)


def external_current(*, body_ids: Collection[int], years: Collection[int]) -> dict[tuple[int, int], ExternalReport]:
    """``(body_id, year)`` → the current upload (one query; the file, the report JSON and the findings are not
    loaded: :func:`external_report_data` reads the reports, :func:`external_digests` their digests)."""
    rows = ExternalReport.objects.filter(body_id__in=list(body_ids), year__in=list(years), current=True).defer(
        "content", "report_json", "findings"
    )
    return {(r.body_id, r.year): r for r in rows}


def external_report_data(ids: Collection[int]) -> dict[int, Any]:
    """Upload id → its stored report JSON (one query; read it with ``Report.from_dict``)."""
    if not ids:
        return {}
    return dict(ExternalReport.objects.filter(pk__in=list(ids)).values_list("pk", "report_json"))


def _load_external_reports(ids: Collection[int]) -> Iterator[tuple[int, Report]]:
    for pk, data in external_report_data(ids).items():
        yield pk, Report.from_dict(data)


def external_digests(ids: Collection[int]) -> dict[int, Digest]:
    """Upload id → the digest of its report (stored at the upload; computed from its JSON if missing)."""
    return digests_read(source="external", ids=ids, load=_load_external_reports)


def access_external_by_id(user: AnyUser, report_id: int) -> ExternalReport:
    """An upload (current or past) of a body ``user`` sees; Http404 alike for missing and not visible."""
    row = (
        ExternalReport.objects.filter(pk=report_id, body_id__in=body_ids_visible(user=user))
        .select_related("body", "uploaded_by", "ended_by")
        .first()
    )
    if row is None:
        raise Http404(NOT_FOUND)
    return row


def external_history(*, body_id: int, year: int) -> list[ExternalReport]:
    return list(
        ExternalReport.objects.filter(body_id=body_id, year=year)
        .defer("content")
        .select_related("uploaded_by", "ended_by")
        .order_by("-uploaded_at", "-pk")
    )


# -- the overview --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OverviewRow:
    """One subordinate body on the overview."""

    body: Body
    depth: int
    parent: Body | None
    status: OverviewStatus
    published_on: date | None = None
    version: int | None = None
    late: bool = False
    errors: int | None = None
    warnings: int | None = None
    #: The current external upload (also when xxgk has a published version, which then takes precedence).
    external: ExternalReport | None = None
    #: The latest version published in xxgk (without its report).
    published: PublishedVersion | None = None

    @property
    def kind_label(self) -> str:
        return BodyKind(self.body.kind).label if self.body.kind in BodyKind.values else self.body.kind


@dataclass(frozen=True)
class KindGroup:
    kind: str
    label: str
    rows: tuple[OverviewRow, ...]


@dataclass(frozen=True)
class Overview:
    supervisor: Body
    year: int
    deadline: date
    #: Every subordinate body, in tree order.
    rows: tuple[OverviewRow, ...]
    #: The rows the filters keep, grouped by kind.
    groups: tuple[KindGroup, ...]
    counts: dict[OverviewStatus, int]
    late: int
    kinds: tuple[tuple[str, str, int], ...]
    status_filter: str = ""
    kind_filter: str = ""

    @property
    def shown(self) -> int:
        return sum(len(g.rows) for g in self.groups)

    @property
    def published(self) -> int:
        return sum(n for status, n in self.counts.items() if status.is_published)


def _late(*, published_on: date | None, year: int, today: date) -> bool:
    deadline = deadline_of(year)
    if published_on is not None:
        return published_on > deadline
    return today > deadline


def overview_rows(*, supervisor: Body, year: int, tree: Tree | None = None) -> list[OverviewRow]:
    """Every body below ``supervisor`` with its report status on ``year`` (see the module docstring)."""
    tree = tree or Tree.load()
    today = timezone.localdate()
    below = tree.descendants(supervisor.pk)
    ids = [pk for pk, _ in below]
    statuses = lifecycle.status_map(body_ids=ids, year=year)
    externals = external_current(body_ids=ids, years=[year])
    published = lifecycle.published_versions(body_ids=ids, years=[year])
    digests = lifecycle.version_digests([v.version_id for v in published.values()])
    rows: list[OverviewRow] = []
    for pk, depth in below:
        body = tree.bodies[pk]
        parent = tree.bodies.get(body.parent_id) if body.parent_id is not None else None
        info = statuses.get(pk)
        external = externals.get((pk, year))
        mine = published.get((pk, year))
        if mine is not None:
            digest = digests[mine.version_id]
            rows.append(
                OverviewRow(
                    body=body,
                    depth=depth,
                    parent=parent,
                    status=OverviewStatus.PUBLISHED,
                    published_on=mine.published_on or (info.published_on if info else None),
                    version=mine.version or (info.version if info else None),
                    late=info.late
                    if info is not None
                    else _late(published_on=mine.published_on, year=year, today=today),
                    errors=digest.errors,
                    warnings=digest.warnings,
                    external=external,
                    published=mine,
                )
            )
        elif external is not None:
            rows.append(
                OverviewRow(
                    body=body,
                    depth=depth,
                    parent=parent,
                    status=OverviewStatus.EXTERNAL,
                    published_on=external.published_on,
                    late=external.published_on is not None and external.published_on > deadline_of(year),
                    errors=external.errors,
                    warnings=external.warnings,
                    external=external,
                )
            )
        else:
            # no readable published version: the status as the lifecycle says (published without a version
            # cannot be summed and is listed among the missing in the combined report)
            status = _FROM_LIFECYCLE[info.status] if info is not None else OverviewStatus.NOT_STARTED
            rows.append(
                OverviewRow(
                    body=body,
                    depth=depth,
                    parent=parent,
                    status=status,
                    published_on=info.published_on if info else None,
                    version=info.version if info else None,
                    late=info.late if info is not None else _late(published_on=None, year=year, today=today),
                )
            )
    return rows


def overview(
    *, supervisor: Body, year: int, status: str = "", kind: str = "", rows: list[OverviewRow] | None = None
) -> Overview:
    """The overview page's data; ``status`` (an :class:`OverviewStatus` value or ``"late"``) and ``kind`` (a
    :class:`BodyKind` value) filter the listed rows, never the counts. ``rows``: :func:`overview_rows`, when the
    caller has them already."""
    rows = rows if rows is not None else overview_rows(supervisor=supervisor, year=year)
    counts = dict.fromkeys(OverviewStatus, 0)
    kind_counts: dict[str, int] = defaultdict(int)
    for row in rows:
        counts[row.status] += 1
        kind_counts[row.body.kind] += 1

    def keep(row: OverviewRow) -> bool:
        if status == LATE and not row.late:
            return False
        if status and status not in (LATE, row.status.value):
            return False
        return not kind or row.body.kind == kind

    kept = [r for r in rows if keep(r)]
    by_kind: dict[str, list[OverviewRow]] = defaultdict(list)
    for row in kept:
        by_kind[row.body.kind].append(row)
    order = {k: i for i, k in enumerate(KIND_ORDER)}
    groups = tuple(
        KindGroup(k, rows_[0].kind_label, tuple(rows_))
        for k, rows_ in sorted(by_kind.items(), key=lambda item: (order.get(item[0], len(order)), item[0]))
    )
    kinds = tuple(
        (k, BodyKind(k).label if k in BodyKind.values else k, n)
        for k, n in sorted(kind_counts.items(), key=lambda item: (order.get(item[0], len(order)), item[0]))
    )
    return Overview(
        supervisor=supervisor,
        year=year,
        deadline=deadline_of(year),
        rows=tuple(rows),
        groups=groups,
        counts=counts,
        late=sum(1 for r in rows if r.late),
        kinds=kinds,
        status_filter=status,
        kind_filter=kind,
    )


# -- the combined report ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Contribution:
    """A published report that goes into the combined report."""

    body: Body
    report: Report
    external: ExternalReport | None = None
    version: int | None = None
    published_on: date | None = None

    @property
    def source(self) -> str:
        if self.external is not None:
            return f"{self.body.name}（外部导入：{self.external.filename}）"
        return f"{self.body.name}（本系统发布{f'，第{self.version}版' if self.version else ''}）"

    @property
    def from_xxgk(self) -> bool:
        return self.external is None


@dataclass
class Combined:
    """The combined report (汇总) of the published reports of the bodies below ``supervisor`` on ``year``."""

    supervisor: Body
    year: int
    included: list[Contribution] = field(default_factory=list)
    #: Published reports left out, with the reason (a template version that is not the year's).
    excluded: list[tuple[Contribution, str]] = field(default_factory=list)
    #: Bodies without a published report.
    missing: list[OverviewRow] = field(default_factory=list)
    aggregation: Aggregation | None = None
    error: str = ""
    findings: list[Finding] = field(default_factory=list)
    figures: KeyFigures | None = None
    #: Each included body's figures, in the order of ``included``.
    body_figures: list[KeyFigures] = field(default_factory=list)

    @property
    def report(self) -> Report | None:
        return self.aggregation.report if self.aggregation is not None else None


def combined_name(supervisor: Body) -> str:
    return f"{supervisor.name}所属机关"


def _aggregate(
    supervisor: Body, year: int, contributions: list[Contribution]
) -> tuple[Aggregation | None, list[Contribution], list[tuple[Contribution, str]], str]:
    """Sum the contributions whose template is the year's; the others are excluded with the reason."""
    expected = report_template(year)
    aggregator = Aggregator(body=combined_name(supervisor))
    included: list[Contribution] = []
    excluded: list[tuple[Contribution, str]] = []
    for item in contributions:
        report = item.report
        if report.template != expected or report.template_of("s2") != expected:
            reason = _(
                "使用的模板（表二 %(s2)s 版、表三 %(s3)s 版）不是 %(year)s 年度应使用的 %(expected)s 版，"
                "不能与其他报告相加"
            ) % {"s2": report.template_of("s2"), "s3": report.template, "year": year, "expected": expected}
            excluded.append((item, reason))
            continue
        named = report.copy()
        named.body = item.body.name  # one body once: the system's name, whatever the file printed
        named.year = year
        aggregator.add(item.source, named)
        included.append(item)
    if not included:
        return None, included, excluded, _("没有可以汇总的已发布年度报告")
    try:
        aggregation = aggregator.result()
    except AggregationError as exc:  # pragma: no cover - the year and template are checked above
        return None, included, excluded, exc.message
    if excluded:
        names = "、".join(item.body.name for item, _ in excluded)
        aggregation.report.narrative["overall"] += f"以下机关的年报所用模板版本与本年度不同，未计入汇总：{names}。"
    return aggregation, included, excluded, ""


def combined_report(*, supervisor: Body, year: int, rows: list[OverviewRow] | None = None) -> Combined:
    """The combined report of ``year`` (see :class:`Combined`); its tables are checked with the rules (the
    narrative of a combined report is generated, so the narrative rules do not apply)."""
    rows = rows if rows is not None else overview_rows(supervisor=supervisor, year=year)
    reports = lifecycle.published_reports(body_ids=[r.body.pk for r in rows if r.published is not None], years=[year])
    uploads = external_report_data([r.external.pk for r in rows if r.published is None and r.external is not None])
    contributions: list[Contribution] = []
    out = Combined(supervisor=supervisor, year=year)
    for row in rows:
        mine = reports.get((row.body.pk, year)) if row.published is not None else None
        if mine is not None:
            contributions.append(
                Contribution(row.body, mine.report, None, mine.version, row.published_on),
            )
        elif row.external is not None and row.external.pk in uploads:
            try:
                report = Report.from_dict(uploads[row.external.pk])
            except XxgkError as exc:  # pragma: no cover - stored from a report the engine produced
                out.excluded.append((Contribution(row.body, Report(template=report_template(year))), exc.message))
                continue
            contributions.append(Contribution(row.body, report, row.external, None, row.external.published_on))
        else:
            out.missing.append(row)
    aggregation, included, excluded, error = _aggregate(supervisor, year, contributions)
    out.aggregation, out.included, out.error = aggregation, included, error
    out.excluded.extend(excluded)
    if aggregation is not None:
        tables_only = aggregation.report.copy()
        tables_only.narrative = {}
        out.findings = check(tables_only)
        out.figures = key_figures(aggregation.report)
        out.body_figures = [key_figures(item.report) for item in included]
    return out


@dataclass(frozen=True)
class YearFigures:
    year: int
    included: int
    figures: KeyFigures | None


def combined_history(*, supervisor: Body, year: int, span: int = HISTORY_YEARS) -> list[YearFigures]:
    """The combined figures of ``year`` and the years before it (up to ``span`` years, from 2019), oldest first;
    years without any published report are left out. Made from the digests of the reports (no report is parsed):
    the same figures as the combined report of each year (:func:`combined_report`), in a fixed number of queries
    for all the years and bodies."""
    tree = Tree.load()
    ids = [pk for pk, _ in tree.descendants(supervisor.pk)]
    years = list(range(max(FIRST_YEAR, year - span + 1), year + 1))
    published = lifecycle.published_versions(body_ids=ids, years=years)
    externals = external_current(body_ids=ids, years=years)
    mine_digests = lifecycle.version_digests([v.version_id for v in published.values()])
    upload_digests = external_digests(
        [e.pk for key, e in externals.items() if key not in published]  # a version in xxgk takes precedence
    )
    out: list[YearFigures] = []
    for y in years:
        contributions: list[tuple[Body, Digest]] = []
        for pk in ids:
            mine = published.get((pk, y))
            external = externals.get((pk, y))
            if mine is not None:
                contributions.append((tree.bodies[pk], mine_digests[mine.version_id]))
            elif external is not None:
                contributions.append((tree.bodies[pk], upload_digests[external.pk]))
        if contributions:
            out.append(year_figures(y, contributions))
    return out


_SPACE = re.compile(r"[\s\u3000]+")


def year_figures(year: int, contributions: list[tuple[Body, Digest]]) -> YearFigures:
    """The figures of the combined report of ``year`` made of these bodies' reports, from their digests: the
    reports of another template than the year's are left out and every cell is summed only when each report has
    a number there — as :func:`_aggregate` and :class:`~xxgk.batch.aggregate.Aggregator` do (which also refuse
    two bodies of the same name: no figures then)."""
    expected = report_template(year)
    included = [(b, d) for b, d in contributions if d.template == expected and d.s2_template == expected]
    names = [_SPACE.sub("", body.name) for body, _ in included]
    if not included or len(set(names)) < len(names):
        return YearFigures(year=year, included=len(included), figures=None)
    cells = sum_cells((d.cells for _, d in included), figure_codes(expected))
    return YearFigures(
        year=year, included=len(included), figures=figures_from_cells(year=year, template=expected, cells=cells)
    )
