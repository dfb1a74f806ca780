"""The work list as CSV and XLSX: the same columns (:data:`~xxgk.web.cases.selectors.CSV_HEADER`), the same rows.

Both are safe against formula injection (:mod:`xxgk.core.cellsafe`): a CSV cell that a spreadsheet would read as a
formula gets a leading ``'``; an XLSX cell is written as a string (never a formula) with Excel's "quote prefix" so
that editing it does not turn it into one. The XLSX has typed cells (dates are dates), a frozen bold header, an
autofilter and column widths, and is deterministic: the same rows always give the same bytes (fixed document times,
and the ZIP entries repacked by :func:`xxgk.render.zipfix.workbook_bytes`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from xxgk.core.cellsafe import csv_text, put_text
from xxgk.render.zipfix import workbook_bytes
from xxgk.web.cases.selectors import ExportValue

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_TITLE = "申请列表"
DATE_FORMAT = "yyyy-mm-dd"
_FIXED_TIME = datetime(2000, 1, 1)  # noqa: DTZ001 - a constant stamp, not a point in time
MIN_WIDTH, MAX_WIDTH = 6, 60


def export_csv(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """The CSV text (UTF-8 BOM first, so that spreadsheet programs read the Chinese correctly)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_text(v) for v in row])
    return out.getvalue()


def _display_width(text: str) -> int:
    """Columns a text takes: East Asian wide characters count twice."""
    return sum(2 if ord(c) > 0x2E7F else 1 for c in text)


def export_xlsx(header: Sequence[str], rows: Iterable[Sequence[ExportValue]]) -> bytes:
    """The XLSX bytes of the work list (see the module docstring)."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_TITLE
    widths = [_display_width(h) for h in header]
    bold = Font(bold=True)
    for col, title in enumerate(header, start=1):
        cell = ws.cell(row=1, column=col)
        cell.value = title
        cell.data_type = "s"
        cell.font = bold
    n = 1
    for n, row in enumerate(rows, start=2):
        for col, value in enumerate(row, start=1):
            cell = ws.cell(row=n, column=col)
            if isinstance(value, date):
                cell.value = value
                cell.number_format = DATE_FORMAT
                width = 10
            elif value is None or value == "":
                continue
            else:
                text = put_text(cell, value)
                width = max(_display_width(line) for line in text.splitlines() or [""])
            widths[col - 1] = max(widths[col - 1], width)
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = min(max(width + 2, MIN_WIDTH), MAX_WIDTH)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{n}"
    props = wb.properties
    props.created = props.modified = _FIXED_TIME
    props.creator = props.lastModifiedBy = "xxgk"
    return workbook_bytes(wb)
