"""Reads of the annual report computed from the records: tables 2, 3 and 4 of a body and year, and the records
behind every number (drill-down).

Table 3 is counted in the database: ONE aggregate query grouped by applicant type and outcome, with a
conditional ``COUNT ... FILTER`` per population (本年新收, 上年结转, 办理结果, 结转下年度) — cases are never loaded
into Python. The outcome → row mapping of :mod:`xxgk.core.outcomes` is applied to the (at most a few hundred)
grouped keys. The predicates come from :mod:`xxgk.web.reports.counting`, shared with the drill-down. Tables 2
and 4 come from the registers (``xxgk.web.registers.selectors.table2_cells_by_body``) and the review/litigation
cases (``xxgk.web.litigation.selectors.table4_cells_by_body``), every body of a 汇总 at once.

Every selector takes body ids the caller has already access-checked (views use
:func:`xxgk.web.tenancy.selectors.access_body_by_id`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.db.models import Count, Max, Min, OuterRef, QuerySet, Subquery
from django.db.models.functions import ExtractYear
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from xxgk.core.errors import ReportError
from xxgk.core.findings import Finding, Severity
from xxgk.core.model import Cell, Number, Report, coerce_value
from xxgk.core.templates import S3_PARTS, get_template
from xxgk.rules import check
from xxgk.web.audit.selectors import AuditRow, audit_list_for_object
from xxgk.web.cases.models import Case
from xxgk.web.reports.counting import (
    APPLICANT_TYPES,
    MEASURE_ROWS,
    TOTAL_ROW,
    Measure,
    Period,
    Uncounted,
    counted_q,
    measure_q,
    report_template,
    row_outcomes,
    s3_cell_q,
    s3_codes,
    uncounted_q,
)
from xxgk.web.reports.models import (
    AnnualReport,
    CellOverride,
    PreviousReportUpload,
    ReportState,
    ReportVersion,
)
from xxgk.web.tenancy.models import Body
from xxgk.web.tenancy.selectors import (
    NOT_FOUND,
    AnyUser,
    body_descendant_ids,
    body_ids_visible,
    body_ids_working,
)

#: Years a report can be computed for (the national template exists from the 2019 report on).
FIRST_YEAR = 2019
LAST_YEAR = 2100

#: Note on table-2/4 cells for which the registers hold no figure.
NO_RECORD_NOTE = "登记簿中没有该项数据"


class Scope(StrEnum):
    """Whose records are counted: the body's own, or the body's and every body below it (a supervisor's 汇总)."""

    SELF = "self"
    TREE = "tree"

    @property
    def label(self) -> str:
        return gettext_noop("本机关") if self is Scope.SELF else gettext_noop("本机关及下级机关汇总")


def scope_body_ids(*, body_id: int, scope: Scope) -> frozenset[int]:
    """The bodies whose records a report of ``body_id`` in ``scope`` counts."""
    if scope is Scope.TREE:
        return frozenset(body_descendant_ids(roots=[body_id]))
    return frozenset({body_id})


#: From this many bodies on, :func:`_cases` checks whether the set is every body: the filter then only slows the scan
#: (a supervisor at the top of the tree aggregates the whole installation).
ALL_BODIES_CHECK = 50


def _cases(body_ids: Collection[int] | None) -> QuerySet[Case]:
    """The cases of ``body_ids`` (every body when ``None``)."""
    qs = Case.objects.all()
    if body_ids is None:
        return qs
    ids = sorted(body_ids)
    if len(ids) == 1:
        return qs.filter(body_id=ids[0])
    if len(ids) >= ALL_BODIES_CHECK and not Body.objects.exclude(pk__in=ids).exists():
        return qs
    return qs.filter(body_id__in=ids)


# -- table 3 ------------------------------------------------------------------------------------------


def table3_counts(*, body_ids: Collection[int] | None, year: int) -> dict[str, int]:
    """Every table-3 cell of ``year``'s template for the cases of ``body_ids`` (all bodies when ``None``),
    from one aggregate query. Totals (the 总计 column and the （七）总计 row) are sums of the counted cells, so
    an application whose applicant type or outcome is not in the catalogue is in no cell (see
    :func:`uncounted_counts`)."""
    period = Period(year)
    template = report_template(year)
    groups = (
        _cases(body_ids)
        .filter(counted_q(period))
        .values("applicant_type", "outcome")
        .annotate(**{m.value: Count("pk", filter=measure_q(m, period)) for m in Measure})
        .order_by()
    )
    outcome_row = {o: row for row, outcomes in row_outcomes(template).items() for o in outcomes}
    cells = dict.fromkeys(s3_codes(template), 0)
    for group in groups:
        column = group["applicant_type"]
        if column not in APPLICANT_TYPES:
            continue
        for measure_row, measure in MEASURE_ROWS.items():
            cells[f"s3.{measure_row}.{column}"] += group[measure.value]
        handled = group[Measure.HANDLED.value]
        outcome = outcome_row.get(group["outcome"])
        if handled and outcome is not None:
            cells[f"s3.{outcome}.{column}"] += handled
            cells[f"s3.{TOTAL_ROW}.{column}"] += handled
    for row in get_template(template).s3_rows:
        cells[f"s3.{row}.total"] = sum(cells[f"s3.{row}.{column}"] for column in S3_PARTS)
    return cells


def uncounted_counts(*, body_ids: Collection[int] | None, year: int) -> dict[Uncounted, int]:
    """How many applications of the year table 3 leaves out, by reason (one aggregate query)."""
    period = Period(year)
    agg = _cases(body_ids).aggregate(**{k.value: Count("pk", filter=uncounted_q(k, period)) for k in Uncounted})
    return {k: int(agg[k.value] or 0) for k in Uncounted}


def report_cell_value(*, body_ids: Collection[int], year: int, code: str) -> Number | None:
    """The value of one cell of ``year``'s report for ``body_ids`` (only its own table is computed); ``None`` when
    the registers hold no figure for it. ReportError for a code of another template or table."""
    if code not in get_template(report_template(year)).by_code:
        raise ReportError(f"{code!r} 不是 {year} 年度报告模板的单元格")
    if code.startswith("s3."):
        return table3_counts(body_ids=body_ids, year=year)[code]
    value = section_cells(section=code[:2], body_ids=body_ids, year=year).get(code)
    return value.normalize() if isinstance(value, Decimal) else value


def report_cell_sources(*, body_ids: Collection[int], year: int, code: str) -> QuerySet[Case]:
    """The applications counted in table-3 cell ``code`` of ``year``'s report for ``body_ids``: exactly the
    predicate the counting query uses, so ``count()`` equals the cell's value."""
    if not code.startswith("s3."):
        raise ReportError(f"{code!r} 不是表三的单元格")
    q = s3_cell_q(code, Period(year))
    return _cases(body_ids).filter(q).select_related("body", "handler").order_by("received_on", "number", "pk")


def uncounted_sources(*, body_ids: Collection[int], year: int, kind: Uncounted) -> QuerySet[Case]:
    """The applications behind one :func:`uncounted_counts` figure."""
    q = uncounted_q(kind, Period(year))
    return _cases(body_ids).filter(q).select_related("body", "handler").order_by("registered_on", "number", "pk")


# -- tables 2 and 4 (registers and remedies, built by the registers and litigation apps) ----------------

CellsFunc = Callable[..., dict[int, dict[str, Any]]]
SourcesFunc = Callable[..., list[Any]]


def _table_functions(section: str) -> tuple[CellsFunc, SourcesFunc]:
    """The batch selectors of table ``section``: a constant number of queries whatever the number of bodies."""
    if section == "s2":
        from xxgk.web.registers.selectors import table2_cells_by_body, table2_sources_by_body

        return table2_cells_by_body, table2_sources_by_body
    if section == "s4":
        from xxgk.web.litigation.selectors import table4_cells_by_body, table4_sources_by_body

        return table4_cells_by_body, table4_sources_by_body
    raise ReportError(f"表 {section!r} 不由登记簿计算")


def section_cells(*, section: str, body_ids: Collection[int], year: int) -> dict[str, Number]:
    """Table 2 (``"s2"``) or table 4 (``"s4"``) of ``year`` for ``body_ids``: the registers' figures, summed
    over the bodies for a 汇总 (computed for every body at once: the same queries for one body or a hundred)."""
    cells_by_body, _sources = _table_functions(section)
    by_body = cells_by_body(body_ids=body_ids, year=year)
    totals: dict[str, Number] = {}
    for body_id in sorted(body_ids):
        for code, value in by_body.get(body_id, {}).items():
            if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
                raise ReportError(f"{code}：登记簿给出的值不是数字（{value!r}）")
            totals[code] = totals.get(code, 0) + value
    return totals


def section_sources(*, body_ids: Collection[int], year: int, code: str) -> list[Any]:
    """The register records behind a table-2 or table-4 cell (the registers' own drill-down), body after body in
    id order, read for every body at once."""
    _cells, sources_by_body = _table_functions(code[:2])
    return sources_by_body(body_ids=body_ids, year=year, code=code)


# -- the report ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComputedReport:
    """The annual report of ``body`` on ``year`` computed from the records, its findings and what it left out."""

    body: Body
    year: int
    scope: Scope
    body_ids: frozenset[int]
    report: Report
    findings: tuple[Finding, ...] = ()
    uncounted: dict[Uncounted, int] = field(default_factory=dict)

    @property
    def template(self) -> str:
        return self.report.template

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)

    @property
    def flagged_cells(self) -> dict[str, Severity]:
        """Cell code → the worst severity of the findings that name it."""
        out: dict[str, Severity] = {}
        for finding in self.findings:
            for code in finding.cells:
                current = out.get(code)
                if current is None or finding.severity.rank > current.rank:
                    out[code] = finding.severity
        return out


def report_body_label(body: Body, scope: Scope) -> str:
    return body.name if scope is Scope.SELF else f"{body.name}（含下级机关汇总）"


def report_build(*, body: Body, body_ids: Collection[int], year: int, scope: Scope = Scope.SELF) -> Report:
    """The :class:`~xxgk.core.model.Report` of ``year`` for ``body_ids``: template by year, tables 2, 3, 4 from
    the records, narrative empty."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ReportError(f"年度 {year} 超出范围（{FIRST_YEAR}–{LAST_YEAR}）")
    report = Report(template=report_template(year), year=year, body=report_body_label(body, scope))
    for code, count in table3_counts(body_ids=body_ids, year=year).items():
        report.set(code, Cell.number(count))
    for section in ("s2", "s4"):
        values = section_cells(section=section, body_ids=body_ids, year=year)
        for spec in report.specs:
            if spec.section != section:
                continue
            value = values.get(spec.code)
            if isinstance(value, Decimal):
                value = value.normalize()  # 589.080000 → 589.08 (amounts are kept to the 分 by the registers)
            report.set(spec.code, Cell.number(value) if value is not None else Cell.blank(note=NO_RECORD_NOTE))
    return report


def report_compute(*, body_id: int, year: int, scope: Scope = Scope.SELF, with_previous: bool = True) -> ComputedReport:
    """The annual report of body ``body_id`` on ``year`` computed from the records (``scope``: the body alone
    or with every body below it), checked with :func:`xxgk.rules.check` — against the report computed for
    the previous year too when ``with_previous`` (the cross-year X6xx rules)."""
    body = Body.objects.get(pk=body_id)
    body_ids = scope_body_ids(body_id=body_id, scope=scope)
    report = report_build(body=body, body_ids=body_ids, year=year, scope=scope)
    previous = None
    if with_previous and year - 1 >= FIRST_YEAR:
        previous = report_build(body=body, body_ids=body_ids, year=year - 1, scope=scope)
    return ComputedReport(
        body=body,
        year=year,
        scope=scope,
        body_ids=body_ids,
        report=report,
        findings=tuple(check(report, previous=previous)),
        uncounted=uncounted_counts(body_ids=body_ids, year=year),
    )


def report_compare_previous(*, computed: ComputedReport, published: Report) -> list[Finding]:
    """The cross-year findings (X6xx) of ``computed`` against the body's published report on the previous year:
    上年结转 is always computed; this says where it differs from what was published. The published report is
    taken as this body's (its printed name may differ from the body's name in the system)."""
    previous = published.copy()
    previous.body = None
    return check(computed.report, previous=previous, select=("X",))


@dataclass(frozen=True)
class IndexRow:
    """One body on the reports index: the years with applications or a report (and last year), newest first, each
    with the state of its report (``""`` when not started)."""

    body: Body
    years: tuple[int, ...]
    has_children: bool
    working: bool
    states: tuple[tuple[int, str], ...] = ()


def report_index(*, user: AnyUser, this_year: int) -> list[IndexRow]:
    """The bodies ``user`` sees, each with the years a report can be made for (three queries)."""
    visible = body_ids_visible(user=user)
    working = body_ids_working(user=user)
    bodies = list(Body.objects.filter(id__in=visible).order_by("code"))
    parents = {b.parent_id for b in bodies}
    years: dict[int, set[int]] = {b.pk: {this_year - 1} for b in bodies}
    rows = (
        Case.objects.filter(body_id__in=visible, received_on__isnull=False)
        .annotate(year=ExtractYear("received_on"))
        .values_list("body_id", "year")
        .distinct()
    )
    for body_id, year in rows:
        years[body_id].add(int(year))
    states: dict[tuple[int, int], str] = {}
    reports = AnnualReport.objects.filter(body_id__in=visible).values_list("body_id", "year", "state")
    for body_id, year, state in reports:
        years[body_id].add(year)
        states[body_id, year] = str(ReportState(state).label)  # in the language of the request
    out: list[IndexRow] = []
    for b in bodies:
        shown = tuple(sorted((y for y in years[b.pk] if FIRST_YEAR <= y <= min(this_year, LAST_YEAR)), reverse=True))
        out.append(
            IndexRow(
                body=b,
                years=shown,
                has_children=b.pk in parents,
                working=b.pk in working,
                states=tuple((y, states.get((b.pk, y), "")) for y in shown),
            )
        )
    return out


# -- the report's life: status, published versions (read by the supervisor's overview) -----------------


class ReportStatus(StrEnum):
    """Where a body's report on a year stands, as the supervisor sees it."""

    NOT_STARTED = "not_started"
    DRAFTING = "drafting"
    UNDER_APPROVAL = "under_approval"
    PUBLISHED = "published"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    ReportStatus.NOT_STARTED: "未开始",
    ReportStatus.DRAFTING: "编制中",
    ReportStatus.UNDER_APPROVAL: "审批中",
    ReportStatus.PUBLISHED: "已发布",
}


def publication_deadline(year: int) -> date:
    """The day by which the report on ``year`` must be published: 31 January of the next year (条例 Art 50)."""
    return date(year + 1, 1, 31)


@dataclass(frozen=True)
class ReportStatusInfo:
    """One body's report on a year: ``status``; ``published_on`` the day it was FIRST published (the date the
    deadline is judged by; a correction does not change it) and ``version`` the latest published version number,
    both None until published; ``late``: published after 31 January of the next year, or not published and today
    is past that day. ``latest_published_on`` is the day of the latest version; ``correcting`` says a correction
    (更正) of a published report is being drafted or approved."""

    status: ReportStatus
    published_on: date | None = None
    version: int | None = None
    late: bool = False
    latest_published_on: date | None = None
    correcting: bool = False


def _status_of(state: str) -> ReportStatus:
    if state == ReportState.DRAFTING:
        return ReportStatus.DRAFTING
    if state in (ReportState.UNDER_APPROVAL, ReportState.APPROVED):
        return ReportStatus.UNDER_APPROVAL
    return ReportStatus.PUBLISHED


def report_status_map(
    *, body_ids: Collection[int], year: int, today: date | None = None
) -> dict[int, ReportStatusInfo]:
    """The status of the report on ``year`` of every body in ``body_ids`` (each id present in the result), from
    two queries. A body with a published version is PUBLISHED even while a correction is being drafted
    (``correcting``). The caller has access-checked ``body_ids``."""
    day = today if today is not None else timezone.localdate()
    deadline = publication_deadline(year)
    ids = sorted(set(body_ids))
    states = dict(AnnualReport.objects.filter(year=year, body_id__in=ids).values_list("body_id", "state"))
    published = {
        row["report__body_id"]: row
        for row in ReportVersion.objects.filter(report__year=year, report__body_id__in=ids)
        .values("report__body_id")
        .annotate(first=Min("published_on"), latest=Max("published_on"), number=Max("number"))
        .order_by()
    }
    out: dict[int, ReportStatusInfo] = {}
    for body_id in ids:
        pub = published.get(body_id)
        if pub is not None:
            first: date = pub["first"]
            out[body_id] = ReportStatusInfo(
                status=ReportStatus.PUBLISHED,
                published_on=first,
                version=int(pub["number"]),
                late=first > deadline,
                latest_published_on=pub["latest"],
                correcting=states.get(body_id, ReportState.PUBLISHED) != ReportState.PUBLISHED,
            )
            continue
        state = states.get(body_id)
        status = ReportStatus.NOT_STARTED if state is None else _status_of(state)
        out[body_id] = ReportStatusInfo(status=status, late=day > deadline)
    return out


def published_report(*, body_id: int, year: int) -> Report | None:
    """The latest published version of ``body_id``'s report on ``year`` as a core :class:`Report` (narratives
    included), or None when none was published in xxgk. The caller has access-checked ``body_id``."""
    text = (
        ReportVersion.objects.filter(report__body_id=body_id, report__year=year)
        .order_by("-number")
        .values_list("report_json", flat=True)
        .first()
    )
    return None if text is None else Report.from_json(text)


@dataclass(frozen=True)
class PublishedVersion:
    """The latest published version of a body's report on a year: ``version`` its number, ``published_on`` the
    day THIS version was published (``first_published_on`` the day version 1 was), ``report`` the frozen report."""

    body_id: int
    year: int
    version: int
    published_on: date
    first_published_on: date
    report: Report
    change_note: str = ""


def latest_published_rows(
    *, body_ids: Collection[int], years: Collection[int], fields: Sequence[str]
) -> tuple[dict[int, date], list[tuple[Any, ...]]]:
    """The latest published version of every report of ``body_ids`` on ``years``: the day each report's first
    version was published (by report id) and ``fields`` of each latest version (two queries whatever the number of
    bodies; nothing when either collection is empty). The caller has access-checked the ids."""
    ids, wanted = sorted(set(body_ids)), sorted(set(years))
    if not ids or not wanted:
        return {}, []
    scope = ReportVersion.objects.filter(report__body_id__in=ids, report__year__in=wanted)
    firsts = dict(scope.values("report_id").annotate(first=Min("published_on")).values_list("report_id", "first"))
    latest = Subquery(
        ReportVersion.objects.filter(report_id=OuterRef("report_id")).order_by("-number").values("number")[:1]
    )
    return firsts, list(scope.filter(number=latest).values_list(*fields))


def published_reports_bulk(
    *, body_ids: Collection[int], years: Collection[int]
) -> dict[tuple[int, int], PublishedVersion]:
    """``(body_id, year)`` → the latest published version, for every report of ``body_ids`` on ``years`` that
    was published in xxgk (two queries whatever the number of bodies). The caller has access-checked the ids."""
    firsts, rows = latest_published_rows(
        body_ids=body_ids,
        years=years,
        fields=("report_id", "report__body_id", "report__year", "number", "published_on", "report_json", "change_note"),
    )
    return {
        (body_id, year): PublishedVersion(
            body_id=body_id,
            year=year,
            version=number,
            published_on=published_on,
            first_published_on=firsts.get(report_id, published_on),
            report=Report.from_json(text),
            change_note=note,
        )
        for report_id, body_id, year, number, published_on, text, note in rows
    }


# -- the report being made: draft, overrides, previous year, findings ------------------------------------

#: The sign-off chain's subject type and the audit trail's object type of annual reports.
OBJECT_TYPE = "report"

#: The audit trail's object type of previous-year reports uploaded for the cross-year checks.
UPLOAD_OBJECT_TYPE = "report_previous_upload"

#: Code of the findings that show a cell typed over by hand against its computed value.
OVERRIDE_FINDING = "M701"


def report_title(*, body: Body, year: int) -> str:
    return f"{body.name}{year}年政府信息公开工作年度报告"


def annual_report_get(*, body_id: int, year: int) -> AnnualReport | None:
    """The annual report of ``body_id`` on ``year`` (None when not started). The caller has access-checked."""
    return AnnualReport.objects.filter(body_id=body_id, year=year).select_related("body").first()


def access_annual_report_by_id(user: AnyUser, report_id: int) -> AnnualReport:
    """The annual report ``report_id`` if ``user`` may see its body; Http404(NOT_FOUND) otherwise, alike for
    missing and not-yours."""
    row = AnnualReport.objects.filter(pk=report_id).select_related("body").first()
    if row is None or row.body_id not in body_ids_visible(user=user):
        raise Http404(NOT_FOUND)
    return row


def override_history(*, annual: AnnualReport) -> list[CellOverride]:
    """Every override row of the report, oldest first (the append-only history)."""
    return list(annual.overrides.select_related("created_by").order_by("id"))


def overrides_active(*, annual: AnnualReport | None) -> dict[str, CellOverride]:
    """Cell code → the override that applies (the latest row per code, unless that row removed it)."""
    if annual is None or annual.pk is None:
        return {}
    latest: dict[str, CellOverride] = {}
    for row in override_history(annual=annual):
        latest[row.code] = row
    return {code: row for code, row in latest.items() if row.value is not None}


def override_value(report: Report, code: str, value: Decimal) -> Number:
    """``value`` as the cell ``code`` of ``report`` holds it (int for counts, Decimal for amounts)."""
    spec = next(s for s in report.specs if s.code == code)
    number = coerce_value(spec, value)
    return number.normalize() if isinstance(number, Decimal) else number


def apply_overrides(report: Report, overrides: dict[str, CellOverride]) -> Report:
    """A copy of ``report`` with the overridden cells set to their typed values."""
    out = report.copy()
    for code, row in overrides.items():
        if code in out.cells and row.value is not None:
            out.set(code, Cell.number(override_value(out, code, row.value)))
    return out


def _number_text(value: Number | None) -> str:
    if value is None:
        return "空"
    return format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)


def override_findings(*, computed: Report, overrides: dict[str, CellOverride]) -> list[Finding]:
    """Each override as a warning against the value computed from the records."""
    out: list[Finding] = []
    for code in (c for c in computed.codes if c in overrides):
        row = overrides[code]
        if row.value is None:  # pragma: no cover - active overrides have a value
            continue
        typed = override_value(computed, code, row.value)
        out.append(
            Finding(
                code=OVERRIDE_FINDING,
                severity=Severity.WARNING,
                message=(
                    f"手工修改：计算值 {_number_text(computed.value(code))}，填报值 {_number_text(typed)}，"
                    f"理由：{row.reason}"
                ),
                hint="填报值与按登记数据计算的结果不同；请核对登记记录，能改正记录的应改正记录",
                cells=(code,),
            )
        )
    return out


class PreviousKind(StrEnum):
    """Where the previous year's report the cross-year rules compare with comes from."""

    PUBLISHED = "published"
    UPLOADED = "uploaded"
    COMPUTED = "computed"
    NONE = "none"

    @property
    def label(self) -> str:
        return {
            "published": gettext_noop("本系统中已发布的上一年度年报"),
            "uploaded": gettext_noop("上传的上一年度已公布年报"),
            "computed": gettext_noop("按登记数据计算的上一年度报告（未发布，也未上传已公布的年报）"),
            "none": gettext_noop("无（上一年度早于 2019 年，不做跨年度核对）"),
        }[self.value]


@dataclass(frozen=True)
class PreviousReport:
    """Last year's report used for the cross-year rules, and the latest upload (shown with its parse errors even
    when it could not be used)."""

    kind: PreviousKind
    report: Report | None = None
    version: int | None = None
    upload: PreviousReportUpload | None = None


def previous_upload_latest(*, body_id: int, year: int) -> PreviousReportUpload | None:
    """The latest upload of ``body_id``'s published report on ``year`` (the previous year of the report)."""
    return (
        PreviousReportUpload.objects.filter(body_id=body_id, year=year)
        .select_related("uploaded_by")
        .order_by("-id")
        .first()
    )


def previous_report(*, body: Body, year: int) -> PreviousReport:
    """The report on ``year - 1`` to check ``year``'s against: the version published in xxgk, else the latest
    readable upload, else the report computed from the records."""
    last = year - 1
    upload = previous_upload_latest(body_id=body.pk, year=last)
    published = published_reports_bulk(body_ids=[body.pk], years=[last]).get((body.pk, last))
    if published is not None:
        return PreviousReport(PreviousKind.PUBLISHED, published.report, published.version, upload)
    if upload is not None and upload.parsed:
        return PreviousReport(PreviousKind.UPLOADED, Report.from_json(upload.report_json), None, upload)
    if last < FIRST_YEAR:
        return PreviousReport(PreviousKind.NONE, None, None, upload)
    return PreviousReport(PreviousKind.COMPUTED, report_build(body=body, body_ids={body.pk}, year=last), None, upload)


def _for_cross_year(previous: Report | None) -> Report | None:
    """The previous report as the X rules should see it: the body is this body whatever its printed name."""
    if previous is None:
        return None
    out = previous.copy()
    out.body = None
    return out


class WorkingSource(StrEnum):
    """Which report a working view shows."""

    COMPUTED = "computed"  # not started: the tables computed from the records
    DRAFT = "draft"  # being drafted: computed + overrides + narratives, live
    SUBMITTED = "submitted"  # under approval or approved: the snapshot taken at submission
    PUBLISHED = "published"  # published: the latest version

    @property
    def label(self) -> str:
        return {
            "computed": gettext_noop("按登记数据计算（尚未开始编制）"),
            "draft": gettext_noop("草稿（按登记数据实时计算，含手工修改和文字部分）"),
            "submitted": gettext_noop("提交审批时的报告（已冻结）"),
            "published": gettext_noop("已发布的最新版本"),
        }[self.value]


@dataclass(frozen=True)
class WorkingReport:
    """The report of a body and year as its pages show it, checked: ``report`` (see :class:`WorkingSource`),
    ``computed`` the live computation from the records, the active ``overrides``, the ``previous`` year's
    report, every ``findings`` (engine rules with the previous year, and the overrides), and
    ``changed_since``: cells where the live draft now differs from the frozen or published report."""

    body: Body
    year: int
    annual: AnnualReport | None
    source: WorkingSource
    report: Report
    computed: ComputedReport
    overrides: dict[str, CellOverride]
    previous: PreviousReport
    findings: tuple[Finding, ...]
    changed_since: tuple[str, ...] = ()

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.WARNING)

    @property
    def flagged_cells(self) -> dict[str, Severity]:
        out: dict[str, Severity] = {}
        for finding in self.findings:
            for code in finding.cells:
                current = out.get(code)
                if current is None or finding.severity.rank > current.rank:
                    out[code] = finding.severity
        return out


def draft_build(*, annual: AnnualReport, computed: Report, overrides: dict[str, CellOverride]) -> Report:
    """The draft as it would be frozen now: the computed tables with the overrides applied, the narratives, the
    title."""
    report = apply_overrides(computed, overrides)
    report.title = report_title(body=annual.body, year=annual.year)
    report.narrative = {k: str(v) for k, v in (annual.narrative or {}).items() if str(v).strip()}
    return report


def report_check(
    *, report: Report, previous: PreviousReport, computed: Report, overrides: dict[str, CellOverride]
) -> tuple[Finding, ...]:
    """Every engine rule on ``report`` (cross-year against ``previous``) and the overrides as findings."""
    found = check(report, previous=_for_cross_year(previous.report))
    found.extend(override_findings(computed=computed, overrides=overrides))
    return tuple(found)


def report_working(*, body: Body, year: int) -> WorkingReport:
    """The report of ``body`` on ``year`` as its pages show it, with all its findings. ``body`` is access-checked
    by the caller."""
    annual = annual_report_get(body_id=body.pk, year=year)
    computed = report_compute(body_id=body.pk, year=year, with_previous=False)
    overrides = overrides_active(annual=annual)
    previous = previous_report(body=body, year=year)
    if annual is None:
        source, report = WorkingSource.COMPUTED, computed.report
        live = report
    else:
        live = draft_build(annual=annual, computed=computed.report, overrides=overrides)
        if annual.state == ReportState.DRAFTING:
            source, report = WorkingSource.DRAFT, live
        elif annual.submitted_json and annual.state in (ReportState.UNDER_APPROVAL, ReportState.APPROVED):
            source, report = WorkingSource.SUBMITTED, Report.from_json(annual.submitted_json)
        else:
            latest = published_report(body_id=body.pk, year=year)
            source, report = (WorkingSource.PUBLISHED, latest) if latest is not None else (WorkingSource.DRAFT, live)
    changed = () if report is live else tuple(c for c in report.codes if report.value(c) != live.value(c))
    return WorkingReport(
        body=body,
        year=year,
        annual=annual,
        source=source,
        report=report,
        computed=computed,
        overrides=overrides,
        previous=previous,
        findings=report_check(report=report, previous=previous, computed=computed.report, overrides=overrides),
        changed_since=changed,
    )


def report_versions(*, annual: AnnualReport) -> list[ReportVersion]:
    """The published versions, newest first (without their JSON)."""
    return list(annual.versions.select_related("published_by").defer("report_json").order_by("-number"))


def report_version_get(*, annual: AnnualReport, number: int) -> ReportVersion:
    """Version ``number`` of ``annual``; Http404(NOT_FOUND) when there is none."""
    row = annual.versions.select_related("published_by", "report__body").filter(number=number).first()
    if row is None:
        raise Http404(NOT_FOUND)
    return row


def version_report(version: ReportVersion) -> Report:
    return Report.from_json(version.report_json)


def report_audit(*, annual: AnnualReport) -> list[AuditRow]:
    """The audit trail of the report: its own events, every sign-off round's and the uploads of last year's
    report, in time order."""
    rows = audit_list_for_object(object_type=OBJECT_TYPE, object_id=annual.pk)
    for number in range(1, annual.draft_number + 1):
        rows.extend(audit_list_for_object(object_type=OBJECT_TYPE, object_id=f"{annual.pk}-v{number}"))
    uploads = PreviousReportUpload.objects.filter(body_id=annual.body_id, year=annual.year - 1)
    for upload_id in uploads.values_list("pk", flat=True):
        rows.extend(audit_list_for_object(object_type=UPLOAD_OBJECT_TYPE, object_id=upload_id))
    return sorted(rows, key=lambda r: (r.event.created_at, r.event.pk))


def subject_awaiting(subject_ids: list[str]) -> list[str]:
    """Of sign-off subject ids (``"<report id>-v<n>"``), those whose report is still under approval in that
    version (a report whose round ended otherwise leaves the task lists)."""
    wanted: dict[int, str] = {}
    for sid in subject_ids:
        pk, _, number = sid.partition("-v")
        if pk.isdigit() and number.isdigit():
            wanted[int(pk)] = number
    rows = AnnualReport.objects.filter(pk__in=list(wanted), state=ReportState.UNDER_APPROVAL).values_list(
        "pk", "draft_number"
    )
    return [f"{pk}-v{number}" for pk, number in rows if wanted.get(pk) == str(number)]


def subject_url(subject_id: str) -> str:
    """The page of the report behind a sign-off subject id (empty when it is gone)."""
    return subject_urls([subject_id]).get(subject_id, "")


def subject_urls(subject_ids: list[str]) -> dict[str, str]:
    """Sign-off subject id → the page of its report, for every id whose report exists (one query whatever the
    number of ids: the task lists name every report waiting for a reviewer)."""
    wanted: dict[int, list[str]] = {}
    for sid in subject_ids:
        pk, _, _ = sid.partition("-v")
        if pk.isdigit():
            wanted.setdefault(int(pk), []).append(sid)
    if not wanted:
        return {}
    rows = AnnualReport.objects.filter(pk__in=list(wanted)).values_list("pk", "body_id", "year").order_by()
    return {sid: reverse("reports:report", args=(body_id, year)) for pk, body_id, year in rows for sid in wanted[pk]}


@dataclass(frozen=True)
class PublicVersion:
    """A published version as the public site lists it (no JSON)."""

    number: int
    published_on: date
    change_note: str


@dataclass(frozen=True)
class PublicReport:
    body: Body
    year: int
    title: str
    latest: PublishedVersion
    versions: list[PublicVersion]


def public_report(*, body: Body, year: int) -> PublicReport:
    """The published report of ``body`` on ``year`` for the public site; Http404 when none was published."""
    latest = published_reports_bulk(body_ids=[body.pk], years=[year]).get((body.pk, year))
    if latest is None:
        raise Http404("该年度报告尚未发布")
    versions = [
        PublicVersion(number=n, published_on=d, change_note=note)
        for n, d, note in ReportVersion.objects.filter(report__body=body, report__year=year)
        .order_by("-number")
        .values_list("number", "published_on", "change_note")
    ]
    return PublicReport(
        body=body,
        year=year,
        title=latest.report.title or report_title(body=body, year=year),
        latest=latest,
        versions=versions,
    )


def public_version(*, body: Body, year: int, number: int) -> ReportVersion:
    """A published version for the public site (Http404 otherwise)."""
    row = ReportVersion.objects.filter(report__body=body, report__year=year, number=number).first()
    if row is None:
        raise Http404("未找到该版本")
    return row


def published_report_list(*, body: Body) -> list[tuple[int, str, date]]:
    """(year, title, first published on) of every year ``body`` published a report on in xxgk, newest first."""
    rows = (
        ReportVersion.objects.filter(report__body=body)
        .values("report__year")
        .annotate(first=Min("published_on"))
        .order_by("-report__year")
    )
    return [(r["report__year"], report_title(body=body, year=r["report__year"]), r["first"]) for r in rows]
