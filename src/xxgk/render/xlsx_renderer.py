"""XLSX (openpyxl): one workbook per report.

Sheets, in order:

* ``概况`` — title, body, year, template version(s), format, the narrative sections;
* ``主动公开``, ``申请情况``, ``复议诉讼`` — tables 2, 3 and 4 in the official layout, drawn from the same
  ``xxgk.render.layout`` description as the HTML (merged cells included); numbers are numbers, amounts carry a
  number format with exactly their printed decimals (no float noise); unreadable cells hold ``?``;
* ``单元格`` — the machine-readable form: one row per cell code with label, value, state, note, unit and source.

Output is deterministic: the workbook's created/modified properties are fixed and the ZIP entries carry a fixed
timestamp, so the same report always gives the same bytes. Report text is written as text, never as a formula
(a body name starting with ``=`` stays a string, quote-prefixed as Excel does for typed text: ``xxgk.core.cellsafe``),
with control characters removed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from xxgk.core.cellsafe import put_value
from xxgk.core.model import UNIT_UNSTATED, CellState, Report
from xxgk.core.templates import CellKind, get_template
from xxgk.render.base import FunctionRenderer
from xxgk.render.common import (
    OUTLINE,
    UNREADABLE_MARK,
    cell_of,
    clean_text,
    format_number,
    one_line,
    remark_lines,
    report_title,
    template_description,
)
from xxgk.render.layout import Role, TableLayout, full_label, place, report_layout
from xxgk.render.zipfix import workbook_bytes

SHEET_OVERVIEW = "概况"
SHEET_CELLS = "单元格"
#: Sheet name of each table.
TABLE_SHEETS: dict[str, str] = {"s2": "主动公开", "s3": "申请情况", "s4": "复议诉讼"}
#: Row (1-based) where each table sheet's table starts; row 1 holds the table's heading.
TABLE_FIRST_ROW = 2
#: Header of the ``单元格`` sheet.
CELLS_HEADER: tuple[str, ...] = ("code", "table", "label", "value", "state", "note", "unit", "source")

#: Fixed workbook timestamps (determinism; the ZIP entries' timestamp is ``zipfix.ZIP_TIME``).
FIXED_TIME = datetime(2000, 1, 1, tzinfo=UTC)
#: Excel refuses longer cell texts.
_MAX_CELL_TEXT = 32767

_FONT = "仿宋_GB2312"
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
_TOP_LEFT = Alignment(horizontal="left", vertical="top", wrap_text=True)
_COLUMN_WIDTHS: dict[str, list[float]] = {
    "s2": [24, 18, 18, 18],
    "s3": [8, 14, 34, 9, 9, 9, 11, 11, 9, 9],
}
_DEFAULT_WIDTH = 9.0


def _text(value: str) -> str:
    return clean_text(value)[:_MAX_CELL_TEXT]


def put(ws: Any, row: int, col: int, value: object) -> Any:
    """Write one cell: strings always as text (:func:`xxgk.core.cellsafe.put_value`: never a formula, with Excel's
    quote prefix when one starts like a formula, so that editing the cell does not make it one), numbers as
    numbers."""
    cell = ws.cell(row=row, column=col)
    put_value(cell, _text(value) if isinstance(value, str) else value)
    return cell


def excel_number(value: int | Decimal) -> tuple[int | float, str]:
    """A cell value as an Excel number and its number format (exactly the decimals ``format_number`` prints)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value, "0"
    text = format_number(value)
    decimals = len(text.split(".", 1)[1]) if "." in text else 0
    return float(text), "0." + "0" * decimals if decimals else "0"


def table_sheet(wb: Any, report: Report, table: TableLayout) -> None:
    """One table in the official layout: heading in row 1, the table (merged like the template) from row 2."""
    ws = wb.create_sheet(TABLE_SHEETS[table.section])
    heading = put(ws, 1, 1, table.heading)
    heading.font = Font(name="黑体", size=12)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=table.width)
    font = Font(name=_FONT, size=10.5)
    last_row = TABLE_FIRST_ROW
    for placed in place(table):
        top, left = TABLE_FIRST_ROW + placed.row, 1 + placed.col
        bottom, right = top + placed.cell.rowspan - 1, left + placed.cell.colspan - 1
        last_row = max(last_row, bottom)
        layout_cell = placed.cell
        if layout_cell.code is not None:
            data = cell_of(report, layout_cell.code)
            if data.state is CellState.NUMBER and data.value is not None:
                number, number_format = excel_number(data.value)
                target = put(ws, top, left, number)
                target.number_format = number_format
            else:
                target = put(ws, top, left, UNREADABLE_MARK if data.state is CellState.UNREADABLE else None)
            target.alignment = _CENTER
        else:
            target = put(ws, top, left, layout_cell.text)
            target.alignment = _LEFT if layout_cell.role is Role.LABEL else _CENTER
        target.font = Font(name=_FONT, size=9) if layout_cell.role is Role.NOTE else font
        for r in range(top, bottom + 1):
            for c in range(left, right + 1):
                ws.cell(row=r, column=c).border = _BORDER
        if bottom > top or right > left:
            ws.merge_cells(start_row=top, start_column=left, end_row=bottom, end_column=right)
    row = last_row + 2
    for line in remark_lines(report, table.section, codes=True):
        put(ws, row, 1, line).font = Font(name=_FONT, size=10)
        row += 1
    widths = _COLUMN_WIDTHS.get(table.section, [])
    for col in range(1, table.width + 1):
        width = widths[col - 1] if col <= len(widths) else _DEFAULT_WIDTH
        ws.column_dimensions[get_column_letter(col)].width = width
    header_rows = table.header_rows
    if header_rows:
        ws.print_title_rows = f"{TABLE_FIRST_ROW}:{TABLE_FIRST_ROW + header_rows - 1}"
    _page_setup(ws, landscape=table.width > 10)


def _page_setup(ws: Any, *, landscape: bool) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def overview_sheet(wb: Any, report: Report) -> None:
    """The first sheet: what the report is (title, body, year, template) and its narrative sections."""
    ws = wb.active
    ws.title = SHEET_OVERVIEW
    rows: list[tuple[str, object]] = [
        ("标题", report_title(report)),
        ("机关", one_line(report.body) if report.body else None),
        ("年度", report.year),
        ("模板", report.template),
        ("主动公开表模板", report.template_of("s2")),
        ("申请情况表模板", report.template_of("s3")),
        ("复议诉讼表模板", report.template_of("s4")),
        ("表格格式", template_description(report)),
        ("数据格式", "xxgk.report/1"),
    ]
    known = dict(OUTLINE)
    rows += [(heading, report.narrative[key]) for key, heading in OUTLINE if key in report.narrative]
    rows += [(key, text) for key, text in report.narrative.items() if key not in known]
    bold = Font(name=_FONT, size=11, bold=True)
    for i, (key, value) in enumerate(rows, start=1):
        put(ws, i, 1, key).font = bold
        cell = put(ws, i, 2, value)
        cell.font = Font(name=_FONT, size=11)
        cell.alignment = _TOP_LEFT
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 100
    _page_setup(ws, landscape=False)


def cells_sheet(wb: Any, report: Report) -> None:
    """The machine-readable list: one row per cell code of the report, in template order."""
    ws = wb.create_sheet(SHEET_CELLS)
    for col, name in enumerate(CELLS_HEADER, start=1):
        put(ws, 1, col, name).font = Font(bold=True)
    for row, spec in enumerate(report.specs, start=2):
        template = get_template(report.template_of(spec.section))
        data = cell_of(report, spec.code)
        unit = ""
        if spec.kind is CellKind.AMOUNT:
            unit = UNIT_UNSTATED if report.units.get(spec.code) == UNIT_UNSTATED else "万元"
        values: list[object] = [
            spec.code,
            spec.table,
            full_label(template, spec, unstated=unit == UNIT_UNSTATED),
            None,
            data.state.value,
            data.note or "",
            unit,
            data.source.describe() if data.source is not None else "",
        ]
        for col, value in enumerate(values, start=1):
            put(ws, row, col, value)
        if data.state is CellState.NUMBER and data.value is not None:
            number, number_format = excel_number(data.value)
            put(ws, row, 4, number).number_format = number_format
    for col, width in enumerate((36, 6, 70, 14, 11, 30, 9, 30), start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A2"


def build_workbook(report: Report) -> Any:
    """The openpyxl workbook of a report (use ``render_xlsx`` for the bytes)."""
    wb = Workbook()
    overview_sheet(wb, report)
    for table in report_layout(report):
        table_sheet(wb, report, table)
    cells_sheet(wb, report)
    props = wb.properties
    props.created = FIXED_TIME
    props.modified = FIXED_TIME
    props.creator = "xxgk"
    props.lastModifiedBy = "xxgk"
    props.title = _text(report_title(report))
    return wb


def render_xlsx(report: Report) -> bytes:
    """The workbook's bytes; the same report always gives the same bytes."""
    return workbook_bytes(build_workbook(report))


RENDERER = FunctionRenderer(
    "xlsx",
    ".xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    render_xlsx,
)
