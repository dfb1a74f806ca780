"""The proactive router as mounted on the project's API (/api/v1/proactive, behind the token authentication and
the JSON errors of :mod:`xxgk.web.api.errors`): scoping, sign-off decisions, tasks and the public catalogue."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from xxgk.web.api.api import api
from xxgk.web.api.services import api_token_create
from xxgk.web.proactive import services as s
from xxgk.web.proactive.models import ItemStatus, ProactiveItem, SignoffDecision

pytestmark = pytest.mark.django_db

PREFIX = "/api/v1/proactive"


@pytest.fixture
def call(users: dict[str, User]) -> Callable[..., tuple[int, Any]]:
    """``call("GET", path, user=None, body=None, **params)`` → (status, JSON) with ``user``'s token (or none)."""
    tokens: dict[str, str] = {}

    def run(method: str, path: str, user: str | None = None, body: Any = None, **params: Any) -> tuple[int, Any]:
        headers: dict[str, str] = {}
        if user is not None:
            if user not in tokens:
                tokens[user] = api_token_create(user=users[user], name="测试", days=None, actor=users[user])[1]
            headers["Authorization"] = f"Bearer {tokens[user]}"
        client = Client()
        if method == "GET":
            response = client.get(PREFIX + path, params, headers=headers)
        else:
            data = json.dumps(body if body is not None else {}, ensure_ascii=False)
            response = client.post(PREFIX + path, data, content_type="application/json", headers=headers)
        return response.status_code, response.json()

    return run


def test_list_and_detail_are_scoped(
    call: Callable[..., tuple[int, Any]], make_item: Callable[..., ProactiveItem]
) -> None:
    item = make_item(title="接口测试信息")
    status, mine = call("GET", "/items", "bq_clerk")
    assert status == 200 and mine["count"] == 1 and mine["items"][0]["title"] == "接口测试信息"
    assert mine["items"][0]["category"]["label"] == "财政预算、决算信息"
    assert call("GET", "/items", "td_clerk")[1]["count"] == 0
    assert call("GET", "/items", "qu_viewer")[1]["count"] == 1  # the supervisor reads
    status, detail = call("GET", f"/items/{item.pk}", "bq_clerk")
    assert status == 200 and detail["deadline"]["due"] == item.publish_due.isoformat()  # type: ignore[union-attr]
    assert detail["signoff"] is None and detail["allowed"] == ["edit", "submit", "withdraw"]
    other = call("GET", f"/items/{item.pk}", "td_clerk")
    missing = call("GET", "/items/999999", "td_clerk")
    assert other == missing and other[0] == 404 and other[1]["code"] == "not_found"
    assert call("GET", "/items", "bq_clerk", q="不存在的词")[1]["count"] == 0
    status, page = call("GET", "/items", "bq_clerk", limit=0)
    assert status == 422 and page["code"] == "validation" and page["errors"][0]["field"] == "limit"


def test_every_operation_but_the_public_ones_needs_a_token(
    call: Callable[..., tuple[int, Any]], make_item: Callable[..., ProactiveItem]
) -> None:
    item = make_item()
    for method, path in (
        ("GET", "/items"),
        ("GET", f"/items/{item.pk}"),
        ("POST", f"/items/{item.pk}/signoff"),
        ("GET", "/signoff/tasks"),
    ):
        status, body = call(method, path, body={"step": "department", "decision": "approve"})
        assert status == 401 and body["code"] == "token_missing", path
    assert call("GET", "/categories")[0] == 200


def test_signoff_over_the_api(
    call: Callable[..., tuple[int, Any]], make_item: Callable[..., ProactiveItem], users: dict[str, User]
) -> None:
    item = s.item_submit(actor=users["bq_clerk"], item_id=make_item().pk)
    url = f"/items/{item.pk}/signoff"
    status, tasks = call("GET", "/signoff/tasks", "bq_reviewer")
    assert status == 200 and [(t["subject_id"], t["step_name"]) for t in tasks] == [(str(item.pk), "承办科室审核")]
    assert call("GET", "/signoff/tasks", "td_clerk") == (200, [])
    detail = call("GET", f"/items/{item.pk}", "bq_reviewer")[1]
    assert detail["signoff"]["next_step"] == "department" and detail["signoff"]["can_decide"] is True
    # out of order, wrong role, supervisor, other body, bad payload, rejection without a reason
    status, body = call("POST", url, "bq_head", {"step": "leader", "decision": "approve"})
    assert status == 409 and body["code"] == "workflow"
    status, body = call("POST", url, "bq_head", {"step": "department", "decision": "approve"})
    assert status == 409 and "审核人" in body["detail"]
    status, body = call("POST", url, "qu_viewer", {"step": "department", "decision": "approve"})
    assert status == 403 and body["code"] == "forbidden"
    other = call("POST", url, "td_clerk", {"step": "department", "decision": "approve"})
    assert other == call("POST", "/items/999999/signoff", "td_clerk", {"step": "department", "decision": "approve"})
    assert other[0] == 404 and other[1]["code"] == "not_found"
    status, body = call("POST", url, "bq_reviewer", {"step": "department", "decision": "maybe"})
    assert status == 422 and body["code"] == "validation" and body["errors"][0]["field"] == "decision"
    status, body = call("POST", url, "bq_reviewer", {"step": "department", "decision": "reject"})
    assert status == 409 and "理由" in body["detail"]
    assert SignoffDecision.objects.count() == 0
    # a rejection, then resubmission and the whole chain
    status, returned = call(
        "POST", url, "bq_reviewer", {"step": "department", "decision": "reject", "opinion": "补充依据"}
    )
    assert status == 200 and returned["status"] == ItemStatus.DRAFT and returned["signoff"]["phase"] == "draft"
    assert returned["signoff"]["history"][0]["opinion"] == "补充依据"
    s.item_submit(actor=users["bq_clerk"], item_id=item.pk)
    for step, who in (("department", "bq_reviewer"), ("leader", "bq_head"), ("office", "bq_reviewer")):
        status, final = call("POST", url, who, {"step": step, "decision": "approve", "opinion": "同意"})
        assert status == 200, final
    assert final["status"] == ItemStatus.APPROVED and final["signoff"]["phase"] == "complete"
    assert [h["round"] for h in final["signoff"]["history"]] == [1, 2, 2, 2]
    assert [st["reviewer"] for st in final["signoff"]["steps"]] == ["bq_reviewer", "bq_head", "bq_reviewer"]


def test_public_catalogue_needs_no_token_and_shows_only_published(
    call: Callable[..., tuple[int, Any]],
    published: Callable[..., ProactiveItem],
    make_item: Callable[..., ProactiveItem],
) -> None:
    item = published(title="公开的预算信息")
    hidden = make_item(title="草稿信息")
    status, page = call("GET", "/catalogue/ddk-baqiao")
    assert status == 200 and page["count"] == 1 and page["items"][0]["index_number"] == item.index_number
    assert "drafter" not in page["items"][0] and page["items"][0]["url"] == f"/open/ddk-baqiao/items/{item.pk}/"
    assert call("GET", "/catalogue/ddk-baqiao", q="草稿")[1]["count"] == 0
    assert call("GET", "/catalogue/ddk-baqiao", category="a20.01")[1]["count"] == 0
    status, detail = call("GET", f"/catalogue/ddk-baqiao/{item.pk}")
    assert status == 200 and detail["content"] == item.content
    assert call("GET", f"/catalogue/ddk-baqiao/{hidden.pk}")[0] == 404
    assert call("GET", f"/catalogue/ddk-tiaodeng/{item.pk}")[0] == 404  # another body's item
    assert call("GET", "/catalogue/nowhere")[0] == 404
    status, categories = call("GET", "/categories")
    assert status == 200 and len(categories) == 27 and categories[0]["article"] == "第二十条第（一）项"
    assert call("GET", "/catalogue/ddk-baqiao", "td_clerk")[1]["count"] == 1  # a token changes nothing


def test_openapi_lists_the_operations() -> None:
    schema = api.get_openapi_schema(path_prefix="/api/")
    paths = schema["paths"]
    operations = {
        op["operationId"]: op for path, item in paths.items() if path.startswith(PREFIX) for op in item.values()
    }
    assert set(operations) == {
        "proactive_item_list",
        "proactive_item_detail",
        "proactive_item_signoff",
        "proactive_signoff_tasks",
        "proactive_category_list",
        "proactive_catalogue",
        "proactive_catalogue_item",
    }
    public = {name for name, op in operations.items() if "security" not in op}
    assert public == {"proactive_category_list", "proactive_catalogue", "proactive_catalogue_item"}
    signoff = paths[f"{PREFIX}/items/{{item_id}}/signoff"]["post"]
    assert signoff["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/DecisionIn")
    deadline = schema["components"]["schemas"]["PublishDeadlineOut"]
    assert set(deadline["properties"]) == {"due", "provisional", "reason", "steps"}
