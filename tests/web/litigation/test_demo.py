"""Demo review/litigation cases: 八桥镇 2020's table 4 exactly as its published report; idempotent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from xxgk.web.audit.models import AuditEvent
from xxgk.web.cases.management.commands.xxgk_demo import Demo
from xxgk.web.litigation import demo
from xxgk.web.litigation.models import RemedyCase
from xxgk.web.litigation.selectors import table4_cells
from xxgk.web.tenancy.models import Body

pytestmark = pytest.mark.django_db

SEED = Path(__file__).parents[2] / "fixtures" / "published" / "cq-dadukou-baqiao-2020.expected.json"


def expected() -> dict[str, int]:
    cells = json.loads(SEED.read_text(encoding="utf-8"))["cells"]
    return {k: v for k, v in cells.items() if k.startswith("s4.")}


def test_with_the_test_org(org: dict[str, Body], users: dict[str, User]) -> None:
    bodies = {"ddk-baqiao": org["baqiao"], "ddk-tiaodeng": org["tiaodeng"]}
    people = {"baqiao_jbr": users["bq_clerk"], "tiaodeng_jbr": users["td_clerk"]}
    demo.seed(bodies=bodies, users=people)
    assert table4_cells(body_id=org["baqiao"].pk, year=2020) == expected()
    assert sum(expected().values()) > 0
    counts = (RemedyCase.objects.count(), AuditEvent.objects.count())
    demo.seed(bodies=bodies, users=people)
    assert (RemedyCase.objects.count(), AuditEvent.objects.count()) == counts


def test_with_the_demo_command_org_links_the_2020_application() -> None:
    d = Demo()
    d.setup_org()
    d.history()
    demo.seed(bodies=d.bodies, users=d.users)
    baqiao = d.bodies["ddk-baqiao"]
    assert table4_cells(body_id=baqiao.pk, year=2020) == expected()
    lawsuit = RemedyCase.objects.get(body=baqiao)
    assert [c.applicant_name for c in lawsuit.cases.all()] == ["何建国"]
    ghzy = d.bodies["ddk-ghzy"].pk
    assert table4_cells(body_id=ghzy, year=2023)["s4.review.pending"] == 1
    y24 = table4_cells(body_id=ghzy, year=2024)
    assert (y24["s4.review.corrected"], y24["s4.suit_after_review.pending"]) == (1, 1)
