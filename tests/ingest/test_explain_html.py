"""The HTML explain page: every cell beside where it came from, page images with boxes for PDFs."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from tests.ingest.helpers import FIXTURES, PUBLISHED
from xxgk.core.model import Cell, Source
from xxgk.ingest import parse_path, pdf
from xxgk.ingest.base import ParseResult
from xxgk.ingest.explain_html import explain_html

SPLIT = FIXTURES / "pdf" / "split-footer-2021.pdf"


@cache
def split_result() -> ParseResult:
    return pdf.parse(SPLIT.read_bytes(), SPLIT.name)


def test_pdf_page_has_an_image_per_page_used_and_a_box_per_cell() -> None:
    result = split_result()
    page = explain_html(result, SPLIT.read_bytes())
    boxed = {spec.code: cell.source for spec, cell in result.report.iter_cells() if cell.source and cell.source.bbox}
    pages = {source.page for source in boxed.values() if source is not None}
    assert len(boxed) == len(result.report.codes)  # every cell of this fixture was read from the page
    assert len(re.findall(r'<img src="data:image/png;base64,', page)) == len(pages) >= 2
    box_ids = re.findall(r'<div class="box [a-z]+" id="([^"]+)" data-code="([^"]+)"', page)
    assert sorted(code for _, code in box_ids) == sorted(boxed)
    # Each box is linked to its row in the cell list.
    rows = set(re.findall(r'<tr data-box="([^"]+)"', page))
    assert rows == {box for box, _ in box_ids}


def test_boxes_are_placed_by_the_cell_bbox() -> None:
    result = split_result()
    page = explain_html(result, SPLIT.read_bytes())
    cell = result.report.cells["s2.licensing.decisions"]
    assert cell.source is not None and cell.source.bbox is not None
    document = pdf.read_document(SPLIT.read_bytes(), SPLIT.name)
    width = next(p.width for p in document.pages if p.number == cell.source.page)
    m = re.search(r'data-code="s2\.licensing\.decisions" style="left:([\d.]+)%', page)
    assert m is not None
    assert abs(float(m.group(1)) - cell.source.bbox[0] / width * 100) < 0.01


def test_other_formats_show_the_table_position_and_raw_text() -> None:
    path = PUBLISHED / "pingtan-zrz-2021.html"
    result = parse_path(path)
    page = explain_html(result, path.read_bytes())
    assert "<img" not in page
    cell = result.report.cells["s3.received.total"]
    assert cell.source is not None and cell.source.table is not None
    assert f"表{cell.source.table} 第{cell.source.row}行 第{cell.source.col}列" in page
    assert 'class="box' not in page


def test_text_format_shows_lines(tmp_path: Path) -> None:
    seed = PUBLISHED / "cq-dadukou-baqiao-2020.txt"
    result = parse_path(seed)
    page = explain_html(result, seed.read_bytes())
    cell = result.report.cells["s3.received.total"]
    assert cell.source is not None and cell.source.line is not None
    assert f"第{cell.source.line}行（文本）" in page


def test_everything_from_the_document_is_escaped() -> None:
    result = parse_path(PUBLISHED / "pingtan-zrz-2021.html")
    evil = "<script>alert(1)</script>"
    result.report.title = evil
    result.report.body = evil
    result.report.cells["s3.received.total"] = Cell.unreadable(evil, source=Source(table=1, row=1, col=1, text=evil))
    page = explain_html(result, b"<html>")
    assert evil not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("<script>") == 1  # the page's own highlighting script


def test_a_pdf_result_without_the_bytes_still_renders() -> None:
    page = explain_html(split_result(), b"%PDF-1.4 broken")
    assert "<img" not in page and "s2.licensing.decisions" in page
