"""The interface every format parser implements, and what it returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from xxgk.core.findings import Finding
from xxgk.core.model import Report


@dataclass
class ParseResult:
    """A parsed report with the parser's own findings (codes ``P0xx``)."""

    report: Report
    findings: list[Finding] = field(default_factory=list)
    source: str = "<bytes>"
    format: str = ""


class Parser(Protocol):
    """A format module (``xxgk.ingest.text``, ``xxgk.ingest.html``, ...)."""

    NAME: str

    def sniff(self, data: bytes, source: str) -> bool:
        """Does ``data`` look like this format? Cheap; never raises."""
        ...

    def parse(self, data: bytes, source: str) -> ParseResult:
        """Parse ``data``; raise :class:`~xxgk.core.errors.IngestError` if it is not a readable report."""
        ...
