"""Size and time limits of the readers and of batch inputs: each hostile input is refused quickly, with a clear
Chinese error naming the file and the limit, without exhausting memory (zip bombs, PDF decompression bombs, huge
PDFs and pages, deeply nested HTML, billion laughs and external entities in DOCX XML, huge text)."""

from __future__ import annotations

import io
import time
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.ingest.docx_helpers import CONTENT_TYPES, ROOT_RELS, document_xml, make_package
from tests.ingest.helpers import PUBLISHED, SEED
from xxgk.batch.archive import ZipLimits
from xxgk.batch.inputs import Kind, expand
from xxgk.batch.load import load_item
from xxgk.core.errors import IngestError
from xxgk.ingest import docx, docx_package, html, limits, parse_bytes, pdf, text
from xxgk.ingest.pdf_document import DEFAULT_SETTINGS, PdfSettings, check_streams, render_pages

#: Seconds a refusal may take (the machine running the suite may be busy).
QUICK = 10.0


def refused(parse: Callable[[], object], source: str) -> IngestError:
    started = time.perf_counter()
    with pytest.raises(IngestError) as caught:
        parse()
    assert time.perf_counter() - started < QUICK
    error = caught.value
    assert error.source == source and str(error).startswith(f"{source}: ")
    return error


def para(value: str) -> str:
    return f"<w:p><w:r><w:t>{value}</w:t></w:r></w:p>"


def make_pdf(content: bytes, *, pages: int = 1, filters: int = 1, media: tuple[int, int] = (595, 842)) -> bytes:
    """A minimal PDF whose every page has ``content`` as its content stream, FlateDecode applied ``filters`` times."""
    stream = content
    for _ in range(filters):
        stream = zlib.compress(stream, 9)
    filter_names = " ".join(["/FlateDecode"] * filters)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(pages))
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode())
    font = 3 + 2 * pages
    for i in range(pages):
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {media[0]} {media[1]}] /Contents {4 + 2 * i} 0 R "
            f"/Resources << /Font << /F1 {font} 0 R >> >> >>".encode()
        )
        head = f"<< /Filter [{filter_names}] /Length {len(stream)} >>" if filters else f"<< /Length {len(stream)} >>"
        objects.append(head.encode() + b"\nstream\n" + stream + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


TEXT_OP = b"BT /F1 12 Tf 72 720 Td (hello) Tj ET\n"

# -- DOCX: zip bombs, entity expansion ------------------------------------------------------------------------


def test_docx_member_declaring_more_than_the_limit() -> None:
    bomb = b" " * (docx_package.MAX_XML_BYTES + 1)
    data = make_package({"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": ROOT_RELS, "word/document.xml": bomb})
    assert len(data) < 200_000
    error = refused(lambda: docx.parse(data, "炸弹.docx"), "炸弹.docx")
    assert "50 MB" in error.reason and "压缩炸弹" in error.reason


def test_docx_member_lying_about_its_size_is_read_only_up_to_the_limit() -> None:
    """A member whose headers claim a small size but that inflates to more: the read stops at the budget."""
    package = docx_package.open_package  # the limit is a parameter: a small one keeps the test fast
    body = document_xml(para("x" * 200_000))
    data = make_package({"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": ROOT_RELS, "word/document.xml": body})
    with pytest.raises(IngestError, match="压缩炸弹"):
        package(data, "b.docx", limit=100_000)


def test_docx_with_a_nested_zip_member_is_not_unpacked() -> None:
    inner = make_package({"word/document.xml": b" " * 5_000_000})
    data = make_package(
        {
            "[Content_Types].xml": CONTENT_TYPES,
            "_rels/.rels": ROOT_RELS,
            "word/document.xml": document_xml(para("x")),
            "word/embeddings/oleObject1.bin": inner,
        }
    )
    package = docx_package.open_package(data, "n.docx")
    assert package.parts["word/embeddings/oleObject1.bin"] == b""


_LAUGHS = "".join(f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' if i else '<!ENTITY a0 "ha">' for i in range(10))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-be", "utf-32", "utf-32-le"])
@pytest.mark.parametrize(
    "doctype",
    [f"<!DOCTYPE w:document [{_LAUGHS}]>", '<!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>'],
    ids=["billion-laughs", "external-entity"],
)
def test_entity_declarations_are_refused_in_every_encoding(encoding: str, doctype: str) -> None:
    """UTF-16/32 without a byte-order mark hid the declaration from a byte search before: now found everywhere."""
    xml = document_xml(para("&a9;&x;")).replace("<w:document", f"{doctype}<w:document", 1)
    xml = xml.replace('encoding="UTF-8"', f'encoding="{encoding.upper().removesuffix("-SIG")}"')
    data = make_package(
        {"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": ROOT_RELS, "word/document.xml": xml.encode(encoding)}
    )
    error = refused(lambda: docx.parse(data, "实体.docx"), "实体.docx")
    assert "DTD" in error.reason


def test_word_file_size_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_WORD_BYTES", 1000)
    monkeypatch.setattr(docx, "MAX_WORD_BYTES", 1000)
    data = make_package({"word/document.xml": document_xml(para("x" * 2000))}, compression=zipfile.ZIP_STORED)
    error = refused(lambda: docx.parse(data, "大.docx"), "大.docx")
    assert "Word文件过大" in error.reason and "上限" in error.reason


# -- PDF: decompression bombs, page and size limits -------------------------------------------------------


def test_pdf_content_stream_bomb_is_refused_before_parsing() -> None:
    """~70 KB of PDF inflating to 80 MB of page content (the parsers would hold it all in memory)."""
    data = make_pdf(TEXT_OP + b" " * (80 * 1024 * 1024))
    assert len(data) < 200_000
    error = refused(lambda: pdf.parse(data, "炸弹.pdf"), "炸弹.pdf")
    assert "64 MB" in error.reason and "压缩炸弹" in error.reason


def test_pdf_chained_filters_are_measured_after_every_layer() -> None:
    data = make_pdf(TEXT_OP + b" " * (80 * 1024 * 1024), filters=2)
    assert len(data) < 20_000
    assert "压缩炸弹" in refused(lambda: pdf.parse(data, "双层.pdf"), "双层.pdf").reason


def test_many_pages_add_up_to_the_inflated_limit() -> None:
    settings = PdfSettings(max_inflated_bytes=1024 * 1024)
    data = make_pdf(TEXT_OP + b" " * 300_000, pages=4)  # 4 × 300 KB > 1 MB
    with pytest.raises(IngestError, match="1 MB"):
        check_streams(data, "p.pdf", settings)
    check_streams(make_pdf(TEXT_OP + b" " * 300_000, pages=3), "p.pdf", settings)  # within the budget


def test_images_and_broken_streams_are_not_counted() -> None:
    image = zlib.compress(b"\0" * (80 * 1024 * 1024))
    data = (
        b"%PDF-1.4\n1 0 obj\n<< /Type /XObject /Subtype /Image /Filter /FlateDecode /Length "
        + str(len(image)).encode()
        + b" >>\nstream\n"
        + image
        + b"\nendstream\nendobj\n2 0 obj\n<< /Filter /FlateDecode /Length 9 >>\nstream\nnot-zlib!\nendstream\nendobj\n"
    )
    check_streams(data, "i.pdf")  # images are never decoded to read text; junk inflates to nothing


def test_the_real_pdf_fixtures_pass_the_stream_check() -> None:
    for path in sorted((PUBLISHED.parent).rglob("*.pdf")):
        check_streams(path.read_bytes(), path.name)


def test_pdf_page_and_size_limits() -> None:
    many = make_pdf(TEXT_OP, pages=DEFAULT_SETTINGS.max_pages + 1)
    error = refused(lambda: pdf.parse(many, "厚.pdf"), "厚.pdf")
    assert f"上限 {DEFAULT_SETTINGS.max_pages} 页" in error.reason
    big = b"%PDF-1.4\n" + b" " * DEFAULT_SETTINGS.max_bytes
    error = refused(lambda: pdf.parse(big, "大.pdf"), "大.pdf")
    assert "上限 50 MB" in error.reason


def test_pdf_page_with_too_many_characters() -> None:
    show = b"BT /F1 4 Tf 10 10 Td " + (b"(" + b"x" * 30_000 + b") Tj ") * 3 + b"ET\n"  # PDFium caps a string
    data = make_pdf(show)
    error = refused(lambda: pdf.parse(data, "密.pdf"), "密.pdf")
    assert "第1页的文字过多" in error.reason and f"上限 {DEFAULT_SETTINGS.max_page_chars} 个" in error.reason


def test_a_huge_page_is_rendered_smaller() -> None:
    """A page of 14,400 pt (the largest PDF allows) would be 25,000 px square at the explain page's scale."""
    data = make_pdf(TEXT_OP, media=(14_400, 14_400))
    images = render_pages(data, {1}, 1.25, max_pixels=2_000_000)
    png, width, height = images[1]
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        assert image.width * image.height <= 2_000_000 * 1.01
    assert (width, height) == (14_400, 14_400)


# -- HTML and text ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [300, 100_000])
def test_deeply_nested_html_is_refused_clearly(depth: int) -> None:
    """lxml stops at 256 levels and used to hand back a truncated page ("not a report"); no RecursionError."""
    page = (PUBLISHED / "pingtan-zrz-2021.html").read_bytes()
    at = page.index(b">", page.index(b"<body")) + 1
    data = page[:at] + b"<div>" * depth + page[at:]
    for parse in (lambda: html.parse(data, "深.html"), lambda: parse_bytes(data, source="深.html")):
        assert "嵌套层数超过上限（256 层）" in refused(parse, "深.html").reason


def test_html_nested_within_the_limit_is_read() -> None:
    page = (PUBLISHED / "pingtan-zrz-2021.html").read_bytes()
    at = page.index(b">", page.index(b"<body")) + 1
    result = html.parse(page[:at] + b"<div>" * 200 + page[at:], "ok.html")
    assert result.report.cells["s3.received.total"].value == 18


def test_a_huge_text_node_is_refused_not_truncated() -> None:
    data = b"<html><body><p>" + b"a" * (11 * 1024 * 1024) + b"</p></body></html>"
    assert "资源上限" in refused(lambda: html.parse(data, "长.html"), "长.html").reason


def test_text_and_html_size_limits() -> None:
    huge = b"x" * (limits.MAX_TEXT_BYTES + 1)
    error = refused(lambda: text.parse(huge, "大.txt"), "大.txt")
    assert "文本文件过大" in error.reason and "上限 4 MB" in error.reason
    page = b"<html><body>" + b" " * limits.MAX_HTML_BYTES + b"</body></html>"
    error = refused(lambda: html.parse(page, "大.html"), "大.html")
    assert "网页文件过大" in error.reason and "上限 30 MB" in error.reason


def test_too_many_rows_are_refused_before_assembly() -> None:
    """A report repeated 200 times (12,000 rows) used to take minutes to assemble."""
    data = SEED.read_bytes() * 200
    assert len(data) < limits.MAX_TEXT_BYTES
    error = refused(lambda: text.parse(data, "重复.txt"), "重复.txt")
    assert f"上限 {limits.MAX_ROWS} 行" in error.reason


def test_the_limits_leave_real_reports_alone() -> None:
    for path in [*sorted(PUBLISHED.glob("*.html")), SEED]:
        parse_bytes(path.read_bytes(), source=path.name)


# -- batch inputs: nested archives, zip bombs ------------------------------------------------------------------


def test_a_nested_archive_in_a_batch_is_not_expanded(tmp_path: Path) -> None:
    inner = make_package({"a.txt": SEED.read_bytes()})
    outer = tmp_path / "reports.zip"
    outer.write_bytes(make_package({"inner.zip": inner, "b.txt": SEED.read_bytes()}))
    items = expand([str(outer)]).items
    nested = next(i for i in items if i.name.endswith("inner.zip"))
    assert nested.kind is Kind.ERROR and nested.error is not None and "压缩包中的压缩包" in nested.error
    assert load_item(nested).error == nested.error
    assert any(i.kind is Kind.MEMBER and i.name.endswith("b.txt") for i in items)


def test_a_zip_bomb_member_in_a_batch(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.zip"
    bomb.write_bytes(make_package({"report.txt": b"0" * (8 * 1024 * 1024)}))
    items = expand([str(bomb)], limits=ZipLimits(max_member_size=4 * 1024 * 1024)).items
    assert len(items) == 1 and items[0].kind is Kind.ERROR
    assert items[0].error is not None and "超过单个文件上限" in items[0].error
