"""HTML reports (web pages, Word "save as web page" exports).

The page is parsed once with lxml. Tables without nested tables are data tables: their rows are expanded
over ``rowspan``/``colspan`` (the spanned positions get copies that give labels their context but are never
read as values) and each cell's text is the concatenation of its text nodes, so Word's one-character spans
and ``<br>`` / several ``<p>`` inside a cell read as one string. Text outside data tables becomes lines,
one per block element, taken from the part of the page that holds the report (the innermost element
containing the report's tables and its 一、总体情况 heading), so the site's navigation and footer stay out of
the narrative. Every cell's :class:`~xxgk.core.model.Source` is ``table`` (1-based, counting every
``<table>`` of the page in document order), ``row`` (1-based ``<tr>`` within the table) and ``col``
(1-based column after span expansion).
"""

from __future__ import annotations

import re

from lxml import etree

from xxgk.core.errors import IngestError
from xxgk.ingest.assemble import assemble
from xxgk.ingest.base import ParseResult
from xxgk.ingest.encoding import binary_reason, empty_reason, html_utf8
from xxgk.ingest.layout import Layout, Line, Row, TextCell
from xxgk.ingest.limits import MAX_HTML_BYTES, check_size
from xxgk.ingest.normalize import collapse

NAME = "html"

_DOCUMENT_RE = re.compile(rb"<(?:!doctype\s+html|html|body)[\s>]", re.IGNORECASE)
_SNIFF_RE = re.compile(rb"<(?:!doctype\s+html|html|head|body|meta|table|div|p|span|title|br)[\s/>]", re.IGNORECASE)
_WS_RE = re.compile(r"\s+")
_DIGITS_RE = re.compile(r"\s*(\d{1,6})")
#: Concatenated text of an element (in C: faster than joining ``itertext()``).
_STRING = etree.XPath("string()", smart_strings=False)


def _text(element: etree._Element) -> str:
    """All text inside ``element``, concatenated."""
    value = _STRING(element)
    return value if isinstance(value, str) else ""


_REPORT_TABLE_WORDS = (
    "第二十条",
    "信息内容",
    "申请人情况",
    "自然人",
    "行政复议",
    "行政诉讼",
    "本年新收",
    "勾稽",
    "钩稽",
)
_OVERALL_RE = re.compile(r"总体情况|总体概况|概述")

#: Elements whose start and end break a line.
_BLOCK = frozenset(
    {
        "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "table", "tr", "td",
        "th", "thead", "tbody", "tfoot", "caption", "section", "article", "header", "footer", "aside", "nav",
        "main", "blockquote", "pre", "center", "address", "figure", "figcaption", "form", "fieldset", "hr",
        "body", "html", "o:p",
    }
)  # fmt: skip
#: Elements whose content is never report text.
_SKIP = frozenset({"script", "style", "noscript", "template", "head", "select", "option", "button", "iframe", "svg",
                   "object", "embed", "textarea", "map", "video", "audio", "canvas"})  # fmt: skip
TOO_DEEP = "网页的标签嵌套层数超过上限（256 层），可能是损坏或恶意构造的文件，拒绝读取"
RESOURCE_LIMIT = "网页超出HTML解析器的资源上限（{what}），可能是损坏或恶意构造的文件，拒绝读取"
#: Caps on spans, so that junk such as colspan="100000" cannot blow the grid up.
_MAX_COLSPAN = 40
_MAX_ROWSPAN = 500
#: At most this many spanned positions are filled per table (a report table has a few hundred).
_MAX_COPIES = 5000


def sniff(data: bytes, source: str) -> bool:
    """A page that starts with markup or has ``<html>``/``<body>``; or an .htm/.html name with markup.

    A Markdown or text file with a stray ``<br>`` is not HTML.
    """
    if empty_reason(data) is not None or binary_reason(data) is not None:
        return False
    head = data[:4096]
    name = source.lower()
    if name.endswith((".htm", ".html", ".shtml", ".xhtml")):
        return b"<" in head
    if name.endswith((".txt", ".md", ".markdown", ".text")):
        return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return bool(stripped.startswith(b"<") and _SNIFF_RE.search(head)) or bool(_DOCUMENT_RE.search(head))


def parse(data: bytes, source: str) -> ParseResult:
    return assemble(read(data, source))


def read(data: bytes, source: str) -> Layout:
    """The page's title hints, text lines and data-table rows."""
    root = parse_tree(data, source)
    tables = list(root.iter("table"))
    index = {table: i + 1 for i, table in enumerate(tables)}
    leaves = [t for t in tables if next(t.iterdescendants("table"), None) is None]
    report_tables = [t for t in leaves if _looks_like_report_table(t)]
    container = content_root(root, report_tables)
    walker = _Walker(source, set(leaves), index)
    walker.walk(container)
    return Layout(
        source=source,
        format=NAME,
        lines=tuple(walker.lines),
        rows=tuple(walker.rows),
        title_hints=tuple(_title_hints(root)),
        body_hints=tuple(_body_hints(root)),
    )


def parse_tree(data: bytes, source: str) -> etree._Element:
    """Decode and parse the page once (comments and processing instructions dropped)."""
    check_size(data, source, limit=MAX_HTML_BYTES, what="网页文件")
    utf8 = html_utf8(data, source)
    if not utf8.strip():
        raise IngestError("文件只有空白，没有内容", source=source)
    parser = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(utf8, parser)
    except (etree.LxmlError, ValueError) as exc:
        raise IngestError(f"无法解析HTML：{exc}", source=source) from None
    limits = [e.message for e in parser.error_log if e.type_name == "ERR_RESOURCE_LIMIT"]
    if limits:  # libxml2 stops at a limit (nesting depth, text node size) and hands back a truncated page
        why = TOO_DEEP if "depth" in limits[0] else RESOURCE_LIMIT.format(what=limits[0][:80])
        raise IngestError(why, source=source)
    if root is None:
        raise IngestError("HTML中没有任何内容", source=source)
    return root


def _looks_like_report_table(table: etree._Element) -> bool:
    text = _text(table)
    return any(word in text for word in _REPORT_TABLE_WORDS) or any(
        word in _WS_RE.sub("", text) for word in _REPORT_TABLE_WORDS
    )


def content_root(root: etree._Element, tables: list[etree._Element]) -> etree._Element:
    """The innermost element holding all report tables and the 一、总体情况 heading (else ``<body>``)."""
    body = root.find("body")
    top = body if body is not None else root
    if not tables:
        return top
    chain = [tables[0], *tables[0].iterancestors()]
    node = chain[-1]
    for candidate in chain:
        if all(candidate is t or _is_ancestor(candidate, t) for t in tables[1:]):
            node = candidate
            break
    while node is not top and node is not root:
        if _OVERALL_RE.search(_text(node)):
            return node
        parent = node.getparent()
        if parent is None:
            break
        node = parent
    return top


def _is_ancestor(candidate: etree._Element, element: etree._Element) -> bool:
    return any(a is candidate for a in element.iterancestors())


class _Walker:
    """Document-order walk: lines from block elements, rows from data tables, one position counter."""

    def __init__(self, source: str, leaves: set[etree._Element], index: dict[etree._Element, int]) -> None:
        self.source = source
        self.leaves = leaves
        self.index = index
        self.lines: list[Line] = []
        self.rows: list[Row] = []
        self.pos = 0
        self.buffer: list[str] = []

    def flush(self) -> None:
        if not self.buffer:
            return
        text = collapse("".join(self.buffer))
        self.buffer = []
        if text:
            self.pos += 1
            self.lines.append(Line(text, self.pos))

    def walk(self, top: etree._Element) -> None:
        walker = etree.iterwalk(top, events=("start", "end"))
        for event, el in walker:
            tag = el.tag
            if not isinstance(tag, str):
                continue
            if event == "start":
                if tag in _SKIP:
                    walker.skip_subtree()
                    continue
                if el in self.leaves:
                    self.flush()
                    self.table(el)
                    walker.skip_subtree()
                    continue
                if tag in _BLOCK or tag == "br":
                    self.flush()
                if el.text and tag not in _SKIP:
                    self.buffer.append(el.text)
            else:
                if tag in _BLOCK or el in self.leaves:
                    self.flush()
                if el.tail and el is not top:
                    self.buffer.append(el.tail)
        self.flush()

    def table(self, table: etree._Element) -> None:
        """Rows of a data table, spans expanded (spanned positions get one shared copy of the cell)."""
        tindex = self.index[table]
        source = self.source
        trs = list(table.iter("tr"))
        nrows = len(trs)
        grid: list[dict[int, TextCell]] = [{} for _ in trs]
        copies = _MAX_COPIES
        for r, tr in enumerate(trs):
            row = grid[r]
            c = 0
            for td in tr.iterchildren("td", "th"):
                while c in row:
                    c += 1
                text = _STRING(td)
                if not isinstance(text, str):
                    text = ""
                cell = TextCell(text, (source, None, tindex, r + 1, c + 1))
                row[c] = cell
                rs = td.get("rowspan")
                cs = td.get("colspan")
                if rs is None and cs is None:
                    c += 1
                    continue
                rowspan = _span(rs, min(_MAX_ROWSPAN, nrows - r))
                colspan = _span(cs, _MAX_COLSPAN)
                if (rowspan > 1 or colspan > 1) and copies > 0:
                    copies -= rowspan * colspan
                    copy = TextCell(text, cell.where, True)
                    for dr in range(rowspan):
                        target = grid[r + dr]
                        for dc in range(colspan):
                            if dr or dc:
                                target.setdefault(c + dc, copy)
                c += colspan
        for row in grid:
            if row:
                self.pos += 1
                cells = tuple(row[k] for k in sorted(row)) if len(row) > 1 else tuple(row.values())
                self.rows.append(Row(cells, self.pos, self.pos, tindex))


def _span(value: str | None, cap: int) -> int:
    if not value or value == "1":
        return 1
    digits = _DIGITS_RE.match(value)
    if digits is None:
        return 1
    return max(1, min(int(digits.group(1)), cap))


def _title_hints(root: etree._Element) -> list[str]:
    hints: list[str] = []
    titles: list[str] = []
    for meta in root.iter("meta"):
        name = (meta.get("name") or meta.get("property") or "").lower()
        if name in ("articletitle", "og:title", "title", "dc.title"):
            content = meta.get("content")
            if content and content.strip():
                hints.append(content)
    for element in root.iter("title"):
        titles.append(_text(element))
        break
    for element in root.iter("h1", "h2"):
        text = collapse(_text(element))
        if "报告" in text and len(text) < 120:
            titles.append(text)
    return hints + titles


def _body_hints(root: etree._Element) -> list[str]:
    hints: list[str] = []
    for meta in root.iter("meta"):
        name = (meta.get("name") or "").lower()
        if name in ("contentsource", "source"):
            content = meta.get("content")
            if content and content.strip():
                hints.append(content.strip())
    return hints
