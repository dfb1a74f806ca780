"""The work list as XLSX: same columns and rows as the CSV, typed cells, header, filter, widths, safe, stable."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from tests.web.cases.conftest import Register
from xxgk.web.cases.export import XLSX_CONTENT_TYPE, export_csv, export_xlsx
from xxgk.web.cases.selectors import CSV_HEADER

pytestmark = pytest.mark.django_db


def _sheet(response: object) -> object:
    wb = load_workbook(io.BytesIO(response.content))  # type: ignore[attr-defined]
    return wb.active


def _csv_rows(client: Client, query: str = "") -> list[list[str]]:
    response = client.get("/cases/export.csv" + query)
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_xlsx_has_the_csv_columns_and_rows_with_typed_cells(login: object, register: Register) -> None:
    register(name="赵六", content="某路段道路拓宽工程的规划许可证及附图", contact="13911110001")
    register(name="钱七", content="财政预算", on=date(2026, 3, 3), contact="13911110002")
    client: Client = login("bq_clerk")  # type: ignore[operator]
    response = client.get("/cases/export.xlsx")
    assert response.status_code == 200 and response["Content-Type"] == XLSX_CONTENT_TYPE
    assert 'filename="xxgk-cases.xlsx"' in response["Content-Disposition"]
    ws = _sheet(response)
    rows = [list(r) for r in ws.iter_rows(values_only=True)]  # type: ignore[attr-defined]
    assert tuple(rows[0]) == CSV_HEADER
    csv_rows = _csv_rows(client)
    assert len(rows) == len(csv_rows) == 3
    received = CSV_HEADER.index("收到申请之日")
    for xrow, crow in zip(rows[1:], csv_rows[1:], strict=True):
        assert isinstance(xrow[received], datetime)  # a real date cell, not text
        text = ["" if v is None else v.date().isoformat() if isinstance(v, datetime) else str(v) for v in xrow]
        assert text == crow
    assert ws.freeze_panes == "A2"  # type: ignore[attr-defined]
    assert ws.auto_filter.ref == f"A1:M{len(rows)}"  # type: ignore[attr-defined]
    assert ws["A1"].font.bold  # type: ignore[index]
    assert ws.cell(row=2, column=received + 1).number_format == "yyyy-mm-dd"  # type: ignore[attr-defined]
    content_width = ws.column_dimensions["F"].width  # type: ignore[attr-defined]
    number_width = ws.column_dimensions["A"].width  # type: ignore[attr-defined]
    assert content_width == 2 * len("某路段道路拓宽工程的规划许可证及附图") + 2  # wide characters count twice
    assert number_width == len("2026-0001") + 2


def test_xlsx_follows_the_filters_and_the_visible_bodies(login: object, register: Register) -> None:
    a = register(name="赵六", content="道路规划", contact="13911110001")
    b = register(name="钱七", content="财政预算", contact="13911110002")
    td = register(body="tiaodeng", clerk="td_clerk", name="孙八", contact="13911110003")
    client: Client = login("bq_clerk")  # type: ignore[operator]
    numbers = [r[0].value for r in _sheet(client.get("/cases/export.xlsx?q=道路")).iter_rows(min_row=2)]  # type: ignore[attr-defined]
    assert numbers == [a.number]
    all_numbers = {r[0].value for r in _sheet(client.get("/cases/export.xlsx")).iter_rows(min_row=2)}  # type: ignore[attr-defined]
    assert all_numbers == {a.number, b.number}  # 跳磴镇's case is not exported to 八桥镇 (its number 2026-0001 == a's)
    assert td.body_id != a.body_id
    with CaptureQueriesContext(connection) as ctx:
        client.get("/cases/export.xlsx")
    assert len(ctx.captured_queries) < 10


def test_xlsx_never_writes_a_formula(login: object, register: Register) -> None:
    register(name='=HYPERLINK("http://x","y")', content="+1+1\x07 控制字符", contact="13911110001")
    client: Client = login("bq_clerk")  # type: ignore[operator]
    ws = _sheet(client.get("/cases/export.xlsx"))
    name = ws.cell(row=2, column=3)  # type: ignore[attr-defined]
    assert name.value == '=HYPERLINK("http://x","y")' and name.data_type == "s" and name.quotePrefix
    content = ws.cell(row=2, column=6)  # type: ignore[attr-defined]
    assert content.value == "+1+1 控制字符" and content.data_type == "s"  # control character dropped


def test_xlsx_is_deterministic() -> None:
    rows = [
        ("2026-0001", "八桥镇", "张三", "自然人", "当面", "内容", date(2026, 3, 2), "办理中", None, "", "", None, "x"),
        ("2026-0002", "八桥镇", "=1+1", "自然人", "当面", "@内容", date(2026, 3, 2), "办理中", None, "", "", None, "-"),
    ]
    first = export_xlsx(CSV_HEADER, rows)
    assert export_xlsx(CSV_HEADER, rows) == first
    assert export_xlsx(CSV_HEADER, [*rows, rows[0]]) != first
    assert export_xlsx(CSV_HEADER, []) != first  # an empty list still has its header


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_neutralised_in_csv_and_xlsx(start: str) -> None:
    text = f'{start}HYPERLINK("http://x","y")'
    received = CSV_HEADER.index("收到申请之日")
    row = ["2026-0001", "八桥镇", text, "自然人", "当面", f"{start}1+1", "2026-03-02", "办理中", "", "", "", "", "-1"]
    csv_rows = list(csv.reader(io.StringIO(export_csv(CSV_HEADER, [row]).removeprefix("\ufeff"), newline="")))
    assert csv_rows[1][2] == "'" + text and csv_rows[1][5] == f"'{start}1+1" and csv_rows[1][12] == "'-1"
    assert csv_rows[1][0] == "2026-0001" and csv_rows[1][received] == "2026-03-02"  # other text as it is
    typed = [date(2026, 3, 2) if i == received else v or None for i, v in enumerate(row)]
    data = export_xlsx(CSV_HEADER, [typed])
    assert export_xlsx(CSV_HEADER, [typed]) == data
    ws = load_workbook(io.BytesIO(data)).active
    for column, value in ((3, text), (6, f"{start}1+1"), (13, "-1")):
        cell = ws.cell(row=2, column=column)
        assert (cell.value, cell.data_type, cell.quotePrefix) == (value, "s", True)
    assert not ws["A2"].quotePrefix and ws.cell(row=2, column=received + 1).value.date() == date(2026, 3, 2)


def test_export_pages_need_login_and_show_links(client: Client, login: object, users: dict[str, User]) -> None:
    response = client.get("/cases/export.xlsx")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    clerk: Client = login("bq_clerk")  # type: ignore[operator]
    page = clerk.get("/cases/?view=open").content.decode()
    assert 'href="/cases/export.xlsx?view=open"' in page and 'href="/cases/export.csv?view=open"' in page
    nobody: Client = login("nobody")  # type: ignore[operator]
    ws = _sheet(nobody.get("/cases/export.xlsx"))
    assert ws.max_row == 1  # type: ignore[attr-defined]
