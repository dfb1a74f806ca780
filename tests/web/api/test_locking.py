"""Optimistic locking over the API: GET answers the application's version as its ``ETag``; an action sent with
``If-Match`` runs only while the application is still at that version, else 409 ``version_conflict`` and nothing
is written (no event, no audit row, no sign-off decision); a request without ``If-Match`` runs as before."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection

from tests.web.api.conftest import REGISTRATION, ApiClient, Reply
from tests.web.api.test_actions import ACTIONS
from xxgk.web.api.errors import VERSION_CONFLICT
from xxgk.web.api.v1.applications import IF_MATCH_INVALID, IF_MATCH_WEAK
from xxgk.web.audit.models import AuditEvent
from xxgk.web.cases.models import Case, CaseEvent
from xxgk.web.proactive.models import SignoffDecision
from xxgk.web.tenancy.models import Body, MemberRole, Membership

pytestmark = pytest.mark.django_db

Api = Callable[[str | None], ApiClient]

CONSULT = {"on": "2026-03-04", "kind": "third_party", "parties": ["某建筑公司"]}
EXTEND = {"on": "2026-03-05", "days": 10, "approved_by": "王强", "notified_on": "2026-03-05"}


def _post(client: ApiClient, case_id: int, action: str, payload: Any, if_match: str | None) -> Reply:
    """POST an action with ``If-Match`` (when given) besides the client's token."""
    headers = client._headers()
    if if_match is not None:
        headers["If-Match"] = if_match
    response = client.client.post(
        f"/api/v1/applications/{case_id}/actions/{action}",
        json.dumps(payload, ensure_ascii=False),
        content_type="application/json",
        headers=headers,
    )
    return ApiClient._reply(response)


def _register(api_as: Api, org: dict[str, Body]) -> int:
    created = api_as("bq_clerk").post("/api/v1/applications", {**REGISTRATION, "body_id": org["baqiao"].pk})
    assert created.status == 201, created.data
    case_id: int = created.data["id"]
    return case_id


def _etag(client: ApiClient, case_id: int) -> str:
    reply = client.get(f"/api/v1/applications/{case_id}")
    assert reply.status == 200
    return reply.headers["ETag"]


def _written(case_id: int) -> tuple[int, int, int, int]:
    """Everything an action writes on a case: its version, events, audit rows (case and reply), decisions."""
    audit = AuditEvent.objects.filter(object_type__in=("case", "case_reply"), object_id=str(case_id)).count()
    return (
        Case.objects.get(pk=case_id).version,
        CaseEvent.objects.filter(case_id=case_id).count(),
        audit,
        SignoffDecision.objects.filter(signoff__subject_type="case_reply", signoff__subject_id=str(case_id)).count(),
    )


def test_the_application_answers_its_version_as_etag(api_as: Api, org: dict[str, Body]) -> None:
    clerk = api_as("bq_clerk")
    created = clerk.post("/api/v1/applications", {**REGISTRATION, "body_id": org["baqiao"].pk})
    case = Case.objects.get(pk=created.data["id"])
    assert created.headers["ETag"] == f'"{case.version}"' and created.data["version"] == case.version
    detail = clerk.get(f"/api/v1/applications/{case.pk}")
    assert detail.headers["ETag"] == f'"{case.version}"' and detail.data["version"] == case.version
    listed = clerk.get("/api/v1/applications").data["items"]
    assert [(i["id"], i["version"]) for i in listed] == [(case.pk, case.version)]
    # the supervising body reads the same version
    assert api_as("qu_viewer").get(f"/api/v1/applications/{case.pk}").headers["ETag"] == f'"{case.version}"'


def test_a_fresh_if_match_runs_and_the_version_increments(api_as: Api, org: dict[str, Body]) -> None:
    clerk = api_as("bq_clerk")
    case_id = _register(api_as, org)
    etag = _etag(clerk, case_id)
    version, events, audit, _decisions = _written(case_id)
    done = _post(clerk, case_id, "start_consultation", CONSULT, etag)
    assert done.status == 200, done.data
    assert done.data["status"] == "consulting"
    new_version, new_events, new_audit, _ = _written(case_id)
    assert new_version > version and (new_events, new_audit) == (events + 1, audit + 1)
    # the answer carries the new version, which is the one to send next
    assert done.headers["ETag"] == f'"{new_version}"' != etag and done.data["version"] == new_version
    assert _etag(clerk, case_id) == done.headers["ETag"]
    head = api_as("bq_head")
    extended = _post(head, case_id, "extend", EXTEND, done.headers["ETag"])
    assert extended.status == 200, extended.data
    assert _written(case_id)[0] > new_version


def test_a_stale_if_match_is_409_and_nothing_is_written(api_as: Api, org: dict[str, Body]) -> None:
    clerk = api_as("bq_clerk")
    case_id = _register(api_as, org)
    stale = _etag(clerk, case_id)
    assert _post(clerk, case_id, "start_consultation", CONSULT, stale).status == 200
    before = _written(case_id)
    refused = _post(api_as("bq_head"), case_id, "extend", EXTEND, stale)
    assert refused.status == 409
    assert refused.data == {"detail": VERSION_CONFLICT, "code": "version_conflict"}
    assert "ETag" not in refused.headers  # no new version to retry blindly with: read the application first
    assert _written(case_id) == before
    assert Case.objects.get(pk=case_id).status == "consulting"


def test_every_action_checks_the_version_before_anything_else(api_as: Api, org: dict[str, Body]) -> None:
    """Whatever the action (legal now or not, the caller's role or not), a stale version is refused as such."""
    clerk = api_as("bq_clerk")
    case_id = _register(api_as, org)
    stale = _etag(clerk, case_id)
    assert _post(clerk, case_id, "start_consultation", CONSULT, stale).status == 200
    before = _written(case_id)
    for action, payload in ACTIONS.items():
        refused = _post(clerk, case_id, action, payload, stale)
        assert (refused.status, refused.data["code"]) == (409, "version_conflict"), (action, refused.data)
    assert _written(case_id) == before
    # the access rules come first: another body still gets 404, the supervisor 403
    assert _post(api_as("td_clerk"), case_id, "withdraw", {}, stale).status == 404
    assert _post(api_as("qu_viewer"), case_id, "withdraw", {}, stale).status == 403
    assert _written(case_id) == before


def test_two_clients_editing_at_once_the_second_is_told(api_as: Api, org: dict[str, Body]) -> None:
    """Both read the application, both act on what they read: the first lands, the second is refused, sees the
    first one's change on reading again, and then acts on the current version."""
    clerk, head = api_as("bq_clerk"), api_as("bq_head")
    case_id = _register(api_as, org)
    seen_by_clerk, seen_by_head = _etag(clerk, case_id), _etag(head, case_id)
    assert seen_by_clerk == seen_by_head

    first = _post(clerk, case_id, "start_consultation", CONSULT, seen_by_clerk)
    assert first.status == 200
    before = _written(case_id)
    second = _post(head, case_id, "extend", EXTEND, seen_by_head)
    assert second.status == 409 and second.data["code"] == "version_conflict"
    assert _written(case_id) == before
    assert [e["action"] for e in head.get(f"/api/v1/applications/{case_id}").data["events"]] == [
        "register",
        "start_consultation",
    ]

    again = head.get(f"/api/v1/applications/{case_id}")
    assert again.data["status"] == "consulting"
    retried = _post(head, case_id, "extend", EXTEND, again.headers["ETag"])
    assert retried.status == 200, retried.data
    assert [e["action"] for e in retried.data["events"]] == ["register", "start_consultation", "extend"]


def test_the_reply_review_is_locked_too(api_as: Api, org: dict[str, Body], users: dict[str, User]) -> None:
    """Two reviewers read the reply in review; the second one's decision on a version already decided is
    refused — no second sign-off decision is recorded."""
    users["bq_reviewer2"] = User.objects.create_user(username="bq_reviewer2", password="x-pass-123")
    Membership.objects.create(user=users["bq_reviewer2"], body=org["baqiao"], role=MemberRole.REVIEWER)
    clerk = api_as("bq_clerk")
    case_id = _register(api_as, org)
    assert _post(clerk, case_id, "draft_reply", {"on": "2026-03-04", "outcome": "granted"}, None).status == 200
    reviewer, second = api_as("bq_reviewer"), api_as("bq_reviewer2")
    etag = _etag(reviewer, case_id)
    assert _etag(second, case_id) == etag
    assert _post(reviewer, case_id, "approve_reply", {"on": "2026-03-05", "comment": "同意"}, etag).status == 200
    before = _written(case_id)
    late = _post(second, case_id, "return_reply", {"on": "2026-03-05", "comment": "请补充依据"}, etag)
    assert late.status == 409 and late.data["code"] == "version_conflict"
    assert _written(case_id) == before
    assert Case.objects.get(pk=case_id).status == "reply_approved"


def test_without_if_match_the_action_runs_as_before(api_as: Api, org: dict[str, Body]) -> None:
    """Backward compatible (docs/api.md): no If-Match, or ``*``, compares nothing; a list matches any of its tags
    and a bare number is read as the tag."""
    clerk, head = api_as("bq_clerk"), api_as("bq_head")
    case_id = _register(api_as, org)
    stale = _etag(clerk, case_id)
    assert _post(clerk, case_id, "start_consultation", CONSULT, None).status == 200
    assert _post(head, case_id, "extend", EXTEND, "*").status == 200
    version = Case.objects.get(pk=case_id).version
    listed = _post(
        clerk, case_id, "end_consultation", {"on": "2026-03-06", "result": "consent"}, f'{stale}, "{version}"'
    )
    assert listed.status == 200, listed.data
    version = Case.objects.get(pk=case_id).version
    assert _post(clerk, case_id, "request_reasons", {"on": "2026-03-06"}, str(version)).status == 200
    assert stale != f'"{version}"'


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", IF_MATCH_INVALID),
        ("", IF_MATCH_INVALID),
        ('"7', IF_MATCH_INVALID),
        ('"7",', IF_MATCH_INVALID),
        ('"x7"', IF_MATCH_INVALID),
        ('W/"7"', IF_MATCH_WEAK),
    ],
)
def test_a_malformed_if_match_is_422_naming_the_header(
    api_as: Api, org: dict[str, Body], value: str, message: str
) -> None:
    clerk = api_as("bq_clerk")
    case_id = _register(api_as, org)
    before = _written(case_id)
    reply = _post(clerk, case_id, "start_consultation", CONSULT, value)
    assert reply.status == 422, reply.data
    assert reply.data["code"] == "validation"
    assert reply.data["errors"] == [{"field": "If-Match", "location": "header", "message": message, "type": "if_match"}]
    assert reply.data["detail"] == f"请求数据有误：If-Match：{message}"
    assert _written(case_id) == before


@pytest.mark.django_db(transaction=True)
def test_two_clients_at_the_same_moment(api_as: Api, org: dict[str, Body]) -> None:
    """Real concurrency (PostgreSQL: row locks across connections): two clients send the same If-Match at once;
    exactly one action lands, the other is answered 409 version_conflict."""
    if connection.vendor != "postgresql":
        pytest.skip("needs a database with row locks across connections (PostgreSQL)")
    case_id = _register(api_as, org)
    clerk, head = api_as("bq_clerk"), api_as("bq_head")
    etag = _etag(clerk, case_id)
    before = _written(case_id)
    barrier = threading.Barrier(2)
    answers: list[tuple[str, int, str]] = []

    def send(client: ApiClient, action: str, payload: dict[str, Any]) -> None:
        try:
            barrier.wait()
            reply = _post(client, case_id, action, payload, etag)
            answers.append((action, reply.status, reply.data.get("code", "") if reply.status != 200 else ""))
        except Exception as exc:  # pragma: no cover - reported by the assertion below
            answers.append((action, 0, repr(exc)))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=send, args=(clerk, "start_consultation", CONSULT)),
        threading.Thread(target=send, args=(head, "extend", EXTEND)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted((status, code) for _a, status, code in answers) == [(200, ""), (409, "version_conflict")], answers
    version, events, audit, _ = _written(case_id)
    assert version > before[0] and (events, audit) == (before[1] + 1, before[2] + 1)
    landed = next(a for a, status, _c in answers if status == 200)
    assert list(CaseEvent.objects.filter(case_id=case_id).order_by("seq").values_list("action", flat=True)) == [
        "register",
        landed,
    ]
