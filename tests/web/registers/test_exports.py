"""XLSX exports and templates of the registers are deterministic: the same data gives byte-identical files, even
when exported at another time, and the files still open with the expected content."""

from __future__ import annotations

import csv
import io
import time
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from functools import partial

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.web.registers.conftest import doc_data, procurement
from xxgk.render.zipfix import ZIP_TIME
from xxgk.web.registers.services import document_create, figures_import
from xxgk.web.registers.sheets import write_csv, write_xlsx
from xxgk.web.tenancy.models import Body

pytestmark = pytest.mark.django_db

DAY = 24 * 3600


def later(monkeypatch: pytest.MonkeyPatch, get: Callable[[], bytes], *, days: int = 3) -> bytes:
    """``get()`` with the clock that ZIP writers read (``time.time``) moved ``days`` ahead."""
    real = time.time
    with monkeypatch.context() as m:
        m.setattr(time, "time", lambda: real() + days * DAY)
        return get()


def fetch(client: Client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200
    return bytes(response.content)


def day(value: object) -> date:
    """A date cell as read back (openpyxl reads dates as datetimes)."""
    assert isinstance(value, datetime)
    return value.date()


def assert_fixed_stamps(data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert {info.date_time for info in archive.infolist()} == {ZIP_TIME}
        core = archive.read("docProps/core.xml").decode()
    assert "2000-01-01T00:00:00Z" in core


def test_document_export_is_byte_identical(
    login: Callable[[str], Client], users: dict[str, User], org: dict[str, Body], monkeypatch: pytest.MonkeyPatch
) -> None:
    body = org["baqiao"]
    document_create(actor=users["bq_clerk"], body_id=body.pk, data=doc_data(title="关于印发甲办法的通知"))
    document_create(
        actor=users["bq_clerk"],
        body_id=body.pk,
        data=doc_data("八桥府发〔2020〕2号", title="=乙办法", note="备注\t说明", effective_on=date(2020, 4, 1)),
    )
    client = login("bq_clerk")
    url = f"/registers/{body.pk}/export/documents.xlsx"
    first = fetch(client, url)
    assert later(monkeypatch, partial(fetch, client, url)) == first
    assert_fixed_stamps(first)
    wb = openpyxl.load_workbook(io.BytesIO(first))
    assert wb.sheetnames == ["数据", "填写说明"]
    rows = list(wb["数据"].iter_rows(values_only=True))
    assert rows[0][:3] == ("类别", "标题", "文号")
    by_number = {row[2]: row for row in rows[1:]}
    assert set(by_number) == {"八桥府发〔2020〕1号", "八桥府发〔2020〕2号"}
    one, two = by_number["八桥府发〔2020〕1号"], by_number["八桥府发〔2020〕2号"]
    assert one[1] == "关于印发甲办法的通知" and day(one[3]) == date(2020, 3, 2)
    assert two[1] == "=乙办法" and day(two[5]) == date(2020, 4, 1) and two[9] == "备注\t说明"
    title = wb["数据"].cell(row=rows.index(two) + 1, column=2)
    assert title.data_type == "s" and title.quotePrefix  # text, never a formula
    # other data, other bytes
    document_create(actor=users["bq_clerk"], body_id=body.pk, data=doc_data("八桥府发〔2020〕3号"))
    assert fetch(client, url) != first


def test_figure_export_and_templates_are_byte_identical(
    login: Callable[[str], Client], users: dict[str, User], org: dict[str, Body], monkeypatch: pytest.MonkeyPatch
) -> None:
    body = org["baqiao"]
    figures_import(actor=users["bq_clerk"], body_id=body.pk, rows=[(2, procurement(amount="589.08"))])
    client = login("bq_clerk")
    for url in (
        f"/registers/{body.pk}/export/figures.xlsx",
        "/registers/template/figures.xlsx",
        "/registers/template/documents.xlsx",
    ):
        first = bytes(client.get(url).content)
        assert later(monkeypatch, partial(fetch, client, url)) == first, url
        assert_fixed_stamps(first)
    data = client.get(f"/registers/{body.pk}/export/figures.xlsx").content
    rows = list(openpyxl.load_workbook(io.BytesIO(data))["数据"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == 1
    assert rows[0][0] == 2020 and rows[0][5] == 95 and Decimal(str(rows[0][6])) == Decimal("589.08")
    assert rows[0][8] == "采购平台"


def test_export_drops_control_characters_a_worksheet_cannot_hold(
    login: Callable[[str], Client], users: dict[str, User], org: dict[str, Body]
) -> None:
    body = org["baqiao"]
    document_create(actor=users["bq_clerk"], body_id=body.pk, data=doc_data(title="甲\x0b乙办法", note="页\x0c尾"))
    client = login("bq_clerk")
    response = client.get(f"/registers/{body.pk}/export/documents.xlsx")
    assert response.status_code == 200
    row = next(openpyxl.load_workbook(io.BytesIO(response.content))["数据"].iter_rows(min_row=2, values_only=True))
    assert (row[1], row[9]) == ("甲乙办法", "页尾")
    csv_text = client.get(f"/registers/{body.pk}/export/documents.csv").content.decode("utf-8-sig")
    assert "甲\x0b乙办法" in csv_text  # the CSV keeps the text as stored


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_neutralised_and_numbers_are_not(start: str) -> None:
    header = ["标题", "本年增/减", "金额", "制发日期", "备注"]
    rows = [[f"{start}1+1", -2, Decimal("-1.5"), date(2020, 3, 2), "甲=乙"]]
    text = write_csv(header, rows).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text, newline="")))[1] == [f"'{start}1+1", "-2", "-1.5", "2020-03-02", "甲=乙"]
    data = write_xlsx(header, rows, notes=[f"{start}说明"])
    assert write_xlsx(header, rows, notes=[f"{start}说明"]) == data
    wb = openpyxl.load_workbook(io.BytesIO(data))
    a2, b2, c2, d2, e2 = next(wb["数据"].iter_rows(min_row=2))
    assert (a2.value, a2.data_type, a2.quotePrefix) == (f"{start}1+1", "s", True)
    assert (b2.value, b2.data_type, c2.value, c2.data_type) == (-2, "n", -1.5, "n")
    assert not (b2.quotePrefix or c2.quotePrefix or d2.quotePrefix or e2.quotePrefix)
    assert day(d2.value) == date(2020, 3, 2) and e2.value == "甲=乙"
    note = wb["填写说明"]["A1"]
    assert (note.value, note.data_type, note.quotePrefix) == (f"{start}说明", "s", True)
