"""Word reports: DOCX read with python-docx; legacy ``.doc`` / ``.wps`` converted to DOCX by LibreOffice first.

The chain, each step small::

    docx_package.open_package   the ZIP checked (zip bombs, DTDs, corrupt members), XML parts only
    python-docx Document        the package opened; core properties (title)
    _Walker                     the body in document order: paragraphs -> lines, tables -> rows
    assemble                    the shared assembler, exactly as for HTML and text

The body is walked in document order like ``Document.iter_inner_content()``, and also into what that method
skips: content controls (``w:sdt``) and custom-XML wrappers around paragraphs, tables and cells, and text boxes
(``w:txbxContent``, their DrawingML copy only, not the VML fallback). A paragraph's text is the concatenation of
its runs (however many a word was split into: hyperlinks, fields' results, tracked insertions included; deleted
text and field codes left out); a line break inside a paragraph starts a new line.

Tables without nested tables are data tables; a table holding tables is a layout table whose cells are
walked as text (as HTML readers do). In a data table, a cell spanning ``w:gridSpan`` grid columns, a vertical
merge (``w:vMerge`` continuation cells) and a legacy ``w:hMerge`` put copies of the spanning cell
(``copy=True``: context for labels, never values) at every grid position they cover, each underlying
``w:tc`` giving exactly one real cell; rows starting late (``w:gridBefore``) leave their first positions
empty. Every cell's :class:`~xxgk.core.model.Source` is ``table`` (1-based, counting every table of the body
in document order, nested ones included), ``row`` (1-based ``w:tr`` within its table) and ``col`` (1-based
grid column).
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from lxml import etree

from xxgk.core.errors import IngestError
from xxgk.ingest import docx_package, office_convert
from xxgk.ingest.assemble import assemble
from xxgk.ingest.base import ParseResult
from xxgk.ingest.encoding import empty_reason
from xxgk.ingest.layout import Layout, Line, Row, TextCell
from xxgk.ingest.limits import MAX_WORD_BYTES, check_size
from xxgk.ingest.metadata import title_from_lines, title_year
from xxgk.ingest.normalize import collapse, fold, squash

NAME = "docx"

NOT_WORD = "不是Word文档（DOCX需为ZIP格式，DOC/WPS需为OLE2复合文档格式）"
NOT_WORD_MAIN = "这是Office文档，但主体不是Word正文（可能是改了扩展名的Excel或PowerPoint文件）"

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
W_P, W_TBL, W_TR, W_TC = f"{_W}p", f"{_W}tbl", f"{_W}tr", f"{_W}tc"
W_T, W_TAB, W_PTAB, W_BR, W_CR = f"{_W}t", f"{_W}tab", f"{_W}ptab", f"{_W}br", f"{_W}cr"
W_NOBREAK_HYPHEN = f"{_W}noBreakHyphen"
W_SDT, W_SDT_CONTENT, W_CUSTOM_XML = f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml"
W_TXBX = f"{_W}txbxContent"
W_TC_PR, W_TR_PR, W_GRID_SPAN, W_GRID_BEFORE = f"{_W}tcPr", f"{_W}trPr", f"{_W}gridSpan", f"{_W}gridBefore"
W_VMERGE, W_HMERGE, W_VAL = f"{_W}vMerge", f"{_W}hMerge", f"{_W}val"
MC_FALLBACK = f"{_MC}Fallback"

#: Run-level elements whose content is never printed text.
_SKIP_INLINE = frozenset(
    f"{_W}{name}"
    for name in ("del", "moveFrom", "delText", "instrText", "delInstrText", "rPr", "pPr", "sdtPr", "sdtEndPr",
                 "fldData", "footnoteReference", "endnoteReference", "commentReference", "object")
) | {MC_FALLBACK}  # fmt: skip
#: Block containers walked into (content controls, custom XML, smart tags around blocks).
_BLOCK_WRAPPERS = frozenset({W_SDT, W_SDT_CONTENT, W_CUSTOM_XML})
#: Caps, so that junk such as gridSpan="100000" cannot blow the grid up.
_MAX_SPAN = 60
_MAX_GRID = 200
_MAX_CELLS = 200_000


def sniff(data: bytes, source: str) -> bool:
    """A DOCX (a ZIP with ``word/document.xml``) or a legacy Word/WPS file (OLE2 with a Word stream)."""
    return docx_package.sniff(data) or office_convert.sniff(data, source)


def parse(data: bytes, source: str) -> ParseResult:
    return assemble(read(data, source))


def read(
    data: bytes,
    source: str,
    *,
    soffice: str | None = None,
    timeout: float = office_convert.DEFAULT_TIMEOUT,
) -> Layout:
    """The document's lines and table rows; ``.doc`` / ``.wps`` are converted by LibreOffice first
    (``soffice``: the binary to use, see :func:`xxgk.ingest.office_convert.find_soffice`)."""
    reason = empty_reason(data)
    if reason is not None:
        raise IngestError(reason, source=source)
    check_size(data, source, limit=MAX_WORD_BYTES, what="Word文件")
    if office_convert.is_ole2(data):
        converted = office_convert.convert_to_docx(data, source, soffice=soffice, timeout=timeout)
        return read_docx(converted, source, format="doc")
    if not docx_package.is_zip(data):
        raise IngestError(NOT_WORD, source=source)
    return read_docx(data, source)


def read_docx(data: bytes, source: str, *, format: str = NAME) -> Layout:
    """Lines and rows of a DOCX package."""
    package = docx_package.open_package(data, source)
    body, core_title = _open(package, source)
    walker = _Walker(source)
    walker.blocks(body)
    lines = tuple(walker.lines)
    hints = [t for t in (printed_title(lines), core_title) if t]
    return Layout(source=source, format=format, lines=lines, rows=tuple(walker.rows), title_hints=tuple(hints))


def _open(package: docx_package.Package, source: str) -> tuple[etree._Element, str | None]:
    """python-docx's view of the checked package: the body element and the core-properties title."""
    from docx import Document

    try:
        document = Document(io.BytesIO(package.to_zip()))
        body = document.element.body
        title = document.core_properties.title
    except IngestError:
        raise
    except etree.XMLSyntaxError as exc:
        raise IngestError(f"Word文档的XML已损坏：{str(exc)[:100]}", source=source) from None
    except KeyError as exc:  # a part named by a relationship or required by OPC is missing
        raise IngestError(f"DOCX文件不完整：缺少部件 {str(exc)[:100]}", source=source) from None
    except ValueError as exc:
        if "not a Word file" in str(exc):
            raise IngestError(NOT_WORD_MAIN, source=source) from None
        raise IngestError(f"无法读取Word文档（{str(exc)[:100]}）", source=source) from None
    except Exception as exc:  # python-docx raises PackageNotFoundError, InvalidXmlError, ... on junk
        raise IngestError(f"无法读取Word文档（{type(exc).__name__}：{str(exc)[:100]}）", source=source) from None
    if body is None:
        raise IngestError("Word文档没有正文（document.xml 中没有 w:body）", source=source)
    return body, (title.strip() or None) if isinstance(title, str) else None


def printed_title(lines: tuple[Line, ...]) -> str | None:
    """The title printed at the top of the document, the best hint a Word file has (its core-properties title
    is often left over from the file it was copied from). A title line naming no body before its year
    ("关于2021年度政府信息公开工作年度报告") is joined to the line above when that line is a body's name
    ("平潭综合实验区海坛片区管理局"): Word titles are often set as two centred paragraphs."""
    title = title_from_lines(lines)
    if title is None:
        return None
    found = title_year(title)
    if found is None or fold(title)[: found[1]].strip(_TITLE_LEAD):
        return title
    for i, line in enumerate(lines[:40]):
        if line.text == title and i > 0:
            above = squash(lines[i - 1].text)
            if 2 <= len(above) <= 40 and title_year(above) is None and not any(ch in above for ch in _SENTENCE):
                return lines[i - 1].text + title
            break
    return title


#: What may stand before the year in a title without naming a body.
_TITLE_LEAD = ' \t\u3000\xa0关于的《“"（(【['
_SENTENCE = "。；;！!？?：:，,"


class _Walker:
    """Body walk in document order: lines from paragraphs, rows from data tables, one position counter."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.lines: list[Line] = []
        self.rows: list[Row] = []
        self.pos = 0
        self.tables = 0
        self.cells = 0

    # -- blocks --------------------------------------------------------------------------------------

    def blocks(self, container: etree._Element) -> None:
        for child in container:
            tag = child.tag
            if tag == W_P:
                self.paragraph(child)
            elif tag == W_TBL:
                self.table(child)
            elif tag in _BLOCK_WRAPPERS:
                self.blocks(child)

    def paragraph(self, p: etree._Element) -> None:
        boxes: list[etree._Element] = []
        text = paragraph_text(p, boxes)
        for part in text.split("\n"):
            line = collapse(part)
            if line:
                self.pos += 1
                self.lines.append(Line(line, self.pos))
        for box in boxes:
            self.blocks(box)

    # -- tables --------------------------------------------------------------------------------------

    def table(self, tbl: etree._Element) -> None:
        self.tables += 1
        index = self.tables
        if any(True for _ in tbl.iterdescendants(W_TBL)):
            for tr in _rows(tbl):
                for tc in _cells(tr):
                    self.blocks(tc)
            return
        grid: list[dict[int, TextCell]] = []
        for r, tr in enumerate(_rows(tbl)):
            row: dict[int, TextCell] = {}
            above = grid[-1] if grid else {}
            c = _int_val(_find(tr, W_TR_PR, W_GRID_BEFORE), 0, _MAX_GRID)
            for tc in _cells(tr):
                if c >= _MAX_GRID:
                    break
                props = tc.find(W_TC_PR)
                span = _int_val(_find_in(props, W_GRID_SPAN), 1, _MAX_SPAN) or 1
                origin = None
                if _continues(props, W_VMERGE):
                    origin = above.get(c)
                elif _continues(props, W_HMERGE) and c > 0:
                    origin = row.get(c - 1)
                if origin is not None:
                    cell = TextCell(origin.text, origin.where, copy=True)
                else:
                    cell = TextCell(cell_text(tc), (self.source, None, index, r + 1, c + 1))
                row[c] = cell
                if span > 1:
                    copy = cell if cell.copy else TextCell(cell.text, cell.where, copy=True)
                    for dc in range(1, min(span, _MAX_GRID - c)):
                        row.setdefault(c + dc, copy)
                c += span
            self.cells += len(row)
            if self.cells > _MAX_CELLS:
                raise IngestError(f"Word文档的表格超过{_MAX_CELLS}个单元格，不像年度报告，拒绝读取", source=self.source)
            grid.append(row)
            if row:
                self.pos += 1
                cells = tuple(row[k] for k in sorted(row))
                self.rows.append(Row(cells, pos=self.pos, end=self.pos, table=index))


def _unwrapped(parent: etree._Element, tag: str) -> Iterator[etree._Element]:
    """The children ``tag`` of ``parent`` in order, through content controls and custom-XML wrappers."""
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag in _BLOCK_WRAPPERS:
            yield from _unwrapped(child, tag)


def _rows(tbl: etree._Element) -> Iterator[etree._Element]:
    """The table's ``w:tr`` in order."""
    return _unwrapped(tbl, W_TR)


def _cells(tr: etree._Element) -> Iterator[etree._Element]:
    """The row's ``w:tc`` in order."""
    return _unwrapped(tr, W_TC)


def _find(element: etree._Element, *path: str) -> etree._Element | None:
    node: etree._Element | None = element
    for tag in path:
        node = _find_in(node, tag)
    return node


def _find_in(element: etree._Element | None, tag: str) -> etree._Element | None:
    return None if element is None else element.find(tag)


def _int_val(element: etree._Element | None, default: int, cap: int) -> int:
    if element is None:
        return default
    value = (element.get(W_VAL) or "").strip()
    if not value.isdigit() or not value.isascii():
        return default
    return max(0, min(int(value), cap))


def _continues(props: etree._Element | None, tag: str) -> bool:
    """A ``w:vMerge`` / ``w:hMerge`` continuation: the element present without ``w:val="restart"``."""
    merge = _find_in(props, tag)
    return merge is not None and merge.get(W_VAL, "continue") != "restart"


def cell_text(tc: etree._Element) -> str:
    """A cell's text: its paragraphs (also inside content controls and text boxes) joined by line breaks."""
    parts: list[str] = []
    _collect(tc, parts)
    return "\n".join(parts)


def _collect(container: etree._Element, parts: list[str]) -> None:
    for child in container:
        tag = child.tag
        if tag == W_P:
            boxes: list[etree._Element] = []
            parts.append(paragraph_text(child, boxes))
            for box in boxes:
                _collect(box, parts)
        elif tag == W_TBL:
            for tr in _rows(child):
                for tc in _cells(tr):
                    _collect(tc, parts)
        elif tag in _BLOCK_WRAPPERS:
            _collect(child, parts)


def paragraph_text(p: etree._Element, boxes: list[etree._Element] | None = None) -> str:
    """The printed text of a paragraph, runs concatenated; ``\\n`` for line breaks. Text boxes met on the way
    are appended to ``boxes`` (their content is not part of the paragraph's text)."""
    pieces: list[str] = []
    _inline(p, pieces, boxes if boxes is not None else [])
    return "".join(pieces)


def _inline(element: etree._Element, pieces: list[str], boxes: list[etree._Element]) -> None:
    for child in element:
        tag = child.tag
        if tag == W_T:
            if child.text:
                pieces.append(child.text)
        elif tag in (W_TAB, W_PTAB):
            pieces.append(" ")
        elif tag in (W_BR, W_CR):
            pieces.append("\n")
        elif tag == W_NOBREAK_HYPHEN:
            pieces.append("-")
        elif tag == W_TXBX:
            boxes.append(child)
        elif tag in _SKIP_INLINE or not isinstance(tag, str):
            continue
        else:
            _inline(child, pieces, boxes)


__all__ = ["NAME", "cell_text", "paragraph_text", "parse", "read", "read_docx", "sniff"]
