"""The PDF reader on real and synthetic PDFs: cells, provenance, hard cases, and every way a PDF can be bad."""

from __future__ import annotations

import json
import random
import re
from decimal import Decimal
from difflib import SequenceMatcher
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tests.ingest.helpers import FIXTURES, PUBLISHED, spec_differences
from xxgk.core.errors import IngestError
from xxgk.core.model import CellState
from xxgk.ingest import parse_path, pdf
from xxgk.ingest.base import ParseResult
from xxgk.ingest.normalize import squash
from xxgk.ingest.pdf_document import ENCRYPTED, NO_TEXT_LAYER, NOT_PDF, PdfSettings

OFFICE = FIXTURES / "office"
SYNTHETIC_PDF = FIXTURES / "pdf"


def _manifest() -> dict[str, dict[str, Any]]:
    path = OFFICE / "manifest.json"
    if not path.exists():
        return {}
    files: dict[str, dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["files"]
    return files


MANIFEST = _manifest()
#: LibreOffice PDFs of the published reports (and the split-table hard case) with the HTML's expectation.
OFFICE_PDFS = sorted(
    name for name, info in MANIFEST.items() if name.endswith(".pdf") and info.get("kind") in ("report", "split-table")
)
#: In these two LibreOffice PDFs table 4 is wider than the page and LibreOffice drops what lies beyond the
#: right edge: the last two columns (复议后起诉 尚未审结/总计) are not in the file at all (not even as
#: clipped text), so table 4 cannot be read and must come out unreadable, never guessed.
CLIPPED_TABLE4 = {"pingtan-zrz-2021.lo.pdf", "synthetic-split-table.pdf"}
#: Synthetic PDFs (tests/fixtures/pdf/README.md) and the expectation each is printed from.
SYNTHETIC = {
    "split-footer-2021.pdf": "split-footer-2021.expected.json",
    "merged-wrapped-2020.pdf": "merged-wrapped-2020.expected.json",
    "restricted-2021.pdf": "split-footer-2021.expected.json",
    "partly-scanned.pdf": "split-footer-2021.expected.json",
    "borderless-2021.pdf": "borderless-2021.expected.json",
}


@cache
def parsed(path: Path) -> ParseResult:
    return pdf.parse(path.read_bytes(), path.name)


def _expected(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((PUBLISHED / name).read_text(encoding="utf-8"))
    return data


# -- golden: the same cells as the HTML expectation ---------------------------------------------------


def test_the_office_fixtures_are_there() -> None:
    assert (OFFICE / "READY").exists()
    assert len(OFFICE_PDFS) >= 11


@pytest.mark.parametrize("name", OFFICE_PDFS)
def test_libreoffice_pdf_parses_to_the_html_expectation(name: str) -> None:
    result = parsed(OFFICE / name)
    expected = _expected(MANIFEST[name]["expected"])
    assert result.format == "pdf"
    if name in CLIPPED_TABLE4:
        s4 = [code for code in expected["cells"] if code.startswith("s4.")]
        assert all(result.report.cells[code].state is CellState.UNREADABLE for code in s4)
        expected = {**expected, "cells": {k: v for k, v in expected["cells"].items() if not k.startswith("s4.")}}
        got = {k: v for k, v in result.report.to_dict()["cells"].items() if not k.startswith("s4.")}
        assert {k: expected["cells"][k] for k in got} == got
        assert result.report.body == expected["body"]
        assert result.report.year == expected["year"]
        assert result.report.template == expected["template"]
        return
    assert spec_differences(result.report, expected) == []


@pytest.mark.parametrize("name", [n for n in OFFICE_PDFS if MANIFEST[n]["kind"] == "report"])
def test_libreoffice_pdf_narrative_reads_like_the_html(name: str) -> None:
    """Sections 一、五、六 as paragraphs, without page numbers or table text: (nearly) the HTML's own text."""
    html = parse_path(FIXTURES / MANIFEST[name]["source"]).report.narrative
    got = parsed(OFFICE / name).report.narrative
    assert set(got) == set(html)
    for key, text in html.items():
        ratio = SequenceMatcher(None, squash(text), squash(got[key]), autojunk=False).ratio()
        assert ratio > 0.99, (key, ratio)


@pytest.mark.parametrize("name", sorted(SYNTHETIC))
def test_synthetic_pdf_parses_to_its_expectation(name: str) -> None:
    result = parsed(SYNTHETIC_PDF / name)
    expected = json.loads((SYNTHETIC_PDF / SYNTHETIC[name]).read_text(encoding="utf-8"))
    assert spec_differences(result.report, expected) == []


def test_a_pdf_with_permission_restrictions_reads_normally() -> None:
    data = (SYNTHETIC_PDF / "restricted-2021.pdf").read_bytes()
    assert b"/Encrypt" in data  # encrypted (no copying, no printing) but opens without a password
    assert parsed(SYNTHETIC_PDF / "restricted-2021.pdf").report.value("s2.licensing.decisions") == 12345


def test_numbers_with_thousands_separators() -> None:
    # The split fixture prints 12,345 and 1,020 (its README); the cells hold the numbers.
    report = parsed(SYNTHETIC_PDF / "split-footer-2021.pdf").report
    assert report.cells["s2.licensing.decisions"].source is not None
    assert report.cells["s2.licensing.decisions"].source.text == "12,345"
    assert report.value("s2.licensing.decisions") == 12345


def _table_of(document: pdf.PdfDocument, word: str) -> int | None:
    return next(row.table for row in document.layout.rows if any(word in c.text for c in row.cells))


def test_split_table_is_one_table_without_page_furniture() -> None:
    path = SYNTHETIC_PDF / "split-footer-2021.pdf"
    document = pdf.read_document(path.read_bytes(), path.name)
    t3 = _table_of(document, "勾稽")
    pages = {page for (table, _, _), (page, _) in document.cell_boxes.items() if table == t3}
    assert len(pages) >= 2  # the fixture really splits table 3 over pages
    # The header repeated on the second page is read once.
    rows = [row for row in document.layout.rows if row.table == t3]
    assert len([c for row in rows for c in row.cells if "勾稽" in c.text and not c.copy]) == 1
    # Page numbers ("- 2 -") and the running header are neither lines nor rows.
    lines = [line.text for line in document.layout.lines]
    assert not any(pdf.is_page_number(t) for t in lines)
    assert not any(re.fullmatch(r"-\s*\d+\s*-", c.text) for row in document.layout.rows for c in row.cells)
    assert lines.count("某某市某某局2021年政府信息公开工作年度报告") <= 1


def test_merged_tables_wrapped_labels_and_one_character_per_line() -> None:
    path = SYNTHETIC_PDF / "merged-wrapped-2020.pdf"
    document = pdf.read_document(path.read_bytes(), path.name)
    rows = document.layout.rows
    # Tables 3 and 4 touch: one grid holds the 行政复议 header and the 申请人情况 header.
    by_table: dict[int | None, str] = {}
    for row in rows:
        by_table[row.table] = by_table.get(row.table, "") + "".join(c.text for c in row.cells)
    assert any("申请人情况" in text and "行政复议" in text for text in by_table.values())
    texts = {c.text for row in rows for c in row.cells}
    assert "自然人" in texts  # printed "自\n然\n人" in a narrow column
    assert "三、本年度办理结果" in texts  # printed one character per line
    result = parsed(path)
    assert result.report.value("s4.review.total") is not None


def test_tables_without_rules_are_read_from_the_text_lines() -> None:
    path = SYNTHETIC_PDF / "borderless-2021.pdf"
    document = pdf.read_document(path.read_bytes(), path.name)
    assert not any(page.parts for page in document.pages)
    assert document.layout.rows and all(row.table is None for row in document.layout.rows)
    cell = parsed(path).report.cells["s2.licensing.decisions"]
    assert cell.value == 12345
    assert cell.source is not None and cell.source.page is not None and cell.source.bbox is not None


# -- provenance ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["split-footer-2021.pdf", "merged-wrapped-2020.pdf"])
def test_every_read_cell_has_a_page_and_a_box_holding_its_text(name: str) -> None:
    path = SYNTHETIC_PDF / name
    result = parsed(path)
    document = pdf.read_document(path.read_bytes(), path.name)
    sizes = {p.number: (p.width, p.height) for p in document.pages}
    for spec, cell in result.report.iter_cells():
        if cell.state is CellState.ABSENT:
            continue
        source = cell.source
        assert source is not None and source.page is not None and source.bbox is not None, spec.code
        x0, top, x1, bottom = source.bbox
        width, height = sizes[source.page]
        assert 0 <= x0 < x1 <= width and 0 <= top < bottom <= height, spec.code
        if cell.state is CellState.NUMBER:
            assert source.text is not None
            assert Decimal(source.text.replace(",", "")) == cell.value, spec.code


# -- no text layer --------------------------------------------------------------------------------


def test_scanned_pdf_needs_ocr() -> None:
    with pytest.raises(IngestError) as info:
        parsed(SYNTHETIC_PDF / "scanned.pdf")
    assert info.value.reason == NO_TEXT_LAYER


@pytest.mark.parametrize(
    "name",
    sorted(n for n, info in MANIFEST.items() if n.endswith(".pdf") and info.get("kind") in ("scanned", "no-unicode")),
)
def test_the_office_fixtures_without_text_need_ocr(name: str) -> None:
    with pytest.raises(IngestError) as info:
        parsed(OFFICE / name)
    assert info.value.reason == NO_TEXT_LAYER


def test_font_without_unicode_map_needs_ocr() -> None:
    with pytest.raises(IngestError) as info:
        parsed(SYNTHETIC_PDF / "no-tounicode.pdf")
    assert info.value.reason == NO_TEXT_LAYER


def test_a_scanned_page_among_text_pages_is_reported() -> None:
    result = parsed(SYNTHETIC_PDF / "partly-scanned.pdf")
    pages = len(pdf.read_document((SYNTHETIC_PDF / "partly-scanned.pdf").read_bytes(), "x").pages)
    found = [f for f in result.findings if f.code == pdf.PAGES_WITHOUT_TEXT.code]
    assert len(found) == 1 and f"第{pages}页" in found[0].message


def test_latin_garbage_where_chinese_is_expected_needs_ocr() -> None:
    page = pdf.PageRead(1, 595, 842, glyph_count=500, cjk=0.0)
    assert page.has_text
    with pytest.raises(IngestError) as info:
        pdf.check_script([page], "x.pdf", PdfSettings())
    assert info.value.reason == NO_TEXT_LAYER


# -- bad files: always an IngestError ----------------------------------------------------------------


def _junk() -> dict[str, bytes]:
    good = (SYNTHETIC_PDF / "split-footer-2021.pdf").read_bytes()
    rng = random.Random(20250131)
    return {
        "empty": b"",
        "magic-only": b"%PDF-",
        "random-after-magic": b"%PDF-1.7\n" + bytes(rng.randrange(256) for _ in range(4000)),
        "truncated-half": good[: len(good) // 2],
        "truncated-head": good[:2000],
        "no-xref": good.split(b"xref")[0],
        "text": "一、总体情况\n本报告…".encode(),
    }


@pytest.mark.parametrize("kind", sorted(_junk()))
def test_junk_is_an_ingest_error(kind: str) -> None:
    with pytest.raises(IngestError):
        pdf.parse(_junk()[kind], f"{kind}.pdf")


def test_not_a_pdf() -> None:
    with pytest.raises(IngestError) as info:
        pdf.parse(b"<html><body>hello</body></html>", "a.pdf")
    assert info.value.reason == NOT_PDF


def test_password_protected_pdf() -> None:
    with pytest.raises(IngestError) as info:
        parsed(SYNTHETIC_PDF / "password.pdf")
    assert info.value.reason == ENCRYPTED


def test_pdf_without_tables_is_not_a_report() -> None:
    with pytest.raises(IngestError) as info:
        parsed(SYNTHETIC_PDF / "no-tables.pdf")
    assert "统一表格" in info.value.reason


def test_limits() -> None:
    data = (SYNTHETIC_PDF / "merged-wrapped-2020.pdf").read_bytes()
    with pytest.raises(IngestError, match="页数过多"):
        pdf.parse(data, "a.pdf", PdfSettings(max_pages=2))
    with pytest.raises(IngestError, match="过大"):
        pdf.parse(data, "a.pdf", PdfSettings(max_bytes=len(data) - 1))


# -- the interface ------------------------------------------------------------------------------------


def test_sniff() -> None:
    assert pdf.sniff((SYNTHETIC_PDF / "no-tables.pdf").read_bytes()[:100], "x")
    assert pdf.sniff(b"\r\n%PDF-1.4 ...", "report.pdf")
    assert not pdf.sniff(b"\r\n%PDF-1.4 ...", "report.txt")
    assert not pdf.sniff(b"<html>", "a.pdf")
    assert not pdf.sniff(b"", "a.pdf")
    assert pdf.NAME == "pdf"


def test_read_gives_the_layout() -> None:
    path = SYNTHETIC_PDF / "split-footer-2021.pdf"
    layout = pdf.read(path.read_bytes(), path.name)
    assert layout.format == "pdf" and layout.rows and layout.lines
    assert layout.title_hints and "年度报告" in layout.title_hints[0]
