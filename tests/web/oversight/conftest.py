"""Fixtures of the oversight tests: fixture files of published reports, and ``lifecycle`` — the reports app's
report lifecycle as these tests drive it (a body's report drafted, submitted, published).

``lifecycle`` writes the reports app's own rows (``AnnualReport``, ``ReportVersion``) directly — fast, and any
report can be "published" — so the overview reads them through the reports app's real selectors
(``report_status_map``, ``published_reports_bulk``) and their queries count in the query-count test.
:func:`publish_through_services` publishes a report computed from the records the way a body does it: the
reports app's services (start, narratives, submit, every step of the sign-off chain, publish).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.db.models import Max

from xxgk.core.model import Report
from xxgk.core.workflow import Status
from xxgk.ingest import parse_bytes
from xxgk.web.cases.models import Case
from xxgk.web.reports.counting import report_template
from xxgk.web.reports.models import AnnualReport, ReportState, ReportVersion
from xxgk.web.tenancy.models import Body

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "published"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def fixture_report(name: str) -> Report:
    return parse_bytes(fixture_bytes(name), source=name).report


class Lifecycle:
    """What the tests do with a body's report in xxgk (the reports app's rows)."""

    def __init__(self, users: dict[str, User]) -> None:
        self.users = users

    def _annual(self, body: Body, year: int, state: str) -> AnnualReport:
        annual, _ = AnnualReport.objects.get_or_create(
            body=body,
            year=year,
            defaults={"template": report_template(year), "state": state, "created_by": self.users["bq_clerk"]},
        )
        if annual.state != state:
            annual.state = state
            annual.save(update_fields=["state", "updated_at"])
        return annual

    def draft(self, body: Body, year: int) -> None:
        self._annual(body, year, ReportState.DRAFTING)

    def submit(self, body: Body, year: int) -> None:
        self._annual(body, year, ReportState.UNDER_APPROVAL)

    def publish(self, body: Body, year: int, report: Report, *, on: date | None = None) -> Report:
        """Publish ``report`` as ``body``'s report on ``year`` (a new version); returns the report as published."""
        on = on or date(year + 1, 1, 20)
        annual = self._annual(body, year, ReportState.PUBLISHED)
        number = (annual.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        named = report.copy()
        named.body = body.name
        named.year = year
        ReportVersion.objects.create(
            report=annual,
            number=number,
            report_json=named.to_json(),
            change_note="" if number == 1 else "更正",
            published_by=self.users["bq_head"],
            published_at=datetime(on.year, on.month, on.day, 2, tzinfo=UTC),
            published_on=on,
        )
        return named


@pytest.fixture
def lifecycle(users: dict[str, User]) -> Lifecycle:
    return Lifecycle(users)


NARRATIVE = {
    "overall": "本年度，本机关认真贯彻落实《中华人民共和国政府信息公开条例》。",
    "problems": "存在的主要问题：公开内容更新不够及时。改进措施：建立定期更新机制。",
    "other": "无其他需要报告的事项。",
}


def add_replied_cases(body: Body, handler: User, year: int, outcomes: dict[str, int]) -> None:
    """Applications of natural persons received on 1 March and replied on 20 March of ``year``, ``outcomes``: the
    outcome value → how many (rows created directly: the counting reads only these fields)."""
    rows: list[Case] = []
    for outcome, n in outcomes.items():
        for _ in range(n):
            rows.append(
                Case(
                    body=body,
                    number=f"T{year}-{body.pk}-{len(rows) + 1:05d}",
                    handler=handler,
                    status=Status.CLOSED.value,
                    channel="in_person",
                    applicant_type="natural",
                    applicant_name="申请人",
                    content="某信息",
                    registered_on=date(year, 3, 1),
                    received_on=date(year, 3, 1),
                    outcome=outcome,
                    closed_on=date(year, 3, 20),
                )
            )
    Case.objects.bulk_create(rows)


def publish_through_services(
    *, users: dict[str, User], body: Body, year: int, clerk: str = "bq_clerk", head: str = "bq_head"
) -> Report:
    """Publish ``body``'s report on ``year`` through the reports app's services (the users are 八桥镇's by
    default: its clerk drafts, its reviewer and head approve the steps of their roles, its head publishes);
    returns the published report."""
    from xxgk.web.proactive.signoff_selectors import signoff_state
    from xxgk.web.reports.selectors import OBJECT_TYPE, published_report
    from xxgk.web.reports.services import (
        report_decide,
        report_narrative_save,
        report_publish,
        report_start,
        report_submit,
    )

    actor = users[clerk]
    report_start(actor=actor, body_id=body.pk, year=year)
    report_narrative_save(actor=actor, body_id=body.pk, year=year, sections=NARRATIVE)
    report_submit(actor=actor, body_id=body.pk, year=year)
    by_role = {"reviewer": users["bq_reviewer"], "head": users[head]}
    for _ in range(10):
        annual = AnnualReport.objects.get(body=body, year=year)
        state = signoff_state(subject_type=OBJECT_TYPE, subject_id=annual.signoff_subject_id)
        assert state is not None
        step = state.next_step
        if step is None:
            break
        report_decide(actor=by_role[step.role], body_id=body.pk, year=year, step=step.key, decision="approve")
    report_publish(actor=users[head], body_id=body.pk, year=year)
    report = published_report(body_id=body.pk, year=year)
    assert report is not None
    return report
