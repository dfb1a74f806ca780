"""DOCX: read back by the engine's DOCX reader (same cells), and checked as Word XML — page, fonts, merges, bytes."""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Mm
from hypothesis import HealthCheck, given, settings
from lxml import etree
from tests.render.render_samples import BLANK_CODE, HEADINGS, HOSTILE_NARRATIVE, UNREADABLE_CODE, make_report
from tests.test_properties import consistent_reports

from xxgk.core.model import Cell, CellState, Report
from xxgk.ingest import parse_bytes
from xxgk.render import get_renderer, render
from xxgk.render.common import cell_of, cell_text, narrative_paragraphs, one_line, report_title
from xxgk.render.docx_renderer import FALLBACKS, FONT_BODY, FONT_HEADING, FONT_TITLE, render_docx
from xxgk.render.layout import Role, RowKind, TableLayout, place, report_layout

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
#: Every report fixture with an expected JSON: the real published reports (both templates, 八桥镇 2020 among them)
#: and the PDF reader's fixtures (narrative, thousands, long bodies).
ROUND_TRIP_PATHS = sorted((FIXTURES / "published").glob("*.expected.json")) + sorted(
    (FIXTURES / "pdf").glob("*.expected.json")
)
SEED = FIXTURES / "published" / "cq-dadukou-baqiao-2020.expected.json"

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
HYPOTHESIS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def load(path: Path) -> Report:
    return Report.from_json(path.read_text(encoding="utf-8"))


# -- round trip through the engine's reader ---------------------------------------------------------------


def squash(text: str) -> str:
    return "".join(text.split())


def assert_same_report(parsed: Report, report: Report, *, units: bool = True) -> None:
    """Every cell's state and value, the template(s), the body and the year read back as they were written;
    the narrative sections the report has read back with the same text."""
    assert (parsed.template, parsed.templates, parsed.body, parsed.year) == (
        report.template,
        report.templates,
        report.body,
        report.year,
    )
    wrong = {
        code: ((report.cells[code].state.value, report.cells[code].value), (got.state.value, got.value))
        for code in report.codes
        if ((got := parsed.cells[code]).state, got.value) != (report.cells[code].state, report.cells[code].value)
    }
    assert not wrong
    if units:
        assert parsed.units == report.units
    for key, text in report.narrative.items():
        if squash(text):
            assert squash(parsed.narrative.get(key, "")) == squash(text), key


def read_docx(data: bytes) -> Report:
    assert data.startswith(b"PK\x03\x04")
    return parse_bytes(data, source="round-trip.docx").report


@pytest.mark.parametrize("path", ROUND_TRIP_PATHS, ids=lambda p: p.name.removesuffix(".expected.json"))
def test_fixture_reports_read_back_with_the_same_cells(path: Path) -> None:
    report = load(path)
    assert_same_report(read_docx(render_docx(report)), report)


@HYPOTHESIS
@given(consistent_reports())
def test_generated_reports_read_back_with_the_same_cells(report: Report) -> None:
    parsed = read_docx(render_docx(report))
    # The 2021 template itself gives the fee amount in 万元 (本年收费金额（单位：万元）), so a reader takes 万元 even
    # where a generated report says the unit is unstated; every other unit must come back as written.
    assert_same_report(parsed, report, units=False)
    fee_2021 = "s2.fees.amount" if report.template_of("s2") == "2021" else None
    assert {k: v for k, v in parsed.units.items() if k != fee_2021} == {
        k: v for k, v in report.units.items() if k != fee_2021
    }


def test_blank_cells_read_back_blank_and_absent_cells_as_empty_cells() -> None:
    """Blank and absent cells both print as empty cells (as in the HTML output): a blank reads back blank, an
    absent one reads back as an empty (blank) cell — never as 0."""
    report = load(FIXTURES / "published" / "pingtan-zrz-2021.expected.json")
    report.set("s3.denied.security.legal", Cell.blank())
    report.set("s2.regulations.issued", Cell.blank())
    report.set("s4.review.total", Cell.absent())
    parsed = read_docx(render_docx(report))
    assert parsed.cells["s3.denied.security.legal"].state is CellState.BLANK
    assert parsed.cells["s2.regulations.issued"].state is CellState.BLANK
    assert parsed.cells["s4.review.total"].state is CellState.BLANK
    rest = [
        c for c in report.codes if c not in ("s3.denied.security.legal", "s2.regulations.issued", "s4.review.total")
    ]
    assert [parsed.cells[c].value for c in rest] == [report.cells[c].value for c in rest]


def test_unreadable_cells_read_back_unreadable() -> None:
    report = load(FIXTURES / "published" / "pingtan-zrz-2021.expected.json")
    report.set("s2.licensing.decisions", Cell.unreadable("数字粘连"))
    parsed = read_docx(render_docx(report))
    assert parsed.cells["s2.licensing.decisions"].state is CellState.UNREADABLE


# -- Word XML ---------------------------------------------------------------------------------------------


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def document_xml(data: bytes) -> etree._Element:
    return etree.fromstring(parts(data)["word/document.xml"])


def find(element: etree._Element, path: str) -> etree._Element:
    """The first element at ``path`` (``W``-qualified), which must exist."""
    found = element.find(path)
    assert found is not None, path
    return found


def text_of(element: etree._Element) -> str:
    return "".join(t.text or "" for t in element.iter(f"{W}t"))


def body_tables(root: etree._Element) -> list[etree._Element]:
    return find(root, f"{W}body").findall(f"{W}tbl")


def expand(tbl: etree._Element) -> list[list[etree._Element]]:
    """The table's grid: at each position the ``w:tc`` that starts the cell covering it (spans and vertical
    merges followed), as Word lays it out."""
    grid: list[list[etree._Element]] = []
    for tr in tbl.findall(f"{W}tr"):
        row: list[etree._Element] = []
        for tc in tr.findall(f"{W}tc"):
            span_el = tc.find(f"{W}tcPr/{W}gridSpan")
            span = int(span_el.get(f"{W}val", "1")) if span_el is not None else 1
            merge = tc.find(f"{W}tcPr/{W}vMerge")
            anchor = tc
            if merge is not None and merge.get(f"{W}val", "continue") != "restart":
                anchor = grid[-1][len(row)]
            row.extend([anchor] * span)
        grid.append(row)
    width = {len(row) for row in grid}
    assert len(width) == 1, "the table's rows differ in width"
    return grid


def paragraph_align(tc: etree._Element) -> str | None:
    jc = tc.find(f"{W}p/{W}pPr/{W}jc")
    return None if jc is None else jc.get(f"{W}val")


def check_table(report: Report, tbl: etree._Element, layout: TableLayout) -> None:
    """The Word table is the layout: every layout cell covers exactly its rows and columns, with its text."""
    grid = expand(tbl)
    assert len(grid) == len(layout.rows)
    assert len(grid[0]) == layout.width
    for placed in place(layout):
        cell = placed.cell
        anchor = grid[placed.row][placed.col]
        covered = {(r, c) for r, row in enumerate(grid) for c, tc in enumerate(row) if tc is anchor}
        rectangle = {
            (r, c)
            for r in range(placed.row, placed.row + cell.rowspan)
            for c in range(placed.col, placed.col + cell.colspan)
        }
        assert covered == rectangle, (layout.section, cell.text or cell.code)
        if cell.code is not None:
            data = cell_of(report, cell.code)
            assert text_of(anchor) == cell_text(data), cell.code
            assert paragraph_align(anchor) == "right", cell.code  # numbers right-aligned
            bold = anchor.find(f"{W}p/{W}r/{W}rPr/{W}b") is not None
            assert bold == (data.state is CellState.UNREADABLE), cell.code
        else:
            assert text_of(anchor) == one_line(cell.text)
            assert paragraph_align(anchor) == ("left" if cell.role is Role.LABEL else "center")
    rows = tbl.findall(f"{W}tr")
    for r, (tr, row) in enumerate(zip(rows, layout.rows, strict=True)):
        assert tr.find(f"{W}trPr/{W}cantSplit") is not None  # no row breaks across pages
        assert (tr.find(f"{W}trPr/{W}tblHeader") is not None) == (r < layout.header_rows)
        keep = {p.find(f"{W}pPr/{W}keepNext") is not None for p in tr.iter(f"{W}p")}
        assert keep == {row.kind in (RowKind.BLOCK, RowKind.HEADER)}


def check_document(report: Report) -> etree._Element:
    data = render_docx(report)
    root = document_xml(data)
    tables = body_tables(root)
    layouts = report_layout(report)
    assert len(tables) == 3
    for tbl, layout in zip(tables, layouts, strict=True):
        check_table(report, tbl, layout)
    texts = [text_of(p) for p in find(root, f"{W}body").findall(f"{W}p")]
    assert texts[0] == report_title(report)
    assert [t for t in texts if t in HEADINGS] == HEADINGS
    return root


def test_published_reports_tables_are_the_layout(published: Report) -> None:
    check_document(published)


def test_samples_with_every_state_and_mixed_templates(sample: Report) -> None:
    root = check_document(sample)
    body = " ".join(text_of(p) for p in root.iter(f"{W}p"))
    assert "“?”表示原报告中无法准确识别的单元格" in body  # the same remark as under the HTML table
    assert "其他主动公开文件 <b>" in body  # extra rows are listed, their text kept as text


@pytest.mark.parametrize(("version", "outcome_rows"), [("2019", 20), ("2021", 22)])
def test_table3_merges_as_the_official_template(version: str, outcome_rows: int) -> None:
    """template.md §4: the 3×3 勾稽 corner, 申请人情况 over 7 columns, 自然人/总计 over 2 rows, 法人或其他组织 over
    5 columns; 三、本年度办理结果 spans every outcome row."""
    tbl = body_tables(document_xml(render_docx(make_report(version))))[1]
    grid = expand(tbl)

    def size(text: str) -> tuple[int, int]:
        found = {tc for row in grid for tc in row if text_of(tc) == text}
        assert len(found) == 1, text
        (tc,) = found
        cells = [(r, c) for r, row in enumerate(grid) for c, x in enumerate(row) if x is tc]
        return len({r for r, _ in cells}), len({c for _, c in cells})

    assert grid[0][0] is grid[2][2] and "勾稽关系" in text_of(grid[0][0])
    assert size("申请人情况") == (1, 7)
    assert size("自然人") == (2, 1)
    assert size("法人或其他组织") == (1, 5)
    assert size("总计") == (2, 1)
    assert size("三、本年度办理结果") == (outcome_rows, 1)
    assert size("（三）不予公开") == (8, 1)
    assert size("一、本年新收政府信息公开申请数量") == (1, 3)
    table4 = expand(body_tables(document_xml(render_docx(make_report(version))))[2])
    assert [text_of(tc) for tc in table4[0]] == ["行政复议"] * 5 + ["行政诉讼"] * 10


def test_page_is_a4_with_the_official_margins_and_page_numbers() -> None:
    data = render_docx(load(SEED))
    doc = Document(io.BytesIO(data))
    section = doc.sections[0]
    for measured, mm in (
        (section.page_width, 210),
        (section.page_height, 297),
        (section.top_margin, 37),
        (section.bottom_margin, 35),
        (section.left_margin, 28),
        (section.right_margin, 26),
    ):
        assert measured is not None
        assert abs(measured - Mm(mm)) < Mm(0.1)
    assert doc.settings.odd_and_even_pages_header_footer
    for footer, align in ((section.footer, "right"), (section.even_page_footer, "left")):
        xml = footer._element
        instr = "".join(t.text or "" for t in xml.iter(f"{W}instrText"))
        assert instr.strip() == "PAGE"
        texts = [t.text for t in xml.iter(f"{W}t")]
        assert texts[0] == "— " and texts[-1] == " —"
        assert find(xml, f"{W}p/{W}pPr/{W}jc").get(f"{W}val") == align


def test_every_run_names_its_east_asian_font_and_the_font_table_names_fallbacks() -> None:
    data = render_docx(make_report("2021"))
    package = parts(data)
    for name in [n for n in package if re.fullmatch(r"word/(document|footer\d+)\.xml", n)]:
        root = etree.fromstring(package[name])
        runs = list(root.iter(f"{W}r"))
        assert runs
        for run in runs:
            fonts = run.find(f"{W}rPr/{W}rFonts")
            assert fonts is not None and fonts.get(f"{W}eastAsia"), name
    root = document_xml(data)
    paragraphs = find(root, f"{W}body").findall(f"{W}p")

    def first_run(p: etree._Element) -> tuple[str | None, str | None]:
        run = find(p, f"{W}r/{W}rPr")
        return find(run, f"{W}rFonts").get(f"{W}eastAsia"), find(run, f"{W}sz").get(f"{W}val")

    assert first_run(paragraphs[0]) == (FONT_TITLE, "44")  # 二号, centred by its style (checked below)
    heading = next(p for p in paragraphs if text_of(p) == HEADINGS[0])
    assert first_run(heading) == (FONT_HEADING, "32")  # 三号
    body = next(p for p in paragraphs if text_of(p) and text_of(p) not in HEADINGS and p is not paragraphs[0])
    assert first_run(body) == (FONT_BODY, "32")
    styles = etree.fromstring(package["word/styles.xml"])
    title_style = find(styles, f"{W}style[@{W}styleId='XxgkTitle']")
    assert find(title_style, f"{W}pPr/{W}jc").get(f"{W}val") == "center"
    fonts = etree.fromstring(package["word/fontTable.xml"])
    alternates = {f.get(f"{W}name"): f.find(f"{W}altName") for f in fonts.findall(f"{W}font")}
    for font, fallback in FALLBACKS.items():
        alt = alternates[font]
        assert alt is not None and alt.get(f"{W}val") == fallback
    assert {"Noto Serif CJK SC", "Noto Sans CJK SC"} <= set(alternates)


def test_narrative_paragraphs_in_order_with_hostile_text_kept_as_text() -> None:
    report = make_report("2021")
    report.narrative["其他事项"] = "附加说明。"
    doc = Document(io.BytesIO(render_docx(report)))
    texts = [p.text for p in doc.paragraphs]
    expected = narrative_paragraphs(HOSTILE_NARRATIVE)
    start = texts.index(HEADINGS[0]) + 1
    assert texts[start : start + len(expected)] == expected
    assert "\x01" not in "".join(texts)
    assert texts[-2:] == ["其他事项", "附加说明。"]  # a section the template does not name comes last


def test_text_no_xml_can_carry_is_dropped() -> None:
    """Control characters and lone surrogates (a report JSON may hold them) are left out, not a crash."""
    report = load(FIXTURES / "published" / "pingtan-zrz-2021.expected.json")
    report.body = "某\ud800局\x0b"
    report.narrative = {"overall": "本年\ud83d度\ufffe。"}
    data = render_docx(report)
    assert Document(io.BytesIO(data)).core_properties.author == "某局"
    parsed = read_docx(data)
    assert (parsed.body, parsed.narrative["overall"]) == ("某局", "本年度。")
    assert parsed.numbers() == report.numbers()


def test_unreadable_and_blank_cells_print_like_the_html() -> None:
    report = make_report("2021")
    root = document_xml(render_docx(report))
    grid = expand(body_tables(root)[1])
    layout = report_layout(report)[1]
    by_code = {p.cell.code: grid[p.row][p.col] for p in place(layout) if p.cell.code is not None}
    assert text_of(by_code[UNREADABLE_CODE]) == "?"
    assert text_of(by_code[BLANK_CODE]) == ""
    assert text_of(by_code["s3.not_processed.publication.natural"]) == ""  # absent


def test_same_report_same_bytes_with_fixed_metadata() -> None:
    report = make_report("2019")
    first = render_docx(report)
    assert render_docx(make_report("2019")) == first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        names = archive.namelist()
    assert "docProps/thumbnail.jpeg" not in names
    props = Document(io.BytesIO(first)).core_properties
    assert props.created is not None and props.created.year == 2000
    assert props.modified is not None and props.modified.year == 2000
    assert props.title == report_title(report)
    assert props.subject == "国办公开办函〔2019〕60号"


def test_registered_renderer_and_odd_reports() -> None:
    renderer = get_renderer("docx")
    assert (renderer.name, renderer.suffix) == ("docx", ".docx")
    assert renderer.media_type.endswith("wordprocessingml.document")
    assert get_renderer("Word") is renderer
    empty = Report(template="2021")  # no year, body, narrative; every cell absent
    parsed = Document(io.BytesIO(render(empty, "docx")))
    assert parsed.paragraphs[0].text == "政府信息公开工作年度报告"
    odd = make_report("2021")
    odd.cells["s3.total.total"] = Cell.number(10**20)
    odd.cells["s2.fees.amount"] = Cell.number(Decimal("0.3000000000000000166533453693773481063544750213623046875"))
    del odd.cells["s3.received.natural"]
    root = check_document(odd)
    assert "100000000000000000000" in text_of(root)
