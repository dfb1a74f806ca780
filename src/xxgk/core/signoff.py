"""The 保密审查 sign-off chain (条例 Art 17) as a pure state machine.

Before any information is released — a proactive item (主动公开) or a reply to an application (依申请公开) — it
passes the body's review chain: by default 承办科室审核 → 分管领导审定 → 办公室复核 → 主要领导审定 (the last only
for information marked important). "谁公开、谁审查、谁负责", "一事一审": every subject is reviewed on its own,
step by step, each step by someone holding the step's role, never by the subject's drafter.

Values
------
* :class:`Chain` — the ordered :class:`Step` s (key, name, the role that may decide it, whether it applies only to
  important subjects) and whether one person may decide several steps of the same round.
* :class:`SignoffState` — a subject's review: the chain in force, the drafter, the important flag, the round number
  and the full history of :class:`Record` s (every decision of every round, never erased). Its
  :attr:`~SignoffState.phase` is derived from the history: ``draft`` before the first submission and after a
  rejection, ``in_review`` while steps remain, ``complete`` when every applicable step of the current round
  approved.

Moves
-----
* :func:`begin` — a new subject, not yet submitted (round 0).
* :func:`submit` — the drafter submits: a new round starts (optionally with a new chain snapshot or important
  flag, e.g. after the body edited its chain while the subject was returned).
* :func:`decide` — a reviewer approves or rejects the next step. Rules, each with a Chinese error
  (:class:`SignoffError`): the subject is in review; the step is the next one of the current round (steps in
  order); the reviewer holds the step's role; the reviewer is not the drafter; with ``distinct_reviewers`` nobody
  decides two steps of one round; a rejection states its reason. A rejection returns the subject to the drafter
  (phase ``draft``; resubmitting starts a new round, the history is kept); the last approval completes it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from xxgk.core.errors import WorkflowError
from xxgk.core.textcheck import text_problems

MAX_STEPS = 10
MAX_STEP_NAME = 50
MAX_OPINION = 2000
_KEY = re.compile(r"[a-z][a-z0-9_]{0,29}")


class SignoffError(WorkflowError):
    """A sign-off move or a chain definition is not allowed (Chinese message)."""

    default_message = "审查操作不符合规定"


class Decision(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"

    @property
    def label(self) -> str:
        return "同意" if self is Decision.APPROVE else "退回修改"


class Phase(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    COMPLETE = "complete"

    @property
    def label(self) -> str:
        return {"draft": "未提交审查", "in_review": "审查中", "complete": "审查完毕"}[self.value]


#: Labels of the role codes the web layer uses (any other code is shown as is).
ROLE_LABELS: Mapping[str, str] = MappingProxyType(
    {"clerk": "经办人", "reviewer": "审核人", "head": "负责人", "admin": "管理员"}
)


def role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role)


# -- the chain ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Step:
    """One step: ``key`` (stable id within the chain), ``name`` (e.g. 承办科室审核), the ``role`` that decides it
    (a role code of the caller's vocabulary, e.g. ``reviewer`` or ``head``), and whether it applies only to
    subjects marked important."""

    key: str
    name: str
    role: str
    important_only: bool = False


@dataclass(frozen=True, slots=True)
class Chain:
    steps: tuple[Step, ...]
    distinct_reviewers: bool = False

    def __post_init__(self) -> None:
        steps = tuple(self.steps)
        if not steps:
            raise SignoffError("审查流程至少需要一个环节")
        if len(steps) > MAX_STEPS:
            raise SignoffError(f"审查流程最多 {MAX_STEPS} 个环节")
        keys: set[str] = set()
        names: set[str] = set()
        for step in steps:
            if not isinstance(step, Step):
                raise SignoffError(f"审查环节必须是 Step，收到 {step!r}")
            if not isinstance(step.key, str) or not _KEY.fullmatch(step.key):
                raise SignoffError(f"审查环节代码 {step.key!r} 无效（小写字母开头，只含小写字母、数字、下划线）")
            if not isinstance(step.name, str) or not step.name.strip():
                raise SignoffError("审查环节须有名称")
            problems = text_problems(step.name, "审查环节名称", MAX_STEP_NAME)
            if problems:
                raise SignoffError("；".join(problems))
            if not isinstance(step.role, str) or not step.role.strip():
                raise SignoffError(f"审查环节“{step.name}”须指定负责审定的角色")
            if step.key in keys:
                raise SignoffError(f"审查环节代码 {step.key} 重复")
            if step.name.strip() in names:
                raise SignoffError(f"审查环节名称“{step.name}”重复")
            keys.add(step.key)
            names.add(step.name.strip())
        if all(s.important_only for s in steps):
            raise SignoffError("至少须有一个环节适用于所有信息（不能全部为“仅重要信息”）")
        object.__setattr__(self, "steps", steps)

    def applicable(self, important: bool) -> tuple[Step, ...]:
        """The steps a subject goes through: all of them when important, else those not ``important_only``."""
        return tuple(s for s in self.steps if important or not s.important_only)

    def step(self, key: str) -> Step | None:
        return next((s for s in self.steps if s.key == key), None)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (stored with every submission, so later chain edits do not change a running round)."""
        return {
            "steps": [
                {"key": s.key, "name": s.name, "role": s.role, "important_only": s.important_only} for s in self.steps
            ],
            "distinct_reviewers": self.distinct_reviewers,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Chain:
        """The chain stored by :meth:`to_dict`; :class:`SignoffError` when the data is damaged."""
        try:
            steps = tuple(
                Step(
                    key=str(s["key"]),
                    name=str(s["name"]),
                    role=str(s["role"]),
                    important_only=bool(s.get("important_only", False)),
                )
                for s in data["steps"]
            )
            distinct = bool(data.get("distinct_reviewers", False))
        except (KeyError, TypeError, AttributeError) as exc:
            raise SignoffError(f"无法读取审查流程：{exc}") from None
        return cls(steps=steps, distinct_reviewers=distinct)


#: The default chain (seed report of 八桥镇; regulation.md §10).
DEFAULT_CHAIN = Chain(
    steps=(
        Step("department", "承办科室审核", "reviewer"),
        Step("leader", "分管领导审定", "head"),
        Step("office", "办公室复核", "reviewer"),
        Step("principal", "主要领导审定", "head", important_only=True),
    )
)


# -- the state ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reviewer:
    """Who decides: an id (the caller's user id as text) and the role codes they hold in the subject's body."""

    id: str
    roles: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Record:
    """One decision: in ``round``, step ``step`` (its name kept for history), by ``reviewer`` at ``at``."""

    round: int
    step: str
    step_name: str
    reviewer: str
    decision: Decision
    opinion: str
    at: datetime


@dataclass(frozen=True, slots=True)
class SignoffState:
    chain: Chain
    drafter: str
    important: bool = False
    round: int = 0
    history: tuple[Record, ...] = field(default=())

    def __post_init__(self) -> None:
        if not isinstance(self.chain, Chain):
            raise SignoffError(f"需要 Chain，收到 {self.chain!r}")
        if not isinstance(self.drafter, str) or not self.drafter:
            raise SignoffError("须记录起草人")
        if isinstance(self.round, bool) or not isinstance(self.round, int) or self.round < 0:
            raise SignoffError(f"审查轮次无效：{self.round!r}")
        history = tuple(self.history)
        last_round = 0
        for record in history:
            if not isinstance(record, Record):
                raise SignoffError(f"审查记录必须是 Record，收到 {record!r}")
            if not 1 <= record.round <= self.round or record.round < last_round:
                raise SignoffError(f"审查记录的轮次 {record.round} 与当前轮次 {self.round} 不符")
            last_round = record.round
        object.__setattr__(self, "history", history)

    # -- derived ---------------------------------------------------------------------------------
    @property
    def steps(self) -> tuple[Step, ...]:
        """The steps that apply to this subject."""
        return self.chain.applicable(self.important)

    @property
    def current(self) -> tuple[Record, ...]:
        """The decisions of the current round, in order."""
        return tuple(r for r in self.history if r.round == self.round)

    @property
    def phase(self) -> Phase:
        if self.round == 0:
            return Phase.DRAFT
        current = self.current
        if current and current[-1].decision is Decision.REJECT:
            return Phase.DRAFT
        approved = {r.step for r in current if r.decision is Decision.APPROVE}
        if all(s.key in approved for s in self.steps):
            return Phase.COMPLETE
        return Phase.IN_REVIEW

    @property
    def complete(self) -> bool:
        return self.phase is Phase.COMPLETE

    @property
    def next_step(self) -> Step | None:
        """The step to decide now (None unless in review)."""
        if self.phase is not Phase.IN_REVIEW:
            return None
        approved = {r.step for r in self.current if r.decision is Decision.APPROVE}
        return next(s for s in self.steps if s.key not in approved)

    @property
    def returned(self) -> Record | None:
        """The rejection that returned the subject to its drafter (None unless returned and not resubmitted)."""
        current = self.current
        if current and current[-1].decision is Decision.REJECT:
            return current[-1]
        return None

    @property
    def completed_at(self) -> datetime | None:
        return self.current[-1].at if self.complete and self.current else None

    def progress(self) -> list[tuple[Step, Record | None]]:
        """Each applicable step with its decision in the current round (None when not decided yet)."""
        by_step = {r.step: r for r in self.current}
        return [(s, by_step.get(s.key)) for s in self.steps]

    def refusal(self, reviewer: Reviewer, step: str | None = None) -> str | None:
        """Why ``reviewer`` may not decide ``step`` (the next step by default) now; None when they may."""
        phase = self.phase
        if phase is Phase.DRAFT:
            return "尚未提交审查" if self.round == 0 else "已退回起草人修改，尚未重新提交"
        if phase is Phase.COMPLETE:
            return "审查已全部完成"
        nxt = self.next_step
        assert nxt is not None  # in review
        key = nxt.key if step is None else step
        if key != nxt.key:
            target = self.chain.step(key)
            if target is None or target not in self.steps:
                return f"“{key}”不是本事项的审查环节"
            if any(r.step == key and r.decision is Decision.APPROVE for r in self.current):
                return f"“{target.name}”本轮已经审定"
            return f"须按顺序审查：当前应由“{nxt.name}”环节审定"
        if reviewer.id == self.drafter:
            return "起草人不能审查本人起草的事项（一事一审，起草与审查分离）"
        if nxt.role not in reviewer.roles:
            return f"“{nxt.name}”须由本机关的{role_label(nxt.role)}审定"
        if self.chain.distinct_reviewers and any(r.reviewer == reviewer.id for r in self.current):
            return "本流程要求各环节由不同人员审定，您已审定本轮的其他环节"
        return None

    def can_decide(self, reviewer: Reviewer) -> bool:
        return self.refusal(reviewer) is None


# -- moves ----------------------------------------------------------------------------------------


def begin(chain: Chain, *, drafter: str, important: bool = False) -> SignoffState:
    """A subject not yet submitted."""
    return SignoffState(chain=chain, drafter=str(drafter), important=bool(important))


def _check_time(state: SignoffState, at: object) -> datetime:
    if not isinstance(at, datetime):
        raise SignoffError(f"审查时间必须是日期时间，收到 {at!r}")
    if state.history:
        last = state.history[-1].at
        try:
            earlier = at < last
        except TypeError:
            raise SignoffError("审查时间须统一带时区或统一不带时区") from None
        if earlier:
            raise SignoffError(f"审查时间 {at:%Y-%m-%d %H:%M} 早于上一次审查 {last:%Y-%m-%d %H:%M}")
    return at


def submit(
    state: SignoffState,
    *,
    by: str,
    at: datetime,
    chain: Chain | None = None,
    important: bool | None = None,
) -> SignoffState:
    """The drafter submits the subject (first time, or again after a rejection): a new round begins.

    ``chain``/``important`` replace the chain snapshot and the important flag for the new round."""
    if state.phase is not Phase.DRAFT:
        raise SignoffError("已在审查中或已审查完毕，不能重复提交" if state.round else "状态异常")
    if str(by) != state.drafter:
        raise SignoffError("只有起草人可以提交审查")
    _check_time(state, at)
    return replace(
        state,
        chain=state.chain if chain is None else chain,
        important=state.important if important is None else bool(important),
        round=state.round + 1,
    )


def decide(
    state: SignoffState,
    *,
    step: str,
    reviewer: Reviewer,
    decision: Decision | str,
    opinion: str = "",
    at: datetime,
) -> SignoffState:
    """``reviewer`` approves or rejects ``step`` at ``at``; :class:`SignoffError` when not allowed."""
    try:
        verdict = Decision(decision)
    except ValueError:
        raise SignoffError(f"未知的审查结论 {decision!r}（同意或退回）") from None
    if not isinstance(reviewer, Reviewer):
        raise SignoffError(f"需要 Reviewer，收到 {reviewer!r}")
    refusal = state.refusal(reviewer, step)
    if refusal is not None:
        raise SignoffError(refusal)
    text = (opinion or "").strip()
    if verdict is Decision.REJECT and not text:
        raise SignoffError("退回修改须写明理由")
    problems = text_problems(text, "审查意见", MAX_OPINION)
    if problems:
        raise SignoffError("；".join(problems))
    when = _check_time(state, at)
    target = state.next_step
    assert target is not None  # refusal() checked the phase
    record = Record(
        round=state.round,
        step=target.key,
        step_name=target.name,
        reviewer=reviewer.id,
        decision=verdict,
        opinion=text,
        at=when,
    )
    return replace(state, history=(*state.history, record))


def replay(chain: Chain, *, drafter: str, important: bool, round_no: int, history: Iterable[Record]) -> SignoffState:
    """Rebuild a state from stored fields, checking that the history could have happened: rounds in order, at
    most one rejection per round and nothing after it, and the current round's decisions following ``chain`` in
    order (earlier rounds may have run under another chain snapshot, so only their shape is checked)."""
    records = tuple(history)
    state = SignoffState(chain=chain, drafter=str(drafter), important=bool(important), round=round_no, history=records)
    by_round: dict[int, list[Record]] = {}
    for record in records:
        by_round.setdefault(record.round, []).append(record)
    for number, rows in by_round.items():
        if any(r.decision is Decision.REJECT for r in rows[:-1]):
            raise SignoffError(f"第 {number} 轮审查在退回之后还有审查记录")
    expected = [s.key for s in state.steps]
    current = [r.step for r in state.current]
    approved = [r.step for r in state.current if r.decision is Decision.APPROVE]
    if current[: len(approved)] != expected[: len(approved)] or len(current) > len(expected):
        raise SignoffError("本轮审查记录与审查流程的环节顺序不符")
    if len(current) > len(approved) and current[-1] != expected[len(approved)]:
        raise SignoffError("本轮审查记录与审查流程的环节顺序不符")
    return state
