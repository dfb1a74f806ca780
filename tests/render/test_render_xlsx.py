"""XLSX: read back with openpyxl — the 单元格 sheet, the merged official layout, numbers, determinism, safety."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook
from render_samples import FEE_AMOUNT_2021, HOSTILE_BODY, PROCUREMENT_2019, UNREADABLE_CODE, make_report

from xxgk.core.model import Cell, CellState, Report
from xxgk.core.templates import S3_COLUMNS, get_template
from xxgk.render import render

SHEETS = ["概况", "主动公开", "申请情况", "复议诉讼", "单元格"]


def workbook(report: Report) -> Any:
    return load_workbook(io.BytesIO(render(report, "xlsx")))


def merged_size(ws: Any, text: str) -> tuple[int, int]:
    """(rows, columns) covered by the one cell printing ``text`` (1×1 when not merged)."""
    found = [c for row in ws.iter_rows() for c in row if c.value == text]
    assert len(found) == 1, text
    cell = found[0]
    for rng in ws.merged_cells.ranges:
        if cell.coordinate in rng:
            return rng.max_row - rng.min_row + 1, rng.max_col - rng.min_col + 1
    return 1, 1


def check_cells_sheet(report: Report, ws: Any) -> None:
    rows = list(ws.iter_rows(values_only=True))
    header = rows[0]
    assert header[:5] == ("code", "table", "label", "value", "state")
    body = rows[1:]
    assert [r[0] for r in body] == list(report.codes)
    for row in body:
        code, table, label, value, state = row[:5]
        cell = report.cells[code]
        assert state == cell.state.value
        assert table == int(code[1])
        assert label
        if cell.state is CellState.NUMBER:
            assert cell.value is not None
            assert isinstance(value, int | float) and not isinstance(value, bool)
            assert Decimal(repr(value)) == Decimal(cell.value), code
        else:
            assert value is None, code


def test_published_reports_cell_list(published: Report) -> None:
    wb = workbook(published)
    assert wb.sheetnames == SHEETS
    check_cells_sheet(published, wb["单元格"])


def test_samples_cell_list(sample: Report) -> None:
    wb = workbook(sample)
    check_cells_sheet(sample, wb["单元格"])
    notes = {r[0]: r[5] for r in wb["单元格"].iter_rows(min_row=2, values_only=True)}
    assert notes[UNREADABLE_CODE] == sample.cells[UNREADABLE_CODE].note


@pytest.mark.parametrize(("version", "outcome_rows"), [("2019", 20), ("2021", 22)])
def test_table3_sheet_merged_like_the_template(version: str, outcome_rows: int) -> None:
    ws = workbook(make_report(version))["申请情况"]
    assert merged_size(ws, "申请人情况") == (1, 7)
    assert merged_size(ws, "自然人") == (2, 1)
    assert merged_size(ws, "法人或其他组织") == (1, 5)
    assert merged_size(ws, "总计") == (2, 1)
    corner = next(c.value for row in ws.iter_rows() for c in row if c.value and "勾稽关系" in str(c.value))
    assert merged_size(ws, corner) == (3, 3)
    assert merged_size(ws, "三、本年度办理结果") == (outcome_rows, 1)
    assert merged_size(ws, "（三）不予公开") == (8, 1)
    assert merged_size(ws, "一、本年新收政府信息公开申请数量") == (1, 3)


def test_table3_sheet_values_in_template_rows_and_columns() -> None:
    report = make_report("2021")
    ws = workbook(report)["申请情况"]
    template = get_template("2021")
    rows = {}
    for row in ws.iter_rows(values_only=True):
        label = next((v for v in row[:3][::-1] if isinstance(v, str)), None)
        if label:
            rows[label] = row
    for row_key in template.s3_rows:
        leaf = template.s3_row_label(row_key).split("/")[-1]
        values = rows[leaf][3:10]
        for column, value in zip(S3_COLUMNS, values, strict=True):
            cell = report.cells[f"s3.{row_key}.{column}"]
            if cell.state is CellState.NUMBER:
                assert value == cell.value
            elif cell.state is CellState.UNREADABLE:
                assert value == "?"
            else:
                assert value is None


def test_table2_and_table4_sheets() -> None:
    wb = workbook(make_report("2021"))
    s2 = wb["主动公开"]
    assert merged_size(s2, "第二十条第（一）项") == (1, 4)
    assert merged_size(s2, "本年收费金额（单位：万元）") == (1, 3)
    (fee,) = [c for row in s2.iter_rows() for c in row if c.value == float(FEE_AMOUNT_2021)]
    assert fee.number_format == "0.000000"  # the printed decimals, not float noise
    s4 = wb["复议诉讼"]
    assert merged_size(s4, "行政复议") == (1, 5)
    assert merged_size(s4, "行政诉讼") == (1, 10)
    assert merged_size(s4, "未经复议直接起诉") == (1, 5)


def test_amounts_are_numbers_with_their_decimals() -> None:
    report = make_report("2019", unstated=True)
    ws = workbook(report)["单元格"]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "s2.procurement.amount")
    assert row[3].value == float(PROCUREMENT_2019)
    assert row[3].number_format == "0.00"
    assert row[6].value == "unstated"
    report.cells["s2.procurement.amount"] = Cell.number(
        Decimal("589.0799999999999272404238581657409667968750")
    )  # = Decimal(589.08)
    row = next(r for r in workbook(report)["单元格"].iter_rows(min_row=2) if r[0].value == "s2.procurement.amount")
    assert row[3].value == 589.08


def test_overview_sheet() -> None:
    report = make_report("2019", "2021")
    ws = workbook(report)["概况"]
    info = {r[0]: r[1] for r in ws.iter_rows(values_only=True)}
    assert info["机关"] == HOSTILE_BODY
    assert info["年度"] == report.year
    assert info["模板"] == "2019"
    assert info["主动公开表模板"] == "2021"
    assert info["标题"].endswith("政府信息公开工作年度报告")
    assert info["一、总体情况"].startswith("第一段")


def test_report_text_is_never_a_formula() -> None:
    report = make_report("2021")
    report.body = '=HYPERLINK("http://example.invalid","x")'
    report.narrative["other"] = "=1+1\x00\x07"
    data = render(report, "xlsx")
    wb = load_workbook(io.BytesIO(data))
    cells = [c for row in wb["概况"].iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=")]
    assert cells
    assert all(c.data_type == "s" for c in cells)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert not any(b"<f>" in archive.read(name) for name in archive.namelist() if name.endswith(".xml"))


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_text_starting_like_a_formula_is_quote_prefixed(start: str) -> None:
    """As Excel does for typed text: the cell stays text when it is edited; other text and numbers are untouched."""
    report = make_report("2021")
    report.body = f"{start}SUM(A1:A9) 机关"
    report.narrative["other"] = f"{start}1+1"
    report.cells[UNREADABLE_CODE] = Cell.unreadable(note=f"{start}cmd|' /C calc'!A0")
    data = render(report, "xlsx")
    wb = load_workbook(io.BytesIO(data))
    info = {row[0].value: row[1] for row in wb["概况"].iter_rows()}
    texts = [info["六、其他需要报告的事项"]]
    if start.strip():  # the body is written on one line: leading whitespace is dropped
        texts.append(info["机关"])
    else:
        assert info["机关"].value == "SUM(A1:A9) 机关" and not info["机关"].quotePrefix
    for cell in texts:
        assert cell.value.startswith(start) and cell.data_type == "s" and cell.quotePrefix, repr(cell.value)
    cells = {row[0].value: row for row in wb["单元格"].iter_rows()}
    note = cells[UNREADABLE_CODE][5]
    assert note.value == f"{start}cmd|' /C calc'!A0" and note.quotePrefix
    plain = [c for row in wb["单元格"].iter_rows(min_row=2) for c in row if c.column != 6 or c.row != note.row]
    assert plain and not any(c.quotePrefix for c in plain)  # labels, codes and numbers as before
    assert any(isinstance(c.value, int) for c in plain)
    assert render(report, "xlsx") == data  # still deterministic
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert b'quotePrefix="1"' in archive.read("xl/styles.xml")


def test_same_report_same_bytes_with_fixed_timestamps() -> None:
    report = make_report("2021")
    first = render(report, "xlsx")
    assert render(report, "xlsx") == first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    props = load_workbook(io.BytesIO(first)).properties
    assert props.created == props.modified == datetime(2000, 1, 1)  # noqa: DTZ001 - openpyxl reads naive UTC
