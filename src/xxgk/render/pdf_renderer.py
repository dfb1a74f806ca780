"""PDF (WeasyPrint): the report printed in the official layout, fonts embedded, page numbers at the foot.

The PDF is printed from an HTML document made for print: the title, the six sections and the three tables with
the template's merged cells, drawn from ``xxgk.render.layout`` with the HTML renderer's own cell markup
(``html_renderer.value_td`` / ``label_td``: value cells carry their code and state), styled by the print stylesheet
``templates/print.css`` — A4 with the GB/T 9704-2012 margins, 方正小标宋 / 黑体 / 仿宋_GB2312 named first and the
installed Noto CJK fonts as fallbacks, "— N —" page numbers, table header rows repeated on every page and never
left at the foot of a page without a body row under them.

WeasyPrint embeds a subset of every font it uses. The document carries no date (WeasyPrint writes a creation or
modification date only when the HTML names one), so the same report gives the same bytes.

WeasyPrint is imported on first use, so commands that never print a PDF start fast; if it or its native libraries
(pango, harfbuzz) are missing, rendering raises :class:`~xxgk.core.errors.RenderError` with a clear message.
Debian's ``libharfbuzz-subset0`` makes font subsetting about 40 times faster (a CJK page then takes ~0.2 s).
"""

from __future__ import annotations

import re
import threading
from functools import cache
from html import escape
from importlib import resources
from typing import Any

from xxgk.core.errors import RenderError
from xxgk.core.model import Report
from xxgk.render.base import FunctionRenderer
from xxgk.render.common import OUTLINE, one_line, report_title, template_description
from xxgk.render.html_renderer import colgroup_html, label_td, narrative_html, notes_html, section_html, value_td
from xxgk.render.layout import RowKind, TableLayout, report_layout

#: The print stylesheet, a package data file.
STYLESHEET = "print.css"

#: Shown when WeasyPrint cannot be imported (module or native libraries missing).
MISSING_WEASYPRINT = (
    "无法生成PDF：未安装 WeasyPrint 或其所需的系统库（pango、harfbuzz）。"
    "请安装 Python 包 weasyprint，并在 Debian 上安装 libpango-1.0-0、libpangoft2-1.0-0、"
    "libharfbuzz-subset0 和中文字体 fonts-noto-cjk"
)

_LOCK = threading.Lock()
_SURROGATES_RE = re.compile("[\ud800-\udfff]")


@cache
def print_css() -> str:
    """The print stylesheet (``templates/print.css``)."""
    return resources.files("xxgk.render").joinpath("templates", STYLESHEET).read_text(encoding="utf-8")


def _attr(name: str, value: str) -> str:
    return f'<meta name="{name}" content="{escape(value, quote=True)}">'


def print_table_html(report: Report, table: TableLayout) -> str:
    """One table as the HTML output draws it (the same cells: ``value_td`` / ``label_td``), grouped for print:
    the leading header rows in ``<thead>`` (repeated on every page), and table 2's blocks each in a
    ``<tbody class="block">`` that the stylesheet keeps on one page, so a block's title and header rows never end
    a page without the block's rows."""
    section, version = escape(table.section), escape(table.version)
    lines = [f'<table class="xxgk-table" data-section="{section}" data-template="{version}">', colgroup_html(table)]
    head = table.header_rows
    groups: list[list[str]] = []
    for i, row in enumerate(table.rows):
        cells = "".join(value_td(report, c, c.code) if c.code is not None else label_td(c) for c in row.cells)
        keyed = row.kind is RowKind.DATA and table.section != "s4"
        data_row = f' data-row="{escape(f"{table.section}.{row.key}")}"' if keyed else ""
        tr = f'<tr class="{row.kind.value}"{data_row}>{cells}</tr>'
        if i < head:
            if i == 0:
                lines.append("<thead>")
            lines.append(tr)
            if i == head - 1:
                lines.append("</thead>")
            continue
        if not groups or row.kind is RowKind.BLOCK:
            groups.append([])
        groups[-1].append(tr)
    for group in groups:
        kind = ' class="block"' if group[0].startswith('<tr class="block"') else ""
        lines += [f"<tbody{kind}>", *group, "</tbody>"]
    lines.append("</table>")
    return "\n".join(lines)


def print_html(report: Report) -> str:
    """The HTML document the PDF is printed from (the print stylesheet inlined)."""
    title = report_title(report)
    tables = {t.section: t for t in report_layout(report)}
    sections = []
    for key, heading in OUTLINE:
        if key in tables:
            body = print_table_html(report, tables[key])
            notes = notes_html(report, key)
            sections.append(section_html(key, heading, f"{body}\n{notes}" if notes else body))
        else:
            sections.append(section_html(key, heading, narrative_html(report.narrative.get(key, ""))))
    known = dict(OUTLINE)
    for index, key in enumerate(k for k in report.narrative if k not in known):
        sections.append(section_html(f"extra-{index + 1}", one_line(key), narrative_html(report.narrative[key])))
    meta = [_attr("generator", "xxgk"), _attr("description", template_description(report))]
    if report.body and one_line(report.body):
        meta.append(_attr("author", one_line(report.body)))
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        *meta,
        f"<title>{escape(title)}</title>",
        f"<style>\n{print_css()}</style>",
        "</head>",
        "<body>",
        f"<h1>{escape(title)}</h1>",
        *sections,
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def _weasyprint_html() -> Any:
    """WeasyPrint's ``HTML`` class, imported on first use; ``RenderError`` if it cannot be loaded."""
    try:
        from weasyprint import HTML  # type: ignore[import-untyped]
    except (ImportError, OSError) as exc:  # OSError: cffi cannot load pango / harfbuzz
        raise RenderError(f"{MISSING_WEASYPRINT}（{type(exc).__name__}: {str(exc)[:200]}）") from None
    return HTML


def refuse_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """WeasyPrint's URL fetcher for report documents: nothing is ever fetched (the document references no file or
    URL; report text is escaped, and this keeps it so even if some text slipped through)."""
    raise ValueError(f"xxgk PDF output fetches no resources: {url[:80]}")


def render_pdf(report: Report) -> bytes:
    """The PDF's bytes; the same report always gives the same bytes."""
    document = _SURROGATES_RE.sub("", print_html(report))  # lone surrogates: no PDF text can hold them
    html_class = _weasyprint_html()
    # WeasyPrint keeps per-process caches (fonts, layout) that are not meant to be shared by threads at once.
    with _LOCK:
        try:
            data = html_class(string=document, base_url=None, url_fetcher=refuse_fetch).write_pdf()
        except Exception as exc:  # WeasyPrint and its libraries raise many kinds of error; all mean "cannot print"
            raise RenderError(f"生成PDF失败（{type(exc).__name__}: {str(exc)[:200]}）") from exc
    if not isinstance(data, bytes):
        raise RenderError("生成PDF失败：WeasyPrint 没有返回PDF数据")
    return data


RENDERER = FunctionRenderer("pdf", ".pdf", "application/pdf", render_pdf)
