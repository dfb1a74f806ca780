"""HTML: a standalone, printable HTML5 document of the report in the official layout.

The three tables are drawn from ``xxgk.render.layout`` with the template's merged cells (table 2 in blocks,
table 3 with the 3×3 勾稽 corner and three label levels, table 4 with its header tree), as plain ``<td>`` cells
like the published reports, so a parser of real-world report pages reads this output too. Every value cell
carries ``data-code`` (its cell code) and ``data-state`` (number / blank / unreadable / absent). Embedded CSS
prints on A4 with the official-document margins (GB/T 9704) and CJK fonts. All report text is escaped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

from xxgk.core.model import CellState, Report
from xxgk.render.base import FunctionRenderer
from xxgk.render.common import (
    OUTLINE,
    cell_of,
    cell_text,
    narrative_paragraphs,
    one_line,
    report_title,
    table_remarks,
    template_description,
)
from xxgk.render.layout import LayoutCell, LayoutRow, RowKind, TableLayout, report_layout

CSS = """\
@page { size: A4; margin: 37mm 26mm 35mm 28mm; }
html { background: #fff; color: #000; }
body {
  margin: 0 auto; max-width: 156mm; padding: 12mm 0;
  font-family: "仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong", "STFangsong", "Noto Serif CJK SC", serif;
  font-size: 16pt; line-height: 1.75;
}
h1 {
  font-family: "方正小标宋简体", "方正小标宋_GBK", "Noto Serif CJK SC", serif;
  font-size: 22pt; font-weight: normal; text-align: center; line-height: 1.5; margin: 0 0 1em;
}
h2 {
  font-family: "黑体", "SimHei", "Noto Sans CJK SC", sans-serif;
  font-size: 16pt; font-weight: normal; margin: 1em 0 0.5em; text-indent: 2em;
}
p { margin: 0; text-indent: 2em; text-align: justify; }
p.meta { text-indent: 0; text-align: center; font-size: 12pt; margin-bottom: 1em; }
table.xxgk-table {
  width: 100%; border-collapse: collapse; table-layout: fixed; margin: 0.5em 0;
  font-size: 10.5pt; line-height: 1.4;
}
table.xxgk-table td {
  border: 0.5pt solid #000; padding: 2pt 2pt; vertical-align: middle; text-align: center; overflow-wrap: anywhere;
}
table.xxgk-table td.label { text-align: left; }
table.xxgk-table td.note { font-size: 9pt; }
table.xxgk-table td.num { text-align: center; white-space: nowrap; }
table.xxgk-table td.unreadable { font-weight: bold; }
table.xxgk-table thead { display: table-header-group; }
table.xxgk-table tr { break-inside: avoid; page-break-inside: avoid; }
.notes { font-size: 10.5pt; line-height: 1.5; margin: 0.3em 0 0.8em; padding-left: 2em; }
.notes li { margin: 0; }
p.absent-table { text-indent: 2em; color: #444; }
@media screen {
  html { background: #eee; }
  body { background: #fff; max-width: 210mm; padding: 25mm 26mm 25mm 28mm; box-sizing: border-box; }
  table.xxgk-table td.unreadable { background: #fff3cd; }
}
"""


def _attrs(**attrs: str | int | None) -> str:
    """HTML attributes (escaped, values quoted); ``None`` values and spans of 1 are left out."""
    out = []
    for key, value in attrs.items():
        if value is None or (key in ("colspan", "rowspan") and value == 1):
            continue
        out.append(f' {key.rstrip("_").replace("_", "-")}="{escape(str(value), quote=True)}"')
    return "".join(out)


def value_td(report: Report, cell: LayoutCell, code: str) -> str:
    """A value cell: its text, code, state and (for blank/unreadable cells with a reason) the reason as a tooltip."""
    data = cell_of(report, code)
    classes = "num" if data.state is not CellState.UNREADABLE else "num unreadable"
    note = one_line(data.note) if data.note else None
    return (
        f"<td{_attrs(colspan=cell.colspan, rowspan=cell.rowspan, class_=classes)}"
        f"{_attrs(data_code=code, data_state=data.state.value, title=note)}>"
        f"{escape(cell_text(data))}</td>"
    )


def label_td(cell: LayoutCell) -> str:
    attrs = _attrs(colspan=cell.colspan, rowspan=cell.rowspan, class_=cell.role.value)
    return f"<td{attrs}>{escape(cell.text)}</td>"


#: Share of the page width taken by the label columns of each table (the rest is split among the values).
_LABEL_SHARE: dict[str, tuple[float, ...]] = {"s2": (28.0,), "s3": (9.0, 11.0, 25.0), "s4": ()}


def colgroup_html(table: TableLayout) -> str:
    """Column widths: the label columns get their share, the value columns split the rest evenly."""
    labels = _LABEL_SHARE.get(table.section, ())[: table.width]
    rest = (100.0 - sum(labels)) / (table.width - len(labels))
    widths = [*labels, *([rest] * (table.width - len(labels)))]
    return "<colgroup>" + "".join(f'<col style="width:{w:.2f}%">' for w in widths) + "</colgroup>"


def table_tag(table: TableLayout) -> str:
    """The ``<table>`` start tag: the table's section and template version."""
    return f"<table{_attrs(class_='xxgk-table', data_section=table.section, data_template=table.version)}>"


def row_html(report: Report, table: TableLayout, row: LayoutRow) -> str:
    """One ``<tr>`` of its kind (block / header / data); the data rows of tables 2 and 3 carry their key."""
    cells = "".join(value_td(report, c, c.code) if c.code is not None else label_td(c) for c in row.cells)
    row_key = f"{table.section}.{row.key}" if row.kind is RowKind.DATA and table.section != "s4" else None
    return f"<tr{_attrs(class_=row.kind.value, data_row=row_key)}>{cells}</tr>"


def table_html(report: Report, table: TableLayout) -> str:
    """One table in the official layout; header rows in ``<thead>`` so they repeat on every printed page."""
    lines = [table_tag(table), colgroup_html(table)]
    head = table.header_rows
    for i, row in enumerate(table.rows):
        if i == 0 and head:
            lines.append("<thead>")
        if i == head:
            lines.append("<tbody>")
        lines.append(row_html(report, table, row))
        if i == head - 1:
            lines.append("</thead>")
    lines.append("</tbody>")
    lines.append("</table>")
    return "\n".join(lines)


def notes_html(report: Report, section: str) -> str:
    """Remarks under a table (``table_remarks``): absent table, unreadable cells, amounts without unit, rows the
    template does not have; a remark on one cell carries its code."""
    items = [
        f"<li{_attrs(data_code=r.note.code if r.note else None)}>{escape(r.text)}</li>"
        for r in table_remarks(report, section)
    ]
    if not items:
        return ""
    return '<ul class="notes">\n' + "\n".join(items) + "\n</ul>"


def narrative_html(text: str) -> str:
    return "\n".join(f"<p>{escape(p)}</p>" for p in narrative_paragraphs(text))


def section_html(key: str, heading: str, body: str) -> str:
    return f'<section id="{escape(key)}">\n<h2>{escape(heading)}</h2>\n{body}\n</section>'


def sections_html(report: Report, draw_table: Callable[[Report, TableLayout], str]) -> list[str]:
    """The six parts in order (each table drawn by ``draw_table``, its remarks under it), then the narrative
    sections the outline does not know."""
    tables = {t.section: t for t in report_layout(report)}
    sections = []
    for key, heading in OUTLINE:
        if key in tables:
            body = draw_table(report, tables[key])
            notes = notes_html(report, key)
            sections.append(section_html(key, heading, f"{body}\n{notes}" if notes else body))
        else:
            sections.append(section_html(key, heading, narrative_html(report.narrative.get(key, ""))))
    known = dict(OUTLINE)
    for index, key in enumerate(k for k in report.narrative if k not in known):
        sections.append(section_html(f"extra-{index + 1}", one_line(key), narrative_html(report.narrative[key])))
    return sections


def render_html_text(report: Report) -> str:
    """The report as a complete HTML5 document (a ``str``; ``render_html`` encodes it)."""
    title = report_title(report)
    sections = sections_html(report, table_html)
    meta = []
    if report.year is not None:
        meta.append(f"报告年度：{report.year}年")
    meta.append(f"表格格式：{template_description(report)}")
    head_meta = _attrs(name="xxgk:template", content=report.template)
    article_attrs = _attrs(
        class_="xxgk-report",
        data_template=report.template,
        data_year=report.year,
        data_s2_template=report.template_of("s2"),
        data_s3_template=report.template_of("s3"),
        data_s4_template=report.template_of("s4"),
    )
    head = [
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="xxgk">',
        f"<meta{head_meta}>",
    ]
    body = [
        f"<article{article_attrs}>",
        f"<h1>{escape(title)}</h1>",
        f'<p class="meta">{escape("　".join(meta))}</p>',
        *sections,
        "</article>",
    ]
    return html_document(title, head=head, css=CSS, body=body)


def html_document(title: str, *, head: Sequence[str], css: str, body: Sequence[str]) -> str:
    """A complete HTML5 document in Chinese, one element a line: ``head`` (elements after the charset), the title,
    the stylesheet ``css`` inlined, then ``body`` (the body's content)."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        *head,
        f"<title>{escape(title)}</title>",
        f"<style>\n{css}</style>",
        "</head>",
        "<body>",
        *body,
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def render_html(report: Report) -> bytes:
    return render_html_text(report).encode("utf-8")


RENDERER = FunctionRenderer("html", ".html", "text/html; charset=utf-8", render_html)
