"""Fixtures of the report tests: direct creation of application rows (fast, for counting on many cases) and the
report's life (publishing through the sign-off chain). Tables 2 and 4 are computed by the real registers' and
litigation selectors."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import count
from typing import Any

import pytest
from django.contrib.auth.models import User

from xxgk.core.workflow import Status
from xxgk.web.cases.models import Case
from xxgk.web.tenancy.models import Body


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


# -- the report's life --------------------------------------------------------------------------------------

AddCases = Callable[..., list[Case]]

NARRATIVE = {
    "overall": "本年度，本机关认真贯彻落实《中华人民共和国政府信息公开条例》。",
    "problems": "存在的主要问题：公开内容更新不够及时。改进措施：建立定期更新机制。",
    "other": "无其他需要报告的事项。",
}


@pytest.fixture
def quick_render(monkeypatch: pytest.MonkeyPatch) -> None:
    """Publish renders JSON and HTML only (PDF and DOCX take seconds; the download tests render them)."""
    from xxgk.web.reports import services

    monkeypatch.setattr(services, "PUBLISH_FORMATS", ("json", "html"))


def approve_all(*, users: dict[str, User], body: Body, year: int, at: datetime | None = None) -> None:
    """Every step of the report's sign-off chain approved by a user of the step's role (八桥镇's reviewer and
    head)."""
    from xxgk.web.proactive.signoff_selectors import signoff_state
    from xxgk.web.reports.models import AnnualReport
    from xxgk.web.reports.selectors import OBJECT_TYPE
    from xxgk.web.reports.services import report_decide

    by_role = {"reviewer": users["bq_reviewer"], "head": users["bq_head"]}
    for _ in range(10):
        annual = AnnualReport.objects.get(body=body, year=year)
        state = signoff_state(subject_type=OBJECT_TYPE, subject_id=annual.signoff_subject_id)
        assert state is not None
        step = state.next_step
        if step is None:
            return
        report_decide(actor=by_role[step.role], body_id=body.pk, year=year, step=step.key, decision="approve", at=at)
    raise AssertionError("the chain did not complete")


def publish_through_chain(
    *,
    users: dict[str, User],
    body: Body,
    year: int,
    narrative: dict[str, str] | None = None,
    change_note: str = "",
    on: date | None = None,
) -> Any:
    """Start (or continue) the report, write the narratives, submit, approve every step, publish: the version.
    Published ``on`` a past day, the submission and the approvals are dated the day before."""
    from xxgk.web.reports.services import report_narrative_save, report_publish, report_start, report_submit

    clerk = users["bq_clerk"]
    report_start(actor=clerk, body_id=body.pk, year=year)
    report_narrative_save(actor=clerk, body_id=body.pk, year=year, sections=narrative or NARRATIVE)
    at = None if on is None else datetime.combine(on - timedelta(days=1), time(9), tzinfo=UTC)
    report_submit(actor=clerk, body_id=body.pk, year=year, change_note=change_note, at=at)
    approve_all(users=users, body=body, year=year, at=at)
    return report_publish(actor=users["bq_head"], body_id=body.pk, year=year, on=on)
