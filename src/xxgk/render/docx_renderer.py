"""DOCX (python-docx): the report as an editable Word/WPS document in the official layout.

The page is laid out by GB/T 9704-2012《党政机关公文格式》(the regulation and the template notices say nothing
about layout): A4 (210 mm × 297 mm); margins 上 37 mm, 下 35 mm, 左 28 mm, 右 26 mm (天头 37 mm, 订口 28 mm,
版心 156 mm × 225 mm); title 二号 (22 pt) 方正小标宋简体, centred; first-level headings 三号 黑体; text 三号
仿宋_GB2312 at 22 lines per page (line pitch ≈ 29 pt), first lines indented two characters; page numbers 四号
(14 pt) 宋体 between two 一字线 ("— 1 —") in the footer, odd pages right-aligned and even pages left-aligned,
one character in from the edge (a ``PAGE`` field, so Word and WPS number the pages themselves).

Every run names its font for East Asian text too (``w:rFonts w:eastAsia=…``), and the document's font table
names the Noto CJK fonts (Debian ``fonts-noto-cjk``) as the alternates of the official fonts, which few
machines outside government offices have.

The three tables are drawn from ``xxgk.render.layout`` (the same description the HTML and XLSX renderers draw):
merged cells are real Word merges (``w:gridSpan``, ``w:vMerge``), leading header rows repeat on every page
(``w:tblHeader``), no row breaks across pages (``w:cantSplit``), and table 2's block titles and header rows keep
with the block's first row. Numbers are right-aligned; blank and absent cells are empty and unreadable cells
print ``?``, as in the HTML output, with the same remarks under each table.

Output is deterministic: fixed core properties (no current time), the package's parts in a fixed order with a
fixed ZIP timestamp, so the same report always gives the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape as _xml_escape

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt

from xxgk.core.model import CellState, Report
from xxgk.render.base import FunctionRenderer
from xxgk.render.common import (
    OUTLINE,
    cell_of,
    cell_text,
    clean_text,
    narrative_paragraphs,
    one_line,
    remark_lines,
    report_title,
    template_description,
)
from xxgk.render.layout import LayoutCell, PlacedCell, Role, RowKind, TableLayout, place, report_layout
from xxgk.render.zipfix import deterministic_zip

# -- the official layout (GB/T 9704-2012) ------------------------------------------------------------------

PAGE_WIDTH_MM = 210
PAGE_HEIGHT_MM = 297
#: Margins in mm: 天头 37, 订口 28, 版心 156 × 225 (GB/T 9704-2012 §5.2.1–5.2.2).
MARGINS_MM: dict[str, float] = {"top": 37, "bottom": 35, "left": 28, "right": 26}
#: Width of the text block (版心) in twips (1/20 pt): 156 mm.
TEXT_WIDTH = round(156 / 25.4 * 1440)

#: Font names: the official font first; ``FALLBACKS`` names the installed alternate of each.
FONT_TITLE = "方正小标宋简体"
FONT_HEADING = "黑体"
FONT_BODY = "仿宋_GB2312"
FONT_PAGE_NUMBER = "宋体"
NOTO_SERIF = "Noto Serif CJK SC"
NOTO_SANS = "Noto Sans CJK SC"
FALLBACKS: dict[str, str] = {
    FONT_TITLE: NOTO_SERIF,
    FONT_HEADING: NOTO_SANS,
    FONT_BODY: NOTO_SERIF,
    FONT_PAGE_NUMBER: NOTO_SERIF,
}

#: Font sizes in pt: 二号 22, 三号 16, 四号 14, 五号 10.5, 小五 9.
SIZE_TITLE = 22.0
SIZE_TEXT = 16.0
SIZE_PAGE_NUMBER = 14.0
SIZE_TABLE = 10.5
SIZE_TABLE_NOTE = 9.0

#: Line pitch of the text: 22 lines in the 225 mm text block ≈ 29 pt (in twips).
LINE_PITCH = 580
TITLE_LINE = 700  # 35 pt: a two-line title keeps its lines apart

#: The page number's line sits 7 mm below the text block: footer distance = bottom margin − 7 mm − its line.
FOOTER_DISTANCE_MM = MARGINS_MM["bottom"] - 7 - SIZE_PAGE_NUMBER * 1.3 * 25.4 / 72

#: Widths (mm) of each table's label columns; the value columns share the rest of the text block.
LABEL_WIDTHS_MM: dict[str, tuple[float, ...]] = {"s2": (44.0,), "s3": (14.0, 17.0, 39.0), "s4": ()}

#: Fixed document timestamps (determinism; the ZIP entries' timestamp is ``zipfix.ZIP_TIME``).
FIXED_TIME = datetime(2000, 1, 1, tzinfo=UTC)

_BORDER = '<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
_BORDERS = "".join(_BORDER.format(side=s) for s in ("top", "left", "bottom", "right", "insideH", "insideV"))


# -- XML pieces ------------------------------------------------------------------------------------------


def xml_text(text: str) -> str:
    """Text for an XML text node: characters XML cannot carry removed, markup escaped."""
    return _xml_escape(clean_text(text))


def run_props(font: str, size: float, *, bold: bool = False) -> str:
    """``w:rPr`` naming ``font`` for every script (East Asian included) at ``size`` pt."""
    half_points = round(size * 2)
    bold_xml = "<w:b/><w:bCs/>" if bold else ""
    return (
        f'<w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}" w:cs="{font}" w:hint="eastAsia"/>'
        f'{bold_xml}<w:color w:val="000000"/><w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/></w:rPr>'
    )


def run_xml(text: str, font: str, size: float, *, bold: bool = False) -> str:
    return f'<w:r>{run_props(font, size, bold=bold)}<w:t xml:space="preserve">{xml_text(text)}</w:t></w:r>'


def paragraph_xml(
    text: str,
    *,
    style: str,
    font: str,
    size: float,
    align: str | None = None,
    bold: bool = False,
    keep_next: bool = False,
) -> str:
    """One paragraph of ``style`` holding ``text`` in one run (no run when ``text`` is empty)."""
    props = [f'<w:pStyle w:val="{style}"/>']
    if keep_next:
        props.append("<w:keepNext/>")
    if align is not None:
        props.append(f'<w:jc w:val="{align}"/>')
    run = run_xml(text, font, size, bold=bold) if text else ""
    return f"<w:p><w:pPr>{''.join(props)}</w:pPr>{run}</w:p>"


# -- styles, page, footers, font table -------------------------------------------------------------------

#: Ids of the document's paragraph styles (their display names are Chinese: 报告标题, 报告正文 …).
STYLE_TITLE = "XxgkTitle"
STYLE_HEADING = "XxgkHeading1"
STYLE_BODY = "XxgkBody"
STYLE_TABLE = "XxgkTableText"
STYLE_NOTE = "XxgkTableNote"
STYLE_FOOTER = "XxgkPageNumber"


def _style(
    doc: Any,
    style_id: str,
    name: str,
    *,
    font: str,
    size: float,
    indent: float = 0.0,
    align: str = "both",
    line: int | None = LINE_PITCH,
    outline: int | None = None,
    keep_next: bool = False,
    after: int = 0,
) -> None:
    """Add a paragraph style: ``font`` at ``size`` pt, first line indented ``indent`` pt, ``line`` the exact line
    pitch in twips (``None``: single spacing, not snapped to the page grid, for tables and footers), ``after``
    twips of space after, ``outline`` its level in Word's navigation pane. ``doc`` is a python-docx document
    (``Any``: the XML touched here is outside python-docx's typed API)."""
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    element = style.element
    element.set(qn("w:styleId"), style_id)
    element.set(qn("w:customStyle"), "1")
    spacing = f'<w:spacing w:before="0" w:after="{after}" w:line="{line}" w:lineRule="exact"/>'
    if line is None:
        spacing = f'<w:spacing w:before="0" w:after="{after}" w:line="240" w:lineRule="auto"/>'
    indent_xml = f'<w:ind w:firstLine="{round(indent * 20)}"/>' if indent else '<w:ind w:firstLine="0"/>'
    keep = "<w:keepNext/>" if keep_next else ""
    snap = '<w:snapToGrid w:val="0"/>' if line is None else ""
    level = f'<w:outlineLvl w:val="{outline}"/>' if outline is not None else ""
    for child in list(element):
        if child.tag in (qn("w:pPr"), qn("w:rPr")):
            element.remove(child)
    element.append(
        parse_xml(f'<w:pPr {nsdecls("w")}>{keep}{snap}{spacing}{indent_xml}<w:jc w:val="{align}"/>{level}</w:pPr>')
    )
    element.append(parse_xml(run_props(font, size).replace("<w:rPr>", f"<w:rPr {nsdecls('w')}>", 1)))


def setup_styles(doc: Any) -> None:
    """The document's paragraph styles (and ``Normal`` set to the body text), so text typed later in Word or WPS
    looks like the rest."""
    normal = doc.styles["Normal"]
    normal.font.name = FONT_BODY
    normal.font.size = Pt(SIZE_TEXT)
    fonts = normal.element.rPr.rFonts
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT_BODY)
    normal.element.rPr.append(parse_xml(f'<w:lang {nsdecls("w")} w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'))
    _style(doc, STYLE_TITLE, "报告标题", font=FONT_TITLE, size=SIZE_TITLE, align="center", line=TITLE_LINE,
           after=LINE_PITCH, keep_next=True)  # fmt: skip
    _style(doc, STYLE_HEADING, "报告一级标题", font=FONT_HEADING, size=SIZE_TEXT, indent=2 * SIZE_TEXT, outline=0,
           keep_next=True)  # fmt: skip
    _style(doc, STYLE_BODY, "报告正文", font=FONT_BODY, size=SIZE_TEXT, indent=2 * SIZE_TEXT)
    _style(doc, STYLE_TABLE, "报告表格文字", font=FONT_BODY, size=SIZE_TABLE, align="center", line=None)
    _style(doc, STYLE_NOTE, "报告表注", font=FONT_BODY, size=SIZE_TABLE, align="left", line=None, after=60)
    _style(doc, STYLE_FOOTER, "报告页码", font=FONT_PAGE_NUMBER, size=SIZE_PAGE_NUMBER, align="right", line=None)


def setup_page(doc: Any) -> None:
    """A4, the GB/T 9704 margins, 22 lines per page, different odd and even footers."""
    section = doc.sections[0]
    section.page_width = Mm(PAGE_WIDTH_MM)
    section.page_height = Mm(PAGE_HEIGHT_MM)
    section.top_margin = Mm(MARGINS_MM["top"])
    section.bottom_margin = Mm(MARGINS_MM["bottom"])
    section.left_margin = Mm(MARGINS_MM["left"])
    section.right_margin = Mm(MARGINS_MM["right"])
    section.gutter = Mm(0)
    section.header_distance = Mm(15)
    section.footer_distance = Mm(FOOTER_DISTANCE_MM)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is not None:
        grid.set(qn("w:type"), "lines")
        grid.set(qn("w:linePitch"), str(LINE_PITCH))
    doc.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer, align="right")
    _page_number(section.even_page_footer, align="left")


def page_number_xml(*, align: str) -> str:
    """The footer paragraph: "— N —" with N a ``PAGE`` field, one character in from the outer edge."""
    side = "right" if align == "right" else "left"
    indent = round(SIZE_PAGE_NUMBER * 20)
    rpr = run_props(FONT_PAGE_NUMBER, SIZE_PAGE_NUMBER)
    field = (
        f'<w:r>{rpr}<w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r>{rpr}<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        f'<w:r>{rpr}<w:fldChar w:fldCharType="separate"/></w:r>'
        f"<w:r>{rpr}<w:t>1</w:t></w:r>"
        f'<w:r>{rpr}<w:fldChar w:fldCharType="end"/></w:r>'
    )
    return (
        f'<w:p {nsdecls("w")}><w:pPr><w:pStyle w:val="{STYLE_FOOTER}"/><w:ind w:{side}="{indent}"/>'
        f'<w:jc w:val="{align}"/></w:pPr>'
        f"{run_xml('— ', FONT_PAGE_NUMBER, SIZE_PAGE_NUMBER)}{field}{run_xml(' —', FONT_PAGE_NUMBER, SIZE_PAGE_NUMBER)}"
        "</w:p>"
    )


def _page_number(footer: Any, *, align: str) -> None:
    footer.is_linked_to_previous = False
    element = footer._element
    for child in list(element):
        element.remove(child)
    element.append(parse_xml(page_number_xml(align=align)))


#: The font table: each font's alternate name (the installed font to use in its place), charset 86 = GB2312.
_FONT_ENTRIES: tuple[tuple[str, str | None, str, str], ...] = (
    (FONT_BODY, NOTO_SERIF, "modern", "fixed"),
    (FONT_TITLE, NOTO_SERIF, "script", "fixed"),
    (FONT_HEADING, NOTO_SANS, "modern", "fixed"),
    (FONT_PAGE_NUMBER, NOTO_SERIF, "auto", "variable"),
    (NOTO_SERIF, None, "roman", "variable"),
    (NOTO_SANS, None, "swiss", "variable"),
    ("Times New Roman", None, "roman", "variable"),
)


def font_table_xml() -> bytes:
    """``word/fontTable.xml``: the fonts the document uses, the Noto CJK fonts named as their alternates."""
    fonts = []
    for name, alternate, family, pitch in _FONT_ENTRIES:
        alt = f'<w:altName w:val="{alternate}"/>' if alternate else ""
        charset = "00" if name == "Times New Roman" else "86"
        fonts.append(
            f'<w:font w:name="{name}">{alt}<w:charset w:val="{charset}"/><w:family w:val="{family}"/>'
            f'<w:pitch w:val="{pitch}"/></w:font>'
        )
    xml = f"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n<w:fonts {nsdecls('w')}>{''.join(fonts)}</w:fonts>"
    return xml.encode("utf-8")


# -- tables ------------------------------------------------------------------------------------------------


def column_widths(table: TableLayout) -> list[int]:
    """Grid column widths in twips: the label columns as ``LABEL_WIDTHS_MM``, the rest shared evenly; the widths
    add up to the text block exactly."""
    labels = [round(mm / 25.4 * 1440) for mm in LABEL_WIDTHS_MM.get(table.section, ())[: table.width]]
    rest = TEXT_WIDTH - sum(labels)
    count = table.width - len(labels)
    values = [rest // count] * count
    values[-1] += rest - sum(values)
    return labels + values


def _cell_paragraph(report: Report, cell: LayoutCell, *, keep_next: bool) -> str:
    if cell.code is not None:
        data = cell_of(report, cell.code)
        text = cell_text(data)
        return paragraph_xml(
            text,
            style=STYLE_TABLE,
            font=FONT_BODY,
            size=SIZE_TABLE,
            align="right",
            bold=data.state is CellState.UNREADABLE,
            keep_next=keep_next,
        )
    size = SIZE_TABLE_NOTE if cell.role is Role.NOTE else SIZE_TABLE
    align = "left" if cell.role is Role.LABEL else "center"
    return paragraph_xml(
        one_line(cell.text), style=STYLE_TABLE, font=FONT_BODY, size=size, align=align, keep_next=keep_next
    )


def _tc(width: int, span: int, merge: str | None, content: str) -> str:
    grid = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    vmerge = ""
    if merge == "restart":
        vmerge = '<w:vMerge w:val="restart"/>'
    elif merge == "continue":
        vmerge = "<w:vMerge/>"
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{grid}{vmerge}<w:vAlign w:val="center"/></w:tcPr>'
        f"{content}</w:tc>"
    )


def table_xml(report: Report, table: TableLayout) -> str:
    """One table as ``w:tbl``: the layout's cells at their grid positions, spans as Word merges."""
    widths = column_widths(table)
    placed = place(table)
    anchors: dict[int, list[PlacedCell]] = {}
    for item in placed:
        anchors.setdefault(item.row, []).append(item)
    header_rows = table.header_rows
    rows = []
    for r, row in enumerate(table.rows):
        keep = row.kind in (RowKind.BLOCK, RowKind.HEADER)
        entries: list[tuple[int, str]] = []
        for item in anchors.get(r, []):
            cell = item.cell
            width = sum(widths[item.col : item.col + cell.colspan])
            merge = "restart" if cell.rowspan > 1 else None
            content = _cell_paragraph(report, cell, keep_next=keep)
            entries.append((item.col, _tc(width, cell.colspan, merge, content)))
        for item in placed:  # continuation cells of vertical merges from the rows above
            cell = item.cell
            if item.row < r < item.row + cell.rowspan:
                width = sum(widths[item.col : item.col + cell.colspan])
                empty = paragraph_xml("", style=STYLE_TABLE, font=FONT_BODY, size=SIZE_TABLE, keep_next=keep)
                entries.append((item.col, _tc(width, cell.colspan, "continue", empty)))
        entries.sort(key=lambda e: e[0])
        props = "<w:cantSplit/>" + ("<w:tblHeader/>" if r < header_rows else "")
        rows.append(f"<w:tr><w:trPr>{props}</w:trPr>{''.join(xml for _, xml in entries)}</w:tr>")
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    return (
        f"<w:tbl {nsdecls('w')}><w:tblPr>"
        f'<w:tblW w:w="{TEXT_WIDTH}" w:type="dxa"/><w:jc w:val="center"/>'
        f"<w:tblBorders>{_BORDERS}</w:tblBorders>"
        '<w:tblLayout w:type="fixed"/>'
        '<w:tblCellMar><w:top w:w="40" w:type="dxa"/><w:left w:w="70" w:type="dxa"/>'
        '<w:bottom w:w="40" w:type="dxa"/><w:right w:w="70" w:type="dxa"/></w:tblCellMar>'
        '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" '
        'w:noVBand="1"/>'
        f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"
    )


# -- the document -------------------------------------------------------------------------------------------


def body_xml(report: Report) -> list[str]:
    """The document body in order: title, the six sections (tables with their remarks), extra sections."""
    out = [paragraph_xml(report_title(report), style=STYLE_TITLE, font=FONT_TITLE, size=SIZE_TITLE)]

    def heading(text: str) -> None:
        out.append(paragraph_xml(text, style=STYLE_HEADING, font=FONT_HEADING, size=SIZE_TEXT))

    def narrative(text: str) -> None:
        out.extend(
            paragraph_xml(p, style=STYLE_BODY, font=FONT_BODY, size=SIZE_TEXT) for p in narrative_paragraphs(text)
        )

    tables = {t.section: t for t in report_layout(report)}
    for key, title in OUTLINE:
        heading(title)
        if key in tables:
            out.append(table_xml(report, tables[key]))
            out.extend(
                paragraph_xml(line, style=STYLE_NOTE, font=FONT_BODY, size=SIZE_TABLE)
                for line in remark_lines(report, key)
            )
        else:
            narrative(report.narrative.get(key, ""))
    known = dict(OUTLINE)
    for key in (k for k in report.narrative if k not in known):
        heading(one_line(key))
        narrative(report.narrative[key])
    return out


def _append_body(doc: Any, blocks: Iterable[str]) -> None:
    """Parse the body's blocks (one XML document) and put them before the section properties."""
    wrapper = parse_xml(f"<w:body {nsdecls('w')}>{''.join(blocks)}</w:body>")
    body = doc.element.body
    sect = body.find(qn("w:sectPr"))
    for child in list(wrapper):
        if sect is not None:
            sect.addprevious(child)
        else:
            body.append(child)


def set_properties(doc: Any, report: Report) -> None:
    """Fixed core properties: title, author, subject; no current time anywhere."""
    props = doc.core_properties
    props.title = clean_text(report_title(report))
    props.author = one_line(report.body) if report.body and one_line(report.body) else "xxgk"
    props.subject = template_description(report)
    props.keywords = "政府信息公开工作年度报告"
    props.category = "政府信息公开工作年度报告"
    props.comments = "xxgk"
    props.last_modified_by = "xxgk"
    props.language = "zh-CN"
    props.revision = 1
    props.created = FIXED_TIME
    props.modified = FIXED_TIME
    props.last_printed = FIXED_TIME


def _drop_thumbnail(doc: Any) -> None:
    """python-docx's template carries a thumbnail of an empty page; a thumbnail that does not show the report is
    worse than none."""
    rels = doc.part.package.rels
    for r_id in [r_id for r_id, rel in rels.items() if rel.reltype == RT.THUMBNAIL]:
        del rels[r_id]


def build_document(report: Report) -> Any:
    """The python-docx ``Document`` of a report (use ``render_docx`` for the bytes)."""
    doc = Document()
    _drop_thumbnail(doc)
    setup_styles(doc)
    setup_page(doc)
    _append_body(doc, body_xml(report))
    set_properties(doc, report)
    return doc


def render_docx(report: Report) -> bytes:
    """The document's bytes; the same report always gives the same bytes."""
    doc = build_document(report)
    raw = io.BytesIO()
    doc.save(raw)
    return deterministic_zip(raw.getvalue(), replace={"word/fontTable.xml": font_table_xml()})


RENDERER = FunctionRenderer(
    "docx",
    ".docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    render_docx,
)
