"""JSON: the specification's report JSON (``format: xxgk.report/1``), exactly ``Report.to_json``.

Lossless: ``Report.from_json(render(report))`` gives the report back (cell states, notes, provenance,
narrative, extra rows and per-table template versions included).
"""

from __future__ import annotations

from xxgk.core.model import ABSENT, Report
from xxgk.render.base import FunctionRenderer


def render_json(report: Report) -> bytes:
    """The report JSON, UTF-8 (Chinese text unescaped), with a trailing newline.

    A report changed after construction so that it lacks cells of its template writes them as absent, as the
    other renderers show them."""
    missing = [code for code in report.codes if code not in report.cells]
    if missing:
        report = report.copy()
        for code in missing:
            report.cells[code] = ABSENT
    return (report.to_json() + "\n").encode("utf-8")


RENDERER = FunctionRenderer("json", ".json", "application/json", render_json)
