"""The key figures a supervisor reads off a report (one body's or a combined one): applications by applicant type,
results grouped as the template groups them, and the share of decided reviews and suits whose result was
corrected. Pure: a :class:`~xxgk.core.model.Report` in, numbers out.

* 本年新收 by applicant type: ``s3.received.<column>``, the six applicant columns and the total;
* 办理结果 by group: the ``.total`` column of every outcome row, summed per group — （一）予以公开,
  （二）部分公开, （三）不予公开 (all reasons), （四）无法提供, （五）不予处理, （六）其他处理 (one row in the
  2019 template, three in the 2021 template) — plus （七）总计;
* 纠正 share per table-4 group (行政复议, 行政诉讼·未经复议直接起诉, 行政诉讼·复议后起诉, and the two suits
  together): 结果纠正 ÷ (结果维持 + 结果纠正 + 其他结果), the cases decided in the year (尚未审结 are not
  decided). No decided case: no share.

A figure whose cells are not all numbers (blank, unreadable, or not summed in a combined report) is ``None``:
never a guess.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from xxgk.core.model import Number, Report
from xxgk.core.templates import S3_COLUMN_LABELS, get_template

#: The applicant columns of table 3 (without the total), in template order.
APPLICANT_COLUMNS: tuple[str, ...] = ("natural", "business", "research", "nonprofit", "legal", "other_org")
APPLICANT_LABELS: dict[str, str] = {
    **{c: S3_COLUMN_LABELS[c] for c in APPLICANT_COLUMNS},
    "other_org": "其他组织",  # "其他" under 法人或其他组织
}
#: The result groups of table 3: first part of the row code → label.
OUTCOME_GROUPS: dict[str, str] = {
    "granted": "予以公开",
    "partial": "部分公开",
    "denied": "不予公开",
    "unable": "无法提供",
    "not_processed": "不予处理",
    "other": "其他处理",
}
#: Table-4 groups → label; ``suits`` is the two suit groups together.
REMEDY_GROUPS: dict[str, str] = {
    "review": "行政复议",
    "suit_direct": "行政诉讼（未经复议直接起诉）",
    "suit_after_review": "行政诉讼（复议后起诉）",
}
#: Short labels for charts.
REMEDY_SHORT: dict[str, str] = {
    "review": "行政复议",
    "suit_direct": "诉讼·直接起诉",
    "suit_after_review": "诉讼·复议后起诉",
    "suits": "行政诉讼合计",
}
SUITS = "suits"
SUITS_LABEL = "行政诉讼（合计）"
DECIDED_COLUMNS: tuple[str, ...] = ("upheld", "corrected", "other")


@dataclass(frozen=True, slots=True)
class Share:
    """``part`` of ``whole`` (纠正 of 审结); ``percent`` is ``None`` when nothing was decided or not known."""

    part: Number | None
    whole: Number | None

    @property
    def percent(self) -> Decimal | None:
        if self.part is None or self.whole is None or self.whole == 0:
            return None
        return (Decimal(self.part) * 100 / Decimal(self.whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def note(self) -> str:
        if self.part is None or self.whole is None:
            return "数据不全"
        return f"纠正 {self.part} / 审结 {self.whole}"


@dataclass(frozen=True, slots=True)
class KeyFigures:
    """The figures of one report (see the module docstring)."""

    year: int | None
    template: str
    #: Applicant column (and ``"total"``) → 本年新收.
    received: dict[str, Number | None]
    #: ``OUTCOME_GROUPS`` key (and ``"total"``: （七）总计) → applications handled in the year with that result.
    outcomes: dict[str, Number | None]
    carried_in: Number | None
    carried_out: Number | None
    #: ``REMEDY_GROUPS`` key (and ``SUITS``) → corrected share.
    corrected: dict[str, Share]

    @property
    def received_total(self) -> Number | None:
        return self.received.get("total")

    @property
    def handled_total(self) -> Number | None:
        return self.outcomes.get("total")


def _sum(values: Iterable[Number | None]) -> Number | None:
    total: Number = 0
    for value in values:
        if value is None:
            return None
        total += value
    return total


@lru_cache(maxsize=8)
def outcome_rows_of(template: str) -> dict[str, tuple[str, ...]]:
    """``OUTCOME_GROUPS`` key → the table-3 outcome rows of ``template`` in that group (shared: do not change)."""
    rows = get_template(template).s3_outcome_rows
    return {group: tuple(r for r in rows if r.split(".", 1)[0] == group) for group in OUTCOME_GROUPS}


def outcome_rows(report: Report) -> dict[str, tuple[str, ...]]:
    """``OUTCOME_GROUPS`` key → the table-3 outcome rows of ``report``'s template in that group."""
    return outcome_rows_of(report.template_of("s3"))


@lru_cache(maxsize=8)
def figure_codes(template: str) -> tuple[str, ...]:
    """Every cell the key figures of a report of ``template`` (table 3's version) are made of."""
    codes = [f"s3.received.{c}" for c in (*APPLICANT_COLUMNS, "total")]
    codes += [f"s3.{row}.total" for rows in outcome_rows_of(template).values() for row in rows]
    codes += ["s3.total.total", "s3.carried_in.total", "s3.carried_out.total"]
    codes += [f"s4.{group}.{c}" for group in REMEDY_GROUPS for c in ("corrected", *DECIDED_COLUMNS)]
    return tuple(dict.fromkeys(codes))


def figures_from_cells(
    *, year: int | None, template: str, cells: Mapping[str, Number | None] | Callable[[str], Number | None]
) -> KeyFigures:
    """The key figures of a report of ``template`` whose cells are ``cells`` (code → number, ``None`` or missing
    when not a number; or a function of the code): the cells of one report, or the sums of several
    (:func:`~xxgk.web.oversight.digest.sum_cells`) — the figures of their combined report."""
    value = cells if callable(cells) else cells.get
    received = {c: value(f"s3.received.{c}") for c in (*APPLICANT_COLUMNS, "total")}
    outcomes = {
        group: _sum(value(f"s3.{row}.total") for row in rows) if rows else None
        for group, rows in outcome_rows_of(template).items()
    }
    outcomes["total"] = value("s3.total.total")
    corrected: dict[str, Share] = {}
    for group in REMEDY_GROUPS:
        corrected[group] = Share(
            part=value(f"s4.{group}.corrected"),
            whole=_sum(value(f"s4.{group}.{c}") for c in DECIDED_COLUMNS),
        )
    suits = [corrected["suit_direct"], corrected["suit_after_review"]]
    corrected[SUITS] = Share(part=_sum(s.part for s in suits), whole=_sum(s.whole for s in suits))
    return KeyFigures(
        year=year,
        template=template,
        received=received,
        outcomes=outcomes,
        carried_in=value("s3.carried_in.total"),
        carried_out=value("s3.carried_out.total"),
        corrected=corrected,
    )


def key_figures(report: Report) -> KeyFigures:
    return figures_from_cells(
        year=report.year, template=report.template_of("s3"), cells=lambda code: _value(report, code)
    )


def _value(report: Report, code: str) -> Number | None:
    cell = report.cells.get(code)
    return cell.value if cell is not None and cell.is_number else None
