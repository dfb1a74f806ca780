"""上年结转 is computed; a difference from last year's published report is a finding, not a silent copy."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.web.reports.conftest import CaseSpec
from xxgk.ingest import parse_path
from xxgk.web.cases.models import Case
from xxgk.web.reports.selectors import report_compare_previous, report_compute
from xxgk.web.tenancy.models import Body

pytestmark = pytest.mark.django_db

Login = Callable[[str], Client]
AddCases = Callable[..., list[Case]]
PUBLISHED_2020 = Path(__file__).parents[2] / "fixtures" / "published" / "cq-dadukou-baqiao-2020.txt"


def _upload(path: Path = PUBLISHED_2020, data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(path.name, path.read_bytes() if data is None else data, content_type="text/plain")


def _url(body: Body, year: int) -> str:
    return f"/reports/{body.pk}/{year}/compare-previous/"


def test_a_computed_carry_in_that_differs_from_the_published_carry_out_is_a_finding(
    org: dict[str, Body], add_cases: AddCases
) -> None:
    published = parse_path(PUBLISHED_2020).report
    assert published.year == 2020 and published.value("s3.carried_out.total") == 0
    computed = report_compute(body_id=org["baqiao"].pk, year=2021)
    assert report_compare_previous(computed=computed, published=published) == [] or all(
        f.code == "X606" for f in report_compare_previous(computed=computed, published=published)
    )
    add_cases(org["baqiao"], CaseSpec("natural", date(2020, 12, 28)))  # received late 2020, never reported
    computed = report_compute(body_id=org["baqiao"].pk, year=2021)
    codes = {f.code for f in report_compare_previous(computed=computed, published=published)}
    assert "X602" in codes and "X603" in codes
    assert computed.report.value("s3.carried_in.natural") == 1  # the computed figure is kept


def test_the_page_reads_the_uploaded_report_and_compares_column_by_column(
    login: Login, org: dict[str, Body], add_cases: AddCases
) -> None:
    add_cases(org["baqiao"], CaseSpec("natural", date(2020, 12, 28)))
    client = login("bq_clerk")
    assert "上一年度已公布的年报文件" in client.get(_url(org["baqiao"], 2021)).content.decode()
    html = client.post(_url(org["baqiao"], 2021), {"file": _upload()}).content.decode()
    assert "重庆市大渡口区八桥镇" in html
    assert html.count("不一致") == 2  # 自然人 and 总计
    assert 'data-rule="X602"' in html


def test_a_matching_report_is_said_to_match(login: Login, org: dict[str, Body]) -> None:
    html = login("bq_clerk").post(_url(org["baqiao"], 2021), {"file": _upload()}).content.decode()
    assert "不一致" not in html and html.count("一致") >= 7


def test_wrong_year_and_junk_files_are_refused_with_a_reason(login: Login, org: dict[str, Body]) -> None:
    client = login("bq_clerk")
    html = client.post(_url(org["baqiao"], 2020), {"file": _upload()}).content.decode()
    assert "上传的是 2020 年度的年报，应为上一年度（2019 年度）的年报" in html
    html = client.post(_url(org["baqiao"], 2021), {"file": _upload(data=b"\x00\x01binary junk")}).content.decode()
    assert "无法读取为年度报告" in html
    html = client.post(_url(org["baqiao"], 2021), {}).content.decode()
    assert "这个字段是必填项" in html or "必填" in html


def test_compare_permissions(client: Client, login: Login, org: dict[str, Body]) -> None:
    response = client.get(_url(org["baqiao"], 2021))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert login("td_clerk").post(_url(org["baqiao"], 2021), {"file": _upload()}).status_code == 404
    assert login("td_clerk").get(_url(Body(pk=999_999), 2021)).status_code == 404
    # the supervisor may compare: nothing is written
    assert login("qu_viewer").post(_url(org["baqiao"], 2021), {"file": _upload()}).status_code == 200
