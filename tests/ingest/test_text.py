"""The plain-text / Markdown reader: lines and rows with line numbers."""

from __future__ import annotations

import pytest

from tests.ingest.helpers import SEED
from xxgk.core.errors import IngestError
from xxgk.ingest import text
from xxgk.ingest.text import split_line, text_to_layout


@pytest.mark.parametrize(
    ("line", "cells"),
    [
        ("规章 0 0 0", ["规章", "0", "0", "0"]),
        ("（三）不予 公开 1.属于国家秘密 0 0 0 0 0 0 0", ["（三）不予 公开 1.属于国家秘密", *["0"] * 7]),
        ("规章\t0\t0\t0", ["规章", "0", "0", "0"]),
        ("规章    0    0    0", ["规章", "0", "0", "0"]),
        ("规章\u3000\u3000０\u3000\u3000０", ["规章", "０", "０"]),
        ("0 0 0 0 0", ["0"] * 5),
        ("行政处罚 88 -18 14", ["行政处罚", "88", "-18", "14"]),
        ("政府集中采购 2笔 251000元", ["政府集中采购", "2笔", "251000元"]),
        ("信息内容 本年制发件数 本年废止件数 现行有效件数", ["信息内容 本年制发件数 本年废止件数 现行有效件数"]),
        ("| 规章 | 0 | 0 | 0 |", ["规章", "0", "0", "0"]),
        ("| 本年新<br>制作数量 | a\\|b | **规章** | 1\\.属于 |", ["本年新 制作数量", "a|b", "规章", "1.属于"]),
        ("|---|:---:|---:|", None),
        ("一、总体情况", ["一、总体情况"]),
    ],
)
def test_split_line(line: str, cells: list[str] | None) -> None:
    got = split_line(line)
    assert (None if got is None else [c.strip() for c in got]) == cells


def test_flattened_cells_one_per_line() -> None:
    layout = text_to_layout("标题\n\n\t规章\n\t0 \n\t\xa00\n\t\n\n正文", "t.txt")
    (heading, table_row, body) = layout.rows
    assert [c.text for c in table_row.cells] == ["规章", "0", "0", ""]  # a line with only a tab is an empty cell
    assert [c.where[1] for c in table_row.cells] == [3, 4, 5, 6]
    assert (table_row.pos, table_row.end) == (3, 6)
    assert heading.cells[0].text == "标题"
    assert body.cells[0].text == "正文"


def test_lines_keep_their_numbers() -> None:
    layout = text_to_layout("a\r\n\r\nb\rc\n", "t.txt")
    assert [(line.text, line.pos) for line in layout.lines] == [("a", 1), ("b", 3), ("c", 4)]


def test_long_sentences_are_lines_not_rows() -> None:
    sentence = "根据《中华人民共和国政府信息公开条例》" * 10
    layout = text_to_layout(sentence, "t.txt")
    assert layout.rows == ()
    assert layout.lines[0].text == sentence


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_encodings(encoding: str) -> None:
    data = SEED.read_text(encoding="utf-8").encode(encoding)
    result = text.parse(data, "seed")
    assert result.report.body == "重庆市大渡口区八桥镇"
    assert result.report.value("s2.procurement.projects") == 95


def test_undecodable_text() -> None:
    with pytest.raises(IngestError, match="编码"):
        text.parse(b"abc" + b"\xff\x81\xfd" * 10, "x.txt")


def test_rows_copied_out_of_a_browser() -> None:
    """One row per line, cells separated by tabs; a merged label cell copies as a leading tab."""
    content = "\n".join(
        [
            "示例局2022年政府信息公开工作年度报告",
            "三、收到和处理政府信息公开申请情况",
            "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\t申请人情况",
            "\t自然人\t法人或其他组织\t总计",
            "一、本年新收政府信息公开申请数量\t3\t0\t0\t0\t0\t0\t3",
            "三、本年度办理结果\t（一）予以公开\t2\t0\t0\t0\t0\t0\t2",
            "\t（三）不予公开\t1.属于国家秘密\t1\t0\t0\t0\t0\t0\t1",
            "\t\t2.其他法律行政法规禁止公开\t0\t0\t0\t0\t0\t0\t0",
            "\t（六）其他处理\t1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请\t0\t0\t0\t0\t0\t0\t0",
            "\t\t3.其他\t4\t0\t0\t0\t0\t0\t4",
        ]
    )
    report = text.parse(content.encode(), "copy.txt").report
    assert report.template == "2021"
    assert report.value("s3.denied.state_secret.natural") == 1
    assert report.value("s3.denied.prohibited.total") == 0
    assert report.value("s3.other.other.total") == 4
    assert report.extra_rows == []
