"""``allowed_actions`` of an application lists only what the caller can do now: approving or returning a reply
is listed for whoever may decide the current step of the reply's sign-off chain (not for a 负责人 under the
default one-step chain, whose step is the 审核人's)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User

from tests.web.api.conftest import REGISTRATION, ApiClient
from xxgk.core.signoff import Chain, Step
from xxgk.web.proactive.models import ChainKind
from xxgk.web.proactive.signoff_services import signoff_chain_save
from xxgk.web.tenancy.models import Body

pytestmark = pytest.mark.django_db

Api = Callable[[str | None], ApiClient]


def _in_review(api_as: Api, org: dict[str, Body]) -> int:
    clerk = api_as("bq_clerk")
    case_id: int = clerk.post("/api/v1/applications", {**REGISTRATION, "body_id": org["baqiao"].pk}).data["id"]
    drafted = clerk.post(
        f"/api/v1/applications/{case_id}/actions/draft_reply", {"on": "2026-03-03", "outcome": "granted"}
    )
    assert drafted.status == 200 and drafted.data["status"] == "reply_review", drafted.data
    return case_id


def _allowed(client: ApiClient, case_id: int) -> list[tuple[str, str, str]]:
    data = client.get(f"/api/v1/applications/{case_id}").data
    return [(a["action"], a["role"], a["role_label"]) for a in data["allowed_actions"]]


def test_a_head_is_not_offered_the_reviewers_step(api_as: Api, org: dict[str, Body]) -> None:
    case_id = _in_review(api_as, org)
    head, reviewer = api_as("bq_head"), api_as("bq_reviewer")
    assert _allowed(head, case_id) == []
    assert head.get(f"/api/v1/applications/{case_id}").data["can_act"] is True  # a working member, nothing to do
    assert _allowed(reviewer, case_id) == [
        ("return_reply", "reviewer", "审核人"),
        ("approve_reply", "reviewer", "审核人"),
    ]
    # not listed because it would be refused: the head's attempt is
    refused = head.post(f"/api/v1/applications/{case_id}/actions/approve_reply", {"on": "2026-03-04"})
    assert refused.status == 409 and "审核人审定" in refused.data["detail"]


def test_each_step_is_listed_for_its_role_in_turn(api_as: Api, org: dict[str, Body], users: dict[str, User]) -> None:
    chain = Chain(steps=(Step("review", "审核人审核", "reviewer"), Step("sign", "负责人审定", "head")))
    signoff_chain_save(actor=users["bq_head"], body_id=org["baqiao"].pk, chain=chain, kind=ChainKind.REPLY)
    case_id = _in_review(api_as, org)
    head, reviewer = api_as("bq_head"), api_as("bq_reviewer")
    assert _allowed(head, case_id) == []
    approved = reviewer.post(f"/api/v1/applications/{case_id}/actions/approve_reply", {"on": "2026-03-04"})
    assert approved.status == 200 and approved.data["status"] == "reply_review"
    assert approved.data["allowed_actions"] == []  # the reviewer's step is done
    assert _allowed(head, case_id) == [("return_reply", "head", "负责人"), ("approve_reply", "head", "负责人")]
    done = head.post(f"/api/v1/applications/{case_id}/actions/approve_reply", {"on": "2026-03-05"})
    assert done.status == 200 and done.data["status"] == "reply_approved"


def test_only_actions_that_can_succeed_are_listed(api_as: Api, org: dict[str, Body]) -> None:
    """An action the workflow refuses whatever the request body (a second extension, a 第三十五条 deadline before
    the applicant's reasons) is not listed; posting it anyway is still refused with the reason."""
    clerk, head = api_as("bq_clerk"), api_as("bq_head")
    case_id: int = clerk.post("/api/v1/applications", {**REGISTRATION, "body_id": org["baqiao"].pk}).data["id"]
    assert [a[0] for a in _allowed(head, case_id)] == ["extend"]  # no reasons asked for yet: no custom deadline
    refused = head.post(
        f"/api/v1/applications/{case_id}/actions/set_custom_deadline",
        {"on": "2026-03-03", "due": "2026-05-01", "reason": "数量大", "notified_on": "2026-03-03"},
    )
    assert refused.status == 409 and refused.data["detail"] == "依第三十五条确定延迟答复期限前须先要求申请人说明理由"
    extension = {"on": "2026-03-05", "days": 5, "approved_by": "王强", "notified_on": "2026-03-05"}
    extended = head.post(f"/api/v1/applications/{case_id}/actions/extend", extension)
    assert extended.status == 200, extended.data
    assert extended.data["allowed_actions"] == [] and _allowed(head, case_id) == []
    again = head.post(f"/api/v1/applications/{case_id}/actions/extend", {**extension, "on": "2026-03-06"})
    assert again.status == 409 and again.data["detail"] == "答复期限只能延长一次（第三十三条第二款）"
    # the clerk's own actions are unaffected by the head's
    assert "withdraw" in [a[0] for a in _allowed(clerk, case_id)]
