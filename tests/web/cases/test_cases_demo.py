"""The cases demo seed: a possible duplicate, a corrected registration, a paid fee, e-mail addresses."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from xxgk.web.cases.demo import DUPLICATE_AGAIN, FEE_CONTENT, seed
from xxgk.web.cases.digest import digest_send
from xxgk.web.cases.management.commands.xxgk_demo import Demo
from xxgk.web.cases.models import Case, CaseEdit, DuplicateFlag
from xxgk.web.cases.selectors import case_registration, fees_collected

pytestmark = pytest.mark.django_db


def test_seed_through_the_services_and_idempotent() -> None:
    demo = Demo()
    demo.setup_org()
    seed(bodies=demo.bodies, users=demo.users, today=date(2026, 3, 16))
    again = Case.objects.get(content=DUPLICATE_AGAIN)
    flag = DuplicateFlag.objects.get(case=again)
    assert flag.earlier.body_id == again.body_id and flag.decision == "pending" and flag.score >= 0.6
    edit = CaseEdit.objects.get(case=again)
    assert edit.new == {"contact": "13700001112"}
    registration = case_registration(case=again)
    assert registration is not None and registration.applicant.contact == "13700001112"
    fee_case = Case.objects.get(content=FEE_CONTENT)
    totals = fees_collected(body_id=fee_case.body_id, year=2025)
    assert totals.amount == Decimal("560.00") and totals.cases_paid == 1
    assert not Case.objects.filter(body__code="ddk-baqiao", received_on__year=2020).exists()
    assert all(u.email for u in demo.users.values())
    counts = (Case.objects.count(), DuplicateFlag.objects.count(), CaseEdit.objects.count())
    seed(bodies=demo.bodies, users=demo.users, today=date(2026, 3, 16))
    assert (Case.objects.count(), DuplicateFlag.objects.count(), CaseEdit.objects.count()) == counts
    # the clerk of 八桥镇 now gets a digest for the open repeated application
    result = digest_send(on=date(2026, 3, 16), days=10, dry_run=True)
    assert [m.username for m in result.sent] == ["baqiao_jbr"] and again.number in result.sent[0].numbers
