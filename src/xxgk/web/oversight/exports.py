"""Downloads of the combined report: XLSX (the combined tables as the report engine writes them, plus a sheet of
every subordinate body's status and findings and a sheet of each included body's key figures), and DOCX, PDF,
HTML, JSON of the combined tables (:func:`xxgk.render.render`). The XLSX is deterministic like the engine's: the
same data always gives the same bytes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from xxgk.core.cellsafe import put_value
from xxgk.core.model import Number
from xxgk.render import render
from xxgk.render.xlsx_renderer import build_workbook
from xxgk.render.zipfix import workbook_bytes
from xxgk.web.oversight.figures import (
    APPLICANT_COLUMNS,
    APPLICANT_LABELS,
    OUTCOME_GROUPS,
    REMEDY_GROUPS,
    SUITS,
    Share,
)
from xxgk.web.oversight.selectors import Combined, Overview

#: Formats offered for download, with the media type (XLSX is built here; the others by the engine).
FORMATS: dict[str, str] = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "json": "application/json",
}
SHEET_STATUS = "各机关状态"
SHEET_FIGURES = "各机关主要数据"
_BOLD = Font(bold=True)


def _value(value: object) -> object:
    """A cell value: numbers as numbers, anything else as its text (which :func:`_sheet` writes as text)."""
    if value is None or isinstance(value, (int, float, Decimal)):
        return value
    return str(value)


def _number(value: Number | None) -> Any:
    return value  # int or Decimal (openpyxl writes Decimal as a number); None stays empty


def _share_cells(share: Share) -> list[Any]:
    percent = share.percent
    return [_number(share.part), _number(share.whole), float(percent) if percent is not None else None]


def _sheet(wb: Any, title: str, header: list[str], rows: list[list[Any]], widths: list[int]) -> None:
    ws = wb.create_sheet(title)
    ws.append(header)
    for cell in ws[1]:
        cell.font = _BOLD
    for number, row in enumerate(rows, start=2):
        for col, value in enumerate(row, start=1):
            # text never taken for a formula (a name starting with ``=`` stays text, quote-prefixed), without the
            # control characters a worksheet cannot hold (openpyxl would raise)
            put_value(ws.cell(row=number, column=col), _value(value))
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"


def combined_xlsx(*, combined: Combined, overview: Overview) -> bytes:
    """The XLSX download (see the module docstring); ``combined.report`` must exist."""
    report = combined.report
    if report is None:
        raise ValueError("no combined report")
    wb = build_workbook(report)
    status_rows: list[list[Any]] = []
    for row in overview.rows:
        status_rows.append(
            [
                row.body.code,
                row.body.name,
                row.kind_label,
                row.parent.name if row.parent is not None else "",
                row.status.label,
                row.published_on.isoformat() if row.published_on else "",
                row.version,
                "是" if row.late else "",
                row.errors,
                row.warnings,
                row.external.filename if row.external is not None and row.status.value == "external" else "",
            ]
        )
    _sheet(
        wb,
        SHEET_STATUS,
        ["代码", "机关", "类型", "上级机关", "状态", "公开日期", "版本", "逾期", "错误", "警告", "外部导入文件"],
        status_rows,
        [18, 36, 16, 30, 18, 12, 6, 6, 6, 6, 30],
    )
    figure_rows: list[list[Any]] = []
    for item, figures in zip(combined.included, combined.body_figures, strict=True):
        figure_rows.append(
            [
                item.body.code,
                item.body.name,
                "外部导入" if item.external is not None else "本系统",
                *[_number(figures.received[c]) for c in (*APPLICANT_COLUMNS, "total")],
                _number(figures.carried_in),
                *[_number(figures.outcomes[g]) for g in (*OUTCOME_GROUPS, "total")],
                _number(figures.carried_out),
                *[v for g in (*REMEDY_GROUPS, SUITS) for v in _share_cells(figures.corrected[g])],
            ]
        )
    remedy_labels = {**REMEDY_GROUPS, SUITS: "行政诉讼合计"}
    header = [
        "代码",
        "机关",
        "来源",
        *[f"新收·{APPLICANT_LABELS[c]}" for c in APPLICANT_COLUMNS],
        "新收·总计",
        "上年结转",
        *[f"办理结果·{label}" for label in OUTCOME_GROUPS.values()],
        "办理结果·总计",
        "结转下年度",
        *[f"{remedy_labels[g]}·{what}" for g in (*REMEDY_GROUPS, SUITS) for what in ("纠正", "审结", "纠正率%")],
    ]
    _sheet(wb, SHEET_FIGURES, header, figure_rows, [18, 36, 10, *([12] * (len(header) - 3))])
    return workbook_bytes(wb)  # build_workbook fixed the document times: the same data gives the same bytes


def combined_file(*, combined: Combined, overview: Overview, fmt: str) -> bytes:
    """The download in ``fmt`` (a key of :data:`FORMATS`)."""
    if fmt == "xlsx":
        return combined_xlsx(combined=combined, overview=overview)
    report = combined.report
    if report is None:
        raise ValueError("no combined report")
    return render(report, fmt)
