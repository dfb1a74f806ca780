"""Register pages: forms, the computed year page with drill-down, and permissions on every route."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, get_resolver

from tests.web.registers.conftest import doc_data, procurement
from xxgk.web.registers.data import AmendmentData
from xxgk.web.registers.models import DocumentAmendment, NormativeDocument, YearlyFigure
from xxgk.web.registers.services import amendment_add, document_create, figure_save
from xxgk.web.tenancy.models import Body

pytestmark = pytest.mark.django_db

DOC_FORM = {
    "kind": "normative",
    "title": "关于印发八桥镇某某办法的通知",
    "doc_number": "八桥府发〔2021〕2号",
    "issued_on": "2021-03-01",
    "published_on": "2021-03-03",
}


def test_document_pages(login: Callable[[str], Client], org: dict[str, Body]) -> None:
    client = login("bq_clerk")
    body = org["baqiao"]
    assert client.get(f"/registers/{body.pk}/documents/new/").status_code == 200
    bad = client.post(f"/registers/{body.pk}/documents/new/", {**DOC_FORM, "published_on": "2021-02-01"})
    assert bad.status_code == 200 and "公开日期不能早于制发日期" in bad.content.decode()
    response = client.post(f"/registers/{body.pk}/documents/new/", DOC_FORM)
    doc = NormativeDocument.objects.get()
    assert response["Location"] == f"/registers/documents/{doc.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "八桥府发〔2021〕2号" in page and "新增规章或规范性文件" in page  # audit trail shown
    client.post(f"/registers/documents/{doc.pk}/amendments/", {"amended_on": "2022-05-01", "doc_number": "x"})
    assert DocumentAmendment.objects.get().amended_on == date(2022, 5, 1)
    response = client.post(f"/registers/documents/{doc.pk}/amendments/", {"amended_on": "2020-05-01"})
    assert "应晚于制发日期" in client.get(response["Location"]).content.decode()
    edit = client.get(f"/registers/documents/{doc.pk}/edit/").content.decode()
    assert 'value="八桥府发〔2021〕2号"' in edit
    response = client.post(f"/registers/documents/{doc.pk}/edit/", {**DOC_FORM, "repealed_on": "2022-01-01"})
    assert "应早于废止日期" in response.content.decode()  # the amendment of 2022-05-01 is after it
    client.post(f"/registers/documents/{doc.pk}/edit/", {**DOC_FORM, "repealed_on": "2023-01-01"})
    doc.refresh_from_db()
    assert doc.repealed_on == date(2023, 1, 1)
    listing = client.get(f"/registers/{body.pk}/documents/?state=ended").content.decode()
    assert "关于印发八桥镇某某办法的通知" in listing
    assert (
        "关于印发八桥镇某某办法的通知"
        not in client.get(f"/registers/{body.pk}/documents/?state=in_force").content.decode()
    )
    response = client.post(f"/registers/documents/{doc.pk}/delete/")
    assert response["Location"] == f"/registers/{body.pk}/documents/" and not NormativeDocument.objects.exists()


def test_year_page_and_drill_down(login: Callable[[str], Client], users: dict[str, User], org: dict[str, Body]) -> None:
    body = org["baqiao"]
    figure_save(actor=users["bq_clerk"], body_id=body.pk, data=procurement())
    client = login("bq_clerk")
    page = client.get(f"/registers/{body.pk}/2020/").content.decode()
    assert "国办公开办函〔2019〕60号" in page
    link = f"/registers/{body.pk}/2020/cells/s2.procurement.amount/"
    assert f'href="{link}"' in page and ">589.08</a>" in page
    assert "未录入" in page  # licensing etc. were not entered
    cell = client.get(link).content.decode()
    assert "采购平台" in cell and "计入的记录 1 条" in cell
    assert client.get(f"/registers/{body.pk}/2020/cells/s2.nothing.here/").status_code == 404
    assert client.get(f"/registers/{body.pk}/2021/cells/s2.procurement.amount/").status_code == 404
    page21 = client.get(f"/registers/{body.pk}/2021/").content.decode()
    assert "国办公开办函〔2021〕30号" in page21 and "政府集中采购" not in page21
    assert client.get(f"/registers/{body.pk}/2018/").status_code == 404
    assert client.get(f"/registers/{body.pk}/2099/").status_code == 404


def test_figure_form(login: Callable[[str], Client], org: dict[str, Body]) -> None:
    client = login("bq_reviewer")
    body = org["baqiao"]
    url = f"/registers/{body.pk}/2020/figures/procurement/"
    form = client.get(url).content.decode()
    assert "采购项目数量" in form and "上一年项目数量" not in form
    bad = client.post(url, {"projects": "95", "amount": "abc", "source": "平台"})
    assert "应为数字，实际为 &#x27;abc&#x27;" in bad.content.decode() and not YearlyFigure.objects.exists()
    client.post(url, {"projects": "95", "amount": "5890800元", "source": "平台"})
    fig = YearlyFigure.objects.get()
    assert fig.amount == Decimal("589.08") and fig.entered_by.username == "bq_reviewer"
    assert 'value="589.08"' in client.get(url).content.decode()
    assert client.get(f"/registers/{body.pk}/2021/figures/procurement/").status_code == 404
    assert client.get(f"/registers/{body.pk}/2021/figures/unknown/").status_code == 404
    form21 = client.get(f"/registers/{body.pk}/2021/figures/licensing/").content.decode()
    assert "本年处理决定数量" in form21 and "本年增/减" not in form21
    client.post(f"/registers/figures/{fig.pk}/delete/")
    assert not YearlyFigure.objects.exists()


# -- permissions --------------------------------------------------------------------------------------------------


@pytest.fixture
def objects(users: dict[str, User], org: dict[str, Body]) -> dict[str, int]:
    clerk, body = users["bq_clerk"], org["baqiao"].pk
    doc = document_create(actor=clerk, body_id=body, data=doc_data())
    amendment = amendment_add(actor=clerk, document_id=doc.pk, data=AmendmentData(date(2021, 1, 5)))
    fig = figure_save(actor=clerk, body_id=body, data=procurement())
    return {"body": body, "doc": doc.pk, "amendment": amendment.pk, "fig": fig.pk}


def routes(o: dict[str, int]) -> dict[str, tuple[str, str, bool, bool]]:
    """name → (method, url, writes, about one body)."""
    b, d = o["body"], o["doc"]
    return {
        "registers:index": ("get", "/registers/", False, False),
        "registers:template": ("get", "/registers/template/figures.xlsx", False, False),
        "registers:documents": ("get", f"/registers/{b}/documents/", False, True),
        "registers:document_new": ("get", f"/registers/{b}/documents/new/", True, True),
        "registers:document": ("get", f"/registers/documents/{d}/", False, True),
        "registers:document_edit": ("get", f"/registers/documents/{d}/edit/", True, True),
        "registers:document_delete": ("post", f"/registers/documents/{d}/delete/", True, True),
        "registers:amendment_add": ("post", f"/registers/documents/{d}/amendments/", True, True),
        "registers:amendment_delete": ("post", f"/registers/amendments/{o['amendment']}/delete/", True, True),
        "registers:year": ("get", f"/registers/{b}/2020/", False, True),
        "registers:cell": ("get", f"/registers/{b}/2020/cells/s2.procurement.projects/", False, True),
        "registers:figure_edit": ("post", f"/registers/{b}/2020/figures/procurement/", True, True),
        "registers:figure_delete": ("post", f"/registers/figures/{o['fig']}/delete/", True, True),
        "registers:import": ("get", f"/registers/{b}/import/figures/", True, True),
        "registers:export": ("get", f"/registers/{b}/export/documents.csv", False, True),
    }


def test_every_route_is_listed(objects: dict[str, int]) -> None:
    resolver = get_resolver().namespace_dict["registers"][1]
    names = {f"registers:{p.name}" for p in resolver.url_patterns if isinstance(p, URLPattern)}
    assert names == set(routes(objects))


def test_anonymous_is_sent_to_login(client: Client, objects: dict[str, int]) -> None:
    for name, (method, url, _w, _b) in routes(objects).items():
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), name


def test_another_body_gets_404_like_a_missing_object(login: Callable[[str], Client], objects: dict[str, int]) -> None:
    client = login("td_clerk")
    for name, (method, url, _w, one_body) in routes(objects).items():
        status = getattr(client, method)(url).status_code
        assert status == (404 if one_body else 200), name
    missing = {"registers:document": "/registers/documents/999999/", "registers:year": "/registers/999999/2020/"}
    for url in missing.values():
        assert client.get(url).status_code == 404
    assert NormativeDocument.objects.count() == 1 and YearlyFigure.objects.count() == 1


def test_supervisor_reads_but_cannot_write(login: Callable[[str], Client], objects: dict[str, int]) -> None:
    client = login("qu_viewer")
    for name, (method, url, writes, _b) in routes(objects).items():
        status = getattr(client, method)(url).status_code
        assert status == (403 if writes else 200), name
    page = client.get(f"/registers/{objects['body']}/2020/").content.decode()
    assert "只读" in page and "删除" not in page
    assert NormativeDocument.objects.count() == 1 and DocumentAmendment.objects.count() == 1
    assert YearlyFigure.objects.count() == 1


def test_nobody_sees_no_body(login: Callable[[str], Client], objects: dict[str, int]) -> None:
    client = login("nobody")
    assert "您没有可查看的机关" in client.get("/registers/").content.decode()
    assert client.get(f"/registers/{objects['body']}/documents/").status_code == 404
