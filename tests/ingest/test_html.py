"""The HTML reader: encodings, span expansion, Word markup, the part of the page that is the report."""

from __future__ import annotations

import pytest

from tests.ingest.helpers import PUBLISHED, SYNTHETIC
from xxgk.core.errors import IngestError
from xxgk.ingest import html

TABLE = """<table>
<tr><td rowspan="2">三、本年度办理结果</td><td colspan="2">（一）予以公开</td><td>1</td></tr>
<tr><td>（三）不予公开</td><td>1.属于<span>国家</span><span>秘密</span></td><td><p>&nbsp;</p><p>2</p></td></tr>
</table>"""


def rows(markup: str) -> list[list[tuple[str, bool]]]:
    layout = html.read(markup.encode("utf-8"), "t.html")
    return [[(c.text.strip(), c.copy) for c in row.cells] for row in layout.rows]


def test_spans_are_expanded_with_copies() -> None:
    assert rows(TABLE) == [
        [("三、本年度办理结果", False), ("（一）予以公开", False), ("（一）予以公开", True), ("1", False)],
        [("三、本年度办理结果", True), ("（三）不予公开", False), ("1.属于国家秘密", False), ("2", False)],
    ]


def test_cell_sources_are_table_row_col() -> None:
    layout = html.read(("<p>前言</p><table><tr><td>x</td></tr></table>" + TABLE).encode(), "t.html")
    last = layout.rows[-1].cells[-1].source
    assert (last.file, last.table, last.row, last.col, last.text) == ("t.html", 2, 2, 4, "2")


def test_junk_spans_are_capped() -> None:
    markup = '<table><tr><td colspan="100000" rowspan="99999999">x</td><td>1</td></tr><tr><td>2</td></tr></table>'
    layout = html.read(markup.encode(), "t.html")
    assert len(layout.rows) == 2
    assert max(len(r.cells) for r in layout.rows) < 100


def test_layout_tables_are_walked_not_read_as_data() -> None:
    markup = "<table><tr><td><p>一、总体情况</p><p>正文。</p>" + TABLE + "</td></tr></table>"
    layout = html.read(markup.encode(), "t.html")
    assert [line.text for line in layout.lines] == ["一、总体情况", "正文。"]
    assert {row.table for row in layout.rows} == {2}


def test_lines_come_from_blocks_and_br() -> None:
    layout = html.read("<div>一、总体<span>情况</span></div><p>甲<br>乙</p><script>var a='x';</script>".encode(), "t")
    assert [line.text for line in layout.lines] == ["一、总体情况", "甲", "乙"]


def test_page_chrome_outside_the_report_is_not_read() -> None:
    layout = html.read((PUBLISHED / "pingtan-jjp-2022.html").read_bytes(), "jjp")
    texts = [line.text for line in layout.lines]
    assert "一、总体情况" in "".join(texts)
    assert not any("无障碍浏览" in t or "扫一扫" in t for t in texts)


def test_title_hints() -> None:
    layout = html.read((PUBLISHED / "pingtan-gaj-2019.html").read_bytes(), "gaj")
    assert layout.title_hints[0] == "平潭综合实验区公安局2019年政府信息公开工作年度报告"  # meta ArticleTitle
    assert any("_政府信息公开年报_" in hint for hint in layout.title_hints)  # <title> with the site suffix


GBK_PAGE = (
    '<html><head><meta charset="gbk"><title>喆镇2020年政府信息公开工作年度报告</title></head>'
    "<body><p>喆</p></body></html>"
)


@pytest.mark.parametrize(
    "data",
    [
        GBK_PAGE.encode("gbk"),
        GBK_PAGE.replace("gbk", "gb2312").encode("gbk"),  # declared gb2312, uses a GBK-only character
        GBK_PAGE.replace('<meta charset="gbk">', "").encode("gbk"),  # undeclared
        b"\xef\xbb\xbf" + GBK_PAGE.replace("gbk", "utf-8").encode("utf-8"),
        GBK_PAGE.replace("gbk", "utf-8").encode("utf-16"),
        GBK_PAGE.replace("gbk", "gbk").encode("utf-8"),  # declared wrongly: the bytes are UTF-8
    ],
)
def test_encodings(data: bytes) -> None:
    layout = html.read(data, "t.html")
    assert layout.title_hints == ("喆镇2020年政府信息公开工作年度报告",)


def test_control_characters_are_dropped() -> None:
    layout = html.read("<p>一、总体\x00情况\x0c</p>".encode(), "t")
    assert layout.lines[0].text == "一、总体情况"


def test_the_gbk_fixture_reads_its_gbk_only_character() -> None:
    result = html.parse((SYNTHETIC / "synthetic-gbk-2020.html").read_bytes(), "gbk")
    assert result.report.body == "示例县喆镇人民政府"
    assert "喆镇坚持依法公开" in result.report.narrative["overall"]


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (b"<!DOCTYPE html><html>", "x", True),
        (b"  <div><p>a</p></div>", "x", True),
        (b"<p>a</p>", "a.html", True),
        (b"# title\n\n| a |<br>| b |", "a.md", False),
        (b"plain text with <br> in it", "a.txt", False),
        (b"plain text", "x", False),
        (b"", "a.html", False),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "a.html", False),
    ],
)
def test_sniff(data: bytes, name: str, expected: bool) -> None:
    assert html.sniff(data, name) is expected


def test_empty_document() -> None:
    with pytest.raises(IngestError):
        html.parse(b"   ", "t.html")
    with pytest.raises(IngestError):
        html.parse(b"<html></html>", "t.html")
