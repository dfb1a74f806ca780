"""The intermediate form every format reader produces and the one assembler consumes.

A reader turns a document into a :class:`Layout`: its text lines (for the title, the 统计期限 and the
narrative sections) and its table rows, each cell with the :class:`~xxgk.core.model.Source` it came from.
Lines and rows share one position counter (``pos``), so the assembler can tell which heading a row follows.
Readers know nothing about the template; everything about meaning is in the assembler.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from xxgk.core.model import Source
from xxgk.ingest.normalize import collapse

#: Where a cell is: ``(file, line, table, row, col)``; see :class:`~xxgk.core.model.Source`.
Where = tuple[str | None, int | None, int | None, int | None, int | None]


class TextCell(NamedTuple):
    """One cell of a table row as printed (a named tuple: readers make thousands of them)."""

    text: str
    where: Where
    #: ``True`` when the cell only repeats a neighbour spanning into it (HTML rowspan/colspan): it gives a
    #: label its context but is never read as a value.
    copy: bool = False

    @property
    def source(self) -> Source:
        """The cell's provenance (built on demand: most label cells never need one)."""
        file, line, table, row, col = self.where
        return Source(file=file, line=line, table=table, row=row, col=col, text=collapse(self.text))


class Row(NamedTuple):
    """One table row: its cells left to right."""

    cells: tuple[TextCell, ...]
    #: Position of the row in the document (text: its first line number).
    pos: int
    #: Last position the row covers (text: its last line number).
    end: int
    #: Index of the table the row belongs to, when the format has tables (HTML); ``None`` otherwise.
    table: int | None = None


class Line(NamedTuple):
    """One line (paragraph) of the document's text."""

    text: str
    pos: int


@dataclass(frozen=True)
class Layout:
    """What a reader saw: the shared input of :func:`xxgk.ingest.assemble.assemble`."""

    source: str
    format: str
    lines: tuple[Line, ...]
    rows: tuple[Row, ...]
    #: Candidate titles from document metadata, best first (HTML ``meta ArticleTitle``, ``<title>``, ``<h1>``).
    title_hints: tuple[str, ...] = ()
    #: Candidate body names from document metadata (HTML ``meta ContentSource``, "来源：" lines).
    body_hints: tuple[str, ...] = ()
