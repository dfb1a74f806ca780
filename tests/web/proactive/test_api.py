"""The proactive router, mounted on a test API whose auth resolves a user from a header (the project's API
mounts the same router behind its token auth): scoping, sign-off decisions, tasks and the public catalogue."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.security import APIKeyHeader
from ninja.testing import TestClient

from xxgk.core.errors import WorkflowError, XxgkError
from xxgk.web.proactive import api as proactive_api
from xxgk.web.proactive import services as s
from xxgk.web.proactive.models import ItemStatus, ProactiveItem, SignoffDecision

pytestmark = pytest.mark.django_db

_ids = itertools.count()


class UserHeader(APIKeyHeader):
    param_name = "X-User"

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        return User.objects.filter(username=key).first()


def _handler(api: NinjaAPI, status: int) -> Any:
    def handler(request: HttpRequest, error: Exception) -> HttpResponse:
        return api.create_response(request, {"detail": str(error)}, status=status)

    return handler


def _api() -> NinjaAPI:
    api = NinjaAPI(auth=UserHeader(), urls_namespace=f"proactive_test_{next(_ids)}")
    statuses: list[tuple[type[Exception], int]] = [
        (Http404, 404),
        (PermissionDenied, 403),
        (WorkflowError, 409),
        (XxgkError, 422),
    ]
    for exc, status in statuses:
        api.add_exception_handler(exc, _handler(api, status))
    api.add_router("/v1/proactive", proactive_api.build_router())
    return api


@pytest.fixture
def client() -> TestClient:
    return TestClient(_api())


def _get(client: TestClient, path: str, user: str | None = None, **params: Any) -> Any:
    headers = {"X-User": user} if user else {}
    return client.get(f"/v1/proactive{path}", headers=headers, query_params=params or None)


def _post(client: TestClient, path: str, user: str, body: dict[str, Any]) -> Any:
    return client.post(f"/v1/proactive{path}", json=body, headers={"X-User": user})


def test_list_and_detail_are_scoped(
    client: TestClient, make_item: Callable[..., ProactiveItem], users: dict[str, User]
) -> None:
    item = make_item(title="接口测试信息")
    assert _get(client, "/items").status_code == 401
    mine = _get(client, "/items", "bq_clerk").json()
    assert mine["count"] == 1 and mine["items"][0]["title"] == "接口测试信息"
    assert mine["items"][0]["category"]["label"] == "财政预算、决算信息"
    assert _get(client, "/items", "td_clerk").json()["count"] == 0
    assert _get(client, "/items", "qu_viewer").json()["count"] == 1  # the supervisor reads
    detail = _get(client, f"/items/{item.pk}", "bq_clerk").json()
    assert detail["deadline"]["due"] == item.publish_due.isoformat()  # type: ignore[union-attr]
    assert detail["signoff"] is None and detail["allowed"] == ["edit", "submit", "withdraw"]
    other = _get(client, f"/items/{item.pk}", "td_clerk")
    missing = _get(client, "/items/999999", "td_clerk")
    assert other.status_code == missing.status_code == 404 and other.json() == missing.json()
    filtered = _get(client, "/items", "bq_clerk", q="不存在的词").json()
    assert filtered["count"] == 0


def test_signoff_over_the_api(
    client: TestClient, make_item: Callable[..., ProactiveItem], users: dict[str, User]
) -> None:
    item = s.item_submit(actor=users["bq_clerk"], item_id=make_item().pk)
    tasks = _get(client, "/signoff/tasks", "bq_reviewer").json()
    assert [(t["subject_id"], t["step_name"]) for t in tasks] == [(str(item.pk), "承办科室审核")]
    detail = _get(client, f"/items/{item.pk}", "bq_reviewer").json()
    assert detail["signoff"]["next_step"] == "department" and detail["signoff"]["can_decide"] is True
    # out of order, wrong role, drafter, supervisor, other body, bad payload
    assert (
        _post(client, f"/items/{item.pk}/signoff", "bq_head", {"step": "leader", "decision": "approve"}).status_code
        == 409
    )
    wrong = _post(client, f"/items/{item.pk}/signoff", "bq_head", {"step": "department", "decision": "approve"})
    assert wrong.status_code == 409 and "审核人" in wrong.json()["detail"]
    assert (
        _post(
            client, f"/items/{item.pk}/signoff", "qu_viewer", {"step": "department", "decision": "approve"}
        ).status_code
        == 403
    )
    assert (
        _post(
            client, f"/items/{item.pk}/signoff", "td_clerk", {"step": "department", "decision": "approve"}
        ).status_code
        == 404
    )
    assert (
        _post(
            client, f"/items/{item.pk}/signoff", "bq_reviewer", {"step": "department", "decision": "maybe"}
        ).status_code
        == 422
    )
    no_reason = _post(client, f"/items/{item.pk}/signoff", "bq_reviewer", {"step": "department", "decision": "reject"})
    assert no_reason.status_code == 409 and "理由" in no_reason.json()["detail"]
    assert SignoffDecision.objects.count() == 0
    # a rejection, then resubmission and the whole chain
    returned = _post(
        client,
        f"/items/{item.pk}/signoff",
        "bq_reviewer",
        {"step": "department", "decision": "reject", "opinion": "补充依据"},
    ).json()
    assert returned["status"] == ItemStatus.DRAFT and returned["signoff"]["phase"] == "draft"
    assert returned["signoff"]["history"][0]["opinion"] == "补充依据"
    s.item_submit(actor=users["bq_clerk"], item_id=item.pk)
    for step, who in (("department", "bq_reviewer"), ("leader", "bq_head"), ("office", "bq_reviewer")):
        result = _post(
            client, f"/items/{item.pk}/signoff", who, {"step": step, "decision": "approve", "opinion": "同意"}
        )
        assert result.status_code == 200, result.json()
    final = result.json()
    assert final["status"] == ItemStatus.APPROVED and final["signoff"]["phase"] == "complete"
    assert [h["round"] for h in final["signoff"]["history"]] == [1, 2, 2, 2]
    assert [st["reviewer"] for st in final["signoff"]["steps"]] == ["bq_reviewer", "bq_head", "bq_reviewer"]


def test_public_catalogue_needs_no_token_and_shows_only_published(
    client: TestClient, published: Callable[..., ProactiveItem], make_item: Callable[..., ProactiveItem]
) -> None:
    item = published(title="公开的预算信息")
    hidden = make_item(title="草稿信息")
    page = _get(client, "/catalogue/ddk-baqiao").json()
    assert page["count"] == 1 and page["items"][0]["index_number"] == item.index_number
    assert "drafter" not in page["items"][0] and page["items"][0]["url"] == f"/open/ddk-baqiao/items/{item.pk}/"
    assert _get(client, "/catalogue/ddk-baqiao", q="草稿").json()["count"] == 0
    assert _get(client, "/catalogue/ddk-baqiao", category="a20.01").json()["count"] == 0
    detail = _get(client, f"/catalogue/ddk-baqiao/{item.pk}")
    assert detail.status_code == 200 and detail.json()["content"] == item.content
    assert _get(client, f"/catalogue/ddk-baqiao/{hidden.pk}").status_code == 404
    assert _get(client, "/catalogue/nowhere").status_code == 404
    categories = _get(client, "/categories").json()
    assert len(categories) == 27 and categories[0]["article"] == "第二十条第（一）项"


def test_openapi_lists_the_operations() -> None:
    schema = _api().get_openapi_schema(path_prefix="")
    paths = set(schema["paths"])
    assert {
        "/v1/proactive/items",
        "/v1/proactive/items/{item_id}",
        "/v1/proactive/items/{item_id}/signoff",
        "/v1/proactive/signoff/tasks",
        "/v1/proactive/catalogue/{body_code}",
    } <= paths
    catalogue = schema["paths"]["/v1/proactive/catalogue/{body_code}"]["get"]
    assert "security" not in catalogue  # public
    assert schema["paths"]["/v1/proactive/items"]["get"]["security"]
    assert proactive_api.router is not None
