"""Opening a PDF safely: the file checks, the text-layer check and page rendering (pypdfium2), page access.

pypdfium2 (PDFium, in C) opens the file first: it is fast, tells a password-protected or broken file apart,
counts each page's characters without layout analysis, and renders pages for ``--explain``. Only a PDF that
passes these checks is opened with pdfplumber for the glyph boxes and ruling lines the tables are read from.
"""

from __future__ import annotations

import io
import logging
import re
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pypdfium2 as pdfium

from xxgk.core.errors import IngestError

MAGIC = b"%PDF-"

NO_TEXT_LAYER = (
    "此 PDF 没有文字层（扫描件或字体缺少 Unicode 映射），需要先做 OCR (this PDF has no text layer; it needs OCR)"
)
NOT_PDF = "不是PDF文件（文件头不是 %PDF-）"
ENCRYPTED = "PDF文件已加密，需要密码才能打开 (this PDF is password-protected)"
EMPTY = "PDF文件没有任何页面"


@dataclass(frozen=True)
class PdfSettings:
    """Everything the PDF reader can be tuned by (one frozen settings object, pdfplumber style)."""

    #: Refuse documents longer than this: an annual report has a handful of pages.
    max_pages: int = 200
    #: Refuse files larger than this many bytes.
    max_bytes: int = 50 * 1024 * 1024
    #: Refuse files whose compressed (FlateDecode) streams other than images inflate to more than this in total:
    #: a "decompression bomb" of a few hundred KB can otherwise expand to gigabytes of page content in memory.
    max_inflated_bytes: int = 64 * 1024 * 1024
    #: Refuse pages with more characters than this (a dense A4 page of Chinese has about 3,000).
    max_page_chars: int = 60_000
    #: Largest page image of the explain page, in pixels (larger pages are rendered at a smaller scale).
    max_render_pixels: int = 20_000_000
    #: A page whose glyphs are more than this share unmapped ((cid:N), private-use, U+FFFD) has no usable text.
    max_unmapped_share: float = 0.3
    #: With at least ``min_glyphs_for_script`` glyphs, a text layer with less than this share of CJK characters
    #: is not a Chinese report's text (fonts without a Unicode map often decode to Latin garbage).
    min_cjk_share: float = 0.05
    min_glyphs_for_script: int = 80
    #: Scale of page images in the explain page (1.0 = 72 dpi).
    render_scale: float = 1.25
    #: pdfplumber table-finder settings: tables are found from their ruling lines.
    table_settings: dict[str, Any] = field(
        default_factory=lambda: {
            "vertical_strategy": "lines",
            "horizontal_strategy": "lines",
            "snap_tolerance": 3,
            "join_tolerance": 3,
            "intersection_tolerance": 3,
        }
    )


DEFAULT_SETTINGS = PdfSettings()

_UNMAPPED_RE = re.compile(r"^\(cid:\d+\)$|[\ue000-\uf8ff\ufffd\x00-\x08\x0e-\x1f]")


def is_unmapped(text: str) -> bool:
    """A glyph whose font gives no Unicode character: ``(cid:123)``, private-use, U+FFFD or a control code."""
    return bool(_UNMAPPED_RE.search(text))


def check_file(data: bytes, source: str, settings: PdfSettings = DEFAULT_SETTINGS) -> None:
    """Size and magic checks, before any PDF library sees the bytes."""
    if not data:
        raise IngestError("文件是空的（0字节）", source=source)
    if len(data) > settings.max_bytes:
        mb = len(data) / 1024 / 1024
        limit = settings.max_bytes / 1024 / 1024
        raise IngestError(f"PDF文件过大（{mb:.1f} MB，上限 {limit:.0f} MB）", source=source)
    if not data.lstrip(b"\x00\t\n\r\f ")[:1024].startswith(MAGIC) and MAGIC not in data[:1024]:
        raise IngestError(NOT_PDF, source=source)
    check_streams(data, source, settings)


_STREAM_RE = re.compile(rb"(?<!end)stream\r?\n")
_OBJ_START_RE = re.compile(rb"\d+\s+\d+\s+obj\b")
_FLATE_RE = re.compile(rb"/(?:FlateDecode|Fl)\b")
_IMAGE_RE = re.compile(rb"/Subtype\s*/Image\b")
#: How far back from ``stream`` the stream's dictionary is looked for.
_DICT_WINDOW = 4096
INFLATED_TOO_BIG = "PDF文件中的压缩数据解压后超过{limit} MB上限（可能是压缩炸弹），拒绝读取"


def check_streams(data: bytes, source: str, settings: PdfSettings = DEFAULT_SETTINGS) -> None:
    """Refuse a PDF whose FlateDecode streams (images aside: they are never decoded to read text) inflate to more
    than ``settings.max_inflated_bytes`` in total, chained filters included. Measured with a bounded inflater on
    the raw bytes, before any PDF library sees the file."""
    budget = settings.max_inflated_bytes
    view = memoryview(data)
    for match in _STREAM_RE.finditer(data):
        head = data[max(0, match.start() - _DICT_WINDOW) : match.start()]
        starts = list(_OBJ_START_RE.finditer(head))
        if starts:
            head = head[starts[-1].end() :]
        if not head.rstrip().endswith(b">>") or _IMAGE_RE.search(head):
            continue
        layers = len(_FLATE_RE.findall(head))
        blob: bytes | memoryview = view[match.end() :]
        size = 0
        for layer in range(layers):
            size, inflated = _inflate_bounded(blob, budget, keep=layer < layers - 1)
            if size > budget:
                limit = f"{settings.max_inflated_bytes / 1024 / 1024:g}"
                raise IngestError(INFLATED_TOO_BIG.format(limit=limit), source=source)
            if inflated is None:
                break
            blob = inflated
        budget -= size


def _inflate_bounded(blob: bytes | memoryview, budget: int, *, keep: bool) -> tuple[int, bytes | None]:
    """Inflate the deflate (zlib) stream at the start of ``blob``: ``(size, data)``, stopping once the size passes
    ``budget``; ``data`` only when ``keep`` (for the next filter of a chain), else ``None``. Broken data counts as
    what inflated before the damage (the PDF libraries report the damage themselves)."""
    inflater = zlib.decompressobj()
    size = 0
    kept: list[bytes] = []
    chunk = 1 << 16
    pos = 0
    try:
        while pos < len(blob) and not inflater.eof and size <= budget:
            out = inflater.decompress(blob[pos : pos + chunk], budget + 1 - size)
            pos += chunk
            while True:
                size += len(out)
                if keep:
                    kept.append(out)
                if size > budget or not inflater.unconsumed_tail:
                    break
                out = inflater.decompress(inflater.unconsumed_tail, budget + 1 - size)
    except zlib.error:
        pass
    return size, (b"".join(kept) if keep else None)


@contextmanager
def open_pdfium(data: bytes, source: str) -> Iterator[pdfium.PdfDocument]:
    """Open with PDFium; a password-protected or unreadable file is an :class:`IngestError`."""
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = str(exc)
        if "password" in message.lower():
            raise IngestError(ENCRYPTED, source=source) from None
        raise IngestError(f"PDF文件已损坏或不完整，无法打开（{_pdfium_reason(message)}）", source=source) from None
    try:
        yield doc
    finally:
        doc.close()


def _pdfium_reason(message: str) -> str:
    m = re.search(r"PDFium: ([^)]*)", message)
    return m.group(1) if m else message


def page_char_counts(doc: pdfium.PdfDocument, source: str, settings: PdfSettings = DEFAULT_SETTINGS) -> list[int]:
    """Characters on each page (PDFium's count, no layout analysis; -1 where PDFium cannot load the page);
    enforces the page limit."""
    n = len(doc)
    if n == 0:
        raise IngestError(EMPTY, source=source)
    if n > settings.max_pages:
        raise IngestError(f"PDF页数过多（{n}页，上限 {settings.max_pages} 页），不像是一份年度报告", source=source)
    counts: list[int] = []
    for i in range(n):
        try:
            page = doc[i]
        except pdfium.PdfiumError:
            counts.append(-1)  # PDFium cannot load this page; pdfplumber may still read it
            continue
        try:
            textpage = page.get_textpage()
            try:
                counts.append(textpage.count_chars())
            finally:
                textpage.close()
        except pdfium.PdfiumError:
            counts.append(-1)
        finally:
            page.close()
        if counts[-1] > settings.max_page_chars:
            limit = settings.max_page_chars
            why = f"PDF第{i + 1}页的文字过多（{counts[-1]}个字符，上限 {limit} 个），不像是一份年度报告"
            raise IngestError(why, source=source)
    return counts


def render_pages(
    data: bytes, pages: set[int], scale: float, max_pixels: int = DEFAULT_SETTINGS.max_render_pixels
) -> dict[int, tuple[bytes, float, float]]:
    """PNG images of the given pages (1-based): ``page -> (png, width_pt, height_pt)``. Unreadable pages are skipped;
    a page larger than ``max_pixels`` at ``scale`` is rendered smaller (a huge page size must not exhaust memory)."""
    out: dict[int, tuple[bytes, float, float]] = {}
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return out
    try:
        for number in sorted(pages):
            if not 1 <= number <= len(doc):
                continue
            try:
                page = doc[number - 1]
            except pdfium.PdfiumError:
                continue
            try:
                width, height = page.get_size()
                pixels = width * height * scale * scale
                fitted = scale if pixels <= max_pixels else scale * (max_pixels / max(pixels, 1.0)) ** 0.5
                image = page.render(scale=fitted).to_pil().convert("L")  # grey keeps the page small
                buffer = io.BytesIO()
                image.save(buffer, format="PNG", optimize=True)
                out[number] = (buffer.getvalue(), float(width), float(height))
            except (pdfium.PdfiumError, OSError, ValueError):
                continue  # an explain page without this image is still useful
            finally:
                page.close()
    finally:
        doc.close()
    return out


@contextmanager
def quiet_pdfminer() -> Iterator[None]:
    """pdfminer logs a warning per odd font descriptor; a parse reports through its result, not the log."""
    logger = logging.getLogger("pdfminer")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)
