"""PDF glyphs and the text they make: the first, format-free steps of the PDF reader.

A page's characters (from pdfplumber, extracted once per page) become :class:`Glyph` tuples; everything after
that is pure: glyphs are grouped into visual lines (:func:`glyphs_to_lines`), a line's glyphs are joined with a
space only where the gap between them is wide (:func:`line_text`), and the lines inside one table cell are
joined without a space between two CJK characters or two digits (:func:`cell_text`), so a label wrapped
inside a cell ("自然\\n人") or printed one character per line reads "自然人" and a number wrapped in a narrow cell
stays one number.

PDFs made with CJK fonts often map glyphs to the look-alike *radical* code points (U+2F00 Kangxi radicals,
U+2E80 radicals supplement: "⼀" for 一, "⻚" for 页) or to CJK compatibility ideographs; :func:`fix_text` maps
them back to the ordinary characters.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

#: A box in PDF points from the page's top-left corner: (x0, top, x1, bottom).
BBox = tuple[float, float, float, float]


class Glyph(NamedTuple):
    """One printed character."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


class TextLine(NamedTuple):
    """Glyphs on one visual line, left to right, and the text they make."""

    text: str
    bbox: BBox
    size: float  # the largest glyph size on the line
    glyphs: tuple[Glyph, ...]


# -- characters ---------------------------------------------------------------------------------------

#: Radicals-supplement code points that CJK fonts use for whole simplified characters (NFKC leaves them).
_RADICAL_SUPPLEMENT = {
    "\u2ea0": "民", "\u2ec4": "西", "\u2ec5": "见", "\u2ec6": "角", "\u2ec9": "贝", "\u2ecb": "车", "\u2ed1": "長",
    "\u2ed3": "长", "\u2ed4": "门", "\u2ed7": "雨", "\u2ed8": "青", "\u2ed9": "韦", "\u2eda": "页", "\u2edb": "风",
    "\u2edc": "飞", "\u2edd": "食", "\u2ee2": "马", "\u2ee3": "骨", "\u2ee4": "鬼", "\u2ee5": "鱼", "\u2ee6": "鸟",
    "\u2ee7": "卤", "\u2ee8": "麦", "\u2ee9": "黄", "\u2eea": "黾", "\u2eec": "齐", "\u2eee": "齿", "\u2ef0": "龙",
}  # fmt: skip
_FIX_RE = re.compile("[\u2e80-\u2eff\u2f00-\u2fdf\uf900-\ufaff]")
_CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
_DIGITISH = frozenset("0123456789,.０１２３４５６７８９，．")


def _fix_char(m: re.Match[str]) -> str:
    char = m.group(0)
    mapped = _RADICAL_SUPPLEMENT.get(char)
    if mapped is not None:
        return mapped
    return unicodedata.normalize("NFKC", char)


def fix_text(text: str) -> str:
    """Map radical and compatibility code points to the ordinary CJK characters they stand for."""
    if text.isascii():
        return text
    return _FIX_RE.sub(_fix_char, text)


def is_cjk(char: str) -> bool:
    """A CJK ideograph or CJK/full-width punctuation (joined to its neighbour without a space)."""
    return bool(_CJK_RE.match(char))


def chars_to_glyphs(chars: Iterable[dict[str, Any]]) -> list[Glyph]:
    """pdfplumber character dicts to glyphs; blank characters are dropped (gaps are measured instead)."""
    out: list[Glyph] = []
    for c in chars:
        text = c.get("text") or ""
        if not text or text.isspace():
            continue
        x0, top, x1, bottom = float(c["x0"]), float(c["top"]), float(c["x1"]), float(c["bottom"])
        size = float(c.get("size") or (bottom - top) or 1.0)
        out.append(Glyph(fix_text(text), x0, top, x1, bottom, size if size > 0 else 1.0))
    return out


# -- lines ----------------------------------------------------------------------------------------------

#: Glyphs whose vertical centres are within this fraction of their size share a line.
LINE_TOLERANCE = 0.45
#: A horizontal gap wider than this fraction of the glyph size is a space between words.
SPACE_GAP = 0.22
#: Between two digit-like glyphs (a number with thousands separators) a space needs a wider gap.
DIGIT_SPACE_GAP = 0.5
#: A gap wider than this many glyph sizes separates two cells of a table drawn without lines.
CELL_GAP = 1.6


def glyphs_to_lines(glyphs: Sequence[Glyph]) -> list[TextLine]:
    """Group glyphs into visual lines, top to bottom, each line left to right."""
    if not glyphs:
        return []
    ordered = sorted(glyphs, key=lambda g: (g.cy, g.x0))
    groups: list[list[Glyph]] = []
    current: list[Glyph] = [ordered[0]]
    centre = ordered[0].cy
    for glyph in ordered[1:]:
        if abs(glyph.cy - centre) <= LINE_TOLERANCE * min(glyph.size, current[-1].size):
            current.append(glyph)
            centre = sum(g.cy for g in current) / len(current) if len(current) < 8 else centre
        else:
            groups.append(current)
            current = [glyph]
            centre = glyph.cy
    groups.append(current)
    return [_make_line(sorted(group, key=lambda g: g.x0)) for group in groups]


def _make_line(glyphs: list[Glyph]) -> TextLine:
    return TextLine(
        text=line_text(glyphs),
        bbox=glyphs_bbox(glyphs),
        size=max(g.size for g in glyphs),
        glyphs=tuple(glyphs),
    )


def glyphs_bbox(glyphs: Sequence[Glyph]) -> BBox:
    return (
        min(g.x0 for g in glyphs),
        min(g.top for g in glyphs),
        max(g.x1 for g in glyphs),
        max(g.bottom for g in glyphs),
    )


def line_text(glyphs: Sequence[Glyph], *, cell_gap: float | None = None) -> str:
    """The text of one line's glyphs (sorted left to right): a space where the gap is wide.

    With ``cell_gap``, gaps wider than that many glyph sizes become two spaces (a cell boundary for
    :func:`xxgk.ingest.text.split_line`).
    """
    out: list[str] = []
    prev: Glyph | None = None
    for glyph in glyphs:
        if prev is not None:
            gap = glyph.x0 - prev.x1
            size = min(glyph.size, prev.size)
            digits = prev.text[-1] in _DIGITISH and glyph.text[0] in _DIGITISH
            if cell_gap is not None and gap > cell_gap * size:
                out.append("  ")
            elif gap > (DIGIT_SPACE_GAP if digits else SPACE_GAP) * size:
                out.append(" ")
        out.append(glyph.text)
        prev = glyph
    return "".join(out)


def join_wrapped(parts: Sequence[str]) -> str:
    """Join the lines of one cell: nothing between CJK characters or digits, else a space."""
    out = ""
    for raw in parts:
        part = raw.strip()
        if not part:
            continue
        if not out:
            out = part
            continue
        a, b = out[-1], part[0]
        glue = (a in _DIGITISH and b in _DIGITISH) or is_cjk(a) or is_cjk(b)
        out += part if glue else " " + part
    return out


def cell_text(glyphs: Sequence[Glyph]) -> str:
    """The text of the glyphs inside one table cell (wrapped lines joined)."""
    if not glyphs:
        return ""
    return join_wrapped([line.text for line in glyphs_to_lines(glyphs)])


def cjk_share(glyphs: Sequence[Glyph]) -> float:
    """The share of CJK characters among the glyphs."""
    if not glyphs:
        return 0.0
    return sum(1 for g in glyphs if is_cjk(g.text[0])) / len(glyphs)
