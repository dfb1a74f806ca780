"""The files of a published version (DOCX, PDF, HTML, XLSX, JSON): each is read back with the engine's parsers and
gives the version's cells; the public site lists the report, its current version and the earlier ones."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from urllib.parse import quote

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.web.reports.conftest import NARRATIVE, AddCases, CaseSpec, publish_through_chain
from xxgk.core.model import Report
from xxgk.ingest import parse_bytes
from xxgk.web.reports.models import ReportRendition, ReportVersion
from xxgk.web.reports.services import report_correction_start, report_override_set
from xxgk.web.tenancy.models import Body

pytestmark = pytest.mark.django_db

Login = Callable[[str], Client]
TITLE = "大渡口区八桥镇人民政府2024年政府信息公开工作年度报告"


@pytest.fixture
def version(users: dict[str, User], org: dict[str, Body], add_cases: AddCases) -> ReportVersion:
    add_cases(
        org["baqiao"],
        CaseSpec("natural", date(2024, 3, 1), date(2024, 3, 10), "granted"),
        CaseSpec("legal", date(2024, 5, 1), date(2024, 5, 20), "partial"),
        CaseSpec("natural", date(2024, 12, 20)),
    )
    published: ReportVersion = publish_through_chain(users=users, body=org["baqiao"], year=2024, on=date(2025, 1, 15))
    return published


def _cells_of(fmt: str, data: bytes) -> tuple[dict[str, object], dict[str, str]]:
    """The cells (and narratives) the engine reads back from a downloaded file."""
    if fmt == "json":
        report = Report.from_json(data)
        return dict(report.numbers()), report.narrative
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True)["单元格"]
        rows = list(sheet.iter_rows(values_only=True))
        header = rows[0]
        code, value = header.index("code"), header.index("value")
        return {str(r[code]): r[value] for r in rows[1:] if r[code]}, {}
    parsed = parse_bytes(data, source=f"download.{fmt}").report
    return dict(parsed.numbers()), parsed.narrative


def test_every_format_reads_back_to_the_versions_cells(login: Login, version: ReportVersion) -> None:
    expected = Report.from_json(version.report_json)
    assert expected.value("s3.received.total") == 3 and expected.value("s3.carried_out.total") == 1
    body = version.report.body
    client = login("bq_clerk")
    for fmt, suffix in (("docx", ".docx"), ("pdf", ".pdf"), ("html", ".html"), ("xlsx", ".xlsx"), ("json", ".json")):
        response = client.get(f"/reports/{body.pk}/2024/v1/download/{fmt}/")
        assert response.status_code == 200, fmt
        data = response.content
        assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote(TITLE + suffix)}", fmt
        stored = ReportRendition.objects.get(version=version, fmt=fmt)
        assert response["ETag"] == f'"{stored.sha256}"' == f'"{hashlib.sha256(data).hexdigest()}"'
        cells, narrative = _cells_of(fmt, data)
        assert {c: cells.get(c) for c in expected.codes} == dict(expected.numbers()), fmt
        if fmt != "xlsx":
            assert narrative == NARRATIVE, fmt
    assert client.get(f"/reports/{body.pk}/2024/v1/download/md/").status_code == 404
    assert client.get(f"/reports/{body.pk}/2024/v2/download/pdf/").status_code == 404


def test_a_missing_file_is_rendered_again(login: Login, version: ReportVersion) -> None:
    body = version.report.body
    before = ReportRendition.objects.get(version=version, fmt="html")
    ReportRendition.objects.filter(version=version, fmt="html").delete()
    response = login("bq_clerk").get(f"/reports/{body.pk}/2024/v1/download/html/")
    assert response.status_code == 200 and hashlib.sha256(response.content).hexdigest() == before.sha256
    assert ReportRendition.objects.filter(version=version, fmt="html").count() == 1


def test_the_public_site_lists_the_report_and_every_version(
    users: dict[str, User], org: dict[str, Body], version: ReportVersion, monkeypatch: pytest.MonkeyPatch
) -> None:
    from xxgk.web.reports import services

    monkeypatch.setattr(services, "PUBLISH_FORMATS", ("json",))
    body = org["baqiao"]
    anonymous = Client()
    listing = anonymous.get(f"/open/{body.code}/reports/").content.decode()
    assert f'href="/reports/public/{body.code}/2024/"' in listing and TITLE in listing and "2025-01-15" in listing

    report_correction_start(actor=users["bq_clerk"], body_id=body.pk, year=2024)
    report_override_set(
        actor=users["bq_clerk"], body_id=body.pk, year=2024, code="s2.fees.amount", value="0.12", reason="收费台账"
    )
    publish_through_chain(users=users, body=body, year=2024, change_note="表二行政事业性收费金额更正。")
    page = anonymous.get(f"/reports/public/{body.code}/2024/").content.decode()
    assert "更正说明：</strong>表二行政事业性收费金额更正。" in page and "第 2 版" in page
    assert "首次发布于 2025-01-15" in page
    assert f'href="/reports/public/{body.code}/2024/v1/pdf/"' in page
    assert f'href="/reports/public/{body.code}/2024/v2/docx/"' in page
    old = anonymous.get(f"/reports/public/{body.code}/2024/v1/json/")
    new = anonymous.get(f"/reports/public/{body.code}/2024/v2/json/")
    assert Report.from_json(old.content).value("s2.fees.amount") != Decimal("0.12")
    assert Report.from_json(new.content).value("s2.fees.amount") == Decimal("0.12")
    assert "（第2版）" in new["Content-Disposition"] or quote("（第2版）") in new["Content-Disposition"]
    listing = anonymous.get(f"/open/{body.code}/reports/").content.decode()
    assert listing.count(f'href="/reports/public/{body.code}/2024/"') == 1
    assert anonymous.get(f"/reports/public/{body.code}/2023/").status_code == 404
    assert anonymous.get(f"/reports/public/{body.code}/2024/v3/json/").status_code == 404
    assert anonymous.get(f"/reports/public/{org['tiaodeng'].code}/2024/").status_code == 404
    assert anonymous.get("/reports/public/no-such-body/2024/").status_code == 404


def test_a_correction_in_progress_is_not_public(
    users: dict[str, User], org: dict[str, Body], version: ReportVersion
) -> None:
    body = org["baqiao"]
    report_correction_start(actor=users["bq_clerk"], body_id=body.pk, year=2024)
    page = Client().get(f"/reports/public/{body.code}/2024/").content.decode()
    assert "第 2 版" not in page and "历次版本" not in page
