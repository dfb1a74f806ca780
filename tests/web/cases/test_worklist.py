"""The work list a page at a time: pages in order with the filters kept, pages past the end, the exports still
whole, and the rows and filter fields (written in Python by ``xxgk.web.cases.worklist``) as Django would write them."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from tests.web.cases.conftest import Register
from xxgk.core.outcomes import ApplicantType
from xxgk.web.cases import services as s
from xxgk.web.cases.forms import CaseFilterForm
from xxgk.web.cases.models import Case, DuplicateFlag
from xxgk.web.cases.selectors import MAX_PAGE, PAGE_SIZE
from xxgk.web.cases.worklist import filter_fields_html

pytestmark = pytest.mark.django_db

FIRST_DAY = date(2026, 1, 5)
ROW = re.compile(r'<tr>\s*<td><a href="(/cases/\d+/)">([^<]+)</a>')


def _many(register: Register, n: int, *, content: str = "第{i}号文件的批复", start: int = 0) -> list[Case]:
    """``n`` applications of different applicants (no duplicate flags), registered a day apart; newest last."""
    return [
        register(
            on=FIRST_DAY + timedelta(days=start + i),
            name=f"申请人{start + i:03d}",
            id_document=f"身份证 5001041990010{start + i:05d}",
            contact=f"139{start + i:08d}",
            content=content.format(i=start + i),
        )
        for i in range(n)
    ]


def _rows(html: str) -> list[str]:
    """The application numbers listed, in order."""
    return [unescape(number) for _url, number in ROW.findall(html)]


def _link(html: str, rel: str) -> str:
    found = re.search(rf'<a href="([^"]+)" rel="{rel}">', html)
    assert found is not None, f"no {rel} link"
    return unescape(found.group(1))


def _newest_first(cases: list[Case]) -> list[str]:
    return [c.number for c in sorted(cases, key=lambda c: (c.registered_on, c.pk), reverse=True)]


def test_the_pages_follow_each_other_and_keep_the_filters(login: object, register: Register) -> None:
    roads = _many(register, PAGE_SIZE + 3, content="道路规划第{i}段的批复")
    others = _many(register, 2, content="财政预算第{i}项", start=PAGE_SIZE + 3)
    client: Client = login("bq_clerk")  # type: ignore[operator]

    first = client.get("/cases/").content.decode()
    everything = _newest_first(roads + others)
    assert _rows(first) == everything[:PAGE_SIZE]
    assert f"第 1–{PAGE_SIZE} 件" in first and 'rel="prev"' not in first
    second = client.get("/cases/" + _link(first, "next")).content.decode()
    assert _rows(second) == everything[PAGE_SIZE:]
    assert f"第 {PAGE_SIZE + 1}–{len(everything)} 件" in second and 'rel="next"' not in second
    assert _rows(client.get("/cases/" + _link(second, "prev")).content.decode()) == everything[:PAGE_SIZE]

    # a search: its pages, with the search in every page link and in the export links (without the page)
    searched = client.get("/cases/?q=道路").content.decode()
    assert _rows(searched) == _newest_first(roads)[:PAGE_SIZE]
    following = _link(searched, "next")
    assert parse_qs(urlsplit(following).query) == {"q": ["道路"], "page": ["2"]}
    page_two = client.get(f"/cases/{following}").content.decode()
    assert _rows(page_two) == _newest_first(roads)[PAGE_SIZE:]
    assert parse_qs(urlsplit(_link(page_two, "prev")).query) == {"q": ["道路"], "page": ["1"]}
    exports = re.findall(r'href="(/cases/export\.(?:csv|xlsx)[^"]*)"', page_two)
    assert len(exports) == 2 and all(parse_qs(urlsplit(unescape(u)).query) == {"q": ["道路"]} for u in exports)


def test_the_export_has_every_matching_application_not_one_page(login: object, register: Register) -> None:
    roads = _many(register, PAGE_SIZE + 3, content="道路规划第{i}段的批复")
    _many(register, 2, content="财政预算第{i}项", start=PAGE_SIZE + 3)
    client: Client = login("bq_clerk")  # type: ignore[operator]
    response = client.get("/cases/export.csv?q=道路&page=2")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert sorted(r[0] for r in rows[1:]) == sorted(c.number for c in roads)


@pytest.mark.parametrize("page", ["3", "999999", str(MAX_PAGE + 1), "9" * 40])
def test_a_page_past_the_end_says_so_and_links_to_the_first(login: object, register: Register, page: str) -> None:
    _many(register, PAGE_SIZE + 1)
    client: Client = login("bq_clerk")  # type: ignore[operator]
    response = client.get(f"/cases/?page={page}")
    html = response.content.decode()
    assert response.status_code == 200 and _rows(html) == []
    assert "没有申请（已超过最后一页）" in html and "回到第一页" in html
    assert re.search(r'<a href="\?page=1">回到第一页</a>', html)
    assert 'class="pager"' not in html


@pytest.mark.parametrize("page", ["abc", "0", "-2", "1.5", ""])
def test_a_page_that_is_not_a_number_is_the_first(login: object, register: Register, page: str) -> None:
    cases = _many(register, 2)
    client: Client = login("bq_clerk")  # type: ignore[operator]
    response = client.get(f"/cases/?page={page}")
    assert response.status_code == 200
    html = response.content.decode()
    assert _rows(html) == _newest_first(cases) and "共 2 件" in html


def test_a_page_is_one_query_for_its_rows_whatever_the_list(login: object, register: Register) -> None:
    _many(register, 3)
    client: Client = login("bq_clerk")  # type: ignore[operator]
    client.get("/cases/")  # the session's first page also looks for failed background jobs

    def queries(path: str) -> list[str]:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200
        return [q["sql"] for q in ctx.captured_queries]

    few = queries("/cases/")
    _many(register, PAGE_SIZE + 5, start=3)
    many = queries("/cases/")
    assert len(many) == len(few)
    listing = [q for q in many if 'FROM "cases_case"' in q]
    assert len(listing) == 1 and "COUNT(" not in listing[0].upper()  # no count of the whole list
    assert f"LIMIT {PAGE_SIZE + 1}" in listing[0]


def test_the_rows_show_what_the_template_showed(login: object, register: Register, users: dict[str, User]) -> None:
    long_content = "关于二〇二五年度全区道路交通设施建设与维护项目的立项批复、招标文件、合同及验收报告的全部材料"
    case = register(
        on=date(2026, 3, 2),
        name="<b>某某公司</b>",
        applicant_type=ApplicantType.BUSINESS,
        content=long_content,
    )
    users["bq_clerk"].last_name = "王"
    users["bq_clerk"].save()
    client: Client = login("bq_clerk")  # type: ignore[operator]
    html = client.get("/cases/").content.decode()
    row = html[html.index(f'<a href="{reverse("cases:detail", args=[case.pk])}">') :]
    row = row[: row.index("</tr>")]
    cells = re.findall(r"<td>(.*?)</td>", row, flags=re.S)
    assert len(cells) == 7  # the first <td> was cut at the link
    assert cells[1] == f"&lt;b&gt;某某公司&lt;/b&gt;<br><small>{ApplicantType.BUSINESS.full_label}</small>"
    assert cells[2] == long_content[:39] + "…"
    assert cells[3] == "2026-03-02"
    assert cells[4] == case.get_status_display()
    assert re.fullmatch(r'<span class="overdue">\d{4}-\d\d-\d\d</span><br><small>[^<]+</small>', cells[5])
    assert cells[6] == "bq_clerk 王"


def test_a_pending_duplicate_is_marked_before_a_confirmed_one(login: object, register: Register) -> None:
    same = "二〇一九年八桥镇老旧小区改造项目的批复文件。"
    register(on=date(2026, 3, 2), content=same)
    register(on=date(2026, 3, 4), content=same)
    third = register(on=date(2026, 3, 9), content=same)
    flags = list(DuplicateFlag.objects.filter(case=third).order_by("earlier__registered_on"))
    assert len(flags) == 2
    s.case_duplicate_decide(
        actor=third.handler, case_id=third.pk, flag_id=flags[0].pk, decision="confirmed", note="同一事项"
    )
    client: Client = login("bq_clerk")  # type: ignore[operator]
    html = client.get("/cases/").content.decode()
    row = html[html.index(f">{third.number}</a>") :]
    row = row[: row.index("</tr>")]
    assert "疑似重复" in row and "重复申请</span>" not in row  # pending still awaits a decision
    s.case_duplicate_decide(
        actor=third.handler, case_id=third.pk, flag_id=flags[1].pk, decision="dismissed", note="所涉年度不同"
    )
    html = client.get("/cases/").content.decode()
    row = html[html.index(f">{third.number}</a>") :]
    row = row[: row.index("</tr>")]
    assert ">重复申请</span>" in row and "疑似重复" not in row


def _django_fields(form: CaseFilterForm) -> str:
    """The fields as the template used to write them, with Django's own widgets."""
    return "\n".join(f'<div class="field"><label for="{f.id_for_label}">{f.label}</label>{f}</div>' for f in form)


def _squeeze(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"view": "mine"},
        {"view": "overdue", "q": '"路"<&>\'', "status": "processing", "outcome": "granted"},
        {"received_from": "2026-01-01", "received_to": "not a date", "due_soon_days": "99"},
        {"view": "no such view", "page": "2"},
    ],
)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_filter_fields_are_those_django_writes(data: dict[str, str] | None, language: str) -> None:
    with translation.override(language):
        form = CaseFilterForm(data)
        form.is_valid()
        expected = _squeeze(_django_fields(form))
        assert _squeeze(filter_fields_html(form)) == expected
        if data is None:
            assert _squeeze(filter_fields_html(None)) == expected  # the blank fields kept per language


def test_an_invalid_filter_is_shown_and_the_others_still_apply(login: object, register: Register) -> None:
    road = register(on=date(2026, 3, 2), content="道路规划", name="赵六")
    other = register(on=date(2026, 3, 3), content="财政预算", name="钱七", contact="13900000001", id_document="x")
    client: Client = login("bq_clerk")  # type: ignore[operator]
    html = client.get("/cases/?q=道路&received_from=2026-13-45").content.decode()
    assert 'role="alert"' in html and "收到日期从" in html
    assert _rows(html) == [road.number] and other.number not in _rows(html)
