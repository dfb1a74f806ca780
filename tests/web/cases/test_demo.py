"""``manage.py xxgk_demo``: the demo organisation, every state, and 八桥镇 2020 exactly as its published report."""

from __future__ import annotations

import json
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from xxgk.core.workflow import Status
from xxgk.web.cases.models import Case
from xxgk.web.cases.selectors import case_core
from xxgk.web.tenancy.models import Body

pytestmark = pytest.mark.django_db

SEED = Path(__file__).parents[2] / "fixtures" / "published" / "cq-dadukou-baqiao-2020.expected.json"


@pytest.fixture
def demo() -> str:
    out = StringIO()
    call_command("xxgk_demo", stdout=out)
    return out.getvalue()


def test_demo_prints_how_to_log_in_and_is_idempotent(demo: str) -> None:
    assert "xxgk-demo-2026" in demo and "baqiao_jbr" in demo
    count = Case.objects.count()
    again = StringIO()
    call_command("xxgk_demo", stdout=again)
    assert "已存在" in again.getvalue() and Case.objects.count() == count


def test_demo_has_every_stored_state_and_years_2020_to_2026(demo: str) -> None:
    states = set(Case.objects.values_list("status", flat=True))
    assert states == {s.value for s in Status if s is not Status.NEW}
    years = {d.year for d in Case.objects.values_list("registered_on", flat=True)}
    assert set(range(2020, 2027)) <= years
    assert {"ddk-baqiao", "ddk-tiaodeng", "ddk-ghzy"} <= set(Body.objects.values_list("code", flat=True))


def test_baqiao_2020_matches_its_published_report(demo: str) -> None:
    expected = json.loads(SEED.read_text(encoding="utf-8"))
    cells: dict[str, int] = {
        k: v
        for k, v in expected["cells"].items()
        if k.startswith("s3.") and ".total" not in k and isinstance(v, int) and v
    }
    template = expected["template"]
    cases = Case.objects.filter(body__code="ddk-baqiao", received_on__year=2020)
    counted: Counter[str] = Counter()
    for case in cases:
        counted["s3.received." + case.applicant_type] += 1
        cell = case_core(case=case).report_cell(template)
        assert cell is not None
        counted[cell] += 1
    assert dict(counted) == cells
