"""The oversight pages: index, overview (statuses, counts, filters, late), combined report with charts and
downloads, uploads; permissions on every route; the query count does not grow with the number of bodies."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, resolve
from lxml import etree
from openpyxl import load_workbook

from tests.web.oversight.conftest import (
    Lifecycle,
    add_replied_cases,
    fixture_bytes,
    fixture_report,
    publish_through_services,
)
from xxgk.core.model import CellState, Report
from xxgk.ingest import parse_bytes
from xxgk.web.oversight.models import ExternalReport
from xxgk.web.oversight.services import external_report_upload
from xxgk.web.tenancy.models import Body, BodyKind, MemberRole, Membership

pytestmark = pytest.mark.django_db

BAQIAO_TXT = "cq-dadukou-baqiao-2020.txt"
ZRZ_2020 = "pingtan-zrz-2020.html"


def status_of(page: str, code: str) -> str:
    match = re.search(rf'<tr data-body="{re.escape(code)}" data-status="([a-z_]+)"', page)
    assert match, f"no row for {code}"
    return match.group(1)


def count_of(page: str, status: str) -> int:
    match = re.search(rf'data-status="{status}">(\d+)<', page)
    assert match, status
    return int(match.group(1))


def external(
    user: User, body: Body, name: str, year: int = 2020, *, published_on: date | None = None
) -> ExternalReport:
    return external_report_upload(
        actor=user, body_id=body.pk, year=year, filename=name, data=fixture_bytes(name), published_on=published_on
    )


def test_index_lists_supervising_bodies(login: Callable[[str], Client], org: dict[str, Body]) -> None:
    page = login("qu_viewer").get("/oversight/").content.decode()
    assert org["district"].name in page and f'href="/oversight/{org["district"].pk}/2020/"' in page
    assert org["baqiao"].name not in page  # no body below it
    page = login("bq_clerk").get("/oversight/").content.decode()
    assert "没有可查看的监督汇总" in page


def test_overview_statuses_counts_and_filters(
    login: Callable[[str], Client], users: dict[str, User], org: dict[str, Body], lifecycle: Lifecycle
) -> None:
    district = org["district"]
    dept = Body.objects.create(name="大渡口区教育委员会", code="ddk-jw", kind=BodyKind.DEPARTMENT, parent=district)
    Body.objects.create(name="大渡口区某某中学", code="ddk-jw-school", kind=BodyKind.OTHER, parent=dept)
    lifecycle.draft(org["baqiao"], 2020)
    lifecycle.publish(dept, 2020, fixture_report(ZRZ_2020), on=date(2021, 2, 3))  # late
    external(users["qu_admin"], org["tiaodeng"], BAQIAO_TXT, published_on=date(2021, 1, 28))
    client = login("qu_viewer")
    page = client.get(f"/oversight/{district.pk}/2020/").content.decode()
    assert status_of(page, "ddk-baqiao") == "drafting" and "编制中" in page
    assert status_of(page, "ddk-tiaodeng") == "external" and "已发布（外部导入）" in page
    assert status_of(page, "ddk-jw") == "published"
    assert status_of(page, "ddk-jw-school") == "not_started"
    assert "大渡口区教育委员会 / " in page  # the school is shown under its department
    assert count_of(page, "drafting") == 1 and count_of(page, "published") == 1 and count_of(page, "external") == 1
    assert count_of(page, "not_started") == 1
    # late: the department published after 31 January; baqiao and the school are unpublished past the deadline
    assert count_of(page, "late") == 3
    row = page[page.index('data-body="ddk-jw"') :]
    row = row[: row.index("</tr>")]
    assert "2021-02-03" in row and "逾期" in row and "第 1 版" in row
    # findings of the published and uploaded reports
    zrz_errors = sum(1 for f in fixture_errors(ZRZ_2020) if f == "error")
    assert re.search(rf'<td class="num error">{zrz_errors}</td>', row)
    # filters keep the counts
    filtered = client.get(f"/oversight/{district.pk}/2020/?status=external").content.decode()
    assert 'data-body="ddk-tiaodeng"' in filtered and 'data-body="ddk-baqiao"' not in filtered
    assert count_of(filtered, "drafting") == 1
    towns = client.get(f"/oversight/{district.pk}/2020/?kind=town").content.decode()
    assert 'data-body="ddk-baqiao"' in towns and 'data-body="ddk-jw"' not in towns
    late = client.get(f"/oversight/{district.pk}/2020/?status=late").content.decode()
    assert 'data-body="ddk-tiaodeng"' not in late and 'data-body="ddk-jw"' in late
    bad = client.get(f"/oversight/{district.pk}/2020/?status=nonsense")
    assert bad.status_code == 200 and 'data-body="ddk-baqiao"' in bad.content.decode()
    # the department's own overview lists only the school
    Membership.objects.create(user=users["nobody"], body=dept, role=MemberRole.REVIEWER)
    own = login("nobody").get(f"/oversight/{dept.pk}/2020/").content.decode()
    assert 'data-body="ddk-jw-school"' in own and 'data-body="ddk-baqiao"' not in own


def fixture_errors(name: str) -> list[str]:
    from xxgk.rules import check

    result = parse_bytes(fixture_bytes(name), source=name)
    return [f.severity.value for f in [*result.findings, *check(result.report)]]


def summed(reports: list[Report], code: str) -> object:
    """The sum of ``code`` over ``reports`` when every one has a number there in the same unit (else ``None``:
    the combined report does not add blanks or mixed units)."""
    cells = [r.cells[code] for r in reports]
    if len({r.units.get(code, "万元") for r in reports}) > 1:
        return None
    if all(c.state is CellState.NUMBER for c in cells):
        return sum((c.value for c in cells if c.value is not None), start=0)
    return None


def test_combined_report_sums_the_published_reports(
    login: Callable[[str], Client], users: dict[str, User], org: dict[str, Body], lifecycle: Lifecycle
) -> None:
    district = org["district"]
    mine = lifecycle.publish(org["baqiao"], 2020, fixture_report(ZRZ_2020))
    external(users["qu_admin"], org["tiaodeng"], BAQIAO_TXT)
    uploaded = fixture_report(BAQIAO_TXT)
    client = login("qu_viewer")
    page = client.get(f"/oversight/{district.pk}/2020/combined/").content.decode()
    assert "汇总 2 个已发布的年度报告" in page
    # every table cell is the sum of the two inputs (blank is not zero)
    values = dict(re.findall(r'data-code="([a-z0-9_.]+)" data-state="number"[^>]*>([0-9.]+)<', page))
    checked = 0
    for code in mine.codes:
        expected = summed([mine, uploaded], code)
        if expected is None:
            assert code not in values
            continue
        assert Decimal(values[code]) == Decimal(str(expected)), code
        checked += 1
    assert checked > 60
    # the charts: inline SVG, well-formed, with the numbers
    svgs = re.findall(r"<svg .*?</svg>", page, flags=re.S)
    assert len(svgs) >= 3
    for svg in svgs:
        etree.fromstring(svg.encode())
    received = summed([mine, uploaded], "s3.received.natural")
    applicants = next(s for s in svgs if "chart-applicants" in s)
    assert f"自然人：{received}件" in applicants
    assert 'data-chart="chart-outcomes"' in page  # the data table fallback
    assert "八桥镇" in page and "跳磴镇" in page and "外部导入：cq-dadukou-baqiao-2020.txt" in page


def test_combined_with_nothing_published(
    login: Callable[[str], Client], org: dict[str, Body], lifecycle: Lifecycle
) -> None:
    page = login("qu_viewer").get(f"/oversight/{org['district'].pk}/2020/combined/").content.decode()
    assert "没有可以汇总的已发布年度报告" in page and "尚未发布（2）" in page
    response = login("qu_viewer").get(f"/oversight/{org['district'].pk}/2020/combined.xlsx")
    assert response.status_code == 302


def test_combined_excludes_another_template_and_shows_history(
    login: Callable[[str], Client], users: dict[str, User], org: dict[str, Body], lifecycle: Lifecycle
) -> None:
    district = org["district"]
    jiansheng = Body.objects.create(
        name="大渡口区建胜镇人民政府", code="ddk-jiansheng", kind=BodyKind.TOWN, parent=district
    )
    admin = users["qu_admin"]
    external(admin, org["baqiao"], "pingtan-zrz-2021.html", year=2021)
    external(admin, org["tiaodeng"], "pingtan-nyn-2021.html", year=2021)
    external(admin, jiansheng, "pingtan-htp-2021.html", year=2021)  # printed on the 2019 template
    external(admin, org["baqiao"], BAQIAO_TXT, year=2020)
    page = login("qu_viewer").get(f"/oversight/{district.pk}/2021/combined/").content.decode()
    assert "汇总 2 个已发布的年度报告" in page and "1 个未计入" in page
    assert "不是 2021 年度应使用的 2021 版" in page
    zrz, nyn = fixture_report("pingtan-zrz-2021.html"), fixture_report("pingtan-nyn-2021.html")
    history = next(s for s in re.findall(r"<svg .*?</svg>", page, flags=re.S) if "chart-history-counts" in s)
    baqiao_2020 = fixture_report(BAQIAO_TXT).value("s3.received.total")
    both_2021 = summed([zrz, nyn], "s3.received.total")
    assert f"2020年：{baqiao_2020}件" in history and f"2021年：{both_2021}件" in history


def test_downloads(
    login: Callable[[str], Client], users: dict[str, User], org: dict[str, Body], lifecycle: Lifecycle
) -> None:
    district = org["district"]
    mine = lifecycle.publish(org["baqiao"], 2020, fixture_report(ZRZ_2020))
    external(users["qu_admin"], org["tiaodeng"], BAQIAO_TXT)
    uploaded = fixture_report(BAQIAO_TXT)
    client = login("qu_viewer")
    response = client.get(f"/oversight/{district.pk}/2020/combined.xlsx")
    assert response.status_code == 200
    assert "filename*=utf-8''" in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.content))
    assert {"单元格", "各机关状态", "各机关主要数据"} <= set(wb.sheetnames)
    cells = {row[0]: row[3] for row in wb["单元格"].iter_rows(min_row=2, values_only=True)}
    assert cells["s3.received.total"] == summed([mine, uploaded], "s3.received.total")
    statuses = {row[0]: row[4] for row in wb["各机关状态"].iter_rows(min_row=2, values_only=True)}
    assert statuses == {"ddk-baqiao": "已发布", "ddk-tiaodeng": "已发布（外部导入）"}
    figures = list(wb["各机关主要数据"].iter_rows(min_row=1, values_only=True))
    header, rows = figures[0], {r[0]: r for r in figures[1:]}
    column = header.index("新收·总计")
    assert rows["ddk-tiaodeng"][column] == uploaded.value("s3.received.total")
    assert rows["ddk-baqiao"][column] == mine.value("s3.received.total")
    docx = client.get(f"/oversight/{district.pk}/2020/combined.docx")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    back = parse_bytes(docx.content, source="c.docx").report
    assert back.value("s3.received.total") == summed([mine, uploaded], "s3.received.total")
    pdf = client.get(f"/oversight/{district.pk}/2020/combined.pdf")
    assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-"
    assert client.get(f"/oversight/{district.pk}/2020/combined.exe").status_code == 404


def test_upload_pages(login: Callable[[str], Client], org: dict[str, Body], lifecycle: Lifecycle) -> None:
    district, tiaodeng = org["district"], org["tiaodeng"]
    client = login("qu_admin")
    url = f"/oversight/{district.pk}/2020/upload/"
    form = client.get(f"{url}?body={tiaodeng.pk}").content.decode()
    assert f'<option value="{tiaodeng.pk}" selected>' in form
    junk = io.BytesIO(b"\x00\x01\x02" * 40)
    junk.name = "坏文件.pdf"
    response = client.post(url, {"body": tiaodeng.pk, "file": junk})
    assert response.status_code == 200 and "“坏文件.pdf”无法读取为年度报告" in response.content.decode()
    assert not ExternalReport.objects.exists()
    good = io.BytesIO(fixture_bytes(BAQIAO_TXT))
    good.name = "跳磴镇2020年报.txt"
    response = client.post(url, {"body": tiaodeng.pk, "file": good, "published_on": "2021-01-30"})
    row = ExternalReport.objects.get()
    assert response["Location"] == f"/oversight/external/{row.pk}/"
    detail = client.get(response["Location"]).content.decode()
    assert "跳磴镇2020年报.txt" in detail and "重庆市大渡口区八桥镇" in detail and "撤销导入" in detail
    assert client.get(f"/oversight/external/{row.pk}/file").content == fixture_bytes(BAQIAO_TXT)
    response = client.post(f"/oversight/external/{row.pk}/withdraw/", {"reason": "错了"})
    row.refresh_from_db()
    assert not row.current
    # the ZIP page
    zip_page = client.get(f"/oversight/{district.pk}/2020/upload-zip/")
    assert zip_page.status_code == 200
    not_zip = io.BytesIO(b"abc")
    not_zip.name = "a.txt"
    assert (
        "不是 ZIP 压缩包"
        in client.post(f"/oversight/{district.pk}/2020/upload-zip/", {"file": not_zip}).content.decode()
    )


def routes() -> list[tuple[str, str]]:
    """Every route of the app with a sample URL (filled in by the test) and its method."""
    return [
        ("GET", "/oversight/"),
        ("GET", "/oversight/{district}/2020/"),
        ("GET", "/oversight/{district}/2020/combined/"),
        ("GET", "/oversight/{district}/2020/combined.xlsx"),
        ("GET", "/oversight/{district}/2020/upload/"),
        ("POST", "/oversight/{district}/2020/upload/"),
        ("GET", "/oversight/{district}/2020/upload-zip/"),
        ("POST", "/oversight/{district}/2020/upload-zip/"),
        ("GET", "/oversight/external/{external}/"),
        ("GET", "/oversight/external/{external}/file"),
        ("POST", "/oversight/external/{external}/withdraw/"),
    ]


def test_every_route_is_covered() -> None:
    from xxgk.web.oversight.urls import urlpatterns

    names = {p.name for p in urlpatterns if isinstance(p, URLPattern)}
    sample = {"district": 1, "external": 1}
    tried = {resolve(url.format(**sample)).url_name for _, url in routes()}
    assert tried == names


@pytest.fixture
def sample(users: dict[str, User], org: dict[str, Body], lifecycle: Lifecycle) -> dict[str, int]:
    row = external(users["qu_admin"], org["tiaodeng"], BAQIAO_TXT)
    return {"district": org["district"].pk, "external": row.pk}


def test_permissions_on_every_route(
    client: Client, users: dict[str, User], org: dict[str, Body], sample: dict[str, int]
) -> None:
    other = Body.objects.create(name="九龙坡区人民政府", code="jlp", kind=BodyKind.GOVERNMENT)
    Body.objects.create(name="九龙坡区某镇", code="jlp-town", kind=BodyKind.TOWN, parent=other)
    outsider = User.objects.create_user("jlp_admin")
    Membership.objects.create(user=outsider, body=other, role=MemberRole.ADMIN)
    for method, pattern in routes():
        url = pattern.format(**sample)
        send = client.post if method == "POST" else client.get
        client.logout()
        response = send(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
        if url == "/oversight/":
            continue
        for name in ("jlp_admin", "td_clerk", "bq_clerk"):
            client.force_login(User.objects.get(username=name))
            if name == "td_clerk" and "/external/" in url and "withdraw" not in url:
                continue  # the town may read what was uploaded for it
            status = send(url).status_code
            expected = {403} if name == "td_clerk" and "withdraw" in url else {404}
            assert status in expected, (name, method, url, status)
    # the read-only supervisor (a district clerk) cannot write
    clerk = User.objects.create_user("qu_clerk")
    Membership.objects.create(user=clerk, body=org["district"], role=MemberRole.CLERK)
    client.force_login(clerk)
    for method, pattern in routes():
        url = pattern.format(**sample)
        send = client.post if method == "POST" else client.get
        status = send(url).status_code
        writes = "upload" in url or "withdraw" in url
        assert status == (403 if writes else 200), (method, url, status)
    assert ExternalReport.objects.filter(current=True).count() == 1


#: The request id every error page shows (to quote to an operator): the one part of two 404 pages that may differ.
REQUEST_ID = re.compile(r"请求编号：[0-9a-f]+")


def page_of(response: object) -> bytes:
    content: bytes = response.content  # type: ignore[attr-defined]
    return REQUEST_ID.sub("", content.decode()).encode()


def test_another_district_gets_the_404_of_a_missing_object_on_every_route(
    client: Client, users: dict[str, User], org: dict[str, Body], sample: dict[str, int]
) -> None:
    """Signed in as an administrator of another district (or as a user of a town below the district, for the
    district's own pages), every route about the district or its upload answers exactly what it answers for an id
    that does not exist: never the login page, never a different page."""
    other = Body.objects.create(name="九龙坡区人民政府", code="jlp", kind=BodyKind.GOVERNMENT)
    Body.objects.create(name="九龙坡区某镇", code="jlp-town", kind=BodyKind.TOWN, parent=other)
    outsider = User.objects.create_user("jlp_admin")
    Membership.objects.create(user=outsider, body=other, role=MemberRole.ADMIN)
    missing = {"district": 999_999, "external": 999_999}
    for username in ("jlp_admin", "bq_clerk"):
        client.force_login(User.objects.get(username=username))
        for method, pattern in routes():
            if pattern == "/oversight/":
                continue
            send = client.post if method == "POST" else client.get
            mine, absent = send(pattern.format(**sample)), send(pattern.format(**missing))
            where = (username, method, pattern)
            assert mine.status_code == absent.status_code == 404, (*where, mine.status_code, absent.status_code)
            assert page_of(mine) == page_of(absent), where
    # a body that supervises nothing has no overview: the same 404 (八桥镇's clerk, on 八桥镇)
    client.force_login(users["bq_clerk"])
    own = client.get(f"/oversight/{org['baqiao'].pk}/2020/")
    assert own.status_code == 404 and page_of(own) == page_of(client.get("/oversight/999999/2020/"))


def test_overview_queries_do_not_grow_with_bodies(
    login: Callable[[str], Client], users: dict[str, User], org: dict[str, Body], lifecycle: Lifecycle
) -> None:
    """The overview and the combined report (with the figures of two years) run the same number of queries with 3
    and with 30 more bodies — both when every published version's digest is stored and on the first view after
    versions were published (their digests computed and stored then, in one read and one write)."""
    district = org["district"]
    client = login("qu_viewer")
    external(users["qu_admin"], org["tiaodeng"], BAQIAO_TXT)
    lifecycle.publish(org["baqiao"], 2020, fixture_report(ZRZ_2020))
    url, combined = f"/oversight/{district.pk}/2020/", f"/oversight/{district.pk}/2020/combined/"
    client.get(url)  # warm caches (session, content types)
    client.get(combined)

    def grow(start: int, stop: int) -> None:
        for index in range(start, stop):
            town = Body.objects.create(
                name=f"某镇{index}", code=f"ddk-t{index:02d}", kind=BodyKind.TOWN, parent=district
            )
            lifecycle.publish(town, 2019, fixture_report(BAQIAO_TXT))  # the year before: the figures over the years
            if index % 3 == 0:
                lifecycle.publish(town, 2020, fixture_report(BAQIAO_TXT))
            elif index % 3 == 1:
                external(users["qu_admin"], town, BAQIAO_TXT)
            else:
                lifecycle.draft(town, 2020)

    def measure(path: str) -> list[str]:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path)
        assert response.status_code == 200, path
        return [q["sql"] for q in ctx.captured_queries]

    def counts() -> tuple[list[str], list[str], list[str]]:
        first = measure(combined)  # the new versions' digests are computed here (a miss)
        return first, measure(url), measure(combined)

    grow(0, 3)
    few = counts()
    grow(3, 33)
    many = counts()
    page = client.get(url).content.decode()
    assert page.count("<tr data-body=") == 35
    history = client.get(combined).content.decode()
    assert "chart-history-counts" in history and "2019年" in history
    for name, small, big in zip(("first combined view", "overview", "combined"), few, many, strict=True):
        assert len(big) == len(small), (name, len(small), len(big), big)
    assert len(many[0]) > len(many[2])  # the first view did store digests


def test_report_published_through_the_reports_services(
    login: Callable[[str], Client],
    users: dict[str, User],
    org: dict[str, Body],
    lifecycle: Lifecycle,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from xxgk.web.reports import services as report_services

    monkeypatch.setattr(report_services, "PUBLISH_FORMATS", ("json", "html"))  # PDF and DOCX are slow
    district, baqiao = org["district"], org["baqiao"]
    add_replied_cases(baqiao, users["bq_clerk"], 2020, {"granted": 3, "partial": 2, "unable_not_found": 1})
    client = login("qu_viewer")
    assert status_of(client.get(f"/oversight/{district.pk}/2020/").content.decode(), "ddk-baqiao") == "not_started"
    report_services.report_start(actor=users["bq_clerk"], body_id=baqiao.pk, year=2020)
    assert status_of(client.get(f"/oversight/{district.pk}/2020/").content.decode(), "ddk-baqiao") == "drafting"
    published = publish_through_services(users=users, body=baqiao, year=2020)
    assert published.value("s3.received.natural") == 6
    page = client.get(f"/oversight/{district.pk}/2020/").content.decode()
    assert status_of(page, "ddk-baqiao") == "published"
    row = page[page.index('data-body="ddk-baqiao"') :]
    row = row[: row.index("</tr>")]
    version_url = f"/reports/{baqiao.pk}/2020/v1/"
    assert "第 1 版" in row and f'href="{version_url}"' in row  # links to the body's published version
    assert client.get(version_url).status_code == 200
    assert client.get(f"{version_url}download/html/").status_code == 200
    combined = client.get(f"/oversight/{district.pk}/2020/combined/").content.decode()
    assert "汇总 1 个已发布的年度报告" in combined
    assert re.search(r'data-code="s3.received.natural" data-state="number"[^>]*>6<', combined)
    assert re.search(r'data-code="s3.granted.total" data-state="number"[^>]*>3<', combined)
    applicants = next(s for s in re.findall(r"<svg .*?</svg>", combined, flags=re.S) if "chart-applicants" in s)
    assert "自然人：6件" in applicants
