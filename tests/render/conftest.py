"""Fixtures of the renderer tests: every published fixture's expected report, and the synthetic samples."""

from __future__ import annotations

from pathlib import Path

import pytest
from render_samples import EXPECTED_PATHS, VARIANTS, load_expected

from xxgk.core.model import Report


@pytest.fixture(params=list(VARIANTS), ids=list(VARIANTS))
def sample(request: pytest.FixtureRequest) -> Report:
    """Synthetic reports (both templates, mixed templates, unstated unit) with cells in every state."""
    return VARIANTS[request.param]()


@pytest.fixture(params=EXPECTED_PATHS, ids=[p.name.removesuffix(".expected.json") for p in EXPECTED_PATHS])
def published(request: pytest.FixtureRequest) -> Report:
    """Every published fixture's expected report."""
    path: Path = request.param
    return load_expected(path)
