"""The built-in templates: the default wording of :mod:`xxgk.core.letters` laid out as a DOCX by python-docx.

Layout after GB/T 9704-2012 (党政机关公文格式) as far as a template can carry it: A4, margins 37/35/28/26 mm,
the title in 方正小标宋简体 二号 centred, the text in 仿宋_GB2312 三号 with a fixed 28 pt line and the first line
indented by two characters, the signature and date on the right, the page number ``— 1 —`` in the footer. Fonts
are named with their East Asian name set (``w:eastAsia``), so Word and WPS use them where installed and
substitute otherwise (no font is embedded).
"""

from __future__ import annotations

import io
from functools import cache

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from xxgk.core.letters import Block, BlockStyle, LetterSlot, default_wording

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
LATIN_FONT = "Times New Roman"
BODY_SIZE = Pt(16)  # 三号
TITLE_SIZE = Pt(22)  # 二号
LINE = Pt(28)
INDENT = Pt(32)  # two characters of 三号


def _fonts(run: Run, east_asia: str, size: Pt) -> None:
    run.font.name = LATIN_FONT
    run.font.size = size
    rpr = run._element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), east_asia)


def _page_number(paragraph: Paragraph) -> None:
    """``— PAGE —`` as a field, so that Word shows the page number."""
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _fonts(paragraph.add_run("— "), "宋体", Pt(14))
    run = paragraph.add_run()
    _fonts(run, "宋体", Pt(14))
    for kind, text in (("begin", None), (None, " PAGE "), ("end", None)):
        if kind is not None:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._element.append(element)
    _fonts(paragraph.add_run(" —"), "宋体", Pt(14))


def _block(document: docx.document.Document, block: Block) -> None:
    paragraph = document.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    font, size = BODY_FONT, BODY_SIZE
    style = block.style
    if style is BlockStyle.TITLE:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        fmt.line_spacing = Pt(36)
        fmt.space_after = Pt(16)
        font, size = TITLE_FONT, TITLE_SIZE
    elif style is BlockStyle.NUMBER:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        fmt.space_after = Pt(14)
    elif style is BlockStyle.BODY:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        fmt.first_line_indent = INDENT
    elif style is BlockStyle.SIGNATURE:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        fmt.right_indent = INDENT
    if block.text:
        _fonts(paragraph.add_run(block.text), font, size)


def _document(slot: LetterSlot) -> docx.document.Document:
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = document.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = BODY_SIZE
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    _page_number(section.footer.paragraphs[0])
    for block in default_wording(slot).blocks:
        _block(document, block)
    props = document.core_properties
    props.title = slot.title
    props.author = "xxgk"
    props.comments = "xxgk 默认文书模板：{{…}} 为占位符，生成文书时替换为案件信息"
    return document


@cache
def default_template(slot: LetterSlot) -> bytes:
    """The built-in template of ``slot`` as DOCX bytes (built once per process)."""
    buffer = io.BytesIO()
    _document(slot).save(buffer)
    return buffer.getvalue()
