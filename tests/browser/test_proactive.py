"""Browser tests of proactive disclosure (Chromium): the 保密审查 chain with a rejection returned to the drafter,
resubmission, approval through every step and publication; then the public catalogue shows it and finds it."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from tests.web.conftest import PASSWORD
from xxgk.web.proactive.models import ItemStatus, ProactiveItem, SignoffDecision

TITLE = "八桥镇2026年城乡居民医疗救助资金发放情况"
KEYWORD = "医疗救助"


def _switch(page: Any, username: str) -> None:
    """Sign out (the header's 退出 button) if signed in, then sign in as ``username`` through the login form.

    (The login form's own button is clicked: the header also holds a language-switch form, so "the first submit
    button on the page" is not the login button.)"""
    logout = page.locator("header.site button:has-text('退出')")
    if logout.count():
        logout.click()
        page.wait_for_load_state()
    page.goto(f"{page.base}/accounts/login/")
    page.fill("main input[name=username]", username)
    page.fill("main input[name=password]", PASSWORD)
    page.click("main button[type=submit], main input[type=submit]")
    page.wait_for_load_state()
    assert username in page.locator("header.site").inner_text()


def _decide(page: Any, decision: str, opinion: str) -> None:
    page.check(f"input[name=decision][value={decision}]")
    page.fill("textarea[name=opinion]", opinion)
    page.click("form[aria-label=审查] button[type=submit]")
    page.wait_for_load_state()


@pytest.mark.django_db(transaction=True)
def test_rejection_resubmission_full_chain_publication_and_public_catalogue(page: Any, users: dict[str, User]) -> None:
    # the clerk drafts and submits
    _switch(page, "bq_clerk")
    page.goto(f"{page.base}/proactive/new/")
    page.select_option("select[name=category]", "a21.social_assistance")
    page.fill("input[name=title]", TITLE)
    page.fill("input[name=doc_number]", "八桥府发〔2026〕30号")
    page.fill("textarea[name=summary]", "公开本镇2026年医疗救助对象人数和资金发放总额")
    page.fill("textarea[name=content]", "一、救助对象……二、资金发放……（附身份证号 500104……）")
    page.click("form.stacked button[type=submit]")
    page.wait_for_load_state()
    assert TITLE in page.locator("h1").inner_text()
    item = ProactiveItem.objects.get(title=TITLE)
    page.click("button:has-text('提交保密审查')")
    page.wait_for_load_state()
    assert "保密审查中" in page.locator("h1").inner_text()

    # the reviewer returns it at the first step with a reason
    _switch(page, "bq_reviewer")
    page.goto(f"{page.base}/proactive/tasks/")
    page.click(f"text={TITLE}")
    page.wait_for_load_state()
    assert "审查：承办科室审核" in page.content()
    _decide(page, "reject", "正文含个人身份证号，须删除后重新报审")
    assert "草稿" in page.locator("h1").inner_text()
    assert ProactiveItem.objects.get(pk=item.pk).status == ItemStatus.DRAFT

    # the drafter sees why, edits and resubmits
    _switch(page, "bq_clerk")
    page.goto(f"{page.base}/proactive/{item.pk}/")
    alert = page.locator("[role=alert]").inner_text()
    assert "已退回修改" in alert and "须删除后重新报审" in alert
    page.click("a[href$='/edit/']")
    page.wait_for_load_state()
    page.fill("textarea[name=content]", "一、救助对象共 126 人次。二、资金发放 38.6 万元。")
    page.click("form.stacked button[type=submit]")
    page.wait_for_load_state()
    page.click("button:has-text('重新提交保密审查')")
    page.wait_for_load_state()
    assert "第 2 轮" in page.content()

    # every step of the default chain, each by its role
    for who, step in (("bq_reviewer", "承办科室审核"), ("bq_head", "分管领导审定"), ("bq_reviewer", "办公室复核")):
        _switch(page, who)
        page.goto(f"{page.base}/proactive/{item.pk}/")
        assert f"审查：{step}" in page.content()
        _decide(page, "approve", "经审查，无涉密和个人信息，同意公开")
    assert "审查通过" in page.locator("h1").inner_text()
    assert list(SignoffDecision.objects.values_list("round", "decision")) == [
        (1, "reject"),
        (2, "approve"),
        (2, "approve"),
        (2, "approve"),
    ]

    # the clerk publishes; the index number is shown
    _switch(page, "bq_clerk")
    page.goto(f"{page.base}/proactive/{item.pk}/")
    page.click("form[action$='/publish/'] button[type=submit]")
    page.wait_for_load_state()
    item.refresh_from_db()
    assert item.status == ItemStatus.PUBLISHED and item.index_number
    assert f"已公开，索引号：{item.index_number}" in page.locator(".messages").inner_text()

    # anonymously: the public catalogue lists it, search finds it, the item page shows its index number
    page.click("header.site button:has-text('退出')")
    page.wait_for_load_state()
    page.goto(f"{page.base}/open/ddk-baqiao/catalogue/")
    catalogue = page.locator("table.catalogue").inner_text()
    assert TITLE in catalogue and item.index_number in catalogue
    page.fill("input[name=q]", KEYWORD)
    page.click("form[role=search] button[type=submit]")
    page.wait_for_load_state()
    assert "共 1 条" in page.locator("table.catalogue caption").inner_text()
    page.fill("input[name=q]", "不存在的关键词")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_load_state()
    assert "没有符合条件的信息" in page.locator("table.catalogue").inner_text()
    page.goto(f"{page.base}/open/ddk-baqiao/catalogue/?q={KEYWORD}")
    page.click(f"text={TITLE}")
    page.wait_for_load_state()
    text = page.locator("main").inner_text()
    assert item.index_number in text and "八桥府发〔2026〕30号" in text and "38.6 万元" in text
    assert "bq_clerk" not in text and "bq_reviewer" not in text and "身份证号" not in text
