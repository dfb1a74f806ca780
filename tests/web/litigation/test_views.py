"""Litigation pages: create with linked applications, edit, close, reopen, hearings, table 4 with drill-down, and
permissions on every route."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, get_resolver

from xxgk.core.table4 import RemedyResult
from xxgk.web.cases.models import Case
from xxgk.web.litigation.models import Hearing, RemedyCase
from xxgk.web.litigation.services import hearing_add
from xxgk.web.tenancy.models import Body

pytestmark = pytest.mark.django_db

FORM = {
    "kind": "suit_direct",
    "forum": "重庆铁路运输法院",
    "number": "（2020）渝8601行初215号",
    "applicant": "何建国",
    "filed_on": "2020-07-20",
}


def test_full_story_through_the_pages(login: Callable[[str], Client], org: dict[str, Body], application: Case) -> None:
    client = login("bq_clerk")
    assert client.get("/litigation/new/").status_code == 200
    bad = client.post("/litigation/new/", {**FORM, "body": org["baqiao"].pk, "case_numbers": "2020-9999"})
    assert "本机关没有编号为 2020-9999 的申请" in bad.content.decode() and not RemedyCase.objects.exists()
    other_body = client.post("/litigation/new/", {**FORM, "body": org["tiaodeng"].pk})
    assert other_body.status_code == 200 and not RemedyCase.objects.exists()  # not one of the clerk's bodies
    response = client.post("/litigation/new/", {**FORM, "body": org["baqiao"].pk, "case_numbers": application.number})
    remedy = RemedyCase.objects.get()
    assert response["Location"] == f"/litigation/{remedy.pk}/" and list(remedy.cases.all()) == [application]
    page = client.get(response["Location"]).content.decode()
    assert application.number in page and "登记行政复议或行政诉讼案件" in page
    client.post(f"/litigation/{remedy.pk}/hearings/", {"on": "2020-09-15", "note": "一审开庭"})
    assert Hearing.objects.get().note == "一审开庭"
    close = client.get(f"/litigation/{remedy.pk}/close/").content.decode()
    assert "判决驳回诉讼请求（计入“结果维持”）" in close and 'value="review_request_rejected"' not in close
    client.post(
        f"/litigation/{remedy.pk}/close/",
        {"result": RemedyResult.CLAIM_REJECTED.value, "result_on": "2020-11-10", "closed_on": "2020-11-27"},
    )
    remedy.refresh_from_db()
    assert remedy.closed_on == date(2020, 11, 27)
    table = client.get(f"/litigation/body/{org['baqiao'].pk}/2020/").content.decode()
    link = f"/litigation/body/{org['baqiao'].pk}/2020/cells/s4.suit_direct.upheld/"
    assert f'<a href="{link}">1</a>' in table
    cell = client.get(link).content.decode()
    assert "（2020）渝8601行初215号" in cell and "判决驳回诉讼请求" in cell
    assert client.get(f"/litigation/body/{org['baqiao'].pk}/2020/cells/s4.bad/").status_code == 404
    client.post(f"/litigation/{remedy.pk}/reopen/", {"reason": "录错"})
    assert RemedyCase.objects.get(pk=remedy.pk).closed_on is None
    edit = client.get(f"/litigation/{remedy.pk}/edit/").content.decode()
    assert application.number in edit
    client.post(f"/litigation/{remedy.pk}/edit/", {**FORM, "forum": "重庆市第五中级人民法院", "case_numbers": ""})
    remedy.refresh_from_db()
    assert remedy.forum == "重庆市第五中级人民法院" and not remedy.cases.exists() and remedy.body_id == org["baqiao"].pk
    listing = client.get("/litigation/?state=open").content.decode()
    assert "何建国" in listing and "何建国" not in client.get("/litigation/?state=closed").content.decode()


def test_the_close_form_refuses_future_dates(login: Callable[[str], Client], remedy: RemedyCase) -> None:
    response = login("bq_clerk").post(
        f"/litigation/{remedy.pk}/close/", {"result": "claim_rejected", "closed_on": "2999-01-01"}
    )
    assert "不能晚于今天" in response.content.decode()
    remedy.refresh_from_db()
    assert remedy.closed_on is None


# -- permissions --------------------------------------------------------------------------------------------------


def routes(remedy: RemedyCase, hearing: Hearing) -> dict[str, tuple[str, str, bool, bool]]:
    b = remedy.body_id
    return {
        "litigation:list": ("get", "/litigation/", False, False),
        "litigation:new": ("get", "/litigation/new/", False, False),  # each user registers for their own bodies
        "litigation:detail": ("get", f"/litigation/{remedy.pk}/", False, True),
        "litigation:edit": ("get", f"/litigation/{remedy.pk}/edit/", True, True),
        "litigation:close": ("get", f"/litigation/{remedy.pk}/close/", True, True),
        "litigation:reopen": ("post", f"/litigation/{remedy.pk}/reopen/", True, True),
        "litigation:hearing_add": ("post", f"/litigation/{remedy.pk}/hearings/", True, True),
        "litigation:hearing_delete": ("post", f"/litigation/hearings/{hearing.pk}/delete/", True, True),
        "litigation:table": ("get", f"/litigation/body/{b}/2020/", False, True),
        "litigation:cell": ("get", f"/litigation/body/{b}/2020/cells/s4.review.total/", False, True),
    }


@pytest.fixture
def hearing(remedy: RemedyCase, users: dict[str, User]) -> Hearing:
    return hearing_add(actor=users["bq_clerk"], remedy_id=remedy.pk, on=date(2020, 9, 1))


def test_every_route_is_listed(remedy: RemedyCase, hearing: Hearing) -> None:
    resolver = get_resolver().namespace_dict["litigation"][1]
    names = {f"litigation:{p.name}" for p in resolver.url_patterns if isinstance(p, URLPattern)}
    assert names == set(routes(remedy, hearing))


def test_anonymous_is_sent_to_login(client: Client, remedy: RemedyCase, hearing: Hearing) -> None:
    for name, (method, url, _w, _o) in routes(remedy, hearing).items():
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), name


def test_another_body_gets_404(login: Callable[[str], Client], remedy: RemedyCase, hearing: Hearing) -> None:
    client = login("td_clerk")
    for name, (method, url, _w, one_body) in routes(remedy, hearing).items():
        assert getattr(client, method)(url).status_code == (404 if one_body else 200), name
    assert "何建国" not in client.get("/litigation/").content.decode()
    assert client.get("/litigation/999999/").status_code == 404
    assert Hearing.objects.count() == 1 and RemedyCase.objects.get().closed_on is None


def test_supervisor_reads_but_cannot_write(
    login: Callable[[str], Client], remedy: RemedyCase, hearing: Hearing
) -> None:
    client = login("qu_viewer")
    for name, (method, url, writes, _o) in routes(remedy, hearing).items():
        assert getattr(client, method)(url).status_code == (403 if writes else 200), name
    assert "何建国" in client.get("/litigation/").content.decode()
    # the district's reviewer registers cases of the district, never of a town it supervises
    response = client.post("/litigation/new/", {**FORM, "body": remedy.body_id})
    assert response.status_code == 200 and "选择一个有效的选项" in response.content.decode()
    assert Hearing.objects.count() == 1 and RemedyCase.objects.count() == 1


def test_a_user_without_any_working_body_cannot_register(login: Callable[[str], Client]) -> None:
    assert login("nobody").get("/litigation/new/").status_code == 403
