"""Helpers of the letters tests: build DOCX files (python-docx or raw ZIPs) and read letters back."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

import docx
from docx.document import Document
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph


def build(make: Callable[[Document], None]) -> bytes:
    """A DOCX made by python-docx: ``make`` fills the document."""
    document = docx.Document()
    make(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def simple(*paragraphs: str) -> bytes:
    def make(document: Document) -> None:
        for text in paragraphs:
            document.add_paragraph(text)

    return build(make)


def _cells(table: Table) -> list[Paragraph]:
    out: list[Paragraph] = []
    seen: set[int] = set()
    for row in table.rows:
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            out += cell.paragraphs
            for inner in cell.tables:
                out += _cells(inner)
    return out


def paragraphs(data: bytes) -> list[str]:
    """The text of every paragraph of the body (tables included, nested too) in order, read by python-docx."""
    document = docx.Document(io.BytesIO(data))
    out: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            out.append(block.text)
        else:
            out += [p.text for p in _cells(block)]
    return out


def header_footer_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    texts: list[str] = []
    for section in document.sections:
        for part in (section.header, section.footer, section.first_page_header, section.first_page_footer):
            texts += [p.text for p in part.paragraphs]
            for table in part.tables:
                texts += [p.text for p in _cells(table)]
    return "\n".join(texts)


def text(data: bytes) -> str:
    """Everything a reader sees: body paragraphs, tables, headers and footers."""
    return "\n".join(paragraphs(data)) + "\n" + header_footer_text(data)


def runs_with(data: bytes, needle: str) -> list[tuple[str, bool | None, bool | None]]:
    """``(text, bold, italic)`` of the runs whose text contains ``needle``."""
    document = docx.Document(io.BytesIO(data))
    out = []
    for p in document.paragraphs:
        for r in p.runs:
            if needle in r.text:
                out.append((r.text, r.bold, r.italic))
    return out


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rezip(parts: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, blob in parts.items():
            archive.writestr(name, blob)
    return buffer.getvalue()


def replace_part(data: bytes, name: str, new: bytes) -> bytes:
    parts = members(data)
    parts[name] = new
    return rezip(parts)


def add_part(data: bytes, name: str, blob: bytes) -> bytes:
    parts = members(data)
    parts[name] = blob
    return rezip(parts)


W = qn("w:p")
