"""Plain text and Markdown reports.

Three table layouts are read, all into the same rows:

* cells flattened one per line, each line starting with a tab, rows separated by blank lines (text copied
  out of a web page — the seed ``cq-dadukou-baqiao-2020.txt``); an empty cell is a line holding only a tab;
* one row per line, cells separated by tabs, by runs of two or more spaces, or by single spaces between a
  label and its numbers (``规章 0 0 0``);
* Markdown pipe tables (``| 规章 | 0 | 0 | 0 |``), escapes and ``<br>`` inside cells included.

Every cell's :class:`~xxgk.core.model.Source` is its line number (1-based).
"""

from __future__ import annotations

import re

from xxgk.core.model import Source
from xxgk.ingest.assemble import assemble
from xxgk.ingest.base import ParseResult
from xxgk.ingest.encoding import binary_reason, decode_text, empty_reason
from xxgk.ingest.layout import Layout, Line, Row, TextCell
from xxgk.ingest.limits import MAX_TEXT_BYTES, check_size
from xxgk.ingest.normalize import fold
from xxgk.ingest.values import TokenKind, parse_token

NAME = "text"

_MD_SEPARATOR_RE = re.compile(r"\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?")
_MD_SPLIT_RE = re.compile(r"(?<!\\)\|")
_MD_ESCAPE_RE = re.compile(r"\\([\\`*_\[\]{}()<>#+\-.!|~&])")
_MD_EMPHASIS_RE = re.compile(r"(\*\*|__)(.+?)\1")
_BR_RE = re.compile(r"<br\s*/?>", re.IGNORECASE)
_GAP_RE = re.compile(r"[ \u00a0\u3000]{2,}")
#: A line of this many characters or more without cells is a sentence, not a table row.
_MAX_LABEL_ROW = 100


def sniff(data: bytes, source: str) -> bool:
    """Anything that is text (not binary) may be a plain-text report."""
    return empty_reason(data) is None and binary_reason(data) is None


def parse(data: bytes, source: str) -> ParseResult:
    return assemble(read(data, source))


def read(data: bytes, source: str) -> Layout:
    check_size(data, source, limit=MAX_TEXT_BYTES, what="文本文件")
    return text_to_layout(decode_text(data, source), source)


def text_to_layout(text: str, source: str) -> Layout:
    """Lines and rows of a decoded text."""
    raw = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if raw and raw[0].startswith("\ufeff"):
        raw[0] = raw[0][1:]
    lines = tuple(Line(line.rstrip(), i + 1) for i, line in enumerate(raw) if not _is_blank(line))
    return Layout(source=source, format=NAME, lines=lines, rows=tuple(lines_to_rows(raw, source)))


def _is_blank(line: str) -> bool:
    """A separator line: nothing but spaces (a line holding a tab is an empty cell)."""
    return "\t" not in line and not line.strip()


def lines_to_rows(raw: list[str], source: str) -> list[Row]:
    rows: list[Row] = []
    i, n = 0, len(raw)
    while i < n:
        line = raw[i]
        if _is_blank(line):
            i += 1
            continue
        if _is_cell_line(line):
            start = i
            cells: list[TextCell] = []
            while i < n and _is_cell_line(raw[i]):
                cells.append(_cell(raw[i][1:], source, i + 1))
                i += 1
            rows.append(Row(tuple(cells), pos=start + 1, end=i))
            continue
        parts = split_line(line)
        if parts is not None and (len(parts) > 1 or len(parts[0]) <= _MAX_LABEL_ROW):
            rows.append(Row(tuple(_cell(p, source, i + 1) for p in parts), pos=i + 1, end=i + 1))
        i += 1
    return rows


def _is_cell_line(line: str) -> bool:
    """One cell of a row flattened one cell per line: a tab, then the cell (no further tab)."""
    return line.startswith("\t") and "\t" not in line[1:]


def _cell(text: str, source: str, line: int) -> TextCell:
    return TextCell(text.strip(), (source, line, None, None, None))


def split_line(line: str) -> list[str] | None:
    """The cells of one line (``None`` for a Markdown separator row)."""
    text = line.strip()
    if text.startswith("|") or (text.count("|") >= 2 and "。" not in text):
        if _MD_SEPARATOR_RE.fullmatch(text):
            return None
        inner = text[1:] if text.startswith("|") else text
        if inner.endswith("|") and not inner.endswith("\\|"):
            inner = inner[:-1]
        return [_md_cell(c) for c in _MD_SPLIT_RE.split(inner)]
    if "\t" in line.strip(" \r\n\xa0\u3000"):
        # Cells separated by tabs (a table row copied out of a browser); a leading tab is an empty cell.
        return line.strip(" \r\n\xa0\u3000").split("\t")
    if _GAP_RE.search(text):
        return _GAP_RE.split(text)
    words = text.split()
    if len(words) < 2:
        return [text]
    k = len(words)
    while k > 0 and _is_value_word(words[k - 1]):
        k -= 1
    if k == len(words):
        return [text]
    if k == 0:
        return words
    return [" ".join(words[:k]), *words[k:]]


def _is_value_word(word: str) -> bool:
    return parse_token(fold(word), Source()).kind is not TokenKind.BAD


def _md_cell(text: str) -> str:
    text = _BR_RE.sub(" ", text) if "<" in text else text
    text = _MD_EMPHASIS_RE.sub(r"\2", text) if ("*" in text or "_" in text) else text
    return _MD_ESCAPE_RE.sub(r"\1", text) if "\\" in text else text
