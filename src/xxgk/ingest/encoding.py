"""Bytes to text: byte-order marks, declared charsets, sniffing; and telling binary data apart.

Chinese government sites still publish GBK/GB2312 pages, often declaring ``gb2312`` while using characters
only GBK has, so every GB charset is decoded as GB18030 (a superset of both).
"""

from __future__ import annotations

import codecs
import re

from xxgk.core.errors import IngestError

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG", "PNG图片"),
    (b"\xff\xd8\xff", "JPEG图片"),
    (b"GIF8", "GIF图片"),
    (b"BM", "BMP图片"),
    (b"%PDF", "无法读取的PDF文件"),
    (b"PK\x03\x04", "ZIP压缩包或非Word的Office文档（如XLSX；支持DOCX）"),
    (b"\xd0\xcf\x11\xe0", "非Word的旧版Office文档（如XLS；支持DOC/WPS）"),
    (b"{\\rtf", "RTF文档（暂不支持）"),
    (b"\x1f\x8b", "GZIP压缩文件"),
    (b"Rar!", "RAR压缩文件"),
    (b"7z\xbc\xaf", "7z压缩文件"),
    (b"RIFF", "音视频或图片文件"),
)
_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "gb_2312-80": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "ms936": "gb18030",
    "windows-936": "gb18030",
    "gb18030": "gb18030",
    "big5": "big5hkscs",
    "utf8": "utf-8",
    "unicode": "utf-8",
}
_META_CHARSET_RE = re.compile(rb"""<meta[^>]{0,300}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)
_XML_DECL_RE = re.compile(rb"""^\s*<\?xml[^>]{0,100}?encoding\s*=\s*["']([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
#: Share of control characters above which decoded "text" is really binary data.
_MAX_CONTROL_SHARE = 0.01


def empty_reason(data: bytes) -> str | None:
    if not data:
        return "空文件（0字节）"
    if not data.strip(b" \t\r\n\x00\x0b\x0c") or not data.lstrip(codecs.BOM_UTF8).strip():
        return "文件只有空白，没有内容"
    return None


def bom_encoding(data: bytes) -> tuple[str, int] | None:
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name, len(bom)
    return None


def binary_reason(data: bytes) -> str | None:
    """Why ``data`` is not text (an image, a PDF, NUL bytes), or ``None`` if it may be text."""
    if bom_encoding(data) is not None and not data.startswith(codecs.BOM_UTF8):
        return None  # UTF-16/32 text has NUL bytes
    for magic, what in _MAGIC:
        if data.startswith(magic):
            if magic == b"BM" and len(data) > 2 and data[2:3].isascii() and data[2:3].isalpha():
                continue  # plain text starting with "BM..."
            if magic == b"RIFF" and b"WEBP" not in data[:16] and b"WAVE" not in data[:16] and b"AVI" not in data[:16]:
                continue
            return f"不是文本或网页文件，而是{what}"
    if b"\x00" in data[:65536]:
        return "不是文本或网页文件：含有二进制数据（NUL字节）"
    return None


def normalise_charset(name: str) -> str | None:
    name = name.strip().lower()
    name = _ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML/XML document declares in its first 4 KB."""
    head = data[:4096]
    m = _XML_DECL_RE.match(head) or _META_CHARSET_RE.search(head)
    if m is None:
        return None
    return normalise_charset(m.group(1).decode("ascii", "ignore"))


def decode_text(data: bytes, source: str) -> str:
    """Decode a plain-text document: BOM, else UTF-8, else GB18030; binary data is refused."""
    reason = empty_reason(data) or binary_reason(data)
    if reason:
        raise IngestError(reason, source=source)
    bom = bom_encoding(data)
    text: str | None = None
    if bom is not None:
        try:
            text = data[bom[1] :].decode(bom[0])
        except UnicodeDecodeError:
            text = None
    if text is None:
        for encoding in ("utf-8", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    if text is None:
        raise IngestError("无法识别文本编码：既不是UTF-8也不是GBK/GB18030文本", source=source)
    check_controls(text, source)
    return text


def check_controls(text: str, source: str) -> None:
    sample = text[:200_000]
    controls = len(_CONTROL_RE.findall(sample))
    if controls and controls > _MAX_CONTROL_SHARE * len(sample):
        raise IngestError("不是文本文件：含有大量控制字符（可能是二进制数据）", source=source)


def decode_html(data: bytes, source: str) -> str:
    """Decode an HTML page: BOM, declared charset, UTF-8; bs4's UnicodeDammit only as a last resort."""
    reason = empty_reason(data)
    if reason:
        raise IngestError(reason, source=source)
    bom = bom_encoding(data)
    if bom is not None:
        try:
            return data[bom[1] :].decode(bom[0])
        except UnicodeDecodeError:
            pass
    declared = declared_charset(data)
    for encoding in _unique([declared, "utf-8"]):
        if encoding is None:
            continue
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    from bs4 import UnicodeDammit

    dammit = UnicodeDammit(data, ["utf-8", "gb18030", "big5hkscs"])
    if dammit.unicode_markup is not None:
        return str(dammit.unicode_markup)
    return data.decode("utf-8", errors="replace")


def html_utf8(data: bytes, source: str) -> bytes:
    """The page as UTF-8 bytes without the control characters lxml refuses: what the HTML parser reads.

    Valid UTF-8 (declared so, or not declared) is passed through without decoding to ``str``.
    """
    reason = empty_reason(data)
    if reason:
        raise IngestError(reason, source=source)
    if bom_encoding(data) is None and declared_charset(data) in (None, "utf-8"):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            return strip_control_bytes(data)
    return strip_control_bytes(decode_html(data, source).encode("utf-8"))


_CONTROL_BYTES = bytes([*range(9), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])


def strip_control_bytes(data: bytes) -> bytes:
    """Delete ASCII control bytes (never part of a UTF-8 or GB multi-byte character)."""
    return data.translate(None, _CONTROL_BYTES)


def _unique(items: list[str | None]) -> list[str | None]:
    out: list[str | None] = []
    for item in items:
        if item not in out:
            out.append(item)
    return out


def strip_controls(text: str) -> str:
    """Remove control characters lxml refuses (NUL, form feeds, ...)."""
    return _CONTROL_RE.sub("", text) if _CONTROL_RE.search(text) else text
