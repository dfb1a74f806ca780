"""Replies to applications are signed off through the body's 保密审查 reply chain (条例 Art 17; issue 5 item 2).

Drafting submits the reply; approving/returning decides the chain's current step; only the last approval appends
APPROVE_REPLY (so nothing is sent before the chain is complete); a rejection at any step returns the reply with
its reason; every decision is recorded (reviewer, time, decision, opinion) and audited on the reply.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from django.utils import timezone

from tests.web.cases.conftest import Register
from xxgk.core.errors import WorkflowError
from xxgk.core.outcomes import Outcome
from xxgk.core.signoff import Chain, Phase, SignoffError, Step
from xxgk.core.workflow import Reply, ReviewNote, Status, Withdrawal
from xxgk.web.audit.codes import AuditCode
from xxgk.web.audit.models import AuditEvent
from xxgk.web.cases import services as s
from xxgk.web.cases.codec import payload_decode
from xxgk.web.cases.models import Case, CaseEvent
from xxgk.web.proactive.models import ChainKind, Signoff, SignoffDecision
from xxgk.web.proactive.signoff_selectors import DEFAULT_REPLY_CHAIN, chain_for_body, signoff_state, signoff_tasks
from xxgk.web.proactive.signoff_services import signoff_chain_save
from xxgk.web.tenancy.models import Body, MemberRole, Membership

pytestmark = pytest.mark.django_db

SUBJECT = s.REPLY_SUBJECT
TWO_STEPS = Chain(steps=(Step("review", "审核人审核", "reviewer"), Step("sign", "负责人审定", "head")))


def _drafted(register: Register, users: dict[str, User], *, on: date = date(2026, 3, 3)) -> Case:
    case = register()
    return s.case_draft_reply(actor=users["bq_clerk"], case_id=case.pk, data=Reply(Outcome.GRANTED), on=on)


def _two_step_chain(users: dict[str, User], org: dict[str, Body]) -> None:
    signoff_chain_save(actor=users["bq_head"], body_id=org["baqiao"].pk, chain=TWO_STEPS, kind=ChainKind.REPLY)


def _decisions(case: Case) -> list[tuple[int, str, str, str, str]]:
    return list(
        SignoffDecision.objects.filter(signoff__subject_type=SUBJECT, signoff__subject_id=str(case.pk))
        .order_by("id")
        .values_list("round", "step_key", "reviewer__username", "decision", "opinion")
    )


def _actions(case: Case) -> list[tuple[str, str, str]]:
    return list(case.events.order_by("seq").values_list("action", "role", "actor__username"))


def _reply_audit(case: Case) -> list[int]:
    return list(AuditEvent.objects.for_object(SUBJECT, case.pk).order_by("id").values_list("code", flat=True))


# -- the default chain: one step by the reviewer -------------------------------------------------------------


def test_drafting_submits_and_the_reviewer_signs_off_the_default_one_step_chain(
    register: Register, users: dict[str, User], org: dict[str, Body]
) -> None:
    assert chain_for_body(body_id=org["baqiao"].pk, kind=ChainKind.REPLY) == DEFAULT_REPLY_CHAIN
    case = _drafted(register, users)
    row = Signoff.objects.get(subject_type=SUBJECT, subject_id=str(case.pk))
    assert (row.body_id, row.drafter, row.round, row.phase, row.next_step, row.next_role) == (
        org["baqiao"].pk,
        users["bq_clerk"],
        1,
        Phase.IN_REVIEW.value,
        "review",
        "reviewer",
    )
    assert row.title == f"{case.number} 答复"
    tasks = signoff_tasks(user=users["bq_reviewer"])
    assert [(t.signoff.subject_id, t.step_name, t.kind, t.url) for t in tasks] == [
        (str(case.pk), "审核人审核", "依申请公开答复", f"/cases/{case.pk}/")
    ]
    assert signoff_tasks(user=users["bq_head"]) == [] and signoff_tasks(user=users["bq_clerk"]) == []
    with pytest.raises(WorkflowError, match="不能执行"):  # not sent before the chain is complete
        s.case_send_reply(actor=users["bq_clerk"], case_id=case.pk, on=date(2026, 3, 4))

    case = s.case_approve_reply(
        actor=users["bq_reviewer"], case_id=case.pk, data=ReviewNote("同意"), on=date(2026, 3, 4)
    )
    assert case.status == Status.REPLY_APPROVED
    assert _decisions(case) == [(1, "review", "bq_reviewer", "approve", "同意")]
    decision = SignoffDecision.objects.get()
    assert timezone.localtime(decision.decided_at).date() == date(2026, 3, 4)  # the operation date entered
    state = signoff_state(subject_type=SUBJECT, subject_id=case.pk)
    assert state is not None and state.complete
    assert _actions(case)[-2:] == [("draft_reply", "clerk", "bq_clerk"), ("approve_reply", "reviewer", "bq_reviewer")]
    assert signoff_tasks(user=users["bq_reviewer"]) == []
    assert _reply_audit(case) == [AuditCode.SIGNOFF_SUBMITTED, AuditCode.SIGNOFF_APPROVED, AuditCode.SIGNOFF_COMPLETED]
    case_codes = list(AuditEvent.objects.for_object("case", case.pk).order_by("id").values_list("code", flat=True))
    assert case_codes == [AuditCode.CASE_REGISTERED, AuditCode.CASE_REPLY_DRAFTED, AuditCode.CASE_REPLY_APPROVED]

    case = s.case_send_reply(actor=users["bq_clerk"], case_id=case.pk, on=date(2026, 3, 5))
    assert case.status == Status.CLOSED and case.outcome == Outcome.GRANTED


def test_a_head_alone_does_not_decide_the_reviewers_step(
    register: Register, users: dict[str, User], org: dict[str, Body]
) -> None:
    case = _drafted(register, users)
    with pytest.raises(SignoffError, match="审核人审定"):
        s.case_approve_reply(actor=users["bq_head"], case_id=case.pk, on=date(2026, 3, 4))
    assert _decisions(case) == [] and Case.objects.get(pk=case.pk).status == Status.REPLY_REVIEW


# -- a configured chain of several steps ---------------------------------------------------------------------


def test_every_step_of_a_longer_chain_must_approve_before_the_reply_is_approved(
    register: Register, users: dict[str, User], org: dict[str, Body]
) -> None:
    _two_step_chain(users, org)
    case = _drafted(register, users)
    events_before, version_before = case.events.count(), Case.objects.get(pk=case.pk).version
    case = s.case_approve_reply(
        actor=users["bq_reviewer"], case_id=case.pk, data=ReviewNote("材料齐全"), on=date(2026, 3, 4)
    )
    assert Case.objects.get(pk=case.pk).version == version_before + 1  # a form shown before the decision is stale
    # an intermediate approval: recorded in the sign-off and the audit, no workflow event, still awaiting approval
    assert Case.objects.get(pk=case.pk).status == Status.REPLY_REVIEW
    assert case.events.count() == events_before
    assert _decisions(case) == [(1, "review", "bq_reviewer", "approve", "材料齐全")]
    assert _reply_audit(case) == [AuditCode.SIGNOFF_SUBMITTED, AuditCode.SIGNOFF_APPROVED]
    with pytest.raises(WorkflowError, match="不能执行"):
        s.case_send_reply(actor=users["bq_clerk"], case_id=case.pk, on=date(2026, 3, 4))
    assert signoff_tasks(user=users["bq_reviewer"]) == []
    assert [(t.signoff.subject_id, t.step_name) for t in signoff_tasks(user=users["bq_head"])] == [
        (str(case.pk), "负责人审定")
    ]
    with pytest.raises(SignoffError, match="负责人审定"):  # the reviewer cannot decide the head's step
        s.case_approve_reply(actor=users["bq_reviewer"], case_id=case.pk, on=date(2026, 3, 5))

    case = s.case_approve_reply(
        actor=users["bq_head"], case_id=case.pk, data=ReviewNote("同意发出"), on=date(2026, 3, 5)
    )
    assert case.status == Status.REPLY_APPROVED
    assert _actions(case)[-1] == ("approve_reply", "head", "bq_head")  # by the last decider, in the step's role
    last = case.events.order_by("seq").last()
    assert last is not None and payload_decode(last.payload) == ReviewNote("同意发出")
    assert _decisions(case) == [
        (1, "review", "bq_reviewer", "approve", "材料齐全"),
        (1, "sign", "bq_head", "approve", "同意发出"),
    ]
    assert _reply_audit(case)[-2:] == [AuditCode.SIGNOFF_APPROVED, AuditCode.SIGNOFF_COMPLETED]
    assert s.case_send_reply(actor=users["bq_clerk"], case_id=case.pk, on=date(2026, 3, 6)).status == Status.CLOSED


def test_a_rejection_at_a_later_step_returns_the_reply_and_redrafting_starts_a_new_round(
    register: Register, users: dict[str, User], org: dict[str, Body]
) -> None:
    _two_step_chain(users, org)
    case = _drafted(register, users)
    s.case_approve_reply(actor=users["bq_reviewer"], case_id=case.pk, on=date(2026, 3, 4))
    with pytest.raises(WorkflowError, match="写明意见"):  # a return states its reason
        s.case_return_reply(actor=users["bq_head"], case_id=case.pk, data=ReviewNote(" "), on=date(2026, 3, 4))
    case = s.case_return_reply(
        actor=users["bq_head"], case_id=case.pk, data=ReviewNote("法律依据引用有误"), on=date(2026, 3, 4)
    )
    assert case.status == Status.PROCESSING
    returned = case.events.order_by("seq").last()
    assert returned is not None and (returned.action, returned.role, returned.actor) == (
        "return_reply",
        "head",
        users["bq_head"],
    )
    assert payload_decode(returned.payload) == ReviewNote(comment="法律依据引用有误")
    state = signoff_state(subject_type=SUBJECT, subject_id=case.pk)
    assert state is not None and state.phase is Phase.DRAFT
    assert state.returned is not None and state.returned.opinion == "法律依据引用有误"
    assert signoff_tasks(user=users["bq_head"]) == []
    with pytest.raises(WorkflowError, match="不能执行"):
        s.case_approve_reply(actor=users["bq_reviewer"], case_id=case.pk, on=date(2026, 3, 5))

    # another clerk of the body redrafts: round 2, theirs, from the first step; the history is kept
    other = User.objects.create_user(username="bq_clerk2")
    Membership.objects.create(user=other, body=org["baqiao"], role=MemberRole.CLERK)
    case = s.case_draft_reply(actor=other, case_id=case.pk, data=Reply(Outcome.GRANTED), on=date(2026, 3, 5))
    row = Signoff.objects.get(subject_type=SUBJECT, subject_id=str(case.pk))
    assert (row.round, row.phase, row.next_step, row.drafter) == (2, Phase.IN_REVIEW.value, "review", other)
    s.case_approve_reply(actor=users["bq_reviewer"], case_id=case.pk, on=date(2026, 3, 6))
    case = s.case_approve_reply(actor=users["bq_head"], case_id=case.pk, on=date(2026, 3, 6))
    assert case.status == Status.REPLY_APPROVED
    assert [(r, k, who, d) for r, k, who, d, _ in _decisions(case)] == [
        (1, "review", "bq_reviewer", "approve"),
        (1, "sign", "bq_head", "reject"),
        (2, "review", "bq_reviewer", "approve"),
        (2, "sign", "bq_head", "approve"),
    ]
    assert _reply_audit(case).count(AuditCode.SIGNOFF_SUBMITTED) == 2
    assert _reply_audit(case).count(AuditCode.SIGNOFF_REJECTED) == 1


def test_the_drafter_never_decides_their_own_reply(
    register: Register, users: dict[str, User], org: dict[str, Body]
) -> None:
    both = users["bq_clerk"]
    Membership.objects.create(user=both, body=org["baqiao"], role=MemberRole.REVIEWER)
    case = _drafted(register, users)
    for service in (s.case_approve_reply, s.case_return_reply):
        with pytest.raises(WorkflowError, match=r"不能审.本人"):
            service(actor=both, case_id=case.pk, data=ReviewNote("自审"), on=date(2026, 3, 4))
    assert _decisions(case) == []
    assert signoff_tasks(user=both) == []


def test_distinct_reviewers_and_the_step_role_of_a_user_holding_both_roles(
    register: Register, users: dict[str, User], org: dict[str, Body]
) -> None:
    chain = Chain(steps=TWO_STEPS.steps, distinct_reviewers=True)
    signoff_chain_save(actor=users["bq_head"], body_id=org["baqiao"].pk, chain=chain, kind=ChainKind.REPLY)
    Membership.objects.create(user=users["bq_reviewer"], body=org["baqiao"], role=MemberRole.HEAD)
    case = _drafted(register, users)
    s.case_approve_reply(actor=users["bq_reviewer"], case_id=case.pk, on=date(2026, 3, 4))
    with pytest.raises(SignoffError, match="不同人员"):
        s.case_approve_reply(actor=users["bq_reviewer"], case_id=case.pk, on=date(2026, 3, 4))
    case = s.case_approve_reply(actor=users["bq_head"], case_id=case.pk, on=date(2026, 3, 4))
    assert case.status == Status.REPLY_APPROVED


def test_a_decision_dated_before_the_draft_is_refused_even_for_an_intermediate_step(
    register: Register, users: dict[str, User], org: dict[str, Body]
) -> None:
    _two_step_chain(users, org)
    case = _drafted(register, users, on=date(2026, 3, 5))
    with pytest.raises(WorkflowError, match="早于上一操作日期"):
        s.case_approve_reply(actor=users["bq_reviewer"], case_id=case.pk, on=date(2026, 3, 4))
    assert _decisions(case) == []


# -- access -----------------------------------------------------------------------------------------------


def test_other_bodies_get_404_and_the_supervisor_is_refused(
    register: Register, users: dict[str, User], org: dict[str, Body]
) -> None:
    case = _drafted(register, users)
    for name in ("td_clerk", "nobody"):
        with pytest.raises(Http404):
            s.case_approve_reply(actor=users[name], case_id=case.pk, on=date(2026, 3, 4))
        with pytest.raises(Http404):
            s.case_return_reply(actor=users[name], case_id=case.pk, data=ReviewNote("x"), on=date(2026, 3, 4))
    with pytest.raises(PermissionDenied):
        s.case_approve_reply(actor=users["qu_viewer"], case_id=case.pk, on=date(2026, 3, 4))
    with pytest.raises(PermissionDenied):
        s.case_return_reply(actor=users["qu_viewer"], case_id=case.pk, data=ReviewNote("x"), on=date(2026, 3, 4))
    with pytest.raises(PermissionDenied):  # a clerk has no reviewing role
        s.case_approve_reply(actor=users["bq_clerk"], case_id=case.pk, on=date(2026, 3, 4))
    assert _decisions(case) == [] and signoff_tasks(user=users["qu_viewer"]) == []


# -- edge cases --------------------------------------------------------------------------------------------


def test_a_withdrawn_application_leaves_the_task_list(
    register: Register, users: dict[str, User], login: Callable[[str], Client]
) -> None:
    case = _drafted(register, users)
    assert len(signoff_tasks(user=users["bq_reviewer"])) == 1
    s.case_withdraw(actor=users["bq_clerk"], case_id=case.pk, data=Withdrawal("申请人撤回"), on=date(2026, 3, 4))
    assert signoff_tasks(user=users["bq_reviewer"]) == []
    client = login("bq_reviewer")
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "审查不再进行" in page and "待审查" not in page


def test_a_reply_drafted_before_the_chain_existed_is_submitted_when_decided(
    register: Register, users: dict[str, User]
) -> None:
    case = _drafted(register, users)
    Signoff.objects.filter(subject_type=SUBJECT, subject_id=str(case.pk)).delete()  # as before this feature
    case = s.case_approve_reply(actor=users["bq_reviewer"], case_id=case.pk, on=date(2026, 3, 4))
    assert case.status == Status.REPLY_APPROVED
    row = Signoff.objects.get(subject_type=SUBJECT, subject_id=str(case.pk))
    assert row.drafter == users["bq_clerk"] and row.phase == Phase.COMPLETE.value
    submitted = AuditEvent.objects.for_object(SUBJECT, case.pk).filter(code=AuditCode.SIGNOFF_SUBMITTED).last()
    assert submitted is not None and submitted.note == s.LEGACY_SUBMISSION_NOTE
    assert submitted.actor == users["bq_clerk"]


def test_a_failed_draft_submits_nothing(register: Register, users: dict[str, User]) -> None:
    case = register()
    with pytest.raises(WorkflowError):  # a refusal needs its legal ground and reasons
        s.case_draft_reply(
            actor=users["bq_clerk"], case_id=case.pk, data=Reply(Outcome.DENIED_INTERNAL), on=date(2026, 3, 3)
        )
    assert not Signoff.objects.exists() and not CaseEvent.objects.filter(case=case, action="draft_reply").exists()


# -- pages ------------------------------------------------------------------------------------------------


def test_the_case_page_shows_the_chain_and_the_action_decides_the_current_step(
    register: Register, users: dict[str, User], org: dict[str, Body], login: Callable[[str], Client]
) -> None:
    _two_step_chain(users, org)
    case = _drafted(register, users)

    reviewer = login("bq_reviewer")
    page = reviewer.get(f"/cases/{case.pk}/").content.decode()
    assert "答复审查" in page and "审核人审核" in page and "负责人审定" in page and "待审查" in page
    assert "由您审定“审核人审核”" in page
    response = reviewer.post(f"/cases/{case.pk}/act/approve_reply/", {"on": "2026-03-04", "comment": "核对无误"})
    assert response.status_code == 302
    page = reviewer.get(f"/cases/{case.pk}/").content.decode()
    assert "核对无误" in page and "须由本机关的负责人审定" in page
    # the reviewer trying the head's step gets the chain's reason on the form, nothing is written
    refused = reviewer.post(f"/cases/{case.pk}/act/approve_reply/", {"on": "2026-03-04", "comment": ""})
    assert refused.status_code == 200 and "须由本机关的负责人审定" in refused.content.decode()
    assert len(_decisions(case)) == 1
    head = login("bq_head")
    tasks = head.get("/proactive/tasks/").content.decode()
    assert "依申请公开答复" in tasks and f"/cases/{case.pk}/" in tasks and "负责人审定" in tasks
    response = head.post(f"/cases/{case.pk}/act/return_reply/", {"on": "2026-03-05", "comment": "请补充救济途径"})
    assert response.status_code == 302
    page = head.get(f"/cases/{case.pk}/").content.decode()
    assert "已退回修改" in page and "请补充救济途径" in page
    assert Case.objects.get(pk=case.pk).status == Status.PROCESSING
    # the supervisor sees the review read-only; another body's user gets 404
    viewer = login("qu_viewer")
    assert "请补充救济途径" in viewer.get(f"/cases/{case.pk}/").content.decode()
    other = login("td_clerk")
    assert other.get(f"/cases/{case.pk}/").status_code == 404


def test_pages_without_a_review_show_no_review_section(register: Register, login: Callable[[str], Client]) -> None:
    case = register()
    client = login("bq_reviewer")
    assert "答复审查" not in client.get(f"/cases/{case.pk}/").content.decode()
