"""Demo registers: 八桥镇 2020's table 2 exactly as its published report; idempotent."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from xxgk.web.audit.models import AuditEvent
from xxgk.web.cases.management.commands.xxgk_demo import Demo
from xxgk.web.registers import demo
from xxgk.web.registers.models import NormativeDocument, YearlyFigure
from xxgk.web.registers.selectors import table2_cells
from xxgk.web.tenancy.models import Body

pytestmark = pytest.mark.django_db

SEED = Path(__file__).parents[2] / "fixtures" / "published" / "cq-dadukou-baqiao-2020.expected.json"


def expected_table(table: int) -> dict[str, Decimal]:
    cells = json.loads(SEED.read_text(encoding="utf-8"))["cells"]
    return {k: Decimal(str(v)) for k, v in cells.items() if k.startswith(f"s{table}.")}


def test_baqiao_2020_matches_the_published_report_with_the_test_org(
    org: dict[str, Body], users: dict[str, User]
) -> None:
    bodies = {"ddk": org["district"], "ddk-baqiao": org["baqiao"], "ddk-tiaodeng": org["tiaodeng"]}
    people = {"qu_admin": users["qu_admin"], "baqiao_jbr": users["bq_clerk"], "tiaodeng_jbr": users["td_clerk"]}
    demo.seed(bodies=bodies, users=people)
    cells = table2_cells(body_id=org["baqiao"].pk, year=2020)
    assert {k: Decimal(v) for k, v in cells.items()} == expected_table(2)
    assert cells["s2.procurement.projects"] != 0  # the comparison is not vacuous
    counts = (NormativeDocument.objects.count(), YearlyFigure.objects.count(), AuditEvent.objects.count())
    demo.seed(bodies=bodies, users=people)
    assert (NormativeDocument.objects.count(), YearlyFigure.objects.count(), AuditEvent.objects.count()) == counts


def test_demo_org_of_the_command() -> None:
    d = Demo()
    d.setup_org()
    demo.seed(bodies=d.bodies, users=d.users)
    baqiao = d.bodies["ddk-baqiao"].pk
    assert {k: Decimal(v) for k, v in table2_cells(body_id=baqiao, year=2020).items()} == expected_table(2)
    ghzy = d.bodies["ddk-ghzy"].pk
    y2021 = table2_cells(body_id=ghzy, year=2021)
    assert y2021["s2.normative_docs.issued"] >= 1 and y2021["s2.fees.amount"] > 0
    for year in range(2019, 2026):
        for body in d.bodies.values():
            table2_cells(body_id=body.pk, year=year)  # every year of every body computes
    # the 2019 template's chain: this year's 上一年项目数量 = last year's + 本年增/减
    c19, c20 = table2_cells(body_id=ghzy, year=2019), table2_cells(body_id=ghzy, year=2020)
    assert c20["s2.licensing.prev_items"] == c19["s2.licensing.prev_items"] + c19["s2.licensing.change"]
