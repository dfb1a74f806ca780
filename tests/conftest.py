"""Shared test helpers: paths of the real published fixtures and their expectations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
PUBLISHED = FIXTURES / "published"


def published_reports() -> list[Path]:
    """Every published fixture report (text and HTML) that has an ``.expected.json``."""
    return sorted(p for p in PUBLISHED.iterdir() if p.suffix in {".txt", ".html"})


def expected_for(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.with_name(path.stem + ".expected.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture
def seed_path() -> Path:
    return PUBLISHED / "cq-dadukou-baqiao-2020.txt"
