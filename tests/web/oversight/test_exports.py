"""The combined report's XLSX download is deterministic: the same data gives byte-identical files, even when
downloaded at another time, and the file still opens with the expected content."""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client
from openpyxl import load_workbook

from tests.web.oversight.conftest import Lifecycle, fixture_bytes, fixture_report
from xxgk.render.zipfix import ZIP_TIME
from xxgk.web.oversight.services import external_report_upload
from xxgk.web.tenancy.models import Body, BodyKind

pytestmark = pytest.mark.django_db

DAY = 24 * 3600
ZRZ_2020 = "pingtan-zrz-2020.html"
BAQIAO_TXT = "cq-dadukou-baqiao-2020.txt"


def later(monkeypatch: pytest.MonkeyPatch, fetch: Callable[[], bytes], *, days: int = 3) -> bytes:
    """``fetch()`` with the clock that ZIP writers read (``time.time``) moved ``days`` ahead."""
    real = time.time
    with monkeypatch.context() as m:
        m.setattr(time, "time", lambda: real() + days * DAY)
        return fetch()


def test_combined_xlsx_is_byte_identical(
    login: Callable[[str], Client],
    users: dict[str, User],
    org: dict[str, Body],
    lifecycle: Lifecycle,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    district = org["district"]
    mine = lifecycle.publish(org["baqiao"], 2020, fixture_report(ZRZ_2020))
    external_report_upload(
        actor=users["qu_admin"],
        body_id=org["tiaodeng"].pk,
        year=2020,
        filename=BAQIAO_TXT,
        data=fixture_bytes(BAQIAO_TXT),
    )
    client = login("qu_viewer")
    url = f"/oversight/{district.pk}/2020/combined.xlsx"

    def fetch() -> bytes:
        response = client.get(url)
        assert response.status_code == 200
        return bytes(response.content)

    first = fetch()
    assert later(monkeypatch, fetch) == first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {info.date_time for info in archive.infolist()} == {ZIP_TIME}
        assert "2000-01-01T00:00:00Z" in archive.read("docProps/core.xml").decode()
    wb = load_workbook(io.BytesIO(first))
    assert {"单元格", "各机关状态", "各机关主要数据"} <= set(wb.sheetnames)
    statuses = {row[0]: row[4] for row in wb["各机关状态"].iter_rows(min_row=2, values_only=True)}
    assert statuses == {"ddk-baqiao": "已发布", "ddk-tiaodeng": "已发布（外部导入）"}
    figures = list(wb["各机关主要数据"].iter_rows(values_only=True))
    column = figures[0].index("新收·总计")
    assert {r[0]: r[column] for r in figures[1:]}["ddk-baqiao"] == mine.value("s3.received.total")
    # other data, other bytes: a new subordinate body appears in the status sheet
    Body.objects.create(name="大渡口区建胜镇人民政府", code="ddk-jiansheng", kind=BodyKind.TOWN, parent=district)
    assert fetch() != first


def test_combined_xlsx_drops_control_characters_of_a_body_name(
    login: Callable[[str], Client], org: dict[str, Body], lifecycle: Lifecycle
) -> None:
    org["tiaodeng"].name = "大渡口区跳磴镇\x0b人民政府"
    org["tiaodeng"].save(update_fields=["name"])
    lifecycle.publish(org["baqiao"], 2020, fixture_report(ZRZ_2020))
    response = login("qu_viewer").get(f"/oversight/{org['district'].pk}/2020/combined.xlsx")
    assert response.status_code == 200
    names = {
        row[0]: row[1]
        for row in load_workbook(io.BytesIO(response.content))["各机关状态"].iter_rows(min_row=2, values_only=True)
    }
    assert names["ddk-tiaodeng"] == "大渡口区跳磴镇人民政府"


#: Every start that makes a spreadsheet take a cell for a formula (or hides one).
FORMULA_STARTS = ["=", "+", "-", "@", "\t", "\r"]


def test_combined_xlsx_never_writes_a_formula_and_keeps_numbers(
    login: Callable[[str], Client], org: dict[str, Body], lifecycle: Lifecycle, monkeypatch: pytest.MonkeyPatch
) -> None:
    district = org["district"]
    for n, start in enumerate(FORMULA_STARTS):
        Body.objects.create(name=f'{start}HYPERLINK("x")', code=f"ddk-f{n}", kind=BodyKind.TOWN, parent=district)
    org["baqiao"].name = "=1+1八桥镇"
    org["baqiao"].save(update_fields=["name"])
    mine = lifecycle.publish(org["baqiao"], 2020, fixture_report(ZRZ_2020))
    client = login("qu_viewer")

    def fetch() -> bytes:
        response = client.get(f"/oversight/{district.pk}/2020/combined.xlsx")
        assert response.status_code == 200
        return bytes(response.content)

    first = fetch()
    assert later(monkeypatch, fetch) == first  # still byte-identical
    wb = load_workbook(io.BytesIO(first))
    names = {row[0].value: row[1] for row in wb["各机关状态"].iter_rows(min_row=2)}
    for n, start in enumerate(FORMULA_STARTS):
        cell = names[f"ddk-f{n}"]
        assert (cell.value, cell.data_type, cell.quotePrefix) == (f'{start}HYPERLINK("x")', "s", True), repr(start)
    assert not names["ddk-tiaodeng"].quotePrefix
    figures = list(wb["各机关主要数据"].iter_rows())
    column = [c.value for c in figures[0]].index("新收·总计")
    baqiao = next(row for row in figures[1:] if row[0].value == "ddk-baqiao")
    assert (baqiao[1].value, baqiao[1].data_type, baqiao[1].quotePrefix) == ("=1+1八桥镇", "s", True)
    total = baqiao[column]
    assert (total.value, total.data_type, total.quotePrefix) == (mine.value("s3.received.total"), "n", False)
    for ws in wb:
        assert all(cell.data_type != "f" for row in ws.iter_rows() for cell in row)
