"""Comparing two reports cell by cell (``xxgk diff A B``): two years of one body, or two versions of one report.

A cell differs when its state differs (number, blank, unreadable, absent) or its number does. Reports of
different template versions are compared over the union of their cells: a cell only one template has is
shown as "not in the template" on the other side. Notes and provenance are not compared. The metadata
(body, year, template versions, units of amounts) is compared as well.

For two consecutive years the later report is checked against the earlier with the cross-year rules (X6xx);
:func:`cross_year` says which report was taken as the previous one, or why no cross-year check was made.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from xxgk.core.findings import Finding
from xxgk.core.model import Cell, CellState, Number, Report
from xxgk.core.templates import CellSpec
from xxgk.rules.labels import cell_label

TABLES: dict[int, str] = {
    2: "二、主动公开政府信息情况",
    3: "三、收到和处理政府信息公开申请情况",
    4: "四、政府信息公开行政复议、行政诉讼情况",
}
STATE_ZH = {
    CellState.BLANK: "空白",
    CellState.UNREADABLE: "无法识别",
    CellState.ABSENT: "缺失",
}
NOT_IN_TEMPLATE = "（模板中无此格）"


@dataclass(frozen=True, slots=True)
class CellDiff:
    code: str
    table: int
    label: str
    #: The cell in A and in B; ``None`` where that report's template has no such cell.
    a: Cell | None
    b: Cell | None

    @property
    def changed(self) -> bool:
        if self.a is None or self.b is None:
            return self.a is not self.b
        return self.a.state is not self.b.state or self.a.value != self.b.value

    @property
    def difference(self) -> Number | None:
        """B − A when both are numbers."""
        if self.a is None or self.b is None or self.a.value is None or self.b.value is None:
            return None
        return self.b.value - self.a.value


@dataclass(frozen=True, slots=True)
class MetaDiff:
    field: str
    label: str
    a: str
    b: str


@dataclass
class ReportDiff:
    cells: list[CellDiff]
    meta: list[MetaDiff]

    @property
    def changed_cells(self) -> list[CellDiff]:
        return [c for c in self.cells if c.changed]

    @property
    def identical(self) -> bool:
        return not self.meta and not self.changed_cells

    def by_table(self, *, all_cells: bool = False) -> dict[int, list[CellDiff]]:
        """Cells grouped by table (2, 3, 4), only the changed ones unless ``all_cells``."""
        out: dict[int, list[CellDiff]] = {t: [] for t in TABLES}
        for c in self.cells:
            if all_cells or c.changed:
                out[c.table].append(c)
        return out


def _union(a: Report, b: Report) -> Iterator[CellSpec]:
    """Cells of both reports, table by table, in A's template order and then B's extra cells."""
    specs_a, specs_b = a.specs, b.specs
    for table in TABLES:
        seen: set[str] = set()
        for spec in (*specs_a, *specs_b):
            if spec.table == table and spec.code not in seen:
                seen.add(spec.code)
                yield spec


def _meta(report: Report) -> dict[str, tuple[str, str]]:
    units = ", ".join(f"{code}={unit}" for code, unit in sorted(report.units.items()))
    return {
        "body": ("机关", report.body or "（未知）"),
        "year": ("年度", str(report.year) if report.year is not None else "（未知）"),
        "template": ("模板（表三）", report.template),
        "s2_template": ("表二模板", report.template_of("s2")),
        "units": ("金额单位说明", units or "（无）"),
    }


def diff(a: Report, b: Report) -> ReportDiff:
    """Every cell of either report, with A's and B's cell, and the metadata that differs."""
    cells = [
        CellDiff(spec.code, spec.table, cell_label(spec.code), a.cells.get(spec.code), b.cells.get(spec.code))
        for spec in _union(a, b)
    ]
    meta_a, meta_b = _meta(a), _meta(b)
    meta = [MetaDiff(k, meta_a[k][0], meta_a[k][1], meta_b[k][1]) for k in meta_a if meta_a[k][1] != meta_b[k][1]]
    return ReportDiff(cells=cells, meta=meta)


def format_number(value: Number) -> str:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def describe_cell(cell: Cell | None) -> str:
    """A cell as shown in a diff: its number, or 空白/无法识别/缺失, or that the template has no such cell."""
    if cell is None:
        return NOT_IN_TEMPLATE
    if cell.value is not None:
        return format_number(cell.value)
    return STATE_ZH.get(cell.state, cell.state.value)


def describe_difference(value: Number | None) -> str:
    if value is None:
        return ""
    text = format_number(value)
    return text if value < 0 else f"+{text}"


def _json_number(value: Number | None) -> int | float | str | None:
    if value is None or isinstance(value, int):
        return value
    return int(value) if value == value.to_integral_value() else float(value)


def cell_json(cell: Cell | None) -> dict[str, Any] | None:
    if cell is None:
        return None
    out: dict[str, Any] = {"state": cell.state.value, "value": _json_number(cell.value)}
    if cell.note:
        out["note"] = cell.note
    return out


def cell_diff_json(c: CellDiff) -> dict[str, Any]:
    return {
        "code": c.code,
        "label": c.label,
        "a": cell_json(c.a),
        "b": cell_json(c.b),
        "difference": _json_number(c.difference),
        "changed": c.changed,
    }


@dataclass
class CrossYear:
    """The cross-year check of a diff: which report was taken as the previous year, and the X6xx findings;
    or why no check was made (``skipped``)."""

    previous: str | None = None  # "a" or "b"
    findings: list[Finding] | None = None
    skipped: str | None = None


def cross_year(a: Report, b: Report) -> CrossYear:
    """Run the cross-year rules when the two reports are on consecutive years (the later one checked with the
    earlier as ``previous``). Whether they are of one body is the rules' own concern (X601)."""
    from xxgk.rules import check

    if a.year is None or b.year is None:
        return CrossYear(skipped="至少一份报告的年度未知，不做跨年度核对")
    if a.year == b.year:
        return CrossYear(skipped="两份报告为同一年度（同一报告的两个版本？），不做跨年度核对")
    if abs(a.year - b.year) != 1:
        return CrossYear(skipped=f"两份报告分别为{a.year}年度和{b.year}年度，不是相邻年度，不做跨年度核对")
    earlier, later, which = (a, b, "a") if a.year < b.year else (b, a, "b")
    return CrossYear(previous=which, findings=check(later, previous=earlier, select=["X"]))
