"""PDF tables as grids of cells, pdfplumber style: a chain of small pure steps.

::

    cells_to_grid        the cell boxes pdfplumber's table finder drew, snapped to one grid of rows × columns
    glyphs_to_cells      each glyph goes to the cell under its centre (one pass, bisecting the grid edges)
    grid_to_part         every grid position gets its cell: the top-left one holds the text, the others are
                         copies (a spanned cell: context for labels, never a value); empty rows and spacer
                         columns (no cell starts in them and none holds text) are dropped
    link_parts           parts of one table on consecutive pages become one table: repeated header rows are
                         dropped, a row broken by the page break is joined again, and a label spanning rows
                         across the break keeps its text

Everything here works on plain tuples, so each step is tested without a PDF.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from xxgk.ingest import labels
from xxgk.ingest.normalize import squash
from xxgk.ingest.pdf_glyphs import BBox, Glyph, cell_text, join_wrapped
from xxgk.ingest.values import is_value_text

#: Cell edges closer than this (points) are the same grid line.
SNAP = 2.0
#: Two table parts on consecutive pages are one table when their left and right edges agree this well.
EDGE_MATCH = 6.0
#: A label that starts with the template's numbering (一、 （三） 1. (2)) begins a row; it never continues one.
_NUMBERED_RE = re.compile(
    r"^\s*(?:[（(]\s*[一二三四五六七八九十\d]{1,3}\s*[)）]|[一二三四五六七八九十]{1,3}\s*[、.．]|\d{1,2}\s*[、.．](?!\d))"
)


class GridCell(NamedTuple):
    """One drawn cell: its box and the grid rows/columns it covers (end exclusive)."""

    bbox: BBox
    row0: int
    row1: int
    col0: int
    col1: int


@dataclass(frozen=True)
class Grid:
    """The cells of one table found on one page."""

    page: int
    bbox: BBox
    xs: tuple[float, ...]  # column edges
    ys: tuple[float, ...]  # row edges
    cells: tuple[GridCell, ...]

    @property
    def n_rows(self) -> int:
        return max(len(self.ys) - 1, 0)

    @property
    def n_cols(self) -> int:
        return max(len(self.xs) - 1, 0)


class PdfCell(NamedTuple):
    """A grid position: the text of the cell covering it, the cell's box, and whether it is a span copy."""

    text: str
    bbox: BBox
    copy: bool
    page: int
    key: int  # identity of the drawn cell (copies share their anchor's key)


@dataclass
class TablePart:
    """The rows of one table on one page (or, after :func:`link_parts`, of a whole table)."""

    page: int
    bbox: BBox
    rows: list[list[PdfCell]] = field(default_factory=list)
    #: The page of every row (a linked table spans pages).
    pages: list[int] = field(default_factory=list)

    @property
    def top(self) -> float:
        return self.bbox[1]


# -- step 1: cells to a grid ----------------------------------------------------------------------------


def snap(values: Sequence[float], tolerance: float = SNAP) -> tuple[float, ...]:
    """Cluster nearly equal coordinates; each cluster becomes its mean."""
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tolerance:
            out[-1].append(v)
        else:
            out.append([v])
    return tuple(sum(c) / len(c) for c in out)


def _index(edges: Sequence[float], value: float) -> int:
    best = 0
    for i, edge in enumerate(edges):
        if abs(edge - value) < abs(edges[best] - value):
            best = i
    return best


def cells_to_grid(page: int, boxes: Sequence[BBox]) -> Grid | None:
    """Snap cell boxes to one grid; ``None`` when the boxes make no cell."""
    boxes = [b for b in boxes if b[2] - b[0] > 0.5 and b[3] - b[1] > 0.5]
    if not boxes:
        return None
    xs = snap([v for b in boxes for v in (b[0], b[2])])
    ys = snap([v for b in boxes for v in (b[1], b[3])])
    cells: list[GridCell] = []
    for box in boxes:
        c0, c1 = _index(xs, box[0]), _index(xs, box[2])
        r0, r1 = _index(ys, box[1]), _index(ys, box[3])
        if c1 > c0 and r1 > r0:
            cells.append(GridCell(box, r0, r1, c0, c1))
    if not cells:
        return None
    cells.sort(key=lambda c: (c.row0, c.col0))
    bbox = (xs[0], ys[0], xs[-1], ys[-1])
    return Grid(page=page, bbox=bbox, xs=xs, ys=ys, cells=tuple(cells))


# -- step 2: glyphs into cells ------------------------------------------------------------------------


def inside(glyph: Glyph, bbox: BBox) -> bool:
    return bbox[0] <= glyph.cx <= bbox[2] and bbox[1] <= glyph.cy <= bbox[3]


def glyphs_to_cells(grid: Grid, glyphs: Sequence[Glyph]) -> list[str]:
    """The text of every grid cell (same order as ``grid.cells``): glyphs placed by their centres."""
    owner: dict[tuple[int, int], int] = {}
    for i, cell in enumerate(grid.cells):
        for r in range(cell.row0, cell.row1):
            for c in range(cell.col0, cell.col1):
                owner.setdefault((r, c), i)
    buckets: list[list[Glyph]] = [[] for _ in grid.cells]
    x0, top, x1, bottom = grid.bbox
    for glyph in glyphs:
        cx, cy = glyph.cx, glyph.cy
        if not (x0 <= cx <= x1 and top <= cy <= bottom):
            continue
        c = min(max(bisect_right(grid.xs, cx) - 1, 0), grid.n_cols - 1)
        r = min(max(bisect_right(grid.ys, cy) - 1, 0), grid.n_rows - 1)
        found = owner.get((r, c))
        if found is not None:
            buckets[found].append(glyph)
    return [cell_text(b) for b in buckets]


# -- step 3: a grid to rows ---------------------------------------------------------------------------


def grid_to_part(grid: Grid, texts: Sequence[str]) -> TablePart:
    """Rows of grid positions, span copies marked; empty rows and spacer columns dropped."""
    positions: list[list[int | None]] = [[None] * grid.n_cols for _ in range(grid.n_rows)]
    for i, cell in enumerate(grid.cells):
        for r in range(cell.row0, cell.row1):
            for c in range(cell.col0, cell.col1):
                if positions[r][c] is None:
                    positions[r][c] = i
    # A column is kept when some cell starts in it (else it only continues spans) and some cell covering it
    # holds text (else it is a spacer).
    keep = [
        c
        for c in range(grid.n_cols)
        if any(cell.col0 == c for cell in grid.cells)
        and any(positions[r][c] is not None and texts[positions[r][c] or 0].strip() for r in range(grid.n_rows))
    ]
    keep_set = set(keep)
    rows: list[list[PdfCell]] = []
    seen: set[int] = set()
    for r in range(grid.n_rows):
        row: list[PdfCell] = []
        for c in range(grid.n_cols):
            if c not in keep_set:
                continue
            at = positions[r][c]
            if at is None:
                row.append(PdfCell("", _position_box(grid, r, c), copy=False, page=grid.page, key=-1))
                continue
            row.append(PdfCell(texts[at], grid.cells[at].bbox, copy=at in seen, page=grid.page, key=at))
            seen.add(at)
        if any(not cell.copy and cell.text.strip() for cell in row):
            rows.append(row)
    return TablePart(page=grid.page, bbox=grid.bbox, rows=rows, pages=[grid.page] * len(rows))


def _position_box(grid: Grid, r: int, c: int) -> BBox:
    return (grid.xs[c], grid.ys[r], grid.xs[c + 1], grid.ys[r + 1])


# -- step 4: parts on consecutive pages to one table ------------------------------------------------------


def row_signature(row: Sequence[PdfCell]) -> tuple[str, ...]:
    return tuple(squash(cell.text) for cell in row)


def continues(previous: TablePart, part: TablePart) -> bool:
    """Could ``part`` (first on its page) continue ``previous`` (last on the page before)?

    The right edges agree and the part lies within the table's width: a label column spanning rows may
    end at the page break, so the continued part can start further right.
    """
    return (
        part.page == previous.pages[-1] + 1
        and abs(part.bbox[2] - previous.bbox[2]) <= EDGE_MATCH
        and part.bbox[0] >= previous.bbox[0] - EDGE_MATCH
    )


def drop_repeated_header(table: TablePart, part: TablePart) -> TablePart:
    """Drop the rows at the top of ``part`` that repeat the first rows of ``table`` (a repeated header)."""
    k = 0
    while k < len(part.rows) and k < len(table.rows) and row_signature(part.rows[k]) == row_signature(table.rows[k]):
        if any(is_value_text(c.text) and c.text.strip() for c in part.rows[k] if not c.copy):
            break  # a data row is never a repeated header
        k += 1
    if k == 0:
        return part
    return replace(part, rows=part.rows[k:], pages=part.pages[k:])


def _above(last: Sequence[PdfCell], cell: PdfCell) -> int | None:
    """The index of the cell of ``last`` straddling ``cell``'s horizontal centre (parts may differ in columns)."""
    cx = (cell.bbox[0] + cell.bbox[2]) / 2
    for i, other in enumerate(last):
        if other.bbox[0] <= cx <= other.bbox[2]:
            return i
    return None


def _is_row_label(text: str) -> bool:
    """Does a label begin a row of its own: the template's numbering (every table-3 row label has one), or a
    table-2 item ("行政强制")? Keywords alone do not count: the rest of a wrapped label ("查询事项") has them."""
    return bool(_NUMBERED_RE.match(text)) or labels.s2_item(text) is not None


def join_fragment(last: Sequence[PdfCell], fragment: Sequence[PdfCell]) -> dict[tuple[int, int], str] | None:
    """The rest of a row broken by a page break, joined to the row above by position.

    ``fragment`` (the first row of the continued part) is the rest of ``last`` when every text in it continues
    the cell above: a label piece that begins no row of its own goes after the label above; a value goes
    into an empty cell above (a vertically centred value pushed to the next page). Returns the texts to
    give: ``(page, key) -> text`` for the cells above and for the fragment's own cells (which may span
    further rows down); ``None`` when ``fragment`` is a row of its own.
    """
    out: dict[tuple[int, int], str] = {}
    for piece in fragment:
        text = piece.text.strip()
        if piece.copy or not text:
            continue
        i = _above(last, piece)
        if i is None:
            return None
        target = last[i]
        current = out.get((target.page, target.key), target.text).strip()
        if is_value_text(text):
            if current:
                return None
            merged = text
        else:
            if not current or is_value_text(current) or _is_row_label(text):
                return None
            merged = join_wrapped([current, text])
        out[(target.page, target.key)] = merged
        out[(piece.page, piece.key)] = merged
    return out or None


def rename(rows: Sequence[Sequence[PdfCell]], texts: dict[tuple[int, int], str]) -> list[list[PdfCell]]:
    """Rows with the cells named in ``texts`` (and their copies) given their new text."""
    return [[c._replace(text=texts.get((c.page, c.key), c.text)) for c in row] for row in rows]


def carry_spanned_labels(last: Sequence[PdfCell], part: TablePart) -> TablePart:
    """An empty label cell at the top of a continued part is the rest of a label spanning rows: copy its text."""
    if not part.rows:
        return part
    first = part.rows[0]
    carried: dict[int, str] = {}
    for j, cell in enumerate(first):
        if cell.copy or cell.text.strip() or cell.key < 0:
            continue
        # Only cells left of the row's first value: the label columns.
        if any(is_value_text(c.text) and c.text.strip() for c in first[:j]):
            continue
        i = _above(last, cell)
        if i is None:
            continue
        above = last[i].text.strip()
        if above and not is_value_text(above):
            carried[cell.key] = last[i].text
    if not carried:
        return part
    rows = [
        [c._replace(text=carried[c.key], copy=True) if c.key in carried and c.page == part.page else c for c in row]
        for row in part.rows
    ]
    return replace(part, rows=rows)


def link_parts(parts: Sequence[TablePart], linked: Sequence[bool]) -> tuple[list[TablePart], list[int]]:
    """Join parts into tables; ``linked[i]`` says part ``i`` directly follows part ``i-1`` across a page break.

    Returns the tables and, for every part, the index of the table it went into.
    """
    tables: list[TablePart] = []
    owners: list[int] = []
    for given, follows in zip(parts, linked, strict=True):
        if not (follows and tables and continues(tables[-1], given) and given.rows):
            tables.append(replace(given, rows=list(given.rows), pages=list(given.pages)))
            owners.append(len(tables) - 1)
            continue
        owners.append(len(tables) - 1)
        table = tables[-1]
        part = drop_repeated_header(table, given)
        if not part.rows:
            continue
        joined = join_fragment(table.rows[-1], part.rows[0]) if table.rows else None
        if joined is not None:
            table.rows = rename(table.rows, joined)
            part = replace(part, rows=rename(part.rows[1:], joined), pages=part.pages[1:])
        if table.rows:
            part = carry_spanned_labels(table.rows[-1], part)
        table.rows.extend(part.rows)
        table.pages.extend(part.pages)
        table.bbox = (min(table.bbox[0], part.bbox[0]), table.bbox[1], max(table.bbox[2], part.bbox[2]), table.bbox[3])
    return tables, owners
