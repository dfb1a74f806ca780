"""The names the supervisor's overview reads: the report status of many bodies, and the published versions."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from xxgk.core.model import Cell, Report
from xxgk.web.reports.models import AnnualReport, ReportState, ReportVersion
from xxgk.web.reports.selectors import (
    ReportStatus,
    publication_deadline,
    published_report,
    published_reports_bulk,
    report_status_map,
)
from xxgk.web.tenancy.models import Body

pytestmark = pytest.mark.django_db


def _report(body: Body, value: int) -> Report:
    report = Report(template="2019", year=2020, body=body.name)
    report.set("s3.received.total", Cell.number(value))
    return report


def _publish(annual: AnnualReport, by: User, number: int, on: date, value: int) -> ReportVersion:
    return ReportVersion.objects.create(
        report=annual,
        number=number,
        report_json=_report(annual.body, value).to_json(),
        change_note="" if number == 1 else "更正",
        published_by=by,
        published_at=datetime(on.year, on.month, on.day, 2, tzinfo=UTC),
        published_on=on,
    )


@pytest.fixture
def reports(org: dict[str, Body], users: dict[str, User]) -> dict[str, AnnualReport]:
    clerk = users["bq_clerk"]
    bq = AnnualReport.objects.create(
        body=org["baqiao"], year=2020, template="2019", state=ReportState.DRAFTING, created_by=clerk, draft_number=3
    )
    _publish(bq, users["bq_head"], 1, date(2021, 1, 20), 5)
    _publish(bq, users["bq_head"], 2, date(2021, 3, 1), 6)
    td = AnnualReport.objects.create(
        body=org["tiaodeng"], year=2020, template="2019", state=ReportState.APPROVED, created_by=users["td_clerk"]
    )
    return {"bq": bq, "td": td}


def test_status_map_all_bodies_two_queries(org: dict[str, Body], reports: dict[str, AnnualReport]) -> None:
    ids = [b.pk for b in org.values()]
    with CaptureQueriesContext(connection) as queries:
        statuses = report_status_map(body_ids=ids, year=2020, today=date(2021, 1, 10))
    assert len(queries) <= 2
    bq = statuses[org["baqiao"].pk]
    assert bq.status is ReportStatus.PUBLISHED
    assert (bq.published_on, bq.latest_published_on, bq.version) == (date(2021, 1, 20), date(2021, 3, 1), 2)
    assert bq.correcting and not bq.late
    td = statuses[org["tiaodeng"].pk]
    assert td.status is ReportStatus.UNDER_APPROVAL and td.version is None and not td.late
    district = statuses[org["district"].pk]
    assert district.status is ReportStatus.NOT_STARTED and district.status.label == "未开始"


def test_late_after_31_january(org: dict[str, Body], users: dict[str, User]) -> None:
    assert publication_deadline(2020) == date(2021, 1, 31)
    annual = AnnualReport.objects.create(
        body=org["baqiao"], year=2020, template="2019", state=ReportState.PUBLISHED, created_by=users["bq_clerk"]
    )
    ids = [org["baqiao"].pk, org["tiaodeng"].pk]
    before = report_status_map(body_ids=ids, year=2020, today=date(2021, 1, 31))
    assert not before[org["tiaodeng"].pk].late
    after = report_status_map(body_ids=ids, year=2020, today=date(2021, 2, 1))
    assert after[org["tiaodeng"].pk].late
    _publish(annual, users["bq_head"], 1, date(2021, 2, 1), 1)
    published = report_status_map(body_ids=ids, year=2020, today=date(2021, 1, 1))
    assert published[org["baqiao"].pk].late and not published[org["baqiao"].pk].correcting


def test_published_report_latest_version(org: dict[str, Body], reports: dict[str, AnnualReport]) -> None:
    report = published_report(body_id=org["baqiao"].pk, year=2020)
    assert report is not None and report.value("s3.received.total") == 6
    assert published_report(body_id=org["tiaodeng"].pk, year=2020) is None
    assert published_report(body_id=org["baqiao"].pk, year=2021) is None


def test_published_reports_bulk(org: dict[str, Body], reports: dict[str, AnnualReport]) -> None:
    ids = [b.pk for b in org.values()]
    with CaptureQueriesContext(connection) as queries:
        found = published_reports_bulk(body_ids=ids, years=[2019, 2020])
    assert len(queries) <= 2
    assert set(found) == {(org["baqiao"].pk, 2020)}
    item = found[org["baqiao"].pk, 2020]
    assert (item.version, item.published_on, item.first_published_on) == (2, date(2021, 3, 1), date(2021, 1, 20))
    assert item.report.value("s3.received.total") == 6 and item.change_note == "更正"
    assert published_reports_bulk(body_ids=[], years=[2020]) == {}
