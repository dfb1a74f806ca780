"""Spreadsheet text that is never run as a formula: the CSV apostrophe, the XLSX quote prefix, numbers untouched.
Each export's own tests check that it uses these (tests/web/cases/test_export.py, tests/web/registers,
tests/web/oversight/test_exports.py, tests/batch/test_summary.py)."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from xxgk.core.cellsafe import FORMULA_START, ILLEGAL_RE, csv_text, formula_like, put_text, put_value

#: What a spreadsheet program takes for a formula (or hides one behind): every start an export must neutralise.
STARTS = ["=", "+", "-", "@", "\t", "\r"]


def test_the_formula_starts_are_the_known_six() -> None:
    assert sorted(FORMULA_START) == sorted(STARTS)


@pytest.mark.parametrize("start", STARTS)
def test_csv_text_prefixes_an_apostrophe(start: str) -> None:
    text = f'{start}HYPERLINK("http://x","y")'
    assert formula_like(text)
    assert csv_text(text) == "'" + text


@pytest.mark.parametrize("text", ["", "张三", "a=b", "1+1", " =1", "'=1", "＝1", "—1"])
def test_other_text_is_unchanged(text: str) -> None:
    assert not formula_like(text)
    assert csv_text(text) == text
    cell = Workbook().active.cell(row=1, column=1)
    assert put_text(cell, text) == text
    assert cell.value == text and cell.data_type == "s" and not cell.quotePrefix


def saved(wb: Workbook) -> Workbook:
    out = io.BytesIO()
    wb.save(out)
    return load_workbook(io.BytesIO(out.getvalue()))


@pytest.mark.parametrize("start", STARTS)
def test_put_text_writes_a_quote_prefixed_string(start: str) -> None:
    wb = Workbook()
    text = f"{start}1+1"
    assert put_text(wb.active["A1"], text) == text
    cell = saved(wb).active["A1"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)


def test_put_text_drops_what_a_worksheet_cannot_hold_before_looking_at_the_start() -> None:
    wb = Workbook()
    assert put_text(wb.active["A1"], "\x01=1\x0b+1") == "=1+1"
    assert put_text(wb.active["A2"], "甲\x00乙\x1f") == "甲乙"
    sheet = saved(wb).active
    assert (sheet["A1"].value, sheet["A1"].data_type, sheet["A1"].quotePrefix) == ("=1+1", "s", True)
    assert (sheet["A2"].value, sheet["A2"].quotePrefix) == ("甲乙", False)


def test_the_illegal_characters_are_openpyxls() -> None:
    for code in range(0x3000):
        char = chr(code)
        assert bool(ILLEGAL_RE.match(char)) == bool(ILLEGAL_CHARACTERS_RE.match(char)), hex(code)


def test_put_value_leaves_numbers_and_dates_alone() -> None:
    wb = Workbook()
    values = [-3, Decimal("-1.5"), 2.5, date(2020, 3, 2), None, "-3"]
    for col, value in enumerate(values, start=1):
        put_value(wb.active.cell(row=1, column=col), value)
    row = next(saved(wb).active.iter_rows())
    assert [c.data_type for c in row[:3]] == ["n", "n", "n"] and not any(c.quotePrefix for c in row[:5])
    assert row[0].value == -3 and row[1].value == -1.5 and row[2].value == 2.5
    assert row[3].value.date() == date(2020, 3, 2) and row[4].value is None
    assert (row[5].value, row[5].data_type, row[5].quotePrefix) == ("-3", "s", True)  # text that looks like one
