"""Reading printed values: numbers, blanks, units, measure words, digit runs."""

from __future__ import annotations

from decimal import Decimal

import pytest

from xxgk.core.model import CellState, Source
from xxgk.core.templates import CellKind
from xxgk.ingest.layout import TextCell
from xxgk.ingest.values import TokenKind, cell_tokens, is_value_text, read_token

WHERE = (None, 1, None, None, None)


def tokens(text: str) -> list[tuple[TokenKind, str]]:
    return [(t.kind, t.text) for t in cell_tokens(TextCell(text, WHERE))]


def read(text: str, kind: CellKind = CellKind.COUNT, unit: str | None = None) -> tuple[CellState, object]:
    (token,) = cell_tokens(TextCell(text, WHERE))
    cell = read_token(token, kind, default_unit=unit).cell
    return cell.state, cell.value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0", 0),
        ("0\xa0", 0),  # NBSP padding
        ("\xa00", 0),
        ("\u300071", 71),  # U+3000 padding
        ("１２", 12),  # full-width digits
        ("1,260", 1260),  # thousands separator
        ("1，260", 1260),  # full-width comma
        ("2笔", 2),  # measure words
        ("3件", 3),
        ("3 件", 3),
        ("+2", 2),
    ],
)
def test_counts(text: str, value: int) -> None:
    assert read(text) == (CellState.NUMBER, value)


@pytest.mark.parametrize(("text", "value"), [("-18", -18), ("－12", -12), ("\u221218", -18)])
def test_signed_change(text: str, value: int) -> None:
    assert read(text, CellKind.SIGNED) == (CellState.NUMBER, value)


@pytest.mark.parametrize("text", ["", " ", "\xa0", "/", "／", "-", "—", "——", "–", "无", "\\"])
def test_blanks_are_not_zero(text: str) -> None:
    assert read(text)[0] is CellState.BLANK


@pytest.mark.parametrize(
    ("text", "unit", "value"),
    [
        ("73802895.90元", None, Decimal("7380.28959")),
        ("28291965元", None, Decimal("2829.1965")),
        ("1690.9913万元", None, Decimal("1690.9913")),
        ("251,000元", None, Decimal("25.1")),
        ("589.08 万元", None, Decimal("589.08")),
        ("18651.064104", "万元", Decimal("18651.064104")),
        ("10000", "元", Decimal(1)),
        ("589.08", None, Decimal("589.08")),
    ],
)
def test_amounts_are_converted_to_wan_yuan(text: str, unit: str | None, value: Decimal) -> None:
    state, got = read(text, CellKind.AMOUNT, unit)
    assert state is CellState.NUMBER
    assert got == value


def test_amount_reading_reports_the_unit_used() -> None:
    (token,) = cell_tokens(TextCell("589.08", WHERE))
    assert read_token(token, CellKind.AMOUNT).unit is None
    (token,) = cell_tokens(TextCell("5元", WHERE))
    assert read_token(token, CellKind.AMOUNT).unit == "元"


@pytest.mark.parametrize(
    ("text", "why"),
    [("1.5", "整数"), ("05", "前导零"), ("三件", "无法识别"), ("12元", "金额单位"), ("88-720", "数字粘连")],
)
def test_unreadable_counts_say_why(text: str, why: str) -> None:
    (token,) = cell_tokens(TextCell(text, WHERE))
    cell = read_token(token, CellKind.COUNT).cell
    assert cell.state is CellState.UNREADABLE
    assert why in (cell.note or "")


def test_tokens_of_a_cell() -> None:
    assert tokens("0 0 0") == [(TokenKind.NUMBER, "0")] * 3
    assert tokens("") == [(TokenKind.BLANK, "")]
    assert tokens("1000001") == [(TokenKind.NUMBER, "1000001")]
    assert tokens("88-720") == [(TokenKind.RUN, "88-720")]
    assert tokens("0、0、1") == [(TokenKind.NUMBER, "0"), (TokenKind.NUMBER, "0"), (TokenKind.NUMBER, "1")]


def test_a_number_run_is_splittable_a_decimal_is_not() -> None:
    (run,) = cell_tokens(TextCell("1000001", WHERE))
    (dec,) = cell_tokens(TextCell("10.5", WHERE))
    (one,) = cell_tokens(TextCell("7", WHERE))
    assert run.splittable
    assert not dec.splittable
    assert not one.splittable


@pytest.mark.parametrize(
    ("text", "expected"), [("0", True), ("", True), ("/", True), ("规章", False), ("1.属于国家秘密", False)]
)
def test_is_value_text(text: str, expected: bool) -> None:
    assert is_value_text(text) is expected


def test_tokens_carry_the_cell_source() -> None:
    (token,) = cell_tokens(TextCell(" 0", ("a.txt", 7, None, None, None)))
    assert token.source == Source(file="a.txt", line=7, text="0")
