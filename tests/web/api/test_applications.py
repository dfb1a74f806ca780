"""GET/POST /api/v1/applications and GET /api/v1/applications/{id}, /api/v1/bodies: the same data and the same
scope as the pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.web.api.conftest import REGISTRATION, ApiClient
from tests.web.conftest import registration
from xxgk.core.outcomes import ApplicantType, Channel, Outcome, report_cell
from xxgk.core.receipt import ReceiptFacts
from xxgk.core.workflow import Consultation, ConsultationKind, Reply, Status
from xxgk.web.audit.codes import AuditCode
from xxgk.web.audit.models import AuditEvent
from xxgk.web.cases import services as s
from xxgk.web.cases.models import Case, CaseEvent
from xxgk.web.cases.selectors import case_allowed_actions, case_core
from xxgk.web.tenancy.models import Body
from xxgk.web.tenancy.selectors import NOT_FOUND
from xxgk.web.workcalendar.selectors import calendar_get

pytestmark = pytest.mark.django_db

Api = Callable[[str | None], ApiClient]


def _register(
    users: dict[str, User], org: dict[str, Body], who: str = "bq_clerk", body: str = "baqiao", **kw: Any
) -> Case:
    on = kw.pop("on", date(2026, 3, 2))
    return s.case_register(actor=users[who], body_id=org[body].pk, registration=registration(**kw), on=on)


# -- bodies --------------------------------------------------------------------------------------


def test_bodies_with_roles(api_as: Api, org: dict[str, Body]) -> None:
    clerk = api_as("bq_clerk").get("/api/v1/bodies")
    assert clerk.status == 200
    assert clerk.data == [
        {
            "id": org["baqiao"].pk,
            "code": "ddk-baqiao",
            "name": org["baqiao"].name,
            "kind": "town",
            "kind_label": "乡镇人民政府",
            "parent_id": org["district"].pk,
            "roles": [{"code": "clerk", "label": "经办人"}],
            "working": True,
        }
    ]
    viewer = api_as("qu_viewer").get("/api/v1/bodies").data
    assert [b["code"] for b in viewer] == ["ddk", "ddk-baqiao", "ddk-tiaodeng"]
    assert [(b["working"], [r["code"] for r in b["roles"]]) for b in viewer] == [
        (True, ["reviewer"]),
        (False, []),
        (False, []),
    ]
    assert api_as("nobody").get("/api/v1/bodies").data == []
    assert api_as(None).get("/api/v1/bodies").status == 401


# -- list ----------------------------------------------------------------------------------------


def test_list_shows_own_and_subordinate_cases_only(api_as: Api, users: dict[str, User], org: dict[str, Body]) -> None:
    bq = _register(users, org, name="八桥申请人")
    td = _register(users, org, who="td_clerk", body="tiaodeng", name="跳磴申请人")

    def ids(who: str, **params: Any) -> list[int]:
        reply = api_as(who).get("/api/v1/applications", params)
        assert reply.status == 200, reply.data
        assert reply.data["count"] == len(reply.data["items"])
        return [item["id"] for item in reply.data["items"]]

    assert ids("bq_clerk") == [bq.pk]
    assert ids("td_clerk") == [td.pk]
    assert sorted(ids("qu_viewer")) == sorted([bq.pk, td.pk])
    assert ids("nobody") == []
    # asking for another body's cases gives an empty list, never its data
    assert ids("td_clerk", body_id=org["baqiao"].pk) == []
    assert ids("qu_viewer", body_id=org["baqiao"].pk) == [bq.pk]


def test_list_item_matches_the_case(api_as: Api, users: dict[str, User], org: dict[str, Body]) -> None:
    case = _register(users, org)
    item = api_as("bq_clerk").get("/api/v1/applications").data["items"][0]
    case.refresh_from_db()
    assert item["number"] == case.number and item["url"] == f"/api/v1/applications/{case.pk}"
    assert item["body"] == {"id": org["baqiao"].pk, "code": "ddk-baqiao", "name": org["baqiao"].name}
    assert item["status"] == case.status == "processing" and item["status_label"] == Status.PROCESSING.label
    assert item["received_on"] == case.received_on.isoformat()  # type: ignore[union-attr]
    assert item["answer_due"] == case.answer_due.isoformat()  # type: ignore[union-attr]
    assert item["next_due"] == case.next_due.isoformat() and item["next_due_label"] == case.next_due_label  # type: ignore[union-attr]
    assert item["handler"] == "bq_clerk" and item["outcome"] is None


def test_list_filters(api_as: Api, users: dict[str, User], org: dict[str, Body]) -> None:
    a = _register(users, org, name="甲公司", applicant_type=ApplicantType.BUSINESS, content="道路维修合同")
    b = _register(users, org, name="乙", content="2025年财政预算", submitted_on=date(2026, 3, 5), on=date(2026, 3, 5))
    c = _register(
        users,
        org,
        name="丙",
        channel=Channel.ONLINE,
        receipt=ReceiptFacts(arrived_on=date(2026, 3, 6)),
        on=date(2026, 3, 6),
    )  # waits for the receipt date to be confirmed: paused
    s.case_withdraw(actor=users["bq_clerk"], case_id=b.pk, on=date(2026, 3, 9))
    client = api_as("bq_clerk")

    def ids(**params: Any) -> set[int]:
        reply = client.get("/api/v1/applications", params)
        assert reply.status == 200, reply.data
        return {item["id"] for item in reply.data["items"]}

    assert ids() == {a.pk, b.pk, c.pk}
    assert ids(q="预算") == {b.pk}
    assert ids(q="甲公司") == {a.pk}
    assert ids(applicant_type="business") == {a.pk}
    assert ids(status="awaiting_receipt") == {c.pk}
    assert ids(view="paused") == {c.pk}
    assert ids(view="closed") == {b.pk}
    assert ids(view="open") == {a.pk, c.pk}
    assert ids(view="mine") == {a.pk, c.pk}
    assert ids(outcome="withdrawn") == {b.pk}
    assert ids(received_from="2026-03-03") == {b.pk}
    assert ids(received_to="2026-03-02") == {a.pk}
    assert ids(view="overdue") == {a.pk}  # open, its nearest deadline long passed
    assert ids(view="due_soon") == set()
    assert api_as("bq_reviewer").get("/api/v1/applications", {"view": "mine"}).data["items"] == []


def test_list_pagination_is_stable(api_as: Api, users: dict[str, User], org: dict[str, Body]) -> None:
    cases = [_register(users, org, name=f"申请人{i}") for i in range(7)]
    client = api_as("bq_clerk")
    pages = [client.get("/api/v1/applications", {"limit": 3, "offset": o}).data for o in (0, 3, 6)]
    assert [p["count"] for p in pages] == [7, 7, 7]
    assert [len(p["items"]) for p in pages] == [3, 3, 1]
    seen = [item["id"] for p in pages for item in p["items"]]
    assert seen == sorted((c.pk for c in cases), reverse=True)  # same registration day: newest first, by id
    beyond = client.get("/api/v1/applications", {"offset": 50}).data
    assert beyond["count"] == 7 and beyond["items"] == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 201}, "limit"),
        ({"offset": -1}, "offset"),
        ({"view": "everything"}, "view"),
        ({"status": "done"}, "status"),
        ({"received_from": "2026-13-01"}, "received_from"),
        ({"due_soon_days": 0}, "due_soon_days"),
    ],
)
def test_list_refuses_bad_parameters(api_as: Api, org: dict[str, Body], params: dict[str, Any], field: str) -> None:
    reply = api_as("bq_clerk").get("/api/v1/applications", params)
    assert reply.status == 422 and reply.data["code"] == "validation"
    assert [(e["field"], e["location"]) for e in reply.data["errors"]] == [(field, "query")]
    assert field in reply.data["detail"]


# -- detail --------------------------------------------------------------------------------------


def test_detail_has_registration_deadlines_history_and_actions(
    api_as: Api, users: dict[str, User], org: dict[str, Body]
) -> None:
    case = _register(users, org)
    s.case_consult(
        actor=users["bq_clerk"],
        case_id=case.pk,
        data=Consultation(kind=ConsultationKind.THIRD_PARTY, parties=("某公司",)),
        on=date(2026, 3, 4),
    )
    reply = api_as("bq_clerk").get(f"/api/v1/applications/{case.pk}")
    assert reply.status == 200
    d = reply.data
    case.refresh_from_db()
    core = case_core(case=case)
    calendar = calendar_get()
    # registration as recorded
    reg = d["registration"]
    assert reg["channel"] == "in_person" and reg["channel_label"] == "当面"
    assert reg["applicant"]["name"] == "张三" and reg["applicant"]["id_document"].startswith("身份证")
    assert reg["receipt"]["submitted_on"] == "2026-03-02"
    assert d["receipt"]["day"] == "2026-03-02" and "第三十一条" in d["receipt"]["basis"]
    # deadlines: the core's, with their explanation
    expected = core.deadlines(calendar)
    assert [x["kind"] for x in d["deadlines"]] == [e.kind.value for e in expected]
    answer = d["deadlines"][0]
    assert answer["due"] == expected[0].due.isoformat()  # type: ignore[union-attr]
    assert answer["start"] == "2026-03-02" and answer["days"] == 20
    assert answer["suspended"] == expected[0].suspended != ""  # the consultation stops the clock
    assert answer["steps"] == list(expected[0].steps) and answer["explanation"] == expected[0].explanation
    assert answer["provisional"] == expected[0].provisional
    today = timezone.localdate()
    assert answer["overdue"] == expected[0].is_overdue(today)
    assert answer["remaining_working_days"] == expected[0].remaining_working_days(today, calendar)
    # history: action, date, role, actor, payload as JSON
    assert [(e["seq"], e["action"], e["on"], e["role"], e["actor"]) for e in d["events"]] == [
        (1, "register", "2026-03-02", "clerk", "bq_clerk"),
        (2, "start_consultation", "2026-03-04", "clerk", "bq_clerk"),
    ]
    assert d["events"][1]["payload_type"] == "Consultation"
    assert d["events"][1]["payload"] == {"kind": "third_party", "parties": ["某公司"], "party_received_on": None}
    assert d["events"][0]["payload"] == CaseEvent.objects.get(case=case, seq=1).payload["data"]  # type: ignore[index]
    # the caller's next actions, with the role they act in and where to post
    allowed = case_allowed_actions(user=users["bq_clerk"], case=case)
    assert [(a["action"], a["role"]) for a in d["allowed_actions"]] == [(a.value, r.value) for a, r in allowed]
    assert all(a["url"] == f"/api/v1/applications/{case.pk}/actions/{a['action']}" for a in d["allowed_actions"])
    assert d["can_act"] is True and d["result"] is None
    head = api_as("bq_head").get(f"/api/v1/applications/{case.pk}").data
    assert [a["action"] for a in head["allowed_actions"]] == ["extend"]


def test_detail_of_a_closed_case_gives_its_table3_cells(
    api_as: Api, users: dict[str, User], org: dict[str, Body]
) -> None:
    case = _register(users, org, applicant_type=ApplicantType.RESEARCH)
    s.case_reply_on_the_spot(
        actor=users["bq_clerk"], case_id=case.pk, data=Reply(outcome=Outcome.GRANTED), on=date(2026, 3, 2)
    )
    d = api_as("bq_clerk").get(f"/api/v1/applications/{case.pk}").data
    assert d["status"] == "closed" and d["outcome"] == "granted" and d["closed_on"] == "2026-03-02"
    assert d["result"]["code"] == "granted" and d["result"]["group"] == "granted"
    assert d["result"]["report_cells"] == {
        t: report_cell(Outcome.GRANTED, ApplicantType.RESEARCH, t) for t in ("2019", "2021")
    }
    assert d["result"]["report_cells"]["2021"] == "s3.granted.research"
    assert d["deadlines"] == []
    assert [a["action"] for a in d["allowed_actions"]] == ["archive"]


def test_detail_is_404_alike_for_missing_and_another_bodys_case(
    api_as: Api, users: dict[str, User], org: dict[str, Body]
) -> None:
    case = _register(users, org)
    for who in ("td_clerk", "nobody"):
        client = api_as(who)
        theirs = client.get(f"/api/v1/applications/{case.pk}")
        missing = client.get("/api/v1/applications/999999")
        assert theirs.status == missing.status == 404
        assert theirs.data == missing.data == {"detail": NOT_FOUND, "code": "not_found"}
    viewer = api_as("qu_viewer").get(f"/api/v1/applications/{case.pk}")
    assert viewer.status == 200 and viewer.data["can_act"] is False and viewer.data["allowed_actions"] == []
    assert api_as("bq_clerk").get("/api/v1/applications/abc").status == 422


# -- register ------------------------------------------------------------------------------------


def test_register(api_as: Api, users: dict[str, User], org: dict[str, Body]) -> None:
    reply = api_as("bq_clerk").post("/api/v1/applications", {**REGISTRATION, "body_id": org["baqiao"].pk})
    assert reply.status == 201, reply.data
    case = Case.objects.get()
    assert reply.data["url"] == f"/api/v1/applications/{case.pk}"
    assert reply.headers["Location"] == "http://testserver" + reply.data["url"]
    assert case.body == org["baqiao"] and case.handler == users["bq_clerk"]
    assert case.applicant_name == "王五" and case.content == "八桥镇2025年财政预算"
    assert (
        case.status == "processing" and case.received_on == date(2026, 3, 2) and case.registered_on == date(2026, 3, 2)
    )
    assert reply.data["number"] == case.number and reply.data["status"] == "processing"
    event = AuditEvent.objects.get(object_type="case", object_id=str(case.pk))
    assert event.code == AuditCode.CASE_REGISTERED and event.actor == users["bq_clerk"]


def test_register_pending_receipt_and_defaults(api_as: Api, org: dict[str, Body]) -> None:
    payload = {
        "body_id": org["baqiao"].pk,
        "channel": "online",
        "applicant": {"type": "legal", "name": "某律所", "id_document": "执业证", "contact": "023-1234567"},
        "content": "  某项目环评批复  ",
        "receipt": {"arrived_on": "2026-03-02"},
        "requested_form": "electronic",
        "requested_delivery": "email",
    }
    reply = api_as("bq_clerk").post("/api/v1/applications", payload)
    assert reply.status == 201, reply.data
    d = reply.data
    assert d["status"] == "awaiting_receipt" and d["receipt"]["pending"] is True and d["received_on"] is None
    assert d["registered_on"] == timezone.localdate().isoformat()  # "on" defaults to today
    assert d["content"] == "某项目环评批复"  # surrounding spaces dropped
    assert d["registration"]["requested_form"] == "electronic" and d["registration"]["requested_delivery"] == "email"
    assert d["allowed_actions"][0]["action"] == "confirm_receipt"


def test_register_scope(api_as: Api, org: dict[str, Body]) -> None:
    body = {**REGISTRATION}
    # another body: 404 exactly like a body that does not exist
    other = api_as("td_clerk").post("/api/v1/applications", {**body, "body_id": org["baqiao"].pk})
    missing = api_as("td_clerk").post("/api/v1/applications", {**body, "body_id": 999999})
    assert other.status == missing.status == 404 and other.data == missing.data
    # a supervising body is read-only: 403
    viewer = api_as("qu_viewer").post("/api/v1/applications", {**body, "body_id": org["baqiao"].pk})
    assert viewer.status == 403 and viewer.data["code"] == "forbidden" and "只有查看权限" in viewer.data["detail"]
    # a reviewer of the body is not a clerk: 403
    reviewer = api_as("bq_reviewer").post("/api/v1/applications", {**body, "body_id": org["baqiao"].pk})
    assert reviewer.status == 403 and "经办人" in reviewer.data["detail"]
    assert api_as(None).post("/api/v1/applications", {**body, "body_id": org["baqiao"].pk}).status == 401
    assert not Case.objects.exists() and not AuditEvent.objects.filter(object_type="case").exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"applicant": {"type": "natural", "id_document": "x", "contact": "y"}}, "applicant.name"),
        ({"applicant": {"type": "robot", "name": "a", "id_document": "x", "contact": "y"}}, "applicant.type"),
        ({"applicant": {"type": "natural", "name": "  ", "id_document": "x", "contact": "y"}}, "applicant.name"),
        ({"channel": "pigeon"}, "channel"),
        ({"content": ""}, "content"),
        ({"receipt": {"submitted_on": "yesterday"}}, "receipt.submitted_on"),
        ({"on": "FUTURE"}, "on"),
        ({"body_id": "八桥"}, "body_id"),
        ({"colour": "red"}, "colour"),
        ({"requested_form": "parchment"}, "requested_form"),
    ],
)
def test_register_bad_payload_is_422_naming_the_field(
    api_as: Api, org: dict[str, Body], change: dict[str, Any], field: str
) -> None:
    if change.get("on") == "FUTURE":
        change = {"on": (timezone.localdate() + timedelta(days=1)).isoformat()}
    reply = api_as("bq_clerk").post("/api/v1/applications", {**REGISTRATION, "body_id": org["baqiao"].pk, **change})
    assert reply.status == 422, reply.data
    assert reply.data["code"] == "validation"
    assert field in [e["field"] for e in reply.data["errors"]]
    assert field in reply.data["detail"]
    assert not Case.objects.exists()


def test_register_missing_fields_and_broken_json(api_as: Api, org: dict[str, Body]) -> None:
    client = api_as("bq_clerk")
    empty = client.post("/api/v1/applications", {})
    assert empty.status == 422
    assert {"body_id", "channel", "applicant", "content", "receipt"} <= {e["field"] for e in empty.data["errors"]}
    assert all(e["message"] == "必填" for e in empty.data["errors"])
    broken = client.post("/api/v1/applications", raw='{"body_id": ')
    assert broken.status == 422 and broken.data["detail"] == "请求体不是有效的 JSON"
    nothing = client.post("/api/v1/applications", raw="")
    assert nothing.status == 422 and nothing.data["errors"][0]["message"] == "须提供 JSON 请求体"
    not_object = client.post("/api/v1/applications", [1, 2])
    assert not_object.status == 422
    assert not Case.objects.exists()


def test_register_refused_by_the_core_is_409(api_as: Api, org: dict[str, Body]) -> None:
    oral = {**REGISTRATION, "body_id": org["baqiao"].pk, "channel": "oral"}
    reply = api_as("bq_clerk").post("/api/v1/applications", oral)
    assert reply.status == 409 and reply.data["code"] == "workflow"
    assert "口头申请须记录代为填写的工作人员" in reply.data["detail"]
    late = {**REGISTRATION, "body_id": org["baqiao"].pk, "receipt": {"submitted_on": "2026-03-05"}}
    reply = api_as("bq_clerk").post("/api/v1/applications", late)
    assert reply.status == 409 and "不能晚于登记日期" in reply.data["detail"]
    assert not Case.objects.exists()
    ok = {**oral, "transcribed_by": "刘洋", "applicant_confirmed": True}
    assert api_as("bq_clerk").post("/api/v1/applications", ok).status == 201


def test_list_queries_do_not_grow_with_the_cases(api_as: Api, users: dict[str, User], org: dict[str, Body]) -> None:
    client = api_as("bq_clerk")
    _register(users, org, name="第一")
    client.get("/api/v1/applications")  # warm the calendar cache and the token's last use

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/v1/applications").status == 200
        return len(ctx.captured_queries)

    one = queries()
    for i in range(8):
        _register(users, org, name=f"申请人{i}")
    assert queries() == one
