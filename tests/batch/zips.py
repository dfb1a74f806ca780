"""Building test ZIP archives, including the kinds ``zipfile`` cannot write: GBK names without the UTF-8 flag
(as made by Chinese Windows), a corrupt member."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path


def make_zip(
    path: Path, members: dict[str, bytes], *, gbk_names: bool = False, unicode_extra: dict[str, str] | None = None
) -> Path:
    """Write ``members``; with ``gbk_names`` names are stored as GBK bytes without the UTF-8 flag; with
    ``unicode_extra`` (stored name -> name in the field) an Info-ZIP Unicode Path field (0x7075) carries a UTF-8
    name as well."""
    buffer = io.BytesIO()
    placeholders: dict[bytes, bytes] = {}
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for i, (name, data) in enumerate(members.items()):
            raw = name.encode("gbk") if gbk_names else name.encode()
            if gbk_names and not raw.isascii():
                # zipfile would store a non-ASCII name as UTF-8 with the flag: write an ASCII placeholder of the
                # same length and patch the bytes in afterwards (names are not covered by the CRC).
                placeholder = f"{i:04d}".encode().ljust(len(raw), b"~")
                assert len(placeholder) == len(raw)
                placeholders[placeholder] = raw
                info = zipfile.ZipInfo(placeholder.decode())
            else:
                info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            if unicode_extra and name in unicode_extra:
                utf8 = unicode_extra[name].encode()
                info.extra = struct.pack("<HHBI", 0x7075, 5 + len(utf8), 1, zlib.crc32(raw)) + utf8
            archive.writestr(info, data)
    blob = buffer.getvalue()
    for placeholder, raw in placeholders.items():
        assert blob.count(placeholder) == 2  # local header and central directory
        blob = blob.replace(placeholder, raw)
    path.write_bytes(blob)
    return path


def corrupt_member(path: Path, name: str) -> None:
    """Flip bytes inside one member's compressed data (its CRC check then fails)."""
    blob = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(name)
    offset = info.header_offset
    name_len, extra_len = struct.unpack_from("<HH", blob, offset + 26)
    start = offset + 30 + name_len + extra_len
    for i in range(start + 10, start + min(info.compress_size, 200) - 10):
        blob[i] ^= 0x5A
    path.write_bytes(bytes(blob))
