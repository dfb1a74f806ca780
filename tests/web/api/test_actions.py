"""POST /api/v1/applications/{id}/actions/{action}: the same services as the pages, the same scope, and errors
that say what is wrong (422 naming the field, 409 with the core's Chinese message, 403, 404)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from tests.web.api.conftest import REGISTRATION, ApiClient
from xxgk.core.fees import FeeMethod
from xxgk.core.outcomes import ApplicantType, Outcome, report_cell
from xxgk.core.workflow import CorrectionRequest, FeeNotice, Status
from xxgk.web.api.v1.application_schemas import (
    ACTION_SCHEMAS,
    FUTURE_DATE,
    NOT_BY_REPLY,
    ActionIn,
)
from xxgk.web.api.v1.applications import action_rule
from xxgk.web.audit.codes import AuditCode
from xxgk.web.audit.models import AuditEvent
from xxgk.web.cases.codec import payload_decode
from xxgk.web.cases.models import Case, CaseEvent
from xxgk.web.cases.selectors import READ_ONLY
from xxgk.web.cases.services import SERVICES
from xxgk.web.tenancy.models import Body
from xxgk.web.tenancy.selectors import NOT_FOUND

pytestmark = pytest.mark.django_db

Api = Callable[[str | None], ApiClient]

#: The smallest valid body of each request schema that needs more than the date.
VALID: dict[str, dict[str, Any]] = {
    "ReceiptConfirmationIn": {"receipt": {"confirmed_on": "2026-03-03"}},
    "CorrectionRequestIn": {"items": [" 写明文号 "], "due": "2026-03-20"},
    "ConsultationIn": {"kind": "co_producer", "parties": ["区财政局"]},
    "ConsultationEndIn": {"result": "consent"},
    "ExtensionIn": {"days": 5, "approved_by": "王强", "notified_on": "2026-03-05"},
    "CustomDeadlineIn": {"due": "2026-05-01", "reason": "数量大", "notified_on": "2026-03-05"},
    "FeeNoticeIn": {"method": "by_page", "amount": 12.5, "served_on": "2026-03-05"},
    "PaymentIn": {"amount": "12.50"},
    "ReplyIn": {"outcome": "partial", "withheld_parts": ["第三页"]},
}

#: Every workflow action on a case with a valid body (the body is validated before access is checked, and the
#: answer to an invalid body does not depend on the case either).
ACTIONS: dict[str, dict[str, Any]] = {
    a.value: {"on": "2026-03-05", **VALID.get(ACTION_SCHEMAS[action_rule(a).payload].__name__, {})} for a in SERVICES
}


def _act(client: ApiClient, case_id: int, action: str, payload: Any = None) -> Any:
    return client.post(f"/api/v1/applications/{case_id}/actions/{action}", payload)


def _audit_codes(case: Case) -> list[tuple[int, str]]:
    events = AuditEvent.objects.for_object("case", case.pk).select_related("actor").order_by("created_at", "id")
    return [(e.code, e.actor.username if e.actor else "") for e in events]


def test_full_workflow_over_the_api(api_as: Api, users: dict[str, User], org: dict[str, Body]) -> None:
    """Register → 补正 → 收到补正 → 拟定答复 → 审核 → 答复, every step checked against the database and the audit."""
    clerk, reviewer = api_as("bq_clerk"), api_as("bq_reviewer")
    created = clerk.post("/api/v1/applications", {**REGISTRATION, "body_id": org["baqiao"].pk})
    assert created.status == 201
    case_id = created.data["id"]

    step = _act(
        clerk,
        case_id,
        "request_correction",
        {"on": "2026-03-04", "items": ["写明文号", "提供身份证明"], "due": "2026-03-20"},
    )
    assert step.status == 200, step.data
    assert step.data["status"] == "awaiting_correction"
    assert [d["kind"] for d in step.data["deadlines"]] == ["correction"]
    row = CaseEvent.objects.get(case_id=case_id, seq=2)
    assert payload_decode(row.payload) == CorrectionRequest(items=("写明文号", "提供身份证明"), due=date(2026, 3, 20))
    assert row.on == date(2026, 3, 4) and row.actor == users["bq_clerk"] and row.role == "clerk"

    step = _act(clerk, case_id, "receive_correction", {"on": "2026-03-10"})
    assert step.status == 200 and step.data["status"] == "processing"
    assert step.data["deadlines"][0]["start"] == "2026-03-10"  # the answer clock restarts from the corrected one

    step = _act(clerk, case_id, "draft_reply", {"on": "2026-03-12", "outcome": "granted", "form": "paper"})
    assert step.status == 200 and step.data["status"] == "reply_review"
    assert [a["action"] for a in step.data["allowed_actions"]] == ["withdraw"]  # the clerk waits for the review

    review = reviewer.get(f"/api/v1/applications/{case_id}").data
    assert [a["action"] for a in review["allowed_actions"]] == ["return_reply", "approve_reply"]
    step = _act(reviewer, case_id, "approve_reply", {"on": "2026-03-12", "comment": "同意"})
    assert step.status == 200 and step.data["status"] == "reply_approved"

    step = _act(clerk, case_id, "send_reply", {"on": "2026-03-13"})
    assert step.status == 200, step.data
    done = step.data
    assert done["status"] == "closed" and done["outcome"] == "granted" and done["closed_on"] == "2026-03-13"
    assert done["result"]["report_cells"] == {
        t: report_cell(Outcome.GRANTED, ApplicantType.NATURAL, t) for t in ("2019", "2021")
    }

    case = Case.objects.get(pk=case_id)
    assert case.status == Status.CLOSED and case.outcome == "granted" and case.closed_on == date(2026, 3, 13)
    assert list(case.events.order_by("seq").values_list("action", "role", "actor__username")) == [
        ("register", "clerk", "bq_clerk"),
        ("request_correction", "clerk", "bq_clerk"),
        ("receive_correction", "clerk", "bq_clerk"),
        ("draft_reply", "clerk", "bq_clerk"),
        ("approve_reply", "reviewer", "bq_reviewer"),
        ("send_reply", "clerk", "bq_clerk"),
    ]
    assert _audit_codes(case) == [
        (AuditCode.CASE_REGISTERED, "bq_clerk"),
        (AuditCode.CASE_CORRECTION_REQUESTED, "bq_clerk"),
        (AuditCode.CASE_CORRECTION_RECEIVED, "bq_clerk"),
        (AuditCode.CASE_REPLY_DRAFTED, "bq_clerk"),
        (AuditCode.CASE_REPLY_APPROVED, "bq_reviewer"),
        (AuditCode.CASE_REPLY_SENT, "bq_clerk"),
    ]
    last = AuditEvent.objects.for_object("case", case.pk).order_by("-id").first()
    assert last is not None and isinstance(last.old, dict) and isinstance(last.new, dict)
    assert last.old["status"] == "reply_approved" and last.new["status"] == "closed"
    # the history over the API is the stored one
    history = clerk.get(f"/api/v1/applications/{case_id}").data["events"]
    assert [(e["action"], e["actor"]) for e in history] == [
        (a, u) for a, _r, u in case.events.order_by("seq").values_list("action", "role", "actor__username")
    ]


def test_actions_without_a_body_and_with_money(api_as: Api, users: dict[str, User], org: dict[str, Body]) -> None:
    clerk = api_as("bq_clerk")
    case_id = clerk.post("/api/v1/applications", {**REGISTRATION, "body_id": org["baqiao"].pk}).data["id"]
    notice = _act(
        clerk,
        case_id,
        "send_fee_notice",
        {"on": "2026-03-03", "method": "by_item", "amount": "50.00", "served_on": "2026-03-04", "breakdown": ["1件"]},
    )
    assert notice.status == 200, notice.data
    assert payload_decode(CaseEvent.objects.get(case_id=case_id, seq=2).payload) == FeeNotice(
        method=FeeMethod.BY_ITEM,
        amount=Decimal("50.00"),
        served_on=date(2026, 3, 4),
        breakdown=("1件",),
    )
    wrong = _act(clerk, case_id, "record_payment", {"on": "2026-03-05", "amount": 40})
    assert wrong.status == 409 and "不一致" in wrong.data["detail"]
    paid = _act(clerk, case_id, "record_payment", {"on": "2026-03-05", "amount": 50})
    assert paid.status == 200 and paid.data["status"] == "processing"
    # an action without payload takes an empty body, or none at all
    reasons = clerk.post(f"/api/v1/applications/{case_id}/actions/request_reasons", raw="")
    assert reasons.status == 200, reasons.data
    assert reasons.data["status"] == "awaiting_reasons"
    assert reasons.data["events"][-1]["on"] == timezone.localdate().isoformat()  # "on" defaults to today
    assert _act(clerk, case_id, "withdraw", {}).status == 200


@pytest.mark.parametrize(
    ("action", "payload", "expected"),
    [
        ("request_correction", {"items": [], "due": "2026-03-20"}, ("items", "至少 1 项")),
        ("request_correction", {"items": ["a", ""], "due": "2026-03-20"}, ("items.1", "不能为空")),
        ("request_correction", {"items": ["a"]}, ("due", "必填")),
        ("request_correction", {"items": ["a"], "due": "20.3.2026"}, ("due", "应为日期（YYYY-MM-DD）")),
        ("request_correction", {"items": ["a"], "due": "2026-03-20", "urgent": True}, ("urgent", "不接受此字段")),
        ("request_correction", {"items": ["a"], "due": "2026-03-20", "on": "FUTURE"}, ("on", FUTURE_DATE)),
        ("draft_reply", {"outcome": "withdrawn"}, ("outcome", NOT_BY_REPLY)),
        ("draft_reply", {"outcome": "yes"}, ("outcome", "取值无效")),
        ("send_fee_notice", {"method": "by_item", "amount": "-1", "served_on": "2026-03-04"}, ("amount", "应大于 0")),
        ("send_fee_notice", {"method": "by_item", "amount": "1.005", "served_on": "2026-03-04"}, ("amount", "小数")),
        ("send_fee_notice", {"method": "free", "amount": "1", "served_on": "2026-03-04"}, ("method", "取值无效")),
        ("start_consultation", {"kind": "third_party", "parties": "某公司"}, ("parties", "应为数组")),
        ("extend", {"days": 21, "approved_by": "王强", "notified_on": "2026-03-05"}, ("days", "应不大于 20")),
        ("extend", {"days": "two", "approved_by": "王强", "notified_on": "2026-03-05"}, ("days", "应为整数")),
        ("end_consultation", {"result": "maybe"}, ("result", "取值无效")),
        ("send_reply", {"on": "yesterday"}, ("on", "应为日期")),
    ],
)
def test_bad_payload_is_422_naming_the_field(
    api_as: Api, org: dict[str, Body], action: str, payload: dict[str, Any], expected: tuple[str, str]
) -> None:
    field, message = expected
    clerk = api_as("bq_clerk")
    case_id = clerk.post("/api/v1/applications", {**REGISTRATION, "body_id": org["baqiao"].pk}).data["id"]
    before = (CaseEvent.objects.count(), AuditEvent.objects.filter(object_type="case").count())
    if payload.get("on") == "FUTURE":
        payload = {**payload, "on": (timezone.localdate() + timedelta(days=1)).isoformat()}
    reply = _act(clerk, case_id, action, payload)
    assert reply.status == 422, reply.data
    assert reply.data["code"] == "validation"
    errors = {e["field"]: e for e in reply.data["errors"]}
    assert field in errors and errors[field]["location"] == "body"
    assert message in errors[field]["message"]
    assert f"{field}：" in reply.data["detail"]
    assert (CaseEvent.objects.count(), AuditEvent.objects.filter(object_type="case").count()) == before


def test_the_core_refusing_is_409_with_its_message(api_as: Api, org: dict[str, Body]) -> None:
    clerk = api_as("bq_clerk")
    case_id = clerk.post("/api/v1/applications", {**REGISTRATION, "body_id": org["baqiao"].pk}).data["id"]
    not_now = _act(clerk, case_id, "send_reply", {"on": "2026-03-03"})
    assert not_now.status == 409
    assert (
        not_now.data
        == {
            "detail": not_now.data["detail"],
            "code": "workflow",
        }
        and "当前状态“办理中”下不能执行“答复”" in not_now.data["detail"]
    )
    guard = _act(clerk, case_id, "request_correction", {"on": "2026-03-04", "items": ["a"], "due": "2026-03-04"})
    assert guard.status == 409 and "必须晚于告知日期" in guard.data["detail"]
    backwards = _act(clerk, case_id, "request_correction", {"on": "2026-03-01", "items": ["a"], "due": "2026-03-20"})
    assert backwards.status == 409 and "早于上一操作日期" in backwards.data["detail"]
    late = _act(clerk, case_id, "request_correction", {"on": "2026-04-01", "items": ["a"], "due": "2026-04-20"})
    assert late.status == 409 and "7个工作日" in late.data["detail"]
    assert (
        Case.objects.get(pk=case_id).status == "processing" and CaseEvent.objects.filter(case_id=case_id).count() == 1
    )


def test_roles_are_checked_like_on_the_pages(api_as: Api, org: dict[str, Body]) -> None:
    clerk, reviewer, head = api_as("bq_clerk"), api_as("bq_reviewer"), api_as("bq_head")
    case_id = clerk.post("/api/v1/applications", {**REGISTRATION, "body_id": org["baqiao"].pk}).data["id"]
    extension = {"on": "2026-03-10", "days": 10, "approved_by": "王强", "notified_on": "2026-03-10"}
    by_clerk = _act(clerk, case_id, "extend", extension)
    assert by_clerk.status == 403 and by_clerk.data["code"] == "forbidden" and "负责人" in by_clerk.data["detail"]
    by_reviewer = _act(
        reviewer, case_id, "request_correction", {"on": "2026-03-04", "items": ["a"], "due": "2026-03-20"}
    )
    assert by_reviewer.status == 403 and "经办人" in by_reviewer.data["detail"]
    by_head = _act(head, case_id, "extend", extension)
    assert by_head.status == 200 and by_head.data["deadlines"][0]["extension_days"] == 10


def test_supervisor_reads_but_gets_403_on_every_action(api_as: Api, org: dict[str, Body]) -> None:
    case_id = api_as("bq_clerk").post("/api/v1/applications", {**REGISTRATION, "body_id": org["baqiao"].pk}).data["id"]
    viewer = api_as("qu_viewer")
    assert viewer.get(f"/api/v1/applications/{case_id}").status == 200
    before = (CaseEvent.objects.count(), AuditEvent.objects.filter(object_type="case").count())
    for act, payload in ACTIONS.items():
        reply = _act(viewer, case_id, act, payload)
        assert reply.status == 403, (act, reply.data)
        assert reply.data == {"detail": READ_ONLY, "code": "forbidden"}, act
    assert (CaseEvent.objects.count(), AuditEvent.objects.filter(object_type="case").count()) == before


def test_another_body_gets_404_like_missing_on_every_action(api_as: Api, org: dict[str, Body]) -> None:
    case_id = api_as("bq_clerk").post("/api/v1/applications", {**REGISTRATION, "body_id": org["baqiao"].pk}).data["id"]
    before = (CaseEvent.objects.count(), AuditEvent.objects.filter(object_type="case").count())
    for who in ("td_clerk", "nobody"):
        client = api_as(who)
        for act, payload in [*ACTIONS.items(), ("bogus", {})]:
            theirs = _act(client, case_id, act, payload)
            missing = _act(client, 999999, act, payload)
            assert theirs.status == missing.status == 404, (who, act)
            assert theirs.data == missing.data == {"detail": NOT_FOUND, "code": "not_found"}, (who, act)
    assert (CaseEvent.objects.count(), AuditEvent.objects.filter(object_type="case").count()) == before
    # an unknown action on one's own case is a 404 too
    assert _act(api_as("bq_clerk"), case_id, "bogus", {}).data == {"detail": NOT_FOUND, "code": "not_found"}


def test_anonymous_gets_401_on_every_action(api_as: Api, org: dict[str, Body]) -> None:
    case_id = api_as("bq_clerk").post("/api/v1/applications", {**REGISTRATION, "body_id": org["baqiao"].pk}).data["id"]
    anonymous = api_as(None)
    for act in [*ACTIONS, "register", "bogus"]:
        reply = _act(anonymous, case_id, act, {})
        assert reply.status == 401 and reply.data["code"] == "token_missing", act


def test_every_schema_builds_its_core_payload() -> None:
    """Each request schema, given the smallest valid body, builds the payload dataclass the action needs."""
    for payload_class, schema in ACTION_SCHEMAS.items():
        instance = schema.model_validate(VALID.get(schema.__name__, {}))
        core = instance.to_core()
        if payload_class is None:
            assert schema is ActionIn and core is None
        else:
            assert isinstance(core, payload_class), schema.__name__
    correction = ACTION_SCHEMAS[CorrectionRequest].model_validate(VALID["CorrectionRequestIn"]).to_core()
    assert correction == CorrectionRequest(items=("写明文号",), due=date(2026, 3, 20))
