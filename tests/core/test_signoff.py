"""The 保密审查 sign-off chain: definitions, order, eligibility, rejection rounds, completion, replay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xxgk.core.errors import WorkflowError
from xxgk.core.signoff import (
    DEFAULT_CHAIN,
    MAX_OPINION,
    MAX_STEPS,
    Chain,
    Decision,
    Phase,
    Record,
    Reviewer,
    SignoffError,
    SignoffState,
    Step,
    begin,
    decide,
    replay,
    role_label,
    submit,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DRAFTER = "1"
REVIEWER = Reviewer("2", frozenset({"reviewer"}))
HEAD = Reviewer("3", frozenset({"head"}))
BOTH = Reviewer("4", frozenset({"reviewer", "head"}))
CLERK = Reviewer("5", frozenset({"clerk"}))
DRAFTER_AS_REVIEWER = Reviewer(DRAFTER, frozenset({"reviewer", "head"}))


def t(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def submitted(*, important: bool = False, chain: Chain = DEFAULT_CHAIN) -> SignoffState:
    return submit(begin(chain, drafter=DRAFTER, important=important), by=DRAFTER, at=t(0))


def approve_all(state: SignoffState, start: int = 1) -> SignoffState:
    minute = start
    while state.phase is Phase.IN_REVIEW:
        step = state.next_step
        assert step is not None
        who = REVIEWER if step.role == "reviewer" else HEAD
        state = decide(state, step=step.key, reviewer=who, decision=Decision.APPROVE, at=t(minute))
        minute += 1
    return state


# -- chain definitions ------------------------------------------------------------------------------


def test_default_chain_is_the_practice_of_the_seed_report() -> None:
    assert [(s.name, s.role, s.important_only) for s in DEFAULT_CHAIN.steps] == [
        ("承办科室审核", "reviewer", False),
        ("分管领导审定", "head", False),
        ("办公室复核", "reviewer", False),
        ("主要领导审定", "head", True),
    ]
    assert [s.key for s in DEFAULT_CHAIN.applicable(False)] == ["department", "leader", "office"]
    assert [s.key for s in DEFAULT_CHAIN.applicable(True)] == ["department", "leader", "office", "principal"]
    assert not DEFAULT_CHAIN.distinct_reviewers
    assert DEFAULT_CHAIN.step("office") is DEFAULT_CHAIN.steps[2] and DEFAULT_CHAIN.step("x") is None


def test_chain_round_trips_through_a_dict() -> None:
    chain = Chain(steps=(Step("a", "初审", "reviewer"), Step("b", "终审", "head", True)), distinct_reviewers=True)
    assert Chain.from_dict(chain.to_dict()) == chain
    assert Chain.from_dict(DEFAULT_CHAIN.to_dict()) == DEFAULT_CHAIN
    with pytest.raises(SignoffError, match="无法读取审查流程"):
        Chain.from_dict({"steps": [{"key": "a"}]})
    with pytest.raises(SignoffError, match="无法读取审查流程"):
        Chain.from_dict({})


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ((), "至少需要一个环节"),
        (tuple(Step(f"s{i}", f"环节{i}", "reviewer") for i in range(MAX_STEPS + 1)), "最多"),
        ((Step("A", "初审", "reviewer"),), "代码"),
        ((Step("1a", "初审", "reviewer"),), "代码"),
        ((Step("a", " ", "reviewer"),), "须有名称"),
        ((Step("a", "审" * 51, "reviewer"),), "审查环节名称最多 50 个字（现有 51 个字）"),
        ((Step("a", "初\x00审", "reviewer"),), "审查环节名称包含不可见的控制字符，请重新输入"),
        ((Step("a", "初审", " "),), "须指定负责审定的角色"),
        ((Step("a", "初审", "reviewer"), Step("a", "复审", "head")), "代码 a 重复"),
        ((Step("a", "初审", "reviewer"), Step("b", "初审", "head")), "名称“初审”重复"),
        ((Step("a", "初审", "head", important_only=True),), "至少须有一个环节适用于所有信息"),
        (("not a step",), "必须是 Step"),
    ],
)
def test_bad_chains_are_refused(steps: tuple[Step, ...], message: str) -> None:
    with pytest.raises(SignoffError, match=message):
        Chain(steps=steps)


def test_signoff_error_is_a_workflow_error_and_role_labels() -> None:
    assert issubclass(SignoffError, WorkflowError)
    assert role_label("head") == "负责人" and role_label("reviewer") == "审核人" and role_label("x") == "x"
    assert Decision.APPROVE.label == "同意" and Decision.REJECT.label == "退回修改"
    assert [p.label for p in Phase] == ["未提交审查", "审查中", "审查完毕"]


# -- submission -------------------------------------------------------------------------------------


def test_begin_is_a_draft_and_only_the_drafter_submits() -> None:
    state = begin(DEFAULT_CHAIN, drafter=DRAFTER)
    assert (state.phase, state.round, state.next_step, state.history) == (Phase.DRAFT, 0, None, ())
    assert state.refusal(REVIEWER) == "尚未提交审查"
    with pytest.raises(SignoffError, match="只有起草人可以提交审查"):
        submit(state, by="2", at=t(0))
    state = submit(state, by=DRAFTER, at=t(0))
    assert (state.phase, state.round) == (Phase.IN_REVIEW, 1)
    assert state.next_step == DEFAULT_CHAIN.steps[0]
    with pytest.raises(SignoffError, match="不能重复提交"):
        submit(state, by=DRAFTER, at=t(1))


def test_submit_checks_types_and_time() -> None:
    with pytest.raises(SignoffError, match="须记录起草人"):
        begin(DEFAULT_CHAIN, drafter="")
    with pytest.raises(SignoffError, match="需要 Chain"):
        SignoffState(chain="x", drafter="1")  # type: ignore[arg-type]
    with pytest.raises(SignoffError, match="必须是日期时间"):
        submit(begin(DEFAULT_CHAIN, drafter=DRAFTER), by=DRAFTER, at="today")  # type: ignore[arg-type]


# -- deciding ---------------------------------------------------------------------------------------


def test_a_full_chain_in_order_completes() -> None:
    state = submitted()
    state = decide(state, step="department", reviewer=REVIEWER, decision="approve", opinion=" 无涉密内容 ", at=t(1))
    assert state.phase is Phase.IN_REVIEW and state.next_step is not None and state.next_step.key == "leader"
    assert state.history[-1] == Record(1, "department", "承办科室审核", "2", Decision.APPROVE, "无涉密内容", t(1))
    state = decide(state, step="leader", reviewer=HEAD, decision=Decision.APPROVE, at=t(2))
    state = decide(state, step="office", reviewer=REVIEWER, decision=Decision.APPROVE, at=t(3))
    assert state.phase is Phase.COMPLETE and state.complete and state.next_step is None
    assert state.completed_at == t(3)
    assert [r.step for r in state.history] == ["department", "leader", "office"]  # no principal: not important
    assert state.refusal(HEAD) == "审查已全部完成"
    with pytest.raises(SignoffError, match="审查已全部完成"):
        decide(state, step="principal", reviewer=HEAD, decision="approve", at=t(4))


def test_important_subjects_also_need_the_principal() -> None:
    state = approve_all(submitted(important=True))
    assert [r.step for r in state.history] == ["department", "leader", "office", "principal"]
    state = submitted(important=True)
    for minute, (key, who) in enumerate([("department", REVIEWER), ("leader", HEAD), ("office", REVIEWER)], 1):
        state = decide(state, step=key, reviewer=who, decision="approve", at=t(minute))
    assert state.phase is Phase.IN_REVIEW and state.next_step is not None and state.next_step.key == "principal"
    assert state.completed_at is None


def test_steps_must_be_decided_in_order() -> None:
    state = submitted()
    with pytest.raises(SignoffError, match="须按顺序审查：当前应由“承办科室审核”环节审定"):
        decide(state, step="leader", reviewer=HEAD, decision="approve", at=t(1))
    with pytest.raises(SignoffError, match="不是本事项的审查环节"):
        decide(state, step="principal", reviewer=HEAD, decision="approve", at=t(1))  # not important
    with pytest.raises(SignoffError, match="不是本事项的审查环节"):
        decide(state, step="nope", reviewer=HEAD, decision="approve", at=t(1))
    state = decide(state, step="department", reviewer=REVIEWER, decision="approve", at=t(1))
    with pytest.raises(SignoffError, match="“承办科室审核”本轮已经审定"):
        decide(state, step="department", reviewer=REVIEWER, decision="approve", at=t(2))


def test_the_reviewer_must_hold_the_steps_role() -> None:
    state = submitted()
    with pytest.raises(SignoffError, match="“承办科室审核”须由本机关的审核人审定"):
        decide(state, step="department", reviewer=HEAD, decision="approve", at=t(1))
    with pytest.raises(SignoffError, match="审核人"):
        decide(state, step="department", reviewer=CLERK, decision="reject", opinion="x", at=t(1))
    assert not state.can_decide(HEAD) and state.can_decide(REVIEWER) and state.can_decide(BOTH)
    with pytest.raises(SignoffError, match="需要 Reviewer"):
        decide(state, step="department", reviewer="2", decision="approve", at=t(1))  # type: ignore[arg-type]


def test_the_drafter_may_not_decide_their_own_subject() -> None:
    state = submitted()
    for verdict in Decision:
        with pytest.raises(SignoffError, match="起草人不能审查本人起草的事项"):
            decide(state, step="department", reviewer=DRAFTER_AS_REVIEWER, decision=verdict, opinion="x", at=t(1))
    assert state.refusal(DRAFTER_AS_REVIEWER) is not None


def test_one_person_may_decide_several_steps_unless_the_chain_forbids_it() -> None:
    state = submitted()
    for minute, key in enumerate(["department", "leader", "office"], 1):
        state = decide(state, step=key, reviewer=BOTH, decision="approve", at=t(minute))
    assert state.complete
    strict = Chain(steps=DEFAULT_CHAIN.steps, distinct_reviewers=True)
    state = submitted(chain=strict)
    state = decide(state, step="department", reviewer=BOTH, decision="approve", at=t(1))
    with pytest.raises(SignoffError, match="各环节由不同人员审定"):
        decide(state, step="leader", reviewer=BOTH, decision="approve", at=t(2))
    state = decide(state, step="leader", reviewer=HEAD, decision="approve", at=t(2))
    with pytest.raises(SignoffError, match="各环节由不同人员审定"):
        decide(state, step="office", reviewer=BOTH, decision="approve", at=t(3))
    assert decide(state, step="office", reviewer=REVIEWER, decision="approve", at=t(3)).complete


def test_a_rejection_returns_to_the_drafter_and_a_new_round_starts() -> None:
    state = submitted()
    state = decide(state, step="department", reviewer=REVIEWER, decision="approve", at=t(1))
    with pytest.raises(SignoffError, match="退回修改须写明理由"):
        decide(state, step="leader", reviewer=HEAD, decision="reject", opinion="  ", at=t(2))
    state = decide(
        state, step="leader", reviewer=HEAD, decision="reject", opinion="涉及个人信息，须删除身份证号", at=t(2)
    )
    assert state.phase is Phase.DRAFT and state.round == 1
    assert state.returned is not None and state.returned.opinion == "涉及个人信息，须删除身份证号"
    assert state.refusal(REVIEWER) == "已退回起草人修改，尚未重新提交"
    with pytest.raises(SignoffError, match="已退回起草人修改"):
        decide(state, step="office", reviewer=REVIEWER, decision="approve", at=t(3))
    # resubmission: round 2 starts from the first step again; the history of round 1 is kept
    state = submit(state, by=DRAFTER, at=t(4))
    assert (state.phase, state.round, state.returned, state.current) == (Phase.IN_REVIEW, 2, None, ())
    assert state.next_step is not None and state.next_step.key == "department"
    assert len(state.history) == 2
    state = approve_all(state, start=5)
    assert state.complete and [r.round for r in state.history] == [1, 1, 2, 2, 2]
    assert [s.key for s, rec in state.progress() if rec is not None] == ["department", "leader", "office"]


def test_resubmission_may_take_a_new_chain_and_important_flag() -> None:
    state = submitted()
    state = decide(state, step="department", reviewer=REVIEWER, decision="reject", opinion="补充依据", at=t(1))
    short = Chain(steps=(Step("only", "审定", "head"),))
    state = submit(state, by=DRAFTER, at=t(2), chain=short, important=True)
    assert state.chain is short and state.important and [s.key for s in state.steps] == ["only"]
    state = decide(state, step="only", reviewer=HEAD, decision="approve", at=t(3))
    assert state.complete


def test_decision_time_never_goes_backwards_and_opinions_are_bounded() -> None:
    state = decide(submitted(), step="department", reviewer=REVIEWER, decision="approve", at=t(5))
    with pytest.raises(SignoffError, match="早于上一次审查"):
        decide(state, step="leader", reviewer=HEAD, decision="approve", at=t(4))
    with pytest.raises(SignoffError, match="统一带时区"):
        decide(state, step="leader", reviewer=HEAD, decision="approve", at=datetime(2026, 3, 2, 10))  # noqa: DTZ001
    with pytest.raises(SignoffError, match=rf"审查意见最多 {MAX_OPINION} 个字（现有 {MAX_OPINION + 1} 个字）"):
        decide(state, step="leader", reviewer=HEAD, decision="approve", opinion="意" * (MAX_OPINION + 1), at=t(6))
    with pytest.raises(SignoffError, match="审查意见包含不可见的控制字符，请重新输入"):  # PostgreSQL refuses a NUL
        decide(state, step="leader", reviewer=HEAD, decision="reject", opinion="请\x00修改", at=t(6))
    assert decide(state, step="leader", reviewer=HEAD, decision="approve", opinion="意" * MAX_OPINION, at=t(6))
    with pytest.raises(SignoffError, match="未知的审查结论"):
        decide(state, step="leader", reviewer=HEAD, decision="maybe", at=t(6))
    with pytest.raises(SignoffError, match="早于上一次审查"):
        submit(
            decide(state, step="leader", reviewer=HEAD, decision="reject", opinion="x", at=t(6)), by=DRAFTER, at=t(1)
        )


def test_progress_lists_each_applicable_step() -> None:
    state = decide(submitted(), step="department", reviewer=REVIEWER, decision="approve", at=t(1))
    progress = state.progress()
    assert [s.key for s, _ in progress] == ["department", "leader", "office"]
    assert progress[0][1] is not None and progress[0][1].reviewer == "2" and progress[1][1] is None


# -- replay -----------------------------------------------------------------------------------------


def test_replay_rebuilds_a_stored_state() -> None:
    state = submitted()
    state = decide(state, step="department", reviewer=REVIEWER, decision="reject", opinion="改", at=t(1))
    state = submit(state, by=DRAFTER, at=t(2))
    state = decide(state, step="department", reviewer=REVIEWER, decision="approve", at=t(3))
    again = replay(DEFAULT_CHAIN, drafter=DRAFTER, important=False, round_no=2, history=state.history)
    assert again == state and again.next_step is not None and again.next_step.key == "leader"


@pytest.mark.parametrize(
    ("round_no", "records", "message"),
    [
        (1, [Record(2, "department", "承办科室审核", "2", Decision.APPROVE, "", T0)], "轮次"),
        (0, [Record(1, "department", "承办科室审核", "2", Decision.APPROVE, "", T0)], "轮次"),
        (1, [Record(0, "department", "承办科室审核", "2", Decision.APPROVE, "", T0)], "轮次"),
        (1, [Record(1, "leader", "分管领导审定", "3", Decision.APPROVE, "", T0)], "顺序不符"),
        (1, [Record(1, "leader", "分管领导审定", "3", Decision.REJECT, "x", T0)], "顺序不符"),
        (
            2,
            [
                Record(1, "department", "承办科室审核", "2", Decision.REJECT, "x", T0),
                Record(1, "leader", "分管领导审定", "3", Decision.APPROVE, "", T0),
            ],
            "退回之后",
        ),
        (
            2,
            [
                Record(2, "department", "承办科室审核", "2", Decision.APPROVE, "", T0),
                Record(1, "department", "承办科室审核", "2", Decision.APPROVE, "", T0),
            ],
            "轮次",
        ),
    ],
)
def test_replay_refuses_impossible_histories(round_no: int, records: list[Record], message: str) -> None:
    with pytest.raises(SignoffError, match=message):
        replay(DEFAULT_CHAIN, drafter=DRAFTER, important=False, round_no=round_no, history=records)
    with pytest.raises(SignoffError, match="审查记录必须是 Record"):
        SignoffState(chain=DEFAULT_CHAIN, drafter="1", round=1, history=("x",))  # type: ignore[arg-type]
    with pytest.raises(SignoffError, match="审查轮次无效"):
        SignoffState(chain=DEFAULT_CHAIN, drafter="1", round=-1)


# -- properties -------------------------------------------------------------------------------------

_ACTORS = [REVIEWER, HEAD, BOTH, CLERK, DRAFTER_AS_REVIEWER]


@settings(deadline=None)  # timing varies under parallel test runs
@given(
    moves=st.lists(
        st.tuples(
            st.sampled_from(["submit", "decide"]),
            st.sampled_from(["department", "leader", "office", "principal"]),
            st.sampled_from(range(len(_ACTORS))),
            st.sampled_from(list(Decision)),
        ),
        max_size=25,
    ),
    important=st.booleans(),
)
def test_random_moves_never_complete_without_every_step_approved_in_one_round(
    moves: list[tuple[str, str, int, Decision]], important: bool
) -> None:
    state = begin(DEFAULT_CHAIN, drafter=DRAFTER, important=important)
    for minute, (kind, key, who, verdict) in enumerate(moves):
        try:
            if kind == "submit":
                state = submit(state, by=DRAFTER, at=t(minute))
            else:
                state = decide(state, step=key, reviewer=_ACTORS[who], decision=verdict, opinion="意见", at=t(minute))
        except SignoffError:
            continue
        # invariants after every accepted move
        assert all(r.reviewer != DRAFTER for r in state.history)
        for record in state.current:
            step = DEFAULT_CHAIN.step(record.step)
            assert step is not None
            actor = next(a for a in _ACTORS if a.id == record.reviewer)
            assert step.role in actor.roles
        if state.complete:
            assert [r.step for r in state.current] == [s.key for s in state.steps]
            assert all(r.decision is Decision.APPROVE for r in state.current)
        assert (
            replay(DEFAULT_CHAIN, drafter=DRAFTER, important=important, round_no=state.round, history=state.history)
            == state
        )
