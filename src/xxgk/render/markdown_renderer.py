"""Markdown: the whole report — title, the six parts in order, the three tables as pipe tables.

Markdown cannot merge cells, so every pipe table has one header row with each column's header path spelled
out (``申请人情况 / 法人或其他组织 / 商业企业``) and one row per template row with the row's full label path in the
first column (``三、本年度办理结果 / （三）不予公开 / 1.属于国家秘密``). Table 2 is printed block by block, each
block a pipe table whose header is the template's own header row (``信息内容 | 本年新制作数量 | …``). Blank and
absent cells print empty, unreadable cells as ``?`` (explained under the table); rows of which no cell is in the
report are left out. All report text is escaped, so a body name or narrative cannot inject Markdown or HTML.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from xxgk.core.model import CellState, Report
from xxgk.core.templates import get_template
from xxgk.render.base import FunctionRenderer
from xxgk.render.common import (
    OUTLINE,
    UNREADABLE_REMARK,
    any_unreadable,
    cell_of,
    cell_text,
    extra_row_remark,
    narrative_paragraphs,
    one_line,
    report_title,
    table_notes,
    template_description,
)
from xxgk.render.layout import (
    S3_NOTE,
    Role,
    RowKind,
    TableLayout,
    report_layout,
    s3_column_path,
    s3_columns,
    s3_row_path,
    s4_column_path,
)

PATH_SEPARATOR = " / "
ABSENT_TABLE = "（原报告未列出此表。）"

_MD_SPECIAL_RE = re.compile(r"([\\`*_\[\]<>|~#&])")
_MD_LINE_START_RE = re.compile(r"^(\d+)([.)])(?=\s|$)|^([-+=])")


def md_escape(text: str) -> str:
    """Escape report text for Markdown: inline syntax, raw HTML and line-start block markers."""
    escaped = _MD_SPECIAL_RE.sub(r"\\\1", text)
    return _MD_LINE_START_RE.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", escaped)


def md_cell(text: str) -> str:
    """Text for one pipe-table cell: a single line, escaped (``|`` included)."""
    return md_escape(one_line(text))


def pipe_table(header: Sequence[str], rows: Sequence[Sequence[str]], *, label_columns: int) -> list[str]:
    """A GFM pipe table; the first ``label_columns`` columns are left-aligned, the numbers right-aligned."""
    align = [":---" if i < label_columns else "---:" for i in range(len(header))]
    lines = [_pipe_row(header), _pipe_row(align)]
    lines += [_pipe_row(row) for row in rows]
    return lines


def _pipe_row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _row_present(report: Report, codes: Sequence[str]) -> bool:
    return any(cell_of(report, code).state is not CellState.ABSENT for code in codes)


def _values(report: Report, codes: Sequence[str]) -> list[str]:
    return [md_cell(cell_text(cell_of(report, code))) for code in codes]


def table2_lines(report: Report, table: TableLayout) -> list[str]:
    """Table 2 block by block: a bold block title, then the block's pipe table (its header row is the template's)."""
    lines: list[str] = []
    block_title = ""
    header: list[str] = []
    rows: list[list[str]] = []

    def flush() -> None:
        if rows:
            lines.extend([f"**{md_escape(block_title)}**", "", *pipe_table(header, rows, label_columns=1), ""])

    for row in table.rows:
        if row.kind is RowKind.BLOCK:
            flush()
            block_title, header, rows = row.cells[0].text, [], []
        elif row.kind is RowKind.HEADER:
            header = [md_cell(c.text) for c in row.cells]
        else:
            codes = [c.code for c in row.cells if c.code is not None]
            if _row_present(report, codes):
                label = next(c.text for c in row.cells if c.role is Role.LABEL)
                rows.append([md_cell(label), *_values(report, codes)])
    flush()
    return lines


def table3_lines(report: Report) -> list[str]:
    """Table 3: header paths spelled out, one row per template row with its full label path."""
    template = get_template(report.template_of("s3"))
    columns = s3_columns(template)
    header = [md_cell(S3_NOTE)] + [md_cell(PATH_SEPARATOR.join(s3_column_path(template, c))) for c in columns]
    rows: list[list[str]] = []
    for row in template.s3_rows:
        codes = [f"s3.{row}.{column}" for column in columns]
        if _row_present(report, codes):
            rows.append([md_cell(PATH_SEPARATOR.join(s3_row_path(template, row))), *_values(report, codes)])
    return [*pipe_table(header, rows, label_columns=1), ""] if rows else []


def table4_lines(report: Report) -> list[str]:
    """Table 4: fifteen columns, their header paths spelled out, one row of values."""
    specs = get_template(report.template_of("s4")).table_cells(4)
    codes = [spec.code for spec in specs]
    if not _row_present(report, codes):
        return []
    header = [md_cell(PATH_SEPARATOR.join(s4_column_path(spec))) for spec in specs]
    return [*pipe_table(header, [_values(report, codes)], label_columns=0), ""]


def notes_lines(report: Report, section: str) -> list[str]:
    """Remarks under a table: unreadable cells, amounts without unit, rows the template does not have."""
    lines: list[str] = []
    notes = table_notes(report, section)
    extra = [row for row in report.extra_rows if row.section == section]
    if not notes and not extra:
        return lines
    lead = f"注：{md_escape(UNREADABLE_REMARK)}" if any_unreadable(report, notes) else "注："
    lines += [lead, ""]
    lines += [f"- {md_cell(n.label)}（`{n.code}`）：{md_cell(n.text)}" for n in notes]
    lines += [f"- {extra_row_remark(row, text=md_cell)}" for row in extra]
    lines.append("")
    return lines


def render_markdown_text(report: Report) -> str:
    """The report as a Markdown document (a ``str``; ``render_markdown`` encodes it)."""
    tables = dict(zip(("s2", "s3", "s4"), report_layout(report), strict=True))
    lines = [f"# {md_escape(report_title(report))}", ""]
    meta = []
    if report.body:
        meta.append(f"机关：{md_cell(report.body)}")
    if report.year is not None:
        meta.append(f"报告年度：{report.year}年")
    meta.append(f"表格格式：{md_escape(template_description(report))}")
    lines += ["　".join(meta), ""]
    for key, heading in OUTLINE:
        lines += [f"## {md_escape(heading)}", ""]
        if key in tables:
            if key == "s2":
                body = table2_lines(report, tables[key])
            elif key == "s3":
                body = table3_lines(report)
            else:
                body = table4_lines(report)
            lines += body or [ABSENT_TABLE, ""]
            lines += notes_lines(report, key)
        else:
            lines += _narrative_lines(report.narrative.get(key, ""))
    for key in report.narrative:
        if key not in dict(OUTLINE):
            lines += [f"## {md_cell(key)}", "", *_narrative_lines(report.narrative[key])]
    return "\n".join(lines).rstrip("\n") + "\n"


def _narrative_lines(text: str) -> list[str]:
    out: list[str] = []
    for paragraph in narrative_paragraphs(text):
        out += [md_escape(paragraph), ""]
    return out


def render_markdown(report: Report) -> bytes:
    return render_markdown_text(report).encode("utf-8")


RENDERER = FunctionRenderer("md", ".md", "text/markdown; charset=utf-8", render_markdown)
