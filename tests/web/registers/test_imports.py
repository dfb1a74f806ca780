"""CSV/XLSX import of yearly figures and documents: every row checked first, errors per row and column, all or
nothing; junk, formulas, oversized files and zip bombs refused; templates and exports round-trip and are safe."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.web.registers.conftest import new_of
from xxgk.web.audit.codes import AuditCode
from xxgk.web.audit.models import AuditEvent
from xxgk.web.registers.data import FigureData, ImportRejected
from xxgk.web.registers.models import DocumentAmendment, NormativeDocument, YearlyFigure
from xxgk.web.registers.services import documents_import, figures_import
from xxgk.web.registers.sheets import (
    MAX_ROWS,
    MAX_UPLOAD_BYTES,
    parse_documents,
    parse_figures,
    read_table,
)
from xxgk.web.tenancy.models import Body

pytestmark = pytest.mark.django_db

FIGURE_HEADER = (
    "年度,项目,上一年项目数量,本年增/减,处理决定数量,采购项目数量,采购总金额（万元）,本年收费金额（万元）,数据来源"
)
DOC_HEADER = "类别,标题,文号,制发日期,公开日期,施行日期,有效期至,废止日期,修改日期,备注"


def csv_bytes(*lines: str, encoding: str = "utf-8-sig") -> bytes:
    return ("\n".join(lines) + "\n").encode(encoding)


def xlsx_bytes(rows: Sequence[Sequence[object]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def figures(data: bytes, name: str = "f.csv") -> list[tuple[int, FigureData]]:
    return parse_figures(read_table(name=name, data=data), latest_year=2026)


def rejected(fn: Callable[[], object]) -> list[str]:
    with pytest.raises(ImportRejected) as info:
        fn()
    return [str(e) for e in info.value.errors]


# -- parsing ----------------------------------------------------------------------------------------------------


def test_good_figures_csv() -> None:
    rows = figures(
        csv_bytes(
            FIGURE_HEADER,
            "2020,行政许可,12,-3,140,,,,区政务服务平台",
            "2020,政府集中采购,,,,95个,5890800元,,采购云平台",
            "2021,行政事业性收费,,,,,,12.5万元,非税收入系统",
            ",,,,,,,,",  # blank lines are skipped
        )
    )
    assert [n for n, _ in rows] == [2, 3, 4]
    _, procurement = rows[1]
    assert (procurement.projects, procurement.amount) == (95, Decimal("589.08"))
    assert rows[2][1].amount == Decimal("12.5")


def test_each_kind_of_bad_figure_row_is_reported_with_row_and_column() -> None:
    errors = rejected(
        lambda: figures(
            csv_bytes(
                FIGURE_HEADER,
                "2020,行政许可,12,-3,140,,,,平台",
                "2020,政府集中采购,,,,95,abc,,平台",
                "2020,行政处罚,1,2,,,,,平台",
                "2021,行政许可,5,,9,,,,平台",
                "2018,行政许可,,,1,,,,平台",
                "2020,行政许可,1,0,1,,,,",
                "2020,水电费,,,1,,,,平台",
                "2021,政府集中采购,,,,3,1,,平台",
                "2020,行政强制,-1,0,1,,,,平台",
                "2020,行政许可,1,0,1,,,,重复",
                "2020,政府集中采购,,,,1,1,2,平台",
            )
        )
    )
    assert errors == [
        "第3行「采购总金额（万元）」：应为数字，实际为 'abc'",
        "第4行「处理决定数量」：不能为空（没有请填 0）",
        "第5行「上一年项目数量」：2021年的报告模板中「行政许可」没有「上一年项目数量」栏，请留空",
        "第6行「年度」：应为 2019—2026 之间的年份，实际为 '2018'",
        "第7行「数据来源」：不能为空",
        "第8行「项目」：应为行政许可、其他对外管理服务事项、行政处罚、行政强制、行政事业性收费、政府集中采购之一，"
        "实际为 '水电费'",
        "第9行「项目」：2021年起的年度报告模板没有「政府集中采购」这一项",
        "第10行「上一年项目数量」：不能为负数，实际为 '-1'",
        "第11行「项目」：2020年「行政许可」与第2行重复",
        "第12行「本年收费金额（万元）」：「政府集中采购」不填这一栏，请留空",
    ]


def test_missing_columns_and_empty_files() -> None:
    assert rejected(lambda: figures(csv_bytes("年度,项目,处理决定数量", "2021,行政许可,3"))) == [
        "第1行「数据来源」：缺少这一列（请使用下载的模板）"
    ]
    assert rejected(lambda: figures(csv_bytes(FIGURE_HEADER))) == ["文件中没有数据行"]
    assert rejected(lambda: figures(b"   \n")) == ["文件是空的"]


def test_gbk_csv_and_tab_separated_text_are_read() -> None:
    data = csv_bytes(FIGURE_HEADER, "2021,行政许可,,,7,,,,平台", encoding="gb18030")
    assert figures(data)[0][1].decisions == 7
    tabbed = csv_bytes(FIGURE_HEADER.replace(",", "\t"), "2021\t行政处罚\t\t\t4\t\t\t\t执法系统")
    assert figures(tabbed, "f.txt")[0][1].decisions == 4


def test_good_figures_xlsx_with_numbers_and_dates() -> None:
    data = xlsx_bytes(
        [
            FIGURE_HEADER.split(","),
            [2020, "政府集中采购", None, None, None, 95, 589.08, None, "采购云平台"],
            [2021, "行政许可", None, None, None, None, None, None, "平台"],
        ]
    )
    errors = rejected(lambda: figures(data, "f.xlsx"))
    assert errors == ["第3行「处理决定数量」：不能为空（没有请填 0）"]


def test_xlsx_formulas_are_refused() -> None:
    data = xlsx_bytes(
        [FIGURE_HEADER.split(","), [2020, "政府集中采购", None, None, None, "=90+5", "=SUM(1,2)", None, "平台"]]
    )
    assert rejected(lambda: read_table(name="f.xlsx", data=data)) == [
        "第2行「第6列」：不接受公式，请改为填写数值或文字",
        "第2行「第7列」：不接受公式，请改为填写数值或文字",
    ]


def test_xlsx_text_starting_with_equals_is_text_only_when_quote_prefixed() -> None:
    """Excel stores what a user types as ``'=x`` (and the exports write) as the string ``=x`` with the quote
    prefix: that is text. The same string without the prefix turns into a formula when edited: refused."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(DOC_HEADER.split(","))
    ws.append(["行政规范性文件", "=甲办法", "=乙号", date(2020, 3, 2)])
    ws["B2"].data_type = ws["C2"].data_type = "s"
    ws["B2"].quotePrefix = True
    buf = io.BytesIO()
    wb.save(buf)
    assert rejected(lambda: read_table(name="d.xlsx", data=buf.getvalue())) == [
        "第2行「第3列」：不接受公式，请改为填写数值或文字"
    ]
    ws["C2"].quotePrefix = True
    buf = io.BytesIO()
    wb.save(buf)
    [(_number, data)] = parse_documents(read_table(name="d.xlsx", data=buf.getvalue()))
    assert (data.title, data.doc_number) == ("=甲办法", "=乙号")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("f.pdf", b"%PDF-1.4 junk", "只接受 CSV 或 XLSX 文件"),
        ("f.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "不支持旧版 Excel（.xls）文件"),
        ("f.csv", b"\x00\x01\x02binary", "含有二进制内容"),
        ("f.xlsx", b"PK\x03\x04 not really a zip", "不是有效的 XLSX 文件"),
    ],
)
def test_junk_files_are_refused(name: str, data: bytes, message: str) -> None:
    errors = rejected(lambda: read_table(name=name, data=data))
    assert len(errors) == 1 and message in errors[0]


def test_a_zip_that_is_not_a_workbook_is_refused() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "hi")
    assert "不是有效的 XLSX 文件" in rejected(lambda: read_table(name="f.xlsx", data=buf.getvalue()))[0]


def test_zip_bombs_and_oversized_files_are_refused() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"0" * (50 * 1024 * 1024))
    bomb = buf.getvalue()
    assert len(bomb) < MAX_UPLOAD_BYTES
    assert "解压后过大" in rejected(lambda: read_table(name="f.xlsx", data=bomb))[0]
    big = b"a" * (MAX_UPLOAD_BYTES + 1)
    assert "文件过大" in rejected(lambda: read_table(name="f.csv", data=big))[0]


def test_too_many_rows_are_refused() -> None:
    data = csv_bytes(FIGURE_HEADER, *["2021,行政许可,,,1,,,,平台"] * (MAX_ROWS + 1))
    assert "行数超过上限" in rejected(lambda: read_table(name="f.csv", data=data))[0]


def test_documents_parse_dates_in_many_forms_and_check_lifecycles() -> None:
    data = csv_bytes(
        DOC_HEADER,
        "规范性文件,关于A的通知,A号,2020/3/2,2020年3月5日,20200401,,,2021-06-01；2022-01-05,",
        "规章,关于B的规定,B号,2020-13-01,,,,,,",
        "行政规范性文件,关于C的通知,C号,2020-03-02,2020-03-01,,,2020-03-02,,",
        "行政规范性文件,,A号,2020-03-02,,,,,,",
    )
    errors = rejected(lambda: parse_documents(read_table(name="d.csv", data=data)))
    assert errors == [
        "第3行「制发日期」：应为日期（如 2020-05-01），实际为 '2020-13-01'",
        "第4行「公开日期」：公开日期不能早于制发日期",
        "第4行「废止日期」：废止日期应晚于制发日期",
        "第5行「标题」：不能为空",
        "第5行「文号」：与第2行重复",
    ]
    good = parse_documents(read_table(name="d.csv", data=csv_bytes(DOC_HEADER, "规章,关于B,B号,2020-01-02,,,,,,")))
    assert good[0][1].kind.value == "regulation"


# -- services: all or nothing -------------------------------------------------------------------------------------


def test_figures_import_all_or_nothing(users: dict[str, User], org: dict[str, Body]) -> None:
    body = org["baqiao"].pk
    good = figures(csv_bytes(FIGURE_HEADER, "2020,政府集中采购,,,,95,589.08,,平台", "2021,行政许可,,,3,,,,平台"))
    summary = figures_import(actor=users["bq_clerk"], body_id=body, rows=good, filename="a.csv")
    assert (summary.created, summary.updated) == (2, 0)
    again = figures(csv_bytes(FIGURE_HEADER, "2020,政府集中采购,,,,96,589.08,,平台", "2021,行政许可,,,3,,,,平台"))
    summary = figures_import(actor=users["bq_clerk"], body_id=body, rows=again, filename="b.csv")
    assert (summary.created, summary.updated) == (0, 1)
    assert YearlyFigure.objects.get(year=2020).projects == 96
    imported = AuditEvent.objects.filter(code=AuditCode.REGISTER_FIGURES_IMPORTED).order_by("id")
    assert [new_of(e)["file"] for e in imported] == ["a.csv", "b.csv"]


def test_documents_import_creates_updates_and_rolls_back(users: dict[str, User], org: dict[str, Body]) -> None:
    body = org["baqiao"].pk
    rows = parse_documents(
        read_table(
            name="d.csv",
            data=csv_bytes(
                DOC_HEADER,
                "行政规范性文件,关于A的通知,A号,2020-03-02,2020-03-05,,,,2021-06-01,",
                "规章,关于B的规定,B号,2021-01-05,,,,,,",
            ),
        )
    )
    assert documents_import(actor=users["bq_clerk"], body_id=body, rows=rows).created == 2
    assert DocumentAmendment.objects.get().amended_on == date(2021, 6, 1)
    # second file: A is updated (repealed), C is new, but D conflicts with A's recorded amendment → nothing at all
    rows = parse_documents(
        read_table(
            name="d.csv",
            data=csv_bytes(
                DOC_HEADER,
                "行政规范性文件,关于A的通知,A号,2020-03-02,2020-03-05,,,2023-01-01,,",
                "行政规范性文件,关于C的通知,C号,2022-03-02,,,,,,",
                "行政规范性文件,关于A的通知（改）,A号2,2020-03-02,,,,,,",
            ),
        )
    )
    bad = [*rows[:2], (4, replace(rows[0][1], repealed_on=date(2021, 1, 1)))]
    errors = rejected(lambda: documents_import(actor=users["bq_clerk"], body_id=body, rows=bad))
    assert errors == ["第4行：修改日期 2021-06-01 应早于废止日期"]
    assert NormativeDocument.objects.count() == 2
    assert NormativeDocument.objects.get(doc_number="A号").repealed_on is None
    before = AuditEvent.objects.count()
    summary = documents_import(actor=users["bq_clerk"], body_id=body, rows=rows)
    assert (summary.created, summary.updated) == (2, 1)
    assert NormativeDocument.objects.get(doc_number="A号").repealed_on == date(2023, 1, 1)
    assert AuditEvent.objects.count() == before + 4  # 2 created, 1 edited, 1 import summary


# -- the pages ------------------------------------------------------------------------------------------------------


def upload(client: Client, body: Body, what: str, name: str, data: bytes) -> str:
    response = client.post(f"/registers/{body.pk}/import/{what}/", {"file": SimpleUploadedFile(name, data)})
    if response.status_code == 302:
        return "redirect:" + client.get(response["Location"]).content.decode()
    assert response.status_code == 200
    return response.content.decode()


def test_import_page_reports_every_error_and_imports_nothing(
    login: Callable[[str], Client], org: dict[str, Body]
) -> None:
    client = login("bq_clerk")
    page = upload(
        client,
        org["baqiao"],
        "figures",
        "f.csv",
        csv_bytes(FIGURE_HEADER, "2020,行政许可,1,0,1,,,,平台", "2020,政府集中采购,,,,95,abc,,平台"),
    )
    assert "未导入任何数据" in page and "第3行「采购总金额（万元）」：应为数字，实际为 &#x27;abc&#x27;" in page
    assert not YearlyFigure.objects.exists()
    page = upload(client, org["baqiao"], "figures", "f.csv", csv_bytes(FIGURE_HEADER, "2020,行政许可,1,0,1,,,,平台"))
    assert page.startswith("redirect:") and "导入成功：新增 1 条，更新 0 条" in page
    assert YearlyFigure.objects.count() == 1


def test_import_page_refuses_an_oversized_upload(login: Callable[[str], Client], org: dict[str, Body]) -> None:
    page = upload(login("bq_clerk"), org["baqiao"], "figures", "f.csv", b"x" * (MAX_UPLOAD_BYTES + 10))
    assert "文件过大" in page and not YearlyFigure.objects.exists()


@pytest.mark.parametrize("what", ["figures", "documents"])
def test_downloaded_templates_import_as_they_are(
    login: Callable[[str], Client], org: dict[str, Body], what: str
) -> None:
    client = login("bq_clerk")
    for fmt in ("xlsx", "csv"):
        response = client.get(f"/registers/template/{what}.{fmt}")
        assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
        page = upload(client, org["baqiao"], what, f"t.{fmt}", response.content)
        assert page.startswith("redirect:") and "导入成功" in page, page[:3000]
    wb = openpyxl.load_workbook(io.BytesIO(client.get(f"/registers/template/{what}.xlsx").content))
    assert wb.sheetnames == ["数据", "填写说明"]


def test_exports_are_formula_safe_and_round_trip(
    login: Callable[[str], Client], users: dict[str, User], org: dict[str, Body]
) -> None:
    client = login("bq_clerk")
    body = org["baqiao"]
    rows = parse_documents(
        read_table(
            name="d.csv", data=csv_bytes(DOC_HEADER, '行政规范性文件,=HYPERLINK("http://x"),+A号,2020-03-02,,,,,,@note')
        )
    )
    documents_import(actor=users["bq_clerk"], body_id=body.pk, rows=rows)
    doc = NormativeDocument.objects.get()
    assert doc.title == '=HYPERLINK("http://x")' and doc.doc_number == "+A号"  # stored as typed
    exported = client.get(f"/registers/{body.pk}/export/documents.csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in exported and "'+A号" in exported and "'@note" in exported
    xlsx_export = client.get(f"/registers/{body.pk}/export/documents.xlsx").content
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_export)).worksheets[0]
    for ref, text in (("B2", '=HYPERLINK("http://x")'), ("C2", "+A号"), ("J2", "@note")):
        assert (sheet[ref].value, sheet[ref].data_type, sheet[ref].quotePrefix) == (text, "s", True)
    # re-importing either export changes nothing
    for name, data in (("e.csv", exported.encode("utf-8")), ("e.xlsx", xlsx_export)):
        before = AuditEvent.objects.count()
        page = upload(client, body, "documents", name, data)
        assert "导入成功：新增 0 条，更新 0 条" in page, name
        assert AuditEvent.objects.count() == before + 1 and NormativeDocument.objects.get().title == doc.title
    figures_import(
        actor=users["bq_clerk"], body_id=body.pk, rows=figures(csv_bytes(FIGURE_HEADER, "2020,行政许可,5,-2,1,,,,平台"))
    )
    csv_export = client.get(f"/registers/{body.pk}/export/figures.csv").content
    assert csv_export.decode("utf-8-sig").splitlines()[1].startswith("2020,行政许可,5,-2,1,")  # a number, as it is
    xlsx_export = client.get(f"/registers/{body.pk}/export/figures.xlsx").content
    change = openpyxl.load_workbook(io.BytesIO(xlsx_export)).worksheets[0]["D2"]
    assert (change.value, change.data_type, change.quotePrefix) == (-2, "n", False)
    for name, data in (("e.csv", csv_export), ("e.xlsx", xlsx_export)):
        page = upload(client, body, "figures", name, data)
        assert "导入成功：新增 0 条，更新 0 条" in page, name
