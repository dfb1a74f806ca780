"""Size limits of the readers: an input beyond them is refused with a clear error naming the file and the limit.

An annual report is small: a few KB of text, a few hundred KB of HTML or Word XML, fewer than a hundred table
rows and a few hundred lines. The limits leave ample room (100× the largest real report) while keeping a hostile
or mistaken input (a 500 MB log file, a page listing a whole year's documents, a generated table of a million
rows) from tying a worker up for minutes or exhausting its memory. The PDF and DOCX readers have their own
container limits (:class:`~xxgk.ingest.pdf_document.PdfSettings`, :mod:`xxgk.ingest.docx_package`).
"""

from __future__ import annotations

from xxgk.core.errors import IngestError
from xxgk.ingest.layout import Layout

#: Plain text and Markdown files.
MAX_TEXT_BYTES = 4 * 1024 * 1024
#: Web pages (Word "save as web page" exports carry a lot of markup).
MAX_HTML_BYTES = 30 * 1024 * 1024
#: Word files (DOCX, and DOC/WPS before conversion); embedded images are never decompressed.
MAX_WORD_BYTES = 100 * 1024 * 1024
#: Table rows and text lines of one document, whatever its format.
MAX_ROWS = 10_000
MAX_LINES = 50_000

TOO_BIG = "{what}过大（{size} MB，上限 {limit} MB），不像是一份年度报告，拒绝读取"
TOO_MANY_ROWS = "文档中的表格行过多（{count} 行，上限 {limit} 行），不像是一份年度报告，拒绝读取"
TOO_MANY_LINES = "文档的文字行过多（{count} 行，上限 {limit} 行），不像是一份年度报告，拒绝读取"


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".removesuffix(".0")


def check_size(data: bytes, source: str, *, limit: int, what: str) -> None:
    """Refuse ``data`` longer than ``limit`` bytes (``what``: ``"文本文件"``, ``"网页文件"`` …)."""
    if len(data) > limit:
        raise IngestError(TOO_BIG.format(what=what, size=_mb(len(data)), limit=_mb(limit)), source=source)


def check_layout(layout: Layout) -> None:
    """Refuse a layout with more rows or lines than any report has (before the assembler reads it)."""
    if len(layout.rows) > MAX_ROWS:
        raise IngestError(TOO_MANY_ROWS.format(count=len(layout.rows), limit=MAX_ROWS), source=layout.source)
    if len(layout.lines) > MAX_LINES:
        raise IngestError(TOO_MANY_LINES.format(count=len(layout.lines), limit=MAX_LINES), source=layout.source)
