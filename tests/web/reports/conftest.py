"""Fixtures of the report tests: direct creation of application rows (fast, for counting on many cases) and
stand-ins for the registers' table-2/table-4 selectors while those are still being written elsewhere.

The product code imports ``xxgk.web.registers.selectors.table2_cells`` and
``xxgk.web.litigation.selectors.table4_cells`` normally. Until they exist, the autouse fixture
``external_tables`` installs stand-ins returning zeros (and no records) so that table 3 — this app's own
computation — is tested now; tests about tables 2 and 4 themselves skip when the real selectors are missing.
"""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from itertools import count
from typing import Any

import pytest
from django.contrib.auth.models import User

from xxgk.core.templates import get_template
from xxgk.core.workflow import Status
from xxgk.web.cases.models import Case
from xxgk.web.reports.counting import report_template
from xxgk.web.tenancy.models import Body

EXTERNAL: dict[str, tuple[str, str, str]] = {
    "s2": ("xxgk.web.registers.selectors", "table2_cells", "table2_sources"),
    "s4": ("xxgk.web.litigation.selectors", "table4_cells", "table4_sources"),
}


def external_available(section: str) -> bool:
    """Whether the real selectors of table ``section`` (``"s2"`` or ``"s4"``) can be imported (call it before
    the stand-ins are installed: tests read the ``external_tables`` fixture instead)."""
    module_name, cells, sources = EXTERNAL[section]
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return False
    return hasattr(module, cells) and hasattr(module, sources)


def _zero_cells(section: str) -> Callable[..., dict[str, int]]:
    def cells(*, body_id: int, year: int) -> dict[str, int]:
        template = get_template(report_template(year))
        return {c.code: 0 for c in template.cells if c.section == section}

    return cells


def _no_sources(*, body_id: int, year: int, code: str) -> list[Any]:
    return []


@pytest.fixture(autouse=True)
def external_tables(monkeypatch: pytest.MonkeyPatch) -> dict[str, bool]:
    """Section → whether the real selectors are used (stand-ins returning zeros otherwise)."""
    used: dict[str, bool] = {}
    for section, (module_name, cells, sources) in EXTERNAL.items():
        if external_available(section):
            used[section] = True
            continue
        used[section] = False
        module = sys.modules.get(module_name)
        if module is None:
            module = types.ModuleType(module_name)
            monkeypatch.setitem(sys.modules, module_name, module)
        monkeypatch.setattr(module, cells, _zero_cells(section), raising=False)
        monkeypatch.setattr(module, sources, _no_sources, raising=False)
    return used


@dataclass(frozen=True)
class CaseSpec:
    """An application as the counting sees it (for direct row creation)."""

    applicant_type: str
    received_on: date | None
    closed_on: date | None = None
    outcome: str = ""
    registered_on: date | None = None

    @property
    def status(self) -> str:
        if self.closed_on is None:
            return Status.PROCESSING.value if self.received_on is not None else Status.AWAITING_RECEIPT.value
        return Status.CLOSED.value


_numbers = count(1)


def case_fields(body: Body, handler: User, spec: CaseSpec) -> dict[str, Any]:
    registered = spec.registered_on or spec.received_on or spec.closed_on or date(2020, 1, 1)
    return {
        "body": body,
        "number": f"T-{next(_numbers):07d}",
        "handler": handler,
        "status": spec.status,
        "channel": "in_person",
        "applicant_type": spec.applicant_type,
        "applicant_name": "申请人",
        "content": "某信息",
        "registered_on": registered,
        "received_on": spec.received_on,
        "outcome": spec.outcome,
        "closed_on": spec.closed_on,
    }


@pytest.fixture
def add_cases(users: dict[str, User]) -> Callable[..., list[Case]]:
    """``add_cases(body, *specs)``: create rows directly (bulk), handled by 八桥镇's clerk."""

    def add(body: Body, *specs: CaseSpec) -> list[Case]:
        handler = users["bq_clerk"]
        return Case.objects.bulk_create([Case(**case_fields(body, handler, s)) for s in specs])

    return add
