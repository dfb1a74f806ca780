"""The counting rules of table 3 (收到和处理政府信息公开申请情况) as database predicates.

``docs/counting-rules.md`` states the rules in prose; this module is their only implementation. The counting
query (:func:`xxgk.web.reports.selectors.table3_counts`) and the drill-down (``report_cell_sources``) both build
their ``WHERE`` clauses from the ``Q`` objects below, so a number and the list of records behind it cannot drift.

For a year ``Y`` (``start`` = 1 January, ``end`` = 31 December) an application takes part when it has a 收到申请之日
(``Case.received_on``) on or before ``end`` and was not closed before ``start`` (:func:`counted_q`). Within that
set every application is in exactly one of 本年新收 / 上年结转 (split by ``received_on`` against ``start``) and in
exactly one of 办理结果 / 结转下年度 (split by ``closed_on`` against ``end``), so 一 + 二 = 三（七） + 四 holds
per column by construction, for any data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cache

from django.db.models import Q
from django.utils.translation import gettext_noop

from xxgk.core.errors import ReportError
from xxgk.core.outcomes import ApplicantType, Outcome
from xxgk.core.templates import S3_COLUMNS, get_template, template_for_year

#: The applicant-type values stored in ``Case.applicant_type`` that are table-3 columns.
APPLICANT_TYPES: tuple[str, ...] = tuple(t.value for t in ApplicantType)
#: Every outcome value of the catalogue (``Case.outcome`` of a closed case).
OUTCOME_VALUES: tuple[str, ...] = tuple(o.value for o in Outcome)


class Measure(StrEnum):
    """The four populations of table 3. ``HANDLED`` is split into the outcome rows and （七）总计."""

    RECEIVED = "received"  # 一、本年新收
    CARRIED_IN = "carried_in"  # 二、上年结转
    HANDLED = "handled"  # 三、本年度办理结果
    CARRIED_OUT = "carried_out"  # 四、结转下年度继续办理


@dataclass(frozen=True, slots=True)
class Period:
    """A report year: 1 January to 31 December inclusive."""

    year: int

    @property
    def start(self) -> date:
        return date(self.year, 1, 1)

    @property
    def end(self) -> date:
        return date(self.year, 12, 31)


def report_template(year: int) -> str:
    """The template version of a report on ``year``: 2019 template up to 2020, 2021 template from 2021."""
    return template_for_year(year) or "2019"


def counted_q(period: Period) -> Q:
    """The applications that take part in the year's table 3: received (收到申请之日 known) by 31 December and
    not closed before 1 January."""
    return Q(received_on__isnull=False, received_on__lte=period.end) & (
        Q(closed_on__isnull=True) | Q(closed_on__gte=period.start)
    )


def measure_q(measure: Measure, period: Period) -> Q:
    """The predicate of one population, to be combined with :func:`counted_q`."""
    if measure is Measure.RECEIVED:
        return Q(received_on__gte=period.start, received_on__lte=period.end)
    if measure is Measure.CARRIED_IN:
        return Q(received_on__lt=period.start)
    if measure is Measure.HANDLED:
        return Q(closed_on__gte=period.start, closed_on__lte=period.end)
    return Q(closed_on__isnull=True) | Q(closed_on__gt=period.end)


#: Row keys of table 3 that are populations rather than outcome rows.
MEASURE_ROWS: dict[str, Measure] = {
    "received": Measure.RECEIVED,
    "carried_in": Measure.CARRIED_IN,
    "carried_out": Measure.CARRIED_OUT,
}
TOTAL_ROW = "total"


@cache
def row_outcomes(template: str) -> dict[str, tuple[str, ...]]:
    """Outcome row key → the outcome values counted in it, for one template version (in template order)."""
    rows = get_template(template).s3_outcome_rows
    out: dict[str, list[str]] = {row: [] for row in rows}
    for outcome in Outcome:
        row = outcome.row(template)
        if row not in out:  # pragma: no cover - the catalogue is tested against both templates
            raise ReportError(f"办理结果 {outcome} 在 {template} 年版模板中没有对应的行 {row}")
        out[row].append(outcome.value)
    return {row: tuple(values) for row, values in out.items()}


@dataclass(frozen=True, slots=True)
class S3Cell:
    """A table-3 cell code taken apart: its row key, column key and the population it belongs to."""

    code: str
    row: str
    column: str

    @property
    def measure(self) -> Measure:
        return MEASURE_ROWS.get(self.row, Measure.HANDLED)

    @property
    def applicant_types(self) -> tuple[str, ...]:
        """The applicant types counted in the column (all six for 总计)."""
        return APPLICANT_TYPES if self.column == "total" else (self.column,)


def parse_s3_code(code: str, template: str) -> S3Cell:
    """``s3.denied.state_secret.natural`` → row ``denied.state_secret``, column ``natural``; ReportError for
    a code that is not a table-3 cell of ``template``."""
    spec = get_template(template).by_code.get(code)
    if spec is None or spec.table != 3:
        raise ReportError(f"{code!r} 不是 {template} 年版模板表三的单元格")
    return S3Cell(code=code, row=spec.row, column=spec.column)


def s3_cell_q(code: str, period: Period) -> Q:
    """The exact predicate of the applications counted in one table-3 cell of ``period``'s report (the
    drill-down filter; the counting query evaluates the same ``Q`` objects)."""
    template = report_template(period.year)
    cell = parse_s3_code(code, template)
    q = counted_q(period) & measure_q(cell.measure, period)
    if cell.measure is Measure.HANDLED:
        outcomes = row_outcomes(template).get(cell.row) if cell.row != TOTAL_ROW else OUTCOME_VALUES
        q &= Q(outcome__in=outcomes)
    return q & Q(applicant_type__in=cell.applicant_types)


def s3_codes(template: str) -> tuple[str, ...]:
    """Every table-3 code of ``template`` in template order."""
    return tuple(c.code for c in get_template(template).table_cells(3))


class Uncounted(StrEnum):
    """Applications of the year that table 3 does not (or cannot) count, shown beside the computed report."""

    PENDING_RECEIPT = "pending_receipt"
    CLOSED_UNRECEIVED = "closed_unreceived"
    NO_OUTCOME = "no_outcome"
    BAD_TYPE = "bad_type"

    @property
    def label(self) -> str:
        return _UNCOUNTED_LABELS[self]


_UNCOUNTED_LABELS: dict[Uncounted, str] = {
    Uncounted.PENDING_RECEIPT: gettext_noop("已登记、收到申请之日尚待确认的申请（确认前不计入表三）"),
    Uncounted.CLOSED_UNRECEIVED: gettext_noop("收到申请之日确定之前即已办结的申请（如确认前撤回，不计入表三）"),
    Uncounted.NO_OUTCOME: gettext_noop("本年办结但没有有效办理结果的申请（无法计入办理结果各行）"),
    Uncounted.BAD_TYPE: gettext_noop("申请人类型不是表三任何一列的申请（无法计入）"),
}


def uncounted_q(kind: Uncounted, period: Period) -> Q:
    """The predicate of one kind of uncounted application (registered by 31 December)."""
    registered = Q(registered_on__lte=period.end)
    if kind is Uncounted.PENDING_RECEIPT:
        return registered & Q(received_on__isnull=True, closed_on__isnull=True)
    if kind is Uncounted.CLOSED_UNRECEIVED:
        return registered & Q(received_on__isnull=True, closed_on__gte=period.start, closed_on__lte=period.end)
    if kind is Uncounted.NO_OUTCOME:
        return counted_q(period) & measure_q(Measure.HANDLED, period) & ~Q(outcome__in=OUTCOME_VALUES)
    return counted_q(period) & ~Q(applicant_type__in=APPLICANT_TYPES)


__all__ = [
    "APPLICANT_TYPES",
    "MEASURE_ROWS",
    "OUTCOME_VALUES",
    "S3_COLUMNS",
    "TOTAL_ROW",
    "Measure",
    "Period",
    "S3Cell",
    "Uncounted",
    "counted_q",
    "measure_q",
    "parse_s3_code",
    "report_template",
    "row_outcomes",
    "s3_cell_q",
    "s3_codes",
    "uncounted_q",
]
