"""Reads of the annual report computed from the records: tables 2, 3 and 4 of a body and year, and the records
behind every number (drill-down).

Table 3 is counted in the database: ONE aggregate query grouped by applicant type and outcome, with a
conditional ``COUNT ... FILTER`` per population (本年新收, 上年结转, 办理结果, 结转下年度) — cases are never loaded
into Python. The outcome → row mapping of :mod:`xxgk.core.outcomes` is applied to the (at most a few hundred)
grouped keys. The predicates come from :mod:`xxgk.web.reports.counting`, shared with the drill-down. Tables 2
and 4 come from the registers (``xxgk.web.registers.selectors.table2_cells``) and the review/litigation cases
(``xxgk.web.litigation.selectors.table4_cells``).

Every selector takes body ids the caller has already access-checked (views use
:func:`xxgk.web.tenancy.selectors.access_body_by_id`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import ExtractYear

from xxgk.core.errors import ReportError
from xxgk.core.findings import Finding, Severity
from xxgk.core.model import Cell, Number, Report
from xxgk.core.templates import S3_PARTS, get_template
from xxgk.rules import check
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
from xxgk.web.tenancy.models import Body
from xxgk.web.tenancy.selectors import AnyUser, body_descendant_ids, body_ids_visible, body_ids_working

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
        return "本机关" if self is Scope.SELF else "本机关及下级机关汇总"


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

CellsFunc = Callable[..., dict[str, Any]]
SourcesFunc = Callable[..., list[Any]]


def _table_functions(section: str) -> tuple[CellsFunc, SourcesFunc]:
    if section == "s2":
        from xxgk.web.registers.selectors import table2_cells, table2_sources

        return table2_cells, table2_sources
    if section == "s4":
        from xxgk.web.litigation.selectors import table4_cells, table4_sources

        return table4_cells, table4_sources
    raise ReportError(f"表 {section!r} 不由登记簿计算")


def section_cells(*, section: str, body_ids: Collection[int], year: int) -> dict[str, Number]:
    """Table 2 (``"s2"``) or table 4 (``"s4"``) of ``year`` for ``body_ids``: the registers' figures, summed
    over the bodies for a 汇总."""
    cells_of, _sources = _table_functions(section)
    totals: dict[str, Number] = {}
    for body_id in sorted(body_ids):
        for code, value in cells_of(body_id=body_id, year=year).items():
            if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
                raise ReportError(f"{code}：登记簿给出的值不是数字（{value!r}）")
            totals[code] = totals.get(code, 0) + value
    return totals


def section_sources(*, body_ids: Collection[int], year: int, code: str) -> list[Any]:
    """The register records behind a table-2 or table-4 cell (the registers' own drill-down)."""
    _cells, sources_of = _table_functions(code[:2])
    out: list[Any] = []
    for body_id in sorted(body_ids):
        out.extend(sources_of(body_id=body_id, year=year, code=code))
    return out


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
    """One body on the reports index: the years with applications (and last year), newest first."""

    body: Body
    years: tuple[int, ...]
    has_children: bool
    working: bool


def report_index(*, user: AnyUser, this_year: int) -> list[IndexRow]:
    """The bodies ``user`` sees, each with the years a report can be computed for (two queries)."""
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
    return [
        IndexRow(
            body=b,
            years=tuple(sorted((y for y in years[b.pk] if FIRST_YEAR <= y <= min(this_year, LAST_YEAR)), reverse=True)),
            has_children=b.pk in parents,
            working=b.pk in working,
        )
        for b in bodies
    ]
