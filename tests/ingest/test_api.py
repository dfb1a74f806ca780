"""The public API: parse_bytes / parse_path / PARSERS / explain."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ingest.helpers import PUBLISHED, SEED, SYNTHETIC
from xxgk.core.errors import IngestError
from xxgk.ingest import PARSERS, ParseResult, explain, parse_bytes, parse_path


def test_registry() -> None:
    names = list(PARSERS)
    assert names.index("html") < names.index("text")  # markup first; anything that is text last
    for name, parser in PARSERS.items():
        assert name == parser.NAME
        assert callable(parser.sniff)
        assert callable(parser.parse)


def test_parse_path_and_bytes_agree() -> None:
    from_path = parse_path(SEED)
    from_bytes = parse_bytes(SEED.read_bytes(), source=str(SEED))
    assert isinstance(from_path, ParseResult)
    assert from_path.report.to_dict() == from_bytes.report.to_dict()
    assert (from_path.source, from_path.format) == (str(SEED), "text")


def test_format_can_be_forced() -> None:
    page = (PUBLISHED / "pingtan-hzs-2023.html").read_bytes()
    assert parse_bytes(page, format="html").format == "html"
    with pytest.raises(IngestError, match="不支持的格式"):
        parse_bytes(page, format="xls")
    with pytest.raises(IngestError):
        parse_bytes(page, format="pdf")  # an HTML page forced through the PDF reader is not a PDF
    with pytest.raises(IngestError):
        parse_bytes(page, format="text")  # markup read as text is no report


def test_missing_and_unreadable_paths(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="文件不存在") as info:
        parse_path(tmp_path / "nope.txt")
    assert info.value.source == str(tmp_path / "nope.txt")
    with pytest.raises(IngestError, match="目录"):
        parse_path(tmp_path)


def test_errors_name_the_source() -> None:
    with pytest.raises(IngestError) as info:
        parse_bytes(b"", source="empty.txt")
    assert info.value.source == "empty.txt"
    assert str(info.value).startswith("empty.txt: ")


def test_old_report_is_refused_with_the_reason() -> None:
    with pytest.raises(IngestError) as info:
        parse_path(SYNTHETIC / "synthetic-old-2017.txt")
    assert "2019年以前的旧格式年报" in info.value.reason


def test_explain_lists_every_cell_with_its_source() -> None:
    result = parse_path(PUBLISHED / "pingtan-gaj-2019.html")
    text = explain(result)
    for spec in result.report.specs:
        assert spec.code in text
    assert "table 2, row 4, col 5" in text  # the blank 商业企业 cell
    assert "空白" in text
    assert "平潭综合实验区公安局" in text


def test_explain_shows_notes_extra_rows_and_findings() -> None:
    text = explain(parse_path(SYNTHETIC / "synthetic-runtogether-2021.txt"))
    assert "P001" in text
    assert "25380363300630003" in text
    assert "line " in text
    text = explain(parse_path(SYNTHETIC / "synthetic-oneline-2020.txt"))
    assert "其他主动公开文件" in text


def test_a_text_about_reports_is_not_a_report() -> None:
    # PROVENANCE.md names table rows ("（七）总计", "一、本年新收") in prose but holds no table.
    with pytest.raises(IngestError, match="没有读到任何数字"):
        parse_bytes((PUBLISHED / "PROVENANCE.md").read_bytes(), source="PROVENANCE.md")
