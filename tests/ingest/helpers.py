"""Paths of the fixtures and the comparison of a parsed report with an ``.expected.json``."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from xxgk.core.model import Report

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PUBLISHED = FIXTURES / "published"
SYNTHETIC = FIXTURES / "synthetic"
SEED = PUBLISHED / "cq-dadukou-baqiao-2020.txt"

#: The spec's keys of the report JSON (docs/cell-codes.md); the rest is the project's own.
SPEC_KEYS = ("format", "template", "templates", "year", "body", "units")


def with_expectation(folder: Path) -> list[Path]:
    """Every report in ``folder`` that has an ``.expected.json`` beside it."""
    return sorted(
        p
        for p in folder.iterdir()
        if p.suffix in {".txt", ".html", ".md"} and p.with_name(p.stem + ".expected.json").exists()
    )


def expected_for(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.with_name(path.stem + ".expected.json").read_text(encoding="utf-8"))
    return data


def spec_differences(report: Report, expected: dict[str, Any]) -> list[str]:
    """Differences between a report and an expected spec JSON (numbers compared numerically)."""
    got = report.to_dict()
    out: list[str] = []
    for key in SPEC_KEYS:
        have, want = got.get(key), expected.get(key)
        if key in ("units", "templates"):
            have, want = have or {}, want or {}
        if have != want:
            out.append(f"{key}: got {have!r}, expected {want!r}")
    if set(got["cells"]) != set(expected["cells"]):
        out.append(f"cell codes differ: {sorted(set(got['cells']) ^ set(expected['cells']))[:10]}")
    for code, want in expected["cells"].items():
        have = got["cells"].get(code)
        if not _same_number(have, want):
            out.append(f"{code}: got {have!r}, expected {want!r}")
    return out


def _same_number(a: object, b: object) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return Decimal(str(a)) == Decimal(str(b))
