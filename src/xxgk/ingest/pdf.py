"""PDF reports (Word/WPS/LibreOffice exports, browser prints): tables from their ruling lines, text in reading order.

The reader is a chain of small steps, each pure except the first::

    read_page            pdfplumber, once per page: glyphs (``page.chars``) and the cell boxes of its ruled
                         tables (``page.find_tables``); a page without text is noted, never guessed at
    cells_to_grid → glyphs_to_cells → grid_to_part       (:mod:`xxgk.ingest.pdf_tables`) rows of each table part
    glyphs_to_lines      the glyphs outside tables as lines (:mod:`xxgk.ingest.pdf_glyphs`)
    drop_running_lines   page numbers ("- 2 -", "第 2 页", "2/7") and headers/footers repeated on several pages
    link_parts           a table continued on the next page is one table (repeated header rows dropped)
    to_document          lines and rows in reading order: the shared :class:`~xxgk.ingest.layout.Layout`

then the shared assembler reads the report and every cell's :class:`~xxgk.core.model.Source` gets its page and
box (``bbox`` = x0, top, x1, bottom in points from the page's top-left corner). A PDF without ruled tables is
read like a text file, its lines rebuilt from the glyphs (wide gaps separate cells).

Scanned PDFs (pages without text) and PDFs whose fonts lack a Unicode map ("(cid:123)" glyphs, private-use
characters, or Latin garbage where Chinese is expected) raise :data:`~xxgk.ingest.pdf_document.NO_TEXT_LAYER`:
the reader never parses garbage. A report with only some such pages is read from the others, with a finding.
"""

from __future__ import annotations

import io
import itertools
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from statistics import median
from typing import Any

import pdfplumber

from xxgk.core.errors import IngestError
from xxgk.core.findings import Finding
from xxgk.core.model import Source
from xxgk.ingest.assemble import assemble
from xxgk.ingest.base import ParseResult
from xxgk.ingest.codes import PAGES_WITHOUT_TEXT, finding
from xxgk.ingest.layout import Layout, Line, Row, TextCell
from xxgk.ingest.normalize import fold, squash
from xxgk.ingest.pdf_document import (
    DEFAULT_SETTINGS,
    ENCRYPTED,
    MAGIC,
    NO_TEXT_LAYER,
    PdfSettings,
    check_file,
    is_unmapped,
    open_pdfium,
    page_char_counts,
    quiet_pdfminer,
)
from xxgk.ingest.pdf_glyphs import (
    CELL_GAP,
    BBox,
    Glyph,
    TextLine,
    chars_to_glyphs,
    cjk_share,
    glyphs_to_lines,
    join_wrapped,
)
from xxgk.ingest.pdf_glyphs import line_text as glyph_line_text
from xxgk.ingest.pdf_tables import TablePart, cells_to_grid, glyphs_to_cells, grid_to_part, inside, link_parts
from xxgk.ingest.text import lines_to_rows

NAME = "pdf"

#: Parser finding: some pages have no text layer (the lead may move this into ``xxgk.ingest.codes``).

#: Lines in the top or bottom band of this share of the page height may be running headers or footers.
MARGIN_BAND = 0.1
_PAGE_NUMBER_RE = re.compile(
    r"^[-—–_~·•.]*\d{1,4}[-—–_~·•.]*$"  # 2, - 2 -, —2—
    r"|^第\d{1,4}页(?:[,，]?共\d{1,4}页)?$"  # 第2页, 第2页共7页
    r"|^\d{1,4}/\d{1,4}$"  # 2/7
    r"|^page\d{1,4}(?:of\d{1,4})?$"
    r"|^[-—–]?[ivxlc]{1,6}[-—–]?$",
    re.IGNORECASE,
)
_CONTINUED_RE = re.compile(r"^(?:续表\d*|[(（]续(?:表)?[)）]|续上表)$")
_DIGITS_RE = re.compile(r"\d+")


def sniff(data: bytes, source: str) -> bool:
    """``%PDF-`` at the start (or, in a file named .pdf, within the first kilobyte)."""
    if data.startswith(MAGIC):
        return True
    return source.lower().endswith(".pdf") and MAGIC in data[:1024]


def parse(data: bytes, source: str, settings: PdfSettings = DEFAULT_SETTINGS) -> ParseResult:
    document = read_document(data, source, settings)
    try:
        result = assemble(document.layout)
    except IngestError as exc:
        if document.pages_without_text:
            pages = _page_list(document.pages_without_text)
            raise IngestError(f"{NO_TEXT_LAYER}：第{pages}页没有文字层", source=source) from exc
        raise
    return attach_boxes(result, document)


def read(data: bytes, source: str, settings: PdfSettings = DEFAULT_SETTINGS) -> Layout:
    return read_document(data, source, settings).layout


# -- pages ----------------------------------------------------------------------------------------------


@dataclass
class PageRead:
    """What one page holds: its table parts and the lines of text outside them."""

    number: int
    width: float
    height: float
    parts: list[TablePart] = field(default_factory=list)
    lines: list[TextLine] = field(default_factory=list)
    has_text: bool = True
    glyph_count: int = 0
    cjk: float = 0.0


def read_page(page: Any, number: int, char_count: int, settings: PdfSettings, source: str = "<bytes>") -> PageRead:
    """The one impure step per page: glyphs and table cell boxes from pdfplumber (each extracted once)."""
    with library_errors(source):
        width, height = float(page.width), float(page.height)
    if char_count == 0:
        return PageRead(number, width, height, has_text=False)
    with library_errors(source):
        chars = page.chars
        edges = page.edges
    unmapped = sum(1 for c in chars if is_unmapped(c.get("text") or ""))
    if not chars or unmapped > settings.max_unmapped_share * len(chars):
        return PageRead(number, width, height, has_text=False)
    glyphs = chars_to_glyphs(chars)
    if not glyphs:
        return PageRead(number, width, height, has_text=False)
    parts: list[TablePart] = []
    found = table_settings(edges, glyphs, settings)
    ruled = len(found["explicit_vertical_lines"]) >= 2 and len(found["explicit_horizontal_lines"]) >= 2
    with library_errors(source):
        tables = (
            [[(float(c[0]), float(c[1]), float(c[2]), float(c[3])) for c in t.cells] for t in page.find_tables(found)]
            if ruled
            else []
        )
    for cell_boxes in tables:
        grid = cells_to_grid(number, cell_boxes)
        if grid is None:
            continue
        part = grid_to_part(grid, glyphs_to_cells(grid, glyphs))
        if part.rows:
            parts.append(part)
    boxes = [p.bbox for p in parts]
    free = [g for g in glyphs if not any(inside(g, box) for box in boxes)] if boxes else glyphs
    return PageRead(
        number,
        width,
        height,
        parts=parts,
        lines=glyphs_to_lines(free),
        glyph_count=len(glyphs),
        cjk=cjk_share(glyphs),
    )


def table_settings(edges: Sequence[dict[str, Any]], glyphs: Sequence[Glyph], settings: PdfSettings) -> dict[str, Any]:
    """pdfplumber table settings with the page's rules given explicitly: underlines dropped, broken rows closed."""
    shown = [e for e in edges if is_visible(e)]
    ruled = [{**e, "object_type": "explicit_edge"} for e in drop_underlines(shown, glyphs)]
    ruled += closing_edges(ruled)
    out = dict(settings.table_settings)
    out["vertical_strategy"] = out["horizontal_strategy"] = "explicit"
    out["explicit_vertical_lines"] = [e for e in ruled if e["orientation"] == "v"]
    out["explicit_horizontal_lines"] = [e for e in ruled if e["orientation"] == "h"]
    return out


def _is_white(colour: Any) -> bool:
    if isinstance(colour, (int, float)):
        colour = (colour,)
    if not isinstance(colour, (tuple, list)) or not colour:
        return False
    values = [float(v) for v in colour if isinstance(v, (int, float))]
    if len(values) != len(colour):
        return False
    if len(values) == 4:  # CMYK: no ink is white
        return all(v <= 0.02 for v in values)
    return all(v >= 0.98 for v in values)


def is_visible(edge: dict[str, Any]) -> bool:
    """Is a rule drawn in ink? White boxes behind text (Word's shading, LibreOffice's field backgrounds) are
    not cell borders."""
    stroked = bool(edge.get("stroke")) and not _is_white(edge.get("stroking_color"))
    filled = bool(edge.get("fill")) and not _is_white(edge.get("non_stroking_color"))
    if edge.get("stroke") is None and edge.get("fill") is None:
        return True  # a bare edge (no paint information)
    return stroked or filled


def line_runs(line: TextLine) -> list[tuple[str, BBox]]:
    """The runs of one line, split where the gap is wider than a cell gap: ``(text, box)`` each."""
    runs: list[tuple[str, BBox]] = []
    items = line.glyphs
    start = 0
    for i in range(1, len(items) + 1):
        if i == len(items) or items[i].x0 - items[i - 1].x1 > CELL_GAP * items[i].size:
            chunk = items[start:i]
            box = (chunk[0].x0, min(g.top for g in chunk), chunk[-1].x1, max(g.bottom for g in chunk))
            runs.append((glyph_line_text(chunk), box))
            start = i
    return runs


def text_runs(glyphs: Sequence[Glyph]) -> list[BBox]:
    """Boxes of the runs of text of every visual line."""
    return [box for line in glyphs_to_lines(glyphs) for _, box in line_runs(line)]


def drop_underlines(edges: Sequence[dict[str, Any]], glyphs: Sequence[Glyph]) -> list[dict[str, Any]]:
    """Page rules without text decoration: a horizontal rule just under a run of text and no longer than it
    is an underline (Word and LibreOffice underline hyperlinked or styled cell text), not a cell border."""
    runs = sorted(text_runs(glyphs), key=lambda r: r[3])
    bottoms = [r[3] for r in runs]
    tallest = max((r[3] - r[1] for r in runs), default=0.0)
    out: list[dict[str, Any]] = []
    for edge in edges:
        if edge.get("orientation") == "h" and runs:
            y, x0, x1 = float(edge["top"]), float(edge["x0"]), float(edge["x1"])
            # Runs whose bottom is within reach of the rule: from 2.5 pt above it to 0.45 of a line below it.
            near = runs[bisect_left(bottoms, y - 2.5) : bisect_right(bottoms, y + 0.45 * tallest)]
            if any(
                r[3] - 0.45 * (r[3] - r[1]) <= y <= r[3] + 2.5 and x0 >= r[0] - 1.5 and x1 <= r[2] + 1.5 for r in near
            ):
                continue
        out.append(edge)
    return out


def closing_edges(edges: Sequence[dict[str, Any]], tolerance: float = 3.0) -> list[dict[str, Any]]:
    """Horizontal edges closing vertical rules that end at the same height with nothing drawn across.

    A row broken by a page break is often drawn without its bottom (or, on the next page, top) border; its
    vertical rules still end at the break. Joining those ends (where no rule continues them and no
    horizontal rule is drawn between them) lets the table finder see the broken row's cells. Rules drawn in
    segments, row by row, continue one another and get nothing.
    """
    verticals = [e for e in edges if e.get("orientation") == "v"]
    horizontals = [e for e in edges if e.get("orientation") == "h" and float(e["x1"]) - float(e["x0"]) > tolerance]
    by_x: dict[int, list[dict[str, Any]]] = {}
    for e in verticals:
        by_x.setdefault(round(float(e["x0"])), []).append(e)

    def continued(e: dict[str, Any], end: str) -> bool:
        x, y = float(e["x0"]), float(e[end])
        for key in (round(x) - 1, round(x), round(x) + 1):
            for f in by_x.get(key, ()):
                if f is e or abs(float(f["x0"]) - x) > tolerance:
                    continue
                if end == "bottom" and float(f["top"]) <= y + tolerance and float(f["bottom"]) > y + tolerance:
                    return True
                if end == "top" and float(f["bottom"]) >= y - tolerance and float(f["top"]) < y - tolerance:
                    return True
        return False

    out: list[dict[str, Any]] = []
    for end in ("top", "bottom"):
        ends = sorted((e for e in verticals if not continued(e, end)), key=lambda e: float(e[end]))
        group: list[dict[str, Any]] = []
        for edge in [*ends, None]:
            if edge is not None and (not group or float(edge[end]) - float(group[-1][end]) <= tolerance):
                group.append(edge)
                continue
            if len(group) >= 2:
                y = sum(float(e[end]) for e in group) / len(group)
                xs = sorted({round(float(e["x0"]), 1) for e in group})
                for a, b in itertools.pairwise(xs):
                    drawn = any(
                        abs(float(h["top"]) - y) <= tolerance
                        and float(h["x0"]) <= a + tolerance
                        and float(h["x1"]) >= b - tolerance
                        for h in horizontals
                    )
                    if b - a > tolerance and not drawn:
                        out.append(
                            {"object_type": "explicit_edge", "orientation": "h", "x0": a, "x1": b, "top": y,
                             "bottom": y, "width": b - a, "height": 0.0}
                        )  # fmt: skip
            group = [edge] if edge is not None else []
    return out


#: A line that begins a heading or an item: 一、 （一） 1. (1) 第一
_STARTS_ITEM_RE = re.compile(
    r"^\s*(?:[（(][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}[、.．]|\d{1,2}[、.．](?!\d)|第[一二三四五六七八九十]+)"
)


def joins(above: TextLine, below: TextLine, right: float) -> bool:
    """Does ``below`` continue the paragraph of ``above``? ``above`` runs to the right edge of the text, the
    next line follows at the line pitch, and ``below`` does not begin a heading or an item."""
    size = max(above.size, below.size)
    return (
        above.bbox[2] >= right - 1.5 * size
        and 0 <= below.bbox[1] - above.bbox[3] <= 2.0 * size
        and abs(above.size - below.size) <= 0.15 * size
        and not _STARTS_ITEM_RE.match(below.text)
    )


def merge_paragraphs(
    items: list[tuple[float, int, TextLine | int]], right: float
) -> list[tuple[float, int, TextLine | int]]:
    """Visual lines joined into paragraphs (a sentence wrapped over lines reads as one line of the layout)."""
    out: list[tuple[float, int, TextLine | int]] = []
    for item in items:
        line = item[2]
        previous = out[-1][2] if out else None
        if isinstance(line, TextLine) and isinstance(previous, TextLine) and joins(previous, line, right):
            merged = TextLine(
                text=join_wrapped([previous.text, line.text]),
                bbox=(
                    min(previous.bbox[0], line.bbox[0]),
                    previous.bbox[1],
                    max(previous.bbox[2], line.bbox[2]),
                    line.bbox[3],
                ),
                size=max(previous.size, line.size),
                glyphs=previous.glyphs + line.glyphs,
            )
            # Keep the paragraph's own last line for the next comparison: its bottom and right edge.
            out[-1] = (
                out[-1][0],
                out[-1][1],
                merged._replace(bbox=(merged.bbox[0], merged.bbox[1], line.bbox[2], line.bbox[3])),
            )
            continue
        out.append(item)
    return out


def _line_key(text: str) -> str:
    return _DIGITS_RE.sub("#", squash(text))


def is_page_number(text: str) -> bool:
    return bool(_PAGE_NUMBER_RE.match(squash(text)))


def drop_running_lines(pages: Sequence[PageRead]) -> list[list[TextLine]]:
    """Each page's lines without page numbers, "续表" captions and headers/footers repeated across pages."""
    text_pages = [p for p in pages if p.has_text]
    counts: dict[str, int] = {}
    for page in text_pages:
        keys = {_line_key(line.text) for line in page.lines if _in_margin(line, page)}
        for key in keys:
            counts[key] = counts.get(key, 0) + 1
    threshold = max(2, (len(text_pages) + 1) // 2)
    out: list[list[TextLine]] = []
    for page in pages:
        kept: list[TextLine] = []
        for line in page.lines:
            flat = squash(line.text)
            if _CONTINUED_RE.match(flat):
                continue
            if _in_margin(line, page) and (
                is_page_number(line.text) or counts.get(_line_key(line.text), 0) >= threshold
            ):
                continue
            kept.append(line)
        out.append(kept)
    return out


def _in_margin(line: TextLine, page: PageRead) -> bool:
    band = MARGIN_BAND * page.height
    return line.bbox[3] <= band or line.bbox[1] >= page.height - band


# -- the document -------------------------------------------------------------------------------------


@dataclass
class PdfDocument:
    """A read PDF: the layout for the assembler and where every cell and line is on the pages."""

    source: str
    layout: Layout
    pages: list[PageRead]
    #: ``(table, row, col)`` -> ``(page, bbox)`` of the drawn cell.
    cell_boxes: dict[tuple[int, int, int], tuple[int, BBox]] = field(default_factory=dict)
    #: Line number (text fallback) -> ``(page, bbox)``.
    line_boxes: dict[int, tuple[int, BBox]] = field(default_factory=dict)
    #: Line number (text fallback) -> the line's runs: squashed text and box (a cell of a table without rules).
    run_boxes: dict[int, list[tuple[str, BBox]]] = field(default_factory=dict)
    pages_without_text: list[int] = field(default_factory=list)


def read_document(data: bytes, source: str, settings: PdfSettings = DEFAULT_SETTINGS) -> PdfDocument:
    """Check and read the whole PDF into a :class:`PdfDocument`; every failure is an :class:`IngestError`."""
    check_file(data, source, settings)
    with open_pdfium(data, source) as doc:
        counts = page_char_counts(doc, source, settings)
    if not any(counts):
        raise IngestError(NO_TEXT_LAYER, source=source)
    pages, metadata_title = _read_pages(data, source, counts, settings)
    check_script(pages, source, settings)
    return to_document(source, pages, metadata_title)


def check_script(pages: Sequence[PageRead], source: str, settings: PdfSettings = DEFAULT_SETTINGS) -> None:
    """Some page must have text, and the text must be Chinese: a font without a Unicode map often decodes
    to Latin letters, which would otherwise be parsed as if they were the report."""
    text_pages = [p for p in pages if p.has_text]
    if not text_pages:
        raise IngestError(NO_TEXT_LAYER, source=source)
    glyphs = sum(p.glyph_count for p in text_pages)
    cjk = sum(p.cjk * p.glyph_count for p in text_pages) / max(glyphs, 1)
    if glyphs >= settings.min_glyphs_for_script and cjk < settings.min_cjk_share:
        raise IngestError(NO_TEXT_LAYER, source=source)


@contextmanager
def library_errors(source: str) -> Iterator[None]:
    """Errors raised inside pdfminer/pdfplumber on a broken file become an :class:`IngestError`.

    Only calls into those libraries are wrapped, so a bug in this reader still shows as itself.
    """
    try:
        yield
    except IngestError:
        raise
    except Exception as exc:  # pdfminer raises many kinds of error on broken files; all mean "cannot read"
        name = type(exc).__name__
        if "Password" in name or "Encryption" in name:
            raise IngestError(ENCRYPTED, source=source) from None
        raise IngestError(f"PDF内容无法解析（{name}），文件可能已损坏", source=source) from None


def _read_pages(data: bytes, source: str, counts: list[int], settings: PdfSettings) -> tuple[list[PageRead], str]:
    with quiet_pdfminer():
        with library_errors(source):
            pdf = pdfplumber.open(io.BytesIO(data))
        try:
            with library_errors(source):
                title = str((pdf.metadata or {}).get("Title") or "")
                plumber_pages = list(pdf.pages)
            pages: list[PageRead] = []
            for i, page in enumerate(plumber_pages):
                count = counts[i] if i < len(counts) else 1
                pages.append(read_page(page, i + 1, count, settings, source))
                page.close()
            return pages, title
        finally:
            with library_errors(source):
                pdf.close()


def to_document(source: str, pages: list[PageRead], metadata_title: str = "") -> PdfDocument:
    """Pages to the layout: running lines dropped, tables linked across pages, everything in reading order."""
    page_lines = drop_running_lines(pages)
    title_hints = _title_hints(pages, page_lines, metadata_title)
    without_text = [p.number for p in pages if not p.has_text]
    if not any(p.parts for p in pages):
        return _text_document(source, pages, page_lines, title_hints, without_text)

    # Items of each page in reading order; a part first on its page after a part last on the page before
    # may continue that table.
    parts: list[TablePart] = []
    linked: list[bool] = []
    order: list[list[tuple[float, int, TextLine | int]]] = []
    previous_last_is_part = False
    for page, lines in zip(pages, page_lines, strict=True):
        items: list[tuple[float, int, TextLine | int]] = [(line.bbox[1], 1, line) for line in lines]
        for part in page.parts:
            items.append((part.top, 0, len(parts)))
            parts.append(part)
            linked.append(False)
        items.sort(key=lambda item: (item[0], item[1]))
        items = merge_paragraphs(items, right=max((line.bbox[2] for line in lines), default=0.0))
        if items and isinstance(items[0][2], int) and previous_last_is_part:
            linked[items[0][2]] = True
        if page.has_text or items:
            previous_last_is_part = bool(items) and isinstance(items[-1][2], int)
        order.append(items)
    tables, owners = link_parts(parts, linked)

    lines_out: list[Line] = []
    rows_out: list[Row] = []
    cell_boxes: dict[tuple[int, int, int], tuple[int, BBox]] = {}
    emitted: set[int] = set()
    pos = 0
    for items in order:
        for _, _, item in items:
            if isinstance(item, TextLine):
                pos += 1
                lines_out.append(Line(item.text, pos))
                continue
            t = owners[item]
            if t in emitted:
                continue
            emitted.add(t)
            for r, row in enumerate(tables[t].rows, start=1):
                pos += 1
                cells: list[TextCell] = []
                for c, cell in enumerate(row, start=1):
                    where = (source, None, t + 1, r, c)
                    cells.append(TextCell(cell.text, where, copy=cell.copy))
                    cell_boxes[(t + 1, r, c)] = (cell.page, _round(cell.bbox))
                rows_out.append(Row(tuple(cells), pos=pos, end=pos, table=t + 1))
    layout = Layout(source=source, format=NAME, lines=tuple(lines_out), rows=tuple(rows_out), title_hints=title_hints)
    return PdfDocument(source, layout, pages, cell_boxes=cell_boxes, pages_without_text=without_text)


def _text_document(
    source: str,
    pages: list[PageRead],
    page_lines: list[list[TextLine]],
    title_hints: tuple[str, ...],
    without_text: list[int],
) -> PdfDocument:
    """No ruled table anywhere: rebuild the text (wide gaps as cell breaks) and read it like a text file."""
    raw: list[str] = []
    line_boxes: dict[int, tuple[int, BBox]] = {}
    run_boxes: dict[int, list[tuple[str, BBox]]] = {}
    for page, lines in zip(pages, page_lines, strict=True):
        for line in lines:
            raw.append(glyph_line_text(line.glyphs, cell_gap=CELL_GAP))
            line_boxes[len(raw)] = (page.number, _round(line.bbox))
            run_boxes[len(raw)] = [(squash(text), _round(box)) for text, box in line_runs(line)]
    lines_out = tuple(Line(text, i + 1) for i, text in enumerate(raw) if text.strip())
    layout = Layout(
        source=source,
        format=NAME,
        lines=lines_out,
        rows=tuple(lines_to_rows(raw, source)),
        title_hints=title_hints,
    )
    return PdfDocument(
        source, layout, pages, line_boxes=line_boxes, run_boxes=run_boxes, pages_without_text=without_text
    )


def _title_hints(pages: Sequence[PageRead], page_lines: Sequence[Sequence[TextLine]], metadata: str) -> tuple[str, ...]:
    """Title candidates: the largest-type lines at the top of the first page with text, the centred lines
    ending in the first line that names the 报告 (a title wraps over lines), then the PDF's Title."""
    hints: list[str] = []
    for page, lines in zip(pages, page_lines, strict=True):
        if not lines:
            continue
        sizes = [line.size for line in lines]
        body = median(sizes)
        biggest = max(sizes)
        if biggest > body * 1.15:
            run: list[str] = []
            for line in lines:
                if line.size >= biggest * 0.95:
                    run.append(line.text)
                elif run:
                    break
            hints.append("".join(run))
        centred = _centred_title(page, lines[:8])
        if centred:
            hints.append(centred)
        break
    if metadata.strip() and not metadata.lower().endswith((".doc", ".docx", ".wps", ".html", ".htm")):
        hints.append(metadata.strip())
    return tuple(h for h in (fold(h).strip() for h in hints) if h)


def _centred_title(page: PageRead, lines: Sequence[TextLine]) -> str | None:
    def centred(line: TextLine) -> bool:
        middle = (line.bbox[0] + line.bbox[2]) / 2
        return abs(middle - page.width / 2) <= 0.12 * page.width and len(line.text) <= 40

    for i, line in enumerate(lines):
        if "报告" not in line.text:
            continue
        if not centred(line):
            return None
        start = i
        while (
            start > 0 and centred(lines[start - 1]) and not lines[start - 1].text.rstrip().endswith(("：", ":", "。"))
        ):
            start -= 1
        return "".join(x.text for x in lines[start : i + 1]) if start < i else None
    return None


def _round(box: BBox) -> BBox:
    return (round(box[0], 2), round(box[1], 2), round(box[2], 2), round(box[3], 2))


def _page_list(pages: Sequence[int]) -> str:
    return "、".join(str(p) for p in pages)


# -- provenance ---------------------------------------------------------------------------------------


def locate(source: Source | None, document: PdfDocument) -> Source | None:
    """``source`` with the page and box of the cell or line it names."""
    if source is None:
        return None
    found: tuple[int, BBox] | None = None
    if source.table is not None and source.row is not None and source.col is not None:
        found = document.cell_boxes.get((source.table, source.row, source.col))
    elif source.line is not None:
        found = document.line_boxes.get(source.line)
        flat = squash(source.text or "")
        matches = [box for text, box in document.run_boxes.get(source.line, ()) if flat and text == flat]
        if found is not None and len(matches) == 1:
            found = (found[0], matches[0])  # the cell's own run; a text printed twice keeps the line's box
    if found is None:
        return source
    return replace(source, page=found[0], bbox=found[1])


def attach_boxes(result: ParseResult, document: PdfDocument) -> ParseResult:
    """Give every cell, extra row and finding of ``result`` its page and box; add the page findings."""
    report = result.report
    for code, cell in report.cells.items():
        if cell.source is not None:
            report.cells[code] = replace(cell, source=locate(cell.source, document))
    report.extra_rows = [replace(row, source=locate(row.source, document)) for row in report.extra_rows]
    findings: list[Finding] = []
    if document.pages_without_text:
        findings.append(finding(PAGES_WITHOUT_TEXT, pages=_page_list(document.pages_without_text)))
    findings.extend(replace(f, source=locate(f.source, document)) for f in result.findings)
    return replace(result, findings=findings)
