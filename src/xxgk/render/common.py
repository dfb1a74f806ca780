"""Small pure helpers shared by every renderer: titles, headings, number and cell text, narrative paragraphs and
the remarks printed under each table.

Nothing here knows an output format; each renderer escapes the strings it gets for its own syntax.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from xxgk.core.errors import RenderError
from xxgk.core.model import ABSENT, NARRATIVE_SECTIONS, UNIT_UNSTATED, Cell, CellState, ExtraRow, Report
from xxgk.core.templates import CellKind, get_template
from xxgk.render.layout import TABLE_HEADINGS, full_label

#: The notices that issued each template version (printed in document metadata).
TEMPLATE_NAMES: dict[str, str] = {
    "2019": "国办公开办函〔2019〕60号",
    "2021": "国办公开办函〔2021〕30号",
}

#: The six parts of the report in their official order: narrative keys and table sections.
OUTLINE: tuple[tuple[str, str], ...] = (
    ("overall", NARRATIVE_SECTIONS["overall"]),
    ("s2", TABLE_HEADINGS["s2"]),
    ("s3", TABLE_HEADINGS["s3"]),
    ("s4", TABLE_HEADINGS["s4"]),
    ("problems", NARRATIVE_SECTIONS["problems"]),
    ("other", NARRATIVE_SECTIONS["other"]),
)

#: What an unreadable cell prints as, in every human-readable format.
UNREADABLE_MARK = "?"

#: Remark for an amount printed without unit.
UNSTATED_NOTE = "原报告未注明金额单位，按原数字照录（未换算为万元）"
#: Remark under a table the report does not print at all.
ABSENT_TABLE_REMARK = "原报告未列出此表，表中各格均为空。"
#: Remark under a table with an unreadable cell: what the mark means.
UNREADABLE_REMARK = f"“{UNREADABLE_MARK}”表示原报告中无法准确识别的单元格。"

#: Amounts with more fractional digits than this are float noise (万元 to 0.01 元 needs 6).
_MAX_DECIMALS = 8

_WS_RE = re.compile(r"\s+")
_LINE_SPLIT_RE = re.compile(r"\r\n|\r|\n|\u2028|\u2029")
#: Characters that are not allowed in XML 1.0 (and so in XLSX/HTML text), lone UTF-16 surrogates among them (a JSON
#: report may carry them; no XML, UTF-8 or PDF can hold them); removed from untrusted strings.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def clean_text(text: str) -> str:
    """Drop control characters that no output format can carry (untrusted text may hold them)."""
    return _CONTROL_RE.sub("", text)


def one_line(text: str) -> str:
    """Collapse all whitespace (newlines included) to single spaces: for titles and table labels."""
    return _WS_RE.sub(" ", clean_text(text)).strip()


def report_title(report: Report) -> str:
    """The report's title as printed, or the standard title built from body and year."""
    if report.title and report.title.strip():
        return one_line(report.title)
    body = one_line(report.body) if report.body else ""
    year = f"{report.year}年" if report.year is not None else ""
    return f"{body}{year}政府信息公开工作年度报告"


def template_description(report: Report) -> str:
    """The template(s) the tables follow, e.g. ``国办公开办函〔2021〕30号``; mixed reports name each table's."""
    versions = {section: report.template_of(section) for section in ("s2", "s3", "s4")}
    if len(set(versions.values())) == 1:
        return TEMPLATE_NAMES[report.template]
    return "；".join(f"{TABLE_HEADINGS[s]}：{TEMPLATE_NAMES[v]}" for s, v in versions.items())


def format_number(value: int | Decimal) -> str:
    """A number as the report prints it: integers plainly, amounts without float noise or exponents."""
    if isinstance(value, bool):
        raise RenderError(f"单元格的值不是数字：{value!r}")
    if isinstance(value, int):
        return str(value)
    if not isinstance(value, Decimal) or not value.is_finite():
        raise RenderError(f"单元格的值不是数字：{value!r}")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -_MAX_DECIMALS:
        value = value.quantize(Decimal(1).scaleb(-_MAX_DECIMALS)).normalize()
    if value == 0:
        value = abs(value)  # no "-0"
    return format(value, "f")


def cell_of(report: Report, code: str) -> Cell:
    """The report's cell, ``ABSENT`` when the report does not hold the code (never raises)."""
    return report.cells.get(code, ABSENT)


def cell_text(cell: Cell) -> str:
    """What a cell prints as in a table: the number, nothing (blank, absent) or ``?`` (unreadable)."""
    if cell.state is CellState.NUMBER and cell.value is not None:
        return format_number(cell.value)
    if cell.state is CellState.UNREADABLE:
        return UNREADABLE_MARK
    return ""


def is_unstated(report: Report, code: str) -> bool:
    """True when the report states no unit for this amount cell (kept as printed, not 万元)."""
    return report.units.get(code) == UNIT_UNSTATED


def narrative_paragraphs(text: str) -> list[str]:
    """A narrative section split into paragraphs: one per non-empty line (blank lines separate nothing more)."""
    out: list[str] = []
    for line in _LINE_SPLIT_RE.split(clean_text(text)):
        stripped = line.strip(" \t\u3000\u00a0")
        if stripped:
            out.append(stripped)
    return out


@dataclass(frozen=True, slots=True)
class CellNote:
    """A remark printed under a table: an unreadable cell, an amount without unit, and so on."""

    code: str
    label: str
    text: str


def table_notes(report: Report, section: str) -> list[CellNote]:
    """Notes for one table: unreadable cells (with the parser's reason) and amounts whose unit is unstated."""
    notes: list[CellNote] = []
    template = get_template(report.template_of(section))
    for spec in report.specs:
        if spec.section != section:
            continue
        cell = cell_of(report, spec.code)
        label = full_label(template, spec, unstated=is_unstated(report, spec.code))
        if cell.state is CellState.UNREADABLE:
            reason = f"：{one_line(cell.note)}" if cell.note else ""
            notes.append(CellNote(spec.code, label, f"原报告此处无法准确识别，记为“{UNREADABLE_MARK}”{reason}"))
        if spec.kind is CellKind.AMOUNT and is_unstated(report, spec.code):
            notes.append(CellNote(spec.code, label, UNSTATED_NOTE))
    return notes


def section_is_absent(report: Report, section: str) -> bool:
    """True when no cell of the table is in the report (the table was not printed at all)."""
    return all(cell_of(report, s.code).state is CellState.ABSENT for s in report.specs if s.section == section)


def any_unreadable(report: Report, notes: Sequence[CellNote]) -> bool:
    """True when one of the noted cells is unreadable (the remarks then say what ``?`` means)."""
    return any(cell_of(report, n.code).state is CellState.UNREADABLE for n in notes)


def extra_row_remark(row: ExtraRow, *, text: Callable[[str], str] = one_line) -> str:
    """The remark on a row the template does not have: its label and values, each passed through ``text``
    (a format's own escaping; one line by default)."""
    values = "、".join(text(v) for v in row.values) or "（无数值）"
    return f"表中另有模板以外的行“{text(row.label)}”：{values}"


@dataclass(frozen=True, slots=True)
class Remark:
    """One remark under a table, as ``text``. ``note`` is the cell's note for a remark on one cell (``text`` is
    then ``label：note``); ``general`` marks a remark on the whole table (it is absent, what ``?`` means), which
    the plain-text formats print after ``注：``."""

    text: str
    note: CellNote | None = None
    general: bool = False


def table_remarks(report: Report, section: str) -> list[Remark]:
    """Everything printed under a table, in order: that the table is absent, what ``?`` means (when a cell is
    unreadable), each cell's note (``table_notes``), each row the template does not have."""
    remarks: list[Remark] = []
    if section_is_absent(report, section):
        remarks.append(Remark(ABSENT_TABLE_REMARK, general=True))
    notes = table_notes(report, section)
    if any_unreadable(report, notes):
        remarks.append(Remark(UNREADABLE_REMARK, general=True))
    remarks += [Remark(f"{n.label}：{n.text}", note=n) for n in notes]
    remarks += [Remark(extra_row_remark(row)) for row in report.extra_rows if row.section == section]
    return remarks


def remark_lines(report: Report, section: str, *, codes: bool = False) -> list[str]:
    """The remarks under a table as plain lines (XLSX, DOCX): remarks on the whole table after ``注：``;
    ``codes``: each noted cell's code in brackets after its label."""
    lines: list[str] = []
    for remark in table_remarks(report, section):
        if remark.general:
            lines.append(f"注：{remark.text}")
        elif remark.note is not None and codes:
            lines.append(f"{remark.note.label}（{remark.note.code}）：{remark.note.text}")
        else:
            lines.append(remark.text)
    return lines
