"""Digits run together are split only where the table's identities allow exactly one split."""

from __future__ import annotations

from xxgk.core.model import Source
from xxgk.ingest.split import AMBIGUOUS, group_identity, row_identity, split_tokens
from xxgk.ingest.values import Token, parse_token


def toks(text: str) -> list[Token]:
    return [parse_token(part, Source()) for part in text.split()]


def split(text: str, n: int, identity: object) -> list[str] | str:
    result = split_tokens(toks(text), n, identity)  # type: ignore[arg-type]
    return [t.text for t in result.tokens] if result.tokens is not None else result.reason


def test_table3_row_with_one_valid_split() -> None:
    assert split("1000001", 7, row_identity) == ["1", "0", "0", "0", "0", "0", "1"]
    assert split("1100002", 7, row_identity) == ["1", "1", "0", "0", "0", "0", "2"]
    assert split("10000 01", 7, row_identity) == ["1", "0", "0", "0", "0", "0", "1"]


def test_table4_run_from_the_template_notes() -> None:
    # 平潭2025 as quoted in the template notes: 行政复议 25+3+8+0=36, 直接起诉 3+3+0+0=6, 复议后起诉 3+0+0+0=3.
    expected = ["25", "3", "8", "0", "36", "3", "3", "0", "0", "6", "3", "0", "0", "0", "3"]
    assert split("25380363300630003", 15, group_identity(5)) == expected


def test_ambiguous_runs_are_not_guessed() -> None:
    # 10|1|0|0|0|0|11 and 1|0|10|0|0|0|11 both satisfy the row identity.
    assert split("101000011", 7, row_identity) == AMBIGUOUS
    # "2120" could be 2|12|0, 21|2|0 ... and no identity for table 2.
    assert split("2120", 3, None) == AMBIGUOUS
    # A negative glued to its neighbours: 88|-7|20, 88|-72|0, 8|8|-720.
    assert split("88-720", 3, None) == AMBIGUOUS


def test_no_split_satisfying_the_identity() -> None:
    result = split("12000012", 7, row_identity)
    assert isinstance(result, str)
    assert result.startswith(AMBIGUOUS)
    assert "勾稽" in result


def test_the_only_possible_split_needs_no_identity() -> None:
    assert split("000", 3, None) == ["0", "0", "0"]
    assert split("15-15", 2, None) == ["15", "-15"]


def test_leading_zeros_are_not_numbers() -> None:
    # "05" cannot be a value, so "1050" into 3 must be 1|0|50 or 10|5|0 ... but never 1|05|0.
    result = split("1050", 3, None)
    assert result == AMBIGUOUS
    assert split("105", 2, None) == ["10", "5"]  # 1|05 is not a split


def test_nothing_to_split() -> None:
    assert split("1 0 0", 7, row_identity) == "数值个数与列数不符"
    assert split("1 0 0 0 0 0 1", 7, row_identity) == "数值个数与列数不符"  # already complete


def test_blanks_make_the_identity_unverifiable() -> None:
    assert split("/ 100001", 7, row_identity) != ["/", "1", "0", "0", "0", "0", "1"]


def test_very_long_runs_give_up() -> None:
    result = split("1" * 40, 15, group_identity(5))
    assert isinstance(result, str)
    assert result.startswith(AMBIGUOUS)
