"""HTML: parsed back with lxml — structure, merged cells, codes, values, escaping."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import lxml.html
import pytest
from render_samples import (
    BLANK_CODE,
    HEADINGS,
    HOSTILE_BODY,
    UNREADABLE_CODE,
    UNREADABLE_NOTE,
    make_report,
    parse_number,
)

from xxgk.core.model import CellState, Report
from xxgk.core.templates import S3_COLUMNS, get_template
from xxgk.render import render

Element = lxml.html.HtmlElement


def parse(report: Report) -> Element:
    data = render(report, "html")
    assert data.startswith(b"<!DOCTYPE html>")
    return lxml.html.document_fromstring(data)


def table(doc: Element, section: str) -> Element:
    (found,) = doc.xpath(f"//table[@data-section='{section}']")
    return found


def text_of(element: Element) -> str:
    return " ".join(element.text_content().split())


def expand(tbl: Element) -> list[list[Element]]:
    """The table's grid with rowspan/colspan expanded, as a parser of published report pages reads it."""
    grid: dict[tuple[int, int], Element] = {}
    rows = tbl.xpath(".//tr")
    for r, tr in enumerate(rows):
        c = 0
        for td in tr.xpath("./td|./th"):
            while (r, c) in grid:
                c += 1
            for dr in range(int(td.get("rowspan", "1"))):
                for dc in range(int(td.get("colspan", "1"))):
                    assert (r + dr, c + dc) not in grid, "overlapping cells"
                    grid[r + dr, c + dc] = td
            c += int(td.get("colspan", "1"))
    width = max(c for _, c in grid) + 1
    assert set(grid) == {(r, c) for r in range(len(rows)) for c in range(width)}, "grid is not a full rectangle"
    return [[grid[r, c] for c in range(width)] for r in range(len(rows))]


def check_value(report: Report, td: Element) -> None:
    code = td.get("data-code")
    cell = report.cells[code]
    assert td.get("data-state") == cell.state.value
    text = text_of(td)
    if cell.state is CellState.NUMBER:
        assert cell.value is not None
        assert parse_number(text) == Decimal(cell.value), code
    elif cell.state is CellState.UNREADABLE:
        assert text == "?"
    else:
        assert text == ""


def check_document(report: Report) -> Element:
    doc = parse(report)
    assert doc.get("lang") == "zh-CN"
    assert doc.xpath("//meta[@charset='utf-8']")
    style = text_of(doc.xpath("//style")[0])
    for needle in ("@page", "A4", "仿宋_GB2312", "FangSong", "Noto Serif CJK SC", "方正小标宋简体", "border"):
        assert needle in style
    assert [text_of(h) for h in doc.xpath("//h2")][:6] == HEADINGS
    # every code of the report's templates exactly once, with its value and state
    tds = doc.xpath("//td[@data-code]")
    counts = Counter(td.get("data-code") for td in tds)
    assert set(counts) == set(report.codes)
    assert set(counts.values()) == {1}
    for td in tds:
        check_value(report, td)
    check_table3(report, doc)
    return doc


def check_table3(report: Report, doc: Element) -> None:
    template = get_template(report.template_of("s3"))
    tbl = table(doc, "s3")
    assert tbl.get("data-template") == template.version
    body_rows = tbl.xpath("./tbody/tr")
    assert len(body_rows) == {"2019": 23, "2021": 25}[template.version]  # template.md §4
    for tr, row in zip(body_rows, template.s3_rows, strict=True):
        values = tr.xpath("./td[@data-code]")
        assert [td.get("data-code") for td in values] == [f"s3.{row}.{c}" for c in S3_COLUMNS]
    grid = expand(tbl)
    assert len(grid[0]) == 10
    # header: 3×3 勾稽 corner, applicant tree
    assert grid[0][0] is grid[2][2] and "勾稽关系" in text_of(grid[0][0])
    assert [text_of(td) for td in grid[0][3:]] == ["申请人情况"] * 7
    assert [text_of(td) for td in grid[1][3:]] == ["自然人"] + ["法人或其他组织"] * 5 + ["总计"]
    assert [text_of(td) for td in grid[2][3:]] == [
        "自然人",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
        "总计",
    ]
    # data rows read back as a parser sees them: three label columns, then the seven values
    for r, row in enumerate(template.s3_rows, start=3):
        labels = [text_of(td) for td in grid[r][:3]]
        levels = template.s3_row_label(row).split("/")
        assert labels[2] == levels[-1]
        if len(levels) > 1:
            assert labels[0] == "三、本年度办理结果"
        if len(levels) == 3:
            assert labels[1] == levels[1]
        assert [td.get("data-code") for td in grid[r][3:]] == [f"s3.{row}.{c}" for c in S3_COLUMNS]


def spans(tbl: Element, text: str) -> tuple[int, int]:
    found = [td for td in tbl.xpath(".//td") if text_of(td) == text]
    assert len(found) == 1, text
    return int(found[0].get("rowspan", "1")), int(found[0].get("colspan", "1"))


def test_published_reports(published: Report) -> None:
    doc = check_document(published)
    assert published.body is not None and published.body in text_of(doc.xpath("//h1")[0])


def test_samples_with_every_state_and_mixed_templates(sample: Report) -> None:
    check_document(sample)


@pytest.mark.parametrize(("version", "outcome_rows"), [("2019", 20), ("2021", 22)])
def test_table3_spans_as_the_template(version: str, outcome_rows: int) -> None:
    tbl = table(parse(make_report(version)), "s3")
    corner = tbl.xpath(".//td")[0]
    assert (corner.get("rowspan"), corner.get("colspan")) == ("3", "3")
    assert spans(tbl, "申请人情况") == (1, 7)
    assert spans(tbl, "自然人") == (2, 1)
    assert spans(tbl, "法人或其他组织") == (1, 5)
    assert spans(tbl, "总计") == (2, 1)
    assert spans(tbl, "三、本年度办理结果") == (outcome_rows, 1)
    assert spans(tbl, "（三）不予公开") == (8, 1)
    assert spans(tbl, "（四）无法提供") == (3, 1)
    assert spans(tbl, "（五）不予处理") == (5, 1)
    assert spans(tbl, "（六）其他处理") == ((3, 1) if version == "2021" else (1, 2))
    assert spans(tbl, "一、本年新收政府信息公开申请数量") == (1, 3)


def test_table4_spans_and_values() -> None:
    report = make_report("2021")
    tbl = table(parse(report), "s4")
    assert spans(tbl, "行政复议") == (1, 5)
    assert spans(tbl, "行政诉讼") == (1, 10)
    assert spans(tbl, "未经复议直接起诉") == (1, 5)
    assert spans(tbl, "复议后起诉") == (1, 5)
    grid = expand(tbl)
    assert len(grid) == 4 and len(grid[0]) == 15
    assert [td.get("rowspan") for td in grid[1][:5]] == ["2"] * 5
    codes = [td.get("data-code") for td in grid[3]]
    assert codes == [s.code for s in get_template("2021").table_cells(4)]


def test_table2_2021_single_value_blocks_span_three_columns() -> None:
    tbl = table(parse(make_report("2021")), "s2")
    for code in ("s2.licensing.decisions", "s2.penalties.decisions", "s2.coercion.decisions", "s2.fees.amount"):
        (td,) = tbl.xpath(f".//td[@data-code='{code}']")
        assert td.get("colspan") == "3"
    assert spans(tbl, "本年收费金额（单位：万元）") == (1, 3)
    for block in ("第二十条第（一）项", "第二十条第（五）项", "第二十条第（六）项", "第二十条第（八）项"):
        assert spans(tbl, block) == (1, 4)
    grid = expand(tbl)
    assert all(len(row) == 4 for row in grid)
    fee = tbl.xpath(".//td[@data-code='s2.fees.amount']")[0]
    assert text_of(fee) == "24252.311082"


def test_mixed_report_prints_each_table_in_its_own_version() -> None:
    doc = parse(make_report("2019", "2021"))
    assert table(doc, "s2").get("data-template") == "2021"
    assert table(doc, "s3").get("data-template") == "2019"
    assert spans(table(doc, "s3"), "（六）其他处理") == (1, 2)
    assert table(doc, "s2").xpath(".//td[@data-code='s2.fees.amount']")


def test_hostile_text_is_escaped() -> None:
    report = make_report("2021")
    report.title = "<script>alert('title')</script>"
    doc = parse(report)
    assert not doc.xpath("//script")
    assert not doc.xpath("//img")
    assert not doc.xpath("//b")  # the extra row's label "<b>" stays text
    assert "<script>alert('title')</script>" in text_of(doc.xpath("//h1")[0])
    assert doc.xpath("//title")[0].text == "<script>alert('title')</script>"
    overall = doc.xpath("//section[@id='overall']/p")
    assert "<img src=x onerror=alert(1)>" in text_of(overall[0])
    assert "其他主动公开文件 <b>" in text_of(doc.xpath("//section[@id='s2']")[0])
    body_only = make_report("2021")
    assert body_only.body == HOSTILE_BODY
    assert not parse(body_only).xpath("//script")


def test_narrative_paragraphs_split_on_lines() -> None:
    doc = parse(make_report("2021"))
    paragraphs = [text_of(p) for p in doc.xpath("//section[@id='overall']/p")]
    assert len(paragraphs) == 3
    assert paragraphs[1] == "第二段 | 管道 # 井号"
    assert paragraphs[2] == "第三段控制字符"  # the control character is dropped
    assert [text_of(p) for p in doc.xpath("//section[@id='problems']/p")] == ["一是问题。", "二是改进。"]


def test_unreadable_and_blank_cells_carry_their_reason() -> None:
    doc = parse(make_report("2021"))
    (unreadable,) = doc.xpath(f"//td[@data-code='{UNREADABLE_CODE}']")
    assert unreadable.get("title") == UNREADABLE_NOTE
    notes = text_of(doc.xpath("//section[@id='s3']/ul[@class='notes']")[0])
    assert "“?”" in notes and UNREADABLE_NOTE in notes
    (blank,) = doc.xpath(f"//td[@data-code='{BLANK_CODE}']")
    assert blank.get("data-state") == "blank" and text_of(blank) == ""


def test_unstated_unit_is_noted_and_not_claimed() -> None:
    doc = parse(make_report("2019", unstated=True))
    s2 = doc.xpath("//section[@id='s2']")[0]
    assert spans(table(doc, "s2"), "采购总金额") == (1, 2)
    assert "未注明金额单位" in text_of(s2)
    assert "采购总金额（万元）" not in text_of(s2)


def test_report_without_tables_keeps_the_layout_and_says_so() -> None:
    report = Report(template="2021", year=2022, body="某局")
    doc = check_document(report)
    for section in ("s2", "s3", "s4"):
        assert "未列出此表" in text_of(doc.xpath(f"//section[@id='{section}']")[0])
    assert text_of(doc.xpath("//h1")[0]) == "某局2022年政府信息公开工作年度报告"
