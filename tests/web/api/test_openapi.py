"""The OpenAPI document: valid JSON, every API route in it, every operation with a response schema and its
errors, a token needed everywhere but in a short named list of public operations; the documentation page works
offline (no external assets)."""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from ninja.openapi.schema import OpenAPISchema

from tests.web.proactive.conftest import DEFAULT_DECIDERS, item_data
from xxgk.core.receipt import ReceiptFacts
from xxgk.core.workflow import TRANSITIONS, Applicant, Registration
from xxgk.web.api.api import api
from xxgk.web.api.docs import type_text
from xxgk.web.api.v1 import application_schemas
from xxgk.web.api.v1.application_schemas import ACTION_SCHEMAS, ApplicantIn, ReceiptFactsIn, RegistrationIn
from xxgk.web.cases.codec import PAYLOAD_TYPES
from xxgk.web.cases.services import SERVICES
from xxgk.web.proactive import services as proactive_services
from xxgk.web.proactive.models import ProactiveItem
from xxgk.web.tenancy.models import Body

pytestmark = pytest.mark.django_db

#: Routes of the API that are not operations of the document.
NOT_OPERATIONS = {"openapi-json", "openapi-view", "api-root", "application_unknown_action"}

#: The only operations that answer without a token (``auth=None``), by design: proactive disclosure's categories
#: and public catalogue, which return only what the anonymous public site /open/ already shows. Adding one here is
#: a decision about what the public may read; every other operation needs a token.
PUBLIC_OPERATIONS = frozenset({"proactive_category_list", "proactive_catalogue", "proactive_catalogue_item"})
PUBLIC_PREFIX = "/api/v1/proactive/"


def _document(client: Client) -> dict[str, Any]:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    document: dict[str, Any] = json.loads(response.content)
    return document


def _api_routes() -> dict[str, str]:
    """name -> path (OpenAPI style) of every route in the ``api`` namespace."""
    resolver = next(p for p in get_resolver().url_patterns if isinstance(p, URLResolver) and str(p.pattern) == "api/")
    ninja = next(p for p in resolver.url_patterns if isinstance(p, URLResolver) and p.namespace == "api")
    out: dict[str, str] = {}
    for p in ninja.url_patterns:
        assert isinstance(p, URLPattern)
        route = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(p.pattern))
        out[str(p.name)] = "/api/" + route
    return out


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, op)
        for path, item in document["paths"].items()
        for method, op in item.items()
        if method in ("get", "post", "put", "patch", "delete")
    ]


def test_document_is_valid_json_with_title_version_and_bearer_scheme(client: Client) -> None:
    document = _document(client)
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "xxgk 政府信息公开 API" and document["info"]["version"] == "1"
    schemes = document["components"]["securitySchemes"]
    assert any(s == {"type": "http", "scheme": "bearer"} for s in schemes.values())


def test_document_lists_every_api_route(client: Client) -> None:
    document = _document(client)
    routes = {name: path for name, path in _api_routes().items() if name not in NOT_OPERATIONS}
    assert set(routes.values()) == set(document["paths"])
    operation_ids = {op["operationId"] for _p, _m, op in _operations(document)}
    assert set(routes) <= operation_ids  # every named route is (the first) operation of its path
    assert len(operation_ids) == len(_operations(document))  # operation ids are unique
    # the brief's endpoints are all there, with every workflow action
    for path in ("/api/v1/bodies", "/api/v1/applications", "/api/v1/applications/{id}", "/api/v1/outcomes"):
        assert path in document["paths"]
    assert "/api/v1/calendar/{year}" in document["paths"]
    for action in SERVICES:
        assert f"/api/v1/applications/{{id}}/actions/{action.value}" in document["paths"]


def test_every_operation_has_a_response_schema_and_needs_a_token(client: Client) -> None:
    document = _document(client)
    schemas = document["components"]["schemas"]

    def refs(node: Any) -> list[str]:
        if isinstance(node, dict):
            found = [node["$ref"]] if "$ref" in node else []
            return found + [r for v in node.values() for r in refs(v)]
        if isinstance(node, list):
            return [r for v in node for r in refs(v)]
        return []

    public: set[str] = set()
    for path, method, op in _operations(document):
        where = f"{method.upper()} {path}"
        ok = [code for code in op["responses"] if code.startswith("2")]
        assert ok, where
        for code in ok:
            assert op["responses"][code]["content"]["application/json"]["schema"], where
        assert op.get("summary") and op.get("tags"), where
        if method == "post":
            assert {"403", "404", "409", "422"} <= set(op["responses"]), where
        if op["operationId"] in PUBLIC_OPERATIONS:
            public.add(op["operationId"])
            assert method == "get" and path.startswith(PUBLIC_PREFIX), where
            assert "security" not in op and "401" not in op["responses"], where  # documented as public
            continue
        assert "401" in op["responses"], where
        assert op["responses"]["401"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut"), where
        assert op.get("security"), where
    assert public == PUBLIC_OPERATIONS  # the list names existing operations only
    for ref in refs(document):
        assert ref.startswith("#/components/schemas/") and ref.rsplit("/", 1)[1] in schemas, ref


def test_each_action_documents_its_own_payload(client: Client) -> None:
    document = _document(client)
    for action in SERVICES:
        op = document["paths"][f"/api/v1/applications/{{id}}/actions/{action.value}"]["post"]
        payload = next(t.payload for (_s, a), t in TRANSITIONS.items() if a is action)
        schema = ACTION_SCHEMAS[payload]
        body = op["requestBody"]
        ref = body["content"]["application/json"]["schema"]
        ref = ref["allOf"][0] if "allOf" in ref else ref  # an optional body carries its default next to the $ref
        assert ref["$ref"].endswith("/" + schema.__name__), action
        required_fields = any(f.is_required() for f in schema.model_fields.values())
        assert bool(body.get("required")) == required_fields, action
        assert action.label in op["summary"]


def test_schemas_mirror_the_core_payloads() -> None:
    """One request schema per payload dataclass of the core, with the same fields (plus the action date)."""
    for name, cls in PAYLOAD_TYPES.items():
        names = {f.name for f in dataclasses.fields(cls)}
        if cls is Registration:
            assert set(RegistrationIn.model_fields) - {"body_id", "on"} == names
            continue
        schema = ACTION_SCHEMAS[cls]
        assert set(schema.model_fields) - {"on"} == names, name
        assert schema.payload_class is cls, name
    assert set(ApplicantIn.model_fields) == {f.name for f in dataclasses.fields(Applicant)}
    assert set(ReceiptFactsIn.model_fields) == {f.name for f in dataclasses.fields(ReceiptFacts)}
    assert {t.payload for t in TRANSITIONS.values()} - {Registration} == set(ACTION_SCHEMAS)


def test_descriptions_are_in_chinese(client: Client) -> None:
    document = _document(client)
    chinese = re.compile(r"[\u4e00-\u9fff]")
    assert chinese.search(document["info"]["description"])
    for path, method, op in _operations(document):
        assert chinese.search(op["summary"]) and chinese.search(op.get("description", "")), f"{method} {path}"
    for field in ("type", "name", "id_document", "contact"):
        assert chinese.search(document["components"]["schemas"]["ApplicantIn"]["properties"][field]["description"])


def test_documentation_page_is_self_contained(client: Client) -> None:
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    document = _document(client)
    for path, method, _op in _operations(document):
        assert f"{method.upper()} {path}" in html
    assert "CorrectionRequestIn" in html and "Authorization: Bearer" in html
    # no external script, style sheet or image (works on an intranet without Internet access)
    for tag in re.findall(r"<(?:script|link|img|iframe)\b[^>]*>", html):
        assert "http://" not in tag and "https://" not in tag and "//" not in tag.split("=", 1)[-1][:3], tag
    # (the CSRF token of the language form is random text: it may contain any three letters)
    assert "cdn" not in re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html).lower()


def test_the_api_object_is_the_one_mounted() -> None:
    assert api.urls_namespace == "api" and api.version == "1"


def _published_item(users: dict[str, User], body: Body) -> ProactiveItem:
    """A 主动公开 item of ``body`` taken through the default sign-off chain and published."""
    clerk = users["bq_clerk"]
    item = proactive_services.item_create(actor=clerk, body_id=body.pk, data=item_data())
    proactive_services.item_submit(actor=clerk, item_id=item.pk)
    for step, who in DEFAULT_DECIDERS:
        proactive_services.item_decide(actor=users[who], item_id=item.pk, step=step, decision="approve")
    return proactive_services.item_publish(actor=clerk, item_id=item.pk)


def test_every_operation_refuses_a_request_without_token(
    client: Client, users: dict[str, User], org: dict[str, Body]
) -> None:
    """Whatever router is mounted, nothing answers without a token (path parameters filled with 1), except the
    operations of :data:`PUBLIC_OPERATIONS`, which answer a published item of the public catalogue."""
    item = _published_item(users, org["baqiao"])
    public_params = {"body_code": org["baqiao"].code, "item_id": str(item.pk)}
    document = _document(client)
    answered: set[str] = set()
    for path, method, op in _operations(document):
        if op["operationId"] in PUBLIC_OPERATIONS:
            url = re.sub(r"\{(\w+)\}", lambda m: public_params[m.group(1)], path)
            response = client.get(url)
            assert path.startswith(PUBLIC_PREFIX) and response.status_code == 200, f"GET {url}"
            answered.add(op["operationId"])
            continue
        url = re.sub(r"\{\w+\}", "1", path)
        response = getattr(client, method)(url, content_type="application/json") if method != "get" else client.get(url)
        assert response.status_code == 401, f"{method.upper()} {url}"
        assert response.json()["code"] == "token_missing", f"{method.upper()} {url}"
    assert answered == PUBLIC_OPERATIONS
    catalogue = client.get(f"{PUBLIC_PREFIX}catalogue/{org['baqiao'].code}").json()
    assert [i["id"] for i in catalogue["items"]] == [item.pk]  # the public answer is real data, not an error


def test_schema_names_are_unique(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two routers' schemas with the same class name would silently replace each other in the document."""
    clashes: list[str] = []
    add = OpenAPISchema.add_schema_definitions

    def checked(self: OpenAPISchema, definitions: dict[str, Any]) -> None:
        clashes.extend(name for name, d in definitions.items() if name in self.schemas and self.schemas[name] != d)
        add(self, definitions)

    monkeypatch.setattr(OpenAPISchema, "add_schema_definitions", checked)
    api.get_openapi_schema(path_prefix="/api/")
    assert clashes == []


def test_type_text_of_the_documentation_page() -> None:
    assert type_text({"$ref": "#/components/schemas/ErrorOut"}) == ("ErrorOut", "ErrorOut")
    assert type_text({"type": "string", "format": "date"}) == ("string (date)", "")
    assert type_text({"anyOf": [{"$ref": "#/components/schemas/ReceiptOut"}, {"type": "null"}]}) == (
        "ReceiptOut | null",
        "ReceiptOut",
    )
    assert type_text({"type": "array", "items": {"type": "integer"}}) == ("array of integer", "")
    assert type_text({"type": "object", "additionalProperties": {"type": "string"}}) == ("object of string", "")
    assert type_text({"type": "string", "enum": ["a", "b"]}) == ("string：a, b", "")


def test_actions_document_if_match_and_every_read_of_an_application_its_etag(client: Client) -> None:
    """Optimistic locking is in the document: each action takes an optional ``If-Match`` header and says what a
    stale one answers; the detail, the registration and each action answer the ``ETag``; the read models carry
    the version."""
    document = _document(client)
    paths = document["paths"]
    for action in SERVICES:
        op = paths[f"/api/v1/applications/{{id}}/actions/{action.value}"]["post"]
        headers = [p for p in op.get("parameters", []) if p["in"] == "header"]
        assert [(p["name"], p.get("required", False)) for p in headers] == [("If-Match", False)], action
        assert "ETag" in headers[0]["description"] and "409" in headers[0]["description"], action
        assert "ETag" in op["responses"]["200"]["headers"], action
        assert op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/ApplicationDetailOut")
        assert "version_conflict" in op["responses"]["409"]["description"], action
        assert "If-Match" in op["description"], action
    assert "ETag" in paths["/api/v1/applications/{id}"]["get"]["responses"]["200"]["headers"]
    assert "ETag" in paths["/api/v1/applications"]["post"]["responses"]["201"]["headers"]
    schemas = document["components"]["schemas"]
    for name in ("ApplicationOut", "ApplicationDetailOut"):
        assert schemas[name]["properties"]["version"]["type"] == "integer" and "version" in schemas[name]["required"]
    assert "version_conflict" in schemas["ErrorOut"]["properties"]["code"]["description"]


def test_the_request_schemas_follow_the_stored_payload_types(monkeypatch: pytest.MonkeyPatch) -> None:
    """ACTION_SCHEMAS is derived from the codec's table of payload types (in its order), not a second list: a
    payload type the store knows without a request schema stops the API from loading."""
    assert list(ACTION_SCHEMAS) == [None, *(cls for cls in PAYLOAD_TYPES.values() if cls is not Registration)]
    assert application_schemas._action_schemas() == ACTION_SCHEMAS

    @dataclasses.dataclass(frozen=True)
    class Reminder:
        text: str

    monkeypatch.setattr(application_schemas, "PAYLOAD_TYPES", {**PAYLOAD_TYPES, "Reminder": Reminder})
    with pytest.raises(TypeError, match=r"missing \['Reminder'\]"):
        application_schemas._action_schemas()
