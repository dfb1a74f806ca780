"""Golden tests: every published and synthetic fixture parses to its hand-made ``.expected.json``."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ingest.helpers import PUBLISHED, SEED, SYNTHETIC, expected_for, spec_differences, with_expectation
from xxgk.core.model import CellState
from xxgk.ingest import parse_path

PUBLISHED_REPORTS = with_expectation(PUBLISHED)
SYNTHETIC_REPORTS = with_expectation(SYNTHETIC)


def test_the_fixture_lists_are_complete() -> None:
    names = {p.name for p in PUBLISHED_REPORTS}
    assert SEED.name in names
    assert len([n for n in names if n.endswith(".html")]) == 11
    assert {p.suffix for p in SYNTHETIC_REPORTS} == {".txt", ".md", ".html"}


@pytest.mark.parametrize("path", PUBLISHED_REPORTS + SYNTHETIC_REPORTS, ids=lambda p: p.name)
def test_fixture_parses_to_its_expectation(path: Path) -> None:
    result = parse_path(path)
    assert spec_differences(result.report, expected_for(path)) == []


def test_the_seed_is_read_as_text_and_the_pages_as_html() -> None:
    assert parse_path(SEED).format == "text"
    assert parse_path(PUBLISHED / "pingtan-gaj-2019.html").format == "html"
    assert parse_path(SYNTHETIC / "synthetic-markdown-2022.md").format == "text"


# -- narrative ---------------------------------------------------------------------------------------


def test_seed_narrative_sections() -> None:
    narrative = parse_path(SEED).report.narrative
    assert "二是建立工作机制" in narrative["overall"]
    assert narrative["overall"].startswith("2020年，八桥镇认真贯彻落实")
    assert "建立长效机制" in narrative["problems"]
    assert narrative["problems"].count("\n") == 1  # two paragraphs
    assert narrative["other"] == "暂无其他需要报告的事项。"
    # the tables are not narrative
    assert "予以公开" not in narrative["overall"] + narrative["problems"]


@pytest.mark.parametrize(
    ("name", "key", "phrase"),
    [
        ("pingtan-nyn-2021.html", "problems", "微信公众号宣传推广力度仍有待加强"),  # 五、政府信息公开存在的…
        ("pingtan-nyn-2021.html", "other", "本年度没有产生信息公开处理费"),  # 六、需要说明的其他事项与附表
        ("pingtan-jjp-2022.html", "overall", "金井片区管理局坚持以习近平新时代中国特色社会主义思想为指导"),
        ("pingtan-scj-2025.html", "other", "依法收取信息处理费"),
    ],
)
def test_html_narrative_sections(name: str, key: str, phrase: str) -> None:
    narrative = parse_path(PUBLISHED / name).report.narrative
    assert phrase in narrative[key]


def test_html_narrative_excludes_page_chrome_and_tables() -> None:
    report = parse_path(PUBLISHED / "pingtan-lyy-2022.html").report
    text = "\n".join(report.narrative.values())
    for chrome in ("扫一扫在手机上查看当前页面", "附件下载", "无障碍浏览", "首页"):
        assert chrome not in text
    assert "本年新收政府信息公开申请数量" not in text
    scj = parse_path(PUBLISHED / "pingtan-scj-2025.html").report
    assert "通知收取件数" not in scj.narrative["other"]  # the 信息处理费 table after 六


# -- provenance --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "line", "text"),
    [
        ("s2.procurement.projects", 78, "95"),
        ("s2.procurement.amount", 79, "589.08"),
        ("s3.received.natural", 102, "1"),
        ("s3.received.total", 108, "1"),
        ("s3.carried_in.business", 112, "0"),  # printed " 0"
        ("s3.total.total", 333, "1"),  # printed " 1"
        ("s4.suit_direct.upheld", 378, "1"),
    ],
)
def test_seed_cells_point_at_their_lines(code: str, line: int, text: str) -> None:
    cell = parse_path(SEED).report.cell(code)
    assert cell.source is not None
    assert cell.source.line == line
    assert cell.source.text == text
    assert SEED.read_text(encoding="utf-8").splitlines()[line - 1].strip() == text


def test_html_cells_point_at_table_row_and_column() -> None:
    report = parse_path(PUBLISHED / "pingtan-gaj-2019.html").report
    blank = report.cell("s3.received.business")  # an empty <p>&nbsp;</p> cell
    assert blank.state is CellState.BLANK
    assert (blank.source.table, blank.source.row, blank.source.col) == (2, 4, 5)  # type: ignore[union-attr]
    fees = report.cell("s2.fees.change")  # "4" in a colspan=2 cell
    assert (fees.source.table, fees.source.row, fees.source.col, fees.source.text) == (1, 15, 3, "4")  # type: ignore[union-attr]
    review = report.cell("s4.suit_after_review.total")
    assert (review.source.table, review.source.row, review.source.col) == (3, 4, 15)  # type: ignore[union-attr]


# -- cases named in PROVENANCE.md ----------------------------------------------------------------------


def test_scj_omitted_regulations_row_is_absent_not_blank() -> None:
    report = parse_path(PUBLISHED / "pingtan-scj-2025.html").report
    for column in ("issued", "repealed", "in_force"):
        assert report.cell(f"s2.regulations.{column}").state is CellState.ABSENT
    assert report.value("s2.normative_docs.in_force") == 73
    assert report.value("s3.denied.enforcement_file.natural") == 3  # label 行政执法案件
    assert report.extra_rows == []


def test_lyy_year_comes_from_title_not_preamble() -> None:
    result = parse_path(PUBLISHED / "pingtan-lyy-2022.html")
    assert result.report.year == 2022  # the preamble says 编制完成2023年度…报告
    assert result.findings == []


def test_money_units() -> None:
    zrz = parse_path(PUBLISHED / "pingtan-zrz-2020.html").report  # "1690.9913万元"
    assert str(zrz.value("s2.procurement.amount")) == "1690.9913"
    assert "s2.procurement.amount" not in zrz.units
    htp = parse_path(PUBLISHED / "pingtan-htp-2021.html").report  # "28291965元", digits split over spans
    assert str(htp.value("s2.procurement.amount")) == "2829.1965"
    gaj = parse_path(PUBLISHED / "pingtan-gaj-2019.html").report  # bare "0": unit not stated
    assert gaj.units == {"s2.procurement.amount": "unstated"}


def test_no_extra_rows_or_findings_on_clean_published_reports() -> None:
    for path in PUBLISHED_REPORTS:
        result = parse_path(path)
        assert result.report.extra_rows == [], path.name
        assert result.findings == [], path.name
