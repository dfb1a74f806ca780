"""Django i18n: Chinese is the source language; the English catalogue is complete, compiled and switchable."""

from __future__ import annotations

import ast
import gettext
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.utils import translation

from tests.web.cases.conftest import Register
from xxgk.core.calendar import DayKind
from xxgk.core.deadlines import DeadlineKind
from xxgk.core.fees import FeeMethod
from xxgk.core.outcomes import ApplicantType, Channel, DeliveryMethod, Outcome, ProvisionForm
from xxgk.core.proactive import Attribute
from xxgk.core.signoff import Decision, Phase
from xxgk.core.table4 import RemedyKind, RemedyResult
from xxgk.core.workflow import Action, ConsultationKind, ConsultationResult, Role, Status
from xxgk.web.cases import vocabulary
from xxgk.web.jobs.forms import max_files
from xxgk.web.oversight.charts import Series as ChartSeries
from xxgk.web.oversight.charts import bar_chart, line_chart
from xxgk.web.oversight.display import applications_unit
from xxgk.web.security.limits import RequestSizeLimitMiddleware
from xxgk.web.tenancy.models import Body

WEB = Path(__file__).resolve().parents[3] / "src" / "xxgk" / "web"
LOCALE = WEB / "locale"
PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"
MO = LOCALE / "en" / "LC_MESSAGES" / "django.mo"
#: The directories ``makemessages`` skips for this catalogue (other apps keep their own strings; docs/i18n.md).
IGNORED = ["config", "static", "ops", "backup"]


def read_po(path: Path) -> dict[str | tuple[str, int], str]:
    """The translated messages of a .po file, keyed like :class:`gettext.GNUTranslations` keys its catalogue
    (``msgid``, or ``(msgid, n)`` for plural forms; ``ctxt\\x04msgid`` with a context); fuzzy entries skipped."""
    out: dict[str | tuple[str, int], str] = {}
    for block in path.read_text(encoding="utf-8").strip().split("\n\n"):
        fields: dict[str, str] = {}
        key = ""
        fuzzy = False
        for line in block.splitlines():
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            if line.startswith("#"):
                continue
            if line.startswith('"'):
                fields[key] += json.loads(line)
                continue
            key, _, value = line.partition(" ")
            fields[key] = json.loads(value)
        if "msgid" not in fields or (fuzzy and fields["msgid"]):
            continue
        msgid = fields["msgid"]
        if "msgctxt" in fields:
            msgid = f"{fields['msgctxt']}\x04{msgid}"
        if "msgid_plural" in fields:
            for name, value in fields.items():
                if name.startswith("msgstr[") and value:
                    out[(msgid, int(name[7:-1]))] = value
        elif msgid == "":  # the header: msgfmt leaves out POT-Creation-Date
            out[""] = "".join(
                line + "\n" for line in fields["msgstr"].splitlines() if not line.startswith("POT-Creation-Date:")
            )
        elif fields.get("msgstr"):
            out[msgid] = fields["msgstr"]
    return out


def msgids(path: Path) -> set[str]:
    """Every msgid of a .po file (translated or not), decoded."""
    out: set[str] = set()
    for block in path.read_text(encoding="utf-8").strip().split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#")]
        text = "\n".join(lines)
        if "msgid " not in text:
            continue
        head = text.split("msgid ", 1)[1].split("\nmsgid_plural", 1)[0].split("\nmsgstr", 1)[0]
        out.add("".join(json.loads(part) for part in head.splitlines()))
    return out


def read_mo(path: Path) -> dict[str | tuple[str, int], str]:
    with path.open("rb") as fh:
        catalog: dict[str | tuple[str, int], str] = gettext.GNUTranslations(fh)._catalog  # type: ignore[attr-defined]
    return dict(catalog)


def test_the_compiled_catalogue_matches_the_po() -> None:
    """The committed .mo holds exactly the .po's translations (recompile with ``msgfmt`` after editing)."""
    expected = read_po(PO)
    assert read_mo(MO) == expected
    if shutil.which("msgfmt"):
        compiled = subprocess.run(["msgfmt", "--check", "-o", "-", str(PO)], check=True, capture_output=True).stdout
        assert gettext.GNUTranslations.__new__(gettext.GNUTranslations) is not None
        from io import BytesIO

        assert dict(gettext.GNUTranslations(BytesIO(compiled))._catalog) == expected  # type: ignore[attr-defined]


def test_every_message_is_translated() -> None:
    text = PO.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text
    blocks = [b for b in text.split("\n\n") if "msgid" in b and 'msgid ""\nmsgstr ""\n"Project' not in b]
    # an empty msgstr / msgstr[n] is one not followed by a continuation line (long ones wrap: 'msgstr ""\n"…"')
    untranslated = [b for b in blocks if re.search(r'^msgstr(\[\d+\])? ""\n(?!")', b + "\n", re.MULTILINE)]
    assert untranslated == []


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="xgettext (GNU gettext) is not installed")
def test_the_catalogue_has_every_string_of_the_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``makemessages`` over the sources finds no message the catalogue lacks, and none it no longer needs."""
    copy = tmp_path / "web"
    shutil.copytree(WEB, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    monkeypatch.chdir(copy)
    with override_settings(LOCALE_PATHS=[copy / "locale"]):
        call_command(
            "makemessages",
            locale=["en"],
            ignore_patterns=IGNORED,
            no_obsolete=True,
            add_location="file",
            verbosity=0,
        )
    fresh = copy / "locale" / "en" / "LC_MESSAGES" / "django.po"
    assert msgids(fresh) == msgids(PO)
    assert read_po(fresh).items() - read_po(PO).items() <= {("", read_po(fresh)[""])}


def _vocabulary_literals() -> set[str]:
    tree = ast.parse(Path(vocabulary.__file__).read_text(encoding="utf-8"))
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "gettext_noop"
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    }


def _vocabulary_results() -> set[str]:
    """The msgids of the ``pgettext_lazy("remedy result", …)`` calls of the vocabulary."""
    tree = ast.parse(Path(vocabulary.__file__).read_text(encoding="utf-8"))
    return {
        node.args[1].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "pgettext_lazy"
        and len(node.args) == 2
        and isinstance(node.args[0], ast.Constant)
        and node.args[0].value == "remedy result"
        and isinstance(node.args[1], ast.Constant)
        and isinstance(node.args[1].value, str)
    }


def test_every_core_label_is_in_the_vocabulary() -> None:
    enums: tuple[type[Any], ...] = (Status, Action, Role, Channel, Outcome, ProvisionForm, DeliveryMethod)
    enums += (ConsultationKind, ConsultationResult, FeeMethod, DeadlineKind)
    enums += (DayKind, RemedyKind, Attribute, Decision, Phase)
    labels: set[str] = {m.label for enum in enums for m in enum}
    labels |= {t.full_label for t in ApplicantType} | {t.label for t in ApplicantType}
    literals = _vocabulary_literals()
    assert labels - literals == set()
    assert set(vocabulary.VOCABULARY) == literals
    results = _vocabulary_results()
    assert results == {r.label for r in RemedyResult}
    with translation.override(None):  # no translation: the msgids
        assert {str(p) for p in vocabulary.REMEDY_RESULTS} == results
    with translation.override("en"):
        assert str(vocabulary.tr_result("撤销")) == "Revoked" and str(vocabulary.tr("撤销")) == "Revoke"


@pytest.mark.django_db
def test_pages_render_in_english_with_accept_language(login: object, register: Register) -> None:
    case = register()
    client: Client = login("bq_clerk")  # type: ignore[operator]
    english = client.get("/cases/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="en"' in english
    for text in ("My cases", "Export Excel", "In progress", "Natural person", "Next deadline"):
        assert text in english
    assert "我的案件" not in english
    detail = client.get(f"/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Available actions" in detail and "Request correction" in detail and "Answer deadline" in detail
    chinese = client.get("/cases/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9").content.decode()
    assert 'lang="zh-Hans"' in chinese and "我的案件" in chinese and "My cases" not in chinese
    assert "我的案件" in client.get("/cases/").content.decode()  # Chinese by default


@pytest.mark.django_db
def test_login_page_in_english(client: Client) -> None:
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Sign in" in page and "登录" not in page


@pytest.mark.django_db
@pytest.mark.urls("tests.web.cases.urls_i18n")
def test_the_language_switch_in_the_header(login: object, register: Register) -> None:
    client: Client = login("bq_clerk")  # type: ignore[operator]
    page = client.get("/cases/").content.decode()
    assert 'action="/i18n/setlang/"' in page and 'name="language"' in page
    assert ">English<" in page and ">简体中文<" in page  # each language in its own name
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/cases/?view=mine"})
    assert response.status_code == 302 and response["Location"] == "/cases/?view=mine"
    assert "My cases" in client.get("/cases/").content.decode()
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/cases/"})
    assert "我的案件" in client.get("/cases/").content.decode()


@pytest.mark.django_db
def test_without_the_i18n_url_the_header_has_no_switch(login: object) -> None:
    client: Client = login("bq_clerk")  # type: ignore[operator]
    from django.urls import NoReverseMatch, reverse

    try:
        reverse("set_language")
    except NoReverseMatch:
        assert 'name="language"' not in client.get("/cases/").content.decode()
    else:  # the lead mounted it in config/urls.py
        assert 'name="language"' in client.get("/cases/").content.decode()


def _page(client: Client, url: str, *, lang: str = "") -> str:
    response = client.get(url, headers={"Accept-Language": lang} if lang else None)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.mark.django_db
def test_the_report_pages_in_english_keep_the_templates_legal_text(
    login: object, register: Register, org: dict[str, Body]
) -> None:
    """The pages around the annual report switch; the national template's headings and cell labels do not."""
    register()  # received 2026-03-02
    client: Client = login("bq_clerk")  # type: ignore[operator]
    base = f"/reports/{org['baqiao'].pk}/2026"
    index = _page(client, "/reports/", lang="en")
    assert "Annual reports on open government information" in index and "(Not started)" in index
    computed = _page(client, f"{base}/computed/", lang="en")
    for text in ("Computed from the records", "Consistency checks", "Scope: This body", "Download JSON"):
        assert text in computed
    assert "三、收到和处理政府信息公开申请情况" in computed  # the template's heading is legal text
    assert "勾稽关系检查" not in computed and "按登记数据计算" not in computed
    cell = _page(client, f"{base}/cells/s3.received.total/", lang="en")
    assert "Counting rule" in cell and "1 application<" in cell
    assert "applications received between 2026-01-01 and 2026-12-31; all applicant types." in cell
    natural = _page(client, f"{base}/cells/s3.received.natural/", lang="en")
    assert "applicant type “Natural person”." in natural
    assert client.post(f"{base}/start/").status_code == 302
    report = _page(client, f"{base}/", lang="en")
    assert 'id="report-state">Drafting<' in report and "Submit for approval" in report
    assert "Annual report started" in report  # the audit trail's label (xxgk.web.audit.codes)
    narrative = _page(client, f"{base}/narrative/", lang="en")
    assert (
        "This year's figures (to copy into the text)" in narrative
        and "<strong>Disclosure on request: </strong>" in narrative
    )
    assert "一、总体情况" in narrative  # the section headings are the template's
    assert "Reason for the change" in _page(client, f"{base}/overrides/", lang="en")
    chinese = _page(client, f"{base}/")
    assert 'id="report-state">编制中<' in chinese and "开始编制年度报告" in chinese and "Drafting" not in chinese


@pytest.mark.django_db
def test_the_jobs_oversight_and_lockout_pages_in_english(login: object, org: dict[str, Body]) -> None:
    clerk: Client = login("bq_clerk")  # type: ignore[operator]
    jobs = _page(clerk, "/jobs/", lang="en")
    assert "Background jobs" in jobs and ">Queued<" in jobs and "No jobs." in jobs
    batch = _page(clerk, "/jobs/batch-check/new/", lang="en")
    assert "Report files" in batch and f"at most {max_files()} files per upload" in batch
    admin: Client = login("qu_admin")  # type: ignore[operator]
    assert "Annual report oversight" in _page(admin, "/oversight/", lang="en")
    overview = _page(admin, f"/oversight/{org['district'].pk}/2025/", lang="en")
    assert "Due by 31 January 2026" in overview and ">Not started <strong" in overview and "Kind of body" in overview
    assert "应于 2026年1月31日 前公布" in _page(admin, f"/oversight/{org['district'].pk}/2025/")
    for _ in range(5):
        Client().post("/accounts/login/", {"username": "bq_clerk", "password": "wrong"}, REMOTE_ADDR="203.0.113.7")
    locked = Client().post(
        "/accounts/login/",
        {"username": "bq_clerk", "password": "wrong"},
        REMOTE_ADDR="203.0.113.7",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert locked.status_code == 429 and "Too many failed sign-ins: signing in is suspended." in locked.content.decode()
    lockouts = _page(admin, "/security/lockouts/", lang="en")
    assert "Sign-in lockouts" in lockouts and "User name + address" in lockouts and "Lift the lockout" in lockouts


@pytest.mark.django_db
def test_the_error_pages_follow_the_requests_language(login: object, register: Register) -> None:
    """The 404 page in English, byte for byte the same for a missing object and another body's; a refusal's own
    message translated on the 403 page; the 413 refusal, written before LocaleMiddleware runs."""
    case = register()  # 八桥镇's
    client: Client = login("td_clerk")  # type: ignore[operator]
    missing = client.get("/cases/987654/", HTTP_ACCEPT_LANGUAGE="en")
    hidden = client.get(f"/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert missing.status_code == hidden.status_code == 404 and missing.content == hidden.content
    page = missing.content.decode()
    assert '<html lang="en">' in page and "<h1>Page not found</h1>" in page and ">Back to the home page<" in page
    assert "页面不存在" not in page
    chinese = client.get("/cases/987654/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9").content.decode()
    assert '<html lang="zh-Hans">' in chinese and "<h1>页面不存在</h1>" in chinese and "Page not found" not in chinese
    refused = client.post("/calendar/add/", {"year": "2030"}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 403
    assert "Only administrators can change the working-day calendar" in refused.content.decode()
    assert "只有管理员可以修改工作日日历" in client.post("/calendar/add/", {"year": "2030"}).content.decode()

    middleware = RequestSizeLimitMiddleware(lambda request: HttpResponse("read"))
    big = str(3 * 1024 * 1024)
    with override_settings(XXGK_MAX_REQUEST_MB=1), translation.override("zh-hans"):
        english = middleware(RequestFactory().post("/", CONTENT_LENGTH=big, HTTP_ACCEPT_LANGUAGE="en"))
        assert isinstance(english, HttpResponse) and english.status_code == 413
        assert translation.get_language() == "zh-hans"  # the page's language was not left active
        text = english.content.decode()
        assert '<html lang="en">' in text and "<h1>Submission too large</h1>" in text
        assert "The submission is too large (3 MB; the limit is 1 MB) and was not accepted." in text
        default = middleware(RequestFactory().post("/", CONTENT_LENGTH=big))
        assert isinstance(default, HttpResponse)
        assert "提交的内容过大（3 MB，上限 1 MB），未接收。" in default.content.decode()


@pytest.mark.django_db
def test_oversight_reasons_body_kinds_and_chart_descriptions_in_english(login: object, org: dict[str, Body]) -> None:
    admin: Client = login("qu_admin")  # type: ignore[operator]
    district = org["district"].pk
    combined = _page(admin, f"/oversight/{district}/2025/combined/", lang="en")
    assert "There is no published annual report to combine" in combined and "没有可以汇总" not in combined
    assert "没有可以汇总的已发布年度报告" in _page(admin, f"/oversight/{district}/2025/combined/")
    overview = _page(admin, f"/oversight/{district}/2025/", lang="en")
    assert ">Township government (2)<" in overview and ">Township government<" in overview  # heading, filter
    assert "乡镇人民政府" not in overview
    bodies = _page(admin, "/bodies/", lang="en")
    assert "<td>People&#x27;s government</td>" in bodies and "<td>Township government</td>" in bodies
    assert "<td>乡镇人民政府</td>" in _page(admin, "/bodies/")

    items = [("自然人", 1), ("法人或其他组织", 12), ("其他", None)]
    series = [ChartSeries("本年新收", (1, None))]
    with translation.override("en"):
        bar = bar_chart(chart_id="c", title="t", items=items, unit=applications_unit, notes=["a", "", ""])
        line = line_chart(chart_id="l", title="t", categories=["2024", "2025"], series=series, unit=applications_unit)
        empty = bar_chart(chart_id="e", title="t", items=[])
    assert "自然人: 1 application (a); 法人或其他组织: 12 applications; 其他: —</desc>" in bar
    assert "本年新收 (2024: 1 application, 2025: —)</desc>" in line
    assert ">No data</desc>" in empty and ">No data</text>" in empty
    with translation.override("zh-hans"):
        bar = bar_chart(chart_id="c", title="t", items=items, unit=applications_unit, notes=["a", "", ""])
    assert "自然人：1件（a）；法人或其他组织：12件；其他：—</desc>" in bar
