"""The demo data: every state, 2020–2026, guides for every body, idempotent, consistent with the core."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.db.models import F
from django.utils import timezone

from xxgk.web.cases.management.commands.xxgk_demo import BODIES, USERS
from xxgk.web.proactive.demo import seed
from xxgk.web.proactive.models import (
    DisclosureGuide,
    ItemStatus,
    ProactiveItem,
    Signoff,
    SignoffDecision,
)
from xxgk.web.proactive.signoff_selectors import signoff_core
from xxgk.web.tenancy.models import Body, MemberRole, Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_org(db: None) -> tuple[dict[str, Body], dict[str, User]]:
    bodies: dict[str, Body] = {}
    for code, name, kind, parent in BODIES:
        bodies[code] = Body.objects.create(code=code, name=name, kind=kind, parent=bodies[parent] if parent else None)
    users: dict[str, User] = {}
    for username, full_name, body, role in USERS:
        users[username] = User.objects.create_user(username=username, password="x", first_name=full_name)
        Membership.objects.create(user=users[username], body=bodies[body], role=MemberRole(role))
    return bodies, users


def test_seed_covers_every_state_and_is_idempotent(demo_org: tuple[dict[str, Body], dict[str, User]]) -> None:
    bodies, users = demo_org
    seed(bodies=bodies, users=users)
    counts = (ProactiveItem.objects.count(), SignoffDecision.objects.count(), DisclosureGuide.objects.count())
    seed(bodies=bodies, users=users)
    assert (ProactiveItem.objects.count(), SignoffDecision.objects.count(), DisclosureGuide.objects.count()) == counts
    statuses = Counter(ProactiveItem.objects.values_list("status", flat=True))
    assert set(statuses) == {s.value for s in ItemStatus}
    years = {
        d.year for d in ProactiveItem.objects.filter(status="published").values_list("published_on", flat=True) if d
    }
    assert set(range(2020, 2027)) <= years
    assert {b.code for b in bodies.values()} == set(DisclosureGuide.objects.values_list("body__code", flat=True))
    today = timezone.localdate()
    overdue = ProactiveItem.objects.filter(status="draft", attribute="public", publish_due__lt=today)
    assert overdue.filter(body__code="ddk-baqiao").exists()
    assert ProactiveItem.objects.filter(status="published", published_on__gt=F("publish_due")).exists()  # late


def test_seed_histories_replay_and_index_numbers_follow_the_pattern(
    demo_org: tuple[dict[str, Body], dict[str, User]],
) -> None:
    bodies, users = demo_org
    seed(bodies=bodies, users=users)
    rounds = []
    for row in Signoff.objects.all():
        state = signoff_core(signoff=row)  # every stored history is one the core accepts
        rounds.append(state.round)
        item = ProactiveItem.objects.get(pk=int(row.subject_id))
        if item.status in ("approved", "published", "withdrawn"):
            assert state.complete
    assert max(rounds) == 2  # the rejected and resubmitted item
    resubmitted = ProactiveItem.objects.get(title="八桥镇2026年农村土地承包经营权流转情况")
    decisions = list(
        SignoffDecision.objects.filter(signoff__subject_id=str(resubmitted.pk)).values_list("round", "decision")
    )
    assert decisions == [(1, "approve"), (1, "reject"), (2, "approve")] and resubmitted.status == "in_review"
    baqiao_2021 = ProactiveItem.objects.filter(body__code="ddk-baqiao", index_year=2021).order_by("index_sequence")
    assert [i.index_number for i in baqiao_2021] == ["11500104MB0000001P/2021-00001", "11500104MB0000001P/2021-00002"]
    assert [i.published_on for i in baqiao_2021] == sorted(i.published_on or date.min for i in baqiao_2021)
    tiaodeng = ProactiveItem.objects.filter(body__code="ddk-tiaodeng").exclude(index_number="").first()
    assert tiaodeng is not None and tiaodeng.index_number.startswith("ddk-tiaodeng-")
