"""A very small, always-escaping text format for the disclosure guide ("Markdown-lite").

Blocks are separated by blank lines. A line ``## 标题`` is a heading; consecutive lines starting with ``- `` or
``* `` form a list; any other block is a paragraph with its line breaks kept. Everything is HTML-escaped first:
no tag, attribute or link written by the editor ever reaches the page.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def _block(lines: list[str]) -> str:
    out: list[str] = []
    items: list[str] = []
    para: list[str] = []

    def flush() -> None:
        if items:
            out.append("<ul>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>")
            items.clear()
        if para:
            out.append("<p>" + "<br>".join(escape(p) for p in para) + "</p>")
            para.clear()

    for raw in lines:
        line = raw.rstrip()
        if line.startswith(("## ", "### ")):
            flush()
            out.append(f"<h3>{escape(line.lstrip('#').strip())}</h3>")
        elif line.lstrip().startswith(("- ", "* ")):
            if para:
                flush()
            items.append(line.lstrip()[2:].strip())
        else:
            if items:
                flush()
            para.append(line.strip())
    flush()
    return "".join(out)


def render_text(text: str | None) -> SafeString:
    """``text`` as safe HTML (escaped; paragraphs, ``##`` headings and ``-`` lists)."""
    blocks: list[list[str]] = [[]]
    for line in (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line.strip():
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    html = "".join(_block(b) for b in blocks if b)
    return mark_safe(html)
