"""Markdown: the pipe tables are read back and every code's value is found in its row and column."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from render_samples import (
    ABSENT_CODE,
    ABSENT_ROW,
    BLANK_CODE,
    FEE_AMOUNT_2021,
    HEADINGS,
    HOSTILE_BODY,
    UNREADABLE_CODE,
    UNREADABLE_NOTE,
    make_report,
    parse_number,
)

from xxgk.core.model import Cell, CellState, Report
from xxgk.core.templates import S3_COLUMN_LABELS, S3_COLUMNS, get_template
from xxgk.render import render

_SPLIT_RE = re.compile(r"(?<!\\)\|")
_UNESCAPE_RE = re.compile(r"\\(.)")


@dataclass
class PipeTable:
    caption: str  # the bold line before the table ("" when none)
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class Section:
    heading: str
    lines: list[str] = field(default_factory=list)
    tables: list[PipeTable] = field(default_factory=list)


def _cells(line: str) -> list[str]:
    parts = _SPLIT_RE.split(line.strip())
    assert parts[0] == "" and parts[-1] == "", line
    return [_UNESCAPE_RE.sub(r"\1", p.strip()) for p in parts[1:-1]]


def read_markdown(text: str) -> tuple[str, list[Section]]:
    """Title and ``##`` sections, each with its pipe tables (header, alignment row checked, data rows)."""
    lines = text.split("\n")
    assert lines[0].startswith("# ")
    title = lines[0][2:]
    sections: list[Section] = []
    caption = ""
    i = 1
    while i < len(lines):
        line = lines[i]
        if line.startswith("## "):
            sections.append(Section(line[3:]))
        elif line.startswith("|"):
            header = _cells(line)
            align = _cells(lines[i + 1])
            assert len(align) == len(header) and all(re.fullmatch(r":?-{3,}:?", a) for a in align)
            table = PipeTable(caption, header)
            i += 2
            while i < len(lines) and lines[i].startswith("|"):
                row = _cells(lines[i])
                assert len(row) == len(header), lines[i]
                table.rows.append(row)
                i += 1
            sections[-1].tables.append(table)
            caption = ""
            continue
        elif line.startswith("**") and line.endswith("**"):
            caption = line[2:-2]
        elif sections:
            sections[-1].lines.append(line)
        i += 1
    return title, sections


def expected_value_ok(report: Report, code: str, text: str) -> None:
    cell = report.cells[code]
    if cell.state is CellState.NUMBER:
        assert cell.value is not None
        assert "e" not in text.lower(), text
        assert parse_number(text) == Decimal(cell.value), code
    elif cell.state is CellState.UNREADABLE:
        assert text == "?", code
    else:
        assert text == "", code


def check_tables(report: Report, sections: list[Section]) -> set[str]:
    """Find every code's value in its row and column; return the codes found."""
    seen: set[str] = set()
    by_heading = {s.heading: s for s in sections}
    # table 2: block tables, header row = the template's block header
    s2 = get_template(report.template_of("s2"))
    tables = by_heading[HEADINGS[1]].tables
    for item in s2.s2_items:
        codes = [f"s2.{item}.{c}" for c in s2.s2_columns(item)]
        if all(report.cells[c].state is CellState.ABSENT for c in codes):
            continue
        block = s2.s2_block_label(item)
        table = next(t for t in tables if t.caption == block)
        assert table.header[0] == "信息内容"
        row = next(r for r in table.rows if r[0] == s2.s2_item_label(item))
        for j, column in enumerate(s2.s2_columns(item)):
            header_label = s2.s2_column_label(item, column)
            assert table.header[1 + j] == header_label or header_label.startswith(table.header[1 + j])
            expected_value_ok(report, codes[j], row[1 + j])
            seen.add(codes[j])
    # table 3: one table, full label path in the first column, header paths spelled out
    s3 = get_template(report.template_of("s3"))
    (table3,) = by_heading[HEADINGS[2]].tables
    assert "勾稽关系" in table3.header[0]
    for j, column in enumerate(S3_COLUMNS):
        assert table3.header[1 + j].startswith("申请人情况")
        assert table3.header[1 + j].endswith(S3_COLUMN_LABELS[column])
    rows = iter(table3.rows)
    for row_key in s3.s3_rows:
        codes = [f"s3.{row_key}.{c}" for c in S3_COLUMNS]
        if all(report.cells[c].state is CellState.ABSENT for c in codes):
            assert not any(r[0].endswith(s3.s3_row_label(row_key).split("/")[-1]) for r in table3.rows)
            continue
        row = next(rows)
        levels = row[0].split(" / ")
        template_levels = s3.s3_row_label(row_key).split("/")
        assert levels[-1] == template_levels[-1]
        assert levels[1:-1] == template_levels[1:-1]
        if len(template_levels) > 1:
            assert levels[0] == "三、本年度办理结果"
        for j, code in enumerate(codes):
            expected_value_ok(report, code, row[1 + j])
            seen.add(code)
    assert next(rows, None) is None
    # table 4: fifteen columns, one row
    specs = get_template(report.template_of("s4")).table_cells(4)
    s4_tables = by_heading[HEADINGS[3]].tables
    if all(report.cells[s.code].state is CellState.ABSENT for s in specs):
        assert not s4_tables
        return seen
    (table4,) = s4_tables
    assert len(table4.rows) == 1
    for j, spec in enumerate(specs):
        assert table4.header[j].split(" / ") == spec.label.split("/")
        expected_value_ok(report, spec.code, table4.rows[0][j])
        seen.add(spec.code)
    return seen


def test_published_reports_every_value_in_its_row_and_column(published: Report) -> None:
    title, sections = read_markdown(render(published, "md").decode("utf-8"))
    assert published.body is not None and published.body in title
    assert [s.heading for s in sections] == HEADINGS
    assert check_tables(published, sections) == set(published.codes)


def test_samples_every_value_in_its_row_and_column(sample: Report) -> None:
    _, sections = read_markdown(render(sample, "md").decode("utf-8"))
    seen = check_tables(sample, sections)
    absent = {c for c in sample.codes if c.startswith(f"s3.{ABSENT_ROW}.")}
    assert seen == set(sample.codes) - absent  # the absent row is omitted, every other cell printed


def test_blank_unreadable_and_absent_cells() -> None:
    report = make_report("2021")
    text = render(report, "md").decode("utf-8")
    _, sections = read_markdown(text)
    check_tables(report, sections)  # blank -> "", unreadable -> "?", absent single cell -> ""
    assert report.cells[BLANK_CODE].state is CellState.BLANK
    assert report.cells[ABSENT_CODE].state is CellState.ABSENT
    notes = "\n".join(sections[2].lines)
    assert "“?”" in notes  # the footnote explains the mark
    assert UNREADABLE_CODE in notes and UNREADABLE_NOTE in notes
    assert "5.要求行政机关确认或重新出具已获取信息" in text
    assert "3.要求提供公开出版物" not in text  # the absent row is left out


def test_amounts_without_float_noise() -> None:
    report = make_report("2021")
    report.cells["s2.fees.amount"] = Cell.number(
        Decimal("589.0799999999999272404238581657409667968750")
    )  # what Decimal(589.08) gives
    text = render(report, "md").decode("utf-8")
    assert "| 行政事业性收费 | 589.08 |" in text
    assert "589.0799" not in text


def test_amount_units() -> None:
    stated = render(make_report("2019"), "md").decode("utf-8")
    assert "| 信息内容 | 采购项目数量 | 采购总金额（万元） |" in stated
    unstated = render(make_report("2019", unstated=True), "md").decode("utf-8")
    assert "| 信息内容 | 采购项目数量 | 采购总金额 |" in unstated
    assert "未注明金额单位" in unstated
    fees = render(make_report("2021"), "md").decode("utf-8")
    assert "| 信息内容 | 本年收费金额（单位：万元） |" in fees
    assert f"| 行政事业性收费 | {FEE_AMOUNT_2021} |" in fees
    assert "| 行政事业性收费 | 24252.311082 |" in fees


def test_narrative_in_order_and_escaped() -> None:
    report = make_report("2021")
    text = render(report, "md").decode("utf-8")
    title, sections = read_markdown(text)
    assert re.search(r"(?<!\\)[<>]", text) is None  # no raw HTML: every < and > is escaped
    assert "\\<script\\>" in title
    overall = [line for line in sections[0].lines if line]
    assert len(overall) == 3  # one paragraph per line of the narrative
    assert overall[0].startswith("第一段")
    assert "\\<img" in overall[0]
    assert overall[1] == "第二段 \\| 管道 \\# 井号"
    assert "\x01" not in text
    assert [line for line in sections[4].lines if line] == ["一是问题。", "二是改进。"]
    assert HOSTILE_BODY not in text


def test_missing_table_and_missing_narrative() -> None:
    report = Report(template="2021", body="某局", year=2022)  # every cell absent, no narrative
    _, sections = read_markdown(render(report, "md").decode("utf-8"))
    assert [s.heading for s in sections] == HEADINGS
    for section in sections[1:4]:
        assert not section.tables
        assert any("未列出此表" in line for line in section.lines)


@pytest.mark.parametrize("text", ["- 列表", "1. 列表", "# 标题", "> 引用", "=====", "a_b_c", "[链接](x)"])
def test_line_start_markers_are_escaped(text: str) -> None:
    report = Report(template="2021", narrative={"overall": text})
    _, sections = read_markdown(render(report, "md").decode("utf-8"))
    (line,) = [line for line in sections[0].lines if line]
    assert line != text
    assert _UNESCAPE_RE.sub(r"\1", line) == text
