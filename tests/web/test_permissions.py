"""Every page is tried anonymously (→ login) and as a user of another body (→ 404, exactly like a missing
object); a supervising body's user reads but cannot act."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.web.conftest import registration
from xxgk.core.workflow import Action
from xxgk.web.cases.models import Case
from xxgk.web.cases.services import case_register
from xxgk.web.tenancy.models import Body

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def _route_names(patterns: list[URLPattern | URLResolver], prefix: str = "") -> set[str]:
    names: set[str] = set()
    for p in patterns:
        if isinstance(p, URLResolver):
            if p.namespace == "api":
                continue  # the REST API answers 401/404 in JSON; tests/web/api covers every one of its routes
            ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
            names |= _route_names(p.url_patterns, ns)
        elif p.name:
            names.add(prefix + p.name)
    return names


@pytest.fixture
def case(users: dict[str, User], org: dict[str, Body]) -> Case:
    return case_register(
        actor=users["bq_clerk"], body_id=org["baqiao"].pk, registration=registration(), on=date(2026, 3, 2)
    )


def _pages(case: Case, org: dict[str, Body]) -> dict[str, tuple[str, str]]:
    """Every named route → (method, URL) for an object of 八桥镇."""
    return {
        "home": ("get", "/"),
        "login": ("get", "/accounts/login/"),
        "logout": ("post", "/accounts/logout/"),
        "cases:list": ("get", "/cases/"),
        "cases:register": ("get", "/cases/new/"),
        "cases:export_csv": ("get", "/cases/export.csv"),
        "cases:detail": ("get", f"/cases/{case.pk}/"),
        "cases:act": ("get", f"/cases/{case.pk}/act/{Action.WITHDRAW.value}/"),
        "workcalendar:years": ("get", "/calendar/"),
        "workcalendar:year_add": ("post", "/calendar/add/"),
        "workcalendar:year": ("get", "/calendar/2026/"),
        "workcalendar:announce": ("post", "/calendar/2026/announce/"),
        "workcalendar:day_save": ("post", "/calendar/2026/days/"),
        "workcalendar:day_delete": ("post", "/calendar/day/2026-10-01/delete/"),
        "tenancy:list": ("get", "/bodies/"),
        "tenancy:detail": ("get", f"/bodies/{org['baqiao'].pk}/"),
        "portal:index": ("get", "/portal/"),
        "portal:apply": ("get", f"/portal/apply/{org['baqiao'].code}/"),
        "portal:status": ("get", "/portal/status/"),
        "portal:inbox": ("get", "/portal/inbox/"),
        "portal:submission": ("get", "/portal/inbox/1/"),
        "portal:accept": ("post", "/portal/inbox/1/accept/"),
        "portal:reject": ("post", "/portal/inbox/1/reject/"),
        "portal:case_code": ("get", f"/portal/case/{case.pk}/code/"),
        "portal:settings": ("get", "/portal/settings/"),
        "letters:templates": ("get", "/letters/templates/"),
        "letters:template": ("get", f"/letters/templates/{org['baqiao'].pk}/correction/"),
        "letters:template_download": ("get", f"/letters/templates/{org['baqiao'].pk}/correction/download/"),
        "letters:template_default": ("get", f"/letters/templates/{org['baqiao'].pk}/correction/default/"),
        "letters:template_reset": ("post", f"/letters/templates/{org['baqiao'].pk}/correction/reset/"),
        "letters:generate": ("post", f"/letters/case/{case.pk}/generate/1/"),
        "letters:download": ("get", "/letters/999999/download/"),
        "cases:export_xlsx": ("get", "/cases/export.xlsx"),
        "cases:fees": ("get", "/cases/fees/"),
        "cases:edit": ("get", f"/cases/{case.pk}/edit/"),
        "cases:duplicate_decide": ("post", f"/cases/{case.pk}/duplicates/1/decide/"),
        "set_language": ("post", "/i18n/setlang/"),
        "proactive:list": ("get", "/proactive/"),
        "proactive:create": ("get", "/proactive/new/"),
        "proactive:tasks": ("get", "/proactive/tasks/"),
        "proactive:settings": ("get", "/proactive/settings/"),
        "proactive:from_case": ("get", f"/proactive/from-case/{case.pk}/"),
        "proactive:chain": ("get", f"/proactive/settings/{org['baqiao'].pk}/chain/"),
        "proactive:catalogue_settings": ("get", f"/proactive/settings/{org['baqiao'].pk}/catalogue/"),
        "proactive:guide": ("get", f"/proactive/settings/{org['baqiao'].pk}/guide/"),
        "proactive:detail": ("get", "/proactive/1/"),
        "proactive:edit": ("get", "/proactive/1/edit/"),
        "proactive:submit": ("post", "/proactive/1/submit/"),
        "proactive:decide": ("post", "/proactive/1/decide/"),
        "proactive:publish": ("post", "/proactive/1/publish/"),
        "proactive:withdraw": ("get", "/proactive/1/withdraw/"),
        "proactive:attach": ("post", "/proactive/1/files/"),
        "proactive:attachment": ("get", "/proactive/1/files/1/"),
        "proactive:detach": ("post", "/proactive/1/files/1/delete/"),
        "public:index": ("get", "/open/"),
        "public:body": ("get", "/open/ddk-baqiao/"),
        "public:catalogue": ("get", "/open/ddk-baqiao/catalogue/"),
        "public:item": ("get", "/open/ddk-baqiao/items/1/"),
        "public:attachment": ("get", "/open/ddk-baqiao/items/1/files/1/"),
        "public:guide": ("get", "/open/ddk-baqiao/guide/"),
        "public:reports": ("get", "/open/ddk-baqiao/reports/"),
        "api_tokens:list": ("get", "/api/tokens/"),
        "api_tokens:revoke": ("post", "/api/tokens/1/revoke/"),
        "jobs:list": ("get", "/jobs/"),
        "jobs:batch_check_new": ("get", "/jobs/batch-check/new/"),
        "jobs:detail": ("get", "/jobs/1/"),
        "jobs:progress": ("get", "/jobs/1/progress.json"),
        "jobs:file": ("get", "/jobs/1/files/1/"),
        "jobs:cancel": ("post", "/jobs/1/cancel/"),
        "jobs:retry": ("post", "/jobs/1/retry/"),
        "ops:healthz": ("get", "/healthz/"),
        "ops:readyz": ("get", "/readyz/"),
        "security:lockouts": ("get", "/security/lockouts/"),
        "security:unlock": ("post", "/security/lockouts/1/unlock/"),
    }


#: Namespaces whose own test module tries every one of its routes anonymously, as another body and as the
#: supervisor (each has a ``routes()`` table and a test that it covers the namespace).
COVERED_BY_APP_TESTS = {
    "registers": "tests/web/registers/test_views.py",
    "litigation": "tests/web/litigation/test_views.py",
    "reports": "tests/web/reports/test_views.py",
    "oversight": "tests/web/oversight/test_views.py",
}


PUBLIC = {
    "ops:healthz",
    "ops:readyz",
    "public:index",
    "public:body",
    "public:catalogue",
    "public:item",
    "public:attachment",
    "public:guide",
    "public:reports",
    "login",
    "logout",
    "home",
    "set_language",
    "portal:index",
    "portal:apply",
    "portal:status",
}  # home only redirects to the work list (which needs login)
#: Pages that show one object of 八桥镇: another body's user must get 404, exactly as for a missing id.
OBJECT_PAGES = {
    "cases:detail",
    "cases:act",
    "cases:edit",
    "tenancy:detail",
    "letters:template",
    "letters:template_download",
    "letters:template_default",
}


def test_every_route_is_covered(case: Case, org: dict[str, Body]) -> None:
    routes = {
        name for name in _route_names(get_resolver().url_patterns) if name.split(":")[0] not in COVERED_BY_APP_TESTS
    }
    assert set(_pages(case, org)) == routes
    for path in COVERED_BY_APP_TESTS.values():
        assert "def test_every_route" in (ROOT / path).read_text(encoding="utf-8"), path


def test_anonymous_is_sent_to_login_everywhere(client: Client, case: Case, org: dict[str, Body]) -> None:
    for name, (method, url) in _pages(case, org).items():
        if name in PUBLIC:
            continue
        response = getattr(client, method)(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith("/accounts/login/"), name
    assert Case.objects.count() == 1


def test_another_body_gets_404_like_a_missing_object(login: object, case: Case, org: dict[str, Body]) -> None:
    client = login("td_clerk")  # type: ignore[operator]
    pages = _pages(case, org)
    missing = {
        "cases:detail": "/cases/999999/",
        "cases:act": f"/cases/999999/act/{Action.WITHDRAW.value}/",
        "tenancy:detail": "/bodies/999999/",
        "cases:edit": "/cases/999999/edit/",
        "letters:template": "/letters/templates/999999/correction/",
        "letters:template_download": "/letters/templates/999999/correction/download/",
        "letters:template_default": "/letters/templates/999999/correction/default/",
    }
    for name in OBJECT_PAGES:
        mine = client.get(pages[name][1])
        absent = client.get(missing[name])
        assert mine.status_code == absent.status_code == 404, name
        assert mine.content == absent.content, name
    # nor do lists and exports show it
    assert case.number not in client.get("/cases/").content.decode()
    assert case.number not in client.get("/cases/export.csv").content.decode()
    assert client.post(pages["cases:act"][1], {"on": "2026-03-03"}).status_code == 404
    case.refresh_from_db()
    assert case.status == "processing"


def test_supervisor_reads_subordinate_cases_but_cannot_act(login: object, case: Case) -> None:
    client = login("qu_viewer")  # type: ignore[operator]
    assert case.number in client.get("/cases/").content.decode()
    detail = client.get(f"/cases/{case.pk}/")
    assert detail.status_code == 200 and "您当前没有可执行的操作" in detail.content.decode()
    assert client.post(f"/cases/{case.pk}/act/withdraw/", {"on": "2026-03-03"}).status_code == 403
    assert client.get("/cases/new/").status_code == 403


def test_user_without_body_sees_nothing(login: object, case: Case) -> None:
    client = login("nobody")  # type: ignore[operator]
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert case.number not in client.get("/cases/").content.decode()


def test_logout_needs_post_and_csrf(users: dict[str, User]) -> None:
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(users["bq_clerk"])
    assert strict.post("/accounts/logout/").status_code == 403
