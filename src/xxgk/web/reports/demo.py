"""Demo annual reports: 八桥镇's 2020 report published through the whole chain (computed from the demo records,
so it reproduces the published report's tables), and its report on last year in drafting, so that the supervisor's
overview shows both states. Idempotent: a report that exists is left as it is."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from xxgk.web.proactive.signoff_selectors import signoff_state
from xxgk.web.reports.models import AnnualReport
from xxgk.web.reports.selectors import OBJECT_TYPE
from xxgk.web.reports.services import (
    report_decide,
    report_narrative_save,
    report_publish,
    report_start,
    report_submit,
)
from xxgk.web.tenancy.models import Body

#: 八桥镇 published its 2020 report in January 2021 (before the 31 January deadline).
PUBLISHED_ON = date(2021, 1, 20)
FALLBACK_TEXT = "无。"


def _publish(*, body: Body, year: int, clerk: User, reviewer: User, head: User, on: date) -> None:
    annual = report_start(actor=clerk, body_id=body.pk, year=year)
    empty = {key: FALLBACK_TEXT for key, text in (annual.narrative or {}).items() if not str(text).strip()}
    if empty:
        report_narrative_save(actor=clerk, body_id=body.pk, year=year, sections=empty)
    at = datetime.combine(on - timedelta(days=1), time(9), tzinfo=UTC)
    report_submit(actor=clerk, body_id=body.pk, year=year, at=at)
    by_role = {"reviewer": reviewer, "head": head}
    for _ in range(10):
        annual = AnnualReport.objects.get(body=body, year=year)
        state = signoff_state(subject_type=OBJECT_TYPE, subject_id=annual.signoff_subject_id)
        step = state.next_step if state is not None else None
        if step is None:
            break
        report_decide(actor=by_role[step.role], body_id=body.pk, year=year, step=step.key, decision="approve", at=at)
    report_publish(actor=head, body_id=body.pk, year=year, on=on)


def seed(*, bodies: dict[str, Body], users: dict[str, User], today: date | None = None) -> None:
    body = bodies["ddk-baqiao"]
    clerk, reviewer, head = users["baqiao_jbr"], users["baqiao_shr"], users["baqiao_fzr"]
    if not AnnualReport.objects.filter(body=body, year=2020).exists():
        _publish(body=body, year=2020, clerk=clerk, reviewer=reviewer, head=head, on=PUBLISHED_ON)
    last_year = (today or timezone.localdate()).year - 1
    if not AnnualReport.objects.filter(body=body, year=last_year).exists():
        report_start(actor=clerk, body_id=body.pk, year=last_year)
