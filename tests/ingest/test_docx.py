"""The DOCX reader (xxgk.ingest.docx) on the LibreOffice-made fixtures and on hand-made packages."""

from __future__ import annotations

import io
import re

import pytest
from docx import Document
from lxml import etree

from tests.ingest.docx_helpers import OFFICE, W_NS, have_soffice, make_docx, manifest, para, read_fixture
from tests.ingest.helpers import PUBLISHED, spec_differences
from xxgk.core.errors import IngestError
from xxgk.core.model import CellState
from xxgk.core.templates import CellKind
from xxgk.ingest import docx, html
from xxgk.ingest.layout import TextCell
from xxgk.ingest.normalize import fold

MANIFEST = manifest()
DOCX_FILES = sorted(n for n in MANIFEST if n.endswith(".docx"))
DOC_FILES = sorted(n for n in MANIFEST if n.endswith(".doc"))
#: The ``.lo.docx`` files: the report part of a published page, the same text as the HTML reader reads.
REPORT_DOCX = sorted(n for n in DOCX_FILES if MANIFEST[n]["kind"] == "report")
needs_soffice = pytest.mark.skipif(not have_soffice(), reason="LibreOffice (soffice) is not installed")


def _expected(name: str) -> dict[str, object]:
    import json

    data: dict[str, object] = json.loads((PUBLISHED / MANIFEST[name]["expected"]).read_text(encoding="utf-8"))
    return data


# -- the fixtures -----------------------------------------------------------------------------------------


def test_every_published_html_report_has_a_docx_fixture() -> None:
    stems = {p.stem for p in PUBLISHED.glob("*.html")}
    assert stems, "no published HTML fixtures"
    assert {n.split(".")[0] for n in REPORT_DOCX} == stems


@pytest.mark.parametrize("name", DOCX_FILES)
def test_docx_fixture_reads_as_its_html_expectation(name: str) -> None:
    data, source = read_fixture(name)
    result = docx.parse(data, source)
    assert spec_differences(result.report, _expected(name)) == []
    assert result.format == "docx"


@pytest.mark.parametrize("name", REPORT_DOCX)
def test_docx_fixture_reads_like_the_html_it_was_made_from(name: str) -> None:
    """Cell states (blank vs absent), narrative sections and title: the same as the HTML reader's."""
    data, source = read_fixture(name)
    got = docx.parse(data, source).report
    page = PUBLISHED / MANIFEST[name]["source"].split("/", 1)[1]
    want = html.parse(page.read_bytes(), str(page)).report
    assert {c: x.state for c, x in got.cells.items()} == {c: x.state for c, x in want.cells.items()}
    assert set(got.narrative) == {"overall", "problems", "other"}
    assert got.narrative == want.narrative
    assert got.title == want.title


@pytest.mark.parametrize("name", REPORT_DOCX)
def test_every_number_cell_traces_to_its_table_cell(name: str) -> None:
    data, source = read_fixture(name)
    report = docx.parse(data, source).report
    for spec, cell in report.iter_cells():
        if not cell.is_number or spec.kind is CellKind.AMOUNT or cell.note:
            continue
        where = cell.source
        assert where is not None and where.file == source
        assert where.table is not None and where.row is not None and where.col is not None
        assert re.sub(r"\s", "", fold(where.text or "")) == str(cell.value), spec.code


def test_split_table_fixture_keeps_table3_whole() -> None:
    """Table 3 runs over a page break with repeated header rows, page header and footer: none of that is in
    the DOCX body, so the table is one table of the document."""
    data, source = read_fixture("synthetic-split-table.docx")
    report = docx.parse(data, source).report
    tables = {c.source.table for code, c in report.cells.items() if code.startswith("s3.") and c.source}
    assert len(tables) == 1


@needs_soffice
@pytest.mark.parametrize("name", DOC_FILES)
def test_doc_fixture_is_converted_and_read(name: str) -> None:
    data, source = read_fixture(name)
    assert data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    assert docx.sniff(data, source)
    result = docx.parse(data, source)
    assert spec_differences(result.report, _expected(name)) == []
    # The same bytes named .wps (WPS Office saves Word-compatible files under that name).
    wps = docx.parse(data, source.replace(".doc", ".wps"))
    assert spec_differences(wps.report, _expected(name)) == []


# -- merged cells ----------------------------------------------------------------------------------------


def _hand_made_merges() -> bytes:
    document = Document()
    table = document.add_table(rows=3, cols=4)
    for r in range(3):
        for c in range(4):
            table.cell(r, c).text = f"r{r}c{c}"
    table.cell(0, 0).merge(table.cell(0, 2))  # a gridSpan of 3
    table.cell(1, 0).merge(table.cell(2, 0))  # a vertical merge over rows 2-3
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_merged_cells_are_copies_at_every_spanned_position() -> None:
    data = _hand_made_merges()
    rows = docx.read(data, "m.docx").rows
    assert len(rows) == 3
    first, second, third = (r.cells for r in rows)
    assert [c.copy for c in first] == [False, True, True, False]
    assert first[0].text == first[1].text == first[2].text
    assert {c.where for c in first[:3]} == {("m.docx", None, 1, 1, 1)}
    assert first[3].where == ("m.docx", None, 1, 1, 4)
    assert third[0].copy and third[0].text == second[0].text and third[0].where == second[0].where
    assert [c.where[4] for c in third] == [1, 2, 3, 4]
    assert not any(c.copy for c in second)


def test_one_real_cell_per_underlying_tc() -> None:
    data = _hand_made_merges()
    import zipfile

    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")
    tcs = etree.fromstring(xml).findall(f".//{{{W_NS}}}tc")
    rows = docx.read(data, "m.docx").rows
    real = [c for r in rows for c in r.cells if not c.copy]
    continuations = sum(1 for tc in tcs if tc.find(f"{{{W_NS}}}tcPr/{{{W_NS}}}vMerge") is not None) - sum(
        1 for tc in tcs if tc.find(f"{{{W_NS}}}tcPr/{{{W_NS}}}vMerge[@{{{W_NS}}}val='restart']") is not None
    )
    assert len(real) == len(tcs) - continuations


def test_merged_cells_in_a_published_table2() -> None:
    """pingtan-hzs-2023: 本年处理决定数量 spans the three number columns of table 2's 行政许可 row."""
    data, source = read_fixture("pingtan-hzs-2023.lo.docx")
    layout = docx.read(data, source)
    row = next(r for r in layout.rows if r.cells and r.cells[0].text == "行政许可")
    real = [c for c in row.cells if not c.copy]
    assert len(real) == 2 and len(row.cells) == 4
    report = docx.parse(data, source).report
    cell = report.cells["s2.licensing.decisions"]
    assert cell.source is not None and cell.source.col == 2


def _tc(text: str, props: str = "") -> str:
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{para(text)}</w:tc>"


def test_grid_before_and_legacy_hmerge() -> None:
    restart = '<w:hMerge w:val="restart"/>'
    body = (
        "<w:tbl>"
        f"<w:tr>{_tc('a')}{_tc('b')}{_tc('c')}</w:tr>"
        f'<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>{_tc("x")}{_tc("y")}</w:tr>'
        f"<w:tr>{_tc('h', restart)}{_tc('', '<w:hMerge/>')}{_tc('z')}</w:tr>"
        "</w:tbl>"
    )
    rows = docx.read(make_docx(body), "g.docx").rows
    assert [c.where[4] for c in rows[1].cells] == [2, 3]
    assert [(c.text, c.copy) for c in rows[2].cells] == [("h", False), ("h", True), ("z", False)]


def test_junk_spans_are_capped() -> None:
    span = '<w:gridSpan w:val="99999999"/>'
    body = f"<w:tbl><w:tr>{_tc('a', span)}{_tc('b')}</w:tr></w:tbl>"
    rows = docx.read(make_docx(body), "s.docx").rows
    assert 1 < len(rows[0].cells) <= 200


def test_nested_table_is_read_as_a_data_table_inside_a_layout_table() -> None:
    document = Document()
    outer = document.add_table(rows=1, cols=1)
    outer.cell(0, 0).paragraphs[0].text = "三、收到和处理政府信息公开申请情况"
    inner = outer.cell(0, 0).add_table(rows=2, cols=2)
    inner.cell(0, 0).text = "本年新收"
    inner.cell(0, 1).text = "7"
    inner.cell(1, 0).text = "上年结转"
    inner.cell(1, 1).text = "0"
    buffer = io.BytesIO()
    document.save(buffer)
    layout = docx.read(buffer.getvalue(), "n.docx")
    assert [line.text for line in layout.lines] == ["三、收到和处理政府信息公开申请情况"]
    assert [[c.text for c in r.cells] for r in layout.rows] == [["本年新收", "7"], ["上年结转", "0"]]
    assert {r.table for r in layout.rows} == {2}
    assert layout.lines[0].pos < layout.rows[0].pos


# -- text ------------------------------------------------------------------------------------------------


def test_text_split_over_runs_revisions_fields_and_breaks() -> None:
    body = (
        para("一", "、", "总体", "情况")
        + "<w:p><w:r><w:t>2023年</w:t></w:r><w:del><w:r><w:delText>删掉的</w:delText></w:r></w:del>"
        "<w:ins><w:r><w:t>新增的</w:t></w:r></w:ins>"
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>5</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        "<w:hyperlink><w:r><w:t>链接</w:t></w:r></w:hyperlink>"
        "<w:r><w:br/><w:t>第二行</w:t></w:r></w:p>"
        "<w:sdt><w:sdtPr><w:alias w:val='x'/></w:sdtPr><w:sdtContent>"
        + para("控件中的段落")
        + "</w:sdtContent></w:sdt>"
        "<w:p><w:r><mc:AlternateContent><mc:Choice Requires='wps'><w:drawing><wps:txbx><w:txbxContent>"
        + para("文本框")
        + "</w:txbxContent></wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict><v:textbox><w:txbxContent>"
        + para("文本框")
        + "</w:txbxContent></v:textbox></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
        "<w:r><w:t>框外</w:t></w:r></w:p>"
    )
    lines = [line.text for line in docx.read(make_docx(body), "t.docx").lines]
    assert lines == ["一、总体情况", "2023年新增的5链接", "第二行", "控件中的段落", "框外", "文本框"]


def _with_title(name: str, *, core_title: str | None, drop_printed: bool) -> bytes:
    data, _ = read_fixture(name)
    document = Document(io.BytesIO(data))
    if core_title is not None:
        document.core_properties.title = core_title
    if drop_printed:
        for paragraph in document.paragraphs[:3]:
            if "报告" in paragraph.text:
                parent = paragraph._p.getparent()
                assert parent is not None
                parent.remove(paragraph._p)
                break
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_printed_title_wins_over_a_stale_core_title() -> None:
    """Word files are copied from last year's: the core-properties title may name the wrong year."""
    expected = _expected("pingtan-hzs-2023.lo.docx")
    stale = f"{expected['body']}{int(str(expected['year'])) - 1}年政府信息公开工作年度报告"
    report = docx.parse(_with_title("pingtan-hzs-2023.lo.docx", core_title=stale, drop_printed=False), "t").report
    assert report.year == expected["year"]


def test_core_title_is_used_when_no_title_is_printed() -> None:
    expected = _expected("pingtan-hzs-2023.lo.docx")
    title = f"{expected['body']}{expected['year']}年政府信息公开工作年度报告"
    data = _with_title("pingtan-hzs-2023.lo.docx", core_title=title, drop_printed=True)
    printed = docx.read(*read_fixture("pingtan-hzs-2023.lo.docx")).lines[0].text
    assert "报告" in printed
    assert printed not in [line.text for line in docx.read(data, "t").lines]
    report = docx.parse(data, "t").report
    assert (report.body, report.year) == (expected["body"], expected["year"])


def test_title_in_two_paragraphs_is_joined() -> None:
    """pingtan-htp-2021 prints "平潭综合实验区海坛片区管理局" / "关于2021年度…年度报告" as two lines."""
    lines = [line.text for line in docx.read(*read_fixture("pingtan-htp-2021.lo.docx")).lines[:2]]
    assert len(lines) == 2 and "年度报告" in lines[1] and "年度报告" not in lines[0]
    report = docx.parse(*read_fixture("pingtan-htp-2021.lo.docx")).report
    assert report.body == _expected("pingtan-htp-2021.lo.docx")["body"]


# -- sniffing and not-a-report ---------------------------------------------------------------------------


def test_sniff() -> None:
    for name in DOCX_FILES + DOC_FILES:
        assert docx.sniff(*read_fixture(name)), name
    page = PUBLISHED / "pingtan-hzs-2023.html"
    assert not docx.sniff(page.read_bytes(), str(page))
    assert not docx.sniff((OFFICE / "pingtan-hzs-2023.lo.pdf").read_bytes(), "x.pdf")
    assert not docx.sniff(b"", "x.docx")
    assert not docx.sniff(b"PK\x03\x04garbage", "x.docx")


def test_a_word_file_that_is_not_a_report() -> None:
    document = Document()
    document.add_paragraph("关于召开会议的通知")
    buffer = io.BytesIO()
    document.save(buffer)
    with pytest.raises(IngestError) as caught:
        docx.parse(buffer.getvalue(), "notice.docx")
    assert caught.value.source == "notice.docx"


def test_rows_carry_textcells() -> None:
    layout = docx.read(*read_fixture("pingtan-zrz-2020.lo.docx"))
    assert layout.format == "docx"
    assert all(isinstance(c, TextCell) for r in layout.rows for c in r.cells)
    positions = [r.pos for r in layout.rows] + [line.pos for line in layout.lines]
    assert len(positions) == len(set(positions))


def test_blank_cells_stay_blank() -> None:
    """pingtan-gaj-2019 prints an empty 商业企业 cell in 一、本年新收 (PROVENANCE.md)."""
    report = docx.parse(*read_fixture("pingtan-gaj-2019.lo.docx")).report
    assert report.cells["s3.received.business"].state is CellState.BLANK


def _split_table3(data: bytes, at: int, *, repeat_header: bool) -> bytes:
    """Cut table 3 into two tables after row ``at`` (as authors do at a page break), optionally copying the
    three header rows to the top of the second part."""
    import copy

    document = Document(io.BytesIO(data))
    table = next(t for t in document.tables if "申请人情况" in "".join(c.text for c in t.rows[0].cells))
    tbl = table._tbl
    rows = tbl.findall(f"{{{W_NS}}}tr")
    second = copy.deepcopy(tbl)
    for tr in second.findall(f"{{{W_NS}}}tr"):
        second.remove(tr)
    if repeat_header:
        for tr in rows[:3]:
            second.append(copy.deepcopy(tr))
    for tr in rows[at:]:
        second.append(tr)
    gap = copy.deepcopy(document.paragraphs[-1]._p)
    tbl.addnext(gap)
    gap.addnext(second)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("name", ["pingtan-hzs-2023.lo.docx", "pingtan-zrz-2021.lo.docx", "pingtan-gaj-2019.lo.docx"])
@pytest.mark.parametrize(("at", "repeat_header"), [(6, False), (12, False), (12, True), (20, True)])
def test_table3_cut_into_two_tables(name: str, at: int, repeat_header: bool) -> None:
    data = _split_table3(read_fixture(name)[0], at, repeat_header=repeat_header)
    layout = docx.read(data, "cut.docx")
    s3_tables = {r.table for r in layout.rows if any("结转" in c.text for c in r.cells)}
    assert len(s3_tables) == 2, "the cut made two tables"
    assert spec_differences(docx.parse(data, "cut.docx").report, _expected(name)) == []
