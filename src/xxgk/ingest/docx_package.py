"""Opening a Word (DOCX) package safely: the ZIP container checked before python-docx sees it.

A DOCX is a ZIP of XML parts. Three kinds of bad input are stopped here with a clear
:class:`~xxgk.core.errors.IngestError` instead of a crash, a hang or a memory blow-up:

* not a ZIP, a truncated or corrupt ZIP, a ZIP without ``word/document.xml``, encrypted members;
* a zip bomb: only the XML parts are decompressed (images, fonts and embedded objects are replaced by empty
  parts: the reader never needs them), their declared sizes must add up to at most :data:`MAX_XML_BYTES`,
  and each member is read with that bound (``zipfile`` also stops at the declared size and checks the CRC);
* XML entity expansion ("billion laughs") and external entities: OOXML parts never carry a DTD
  (ECMA-376 Part 2 forbids it), so a part declaring ``<!DOCTYPE`` or ``<!ENTITY`` is refused before any
  parser sees it; python-docx's own parser additionally runs with ``resolve_entities=False``.

The result is a new in-memory package (stored, not compressed) that python-docx opens as usual.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass

from xxgk.core.errors import IngestError

#: Upper bound of the XML parts' total uncompressed size (a report is well under 5 MB of XML).
MAX_XML_BYTES = 50 * 1024 * 1024
#: Upper bound of the number of members of the ZIP container.
MAX_MEMBERS = 10_000
MAIN_PART = "word/document.xml"
ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"

_XML_SUFFIXES = (".xml", ".rels")
_DTD_RE = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
#: Main-part content types python-docx refuses (template, macro-enabled) that read the same as a document.
_MAIN_TYPES = (
    b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
    b"application/vnd.ms-word.document.macroEnabled.main+xml",
    b"application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
)
_DOCUMENT_TYPE = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"

NOT_ZIP = "不是有效的Word文档（DOCX）：ZIP结构损坏或文件不完整（可能下载中断）"
NO_MAIN = "ZIP压缩包中没有Word文档正文（word/document.xml），不是DOCX文件"
TOO_BIG = "Word文档解压后的内容超过{limit} MB上限（可能是压缩炸弹），拒绝读取"
TOO_MANY = "ZIP压缩包中的文件超过{limit}个，不像Word文档，拒绝读取"
HAS_DTD = "Word文档的XML部件“{name}”含有DTD或实体声明（正常的Word文档不会有），拒绝读取（可能是恶意文件）"
ENCRYPTED = "Word文档中的部件“{name}”已加密，无法读取"
CORRUPT = "Word文档的部件“{name}”已损坏（{what}），无法读取"


@dataclass(frozen=True, slots=True)
class Package:
    """The checked package: XML parts by member name (other parts left out)."""

    parts: dict[str, bytes]

    def to_zip(self) -> bytes:
        """The parts as a ZIP that python-docx can open (non-XML members present but empty)."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as out:
            for name, blob in self.parts.items():
                out.writestr(name, blob)
        return buffer.getvalue()


def is_zip(data: bytes) -> bool:
    return data.startswith((ZIP_MAGIC, EMPTY_ZIP_MAGIC))


def sniff(data: bytes) -> bool:
    """A ZIP whose members include ``word/document.xml``. Cheap (reads the central directory); never raises."""
    if not data.startswith(ZIP_MAGIC):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return any(name == MAIN_PART for name in archive.namelist())
    except Exception:  # a sniffer answers yes or no, whatever the bytes are
        return MAIN_PART.encode() in data[:65536]


def open_package(data: bytes, source: str, *, limit: int = MAX_XML_BYTES) -> Package:
    """Check the container and read its XML parts, or raise :class:`IngestError`."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise IngestError(NOT_ZIP, source=source) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_MEMBERS:
            raise IngestError(TOO_MANY.format(limit=MAX_MEMBERS), source=source)
        names = {info.filename for info in infos}
        if MAIN_PART not in names:
            raise IngestError(NO_MAIN, source=source)
        xml = [info for info in infos if _is_xml(info.filename)]
        total = sum(info.file_size for info in xml)
        if total > limit:
            raise IngestError(TOO_BIG.format(limit=_mb(limit)), source=source)
        parts: dict[str, bytes] = {}
        budget = limit
        for info in infos:
            if info.is_dir():
                continue
            if not _is_xml(info.filename):
                parts[info.filename] = b""
                continue
            blob = _read_member(archive, info, budget, limit, source)
            budget -= len(blob)
            _refuse_dtd(info.filename, blob, source)
            parts[info.filename] = blob
    types = parts.get("[Content_Types].xml")
    if types is not None:
        for main in _MAIN_TYPES:
            types = types.replace(main, _DOCUMENT_TYPE)
        parts["[Content_Types].xml"] = types
    return Package(parts)


def _is_xml(name: str) -> bool:
    return name.lower().endswith(_XML_SUFFIXES)


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int, limit: int, source: str) -> bytes:
    """One member, at most ``budget`` bytes whatever its header claims."""
    name = info.filename
    try:
        with archive.open(info) as member:
            blob = member.read(budget + 1)
    except RuntimeError:  # "File ... is encrypted, password required for extraction"
        raise IngestError(ENCRYPTED.format(name=name), source=source) from None
    except NotImplementedError:
        raise IngestError(CORRUPT.format(name=name, what="不支持的压缩方式"), source=source) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
        raise IngestError(CORRUPT.format(name=name, what=_short(exc)), source=source) from None
    if len(blob) > budget:
        raise IngestError(TOO_BIG.format(limit=_mb(limit)), source=source)
    return blob


def _refuse_dtd(name: str, blob: bytes, source: str) -> None:
    """Refuse a part declaring a DTD or an entity, in whatever encoding the XML parser would accept: in UTF-16 and
    UTF-32 (with or without a byte-order mark) the ASCII markup is interleaved with NUL bytes, so it is searched for
    with the NULs removed."""
    text = blob.replace(b"\x00", b"") if b"\x00" in blob[:4096] else blob
    if _DTD_RE.search(text):
        raise IngestError(HAS_DTD.format(name=name), source=source)


def _mb(limit: int) -> str:
    return f"{limit / (1024 * 1024):g}"


def _short(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text[:80]
