"""A readable plain-text view of a report's three tables (``xxgk parse --format table``)."""

from __future__ import annotations

import unicodedata
from decimal import Decimal

from xxgk.core.model import Cell, CellState, Report
from xxgk.core.templates import S3_COLUMN_LABELS, S3_COLUMNS, S4_COLUMN_LABELS, S4_COLUMNS, S4_GROUP_LABELS, S4_GROUPS

MARKS = {CellState.BLANK: "空", CellState.UNREADABLE: "?", CellState.ABSENT: "缺"}


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, size: int, *, right: bool = False) -> str:
    gap = " " * max(0, size - width(text))
    return gap + text if right else text + gap


def fmt(cell: Cell) -> str:
    if cell.value is None:
        return MARKS.get(cell.state, "")
    if isinstance(cell.value, Decimal):
        return format(cell.value.normalize(), "f")
    return str(cell.value)


def grid(header: list[str], rows: list[list[str]]) -> str:
    sizes = [max(width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(pad(h, sizes[i]) for i, h in enumerate(header))]
    lines.append("  ".join("-" * s for s in sizes))
    for row in rows:
        lines.append("  ".join(pad(v, sizes[i], right=i > 0) for i, v in enumerate(row)))
    return "\n".join(lines)


def report_table(report: Report, source: str = "") -> str:
    out: list[str] = []
    year = f"{report.year}年" if report.year is not None else "年份未知"
    mixed = f"（表二 {report.template_of('s2')} 版）" if report.is_mixed else ""
    out.append(f"== {source} {report.body or '机关未知'} {year} 模板 {report.template}{mixed}")
    if report.title:
        out.append(report.title)

    t2 = report.s2_template
    out.append("\n二、主动公开政府信息情况")
    for item in t2.s2_items:
        cols = t2.s2_columns(item)
        header = ["信息内容", *(t2.s2_column_label(item, c) for c in cols)]
        row = [t2.s2_item_label(item), *(fmt(report.cells[f"s2.{item}.{c}"]) for c in cols)]
        out.append(grid(header, [row]))
    if report.units:
        out.append("单位说明: " + ", ".join(f"{k}={v}" for k, v in report.units.items()))

    t3 = report.s3_template
    out.append("\n三、收到和处理政府信息公开申请情况")
    rows = [
        [t3.s3_row_label(row).replace("/", " "), *(fmt(report.cells[f"s3.{row}.{c}"]) for c in S3_COLUMNS)]
        for row in t3.s3_rows
    ]
    out.append(grid(["", *(S3_COLUMN_LABELS[c] for c in S3_COLUMNS)], rows))

    out.append("\n四、政府信息公开行政复议、行政诉讼情况")
    rows = [[S4_GROUP_LABELS[g], *(fmt(report.cells[f"s4.{g}.{c}"]) for c in S4_COLUMNS)] for g in S4_GROUPS]
    out.append(grid(["", *(S4_COLUMN_LABELS[c] for c in S4_COLUMNS)], rows))
    out.append("（空 = 未填写，? = 无法识别，缺 = 报告中没有此行）")
    return "\n".join(out) + "\n"
