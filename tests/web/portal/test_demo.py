"""The portal's demo data: pending submissions in the inboxes, through the services, idempotent."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from xxgk.web.audit.codes import AuditCode
from xxgk.web.audit.models import AuditEvent
from xxgk.web.portal.demo import SUBMISSIONS, seed
from xxgk.web.portal.models import AccessCode, OnlineSubmission, PortalSettings
from xxgk.web.tenancy.models import Body

pytestmark = pytest.mark.django_db


def _bodies(org: dict[str, Body]) -> dict[str, Body]:
    return {b.code: b for b in org.values()}


def test_seed_is_idempotent_and_goes_through_the_services(org: dict[str, Body], users: dict[str, User]) -> None:
    seed(bodies=_bodies(org), users=users)
    seed(bodies=_bodies(org), users=users)
    subs = OnlineSubmission.objects.all()
    assert subs.count() == len(SUBMISSIONS) == 3
    assert {s.body.code for s in subs} == {"ddk-baqiao", "ddk-tiaodeng"}
    assert all(s.status == "submitted" for s in subs)
    assert AccessCode.objects.count() == 3  # every submission got its code (not kept anywhere)
    assert AuditEvent.objects.filter(code=AuditCode.PORTAL_SUBMISSION_RECEIVED).count() == 3
    dates = sorted(s.submitted_on for s in subs)
    assert dates[0] < dates[-1]  # spread over several days


def test_seed_skips_bodies_missing_or_not_accepting(org: dict[str, Body], users: dict[str, User]) -> None:
    PortalSettings.objects.create(body=org["tiaodeng"], accepts_online=False)
    seed(bodies={"ddk-tiaodeng": org["tiaodeng"]}, users=users)  # 八桥镇 missing, 跳磴镇 not accepting
    assert not OnlineSubmission.objects.exists()
    seed(bodies=_bodies(org), users=users)
    assert set(OnlineSubmission.objects.values_list("body__code", flat=True)) == {"ddk-baqiao"}
