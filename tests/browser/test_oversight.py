"""Browser test of the supervisor's overview (Chromium): the district's office sees 八桥镇's report as 编制中, the
town publishes it through the report lifecycle (start, narratives, submission, every step of the sign-off chain,
publication), the office reloads and sees 已发布, and the combined report (汇总) includes its numbers, next to a
report uploaded for a town that does not use xxgk, with the charts and the year-over-year comparison."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.contrib.auth.models import User

from tests.web.oversight.conftest import add_replied_cases, fixture_bytes, fixture_report, publish_through_services
from xxgk.web.oversight.services import external_report_upload
from xxgk.web.reports.services import report_start
from xxgk.web.tenancy.models import Body

#: A directory to save screenshots in (for a person to look at); none by default.
SHOTS = os.environ.get("XXGK_SCREENSHOTS", "")


def _shot(page: Any, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def _upload(users: dict[str, User], body: Body, year: int, filename: str, fixture: str) -> None:
    external_report_upload(
        actor=users["qu_admin"], body_id=body.pk, year=year, filename=filename, data=fixture_bytes(fixture)
    )


@pytest.mark.django_db(transaction=True)
def test_supervisor_sees_the_status_change_and_the_combined_report(
    page: Any, sign_in: Any, users: dict[str, User], org: dict[str, Body]
) -> None:
    district, baqiao, tiaodeng = org["district"], org["baqiao"], org["tiaodeng"]
    year = 2020
    add_replied_cases(baqiao, users["bq_clerk"], year, {"granted": 4, "partial": 2, "not_processed_duplicate": 1})
    report_start(actor=users["bq_clerk"], body_id=baqiao.pk, year=year)
    _upload(users, tiaodeng, year, "跳磴镇2020年报.txt", "cq-dadukou-baqiao-2020.txt")
    _upload(users, tiaodeng, year - 1, "跳磴镇2019年报.html", "pingtan-gaj-2019.html")  # for the year-over-year

    sign_in(page, "qu_viewer")
    page.goto(f"{page.base}/oversight/")
    page.click(f"a[href='/oversight/{district.pk}/{year}/']")
    page.wait_for_load_state()
    row = page.locator("tr[data-body='ddk-baqiao']")
    assert "编制中" in row.inner_text()
    assert "已发布（外部导入）" in page.locator("tr[data-body='ddk-tiaodeng']").inner_text()
    assert page.locator("strong[data-status='published']").inner_text() == "0"
    _shot(page, "overview-before")

    published = publish_through_services(users=users, body=baqiao, year=year)

    page.reload()
    row = page.locator("tr[data-body='ddk-baqiao']")
    assert "已发布" in row.inner_text() and "编制中" not in row.inner_text()
    assert "第 1 版" in row.inner_text()
    assert page.locator("strong[data-status='published']").inner_text() == "1"

    page.click("a:has-text('汇总报告与图表')")
    page.wait_for_load_state()
    assert "汇总 2 个已发布的年度报告" in page.locator("main").inner_text()
    mine = published.value("s3.received.total")
    assert mine == 7
    included = page.locator("table.oversight-included tr[data-body='ddk-baqiao']").inner_text()
    assert "本系统发布" in included and str(mine) in included
    file = fixture_report("cq-dadukou-baqiao-2020.txt")
    total = mine + (file.value("s3.received.total") or 0)
    assert page.locator("td[data-code='s3.received.total']").inner_text() == str(total)
    natural = (published.value("s3.received.natural") or 0) + (file.value("s3.received.natural") or 0)
    applicants = page.locator("svg[aria-labelledby^='chart-applicants']")
    assert applicants.count() == 1 and f"自然人：{natural}件" in applicants.inner_html()
    history = page.locator("svg[aria-labelledby^='chart-history-counts']")
    assert history.count() == 1 and "2019年" in history.inner_html()
    _shot(page, "combined")
    with page.expect_download() as info:
        page.click("a[data-format='xlsx']")
    assert info.value.suggested_filename.endswith(".xlsx")

    # the uploaded report of 跳磴镇, as the engine read it
    page.click("table.oversight-included a:has-text('外部导入')")
    page.wait_for_load_state()
    assert "跳磴镇2020年报.txt" in page.locator("main").inner_text()
    assert page.locator("td[data-code='s3.received.total']").inner_text() == str(file.value("s3.received.total"))
    _shot(page, "external")
