"""Deterministic ZIP packages: the same contents always give the same bytes.

``zipfile`` stamps every entry with the current time (and the writer's file attributes), so two XLSX or DOCX
files of the same report would differ. :func:`deterministic_zip` repacks a finished package with a fixed
timestamp and attributes on every entry; :func:`workbook_bytes` saves an openpyxl workbook through it;
:func:`deterministic_zip_stream` does the same file to file. Used by the XLSX and DOCX renderers, the web's XLSX
exports and the batch summary workbook.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from collections.abc import Mapping
from typing import IO, Any

from openpyxl.writer.excel import ExcelWriter

#: The timestamp of every entry: 1980-01-01 00:00, the earliest a ZIP entry can carry.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
#: Every entry as written on Unix (``create_system`` 3) with mode ``rw-r--r--``.
_UNIX = 3
_MODE = 0o644 << 16


def _fixed_info(name: str) -> zipfile.ZipInfo:
    fixed = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    fixed.compress_type = zipfile.ZIP_DEFLATED
    fixed.create_system = _UNIX
    fixed.external_attr = _MODE
    return fixed


def deterministic_zip(data: bytes, *, replace: Mapping[str, bytes] | None = None) -> bytes:
    """Repack the ZIP ``data`` entry by entry, in its order, deflated, with a fixed timestamp and attributes;
    ``replace`` gives new contents for some members (by name)."""
    replace = replace or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(_fixed_info(info.filename), replace.get(info.filename, src.read(info.filename)))
    return out.getvalue()


def deterministic_zip_stream(source: IO[bytes], target: IO[bytes]) -> None:
    """:func:`deterministic_zip` from the ZIP file ``source`` into the (seekable) file ``target``, each member
    copied through a small buffer: for packages whose members are too large to hold in memory (the batch
    summary)."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as dst:
        for info in src.infolist():
            big = info.file_size >= zipfile.ZIP64_LIMIT
            with src.open(info) as reader, dst.open(_fixed_info(info.filename), "w", force_zip64=big) as writer:
                shutil.copyfileobj(reader, writer)


def workbook_bytes(workbook: Any) -> bytes:
    """An openpyxl workbook's XLSX bytes, deterministic (the caller fixes the workbook's own created/modified
    properties). ``workbook`` is ``Any``: openpyxl is untyped."""
    raw = io.BytesIO()
    # ExcelWriter directly: openpyxl's save() would stamp the current time as the modified date.
    ExcelWriter(workbook, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, allowZip64=True)).save()
    return deterministic_zip(raw.getvalue())
