"""The shared assembler: sections, missing tables, versions, extra rows, parser findings."""

from __future__ import annotations

import pytest

from tests.ingest.helpers import SEED, SYNTHETIC, expected_for, spec_differences
from xxgk.core.model import CellState
from xxgk.ingest import parse_bytes
from xxgk.ingest.assemble import ABSENT_ROW, ABSENT_TABLE
from xxgk.ingest.codes import CODES
from xxgk.ingest.split import AMBIGUOUS

SEED_TEXT = SEED.read_text(encoding="utf-8")
SEED_LINES = SEED_TEXT.split("\n")


def parse_text(text: str) -> object:
    return parse_bytes(text.encode("utf-8"), source="t.txt")


def without_lines(first: int, last: int) -> str:
    """The seed without lines ``first``..``last`` (1-based, inclusive)."""
    return "\n".join(SEED_LINES[: first - 1] + SEED_LINES[last:])


def test_seed_without_table4_still_parses() -> None:
    text = without_lines(345, 388)  # 四、… heading and the whole table
    result = parse_bytes(text.encode(), source="t.txt")
    report = result.report
    assert report.cell("s4.review.total").state is CellState.ABSENT
    assert report.cell("s4.review.total").note == ABSENT_TABLE
    assert report.value("s3.received.total") == 1
    assert report.value("s2.procurement.projects") == 95


def test_seed_with_only_table3() -> None:
    text = without_lines(345, 388)
    text = "\n".join(text.split("\n")[:7] + text.split("\n")[80:])  # drop table 2 too
    report = parse_bytes(text.encode(), source="t.txt").report
    assert report.template == "2019"
    assert report.cell("s2.licensing.decisions").state is CellState.ABSENT
    assert report.value("s3.unable.not_held.natural") == 1


def test_tables_found_without_section_headings() -> None:
    headings = {
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
    }
    text = "\n".join(line for line in SEED_LINES if line not in headings)
    result = parse_bytes(text.encode(), source="t.txt")
    assert spec_differences(result.report, expected_for(SEED)) == []
    assert "予以公开" not in result.report.narrative["overall"]


def test_omitted_row_is_absent_and_table3_version_guess_is_reported() -> None:
    text = without_lines(315, 324)  # the single （六）其他处理 row
    result = parse_bytes(text.encode(), source="t.txt")
    report = result.report
    assert report.template == "2019"  # from table 2's columns
    assert report.cell("s3.other.total").state is CellState.ABSENT
    assert report.cell("s3.other.total").note == ABSENT_ROW
    assert [f.code for f in result.findings] == ["P004"]


def test_rows_are_recognised_by_label_not_position() -> None:
    granted = SEED_LINES[118:127]  # lines 119-127: 三、本年度办理结果 / （一）予以公开 and 7 values
    partial = SEED_LINES[128:137]  # lines 129-137: （二）部分公开… and 7 values
    assert granted[1] == "\t（一）予以公开"
    assert partial[1].startswith("\t（二）部分公开")
    granted = [*granted[:2], "\t7", *granted[3:]]
    partial = [*partial[:2], "\t5", *partial[3:]]
    text = "\n".join(SEED_LINES[:118] + partial + [""] + granted + SEED_LINES[137:])
    report = parse_text(text).report  # type: ignore[attr-defined]
    assert report.value("s3.granted.natural") == 7
    assert report.value("s3.partial.natural") == 5


def test_unplaceable_rows_become_extra_rows() -> None:
    text = SEED_TEXT.replace(
        "\t8.属于行政查询事项\n",
        "\t9.属于本地增设情形\n" + "".join(f"\t{v}\n" for v in "0000000") + "\n\t\n\t\n\t8.属于行政查询事项\n",
        1,
    )
    report = parse_text(text).report  # type: ignore[attr-defined]
    assert [(r.section, r.label, r.values) for r in report.extra_rows] == [("s3", "9.属于本地增设情形", ("0",) * 7)]
    assert report.value("s3.denied.inquiry.natural") == 0


def test_duplicate_row_is_an_extra_row() -> None:
    text = SEED_TEXT.replace(
        "\t行政强制\n\t0\n\t0\n\t0\n", "\t行政强制\n\t0\n\t0\n\t0\n\n\t行政强制\n\t5\n\t5\n\t5\n", 1
    )
    report = parse_text(text).report  # type: ignore[attr-defined]
    assert report.value("s2.coercion.decisions") == 0
    assert [r.values for r in report.extra_rows] == [("5", "5", "5")]


def test_local_subtotal_column_is_dropped() -> None:
    lines = [
        "示例局2022年政府信息公开工作年度报告",
        "三、收到和处理政府信息公开申请情况",
        "自然人 法人或其他组织 总计",
        "商业企业 科研机构 社会公益组织 法律服务机构 其他 小计",
        "一、本年新收政府信息公开申请数量 3 1 0 0 1 0 2 5",
        "（七）总计 3 1 0 0 1 0 2 5",
    ]
    result = parse_bytes("\n".join(lines).encode(), source="t.txt")
    assert [result.report.value(f"s3.received.{c}") for c in ("natural", "other_org", "total")] == [3, 0, 5]
    assert [f.code for f in result.findings] == ["P004", "P005"]


def test_year_conflict_is_reported_and_the_title_wins() -> None:
    text = SEED_TEXT.replace("一、总体情况\n", "一、总体情况\n本报告统计期限为2019年1月1日至2019年12月31日。\n", 1)
    result = parse_text(text)
    assert result.report.year == 2020  # type: ignore[attr-defined]
    assert [f.code for f in result.findings] == ["P003"]  # type: ignore[attr-defined]


def test_year_from_period_when_the_title_has_none() -> None:
    text = SEED_TEXT.replace("2020年政府信息公开工作年度报告", "政府信息公开工作年度报告", 1)
    text = text.replace(
        "一、总体情况\n", "一、总体情况\n本报告中所列数据的统计期限自2020年1月1日起至2020年12月31日止。\n", 1
    )
    report = parse_text(text).report  # type: ignore[attr-defined]
    assert report.year == 2020


def test_mixed_templates() -> None:
    result = parse_bytes((SYNTHETIC / "synthetic-mixed-2023.html").read_bytes(), source="mixed.html")
    report = result.report
    assert (report.template, report.templates) == ("2019", {"s2": "2021", "s3": "2019"})
    assert report.value("s2.normative_docs.in_force") == 40  # 先行有效件数
    assert report.value("s2.normative_docs.repealed") == 1  # 本年废纸件数
    assert report.year == 2023  # not the preamble's 2024 nor the 2024 publication date
    assert [f.code for f in result.findings] == ["P002"]


def test_run_together_digits_unique_split() -> None:
    result = parse_bytes((SYNTHETIC / "synthetic-runtogether-2021.txt").read_bytes(), source="r.txt")
    assert [f.code for f in result.findings] == ["P001", "P001", "P001"]
    cell = result.report.cell("s4.review.total")
    assert cell.value == 36
    assert "25380363300630003" in (cell.note or "")


def test_run_together_digits_never_guessed() -> None:
    report = parse_bytes((SYNTHETIC / "synthetic-ambiguous-2019.txt").read_bytes(), source="a.txt").report
    for code in ("s3.denied.third_party.natural", "s3.denied.third_party.total", "s2.penalties.change"):
        cell = report.cell(code)
        assert cell.state is CellState.UNREADABLE, code
        assert (cell.note or "").startswith(AMBIGUOUS)
    assert report.cell("s2.coercion.prev_items").state is CellState.UNREADABLE  # "05"
    assert report.value("s2.coercion.change") == 0
    assert (report.value("s2.fees.prev_items"), report.value("s2.fees.change")) == (0, 0)  # "00": one split only
    assert report.cell("s4.review.upheld").state is CellState.UNREADABLE  # 14 numbers for 15 columns
    assert report.value("s3.received.total") == 11


def test_annotated_labels_and_extra_row() -> None:
    report = parse_bytes((SYNTHETIC / "synthetic-oneline-2020.txt").read_bytes(), source="o.txt").report
    assert [r.label for r in report.extra_rows] == ["其他主动公开文件（含以本单位名义正式签发的主动公开文件）"]
    assert report.cell("s2.regulations.made").state is CellState.BLANK
    assert report.cell("s2.coercion.change").note == "印为“—”，视为空白（不等于0）"


@pytest.mark.parametrize("code", sorted(CODES))
def test_parser_codes_are_documented(code: str) -> None:
    entry = CODES[code]
    assert entry.code == code
    assert code.startswith("P0")
    assert entry.message and entry.hint


def test_table2_columns_are_mapped_by_their_headers() -> None:
    lines = [
        "示例局2022年政府信息公开工作年度报告",
        "二、主动公开政府信息情况",
        "第二十条第（一）项",
        "信息内容 现行有效件数 本年制发件数 本年废止件数",  # columns printed in another order
        "规章 7 1 2",
        "行政规范性文件 30 4 3",
    ]
    result = parse_bytes("\n".join(lines).encode(), source="t.txt")
    report = result.report
    assert report.template == "2021"
    assert [report.value(f"s2.regulations.{c}") for c in ("issued", "repealed", "in_force")] == [1, 2, 7]
    assert [report.value(f"s2.normative_docs.{c}") for c in ("issued", "repealed", "in_force")] == [4, 3, 30]
    assert report.cell("s3.total.total").note == ABSENT_TABLE


def test_table2_version_from_headers_not_year() -> None:
    # A 2021 report that printed the 2019 table 2 (as 平潭海坛 2021 did) keeps the 2019 codes.
    lines = [
        "示例局2021年政府信息公开工作年度报告",
        "二、主动公开政府信息情况",
        "第二十条第（五）项",
        "信息内容 上一年项目数量 本年增/减 处理决定数量",
        "行政许可 10 -2 40",
    ]
    report = parse_bytes("\n".join(lines).encode(), source="t.txt").report
    assert report.template == "2019"
    assert [report.value(f"s2.licensing.{c}") for c in ("prev_items", "change", "decisions")] == [10, -2, 40]
