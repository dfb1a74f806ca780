"""The authorisation matrix: EVERY URL of the resolver and EVERY operation of the API's OpenAPI document, tried with
sample arguments pointing at objects of 八桥镇, as anonymous, as each role of another body (跳磴镇: clerk, reviewer,
head, administrator) and as a user holding no role anywhere.

Nothing may reveal 八桥镇's private data (:data:`~tests.security.world.MARK`, searched for in every response,
decompressed when it is a ZIP such as XLSX/DOCX) or change it; a page about one of its objects answers 404 or 403
(405 for a method the route does not take), the anonymous visitor is sent to the login page (401 from the API);
nothing answers 500. A route or an operation added without a sample here fails the test, named.

Public routes are listed in :data:`PUBLIC` and checked to show no private data.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.security.world import MARK_TOKEN, OTHER_BODY_ROLES, PUBLIC_TOKEN, World, build_world
from xxgk.core.workflow import Action
from xxgk.web.tenancy.models import Body

pytestmark = pytest.mark.django_db

#: Routes anyone may use (their answers are still searched for private data).
PUBLIC = {
    "home",
    "login",
    "logout",
    "set_language",
    "portal:index",
    "portal:apply",
    "portal:status",
    "public:index",
    "public:body",
    "public:catalogue",
    "public:item",
    "public:attachment",
    "public:guide",
    "public:reports",
    "ops:healthz",
    "ops:readyz",
    "reports:public_report",
    "reports:public_download",
}
#: URL arguments that address an object or a body of 八桥镇: a route taking one is "about" 八桥镇.
OBJECT_KWARGS = {
    "case_id", "flag_id", "body_id", "event_seq", "letter_id", "submission_id", "item_id", "attachment_id",
    "token_id", "document_id", "amendment_id", "figure_id", "remedy_id", "hearing_id", "job_id", "file_id",
    "report_id", "throttle_id",
}  # fmt: skip
#: Routes whose ``body_id`` is a supervising body (the district above 八桥镇): its overview shows 八桥镇's data.
SUPERVISOR_ROUTES = {"oversight:overview", "oversight:combined", "oversight:combined_download", "oversight:upload",
                     "oversight:upload_zip"}  # fmt: skip
OTHERS = ["td_clerk", *OTHER_BODY_ROLES, "nobody"]
LOGIN_URL = "/accounts/login/"


def samples(w: World) -> dict[str, dict[str, Any]]:
    """Route name → URL arguments, every one pointing at 八桥镇 (see the module docstring)."""
    ids, bq, district = w.ids, w.org["baqiao"], w.org["district"]
    b, code = bq.pk, bq.code
    case = {"case_id": ids["case"]}
    item = {"item_id": ids["item"]}
    return {
        "home": {},
        "login": {},
        "logout": {},
        "set_language": {},
        "cases:list": {},
        "cases:export_csv": {},
        "cases:export_xlsx": {},
        "cases:fees": {},
        "cases:register": {},
        "cases:detail": case,
        "cases:edit": case,
        "cases:duplicate_decide": {"case_id": ids["case_again"], "flag_id": ids["flag"]},
        "cases:act": {**case, "action": Action.WITHDRAW.value},
        "workcalendar:years": {},
        "workcalendar:year_add": {},
        "workcalendar:year": {"year": 2026},
        "workcalendar:announce": {"year": 2026},
        "workcalendar:day_save": {"year": 2026},
        "workcalendar:day_delete": {"day": "2026-10-09"},
        "tenancy:list": {},
        "tenancy:detail": {"body_id": b},
        "api_tokens:list": {},
        "api_tokens:revoke": {"token_id": ids["api_token"]},
        "letters:templates": {},
        "letters:template": {"body_id": b, "slot": "correction"},
        "letters:template_download": {"body_id": b, "slot": "correction"},
        "letters:template_default": {"body_id": b, "slot": "correction"},
        "letters:template_reset": {"body_id": b, "slot": "correction"},
        "letters:generate": {**case, "event_seq": ids["correction_seq"]},
        "letters:download": {"letter_id": ids["letter"]},
        "portal:index": {},
        "portal:apply": {"body_code": code},
        "portal:status": {},
        "portal:inbox": {},
        "portal:submission": {"submission_id": ids["submission"]},
        "portal:accept": {"submission_id": ids["submission"]},
        "portal:reject": {"submission_id": ids["submission"]},
        "portal:case_code": case,
        "portal:settings": {},
        "proactive:list": {},
        "proactive:create": {},
        "proactive:tasks": {},
        "proactive:from_case": {"case_id": ids["case_closed"]},
        "proactive:settings": {},
        "proactive:chain": {"body_id": b},
        "proactive:catalogue_settings": {"body_id": b},
        "proactive:guide": {"body_id": b},
        "proactive:detail": item,
        "proactive:edit": item,
        "proactive:submit": item,
        "proactive:decide": item,
        "proactive:publish": item,
        "proactive:withdraw": item,
        "proactive:attach": item,
        "proactive:attachment": {**item, "attachment_id": ids["attachment"]},
        "proactive:detach": {**item, "attachment_id": ids["attachment"]},
        "public:index": {},
        "public:body": {"body_code": code},
        "public:catalogue": {"body_code": code},
        "public:item": {"body_code": code, "item_id": ids["published_item"]},
        "public:attachment": {
            "body_code": code,
            "item_id": ids["published_item"],
            "attachment_id": ids["published_attachment"],
        },
        "public:guide": {"body_code": code},
        "public:reports": {"body_code": code},
        "registers:index": {},
        "registers:documents": {"body_id": b},
        "registers:document_new": {"body_id": b},
        "registers:document": {"document_id": ids["document"]},
        "registers:document_edit": {"document_id": ids["document"]},
        "registers:document_delete": {"document_id": ids["document"]},
        "registers:amendment_add": {"document_id": ids["document"]},
        "registers:amendment_delete": {"amendment_id": ids["amendment"]},
        "registers:year": {"body_id": b, "year": 2020},
        "registers:cell": {"body_id": b, "year": 2020, "code": "s2.procurement.projects"},
        "registers:figure_edit": {"body_id": b, "year": 2020, "item": "procurement"},
        "registers:figure_delete": {"figure_id": ids["figure"]},
        "registers:import": {"body_id": b, "what": "documents"},
        "registers:template": {"what": "documents", "fmt": "xlsx"},
        "registers:export": {"body_id": b, "what": "documents", "fmt": "csv"},
        "litigation:list": {},
        "litigation:new": {},
        "litigation:detail": {"remedy_id": ids["remedy"]},
        "litigation:edit": {"remedy_id": ids["remedy"]},
        "litigation:close": {"remedy_id": ids["remedy"]},
        "litigation:reopen": {"remedy_id": ids["remedy"]},
        "litigation:hearing_add": {"remedy_id": ids["remedy"]},
        "litigation:hearing_delete": {"hearing_id": ids["hearing"]},
        "litigation:table": {"body_id": b, "year": 2026},
        "litigation:cell": {"body_id": b, "year": 2026, "code": "s4.review.total"},
        "reports:index": {},
        "reports:computed": {"body_id": b, "year": 2026},
        "reports:computed_json": {"body_id": b, "year": 2026},
        "reports:cell": {"body_id": b, "year": 2026, "code": "s3.received.natural"},
        "reports:compare_previous": {"body_id": b, "year": 2026},
        "reports:uncounted": {"body_id": b, "year": 2026, "kind": "open"},
        "reports:report": {"body_id": b, "year": 2026},
        "reports:start": {"body_id": b, "year": 2026},
        "reports:narrative": {"body_id": b, "year": 2026},
        "reports:checks": {"body_id": b, "year": 2026},
        "reports:previous_upload": {"body_id": b, "year": 2026},
        "reports:overrides": {"body_id": b, "year": 2026},
        "reports:override_remove": {"body_id": b, "year": 2026},
        "reports:submit": {"body_id": b, "year": 2026},
        "reports:decide": {"body_id": b, "year": 2026},
        "reports:publish": {"body_id": b, "year": 2026},
        "reports:correct": {"body_id": b, "year": 2026},
        "reports:version": {"body_id": b, "year": 2026, "number": 1},
        "reports:download": {"body_id": b, "year": 2026, "number": 1, "fmt": "docx"},
        "reports:public_report": {"body_code": code, "year": 2026},
        "reports:public_download": {"body_code": code, "year": 2026, "number": 1, "fmt": "pdf"},
        "oversight:index": {},
        "oversight:overview": {"body_id": district.pk, "year": 2020},
        "oversight:combined": {"body_id": district.pk, "year": 2020},
        "oversight:combined_download": {"body_id": district.pk, "year": 2020, "fmt": "xlsx"},
        "oversight:upload": {"body_id": district.pk, "year": 2020},
        "oversight:upload_zip": {"body_id": district.pk, "year": 2020},
        "oversight:external": {"report_id": ids["external_report"]},
        "oversight:external_file": {"report_id": ids["external_report"]},
        "oversight:external_withdraw": {"report_id": ids["external_report"]},
        "jobs:list": {},
        "jobs:batch_check_new": {},
        "jobs:detail": {"job_id": ids["job"]},
        "jobs:progress": {"job_id": ids["job"]},
        "jobs:file": {"job_id": ids["job"], "file_id": ids["job_file"]},
        "jobs:cancel": {"job_id": ids["job"]},
        "jobs:retry": {"job_id": ids["job"]},
        "security:lockouts": {},
        "security:unlock": {"throttle_id": ids["throttle"]},
        "ops:healthz": {},
        "ops:readyz": {},
    }


def resolver_routes() -> dict[str, list[str]]:
    """Every route of the resolver (the REST API aside: its operations come from its OpenAPI document) with the
    names of its URL arguments."""
    out: dict[str, list[str]] = {}

    def walk(patterns: list[URLPattern | URLResolver], namespace: str, params: list[str]) -> None:
        for p in patterns:
            converters = list(getattr(p.pattern, "converters", {}))
            if isinstance(p, URLResolver):
                if p.namespace == "api":
                    continue
                inner = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p.url_patterns, inner, params + converters)
            else:
                name = f"{namespace}{p.name}" if p.name else f"{namespace}<unnamed: {p.pattern}>"
                out[name] = params + converters

    walk(get_resolver().url_patterns, "", [])
    return out


def body_of(response: Any) -> bytes:
    """The whole body of a response, ZIP containers (XLSX, DOCX) unpacked."""
    data = b"".join(response.streaming_content) if response.streaming else response.content
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                data += b"".join(archive.read(info) for info in archive.infolist())
        except zipfile.BadZipFile:
            pass
    return bytes(data)


def leaks(response: Any) -> bool:
    return MARK_TOKEN.encode() in body_of(response)


def rows_of_baqiao() -> dict[str, list[dict[str, Any]]]:
    """Every row of every model (sessions, login counts and token use times aside), to see that nothing that
    existed was changed or deleted."""
    out: dict[str, list[dict[str, Any]]] = {}
    for model in apps.get_models():
        label = model._meta.label
        if label in ("sessions.Session", "security.LoginThrottle", "auth.User", "contenttypes.ContentType"):
            continue
        rows = [{k: v for k, v in row.items() if k not in VOLATILE} for row in model._default_manager.values()]
        out[label] = sorted(rows, key=lambda r: json.dumps(r, sort_keys=True, default=str))
    return out


#: Columns a read may change (when a token was last used, when a job notice was seen).
VOLATILE = {"last_used_at", "last_used", "notified_at", "seen_at", "failure_seen_at"}


def _only_added(before: dict[str, list[dict[str, Any]]], after: dict[str, list[dict[str, Any]]]) -> list[str]:
    """Models where a row that existed before is now different or gone."""
    changed = []
    for label, rows in before.items():
        remaining = [json.dumps(r, sort_keys=True, default=str) for r in after.get(label, [])]
        for row in rows:
            key = json.dumps(row, sort_keys=True, default=str)
            if key in remaining:
                remaining.remove(key)
            else:
                changed.append(label)
                break
    return changed


@pytest.fixture
def world(org: dict[str, Body], users: dict[str, User]) -> World:
    return build_world(org, users)


def requests(world: World) -> Iterator[tuple[str, str, str, bool]]:
    """(route, method, URL, about 八桥镇) for every route and both methods."""
    table = samples(world)
    for name in sorted(resolver_routes()):
        if name not in table:
            pytest.fail(f"route {name} has no sample in tests/security/test_authz_matrix.py: samples()")
        kwargs = table[name]
        url = reverse(name, kwargs=kwargs)
        about = bool(OBJECT_KWARGS & set(kwargs)) or name in SUPERVISOR_ROUTES
        for method in ("get", "post"):
            yield name, method, url, about


def test_every_route_has_a_sample(world: World) -> None:
    routes = resolver_routes()
    table = samples(world)
    missing = sorted(set(routes) - set(table))
    assert not missing, f"routes without a sample in tests/security/test_authz_matrix.py: {missing}"
    stale = sorted(set(table) - set(routes))
    assert not stale, f"samples of routes that no longer exist: {stale}"
    for name, params in routes.items():
        assert set(table[name]) == set(params), f"{name}: sample arguments {sorted(table[name])} != {params}"


def test_anonymous(world: World) -> None:
    client = Client(raise_request_exception=False)
    before = rows_of_baqiao()
    for name, method, url, _ in requests(world):
        response = getattr(client, method)(url)
        where = f"{method.upper()} {url} ({name})"
        assert response.status_code < 500, where
        assert not leaks(response), f"{where} shows private data of 八桥镇"
        if name in PUBLIC:
            continue
        assert response.status_code in (302, 405), where
        if response.status_code == 302:
            assert response["Location"].startswith(LOGIN_URL), where
    assert _only_added(before, rows_of_baqiao()) == []


@pytest.mark.parametrize("username", OTHERS)
def test_another_body_and_no_body(world: World, username: str) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(world.users[username])
    before = rows_of_baqiao()
    for name, method, url, about in requests(world):
        # signed in for every request: POST /accounts/logout/ signs the client out, and a refusal must never be
        # the login page a signed-out visitor is sent to
        assert "_auth_user_id" in client.session, f"{username} is no longer signed in before {name}"
        response = getattr(client, method)(url)
        where = f"{username}: {method.upper()} {url} ({name}) → {response.status_code}"
        assert response.status_code < 500, where
        assert not leaks(response), f"{where} shows private data of 八桥镇"
        if about and name not in PUBLIC:
            assert response.status_code in (403, 404, 405), where
        if name == "logout":
            client.force_login(world.users[username])
    assert _only_added(before, rows_of_baqiao()) == [], f"{username} changed data of 八桥镇"


def test_public_pages_show_what_is_published(world: World) -> None:
    """The published item and the guide are on the public site (the test would not notice a public page that
    failed to show anything); the draft item and its attachment are not."""
    client = Client(raise_request_exception=False)
    code = world.org["baqiao"].code
    for url in (f"/open/{code}/items/{world.ids['published_item']}/", f"/open/{code}/guide/"):
        response = client.get(url)
        assert response.status_code == 200 and PUBLIC_TOKEN.encode() in body_of(response), url
    draft = f"/open/{code}/items/{world.ids['item']}/"
    assert client.get(draft).status_code == 404
    draft_file = f"/open/{code}/items/{world.ids['item']}/files/{world.ids['attachment']}/"
    assert client.get(draft_file).status_code == 404


def test_the_owner_sees_the_marker(world: World) -> None:
    """The marker search works: the same pages show it to 八桥镇's own clerk."""
    client = Client(raise_request_exception=False)
    client.force_login(world.users["bq_clerk"])
    documents = f"/registers/{world.org['baqiao'].pk}/documents/"
    for url in (f"/cases/{world.ids['case']}/", "/cases/", "/cases/export.xlsx", documents):
        response = client.get(url)
        assert response.status_code == 200 and leaks(response), url


# -- the REST API ------------------------------------------------------------------------------------------------


def api_operations() -> list[tuple[str, str, dict[str, Any]]]:
    """(method, path template, operation) of every operation in the OpenAPI document."""
    from xxgk.web.api.api import api

    schema = api.get_openapi_schema(path_prefix="/api/")
    return [(method, path, op) for path, ops in schema["paths"].items() for method, op in ops.items()]


def api_path_samples(w: World) -> dict[str, Any]:
    return {
        "id": w.ids["case"],
        "document_id": w.ids["document"],
        "remedy_id": w.ids["remedy"],
        "item_id": w.ids["item"],
        "year": 2026,
        "body_code": w.org["baqiao"].code,
    }


def api_query_samples(w: World) -> dict[str, Any]:
    return {"body_id": w.org["baqiao"].pk, "year": 2020, "code": "s2.procurement.projects"}


def api_requests(w: World) -> Iterator[tuple[str, str, bool, bool, dict[str, Any]]]:
    """(method, URL, about 八桥镇, public, query) of every operation."""
    paths, queries = api_path_samples(w), api_query_samples(w)
    for method, template, op in api_operations():
        params = op.get("parameters", [])
        path_names = [p["name"] for p in params if p["in"] == "path"]
        url = template
        for name in path_names:
            assert name in paths, f"API parameter {name!r} of {method.upper()} {template} has no sample"
            url = url.replace("{" + name + "}", str(paths[name]))
        query = {p["name"]: queries[p["name"]] for p in params if p["in"] == "query" and p["name"] in queries}
        about = bool(set(path_names) - {"year"})  # a list filtered to 八桥镇 may answer (empty): it must not leak
        yield method, url, about, op.get("security") is None, query


def _api_call(client: Client, method: str, url: str, query: dict[str, Any], token: str | None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if method == "get":
        return client.get(url, query, headers=headers)
    return getattr(client, method)(url, data="{}", content_type="application/json", headers=headers)


def test_api_every_operation_has_samples(world: World) -> None:
    operations = list(api_requests(world))
    assert len(operations) >= 40  # the document was read


def test_api_anonymous(world: World) -> None:
    client = Client(raise_request_exception=False)
    for method, url, _about, public, query in api_requests(world):
        response = _api_call(client, method, url, query, None)
        where = f"anonymous: {method.upper()} {url} → {response.status_code}"
        assert response.status_code < 500, where
        assert not leaks(response), where
        if not public:
            assert response.status_code == 401, where


@pytest.mark.parametrize("username", OTHERS)
def test_api_another_body_and_no_body(world: World, username: str) -> None:
    client = Client(raise_request_exception=False)
    before = rows_of_baqiao()
    for method, url, about, public, query in api_requests(world):
        response = _api_call(client, method, url, query, world.tokens[username])
        where = f"{username}: {method.upper()} {url} → {response.status_code}"
        assert response.status_code < 500, where
        assert not leaks(response), f"{where} shows private data of 八桥镇"
        if about and not public:
            allowed = (403, 404) if method == "get" else (403, 404, 405, 422)
            assert response.status_code in allowed, where
    assert _only_added(before, rows_of_baqiao()) == [], f"{username} changed data of 八桥镇 through the API"


def test_api_docs_are_public_and_show_no_data(world: World) -> None:
    client = Client(raise_request_exception=False)
    for url in ("/api/docs", "/api/openapi.json"):
        response = client.get(url)
        assert response.status_code in (200, 401), url
        assert not leaks(response), url
