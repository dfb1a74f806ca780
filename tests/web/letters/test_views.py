"""The pages: templates (list, upload, download, reset), generating from the case page, downloading letters;
every page tried anonymously, as another body (404 like a missing id) and as the read-only supervisor."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from urllib.parse import quote

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.test import Client
from django.utils.html import escape

from tests.web.letters.conftest import Register
from tests.web.letters.docxkit import build, header_footer_text, paragraphs, runs_with, simple, text
from xxgk.core.letters import LetterKind, LetterSlot, default_wording
from xxgk.core.workflow import CorrectionRequest
from xxgk.web.audit.codes import AuditCode
from xxgk.web.audit.models import AuditEvent
from xxgk.web.cases import services as s
from xxgk.web.cases.models import Case
from xxgk.web.letters import docxfill
from xxgk.web.letters.defaults import default_template
from xxgk.web.letters.docxfill import DOCX_MIME
from xxgk.web.letters.forms import NOT_DOCX_NAME
from xxgk.web.letters.models import Letter, LetterTemplate
from xxgk.web.tenancy.models import Body

pytestmark = pytest.mark.django_db

Login = Callable[[str], Client]
CORRECTION = LetterSlot(LetterKind.CORRECTION)


def _template_url(org: dict[str, Body], slot: str = "correction", what: str = "") -> str:
    base = f"/letters/templates/{org['baqiao'].pk}/{slot}/"
    return base + (f"{what}/" if what else "")


def _upload(client: Client, url: str, data: bytes, name: str = "补正告知书.docx") -> Any:
    return client.post(url, {"file": SimpleUploadedFile(name, data, content_type="application/octet-stream")})


def _custom(document: object) -> None:
    from docx.document import Document

    assert isinstance(document, Document)
    section = document.sections[0]
    section.header.paragraphs[0].text = "{{机关名称}}（本机关自定义模板）"
    section.footer.paragraphs[0].text = "编号{{申请编号}}"
    p = document.add_paragraph()
    p.add_run("{{申").bold = True
    p.add_run("请人}}同志：")
    document.add_paragraph("请于{{补正期限}}前补正：")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "事项"
    table.cell(0, 1).text = "{{补正事项}}"


@pytest.fixture
def corrected(users: dict[str, User], register: Register) -> Case:
    case = register()
    s.case_request_correction(
        actor=users["bq_clerk"],
        case_id=case.pk,
        data=CorrectionRequest(("请明确项目名称", "请写明年份"), date(2026, 3, 16)),
        on=date(2026, 3, 4),
    )
    return case


def test_template_list_shows_the_bodies_the_user_manages(login: Login, org: dict[str, Body]) -> None:
    page = login("bq_head").get("/letters/templates/").content.decode()
    assert org["baqiao"].name in page and org["tiaodeng"].name not in page
    assert "补正告知书" in page and "答复书·部分公开（区分处理）" in page and "默认模板" in page
    page = login("td_clerk").get("/letters/templates/").content.decode()
    assert "不能管理文书模板" in page and org["baqiao"].name not in page


def test_upload_a_custom_template_and_letters_use_it(
    login: Login, org: dict[str, Body], users: dict[str, User], corrected: Case
) -> None:
    client = login("bq_head")
    detail = client.get(_template_url(org)).content.decode()
    assert "{{补正事项}}" in detail and "上传本机关模板" in detail
    response = _upload(client, _template_url(org), build(_custom))
    assert response.status_code == 302
    row = LetterTemplate.objects.get()
    assert (row.version, row.is_default, row.created_by_id) == (1, False, users["bq_head"].pk)
    audit = AuditEvent.objects.get(code=AuditCode.LETTER_TEMPLATE_UPLOADED)
    assert audit.new is not None and audit.new["sha256"] == row.sha256
    assert audit.old is None and audit.body_id == org["baqiao"].pk

    clerk = login("bq_clerk")
    response = clerk.post(f"/letters/case/{corrected.pk}/generate/2/")
    assert response.status_code == 302 and response["Location"] == f"/cases/{corrected.pk}/#letters"
    letter = Letter.objects.get()
    assert (letter.template_id, letter.template_version) == (row.pk, 1)
    data = bytes(letter.content)
    assert "大渡口区八桥镇人民政府（本机关自定义模板）" in header_footer_text(data)
    assert f"编号{corrected.number}" in header_footer_text(data)
    body = paragraphs(data)
    assert "张三同志：" in body and "请于2026年3月16日前补正：" in body
    assert "1．请明确项目名称" in body and "2．请写明年份" in body  # the list expanded inside the table cell
    assert runs_with(data, "张三")[0][1] is True  # bold like the run where the placeholder started
    assert "{{" not in text(data)

    client = login("bq_head")  # (one test client: login() switches its user)
    download = client.get(_template_url(org, what="download"))
    assert download.status_code == 200 and download.content == row.content
    assert "%E6%A8%A1%E6%9D%BF%E7%AC%AC1%E7%89%88" in download["Content-Disposition"]  # 模板第1版

    # reset: the next letter is made from the built-in template again; the upload stays on record
    assert client.post(_template_url(org, what="reset")).status_code == 302
    reset = LetterTemplate.objects.order_by("-version").first()
    assert reset is not None and (reset.version, reset.is_default) == (2, True)
    assert AuditEvent.objects.filter(code=AuditCode.LETTER_TEMPLATE_RESET).count() == 1
    assert client.get(_template_url(org, what="download")).content == default_template(CORRECTION)
    old = client.get(_template_url(org, what="download") + "?version=1")
    assert old.status_code == 200 and old.content == bytes(row.content)
    login("bq_clerk").post(f"/letters/case/{corrected.pk}/generate/2/")
    newest = Letter.objects.order_by("-version").first()
    assert newest is not None and newest.version == 2 and newest.template_label == "默认模板"
    assert paragraphs(bytes(newest.content))[0] == CORRECTION.title
    # resetting twice says so and records nothing
    response = login("bq_head").post(_template_url(org, what="reset"), follow=True)
    assert "已在使用默认模板" in response.content.decode()
    assert LetterTemplate.objects.count() == 2


def test_a_bad_upload_lists_the_problems_and_saves_nothing(login: Login, org: dict[str, Body]) -> None:
    client = login("bq_head")
    bad = simple("{{申请人}}：请补正{{补正事项}}", "身份证{{身份证号码}}，电话{{手机}}，{{收费金额}}")
    page = _upload(client, _template_url(org), bad).content.decode()
    assert "未知的占位符：{{身份证号码}}、{{手机}}" in page
    assert "“补正告知书”中不能使用的占位符：{{收费金额}}" in page
    for junk, name, message in (
        (b"not a docx at all", "x.docx", docxfill.NOT_ZIP),
        (simple("{{申请人}}"), "x.docm", docxfill.MACROS),
        (simple("{{申请人}}"), "x.doc", docxfill.OLE),
        (simple("{{申请人}}"), "x.pdf", NOT_DOCX_NAME),
    ):
        page = _upload(client, _template_url(org), junk, name).content.decode()
        assert escape(message) in page, name
    assert not LetterTemplate.objects.exists()
    assert not AuditEvent.objects.filter(code=AuditCode.LETTER_TEMPLATE_UPLOADED).exists()


def test_default_template_download(login: Login, org: dict[str, Body]) -> None:
    response = login("bq_clerk").get(_template_url(org, "reply.partial", "default"))
    assert response.status_code == 200 and response["Content-Type"] == DOCX_MIME
    assert paragraphs(response.content)[0] == default_wording(LetterSlot(LetterKind.REPLY, "partial")).blocks[0].text
    assert "filename*=utf-8''" in response["Content-Disposition"]


def test_letter_download_has_a_utf8_file_name(login: Login, corrected: Case) -> None:
    client = login("bq_clerk")
    client.post(f"/letters/case/{corrected.pk}/generate/2/")
    letter = Letter.objects.get()
    response = client.get(f"/letters/{letter.pk}/download/")
    assert response.status_code == 200 and response.content == bytes(letter.content)
    assert response["Content-Type"] == DOCX_MIME and response["Cache-Control"] == "private, no-store"
    expected = f"{corrected.number}-补正告知书.docx"
    assert f"filename*=utf-8''{quote(expected)}" in response["Content-Disposition"]


def test_generate_errors_are_shown_on_the_case_page(login: Login, register: Register, users: dict[str, User]) -> None:
    case = register()
    s.case_request_reasons(actor=users["bq_clerk"], case_id=case.pk, on=date(2026, 3, 3))
    s.case_withdraw(actor=users["bq_clerk"], case_id=case.pk, on=date(2026, 3, 4))
    client = login("bq_clerk")
    response = client.post(f"/letters/case/{case.pk}/generate/3/", follow=True)
    assert "未能生成文书" in response.content.decode()
    assert client.get(f"/letters/case/{case.pk}/generate/2/").status_code == 405  # POST only
    assert not Letter.objects.exists()


def test_the_case_letters_tag(login: Login, users: dict[str, User], corrected: Case) -> None:
    login("bq_clerk").post(f"/letters/case/{corrected.pk}/generate/2/")
    tag = Template("{% load letters_tags %}{% case_letters case user %}")

    def render(user: str) -> str:
        return tag.render(Context({"case": corrected, "user": users[user], "csrf_token": "t0ken"}))

    staff = render("bq_reviewer")
    assert "补正告知书" in staff and "登记回执" in staff and "重新生成" in staff and "t0ken" in staff
    letter = Letter.objects.get()
    assert f"/letters/{letter.pk}/download/" in staff and f"/letters/case/{corrected.pk}/generate/1/" in staff
    supervisor = render("qu_viewer")
    assert f"/letters/{letter.pk}/download/" in supervisor and "generate" not in supervisor


# -- permissions --------------------------------------------------------------------------------------------


def _pages(case: Case, org: dict[str, Body], letter: Letter) -> dict[str, tuple[str, str]]:
    return {
        "letters:templates": ("get", "/letters/templates/"),
        "letters:template": ("get", _template_url(org)),
        "letters:template_download": ("get", _template_url(org, what="download")),
        "letters:template_default": ("get", _template_url(org, what="default")),
        "letters:template_reset": ("post", _template_url(org, what="reset")),
        "letters:generate": ("post", f"/letters/case/{case.pk}/generate/2/"),
        "letters:download": ("get", f"/letters/{letter.pk}/download/"),
    }


@pytest.fixture
def letter(login: Login, corrected: Case) -> Letter:
    login("bq_clerk").post(f"/letters/case/{corrected.pk}/generate/2/")
    return Letter.objects.get()


def test_anonymous_is_sent_to_login(client: Client, corrected: Case, org: dict[str, Body], letter: Letter) -> None:
    client.logout()
    for name, (method, url) in _pages(corrected, org, letter).items():
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), name


def test_another_body_gets_404_exactly_like_a_missing_object(
    login: Login, corrected: Case, org: dict[str, Body], letter: Letter
) -> None:
    client = login("td_clerk")
    for name, (method, url) in _pages(corrected, org, letter).items():
        if name == "letters:templates":
            continue
        assert getattr(client, method)(url).status_code == 404, name
    own = login("bq_head")
    for url in (
        f"/letters/{letter.pk + 1000}/download/",
        f"/letters/templates/{org['baqiao'].pk + 1000}/correction/",
        f"/letters/templates/{org['baqiao'].pk}/reply.withdrawn/",
        f"/letters/templates/{org['baqiao'].pk}/correction/download/?version=7",
    ):
        assert own.get(url).status_code == 404, url
    assert own.post(f"/letters/case/{corrected.pk + 1000}/generate/2/").status_code == 404
    assert own.post(f"/letters/case/{corrected.pk}/generate/99/").status_code == 404
    assert Letter.objects.count() == 1


def test_the_supervisor_reads_but_cannot_generate_upload_or_reset(
    login: Login, corrected: Case, org: dict[str, Body], letter: Letter
) -> None:
    client = login("qu_viewer")
    assert client.get(f"/letters/{letter.pk}/download/").status_code == 200
    assert client.get(_template_url(org, what="download")).status_code == 200
    page = client.get(_template_url(org))
    assert page.status_code == 200 and "上传本机关模板" not in page.content.decode()
    assert client.post(f"/letters/case/{corrected.pk}/generate/2/").status_code == 403
    assert _upload(client, _template_url(org), simple("{{申请人}}")).status_code == 403
    assert client.post(_template_url(org, what="reset")).status_code == 403
    assert login("qu_admin").post(_template_url(org, what="reset")).status_code == 403  # district admin ≠ town's
    assert Letter.objects.count() == 1 and not LetterTemplate.objects.exists()


def test_only_the_admin_or_head_of_the_body_manages_templates(
    login: Login, org: dict[str, Body], bq_admin: User
) -> None:
    assert _upload(login("bq_clerk"), _template_url(org), simple("{{申请人}}")).status_code == 403
    assert _upload(login("bq_reviewer"), _template_url(org), simple("{{申请人}}")).status_code == 403
    assert _upload(login("bq_admin"), _template_url(org), simple("{{申请人}}")).status_code == 302
    assert LetterTemplate.objects.get().created_by_id == bq_admin.pk
