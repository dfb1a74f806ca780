"""What the oversight pages need of a published report, without reading the report again: the numbers of tables 3
and 4 (every key figure and chart is made of them), the template versions, and the rules' error and warning
counts. Pure (no database): :func:`digest_of` makes a :class:`Digest` from a report, :func:`sum_cells` adds the
cells of several reports the way the combined report (汇总) does, and :func:`digest_basis` names the code a digest
was computed with.

Why: a published version is frozen, but reading its JSON back costs ~2–3 ms (every cell and its provenance) and
the rules ~1 ms more; a supervisor of 500 bodies whose page reads five years of versions would spend seconds on
that at every view. The digests are stored (:class:`~xxgk.web.oversight.models.PublishedDigest`) when a version
is published or a report uploaded, and read back in one query.

A blank, unreadable or absent cell is ``None``: never 0 — and a sum with a ``None`` in it is ``None``, as in the
combined report, where a cell is summed only when every report has a number there.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import xxgk
import xxgk.core
import xxgk.rules
from xxgk.core.findings import Finding, Severity
from xxgk.core.model import Number, Report
from xxgk.rules import check

#: The tables whose numbers a digest keeps.
TABLES: tuple[str, ...] = ("s3", "s4")
#: Raised when what a digest holds or how it is computed changes: every stored digest is then computed again.
FORMAT = 1


@dataclass(frozen=True, slots=True)
class Digest:
    """One report's digest (see the module docstring)."""

    #: Template version of table 3 (the report's template) and of table 2.
    template: str
    s2_template: str
    #: Every cell of tables 3 and 4: its number, ``None`` when it is not a number.
    cells: Mapping[str, Number | None]
    #: The rules' findings of the report (:func:`xxgk.rules.check`), by severity.
    errors: int
    warnings: int


def count_findings(findings: Iterable[Finding]) -> tuple[int, int]:
    """``(errors, warnings)``."""
    errors = warnings = 0
    for f in findings:
        if f.severity is Severity.ERROR:
            errors += 1
        elif f.severity is Severity.WARNING:
            warnings += 1
    return errors, warnings


def digest_of(report: Report) -> Digest:
    """The digest of ``report`` (runs the rules on it)."""
    cells = {
        code: cell.value if cell.is_number else None
        for code, cell in report.cells.items()
        if code.split(".", 1)[0] in TABLES
    }
    errors, warnings = count_findings(check(report))
    return Digest(
        template=report.template,
        s2_template=report.template_of("s2"),
        cells=cells,
        errors=errors,
        warnings=warnings,
    )


def encode_cells(cells: Mapping[str, Number | None]) -> dict[str, int | str | None]:
    """The cells as JSON values: counts as numbers, a ``Decimal`` as its exact text."""
    return {code: str(value) if isinstance(value, Decimal) else value for code, value in cells.items()}


_PLAIN = {int, type(None)}


def decode_cells(data: Mapping[str, Any]) -> dict[str, Number | None]:
    """The inverse of :func:`encode_cells` (tables 3 and 4 hold counts: usually nothing to convert)."""
    if set(map(type, data.values())) <= _PLAIN:
        return dict(data)
    return {code: Decimal(str(value)) if isinstance(value, (str, float)) else value for code, value in data.items()}


def sum_cells(parts: Iterable[Mapping[str, Number | None]], codes: Iterable[str]) -> dict[str, Number | None]:
    """``code`` → the sum over ``parts`` when every part has a number there, else ``None`` (blank is not zero,
    as :class:`~xxgk.batch.aggregate.Aggregator` sums). No parts: every code is ``None``."""
    wanted = tuple(codes)
    totals: dict[str, Number | None] = dict.fromkeys(wanted, 0)
    seen = False
    for part in parts:
        seen = True
        for code in wanted:
            total = totals[code]
            if total is None:
                continue
            value = part.get(code)
            totals[code] = None if value is None else total + value
    return totals if seen else dict.fromkeys(wanted)


def _rule_sources() -> Iterable[Path]:
    """The files whose content decides what the rules find and which cells a report has."""
    rules = Path(xxgk.rules.__file__).parent
    spec = Path(xxgk.core.__file__).parent / "spec"
    yield from sorted(rules.glob("*.py"))
    yield from sorted(spec.glob("*.json"))


@lru_cache(maxsize=1)
def digest_basis() -> str:
    """A name of the code that computes digests: the digest format, xxgk's version and the text of the rules and
    of the template specification. A stored digest of another basis is stale (the rules may find otherwise)."""
    h = hashlib.sha256(f"digest-format-{FORMAT};xxgk-{xxgk.__version__}".encode())
    for path in _rule_sources():
        try:
            h.update(path.name.encode())
            h.update(path.read_bytes())
        except OSError:  # pragma: no cover - an installation without its source files: version and format only
            continue
    return h.hexdigest()
