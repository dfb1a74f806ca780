"""Renderers: a report as JSON, Markdown, HTML (official layout), XLSX, DOCX or PDF.

One interface (``Renderer``: ``name``, ``suffix``, ``media_type``, ``render(report) -> bytes``), one registry
(``RENDERERS``), one entry point (``render(report, fmt)``). The table layout HTML, XLSX, DOCX and PDF draw is
data, built from the template's labels in ``xxgk.render.layout``. The PDF renderer imports WeasyPrint on first use.
"""

from __future__ import annotations

from xxgk.core.errors import RenderError, ReportError
from xxgk.core.model import Report
from xxgk.render import (
    docx_renderer,
    html_renderer,
    json_renderer,
    markdown_renderer,
    pdf_renderer,
    xlsx_renderer,
)
from xxgk.render.base import FunctionRenderer, Renderer, check_renderable

#: Every renderer by format name, in the order the CLI lists them.
RENDERERS: dict[str, Renderer] = {
    r.name: r
    for r in (
        json_renderer.RENDERER,
        markdown_renderer.RENDERER,
        html_renderer.RENDERER,
        xlsx_renderer.RENDERER,
        docx_renderer.RENDERER,
        pdf_renderer.RENDERER,
    )
}

#: Other names accepted for a format (file suffixes and long names).
ALIASES: dict[str, str] = {"markdown": "md", "htm": "html", "word": "docx"}


def get_renderer(fmt: str) -> Renderer:
    """The renderer of ``fmt`` (``"html"``, ``".html"``, ``"HTML"``, ``"htm"`` all work); ``RenderError`` if unknown."""
    key = fmt.strip().lower().lstrip(".") if isinstance(fmt, str) else ""
    key = ALIASES.get(key, key)
    try:
        return RENDERERS[key]
    except KeyError:
        known = "、".join(RENDERERS)
        raise RenderError(f"未知的输出格式 {fmt!r}（unknown format）；可用格式：{known}") from None


def render(report: Report, fmt: str) -> bytes:
    """Render ``report`` in format ``fmt``; every failure is a ``RenderError`` with a clear message."""
    renderer = get_renderer(fmt)
    check_renderable(report)
    try:
        return renderer.render(report)
    except RenderError:
        raise
    except ReportError as exc:
        raise RenderError(f"无法输出为 {renderer.name}：{exc.message}") from exc


__all__ = [
    "ALIASES",
    "RENDERERS",
    "FunctionRenderer",
    "RenderError",
    "Renderer",
    "check_renderable",
    "get_renderer",
    "render",
]
