"""Upload limits of item attachments: size, count, and the allowed types, recognised by their content.

The client's file name and declared type are not trusted: the extension must be on the list *and* the first bytes
must match it (PDF ``%PDF-``, OOXML/OFD zip containers, legacy Office OLE2, JPEG, PNG; text must be UTF-8 without
NUL bytes). The stored content type comes from the extension. Names are reduced to their last path component,
control characters removed, and shortened.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

from xxgk.core.errors import XxgkError

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 10
MAX_NAME = 200

_ZIP = (b"PK\x03\x04",)
_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)

#: extension -> (content type, accepted leading bytes; empty = text)
ALLOWED: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".ofd": ("application/ofd", _ZIP),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    ".doc": ("application/msword", _OLE),
    ".xls": ("application/vnd.ms-excel", _OLE),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".txt": ("text/plain; charset=utf-8", ()),
}
ALLOWED_LABEL = "PDF、OFD、Word（doc/docx）、Excel（xls/xlsx）、JPG、PNG、TXT"


class AttachmentError(XxgkError):
    default_message = "附件不符合要求"


@dataclass(frozen=True, slots=True)
class CheckedFile:
    name: str
    content_type: str
    data: bytes


def clean_name(name: str) -> str:
    """The last path component of ``name`` without control characters, at most :data:`MAX_NAME` characters
    (the extension kept)."""
    base = PureWindowsPath(PurePosixPath(name or "").name).name
    text = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip().strip(".")
    if len(text) > MAX_NAME:
        suffix = PurePosixPath(text).suffix[:20]
        text = text[: MAX_NAME - len(suffix)] + suffix
    return text


def check_file(name: str, data: bytes, *, existing: int = 0) -> CheckedFile:
    """Validate one upload; :class:`AttachmentError` with a Chinese message otherwise."""
    clean = clean_name(name)
    if not clean:
        raise AttachmentError("附件须有文件名")
    if existing >= MAX_ATTACHMENTS:
        raise AttachmentError(f"每条信息最多 {MAX_ATTACHMENTS} 个附件")
    if not data:
        raise AttachmentError(f"附件“{clean}”是空文件")
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise AttachmentError(f"附件“{clean}”超过 {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB")
    ext = PurePosixPath(clean).suffix.lower()
    if ext not in ALLOWED:
        raise AttachmentError(f"不支持的附件类型“{ext or '无扩展名'}”，只接受 {ALLOWED_LABEL}")
    content_type, magic = ALLOWED[ext]
    if magic:
        if not data.startswith(magic):
            raise AttachmentError(f"附件“{clean}”的内容与扩展名 {ext} 不符")
    else:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            raise AttachmentError(f"文本附件“{clean}”须为 UTF-8 编码") from None
        if b"\x00" in data:
            raise AttachmentError(f"文本附件“{clean}”包含二进制内容")
    return CheckedFile(name=clean, content_type=content_type, data=data)
