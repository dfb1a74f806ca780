"""The report's pages: the flow through the browser forms, and every route tried as another body's user (404 as
for a missing body), as the read-only supervisor (writes refused) and anonymously (sign in first)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from tests.web.reports.conftest import NARRATIVE, AddCases, CaseSpec, publish_through_chain
from xxgk.web.audit.models import AuditEvent
from xxgk.web.reports.models import AnnualReport, ReportState, ReportVersion
from xxgk.web.tenancy.models import Body

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quick_render")]

Login = Callable[[str], Client]

#: Pages of the public site (no sign-in), by route name.
PUBLIC_ROUTES = ("reports:public_report", "reports:public_download")


def lifecycle_routes(body_id: int, year: int) -> dict[str, list[tuple[str, str]]]:
    """Every staff route of the report's life → the (method, URL) pairs to try for ``body_id``'s report."""
    base = f"/reports/{body_id}/{year}"
    return {
        "reports:report": [("get", f"{base}/")],
        "reports:start": [("post", f"{base}/start/")],
        "reports:narrative": [("get", f"{base}/narrative/"), ("post", f"{base}/narrative/")],
        "reports:checks": [("get", f"{base}/checks/")],
        "reports:previous_upload": [("post", f"{base}/previous/")],
        "reports:overrides": [("get", f"{base}/overrides/"), ("post", f"{base}/overrides/")],
        "reports:override_remove": [("post", f"{base}/overrides/remove/")],
        "reports:submit": [("post", f"{base}/submit/")],
        "reports:decide": [("post", f"{base}/decide/")],
        "reports:publish": [("post", f"{base}/publish/")],
        "reports:correct": [("post", f"{base}/correct/")],
        "reports:version": [("get", f"{base}/v1/")],
        "reports:download": [("get", f"{base}/v1/download/json/")],
    }


def _requests(body_id: int) -> list[tuple[str, str]]:
    return [pair for pairs in lifecycle_routes(body_id, 2024).values() for pair in pairs]


@pytest.fixture
def published(users: dict[str, User], org: dict[str, Body], add_cases: AddCases) -> ReportVersion:
    add_cases(org["baqiao"], CaseSpec("natural", date(2024, 3, 1), date(2024, 3, 10), "granted"))
    add_cases(org["tiaodeng"], CaseSpec("natural", date(2024, 3, 1)))
    version: ReportVersion = publish_through_chain(users=users, body=org["baqiao"], year=2024, on=date(2025, 1, 20))
    return version


def test_another_bodys_user_gets_404_as_for_a_missing_body(
    login: Login, org: dict[str, Body], published: ReportVersion
) -> None:
    client = login("td_clerk")
    events = AuditEvent.objects.count()
    for mine, absent in zip(_requests(org["baqiao"].pk), _requests(999_999), strict=True):
        got = getattr(client, mine[0])(mine[1])
        assert got.status_code == 404, mine
        assert got.content == getattr(client, absent[0])(absent[1]).content, mine
    assert AuditEvent.objects.count() == events


def test_the_supervisor_reads_but_cannot_write(login: Login, org: dict[str, Body], published: object) -> None:
    client = login("qu_viewer")
    events = AuditEvent.objects.count()
    for method, url in _requests(org["baqiao"].pk):
        response = getattr(client, method)(url)
        assert response.status_code == (200 if method == "get" else 403), url
    assert AuditEvent.objects.count() == events
    assert AnnualReport.objects.get(body=org["baqiao"]).state == ReportState.PUBLISHED
    base = f"/reports/{org['baqiao'].pk}/2024"
    html = client.get(f"{base}/").content.decode()
    assert "只读" in html and 'action="/reports/' not in html and 'data-version="1"' in html


def test_anonymous_users_are_sent_to_login(client: Client, org: dict[str, Body], published: object) -> None:
    for method, url in _requests(org["baqiao"].pk):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url
    code = org["baqiao"].code
    assert client.get(f"/reports/public/{code}/2024/").status_code == 200
    assert client.get(f"/reports/public/{code}/2024/v1/json/").status_code == 200


def test_pages_of_a_report_not_started(login: Login, org: dict[str, Body]) -> None:
    client = login("bq_clerk")
    base = f"/reports/{org['baqiao'].pk}/2024"
    html = client.get(f"{base}/").content.decode()
    assert "开始编制 2024 年度报告" in html and 'id="report-state">未开始' in html
    assert client.get(f"{base}/checks/").status_code == 200
    for tail in ("narrative/", "overrides/", "v1/", "v1/download/pdf/"):
        assert client.get(f"{base}/{tail}").status_code == 404, tail
    assert client.get(f"/reports/{org['baqiao'].pk}/{timezone.localdate().year + 1}/").status_code == 404
    assert client.get(f"/reports/{org['baqiao'].pk}/2018/").status_code == 404
    assert client.post(f"{base}/submit/").status_code == 302  # refused with a message, nothing stored
    assert not AnnualReport.objects.exists()


def test_the_flow_through_the_pages(login: Login, org: dict[str, Body], add_cases: AddCases) -> None:
    add_cases(org["baqiao"], CaseSpec("natural", date(2024, 3, 1), date(2024, 3, 10), "granted"))
    base = f"/reports/{org['baqiao'].pk}/2024"
    clerk = login("bq_clerk")
    response = clerk.post(f"{base}/start/")
    assert response.status_code == 302 and response["Location"] == f"{base}/narrative/"
    clerk.post(f"{base}/narrative/", NARRATIVE)
    response = clerk.post(f"{base}/submit/", follow=True)
    assert "已提交审批" in response.content.decode()
    assert AnnualReport.objects.get().state == ReportState.UNDER_APPROVAL

    steps = [("bq_reviewer", "department"), ("bq_head", "leader"), ("bq_reviewer", "office")]
    for username, step in steps:
        page = login(username).get(f"{base}/").content.decode()
        assert 'id="decide-form"' in page, username
        response = login(username).post(f"{base}/decide/", {"step": step, "decision": "approve"})
        assert response.status_code == 302, response.content.decode()
    assert AnnualReport.objects.get().state == ReportState.APPROVED
    assert 'id="publish-report"' not in login("bq_clerk").get(f"{base}/").content.decode()
    head = login("bq_head")
    response = head.post(f"{base}/publish/", {"on": timezone.localdate().isoformat()}, follow=True)
    html = response.content.decode()
    assert "已发布第 1 版" in html and 'data-version="1"' in html and 'data-format="pdf"' in html
    response = head.post(f"{base}/correct/", follow=True)
    assert "已开始编制更正版（第 2 版）" in response.content.decode()
    response = head.post(f"{base}/submit/", {"change_note": ""}, follow=True)
    assert "更正说明" in response.content.decode()
    assert AnnualReport.objects.get().state == ReportState.DRAFTING


def test_a_rejection_needs_an_opinion_and_shows_it(login: Login, users: dict[str, User], org: dict[str, Body]) -> None:
    base = f"/reports/{org['baqiao'].pk}/2024"
    clerk = login("bq_clerk")
    clerk.post(f"{base}/start/")
    clerk.post(f"{base}/narrative/", NARRATIVE)
    clerk.post(f"{base}/submit/")
    reviewer = login("bq_reviewer")
    response = reviewer.post(f"{base}/decide/", {"step": "department", "decision": "reject", "opinion": ""})
    assert response.status_code == 200 and AnnualReport.objects.get().state == ReportState.UNDER_APPROVAL
    reviewer.post(f"{base}/decide/", {"step": "department", "decision": "reject", "opinion": "第一部分请补充平台建设"})
    assert AnnualReport.objects.get().state == ReportState.DRAFTING
    html = login("bq_clerk").get(f"{base}/").content.decode()
    assert "已退回修改" in html and "第一部分请补充平台建设" in html and 'id="submit-report"' in html
