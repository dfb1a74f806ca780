"""The public application form: the happy path, every validation error, the honeypot, the form token (minimum
fill time, expiry, tampering, single use) and the fact that the 查询码 is never stored."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core import signing
from django.test import Client

from tests.web.portal.conftest import DISTINCT, Submit, code_from, form_data
from xxgk.web.audit.codes import AuditCode
from xxgk.web.audit.models import AuditEvent
from xxgk.web.cases.models import Case
from xxgk.web.portal import forms as portal_forms
from xxgk.web.portal.accesscode import code_digest
from xxgk.web.portal.models import AccessCode, OnlineSubmission, PortalSettings, ThrottleEvent
from xxgk.web.tenancy.models import Body

pytestmark = pytest.mark.django_db


def test_index_lists_bodies_and_links_to_their_forms(anon: Client, org: dict[str, Body]) -> None:
    page = anon.get("/portal/").content.decode()
    for body in org.values():
        assert body.name in page and f"/portal/apply/{body.code}/" in page
    assert "/portal/status/" in page


def test_form_works_without_login_or_javascript(anon: Client, org: dict[str, Body]) -> None:
    response = anon.get(f"/portal/apply/{org['baqiao'].code}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert org["baqiao"].name in html and 'name="csrfmiddlewaretoken"' in html and 'name="token"' in html
    # a plain HTML form: the only script is the site-wide behaviours file (deferred, nothing the form needs)
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/xxgk/security/behaviours.js" defer>']
    assert "data-confirm" not in html and "data-print" not in html and "data-select-on-click" not in html
    assert "no-store" in response["Cache-Control"]


def test_happy_path_stores_the_submission_and_shows_the_code_once(
    submit: Submit, anon: Client, org: dict[str, Body]
) -> None:
    body = org["baqiao"]
    response = submit(body, email="li.si@example.cn", requested_delivery="email", agent="王律师")
    assert response.status_code == 200
    html = response.content.decode()
    code = code_from(response)
    assert "已提交待确认" in html and "只显示这一次" in html and body.name in html
    sub = OnlineSubmission.objects.get()
    assert sub.body == body and sub.status == "submitted" and sub.case is None
    assert (sub.applicant_name, sub.phone, sub.agent) == ("李四", "13800001111", "王律师")
    assert sub.email == "li.si@example.cn"
    assert sub.requested_form == "electronic" and sub.requested_delivery == "email"
    row = AccessCode.objects.get()
    assert row.submission == sub and row.case is None and row.digest == code_digest(code)
    assert not Case.objects.exists()  # not a case until staff confirm it (Art 31 (三))
    event = AuditEvent.objects.get(code=AuditCode.PORTAL_SUBMISSION_RECEIVED)
    assert event.actor is None and event.body == body and event.object_id == str(sub.pk)
    # the code opens the status page
    status = anon.post("/portal/status/", {"code": code.lower()})
    assert status.status_code == 200 and "已提交待确认" in status.content.decode()


def test_the_code_is_stored_nowhere_in_plaintext(submit: Submit, anon: Client, org: dict[str, Body]) -> None:
    response = submit(org["baqiao"])
    code = code_from(response)
    anon.post("/portal/status/", {"code": code})
    plain, compact = code, code.replace("-", "")
    rows: list[Any] = [
        *AccessCode.objects.values_list(),
        *OnlineSubmission.objects.values_list(),
        *AuditEvent.objects.values_list(),
        *ThrottleEvent.objects.values_list(),
        *Session.objects.values_list(),
    ]
    dump = repr(rows)
    assert plain not in dump and compact not in dump and compact.lower() not in dump


def test_organisation_types_are_offered_as_table_columns(anon: Client, org: dict[str, Body]) -> None:
    html = anon.get(f"/portal/apply/{org['baqiao'].code}/").content.decode()
    assert '<optgroup label="法人或其他组织">' in html
    for label in ("商业企业", "科研机构", "社会公益组织", "法律服务机构"):
        assert f"法人或其他组织·{label}" in html


def test_an_organisation_applies_with_its_credit_code(submit: Submit, org: dict[str, Body]) -> None:
    response = submit(
        org["baqiao"],
        applicant_type="business",
        applicant_name="重庆某建材有限公司",
        id_type="credit_code",
        id_number="91500104MA5U1234XK",
    )
    assert response.status_code == 200, response.content.decode()
    assert OnlineSubmission.objects.get().applicant_type == "business"


TOO_LONG = "长" * 2001


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"applicant_name": ""}, "请填写此项"),
        ({"applicant_name": "名" * 101}, "最多 100 个字"),
        ({"applicant_type": "martian"}, "请从列表中选择"),
        ({"id_type": "bogus"}, "请从列表中选择"),
        ({"id_number": ""}, "请填写此项"),
        ({"id_number": "110105194912310021"}, "居民身份证号码格式不正确"),
        ({"id_type": "credit_code", "id_number": "12345"}, "统一社会信用代码应为18位"),
        ({"id_type": "passport", "id_number": "E1"}, "证件号码过短"),
        ({"id_number": "9" * 51}, "最多 50 个字"),
        ({"phone": "", "email": ""}, "请至少填写联系电话或电子邮箱中的一项"),
        ({"phone": "call me maybe"}, "联系电话格式不正确"),
        ({"phone": "1" * 31}, "最多 30 个字"),
        ({"email": "not-an-email"}, "电子邮箱格式不正确"),
        ({"requested_delivery": "mail", "address": ""}, "选择邮寄方式的，请填写通信地址"),
        ({"requested_delivery": "email", "email": ""}, "选择电子邮件方式的，请填写电子邮箱"),
        ({"address": "址" * 201}, "最多 200 个字"),
        ({"postcode": "4000"}, "邮政编码应为6位数字"),
        ({"agent": "代" * 101}, "最多 100 个字"),
        ({"content": ""}, "请填写此项"),
        ({"content": "文件"}, "至少 4 个字"),
        ({"content": TOO_LONG}, "最多 2000 个字"),
        ({"requested_form": "carrier_pigeon"}, "请从列表中选择"),
        ({"requested_delivery": "telepathy"}, "请从列表中选择"),
        ({"declaration": None}, "请阅读并勾选承诺"),
    ],
)
def test_every_validation_error_is_shown_and_nothing_is_stored(
    submit: Submit, org: dict[str, Body], overrides: dict[str, Any], message: str
) -> None:
    response = submit(org["baqiao"], **overrides)
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html, html
    assert not OnlineSubmission.objects.exists() and not AccessCode.objects.exists()
    # what was typed is kept (nothing lost), except the failed field
    if "content" not in overrides:
        assert "八桥镇2025年老旧小区改造项目的立项批复文件" in html


def test_too_fast_a_submission_is_refused_but_keeps_the_data(submit: Submit, org: dict[str, Body]) -> None:
    response = submit(org["baqiao"], issued_ago=0)
    html = response.content.decode()
    assert response.status_code == 400 and portal_forms.TOO_FAST in html
    assert "李四" in html and not OnlineSubmission.objects.exists()


def test_an_expired_form_is_refused(submit: Submit, org: dict[str, Body]) -> None:
    response = submit(org["baqiao"], issued_ago=portal_forms.TOKEN_MAX_AGE + 60)
    assert response.status_code == 400 and portal_forms.EXPIRED in response.content.decode()
    assert not OnlineSubmission.objects.exists()


def _other_salt() -> str:
    return signing.dumps({"b": "ddk-baqiao", "t": 0, "n": "x"}, salt="another.salt")


FORGED_TOKENS: dict[str, Callable[[], str]] = {"missing": lambda: "", "garbage": lambda: "garbage", "salt": _other_salt}


@pytest.mark.parametrize("kind", list(FORGED_TOKENS))
def test_a_forged_or_missing_token_is_refused(submit: Submit, org: dict[str, Body], kind: str) -> None:
    response = submit(org["baqiao"], token=FORGED_TOKENS[kind]())
    assert response.status_code == 400 and not OnlineSubmission.objects.exists()


def test_a_token_of_another_body_is_refused(anon: Client, org: dict[str, Body]) -> None:
    data = form_data(org["tiaodeng"])
    response = anon.post(f"/portal/apply/{org['baqiao'].code}/", data)
    assert response.status_code == 400 and portal_forms.BAD_TOKEN in response.content.decode()


def test_a_token_without_a_time_cannot_skip_the_fill_time(submit: Submit, org: dict[str, Body]) -> None:
    token = signing.dumps({"b": org["baqiao"].code, "t": "0", "n": "x"}, salt=portal_forms.TOKEN_SALT)
    assert submit(org["baqiao"], token=token).status_code == 400


def test_resubmitting_the_same_form_does_not_store_twice(anon: Client, org: dict[str, Body]) -> None:
    data = form_data(org["baqiao"])
    first = anon.post(f"/portal/apply/{org['baqiao'].code}/", data)
    assert first.status_code == 200
    again = anon.post(f"/portal/apply/{org['baqiao'].code}/", data)
    assert again.status_code == 400 and "已经提交过" in again.content.decode()
    assert OnlineSubmission.objects.count() == 1 and AccessCode.objects.count() == 1


def test_honeypot_refuses_silently_and_counts(submit: Submit, org: dict[str, Body]) -> None:
    assert submit(org["baqiao"]).status_code == 200
    response = submit(org["baqiao"], homepage="http://spam.example")
    assert response.status_code == 400 and portal_forms.BOT_MESSAGE in response.content.decode()
    assert OnlineSubmission.objects.count() == 1  # only the first, human one
    assert ThrottleEvent.objects.filter(scope="submission").count() == 2  # the bot's attempt counts too


def test_honeypot_is_hidden_from_people(anon: Client, org: dict[str, Body]) -> None:
    html = anon.get(f"/portal/apply/{org['baqiao'].code}/").content.decode()
    start = html.index('class="hp"')
    block = html[html.rindex("<div", 0, start) : html.index("</div>", start)]
    assert 'aria-hidden="true"' in block and 'tabindex="-1"' in block and 'name="homepage"' in block
    assert "style=" not in block  # no inline style (the Content-Security-Policy allows none): app.css places it
    css = (Path(settings.STATICFILES_DIRS[0]) / "xxgk" / "app.css").read_text(encoding="utf-8")
    rule = re.search(r"(?m)^\.hp\s*\{([^}]*)\}", css)
    assert rule is not None and "position: absolute" in rule.group(1) and "left: -10000px" in rule.group(1)


def test_unknown_body_and_body_not_accepting_online_are_404(
    submit: Submit, anon: Client, org: dict[str, Body], users: dict[str, User]
) -> None:
    assert anon.get("/portal/apply/no-such-body/").status_code == 404
    PortalSettings.objects.create(body=org["tiaodeng"], accepts_online=False)
    assert anon.get(f"/portal/apply/{org['tiaodeng'].code}/").status_code == 404
    assert submit(org["tiaodeng"]).status_code == 404
    assert org["tiaodeng"].name not in anon.get("/portal/").content.decode()
    assert not OnlineSubmission.objects.exists()


def test_csrf_is_enforced_on_the_public_form(org: dict[str, Body]) -> None:
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(f"/portal/apply/{org['baqiao'].code}/", form_data(org["baqiao"]))
    assert response.status_code == 403 and not OnlineSubmission.objects.exists()
    assert strict.post("/portal/status/", {"code": "ABCD-EFGH-JKMN-PQRS"}).status_code == 403


def test_token_helper_measures_the_fill_time(org: dict[str, Body]) -> None:
    now = time.time()
    token = portal_forms.form_token_new(body_code="x", now=now)
    assert portal_forms.form_token_problem(token, body_code="x", now=now + 1) == portal_forms.TOO_FAST
    assert portal_forms.form_token_problem(token, body_code="x", now=now + portal_forms.MIN_FILL_SECONDS) == ""
    assert portal_forms.form_token_problem(token, body_code="y", now=now + 60) == portal_forms.BAD_TOKEN


def test_user_input_is_escaped_on_the_confirmation_and_inbox(submit: Submit, org: dict[str, Body], login: Any) -> None:
    submit(org["baqiao"], applicant_name="<script>alert(1)</script>", content="<b>查询</b>某某文件")
    clerk: Client = login("bq_clerk")
    html = clerk.get("/portal/inbox/").content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_distinct_data_is_accepted(submit: Submit, org: dict[str, Body]) -> None:
    response = submit(org["baqiao"], **DISTINCT)
    assert response.status_code == 200
    sub = OnlineSubmission.objects.get()
    assert "电话 13912345678" in sub.contact_text and "邮编 400084" in sub.contact_text
