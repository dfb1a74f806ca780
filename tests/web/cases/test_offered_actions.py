"""The case page offers only what the user can do now: approving or returning a reply is offered to whoever may
decide the current step of the reply's 保密审查 chain — not to a 负责人 under the default one-step chain (the
审核人's step), not to the reply's drafter, and to each step's role in turn under a longer chain; and an action
the workflow would refuse whatever is entered (a second extension, a second fee notice, abandonment before the
补正 period is over, …) is not a button but listed under “暂不能执行” with the reason."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from tests.web.cases.conftest import Register
from xxgk.core.errors import WorkflowError
from xxgk.core.fees import FeeMethod
from xxgk.core.outcomes import Outcome
from xxgk.core.signoff import Chain, Step
from xxgk.core.workflow import (
    Action,
    CorrectionRequest,
    Extension,
    FeeNotice,
    Payment,
    ReasonsRecord,
    Reply,
    ReviewNote,
    Role,
    Status,
)
from xxgk.web.cases import services as s
from xxgk.web.cases.models import Case
from xxgk.web.cases.selectors import case_action_choices, case_actions_offered, case_allowed_actions
from xxgk.web.proactive.models import ChainKind, Signoff
from xxgk.web.proactive.signoff_services import signoff_chain_save
from xxgk.web.tenancy.models import Body, MemberRole, Membership

pytestmark = pytest.mark.django_db

DECISIONS = {Action.APPROVE_REPLY.value, Action.RETURN_REPLY.value}
TWO_STEPS = Chain(steps=(Step("review", "审核人审核", "reviewer"), Step("sign", "负责人审定", "head")))
NONE_OFFERED = "您当前没有可执行的操作。"


def _drafted(register: Register, users: dict[str, User], *, by: str = "bq_clerk") -> Case:
    case = register(clerk=by)
    return s.case_draft_reply(actor=users[by], case_id=case.pk, data=Reply(Outcome.GRANTED), on=date(2026, 3, 3))


def _buttons(client: Client, case: Case) -> set[str]:
    """The actions the case page links to (its “可执行的操作”)."""
    page = client.get(f"/cases/{case.pk}/")
    assert page.status_code == 200
    return set(re.findall(rf'href="/cases/{case.pk}/act/(\w+)/"', page.content.decode()))


def _offered(user: User, case: Case) -> dict[str, str]:
    return {a.value: r.value for a, r in case_actions_offered(user=user, case=Case.objects.get(pk=case.pk))}


def _member(org: dict[str, Body], name: str, *roles: MemberRole) -> User:
    user = User.objects.create_user(username=name, password="x-pass-123")
    for role in roles:
        Membership.objects.create(user=user, body=org["baqiao"], role=role)
    return user


def test_under_the_default_chain_a_head_is_not_offered_the_reviewers_decision(
    register: Register, users: dict[str, User], login: Callable[[str], Client]
) -> None:
    case = _drafted(register, users)
    head = login("bq_head")
    page = head.get(f"/cases/{case.pk}/").content.decode()
    assert not _buttons(head, case) & DECISIONS
    assert NONE_OFFERED in page
    # the workflow table alone would have offered them: the chain's step is what decides
    assert {a.value for a, _r in case_allowed_actions(user=users["bq_head"], case=case)} >= DECISIONS
    assert _offered(users["bq_head"], case) == {}
    reviewer = login("bq_reviewer")
    assert _buttons(reviewer, case) >= DECISIONS
    assert _offered(users["bq_reviewer"], case) == {"return_reply": "reviewer", "approve_reply": "reviewer"}
    # what is offered works
    assert reviewer.post(f"/cases/{case.pk}/act/approve_reply/", {"on": "2026-03-04"}).status_code == 302
    assert Case.objects.get(pk=case.pk).status == Status.REPLY_APPROVED


def test_each_step_of_a_longer_chain_is_offered_to_its_role_in_turn(
    register: Register, users: dict[str, User], org: dict[str, Body], login: Callable[[str], Client]
) -> None:
    signoff_chain_save(actor=users["bq_head"], body_id=org["baqiao"].pk, chain=TWO_STEPS, kind=ChainKind.REPLY)
    case = _drafted(register, users)
    assert _buttons(login("bq_reviewer"), case) >= DECISIONS
    assert not _buttons(login("bq_head"), case) & DECISIONS
    s.case_approve_reply(actor=users["bq_reviewer"], case_id=case.pk, data=ReviewNote("核对无误"), on=date(2026, 3, 4))
    assert Case.objects.get(pk=case.pk).status == Status.REPLY_REVIEW
    assert not _buttons(login("bq_reviewer"), case) & DECISIONS
    assert _buttons(login("bq_head"), case) >= DECISIONS
    assert _offered(users["bq_head"], case) == {"return_reply": "head", "approve_reply": "head"}


def test_the_role_offered_is_the_steps_for_someone_holding_both(
    register: Register, users: dict[str, User], org: dict[str, Body]
) -> None:
    """A 审核人 who is also 负责人 decides the head's step as 负责人 (the role the decision is recorded in)."""
    both = _member(org, "bq_both", MemberRole.REVIEWER, MemberRole.HEAD)
    signoff_chain_save(actor=users["bq_head"], body_id=org["baqiao"].pk, chain=TWO_STEPS, kind=ChainKind.REPLY)
    case = _drafted(register, users)
    assert _offered(both, case) == {"return_reply": "reviewer", "approve_reply": "reviewer"}
    s.case_approve_reply(actor=users["bq_reviewer"], case_id=case.pk, on=date(2026, 3, 4))
    by_table = dict(case_allowed_actions(user=both, case=Case.objects.get(pk=case.pk)))
    assert by_table[Action.APPROVE_REPLY] is Role.REVIEWER  # the table's first role; the step wants the head
    assert _offered(both, case) == {"return_reply": "head", "approve_reply": "head"}
    done = s.case_approve_reply(actor=both, case_id=case.pk, on=date(2026, 3, 5))
    assert done.events.order_by("-seq").values_list("action", "role").first() == ("approve_reply", "head")


def test_the_drafter_is_not_offered_the_review_of_their_own_reply(
    register: Register, users: dict[str, User], org: dict[str, Body], client: Client
) -> None:
    drafter = _member(org, "bq_clerk_reviewer", MemberRole.CLERK, MemberRole.REVIEWER)
    users["bq_clerk_reviewer"] = drafter
    case = _drafted(register, users, by="bq_clerk_reviewer")
    client.force_login(drafter)
    offered = _buttons(client, case)
    assert not offered & DECISIONS and Action.WITHDRAW.value in offered  # the clerk's own move is still offered
    client.force_login(users["bq_reviewer"])
    assert _buttons(client, case) >= DECISIONS


def test_a_reply_drafted_before_the_chain_existed_is_offered_to_the_steps_role(
    register: Register, users: dict[str, User]
) -> None:
    case = _drafted(register, users)
    Signoff.objects.filter(subject_type=s.REPLY_SUBJECT, subject_id=str(case.pk)).delete()  # as before the chain
    assert _offered(users["bq_head"], case) == {}
    assert _offered(users["bq_reviewer"], case) == {"return_reply": "reviewer", "approve_reply": "reviewer"}
    assert not Signoff.objects.filter(subject_type=s.REPLY_SUBJECT, subject_id=str(case.pk)).exists()  # a read
    s.case_approve_reply(actor=users["bq_reviewer"], case_id=case.pk, on=date(2026, 3, 4))
    assert Case.objects.get(pk=case.pk).status == Status.REPLY_APPROVED


def test_other_actions_are_offered_as_before(register: Register, users: dict[str, User]) -> None:
    case = register()
    for name in ("bq_clerk", "bq_reviewer", "qu_viewer"):
        assert case_actions_offered(user=users[name], case=case) == case_allowed_actions(user=users[name], case=case)
    # the head's 第三十五条 deadline needs the applicant's reasons first: the only one held back on a new case
    by_table = case_allowed_actions(user=users["bq_head"], case=case)
    assert (Action.SET_CUSTOM_DEADLINE, Role.HEAD) in by_table
    offered = case_actions_offered(user=users["bq_head"], case=case)
    assert offered == [(a, r) for a, r in by_table if a is not Action.SET_CUSTOM_DEADLINE]


# -- actions that cannot succeed whatever is entered ------------------------------------------------

ONCE = "答复期限只能延长一次（第三十三条第二款）"


def _choices(user: User, case: Case) -> dict[str, str]:
    return {c.action.value: c.blocked for c in case_action_choices(user=user, case=Case.objects.get(pk=case.pk))}


def test_a_second_extension_is_not_offered_and_the_page_says_why(
    register: Register, users: dict[str, User], login: Callable[[str], Client]
) -> None:
    case = register()
    head = login("bq_head")
    assert "extend" in _buttons(head, case)
    extension = Extension(5, "李主任", date(2026, 3, 5))
    s.case_extend(actor=users["bq_head"], case_id=case.pk, data=extension, on=date(2026, 3, 5))
    assert "extend" not in _buttons(head, case)
    assert "extend" not in _offered(users["bq_head"], case)
    assert _choices(users["bq_head"], case)["extend"] == ONCE
    page = head.get(f"/cases/{case.pk}/").content.decode()
    blocked = page.split("暂不能执行", 1)[1].split("</ul>", 1)[0]
    assert "延长答复期限" in blocked and ONCE in blocked
    # the action page opened directly still says so, and still refuses
    form = head.get(f"/cases/{case.pk}/act/extend/")
    assert form.status_code == 200 and f"当前不能执行此操作：{ONCE}" in form.content.decode()
    refused = head.post(
        f"/cases/{case.pk}/act/extend/",
        {"on": "2026-03-06", "days": "3", "approved_by": "李主任", "notified_on": "2026-03-06"},
    )
    assert refused.status_code == 200 and ONCE in refused.content.decode()
    assert case.events.filter(action="extend").count() == 1
    # an action that can succeed shows no warning
    assert "当前不能执行此操作" not in login("bq_clerk").get(f"/cases/{case.pk}/act/withdraw/").content.decode()


def test_a_second_fee_notice_is_not_offered(register: Register, users: dict[str, User]) -> None:
    case = register()
    clerk = users["bq_clerk"]
    assert "send_fee_notice" in _offered(clerk, case)
    notice = FeeNotice(FeeMethod.BY_PAGE, Decimal("12.50"), date(2026, 3, 5))
    s.case_send_fee_notice(actor=clerk, case_id=case.pk, data=notice, on=date(2026, 3, 5))
    s.case_record_payment(actor=clerk, case_id=case.pk, data=Payment(Decimal("12.50")), on=date(2026, 3, 6))
    assert "send_fee_notice" not in _offered(clerk, case)
    assert _choices(clerk, case)["send_fee_notice"] == "每件申请只能发出一次收费通知"
    with pytest.raises(WorkflowError, match="每件申请只能发出一次收费通知"):
        s.case_send_fee_notice(actor=clerk, case_id=case.pk, data=notice, on=date(2026, 3, 9))


def test_abandonment_is_offered_only_once_the_correction_period_is_over(
    register: Register, users: dict[str, User]
) -> None:
    today = timezone.localdate()
    case = register(on=today)
    clerk = users["bq_clerk"]
    request = CorrectionRequest(("请写明文件名称",), today + timedelta(days=30))
    s.case_request_correction(actor=clerk, case_id=case.pk, data=request, on=today)
    offered = _offered(clerk, case)
    assert "receive_correction" in offered and "correction_overdue" not in offered
    assert "尚未届满，不能视为放弃申请" in _choices(clerk, case)["correction_overdue"]
    # as of a day after the period (an assumed date: the page always uses today) it is offered
    later = case_action_choices(user=clerk, case=Case.objects.get(pk=case.pk), today=today + timedelta(days=60))
    assert {c.action.value: c.blocked for c in later}["correction_overdue"] == ""


def test_article_35_deadline_only_after_the_applicants_reasons(
    register: Register, users: dict[str, User], login: Callable[[str], Client]
) -> None:
    case = register()
    head, clerk = users["bq_head"], users["bq_clerk"]
    assert _choices(head, case)["set_custom_deadline"] == "依第三十五条确定延迟答复期限前须先要求申请人说明理由"
    s.case_request_reasons(actor=clerk, case_id=case.pk, on=date(2026, 3, 3))
    s.case_record_reasons(actor=clerk, case_id=case.pk, data=ReasonsRecord("课题研究需要"), on=date(2026, 3, 4))
    assert _choices(head, case)["set_custom_deadline"] == ""
    assert "set_custom_deadline" in _buttons(login("bq_head"), case)


def test_the_duplicate_reply_button_only_when_a_reply_can_be_drafted(
    register: Register, users: dict[str, User], login: Callable[[str], Client]
) -> None:
    """The “拟定答复” shortcut of a confirmed 重复申请 is not shown while a reply is already in review."""
    earlier = register(on=date(2026, 3, 2))
    case = register(on=date(2026, 3, 3))
    flag = case.duplicate_flags.get(earlier=earlier)
    s.case_duplicate_decide(actor=users["bq_clerk"], case_id=case.pk, flag_id=flag.pk, decision="confirmed")
    clerk = login("bq_clerk")
    assert "draft_reply" in _buttons(clerk, case)
    s.case_draft_reply(
        actor=users["bq_clerk"],
        case_id=case.pk,
        data=Reply(Outcome.NOT_PROCESSED_DUPLICATE, legal_ground="《条例》第三十六条第（六）项", reasons="重复申请"),
        on=date(2026, 3, 4),
    )
    assert "draft_reply" not in _buttons(clerk, case)
