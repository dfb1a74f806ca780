"""Render, parse back with the engine's own parsers, same cells: for every renderer whose output a parser reads
(Markdown, HTML; JSON round-trips in tests/render). XLSX has no reader yet; its machine-readable 单元格 sheet is
compared cell by cell in tests/render/test_render_xlsx.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import expected_for, published_reports
from xxgk.core.model import Cell, Report
from xxgk.ingest import parse_bytes
from xxgk.render import render


def spec_view(report: Report) -> dict[str, object]:
    doc = report.to_dict()
    return {k: doc.get(k) for k in ("template", "templates", "year", "body", "cells", "units")}


@pytest.mark.parametrize("fmt", ["md", "html"])
@pytest.mark.parametrize("path", published_reports(), ids=lambda p: p.name)
def test_render_then_parse_gives_the_same_cells(path: Path, fmt: str) -> None:
    report = Report.from_dict(expected_for(path))
    parsed = parse_bytes(render(report, fmt), source=f"round-trip.{fmt}").report
    assert spec_view(parsed) == spec_view(report)


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_round_trip_keeps_negative_changes_amounts_and_blanks(fmt: str) -> None:
    report = Report.from_dict(expected_for(published_reports()[0]))  # the 2019-template seed
    report.set_value("s2.licensing.change", -18)
    report.set_value("s2.penalties.prev_items", 1204)
    report.set("s3.carried_in.business", Cell.blank())
    parsed = parse_bytes(render(report, fmt), source=f"round-trip.{fmt}").report
    assert parsed.value("s2.licensing.change") == -18
    assert parsed.value("s2.penalties.prev_items") == 1204
    assert parsed.value("s3.carried_in.business") is None
    assert parsed.value("s2.procurement.amount") == report.value("s2.procurement.amount")
