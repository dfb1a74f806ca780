"""PDF (WeasyPrint): the report printed in the official layout, fonts embedded, page numbers at the foot.

The PDF is printed from an HTML document made for print: the title, the six sections and the three tables with
the template's merged cells, drawn from ``xxgk.render.layout`` with the HTML renderer's own markup
(``html_renderer.sections_html`` and ``row_html``: value cells carry their code and state), styled by the print
stylesheet ``templates/print.css`` — A4 with the GB/T 9704-2012 margins, 方正小标宋 / 黑体 / 仿宋_GB2312 named
first and the installed Noto CJK fonts as fallbacks, "— N —" page numbers, table header rows repeated on every page
and never left at the foot of a page without a body row under them.

WeasyPrint embeds a subset of every font it uses. The document carries no date (WeasyPrint writes a creation or
modification date only when the HTML names one), so the same report gives the same bytes.

WeasyPrint is imported on first use, so commands that never print a PDF start fast; if it or its native libraries
(pango, harfbuzz) are missing, rendering raises :class:`~xxgk.core.errors.RenderError` with a clear message.
Debian's ``libharfbuzz-subset0`` makes font subsetting about 40 times faster (a CJK page then takes ~0.2 s).
"""

from __future__ import annotations

import threading
from functools import cache
from html import escape
from importlib import resources
from typing import Any

from xxgk.core.errors import RenderError
from xxgk.core.model import Report
from xxgk.render.base import FunctionRenderer
from xxgk.render.common import clean_text, one_line, report_title, template_description
from xxgk.render.html_renderer import colgroup_html, html_document, row_html, sections_html, table_tag
from xxgk.render.layout import RowKind, TableLayout

#: The print stylesheet, a package data file.
STYLESHEET = "print.css"

#: Shown when WeasyPrint cannot be imported (module or native libraries missing).
MISSING_WEASYPRINT = (
    "无法生成PDF：未安装 WeasyPrint 或其所需的系统库（pango、harfbuzz）。"
    "请安装 Python 包 weasyprint，并在 Debian 上安装 libpango-1.0-0、libpangoft2-1.0-0、"
    "libharfbuzz-subset0 和中文字体 fonts-noto-cjk"
)

_LOCK = threading.Lock()


@cache
def print_css() -> str:
    """The print stylesheet (``templates/print.css``)."""
    return resources.files("xxgk.render").joinpath("templates", STYLESHEET).read_text(encoding="utf-8")


def _attr(name: str, value: str) -> str:
    return f'<meta name="{name}" content="{escape(value, quote=True)}">'


def print_table_html(report: Report, table: TableLayout) -> str:
    """One table as the HTML output draws it (the same rows: ``row_html``), grouped for print:
    the leading header rows in ``<thead>`` (repeated on every page), and table 2's blocks each in a
    ``<tbody class="block">`` that the stylesheet keeps on one page, so a block's title and header rows never end
    a page without the block's rows."""
    lines = [table_tag(table), colgroup_html(table)]
    head = table.header_rows
    if head:
        lines += ["<thead>", *(row_html(report, table, row) for row in table.rows[:head]), "</thead>"]
    groups: list[tuple[bool, list[str]]] = []  # (a table-2 block?, its rows)
    for row in table.rows[head:]:
        if not groups or row.kind is RowKind.BLOCK:
            groups.append((row.kind is RowKind.BLOCK, []))
        groups[-1][1].append(row_html(report, table, row))
    for block, rows in groups:
        lines += ['<tbody class="block">' if block else "<tbody>", *rows, "</tbody>"]
    lines.append("</table>")
    return "\n".join(lines)


def print_html(report: Report) -> str:
    """The HTML document the PDF is printed from (the print stylesheet inlined)."""
    title = report_title(report)
    sections = sections_html(report, print_table_html)
    meta = [_attr("generator", "xxgk"), _attr("description", template_description(report))]
    if report.body and one_line(report.body):
        meta.append(_attr("author", one_line(report.body)))
    return html_document(title, head=meta, css=print_css(), body=[f"<h1>{escape(title)}</h1>", *sections])


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
    document = clean_text(print_html(report))  # e.g. lone surrogates: no PDF text can hold them
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
