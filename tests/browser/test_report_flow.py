"""Browser (Chromium): the handler makes 八桥镇's 2025 annual report. Last year's report, published by the town on
its website before it used xxgk, carried no application over; but in xxgk an application received on 20 December
2024 is still open (the applicant's withdrawal on 27 December was never recorded), so 2025's 上年结转 is 1. The
handler uploads last year's published report, starts the report (the narrative starts from last year's text),
sees the cross-year error X602, follows the drill-down to the application, records the withdrawal, re-checks (the
error is gone), submits; the reviewer and the head approve every step of the chain, the head
publishes; the handler downloads the DOCX and the PDF (read back by the engine: the same cells as the version),
and the public site lists the report."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User

from tests.web.conftest import registration
from xxgk.core.model import Cell, Report
from xxgk.core.outcomes import Outcome
from xxgk.core.workflow import Reply
from xxgk.ingest import parse_bytes
from xxgk.render import render
from xxgk.web.cases.services import case_register, case_reply_on_the_spot
from xxgk.web.reports.models import AnnualReport, ReportState, ReportVersion
from xxgk.web.tenancy.models import Body

YEAR = 2025

#: A directory to save screenshots in (for a person to look at); none by default.
SHOTS = os.environ.get("XXGK_SCREENSHOTS", "")


def _shot(page: Any, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/report-{name}.png", full_page=True)


def _setup(users: dict[str, User], baqiao: Body) -> int:
    """This year's application answered on the spot, and one received on 20 December 2024 whose withdrawal was
    never recorded (its id)."""
    clerk = users["bq_clerk"]
    spot = case_register(
        actor=clerk,
        body_id=baqiao.pk,
        registration=registration(name="李四", submitted_on=date(YEAR, 3, 3)),
        on=date(YEAR, 3, 3),
    )
    case_reply_on_the_spot(
        actor=clerk, case_id=spot.pk, data=Reply(outcome=Outcome.GRANTED_PUBLISHED), on=date(YEAR, 3, 3)
    )
    late = case_register(
        actor=clerk,
        body_id=baqiao.pk,
        registration=registration(name="王五", content="某小区改造批复", submitted_on=date(YEAR - 1, 12, 20)),
        on=date(YEAR - 1, 12, 20),
    )
    return late.pk


def _last_years_file(tmp_path: Path, baqiao: Body) -> Path:
    """The 2024 report as the town published it on its website (made before it used xxgk), in Word."""
    report = Report(
        template="2021", year=YEAR - 1, body=baqiao.name, title=f"{baqiao.name}{YEAR - 1}年政府信息公开工作年度报告"
    )
    for spec in report.specs:
        report.set(spec.code, Cell.number(0))
    report.narrative = {
        "overall": f"{YEAR - 1}年，本机关共收到政府信息公开申请0件。",
        "problems": "政务公开专栏更新不够及时。",
        "other": f"{YEAR - 1}年，本机关未收取信息处理费。",
    }
    path = tmp_path / f"八桥镇{YEAR - 1}年政府信息公开工作年度报告.docx"
    path.write_bytes(render(report, "docx"))
    return path


def _click(page: Any, selector: str) -> None:
    page.click(selector)
    page.wait_for_load_state()


def _decide(page: Any, base: str) -> None:
    page.goto(f"{base}/")
    form = page.locator("#decide-form")
    form.locator("input[name=decision][value=approve]").check()
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "已记录审批意见" in page.inner_text("main"), page.inner_text("main")


def _download(page: Any, selector: str, tmp_path: Path) -> bytes:
    with page.expect_download() as info:
        page.click(selector)
    download: Any = info.value
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    data: bytes = target.read_bytes()
    return data


@pytest.mark.django_db(transaction=True)
def test_a_handler_makes_checks_fixes_and_publishes_the_annual_report(
    page: Any, new_page: Any, sign_in: Any, users: dict[str, User], org: dict[str, Body], *, tmp_path: Path
) -> None:
    baqiao = org["baqiao"]
    late_id = _setup(users, baqiao)
    base = f"{page.base}/reports/{baqiao.pk}/{YEAR}"

    # the handler opens the year's report: no error against last year's report computed from the records
    sign_in(page, "bq_clerk")
    page.goto(f"{page.base}/reports/")
    _click(page, f"a[href='/reports/{baqiao.pk}/{YEAR}/']")
    assert "未开始" in page.inner_text("#report-state")
    _click(page, "nav.subnav a[href$='/checks/']")
    assert "按登记数据计算的上一年度报告" in page.inner_text("#previous-source")
    assert page.locator("li.finding.error").count() == 0

    # … so the handler uploads the 2024 report the town actually published
    page.set_input_files("form[action$='/previous/'] input[type=file]", str(_last_years_file(tmp_path, baqiao)))
    _click(page, "form[action$='/previous/'] button[type=submit]")
    assert "上传的上一年度已公布年报" in page.inner_text("#previous-source")

    # and generates the year's report: the narrative starts from last year's text
    page.goto(f"{base}/")
    _click(page, f"form[action='/reports/{baqiao.pk}/{YEAR}/start/'] button")
    assert page.url.endswith(f"/reports/{baqiao.pk}/{YEAR}/narrative/")
    assert page.input_value("textarea[name=problems]") == "政务公开专栏更新不够及时。"
    assert page.input_value("textarea[name=other]") == f"{YEAR}年，本机关未收取信息处理费。"
    _shot(page, "narrative")
    page.fill("textarea[name=overall]", f"{YEAR}年，本机关共收到政府信息公开申请1件，均已按期答复。")
    page.fill("textarea[name=problems]", "政务公开专栏更新不够及时，已建立每周检查制度。")
    _click(page, "form.narrative-form button[type=submit]")

    # the checks: X602 against last year's published report
    assert page.url.endswith(f"/reports/{baqiao.pk}/{YEAR}/checks/")
    finding = page.locator("li.finding[data-rule='X602']")
    assert "上年结转下年度·总计 0 ≠ 本年上年结转·总计 1" in finding.inner_text()
    _shot(page, "checks-with-error")

    # the drill-down: the records behind 上年结转, then the application
    _click(page, "li.finding[data-rule='X602'] a.drill")
    assert "/cells/s3.carried_in.total/" in page.url
    assert "共 1 件" in page.inner_text("main")
    _click(page, f"tr[data-case='{late_id}'] a")
    assert page.url.endswith(f"/cases/{late_id}/")
    assert "王五" in page.inner_text("main")

    # the applicant had withdrawn it on 27 December 2024: record it
    _click(page, f"a[href='/cases/{late_id}/act/withdraw/']")
    page.fill("main [name=on]", f"{YEAR - 1}-12-27")
    page.fill("main [name=reason]", "申请人于2024年12月27日书面撤回申请，登记时遗漏")
    _click(page, "main form.stacked button[type=submit]")
    assert page.url.endswith(f"/cases/{late_id}/"), page.inner_text("main")

    # re-check: the error is gone
    page.goto(f"{base}/checks/")
    assert page.locator("li.finding[data-rule='X602']").count() == 0
    assert page.locator("li.finding.error").count() == 0

    # submit for approval
    page.goto(f"{base}/")
    assert "没有错误" in page.inner_text("#check-summary")
    _click(page, "#submit-report")
    assert "审批中" in page.inner_text("#report-state")

    # the chain: 承办科室审核 (reviewer), 分管领导审定 (head), 办公室复核 (reviewer)
    reviewer, head = new_page(), new_page()
    sign_in(reviewer, "bq_reviewer")
    sign_in(head, "bq_head")
    _decide(reviewer, base.replace(page.base, reviewer.base))
    _decide(head, base.replace(page.base, head.base))
    _decide(reviewer, base.replace(page.base, reviewer.base))
    head.reload()
    assert "审批通过，待发布" in head.inner_text("#report-state")
    _click(head, "#publish-report")
    assert "已发布第 1 版" in head.inner_text("main")
    _shot(head, "published")
    assert AnnualReport.objects.get(body=baqiao, year=YEAR).state == ReportState.PUBLISHED

    # the handler sees it published and downloads the DOCX and the PDF
    page.goto(f"{base}/")
    assert "已发布" in page.inner_text("#report-state")
    version = ReportVersion.objects.get(report__body=baqiao, report__year=YEAR)
    expected = Report.from_json(version.report_json)
    assert expected.value("s3.carried_in.total") == 0 and expected.value("s3.received.total") == 1
    for fmt in ("docx", "pdf"):
        data = _download(page, f"tr[data-version='1'] a.download[data-format='{fmt}']", tmp_path)
        assert data.startswith(b"PK" if fmt == "docx" else b"%PDF")
        parsed = parse_bytes(data, source=f"report.{fmt}").report
        assert parsed.numbers() == expected.numbers(), fmt
        assert parsed.narrative == expected.narrative, fmt

    # the public site lists it
    public = new_page()
    public.goto(f"{public.base}/open/{baqiao.code}/reports/")
    _click(public, f"a[href='/reports/public/{baqiao.code}/{YEAR}/']")
    assert f"{baqiao.name}{YEAR}年政府信息公开工作年度报告" in public.inner_text("h1")
    assert "已建立每周检查制度" in public.inner_text("main")
    _shot(public, "public")
