"""Reading published annual reports (plain text, Markdown, HTML) into the report model.

Every format module (``xxgk.ingest.text``, ``xxgk.ingest.html``) has the same interface — ``NAME``,
``sniff(data, source)``, ``parse(data, source)`` — and produces the same intermediate
:class:`~xxgk.ingest.layout.Layout` (text lines and table rows with provenance), which one shared assembler
(:mod:`xxgk.ingest.assemble`) turns into a :class:`~xxgk.core.model.Report`. A later DOCX/PDF/XLSX reader
only has to produce a ``Layout``.

Inputs that are not reports raise :class:`~xxgk.core.errors.IngestError` with a reason and the file name.
"""

from __future__ import annotations

import os
from pathlib import Path

from xxgk.core.errors import IngestError
from xxgk.ingest import docx, html, pdf, text
from xxgk.ingest.base import Parser, ParseResult
from xxgk.ingest.encoding import binary_reason, empty_reason
from xxgk.ingest.explain import explain

#: Format parsers by name, in sniffing order (the most specific first).
PARSERS: dict[str, Parser] = {pdf.NAME: pdf, docx.NAME: docx, html.NAME: html, text.NAME: text}
#: Parsers of binary formats: tried before the "is this text at all?" check.
BINARY_PARSERS: tuple[Parser, ...] = (pdf, docx)


def parse_bytes(data: bytes, *, source: str = "<bytes>", format: str | None = None) -> ParseResult:
    """Parse a report; ``format`` (``"pdf"``, ``"docx"``, ``"html"``, ``"text"``) or else sniffed from the bytes
    and the name."""
    if format is not None:
        parser = PARSERS.get(format)
        if parser is None:
            known = "、".join(PARSERS)
            raise IngestError(f"不支持的格式“{format}”（支持：{known}）", source=source)
        return parser.parse(data, source)
    reason = empty_reason(data)
    if reason is not None:
        raise IngestError(reason, source=source)
    for parser in BINARY_PARSERS:
        if parser.sniff(data, source):
            return parser.parse(data, source)
    reason = binary_reason(data)
    if reason is not None:
        raise IngestError(reason, source=source)
    for parser in PARSERS.values():
        if parser not in BINARY_PARSERS and parser.sniff(data, source):
            return parser.parse(data, source)
    raise IngestError("无法识别的文件格式（不是文本或网页）", source=source)


def parse_path(path: str | os.PathLike[str]) -> ParseResult:
    """Read and parse a file; a missing or unreadable file is an :class:`IngestError`."""
    name = os.fspath(path)
    try:
        data = Path(name).read_bytes()
    except FileNotFoundError:
        raise IngestError("文件不存在", source=name) from None
    except IsADirectoryError:
        raise IngestError("这是一个目录，不是文件", source=name) from None
    except PermissionError:
        raise IngestError("没有读取此文件的权限", source=name) from None
    except OSError as exc:
        raise IngestError(f"无法读取文件：{exc.strerror or exc}", source=name) from None
    return parse_bytes(data, source=name)


__all__ = ["PARSERS", "IngestError", "ParseResult", "Parser", "explain", "parse_bytes", "parse_path"]
