"""What a batch is made of: command-line arguments expanded into work items, in a deterministic order.

An argument is a file, a directory (searched recursively for report-like files and ZIP archives), a ZIP
archive (its report-like members, read in memory) or an ``http(s)://`` URL. The items keep the order of the
arguments; inside a directory or an archive they are sorted by path. Problems found while expanding (an
unreadable archive, a zip-bomb member, a directory without reports) become items that carry their reason, so
that they are listed with the results and never stop the batch.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from xxgk.batch.archive import ArchiveError, ZipLimits, is_archive_name, is_report_name, list_members

_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*)://")


class Kind(StrEnum):
    FILE = "file"
    MEMBER = "member"  # a member of a ZIP archive
    URL = "url"
    ERROR = "error"  # known to be unreadable before any work


@dataclass(frozen=True, slots=True)
class Item:
    """One unit of work: what to read and the name shown for it."""

    name: str
    kind: Kind
    #: The file path, the archive path (``MEMBER``) or the URL.
    location: str = ""
    #: Index of the member in the archive's member list (``MEMBER``).
    member: int = -1
    error: str | None = None


@dataclass
class Expansion:
    items: list[Item] = field(default_factory=list)
    #: Files skipped inside directories and archives because they are not report-like (images, spreadsheets, ...).
    ignored: int = 0


def member_name(archive: str, member: str) -> str:
    """How a member of an archive is named in output: ``reports.zip!/平潭/a.html``."""
    return f"{archive}!/{member}"


def url_scheme(arg: str) -> str | None:
    m = _SCHEME_RE.match(arg)
    return m.group(1).lower() if m else None


def expand(args: Sequence[str], *, limits: ZipLimits | None = None) -> Expansion:
    """Expand command-line arguments into items (see the module docstring)."""
    limits = limits or ZipLimits()
    out = Expansion()
    for arg in args:
        scheme = url_scheme(arg)
        if not arg.strip():
            out.items.append(Item(arg, Kind.ERROR, arg, error="空的文件名 (empty file name)"))
        elif scheme is not None:
            if scheme in ("http", "https"):
                out.items.append(Item(arg, Kind.URL, arg))
            else:
                why = f"只支持 http:// 和 https:// 网址（{scheme}:// 不支持）"
                out.items.append(Item(arg, Kind.ERROR, arg, error=why))
        elif Path(arg).is_dir():
            _expand_dir(arg, out, limits)
        elif is_archive_name(arg) and Path(arg).is_file():
            _expand_archive(arg, out, limits)
        else:
            out.items.append(Item(arg, Kind.FILE, arg))  # a missing file is reported when it is read
    return out


def _expand_dir(top: str, out: Expansion, limits: ZipLimits) -> None:
    """Report-like files and archives under ``top``, sorted by path (component by component)."""
    found: list[tuple[tuple[str, ...], str]] = []
    errors: list[OSError] = []
    for dirpath, dirnames, filenames in os.walk(top, onerror=errors.append):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        rel = Path(dirpath).relative_to(top).parts
        for name in filenames:
            if name.startswith("."):
                continue
            if is_archive_name(name) or is_report_name(name):
                found.append(((*rel, name), os.path.join(dirpath, name)))  # noqa: PTH118 - the path as typed
            else:
                out.ignored += 1
    for _, path in sorted(found):
        if is_archive_name(path):
            _expand_archive(path, out, limits)
        else:
            out.items.append(Item(path, Kind.FILE, path))
    for exc in errors:
        where = str(exc.filename or top)
        out.items.append(Item(where, Kind.ERROR, where, error=f"无法读取目录: {exc.strerror or exc}"))
    if not found and not errors:
        out.items.append(
            Item(top, Kind.ERROR, top, error="目录中没有报告文件（.txt .md .html .docx .doc .wps .pdf .json .zip）")
        )


def _expand_archive(path: str, out: Expansion, limits: ZipLimits) -> None:
    try:
        listing = list_members(path, limits)
    except ArchiveError as exc:
        out.items.append(Item(path, Kind.ERROR, path, error=exc.reason))
        return
    out.ignored += listing.ignored
    if not listing.members:
        out.items.append(Item(path, Kind.ERROR, path, error="压缩包中没有报告文件 (no report files in the archive)"))
        return
    for m in listing.members:
        name = member_name(path, m.name)
        if m.error is not None:
            out.items.append(Item(name, Kind.ERROR, path, m.index, error=m.error))
        else:
            out.items.append(Item(name, Kind.MEMBER, path, m.index))
