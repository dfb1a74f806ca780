"""The layout description: complete rectangular grids, every code once, the template's merged cells."""

from __future__ import annotations

import pytest
from render_samples import make_report

from xxgk.core.model import UNIT_UNSTATED, Report
from xxgk.core.templates import TEMPLATE_VERSIONS, get_template
from xxgk.render.layout import (
    Role,
    RowKind,
    TableLayout,
    header_rows,
    place,
    report_layout,
    s3_row_path,
    template_layout,
)


def spans(table: TableLayout, text: str) -> tuple[int, int]:
    """(rowspan, colspan) of the one non-value cell printing ``text``."""
    found = [c for row in table.rows for c in row.cells if c.text == text]
    assert len(found) == 1, f"{text!r} printed {len(found)} times"
    return found[0].rowspan, found[0].colspan


@pytest.mark.parametrize("version", TEMPLATE_VERSIONS)
def test_every_table_is_a_full_rectangle_with_no_overlap(version: str) -> None:
    for table in template_layout(version):
        covered: dict[tuple[int, int], int] = {}
        for placed in place(table):
            for r in range(placed.row, placed.row + placed.cell.rowspan):
                for c in range(placed.col, placed.col + placed.cell.colspan):
                    covered[r, c] = covered.get((r, c), 0) + 1
        expected = {(r, c) for r in range(len(table.rows)) for c in range(table.width)}
        assert set(covered) == expected, table.section
        assert set(covered.values()) == {1}, table.section


@pytest.mark.parametrize("version", TEMPLATE_VERSIONS)
def test_every_code_appears_once_in_template_order(version: str) -> None:
    template = get_template(version)
    codes = [code for table in template_layout(version) for code in table.codes]
    assert codes == list(template.codes)


@pytest.mark.parametrize(("version", "outcome_rows"), [("2019", 20), ("2021", 22)])
def test_table3_merged_cells_as_the_template_prints_them(version: str, outcome_rows: int) -> None:
    """Facts from template.md §4 and the published pages: 3×3 勾稽 corner, 申请人情况 over 7 columns, …;
    三、本年度办理结果 spans the outcome rows （一）…（七） (20 rows in 2019, 22 in 2021)."""
    table = template_layout(version)[1]
    assert table.width == 10
    assert table.header_rows == 3
    corner = table.rows[0].cells[0]
    assert corner.role is Role.NOTE
    assert "勾稽关系" in corner.text
    assert (corner.rowspan, corner.colspan) == (3, 3)
    assert spans(table, "申请人情况") == (1, 7)
    assert spans(table, "自然人") == (2, 1)
    assert spans(table, "法人或其他组织") == (1, 5)
    assert spans(table, "总计") == (2, 1)
    assert spans(table, "三、本年度办理结果") == (outcome_rows, 1)
    assert spans(table, "一、本年新收政府信息公开申请数量") == (1, 3)
    assert spans(table, "四、结转下年度继续办理") == (1, 3)
    assert spans(table, "（一）予以公开") == (1, 2)
    assert spans(table, "（三）不予公开") == (8, 1)
    assert spans(table, "（四）无法提供") == (3, 1)
    assert spans(table, "（五）不予处理") == (5, 1)
    assert spans(table, "（七）总计") == (1, 2)
    assert spans(table, "（六）其他处理") == ((3, 1) if version == "2021" else (1, 2))


@pytest.mark.parametrize("version", TEMPLATE_VERSIONS)
def test_table4_header_tree(version: str) -> None:
    table = template_layout(version)[2]
    assert table.width == 15
    assert [(c.text, c.colspan) for c in table.rows[0].cells] == [("行政复议", 5), ("行政诉讼", 10)]
    second = [(c.text, c.rowspan, c.colspan) for c in table.rows[1].cells]
    assert second[:5] == [(t, 2, 1) for t in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")]
    assert second[5:] == [("未经复议直接起诉", 1, 5), ("复议后起诉", 1, 5)]
    assert len(table.rows[2].cells) == 10
    assert len(table.rows[3].cells) == 15


def test_table2_blocks_2021_single_values_span_three_columns() -> None:
    table = template_layout("2021")[0]
    assert table.width == 4
    assert table.header_rows == 0  # every block has its own header row
    blocks = [row.key for row in table.rows if row.kind is RowKind.BLOCK]
    assert blocks == ["第二十条第（一）项", "第二十条第（五）项", "第二十条第（六）项", "第二十条第（八）项"]
    for code in ("s2.licensing.decisions", "s2.penalties.decisions", "s2.coercion.decisions", "s2.fees.amount"):
        cell = next(c for row in table.rows for c in row.cells if c.code == code)
        assert cell.colspan == 3
    assert any(c.text == "本年收费金额（单位：万元）" and c.colspan == 3 for row in table.rows for c in row.cells)


def test_table2_blocks_2019() -> None:
    table = template_layout("2019")[0]
    blocks = [row.key for row in table.rows if row.kind is RowKind.BLOCK]
    assert blocks[-1] == "第二十条第（九）项"
    assert len(blocks) == 5
    fees = next(row for row in table.rows if row.key == "fees")
    assert [c.colspan for c in fees.cells] == [1, 1, 2]
    assert all(row.cells[0].colspan == 4 for row in table.rows if row.kind is RowKind.BLOCK)


def test_row_paths_spell_out_the_first_level() -> None:
    template = get_template("2021")
    assert s3_row_path(template, "denied.state_secret") == ("三、本年度办理结果", "（三）不予公开", "1.属于国家秘密")
    assert s3_row_path(template, "received") == ("一、本年新收政府信息公开申请数量",)
    assert s3_row_path(template, "other.other") == ("三、本年度办理结果", "（六）其他处理", "3.其他")


def test_header_rows_of_an_uneven_tree() -> None:
    rows = header_rows([("A", "x"), ("A", "y", "1"), ("A", "y", "2"), ("B",)])
    assert [[(c.text, c.rowspan, c.colspan) for c in row] for row in rows] == [
        [("A", 1, 3), ("B", 3, 1)],
        [("x", 2, 1), ("y", 1, 2)],
        [("1", 1, 1), ("2", 1, 1)],
    ]


def test_mixed_report_takes_each_table_from_its_own_version() -> None:
    report = make_report("2019", "2021")
    s2, s3, s4 = report_layout(report)
    assert (s2.version, s3.version, s4.version) == ("2021", "2019", "2019")
    assert [c for t in (s2, s3, s4) for c in t.codes] == list(report.codes)


def test_unstated_procurement_unit_drops_wan_yuan_from_the_header() -> None:
    report = Report(template="2019", units={"s2.procurement.amount": UNIT_UNSTATED})
    headers = [c.text for row in report_layout(report)[0].rows for c in row.cells if c.role is Role.HEADER]
    assert "采购总金额" in headers
    assert not any("采购总金额（" in h for h in headers)
    plain = [c.text for row in template_layout("2019")[0].rows for c in row.cells if c.role is Role.HEADER]
    assert "采购总金额（万元）" in plain
