"""The report pages: official layout with links on every number, drill-down lists, findings, permissions."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client
from django.urls import URLPattern, get_resolver

from tests.web.reports.conftest import CaseSpec
from xxgk.core.model import Report
from xxgk.core.outcomes import Outcome
from xxgk.core.templates import get_template
from xxgk.web.cases.models import Case
from xxgk.web.reports.selectors import report_build
from xxgk.web.tenancy.models import Body

pytestmark = pytest.mark.django_db

Login = Callable[[str], Client]
AddCases = Callable[..., list[Case]]


@pytest.fixture
def baqiao_2021(org: dict[str, Body], add_cases: AddCases) -> list[Case]:
    return add_cases(
        org["baqiao"],
        CaseSpec("natural", date(2021, 3, 1), date(2021, 3, 20), Outcome.GRANTED.value),
        CaseSpec("natural", date(2021, 4, 1), date(2021, 4, 20), Outcome.UNABLE_NOT_FOUND.value),
        CaseSpec("business", date(2020, 12, 30), date(2021, 1, 12), Outcome.WITHDRAWN.value),
        CaseSpec("legal", date(2021, 12, 28)),
        CaseSpec("natural", None, registered_on=date(2021, 12, 30)),
    )


def _url(body: Body, year: int, tail: str = "computed/") -> str:
    return f"/reports/{body.pk}/{year}/{tail}"


def test_the_computed_page_shows_every_cell_with_a_link_to_its_records(
    login: Login, org: dict[str, Body], baqiao_2021: list[Case]
) -> None:
    response = login("bq_clerk").get(_url(org["baqiao"], 2021))
    assert response.status_code == 200
    html = response.content.decode()
    codes = get_template("2021").codes
    for code in codes:
        assert f'data-code="{code}"' in html, code
    links = re.findall(r'<td id="cell-([^"]+)"[^>]*><a href="([^"]+)">(\d+)</a></td>', html)
    assert {code for code, _url_, _v in links} == set(codes)
    by_code = {code: (href, int(v)) for code, href, v in links}
    assert by_code["s3.received.natural"] == (f"/reports/{org['baqiao'].pk}/2021/cells/s3.received.natural/", 2)
    assert by_code["s3.carried_in.business"][1] == 1 and by_code["s3.other.other.business"][1] == 1
    assert by_code["s3.carried_out.legal"][1] == 1
    assert "未发现问题" in html
    assert "收到申请之日尚待确认" in html  # the pending application is reported, not counted
    assert "国办公开办函〔2021〕30号" in html


def test_the_2020_page_uses_the_2019_template(login: Login, org: dict[str, Body], baqiao_2021: list[Case]) -> None:
    html = login("bq_clerk").get(_url(org["baqiao"], 2020)).content.decode()
    assert 'data-code="s3.other.natural"' in html and 'data-code="s3.other.other.natural"' not in html
    assert 'data-code="s2.procurement.amount"' in html


def test_a_cell_page_lists_exactly_the_records_behind_the_number(
    login: Login, org: dict[str, Body], baqiao_2021: list[Case]
) -> None:
    client = login("bq_clerk")
    html = client.get(_url(org["baqiao"], 2021, "cells/s3.received.natural/")).content.decode()
    listed = set(re.findall(r'<tr data-case="(\d+)">', html))
    assert listed == {str(c.pk) for c in baqiao_2021[:2]}
    assert "共 2 件" in html and "收到申请之日在 2021-01-01 至 2021-12-31 之间" in html
    for case in baqiao_2021[:2]:
        assert f'href="/cases/{case.pk}/"' in html
    html = client.get(_url(org["baqiao"], 2021, "cells/s3.other.other.total/")).content.decode()
    assert re.findall(r'<tr data-case="(\d+)">', html) == [str(baqiao_2021[2].pk)]
    assert "申请人撤回" in html
    pending = client.get(_url(org["baqiao"], 2021, "uncounted/pending_receipt/")).content.decode()
    assert re.findall(r'<tr data-case="(\d+)">', pending) == [str(baqiao_2021[4].pk)]


def test_cell_lists_are_paged(login: Login, org: dict[str, Body], add_cases: AddCases) -> None:
    add_cases(org["baqiao"], *[CaseSpec("natural", date(2022, 1, 1 + i % 28)) for i in range(205)])
    client = login("bq_clerk")
    first = client.get(_url(org["baqiao"], 2022, "cells/s3.received.total/")).content.decode()
    assert "共 205 件" in first and first.count("<tr data-case=") == 200 and "下一页" in first
    second = client.get(_url(org["baqiao"], 2022, "cells/s3.received.total/") + "?page=2").content.decode()
    assert second.count("<tr data-case=") == 5


def test_findings_are_listed_and_their_cells_highlighted(
    login: Login, org: dict[str, Body], add_cases: AddCases
) -> None:
    add_cases(org["baqiao"], CaseSpec("natural", date(2022, 3, 1), date(2022, 3, 5), ""))  # closed, no outcome
    html = login("bq_clerk").get(_url(org["baqiao"], 2022)).content.decode()
    assert 'data-rule="S303"' in html
    assert re.search(r'<td id="cell-s3\.received\.natural" class="num flag-error"', html)
    assert 'href="#cell-s3.received.natural"' in html
    assert "本年办结但没有有效办理结果的申请（无法计入办理结果各行）：1 件" in html


def test_the_json_download_is_the_canonical_report(login: Login, org: dict[str, Body], baqiao_2021: list[Case]) -> None:
    response = login("bq_clerk").get(_url(org["baqiao"], 2021, "computed.json"))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    report = Report.from_dict(json.loads(response.content))
    expected = report_build(body=org["baqiao"], body_ids=[org["baqiao"].pk], year=2021)
    assert report.numbers() == expected.numbers() and report.year == 2021


def test_the_index_lists_visible_bodies_and_their_years(
    login: Login, org: dict[str, Body], baqiao_2021: list[Case]
) -> None:
    html = login("bq_clerk").get("/reports/").content.decode()
    assert f'href="/reports/{org["baqiao"].pk}/2021/"' in html and "未开始" in html
    assert org["tiaodeng"].name not in html
    html = login("qu_viewer").get("/reports/").content.decode()
    assert org["tiaodeng"].name in html and "含下级汇总" in html and "只读" in html
    assert "您没有可查看的机关" in login("nobody").get("/reports/").content.decode()


def test_the_supervisor_reads_subordinates_and_the_aggregate(
    login: Login, org: dict[str, Body], baqiao_2021: list[Case], add_cases: AddCases
) -> None:
    add_cases(org["tiaodeng"], CaseSpec("natural", date(2021, 5, 1)))
    client = login("qu_viewer")
    assert client.get(_url(org["baqiao"], 2021)).status_code == 200
    html = client.get(_url(org["district"], 2021) + "?scope=tree").content.decode()
    assert re.search(r'data-code="s3.received.total" data-state="number"><a href="[^"]*\?scope=tree">4</a>', html)
    cell = client.get(_url(org["district"], 2021, "cells/s3.received.total/") + "?scope=tree").content.decode()
    assert "共 4 件" in cell and org["tiaodeng"].name in cell
    own = client.get(_url(org["district"], 2021)).content.decode()
    assert re.search(r'data-code="s3.received.total" data-state="number"><a href="[^"]*">0</a>', own)


def routes(body_id: int) -> dict[str, tuple[str, str, bool]]:
    """Every route of the app → (method, URL about ``body_id``, whether it is about one body). None writes."""
    base = f"/reports/{body_id}/2021"
    return {
        "reports:index": ("get", "/reports/", False),
        "reports:computed": ("get", f"{base}/computed/", True),
        "reports:computed_json": ("get", f"{base}/computed.json", True),
        "reports:cell": ("get", f"{base}/cells/s3.received.natural/", True),
        "reports:uncounted": ("get", f"{base}/uncounted/pending_receipt/", True),
        "reports:compare_previous": ("get", f"{base}/compare-previous/", True),
    }


def _body_urls(body_id: int) -> list[str]:
    urls = [url for _m, url, one_body in routes(body_id).values() if one_body]
    return [
        *urls,
        f"/reports/{body_id}/2021/computed/?scope=tree",
        f"/reports/{body_id}/2021/cells/s2.fees.amount/",
        f"/reports/{body_id}/2021/cells/s4.review.total/",
    ]


def test_every_route_is_listed(org: dict[str, Body]) -> None:
    from tests.web.reports.test_lifecycle_views import PUBLIC_ROUTES, lifecycle_routes

    resolver = get_resolver().namespace_dict["reports"][1]
    names = {f"reports:{p.name}" for p in resolver.url_patterns if isinstance(p, URLPattern)}
    listed = set(routes(org["baqiao"].pk)) | set(lifecycle_routes(org["baqiao"].pk, 2024)) | set(PUBLIC_ROUTES)
    assert names == listed


def test_another_bodys_user_gets_404_as_for_a_missing_body(
    login: Login, org: dict[str, Body], baqiao_2021: list[Case]
) -> None:
    client = login("td_clerk")
    for mine, absent, supervisor in zip(
        _body_urls(org["baqiao"].pk), _body_urls(999_999), _body_urls(org["district"].pk), strict=True
    ):
        got = client.get(mine)
        assert got.status_code == 404, mine
        assert got.content == client.get(absent).content == client.get(supervisor).content, mine
    for url in _body_urls(org["tiaodeng"].pk):
        assert client.get(url).status_code == 200, url
    index = client.get("/reports/").content.decode()
    assert f'href="/reports/{org["baqiao"].pk}/' not in index and org["baqiao"].name not in index


def test_the_supervisor_reads_every_page_of_a_subordinate(login: Login, org: dict[str, Body]) -> None:
    client = login("qu_viewer")
    for url in _body_urls(org["baqiao"].pk):
        assert client.get(url).status_code == 200, url


def test_anonymous_users_are_sent_to_login(client: Client, org: dict[str, Body]) -> None:
    for name, (method, url, _one) in routes(org["baqiao"].pk).items():
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), name
    response = client.post(f"/reports/{org['baqiao'].pk}/2021/compare-previous/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_bad_addresses_are_404(login: Login, org: dict[str, Body]) -> None:
    client = login("bq_clerk")
    for url in (
        _url(org["baqiao"], 2021, "cells/s3.other.natural/"),  # a 2019-template code in a 2021 report
        _url(org["baqiao"], 2020, "cells/s3.other.no_fee.natural/"),
        _url(org["baqiao"], 2021, "cells/s9.nothing/"),
        _url(org["baqiao"], 2018),
        _url(org["baqiao"], 2021, "uncounted/everything/"),
    ):
        assert client.get(url).status_code == 404, url


def test_the_pages_only_read(login: Login, org: dict[str, Body]) -> None:
    client = login("bq_clerk")
    for name, (_m, url, _one) in routes(org["baqiao"].pk).items():
        if name != "reports:compare_previous":  # posts a file to read; stores nothing
            assert client.post(url).status_code == 405, url
    assert Case.objects.count() == 0
