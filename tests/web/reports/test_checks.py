"""Narratives (prefill, facts, the N5xx checks) and the checks page: cross-year against last year's report made in
xxgk or uploaded, overrides as findings, each finding linked to the records behind its cells."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.web.reports.conftest import NARRATIVE, AddCases, CaseSpec, publish_through_chain
from xxgk.core.model import Cell, Report
from xxgk.render import render
from xxgk.rules.narrative import stated_counts
from xxgk.web.cases.models import Case
from xxgk.web.reports.models import AnnualReport, PreviousReportUpload
from xxgk.web.reports.narrative import narrative_facts, narrative_prefill
from xxgk.web.reports.selectors import PreviousKind, report_compute, report_working
from xxgk.web.reports.services import (
    ReportLifecycleError,
    report_narrative_save,
    report_override_set,
    report_previous_upload,
    report_start,
)
from xxgk.web.tenancy.models import Body

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quick_render")]

Login = Callable[[str], Client]


@pytest.fixture
def cases(org: dict[str, Body], add_cases: AddCases) -> list[Case]:
    return add_cases(
        org["baqiao"],
        CaseSpec("natural", date(2024, 3, 1), date(2024, 3, 10), "granted"),
        CaseSpec("natural", date(2024, 12, 20)),  # open at the end of 2024
        CaseSpec("business", date(2025, 2, 1), date(2025, 2, 8), "partial"),
        CaseSpec("natural", date(2025, 12, 29)),
    )


# -- narratives ----------------------------------------------------------------------------------------------


def test_the_prefilled_facts_are_what_the_narrative_rules_read(org: dict[str, Body], cases: list[Case]) -> None:
    report = report_compute(body_id=org["baqiao"].pk, year=2025, with_previous=False).report
    prefill = narrative_prefill(report=report, last_year=None, fee_statement="2025年，本机关未收取信息处理费。")
    stated = stated_counts(Report(template="2021", year=2025, narrative=prefill))
    expected = {
        "received": report.value("s3.received.total"),
        "carried_in": report.value("s3.carried_in.total"),
        "carried_out": report.value("s3.carried_out.total"),
        "review": report.value("s4.review.total"),
        "suit": int(report.value("s4.suit_direct.total") or 0) + int(report.value("s4.suit_after_review.total") or 0),
    }
    assert {q: stated[q].value for q in expected} == expected
    assert expected["received"] == 2 and expected["carried_in"] == 1
    assert prefill["other"] == "2025年，本机关未收取信息处理费。"
    assert prefill["problems"] == ""


def test_a_started_report_has_no_narrative_finding_until_the_text_disagrees(
    users: dict[str, User], org: dict[str, Body], cases: list[Case]
) -> None:
    body, clerk = org["baqiao"], users["bq_clerk"]
    annual = report_start(actor=clerk, body_id=body.pk, year=2025)
    report_narrative_save(actor=clerk, body_id=body.pk, year=2025, sections={"problems": NARRATIVE["problems"]})
    codes = {f.code for f in report_working(body=body, year=2025).findings}
    assert not codes & {"N501", "N502", "N503", "N504", "N505", "N506", "N507", "N509"}
    wrong = annual.narrative["overall"].replace("共收到政府信息公开申请2件", "共收到政府信息公开申请7件")
    report_narrative_save(actor=clerk, body_id=body.pk, year=2025, sections={"overall": wrong})
    [finding] = [f for f in report_working(body=body, year=2025).findings if f.code == "N501"]
    assert "7" in finding.message and "2" in finding.message and finding.cells == ("s3.received.total",)


def test_last_years_text_is_the_start_and_the_fee_sentence_is_this_years(
    users: dict[str, User], org: dict[str, Body], cases: list[Case]
) -> None:
    body = org["baqiao"]
    last = {
        "overall": "本年度共收到政府信息公开申请2件。",
        "problems": "信息更新不及时。",
        "other": "2024年，本机关未收取信息处理费。本机关无其他事项。",
    }
    publish_through_chain(users=users, body=body, year=2024, narrative=last, on=date(2025, 1, 10))
    paid = Case.objects.filter(body=body, received_on=date(2025, 2, 1))
    paid.update(fee_amount=Decimal("120.00"), fee_paid_on=date(2025, 2, 5))
    annual = report_start(actor=users["bq_clerk"], body_id=body.pk, year=2025)
    assert annual.narrative["overall"] == last["overall"]
    assert annual.narrative["problems"] == last["problems"]
    assert annual.narrative["other"] == (
        "本机关无其他事项。\n2025年，本机关依据《政府信息公开信息处理费管理办法》收取信息处理费120.00元。"
    )


def test_no_fee_sentence_before_the_2021_template(org: dict[str, Body]) -> None:
    report = Report(template="2019", year=2020)
    facts = narrative_facts(report, fee_statement="2020年，本机关未收取信息处理费。")
    assert facts.fees == ""
    assert "信息处理费" not in narrative_prefill(report=report, last_year=None, fee_statement="x信息处理费")["other"]


def test_narrative_text_is_escaped_and_too_long_text_is_refused(
    login: Login, users: dict[str, User], org: dict[str, Body], cases: list[Case]
) -> None:
    body = org["baqiao"]
    text = {**NARRATIVE, "other": '<script>alert("x")</script>\n第二行'}
    version = publish_through_chain(users=users, body=body, year=2024, narrative=text)
    html = login("bq_clerk").get(f"/reports/{body.pk}/2024/v{version.number}/").content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<br>第二行" in html
    public = Client().get(f"/reports/public/{body.code}/2024/").content.decode()
    assert "<script>alert" not in public and "&lt;script&gt;" in public
    report_start(actor=users["bq_clerk"], body_id=body.pk, year=2025)
    with pytest.raises(
        ReportLifecycleError, match="文字部分“六、其他需要报告的事项”最多 20000 个字（现有 20001 个字）"
    ):
        report_narrative_save(actor=users["bq_clerk"], body_id=body.pk, year=2025, sections={"other": "字" * 20_001})


def test_the_narrative_page_shows_facts_and_saves(
    login: Login, users: dict[str, User], org: dict[str, Body], cases: list[Case]
) -> None:
    body = org["baqiao"]
    client = login("bq_clerk")
    assert client.get(f"/reports/{body.pk}/2025/narrative/").status_code == 404  # not started
    client.post(f"/reports/{body.pk}/2025/start/")
    html = client.get(f"/reports/{body.pk}/2025/narrative/").content.decode()
    assert "2025年，本机关共收到政府信息公开申请2件" in html and "2025年，本机关未收取信息处理费。" in html
    stated = {**NARRATIVE, "overall": "共收到政府信息公开申请9件。"}
    response = client.post(f"/reports/{body.pk}/2025/narrative/", stated)
    assert response.status_code == 302
    assert AnnualReport.objects.get(body=body).narrative["overall"] == "共收到政府信息公开申请9件。"
    html = client.get(f"/reports/{body.pk}/2025/narrative/").content.decode()
    assert 'data-rule="N501"' in html


# -- cross-year -------------------------------------------------------------------------------------------------


def test_cross_year_against_the_version_published_in_xxgk(
    login: Login, users: dict[str, User], org: dict[str, Body], cases: list[Case], add_cases: AddCases
) -> None:
    body = org["baqiao"]
    publish_through_chain(users=users, body=body, year=2024, on=date(2025, 1, 20))
    working = report_working(body=body, year=2025)
    assert working.previous.kind is PreviousKind.PUBLISHED and not working.errors
    # an application received in 2024, registered after the 2024 report was published, still open
    [late] = add_cases(body, CaseSpec("natural", date(2024, 12, 30), registered_on=date(2025, 3, 1)))
    working = report_working(body=body, year=2025)
    [x602] = [f for f in working.errors if f.code == "X602"]
    assert x602.message == "上年结转下年度·总计 1 ≠ 本年上年结转·总计 2"
    html = login("bq_clerk").get(f"/reports/{body.pk}/2025/checks/").content.decode()
    link = f"/reports/{body.pk}/2025/cells/s3.carried_in.total/"
    assert re.search(rf'data-rule="X602".*?href="{re.escape(link)}"', html, re.S)
    cell = login("bq_clerk").get(link).content.decode()
    assert f'href="/cases/{late.pk}/"' in cell


def test_cross_year_against_an_uploaded_published_file(
    login: Login, users: dict[str, User], org: dict[str, Body], cases: list[Case]
) -> None:
    body = org["baqiao"]
    printed = Report(template="2021", year=2024, body="八桥镇人民政府（旧称）", title="八桥镇2024年年报")
    for spec in printed.specs:
        printed.set(spec.code, Cell.number(0))
    printed.narrative = {"overall": "本年度共收到政府信息公开申请0件。", "problems": "无。", "other": "无。"}
    client = login("bq_clerk")
    response = client.post(
        f"/reports/{body.pk}/2025/previous/",
        {"file": _upload("八桥镇2024年报.html", render(printed, "html"))},
    )
    assert response.status_code == 302
    upload = PreviousReportUpload.objects.get()
    assert upload.parsed and upload.year == 2024 and upload.filename == "八桥镇2024年报.html"
    working = report_working(body=body, year=2025)
    assert working.previous.kind is PreviousKind.UPLOADED
    assert [f.message for f in working.errors if f.code == "X602"] == ["上年结转下年度·总计 0 ≠ 本年上年结转·总计 1"]
    html = client.get(f"/reports/{body.pk}/2025/checks/").content.decode()
    assert "上传的上一年度已公布年报" in html and "八桥镇2024年报.html" in html
    annual = report_start(actor=users["bq_clerk"], body_id=body.pk, year=2025)
    assert annual.narrative["problems"] == "无。"  # last year's text from the uploaded file
    audit = client.get(f"/reports/{body.pk}/2025/").content.decode()
    assert "上传上一年度已公布的年报（跨年度核对）" in audit and "八桥镇2024年报.html" in audit


def test_an_unreadable_upload_is_kept_with_its_reason(
    login: Login, users: dict[str, User], org: dict[str, Body], cases: list[Case]
) -> None:
    body = org["baqiao"]
    row = report_previous_upload(
        actor=users["bq_clerk"], body_id=body.pk, year=2025, filename="notes.txt", data="会议纪要\n无表格".encode()
    )
    assert not row.parsed and row.parse_error.startswith("无法读取为年度报告")
    html = login("bq_clerk").get(f"/reports/{body.pk}/2025/checks/").content.decode()
    assert "未能使用：无法读取为年度报告" in html
    assert report_working(body=body, year=2025).previous.kind is PreviousKind.COMPUTED
    wrong_year = Report(template="2021", year=2023, body=body.name)
    for spec in wrong_year.specs:
        wrong_year.set(spec.code, Cell.number(0))
    row = report_previous_upload(
        actor=users["bq_clerk"], body_id=body.pk, year=2025, filename="2023.html", data=render(wrong_year, "html")
    )
    assert row.parse_error == "上传的是 2023 年度的年报，应为上一年度（2024 年度）的年报"
    with pytest.raises(ReportLifecycleError, match="空的"):
        report_previous_upload(actor=users["bq_clerk"], body_id=body.pk, year=2025, filename="x", data=b"")


def test_overrides_are_findings_with_a_link_to_the_records(
    login: Login, users: dict[str, User], org: dict[str, Body], cases: list[Case]
) -> None:
    body = org["baqiao"]
    report_start(actor=users["bq_clerk"], body_id=body.pk, year=2025)
    client = login("bq_clerk")
    response = client.post(
        f"/reports/{body.pk}/2025/overrides/",
        {"code": "s2.fees.amount", "value": "0.5", "reason": "财政台账另有一笔"},
    )
    assert response.status_code == 302
    html = client.get(f"/reports/{body.pk}/2025/checks/").content.decode()
    assert "手工修改：计算值 0，填报值 0.5，理由：财政台账另有一笔" in html
    assert f'href="/reports/{body.pk}/2025/cells/s2.fees.amount/"' in html
    page = client.get(f"/reports/{body.pk}/2025/overrides/").content.decode()
    assert "财政台账另有一笔" in page and 'data-code="s2.fees.amount"' in page
    response = client.post(f"/reports/{body.pk}/2025/overrides/", {"code": "s3.received.natural", "value": "x"})
    assert response.status_code == 200 and "修改理由" in response.content.decode()
    client.post(f"/reports/{body.pk}/2025/overrides/remove/", {"code": "s2.fees.amount", "reason": ""})
    assert "手工修改：" not in client.get(f"/reports/{body.pk}/2025/checks/").content.decode()


def test_an_override_value_must_suit_the_cell(users: dict[str, User], org: dict[str, Body], cases: list[Case]) -> None:
    body = org["baqiao"]
    report_start(actor=users["bq_clerk"], body_id=body.pk, year=2025)
    with pytest.raises(ReportLifecycleError, match="整数"):
        report_override_set(
            actor=users["bq_clerk"], body_id=body.pk, year=2025, code="s3.received.total", value="2.5", reason="x"
        )


def _upload(name: str, data: bytes) -> object:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/octet-stream")
