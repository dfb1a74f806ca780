"""Building small Word packages for the DOCX tests, and the office fixtures' manifest."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

from tests.ingest.helpers import FIXTURES

OFFICE = FIXTURES / "office"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)


def manifest() -> dict[str, dict[str, str]]:
    """``manifest.json`` of the office fixtures: file name -> source, expectation, kind."""
    data: dict[str, Any] = json.loads((OFFICE / "manifest.json").read_text(encoding="utf-8"))
    files: dict[str, dict[str, str]] = data["files"]
    return files


def document_xml(body: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{W_NS}" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
        'xmlns:v="urn:schemas-microsoft-com:vml">'
        f"<w:body>{body}</w:body></w:document>"
    )


def make_package(members: dict[str, bytes | str], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, blob in members.items():
            archive.writestr(name, blob)
    return buffer.getvalue()


def make_docx(body: str, **extra: bytes | str) -> bytes:
    """A minimal DOCX whose body is ``body`` (WordprocessingML with the ``w:`` prefix)."""
    members: dict[str, bytes | str] = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": ROOT_RELS,
        "word/document.xml": document_xml(body),
    }
    members.update(extra)
    return make_package(members)


def para(*runs: str) -> str:
    """A paragraph of one run per text."""
    return "<w:p>" + "".join(f'<w:r><w:t xml:space="preserve">{t}</w:t></w:r>' for t in runs) + "</w:p>"


def have_soffice() -> bool:
    return shutil.which("soffice") is not None or shutil.which("libreoffice") is not None


def read_fixture(name: str) -> tuple[bytes, str]:
    path: Path = OFFICE / name
    return path.read_bytes(), str(path)
