"""Bad input to the DOCX reader: always an IngestError with a reason, never another exception."""

from __future__ import annotations

import contextlib
import io
import random
import struct
import zipfile

import pytest

from tests.ingest.docx_helpers import (
    CONTENT_TYPES,
    ROOT_RELS,
    document_xml,
    make_docx,
    make_package,
    para,
    read_fixture,
)
from xxgk.core.errors import IngestError
from xxgk.ingest import docx, docx_package

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _refused(data: bytes, name: str = "junk.docx") -> IngestError:
    with pytest.raises(IngestError) as caught:
        docx.parse(data, name)
    error = caught.value
    assert error.source == name
    assert error.reason
    return error


def test_random_bytes() -> None:
    rng = random.Random(3)
    for size in (1, 7, 100, 5000):
        _refused(bytes(rng.randrange(256) for _ in range(size)))


def test_empty_input() -> None:
    _refused(b"")


def test_empty_zip() -> None:
    data = make_package({})
    assert data.startswith(b"PK\x05\x06")
    assert "word/document.xml" in _refused(data).reason


def test_zip_without_document_xml() -> None:
    data = make_package({"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": ROOT_RELS, "xl/workbook.xml": "<x/>"})
    assert not docx.sniff(data, "x.docx")
    assert "word/document.xml" in _refused(data).reason


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9, 0.999])
def test_truncated_docx(keep: float) -> None:
    data, _ = read_fixture("pingtan-hzs-2023.lo.docx")
    _refused(data[: int(len(data) * keep)])


def test_zip_bomb_member_is_refused_before_decompressing() -> None:
    """60 MB of zeros deflate to ~60 KB; the declared size is over the 50 MB limit."""
    bomb = b"\0" * (60 * 1024 * 1024)
    data = make_package({"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": ROOT_RELS, "word/document.xml": bomb})
    assert len(data) < 1024 * 1024
    assert "50 MB" in _refused(data).reason


def test_many_parts_add_up_to_the_limit() -> None:
    members: dict[str, bytes | str] = {f"word/part{i}.xml": b" " * 400_000 for i in range(4)}
    members["word/document.xml"] = document_xml(para("x"))
    data = make_package(members)
    with pytest.raises(IngestError, match="压缩炸弹"):
        docx_package.open_package(data, "b.docx", limit=1_000_000)


def test_a_member_larger_than_its_header_claims_is_refused() -> None:
    """Shrink the declared size in both headers: zipfile stops there and the CRC no longer matches."""
    body = para("x" * 5000)
    data = bytearray(make_docx(body))
    name = b"word/document.xml"
    real = len(document_xml(body).encode())
    local = data.find(b"PK\x03\x04")
    while local != -1:
        if data[local + 30 : local + 30 + len(name)] == name:
            struct.pack_into("<I", data, local + 22, 100)
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while central != -1:
        if data[central + 46 : central + 46 + len(name)] == name:
            assert struct.unpack_from("<I", data, central + 24)[0] == real
            struct.pack_into("<I", data, central + 24, 100)
        central = data.find(b"PK\x01\x02", central + 4)
    _refused(bytes(data))


def test_media_is_never_decompressed() -> None:
    """A huge image does not count against the limit and is not read."""
    image = b"\0" * (60 * 1024 * 1024)
    data = make_docx(para("x"), **{"word/media/image1.png": image})
    package = docx_package.open_package(data, "m.docx")
    assert package.parts["word/media/image1.png"] == b""


_LAUGHS = "".join(f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' if i else '<!ENTITY a0 "ha">' for i in range(10))


def test_billion_laughs_is_refused() -> None:
    xml = document_xml(para("&a9;")).replace("<w:document", f"<!DOCTYPE w:document [{_LAUGHS}]><w:document", 1)
    error = _refused(make_docx("", **{"word/document.xml": xml}))
    assert "DTD" in error.reason


def test_external_entity_is_refused() -> None:
    xml = document_xml(para("&x;")).replace(
        "<w:document", '<!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]><w:document', 1
    )
    assert "DTD" in _refused(make_docx("", **{"word/document.xml": xml})).reason


def test_dtd_in_utf16_part_is_refused() -> None:
    xml = document_xml(para("&a9;")).replace('encoding="UTF-8"', 'encoding="UTF-16"')
    xml = xml.replace("<w:document", f"<!DOCTYPE w:document [{_LAUGHS}]><w:document", 1)
    assert "DTD" in _refused(make_docx("", **{"word/document.xml": xml.encode("utf-16")})).reason


def test_malformed_xml() -> None:
    _refused(make_docx("", **{"word/document.xml": "<w:document><w:body><w:p>"}))


def test_no_content_types() -> None:
    data = make_package({"_rels/.rels": ROOT_RELS, "word/document.xml": document_xml(para("x"))})
    _refused(data)


def test_not_a_word_main_part() -> None:
    types = CONTENT_TYPES.replace("wordprocessingml.document.main", "spreadsheetml.sheet.main")
    _refused(make_docx(para("x"), **{"[Content_Types].xml": types}))


def test_corrupt_member_data() -> None:
    data = bytearray(make_docx(para("一、总体情况" * 50)))
    start = data.find(b"word/document.xml") + len("word/document.xml") + 10
    for i in range(start, start + 40):
        data[i] ^= 0x5A
    _refused(bytes(data))


def test_encrypted_member() -> None:
    data = bytearray(make_docx(para("x")))
    # Set the "encrypted" flag bit in every local and central header.
    for magic, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(magic)
        while at != -1:
            flags = struct.unpack_from("<H", data, at + offset)[0]
            struct.pack_into("<H", data, at + offset, flags | 1)
            at = data.find(magic, at + 4)
    _refused(bytes(data))


def test_not_a_report_body_empty() -> None:
    _refused(make_docx(""))


def test_no_body_element() -> None:
    xml = document_xml("").replace("<w:body></w:body>", "")
    _refused(make_docx("", **{"word/document.xml": xml}))


def test_password_protected_office_file() -> None:
    """An encrypted DOCX is an OLE2 file holding an EncryptedPackage stream."""
    data = OLE2 + b"\0" * 200 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 200
    assert docx.sniff(data, "secret.docx")
    assert "加密" in _refused(data, "secret.docx").reason


def test_ole2_that_is_not_a_word_document() -> None:
    data = OLE2 + b"\0" * 200 + "Workbook".encode("utf-16-le") + b"\0" * 200
    assert not docx.sniff(data, "book.xls")
    assert "不是Word" in _refused(data, "book.xls").reason


def test_mutated_docx_never_raises_anything_else() -> None:
    original, _ = read_fixture("pingtan-hzs-2023.lo.docx")
    rng = random.Random(20240131)
    outcomes = {"ok": 0, "refused": 0}
    for _ in range(60):
        data = bytearray(original)
        for _ in range(rng.randrange(1, 6)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        try:
            docx.parse(bytes(data), "m.docx")
        except IngestError:
            outcomes["refused"] += 1
        else:
            outcomes["ok"] += 1
    assert outcomes["refused"] > 0


def test_mutated_document_xml_never_raises_anything_else() -> None:
    """Byte noise inside the (uncompressed) XML: malformed XML, bad attributes, broken spans."""
    original, _ = read_fixture("pingtan-hzs-2023.lo.docx")
    with zipfile.ZipFile(io.BytesIO(original)) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    xml = members["word/document.xml"]
    rng = random.Random(7)
    alphabet = b'<>/"=&;0123456789 wgridSpanvMerge'
    for _ in range(40):
        mutated = bytearray(xml)
        for _ in range(rng.randrange(1, 4)):
            mutated[rng.randrange(len(mutated))] = alphabet[rng.randrange(len(alphabet))]
        data = make_package({**members, "word/document.xml": bytes(mutated)}, compression=zipfile.ZIP_STORED)
        with contextlib.suppress(IngestError):
            docx.parse(data, "m.docx")


@pytest.mark.parametrize("depth", [120, 5000])
def test_deep_nesting(depth: int) -> None:
    """Deep wrappers are read (within the XML parser's depth limit) or refused, never a RecursionError."""
    blocks = "<w:sdt><w:sdtContent>" * depth + para("x") + "</w:sdtContent></w:sdt>" * depth
    inline = "<w:p>" + "<w:hyperlink>" * depth + "<w:r><w:t>x</w:t></w:r>" + "</w:hyperlink>" * depth + "</w:p>"
    for body in (blocks, inline):
        _refused(make_docx(body))
