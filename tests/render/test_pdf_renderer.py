"""PDF: read back by the engine's PDF reader (same cells); the page, the fonts (every glyph really in its embedded
font, no missing-glyph boxes), page numbers, repeated table headers, metadata and determinism."""

from __future__ import annotations

import builtins
import io
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pdfplumber
import pypdfium2 as pdfium
import pytest
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from hypothesis import HealthCheck, given, settings
from pdfminer.cmapdb import CMapParser, FileUnicodeMap
from pdfminer.pdfdevice import PDFTextDevice
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import PDFStream, resolve1
from pdfminer.psparser import PSLiteral
from PIL import Image
from tests.render.render_samples import make_report
from tests.render.test_docx_renderer import ROUND_TRIP_PATHS, SEED, assert_same_report, load
from tests.test_properties import consistent_reports

from xxgk.core.errors import RenderError
from xxgk.core.model import Report
from xxgk.ingest import parse_bytes
from xxgk.ingest.pdf import read_document
from xxgk.ingest.values import is_value_text
from xxgk.render import get_renderer, render
from xxgk.render.common import report_title
from xxgk.render.pdf_renderer import MISSING_WEASYPRINT, print_html, refuse_fetch, render_pdf

MM = 72 / 25.4
A4 = (210 * MM, 297 * MM)
#: GB/T 9704-2012 margins in points: top, right, bottom, left.
MARGINS = (37 * MM, 26 * MM, 35 * MM, 28 * MM)
#: The PDF reader's fixture with a narrative (and table 3 split over pages).
SPLIT = SEED.parents[1] / "pdf" / "split-footer-2021.expected.json"
HYPOTHESIS = settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@cache
def pdf_of(path: Path) -> bytes:
    """Each fixture is printed once per test session (WeasyPrint takes ~0.2 s a page)."""
    return render_pdf(load(path))


def read_pdf(data: bytes) -> Report:
    assert data.startswith(b"%PDF-")
    return parse_bytes(data, source="round-trip.pdf").report


# -- round trip through the engine's reader ---------------------------------------------------------------


@pytest.mark.parametrize("path", ROUND_TRIP_PATHS, ids=lambda p: p.name.removesuffix(".expected.json"))
def test_fixture_reports_read_back_with_the_same_cells(path: Path) -> None:
    assert_same_report(read_pdf(pdf_of(path)), load(path))


@HYPOTHESIS
@given(consistent_reports())
def test_generated_reports_read_back_with_the_same_cells(report: Report) -> None:
    parsed = read_pdf(render_pdf(report))
    assert_same_report(parsed, report, units=False)  # units: see the DOCX test of the same name
    fee_2021 = "s2.fees.amount" if report.template_of("s2") == "2021" else None
    assert {k: v for k, v in parsed.units.items() if k != fee_2021} == {
        k: v for k, v in report.units.items() if k != fee_2021
    }


# -- glyphs: every character drawn from its embedded font, none a missing-glyph box ------------------------


@dataclass
class GlyphCheck:
    """What the glyph checker saw: how many glyphs it checked, the fonts, and every problem found."""

    glyphs: int = 0
    fonts: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)


class _Recorder(PDFTextDevice):
    """A pdfminer device that keeps the raw bytes of every string shown, with its font's name."""

    def __init__(self, manager: PDFResourceManager) -> None:
        super().__init__(manager)
        self.shown: list[tuple[str, bytes]] = []

    def render_string(self, textstate: Any, seq: Any, ncs: Any, graphicstate: Any) -> None:
        name = getattr(textstate.font, "basefont", "?")
        self.shown.extend((name, item) for item in seq if isinstance(item, bytes))


def _name(value: Any) -> str:
    value = resolve1(value)
    if isinstance(value, PSLiteral):
        return value.name if isinstance(value.name, str) else value.name.decode("latin-1")
    return str(value)


def _code_to_cid(encoding: Any) -> dict[int, int] | None:
    """A Type0 font's encoding: ``None`` for Identity-H, else the codes of its embedded CMap (cidchar/cidrange)."""
    encoding = resolve1(encoding)
    if not isinstance(encoding, PDFStream):
        return None if _name(encoding) == "Identity-H" else {}
    text = encoding.get_data().decode("latin-1")
    out: dict[int, int] = {}
    for block in re.findall(r"begincidchar(.*?)endcidchar", text, re.S):
        for code, cid in re.findall(r"<([0-9a-fA-F]+)>\s*(\d+)", block):
            out[int(code, 16)] = int(cid)
    for block in re.findall(r"begincidrange(.*?)endcidrange", text, re.S):
        for low, high, cid in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(\d+)", block):
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                out[code] = int(cid) + offset
    return out


@dataclass
class _Font:
    name: str
    encoding: dict[int, int] | None  # None: Identity-H
    to_unicode: FileUnicodeMap | None
    program: TTFont | None
    problem: str | None = None


def _fonts(document: PDFDocument) -> dict[str, _Font]:
    """Every Type0 font of the file by its name, with its embedded program (other font types are problems)."""
    fonts: dict[str, _Font] = {}
    for xref in document.xrefs:
        for objid in xref.get_objids():
            try:
                obj = document.getobj(objid)
            except Exception:  # not every object number resolves (free entries); fonts always do
                continue
            if not isinstance(obj, dict) or _name(obj.get("Type")) != "Font" or "BaseFont" not in obj:
                continue
            name, subtype = _name(obj["BaseFont"]), _name(obj.get("Subtype"))
            if subtype in ("CIDFontType0", "CIDFontType2"):
                continue  # descendants, reached through their Type0 parent
            if subtype != "Type0":
                fonts[name] = _Font(name, {}, None, None, f"{name}: unexpected {subtype} font")
                continue
            unicode_map = None
            if isinstance(resolve1(obj.get("ToUnicode")), PDFStream):
                unicode_map = FileUnicodeMap()
                CMapParser(unicode_map, io.BytesIO(resolve1(obj["ToUnicode"]).get_data())).run()
            descendant = resolve1(resolve1(obj["DescendantFonts"])[0])
            descriptor = resolve1(descendant.get("FontDescriptor")) or {}
            files = [resolve1(descriptor[k]) for k in ("FontFile", "FontFile2", "FontFile3") if k in descriptor]
            program, problem = None, None
            if not files:
                problem = f"{name}: font not embedded"
            elif _name(descendant.get("CIDToGIDMap", "Identity")) != "Identity":
                problem = f"{name}: CIDToGIDMap is not Identity"
            else:
                try:
                    program = TTFont(io.BytesIO(files[0].get_data()))
                except Exception as exc:  # an embedded program fontTools cannot read is a problem to report
                    problem = f"{name}: embedded font unreadable ({exc})"
            fonts[name] = _Font(name, _code_to_cid(obj.get("Encoding")), unicode_map, program, problem)
    return fonts


def check_glyphs(data: bytes) -> GlyphCheck:
    """Every character shown in the PDF is drawn by a glyph of its embedded font that is not ``.notdef`` and is
    the font's own glyph for the character's code point (its cmap maps the text-layer character to it)."""
    document = PDFDocument(PDFParser(io.BytesIO(data)))
    manager = PDFResourceManager()
    recorder = _Recorder(manager)
    interpreter = PDFPageInterpreter(manager, recorder)
    for page in PDFPage.create_pages(document):
        interpreter.process_page(page)
    fonts = _fonts(document)
    result = GlyphCheck(fonts=set(fonts))
    result.problems += [f.problem for f in fonts.values() if f.problem]
    for name, raw in recorder.shown:
        font = fonts.get(name)
        if font is None or font.program is None:
            result.problems.append(f"{name}: text in a font without an embedded program")
            continue
        order = font.program.getGlyphOrder()
        cmap = font.program.getBestCmap() or {}
        for i in range(0, len(raw) - 1, 2):
            code = int.from_bytes(raw[i : i + 2], "big")
            gid = code if font.encoding is None else font.encoding.get(code, 0)
            text = font.to_unicode.get_unichr(code) if font.to_unicode is not None else ""
            result.glyphs += 1
            glyph = order[gid] if gid < len(order) else None
            if gid == 0 or glyph in (None, ".notdef"):
                result.problems.append(f"{name}: {text!r} (code {code:04x}) is drawn as .notdef (a missing glyph)")
            elif len(text) == 1 and not text.isspace() and cmap.get(ord(text)) != glyph:
                result.problems.append(f"{name}: {text!r} (code {code:04x}) drawn with {glyph}, not the font's glyph")
            elif not text:
                result.problems.append(f"{name}: code {code:04x} has no character in the text layer")
    return result


def test_no_missing_glyph_boxes_in_the_baqiao_report() -> None:
    data = pdf_of(SEED)
    result = check_glyphs(data)
    assert result.problems == []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        chars = [c for page in pdf.pages for c in page.chars]
    assert result.glyphs == len(chars)  # every glyph of the text layer was checked
    assert all(name.split("+", 1)[-1].startswith("Noto-") for name in result.fonts)
    assert all(re.fullmatch(r"[A-Z]{6}\+.+", name) for name in result.fonts)  # embedded subsets


def test_the_glyph_check_finds_a_missing_glyph_box() -> None:
    """A character no installed font has (private use U+E000) is printed as a box: the check must say so."""
    report = load(SEED)
    report.narrative["overall"] = "本年度工作正常\ue000。"
    problems = check_glyphs(render_pdf(report)).problems
    assert len(problems) == 1
    assert ".notdef" in problems[0]


def test_every_page_renders_to_a_non_blank_image(tmp_path: Path) -> None:
    data = pdf_of(SEED)
    document = pdfium.PdfDocument(data)
    try:
        assert len(document) >= 2
        for index in range(len(document)):
            page = document[index]
            image = page.render(scale=1.0).to_pil().convert("L")
            page.close()
            assert abs(image.size[0] - A4[0]) <= 1 and abs(image.size[1] - A4[1]) <= 1
            dark = sum(image.histogram()[:128]) / (image.size[0] * image.size[1])
            assert dark > 0.005, f"page {index + 1} is blank"
    finally:
        document.close()
    if shutil.which("pdftoppm"):  # the poppler rendering agrees: one non-blank PNG per page
        source = tmp_path / "report.pdf"
        source.write_bytes(data)
        subprocess.run(["pdftoppm", "-r", "40", "-png", str(source), str(tmp_path / "page")], check=True)
        pngs = sorted(tmp_path.glob("page-*.png"))
        assert len(pngs) == len(pdfium.PdfDocument(data))
        for png in pngs:
            with Image.open(png) as image:
                assert sum(image.convert("L").histogram()[:64]) > 0  # some ink


# -- page, fonts, page numbers, tables ---------------------------------------------------------------------


def test_pages_are_a4_text_inside_the_margins_and_numbered_at_the_foot() -> None:
    data = pdf_of(SEED)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) >= 2
        for number, page in enumerate(pdf.pages, start=1):
            assert (round(float(page.width), 1), round(float(page.height), 1)) == (round(A4[0], 1), round(A4[1], 1))
            top, right, bottom, left = MARGINS
            body = [c for c in page.chars if c["top"] < page.height - bottom]
            foot = [c for c in page.chars if c["top"] >= page.height - bottom]
            assert body
            assert min(c["x0"] for c in body) >= left - 0.5
            assert max(c["x1"] for c in body) <= page.width - right + 0.5
            assert min(c["top"] for c in body) >= top - 0.5
            foot_text = "".join(c["text"] for c in sorted(foot, key=lambda c: c["x0"]))
            assert foot_text.replace(" ", "") == f"—{number}—"
            # GB/T 9704: 7 mm below the text block; odd pages right, even pages left, one character in
            assert min(c["top"] for c in foot) >= page.height - bottom + 6 * MM
            if number % 2:
                assert abs(max(c["x1"] for c in foot) - (page.width - right - 14)) < 2
            else:
                assert abs(min(c["x0"] for c in foot) - (left + 14)) < 2


def test_title_headings_text_and_tables_in_their_fonts_and_sizes() -> None:
    report = load(SPLIT)
    assert report.narrative
    data = pdf_of(SPLIT)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        chars = [c for page in pdf.pages for c in page.chars]
        lines: dict[str, tuple[int, dict[str, Any]]] = {}
        for page_index, page in enumerate(pdf.pages):
            for line in page.extract_text_lines():
                lines.setdefault(line["text"].replace(" ", ""), (page_index, line))

    def font_of(text: str) -> tuple[set[str], set[float]]:
        _, line = lines[text]
        names = {c["fontname"].split("+", 1)[-1] for c in line["chars"]}
        sizes = {round(float(c["size"]), 1) for c in line["chars"]}
        return names, sizes

    title = report_title(report)
    assert "".join(lines).startswith(title[:10])
    first_title_line = next(t for t in lines if title.startswith(t))
    assert font_of(first_title_line) == ({"Noto-Serif-CJK-SC"}, {22.0})  # 小标宋 → Noto Serif CJK, 二号
    assert font_of("一、总体情况") == ({"Noto-Sans-CJK-SC"}, {16.0})  # 黑体 → Noto Sans CJK, 三号
    body_line = next(t for t in lines if t.startswith("2021年，本局认真贯彻落实"))
    assert font_of(body_line) == ({"Noto-Serif-CJK-SC"}, {16.0})  # 仿宋 → Noto Serif CJK, 三号
    assert {round(float(c["size"]), 1) for c in chars if c["text"] == "勾"} == {9.0}  # the 勾稽 note
    assert font_of("信息内容本年制发件数本年废止件数现行有效件数")[1] == {10.5}  # 五号 in tables


def test_numbers_are_right_aligned_in_their_cells() -> None:
    data = pdf_of(SEED)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0]
        words = page.extract_words()
    amount = next(w for w in words if w["text"] == "589.08")  # 采购总金额: the table's last column
    assert page.width - MARGINS[1] - amount["x1"] < 8  # right edge: the cell's right padding away


def ends_with_a_body_row(data: bytes) -> list[bool]:
    """For every table part on every page: is its last row a body row (a row printing a number)?"""
    document = read_document(data, "x.pdf")
    parts = [part for page in document.pages for part in page.parts]
    assert parts
    return [
        any(not c.copy and any(ch.isdigit() for ch in c.text) and is_value_text(c.text) for c in part.rows[-1])
        for part in parts
    ]


@pytest.mark.parametrize("path", ROUND_TRIP_PATHS, ids=lambda p: p.name.removesuffix(".expected.json"))
def test_header_rows_repeat_and_never_end_a_page(path: Path) -> None:
    """A table split over pages repeats its header rows on the next page, and no page ends with a header row
    (table 2's block title and header rows included): the next body row always comes with it."""
    data = pdf_of(path)
    assert all(ends_with_a_body_row(data))
    by_page: dict[int, str] = {}
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for index, page in enumerate(pdf.pages, start=1):
            by_page[index] = (page.extract_text() or "").replace(" ", "").replace("\n", "")
    table3_pages = [n for n, text in by_page.items() if "四、结转下年度继续办理" in text or "一、本年新收" in text]
    if path == SEED:
        assert len(set(table3_pages)) > 1  # 八桥镇's table 3 runs over two pages: the check below is not vacuous
    if len(set(table3_pages)) > 1:
        for number in range(min(table3_pages), max(table3_pages) + 1):
            assert "申请人情况" in by_page[number]


def test_table2_block_headers_keep_with_their_first_row() -> None:
    """Narratives of growing length move table 2 down the first page line by line: wherever the page breaks,
    a block's title and header rows go to the next page with the block's first row."""
    report = load(SEED)
    for lines in range(0, 14, 2):
        report.narrative["overall"] = "\n".join(["本机关认真贯彻落实《中华人民共和国政府信息公开条例》。"] * lines)
        assert all(ends_with_a_body_row(render_pdf(report))), lines


def test_text_no_pdf_can_hold_is_dropped() -> None:
    report = load(SEED)
    report.body = "某\ud800局\x0b"
    report.narrative = {"overall": "本年\ud83d度\ufffe。"}
    parsed = read_pdf(render_pdf(report))
    assert parsed.body == "某局"
    assert parsed.narrative["overall"] == "本年度。"
    assert parsed.numbers() == load(SEED).numbers()


def test_report_text_is_printed_as_text_and_nothing_is_fetched() -> None:
    report = make_report("2021")  # narrative and body hold markup: <img src=x onerror=…>, <script>
    with pdfplumber.open(io.BytesIO(render_pdf(report))) as pdf:
        text = "".join("".join((page.extract_text() or "").split()) for page in pdf.pages)
    assert "<imgsrc=xonerror=alert(1)>" in text
    assert "<script>alert('body')</script>" in text
    with pytest.raises(ValueError, match="fetches no resources"):
        refuse_fetch("file:///etc/passwd")


def test_metadata_is_fixed_and_output_deterministic() -> None:
    report = make_report("2021")
    first = render_pdf(report)
    assert render_pdf(make_report("2021")) == first
    with pdfplumber.open(io.BytesIO(first)) as pdf:
        meta = pdf.metadata
    assert meta["Title"] == report_title(report)
    assert meta["Creator"] == "xxgk"
    assert meta["Subject"] == "国办公开办函〔2021〕30号"
    assert "CreationDate" not in meta and "ModDate" not in meta  # no current time in the file
    assert b"/CreationDate" not in first and b"/ModDate" not in first


def test_print_html_reuses_the_table_markup_and_names_the_official_fonts() -> None:
    html = print_html(make_report("2019", "2021"))
    assert html.count('<table class="xxgk-table"') == 3
    assert 'data-template="2021"' in html and 'data-template="2019"' in html  # mixed: each table its version
    assert html.count('<tbody class="block">') == 4  # table 2 of 2021: four 第二十条 blocks, each kept whole
    assert html.count("<thead>") == 2  # tables 3 and 4: header rows repeated on every page
    assert "<script>" not in html  # the hostile body is escaped
    for needle in (
        "size: A4",
        "margin: 37mm 26mm 35mm 28mm",
        '"FZXiaoBiaoSong-B05S", "方正小标宋简体"',
        '"仿宋_GB2312"',
        '"Noto Serif CJK SC"',
        '"Noto Sans CJK SC"',
        'content: "— " counter(page) " —"',
        "display: table-header-group",
        "tbody.block { break-inside: avoid; }",
    ):
        assert needle in html


def test_missing_weasyprint_is_a_clear_render_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # "import weasyprint" raises ImportError
    with pytest.raises(RenderError) as info:
        render(make_report("2021"), "pdf")
    assert MISSING_WEASYPRINT in info.value.message


def test_missing_native_libraries_are_a_clear_render_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """cffi raises OSError when pango or harfbuzz cannot be loaded."""
    real_import = builtins.__import__

    def failing_import(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0': libpango-1.0-0: cannot open shared object file")
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "weasyprint", raising=False)
    monkeypatch.setattr(builtins, "__import__", failing_import)
    with pytest.raises(RenderError) as info:
        render_pdf(make_report("2021"))
    assert "pango" in info.value.message and "WeasyPrint" in info.value.message


def test_registered_renderer_and_odd_reports() -> None:
    renderer = get_renderer(".PDF")
    assert (renderer.name, renderer.suffix, renderer.media_type) == ("pdf", ".pdf", "application/pdf")
    empty = render(Report(template="2019"), "pdf")  # no year, body, narrative; every cell absent
    with pdfplumber.open(io.BytesIO(empty)) as pdf:
        text = (pdf.pages[0].extract_text() or "").replace(" ", "")
    assert text.startswith("政府信息公开工作年度报告")
    assert "原报告未列出此表" in "".join(text.split())
