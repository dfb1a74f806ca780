"""End to end: from the demo records alone, the computed 2020 report of 八桥镇 reproduces its published report."""

from __future__ import annotations

import json
import re
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from xxgk.core.model import Report
from xxgk.web.cases.models import Case
from xxgk.web.reports.selectors import report_compute
from xxgk.web.tenancy.models import Body

pytestmark = pytest.mark.django_db

PUBLISHED = Path(__file__).parents[2] / "fixtures" / "published" / "cq-dadukou-baqiao-2020.expected.json"


@pytest.fixture
def published() -> Report:
    data: dict[str, Any] = json.loads(PUBLISHED.read_text(encoding="utf-8"))
    return Report.from_dict(data)


@pytest.fixture
def demo() -> None:
    call_command("xxgk_demo", stdout=StringIO())


def _baqiao_2020() -> Report:
    return report_compute(body_id=Body.objects.get(code="ddk-baqiao").pk, year=2020).report


def _differences(computed: Report, published: Report, section: str) -> dict[str, tuple[object, object]]:
    return {
        code: (computed.value(code), published.value(code))
        for code in published.codes
        if code.startswith(section) and computed.value(code) != published.value(code)
    }


def test_demo_table3_matches_published(demo: None, published: Report) -> None:
    computed = _baqiao_2020()
    assert (computed.template, computed.year) == (published.template, published.year)
    s3 = [c for c in published.codes if c.startswith("s3.")]
    assert len(s3) == 161 and all(published.cell(c).is_number for c in s3)
    assert _differences(computed, published, "s3.") == {}


def test_demo_tables_2_and_4_match_published(demo: None, published: Report) -> None:
    computed = _baqiao_2020()
    assert _differences(computed, published, "s2.") == {}
    assert _differences(computed, published, "s4.") == {}


def test_every_demo_report_is_consistent(demo: None) -> None:
    years = sorted({d.year for d in Case.objects.values_list("registered_on", flat=True)})
    assert years
    for body in Body.objects.all():
        for year in years:
            computed = report_compute(body_id=body.pk, year=year)
            table3 = [f for f in computed.findings if f.code.startswith(("S3", "X601", "X602", "X603"))]
            assert not table3, (body.code, year, [f.message for f in table3])
            assert not [f for f in computed.errors if f.code.startswith("S3")]


def test_the_demo_page_of_baqiao_2020_shows_the_published_figures(demo: None, client: Client) -> None:
    client.force_login(User.objects.get(username="baqiao_jbr"))
    body = Body.objects.get(code="ddk-baqiao")
    html = client.get(f"/reports/{body.pk}/2020/computed/").content.decode()
    assert "未发现问题" in html
    numbers = dict(re.findall(r'data-code="([^"]+)" data-state="number"[^>]*><a href="[^"]+">([^<]+)</a>', html))
    assert numbers["s3.unable.not_held.natural"] == "1" and numbers["s3.received.total"] == "1"
    assert numbers["s2.procurement.amount"] == "589.08"  # not 589.080000
    assert numbers["s4.suit_direct.upheld"] == "1"
