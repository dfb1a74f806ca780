"""Regression tests of reader fixes found by round-trip and fuzz testing.

The printed mark of an unreadable value (``?``, what the renderers print for an unreadable cell; ``？`` in
full width) used to be taken for label text: everything up to the last non-value cell of a row is its label, so a
table-2 row holding ``?`` was lost, and in table 3 the row was lost or its other cells turned unreadable. It is a
value token now, read as unreadable: a report rendered with one unreadable cell reads back with exactly that cell
unreadable and every other cell unchanged, in every format.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ingest.helpers import PUBLISHED
from xxgk.core.model import Cell, CellState, Report, Source
from xxgk.ingest import parse_bytes
from xxgk.ingest.assemble import prepare
from xxgk.ingest.layout import Row, TextCell
from xxgk.ingest.values import TokenKind, cell_tokens, is_value_text, parse_token, read_token
from xxgk.render import render

FIXTURE = PUBLISHED / "pingtan-zrz-2021.expected.json"
CODES = ["s2.licensing.decisions", "s2.fees.amount", "s3.received.total", "s3.granted.business",
         "s3.granted.natural", "s4.suit_direct.upheld", "s4.review.total"]  # fmt: skip
FORMATS = ["html", "docx", "pdf", "markdown"]


def _load() -> Report:
    return Report.from_json(Path(FIXTURE).read_bytes())


def _differences(expected: Report, parsed: Report) -> list[str]:
    def seen(report: Report, code: str) -> tuple[CellState, object]:
        return report.cells[code].state, report.cells[code].value

    return [code for code in expected.codes if seen(parsed, code) != seen(expected, code)]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("code", CODES)
def test_one_unreadable_cell_reads_back_alone(code: str, fmt: str) -> None:
    report = _load()
    report.set(code, Cell.unreadable("数字粘连"))
    data = render(report, fmt)
    parsed = parse_bytes(data if isinstance(data, bytes) else data.encode("utf-8"), source=f"r.{fmt}").report
    assert parsed.cells[code].state is CellState.UNREADABLE
    assert _differences(report, parsed) == []


@pytest.mark.parametrize("fmt", ["html", "markdown"])
def test_several_unreadable_cells_in_one_row(fmt: str) -> None:
    report = _load()
    for code in ("s3.granted.natural", "s3.granted.legal", "s3.granted.total"):
        report.set(code, Cell.unreadable("看不清"))
    data = render(report, fmt)
    parsed = parse_bytes(data if isinstance(data, bytes) else data.encode("utf-8"), source=f"r.{fmt}").report
    assert _differences(report, parsed) == []


@pytest.mark.parametrize("mark", ["?", "？", "﹖", "??"])
def test_the_mark_is_a_value_token_read_as_unreadable(mark: str) -> None:
    assert is_value_text(mark) and is_value_text(f" {mark} ")
    token = cell_tokens(TextCell(mark, ("a.txt", 3, None, None, None)))[0]
    assert token.kind is TokenKind.MARK and not token.splittable
    from xxgk.core.templates import CellKind

    cell = read_token(token, CellKind.COUNT).cell
    assert cell.state is CellState.UNREADABLE and cell.note is not None and "无法辨认" in cell.note


def test_question_marks_in_words_stay_text() -> None:
    """Only a cell that is nothing but the mark is a value: a label with a question mark is still a label."""
    assert not is_value_text("是否公开?")
    assert not is_value_text("12?")
    assert parse_token("????", Source()).kind is TokenKind.BAD
    row = Row(
        (TextCell("行政许可", ("a", 1, None, None, None)), TextCell("?", ("a", 1, None, None, None))), pos=1, end=1
    )
    prepared = prepare(row)
    assert [c.text for c in prepared.labels] == ["行政许可"] and [c.text for c in prepared.values] == ["?"]
