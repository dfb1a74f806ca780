"""ZIP archives of reports: listing the members safely and reading one member in memory.

Nothing is extracted to disk. The archive is judged from its central directory before anything is
decompressed: too many members, too much uncompressed data in total, or a member whose compression ratio is
that of a zip bomb are refused with a clear reason. Reading a member is bounded as well (``zipfile`` stops
decompressing at the declared size and checks the CRC, and the read itself is capped).

Member names are decoded as a person would read them: ZIP files made on Chinese Windows store GBK names
without the UTF-8 flag, which ``zipfile`` decodes as CP437 (mojibake); the raw bytes are recovered and decoded
as UTF-8 or GB18030, and an Info-ZIP Unicode Path extra field (0x7075) is used when present.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePosixPath

from xxgk.core.errors import XxgkError

#: Suffixes of files that may hold an annual report (directories and archives are searched for these).
REPORT_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".html", ".htm", ".docx", ".doc", ".wps", ".pdf", ".json")
#: Suffixes of archives that are expanded.
ARCHIVE_SUFFIXES: tuple[str, ...] = (".zip",)

_UTF8_FLAG = 0x800
_ENCRYPTED_FLAG = 0x1
_UNICODE_PATH_EXTRA = 0x7075
#: Files every desktop leaves in archives and directories: never reports.
_JUNK_NAMES = frozenset({"thumbs.db", "desktop.ini", ".ds_store"})


class ArchiveError(XxgkError):
    """An archive (or one member of it) cannot be read; ``reason`` is one line for the user."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True)
class ZipLimits:
    """Limits that keep a hostile or broken archive from exhausting memory or time."""

    #: Members (files and directories) in the central directory.
    max_members: int = 10_000
    #: Uncompressed size of one member (a report is rarely over a few MB).
    max_member_size: int = 100 * 2**20
    #: Uncompressed size of all report members together.
    max_total_size: int = 2 * 2**30
    #: Uncompressed/compressed ratio above which a member is taken for a zip bomb. Text and HTML compress
    #: 5–20×, Word-export HTML with repeated styles up to ~50×; bombs reach 1,000× and more.
    max_ratio: int = 200
    #: Members smaller than this are not judged by their ratio (a small file of blanks compresses very well).
    ratio_floor: int = 2**20


@dataclass(frozen=True, slots=True)
class Member:
    """One member of an archive: its readable name and its index in the archive's member list."""

    name: str
    index: int
    size: int
    #: Why this member will not be read (a nested archive, an encrypted or bomb-like member), else ``None``.
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Listing:
    """What an archive holds: the report-like members in name order, and how many other files were ignored."""

    members: tuple[Member, ...]
    ignored: int


def is_report_name(name: str) -> bool:
    """Does a file name look like a report the parsers may read (by suffix; hidden and lock files are not)?"""
    base = name.rsplit("/", 1)[-1]
    if not base or base.startswith((".", "~$")) or base.lower() in _JUNK_NAMES:
        return False
    return base.lower().endswith(REPORT_SUFFIXES)


def is_archive_name(name: str) -> bool:
    return name.lower().endswith(ARCHIVE_SUFFIXES)


def decode_member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its author wrote it (see the module docstring)."""
    if info.flag_bits & _UTF8_FLAG:
        return info.filename
    unicode = _unicode_path(info)
    if unicode is not None:
        return unicode
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:  # zipfile was told another metadata encoding
        return info.filename
    if raw.isascii():
        return info.filename
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def _unicode_path(info: zipfile.ZipInfo) -> str | None:
    """The Info-ZIP Unicode Path extra field, when present and matching the stored name (CRC-32)."""
    extra = info.extra
    pos = 0
    while pos + 4 <= len(extra):
        tag, size = struct.unpack_from("<HH", extra, pos)
        body = extra[pos + 4 : pos + 4 + size]
        pos += 4 + size
        if tag != _UNICODE_PATH_EXTRA or len(body) < 5 or body[0] != 1:
            continue
        (crc,) = struct.unpack_from("<I", body, 1)
        try:
            stored = info.filename.encode("cp437")
        except UnicodeEncodeError:
            return None
        if zlib.crc32(stored) != crc:
            return None
        try:
            return body[5:].decode("utf-8")
        except UnicodeDecodeError:
            return None
    return None


def _hidden(name: str) -> bool:
    parts = PurePosixPath(name.replace("\\", "/")).parts
    return any(p.startswith(".") or p == "__MACOSX" for p in parts)


def list_members(path: str, limits: ZipLimits | None = None) -> Listing:
    """The report-like members of the archive at ``path``; :class:`ArchiveError` if the archive is refused."""
    limits = limits or ZipLimits()
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except FileNotFoundError:
        raise ArchiveError("文件不存在 (file not found)") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, NotImplementedError) as exc:
        raise ArchiveError(f"不是有效的 ZIP 压缩包或压缩包已损坏 (bad zip file): {exc}") from None
    except OSError as exc:
        raise ArchiveError(f"无法读取压缩包 (cannot read): {exc.strerror or exc}") from None
    if len(infos) > limits.max_members:
        raise ArchiveError(
            f"压缩包内文件过多（{len(infos)} 个，上限 {limits.max_members} 个），拒绝处理 (too many members)"
        )
    members: list[Member] = []
    ignored = 0
    total = 0
    for index, info in enumerate(infos):
        if info.is_dir():
            continue
        name = decode_member_name(info).replace("\\", "/")
        if _hidden(name):
            continue
        if is_archive_name(name):
            members.append(Member(name, index, info.file_size, "压缩包中的压缩包不展开，请先解压 (nested archive)"))
            continue
        if not is_report_name(name):
            ignored += 1
            continue
        total += info.file_size
        members.append(Member(name, index, info.file_size, member_problem(info, limits)))
    if total > limits.max_total_size:
        raise ArchiveError(
            f"压缩包解压后共 {total / 2**20:,.0f} MB，超过上限 {limits.max_total_size / 2**20:,.0f} MB，"
            "疑似压缩炸弹，拒绝处理 (zip bomb?)"
        )
    members.sort(key=lambda m: (m.name, m.index))
    return Listing(tuple(members), ignored)


def member_problem(info: zipfile.ZipInfo, limits: ZipLimits) -> str | None:
    """Why one member must not be decompressed (judged from the central directory), else ``None``."""
    if info.flag_bits & _ENCRYPTED_FLAG:
        return "文件已加密，需要密码 (encrypted member)"
    if info.file_size > limits.max_member_size:
        return (
            f"文件解压后 {info.file_size / 2**20:,.0f} MB，超过单个文件上限 "
            f"{limits.max_member_size / 2**20:,.0f} MB (member too large)"
        )
    if info.file_size > limits.ratio_floor:
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > limits.max_ratio:
            return f"压缩比异常（{ratio:,.0f} 倍），疑似压缩炸弹，未解压 (zip bomb?)"
    return None


def read_member(path: str, index: int, limits: ZipLimits | None = None) -> bytes:
    """The bytes of member ``index`` of the archive at ``path``, read in memory within the limits."""
    limits = limits or ZipLimits()
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if not 0 <= index < len(infos):
                raise ArchiveError("压缩包已改变，找不到该文件 (member not found)")
            info = infos[index]
            problem = member_problem(info, limits)
            if problem:
                raise ArchiveError(problem)
            with archive.open(info) as handle:
                data = handle.read(limits.max_member_size + 1)
    except ArchiveError:
        raise
    except FileNotFoundError:
        raise ArchiveError("压缩包不存在 (archive not found)") from None
    except RuntimeError as exc:  # zipfile: "File ... is encrypted, password required for extraction"
        raise ArchiveError(f"无法解压：{exc}") from None
    except NotImplementedError as exc:
        raise ArchiveError(f"不支持的压缩方式 (unsupported compression): {exc}") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError) as exc:
        raise ArchiveError(f"文件已损坏，无法解压 (corrupt member): {exc}") from None
    except OSError as exc:
        raise ArchiveError(f"无法读取压缩包 (cannot read): {exc.strerror or exc}") from None
    if len(data) > limits.max_member_size:
        raise ArchiveError("文件解压后超过单个文件上限 (member too large)")
    return data
