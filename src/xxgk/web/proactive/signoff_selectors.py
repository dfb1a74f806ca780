"""Reads of the generic 保密审查 sign-off chain: a body's chain, a subject's state, the decisions, and the
"my sign-off tasks" list across every kind of subject.

Kinds of subject register themselves with :func:`register_subject_type` (the proactive items do so in
:meth:`xxgk.web.proactive.apps.ProactiveConfig.ready`, the replies to applications as ``case_reply`` in
:meth:`xxgk.web.cases.apps.CasesConfig.ready`), so that the task list can name and link every subject without
knowing its model.

A body has one chain per :class:`~xxgk.web.proactive.models.ChainKind`: proactive items (default
:data:`~xxgk.core.signoff.DEFAULT_CHAIN`, four steps) and replies to applications (default
:data:`DEFAULT_REPLY_CHAIN`, one step by the reviewer — the review every reply always had).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Prefetch

from xxgk.core.signoff import (
    DEFAULT_CHAIN,
    Chain,
    Decision,
    Phase,
    Record,
    Reviewer,
    SignoffState,
    Step,
    replay,
)
from xxgk.web.proactive.models import ChainKind, Signoff, SignoffChain, SignoffDecision
from xxgk.web.tenancy.models import Membership
from xxgk.web.tenancy.selectors import AnyUser, body_ids_working, roles_in_body

#: The default chain of replies to applications: the reviewer's review (条例 Art 17; a body may add steps).
DEFAULT_REPLY_CHAIN = Chain(steps=(Step("review", "审核人审核", "reviewer"),))

_DEFAULT_CHAINS: dict[str, Chain] = {ChainKind.ITEM.value: DEFAULT_CHAIN, ChainKind.REPLY.value: DEFAULT_REPLY_CHAIN}


@dataclass(frozen=True)
class SubjectType:
    """A kind of subject: its code (``Signoff.subject_type``), a Chinese label, its page's URL by id, and
    optionally ``awaiting``: given subject ids, those still waiting for their review (a subject closed by its
    owner meanwhile, e.g. an application withdrawn while its reply was in review, leaves the task lists), and
    ``urls``: given subject ids, their pages' URLs at once (for a kind whose ``url`` needs a query, so that the
    task list does not run one per task; an id left out has no page)."""

    code: str
    label: str
    url: Callable[[str], str]
    awaiting: Callable[[list[str]], Iterable[str | int]] | None = None
    urls: Callable[[list[str]], Mapping[str, str]] | None = None

    def urls_of(self, subject_ids: list[str]) -> dict[str, str]:
        """Subject id → its page's URL (``""`` when it has none), from :attr:`urls` when the kind has it."""
        if self.urls is None:
            return {i: self.url(i) for i in subject_ids}
        found = self.urls(subject_ids)
        return {i: found.get(i, "") for i in subject_ids}


_SUBJECT_TYPES: dict[str, SubjectType] = {}


def register_subject_type(
    code: str,
    *,
    label: str,
    url: Callable[[str], str],
    awaiting: Callable[[list[str]], Iterable[str | int]] | None = None,
    urls: Callable[[list[str]], Mapping[str, str]] | None = None,
) -> None:
    """Declare a kind of subject (idempotent: registering the same code again replaces it)."""
    _SUBJECT_TYPES[code] = SubjectType(code=code, label=label, url=url, awaiting=awaiting, urls=urls)


def subject_type_get(code: str) -> SubjectType | None:
    return _SUBJECT_TYPES.get(code)


def default_chain(kind: str = ChainKind.ITEM) -> Chain:
    """The chain of ``kind`` for a body that configured none (ValueError for an unknown kind)."""
    try:
        return _DEFAULT_CHAINS[str(kind)]
    except KeyError:
        raise ValueError(f"unknown sign-off chain kind {kind!r}") from None


def chain_for_body(*, body_id: int, kind: str = ChainKind.ITEM) -> Chain:
    """The chain of ``kind`` that ``body_id`` configured, or the kind's default (:func:`default_chain`)."""
    default = default_chain(kind)
    row = SignoffChain.objects.filter(body_id=body_id, kind=str(kind)).first()
    return default if row is None else Chain.from_dict(row.definition)


def chain_is_default(*, body_id: int, kind: str = ChainKind.ITEM) -> bool:
    return not SignoffChain.objects.filter(body_id=body_id, kind=str(kind)).exists()


def signoff_for_subject(*, subject_type: str, subject_id: int | str) -> Signoff | None:
    return Signoff.objects.filter(subject_type=subject_type, subject_id=str(subject_id)).first()


def signoff_decisions(*, signoff: Signoff) -> list[SignoffDecision]:
    return list(signoff.decisions.select_related("reviewer").order_by("id"))


def _record(row: SignoffDecision) -> Record:
    return Record(
        round=row.round,
        step=row.step_key,
        step_name=row.step_name,
        reviewer=str(row.reviewer_id),
        decision=Decision(row.decision),
        opinion=row.opinion,
        at=row.decided_at,
    )


def signoff_core(*, signoff: Signoff, decisions: list[SignoffDecision] | None = None) -> SignoffState:
    """The core state rebuilt from the stored row and its decisions (checked by :func:`xxgk.core.signoff.replay`)."""
    rows = signoff_decisions(signoff=signoff) if decisions is None else decisions
    return replay(
        Chain.from_dict(signoff.chain),
        drafter=str(signoff.drafter_id),
        important=signoff.important,
        round_no=signoff.round,
        history=[_record(r) for r in rows],
    )


def signoff_state(*, subject_type: str, subject_id: int | str) -> SignoffState | None:
    """The subject's sign-off state; None when it was never submitted."""
    row = signoff_for_subject(subject_type=subject_type, subject_id=subject_id)
    return None if row is None else signoff_core(signoff=row)


def reviewer_for(*, user: AnyUser, body_id: int) -> Reviewer:
    """``user`` as a core :class:`~xxgk.core.signoff.Reviewer` of ``body_id`` (their role codes there)."""
    return Reviewer(id=str(user.pk or ""), roles=frozenset(r.value for r in roles_in_body(user=user, body_id=body_id)))


@dataclass(frozen=True)
class StepRow:
    step: Step
    decision: SignoffDecision | None


@dataclass(frozen=True)
class SignoffView:
    """Everything a page shows about a subject's review."""

    signoff: Signoff
    state: SignoffState
    steps: list[StepRow]  # the current round, every applicable step
    history: list[SignoffDecision]  # every decision of every round
    returned: SignoffDecision | None  # the rejection waiting for the drafter
    can_decide: bool
    refusal: str | None


def signoff_view(*, subject_type: str, subject_id: int | str, user: AnyUser) -> SignoffView | None:
    row = signoff_for_subject(subject_type=subject_type, subject_id=subject_id)
    if row is None:
        return None
    decisions = signoff_decisions(signoff=row)
    state = signoff_core(signoff=row, decisions=decisions)
    current = {d.step_key: d for d in decisions if d.round == state.round}
    steps = [StepRow(step=s, decision=current.get(s.key)) for s in state.steps]
    returned = decisions[-1] if state.returned is not None and decisions else None
    working = row.body_id in body_ids_working(user=user)
    refusal = state.refusal(reviewer_for(user=user, body_id=row.body_id)) if working else "您在本机关没有审查角色"
    return SignoffView(
        signoff=row,
        state=state,
        steps=steps,
        history=decisions,
        returned=returned,
        can_decide=working and refusal is None,
        refusal=refusal,
    )


@dataclass(frozen=True)
class SignoffTask:
    signoff: Signoff
    step_name: str
    kind: str
    url: str


def signoff_tasks(*, user: AnyUser) -> list[SignoffTask]:
    """The subjects whose next step ``user`` may decide now, oldest submission first."""
    if not user.is_authenticated:
        return []
    roles: dict[int, set[str]] = {}
    for body_id, role in Membership.objects.filter(user_id=user.pk).values_list("body_id", "role"):
        roles.setdefault(body_id, set()).add(role)
    if not roles:
        return []
    candidates = (
        Signoff.objects.filter(phase=Phase.IN_REVIEW.value, body_id__in=list(roles))
        .exclude(drafter_id=user.pk)
        .select_related("body")
        .prefetch_related(Prefetch("decisions", queryset=SignoffDecision.objects.order_by("id")))
        .order_by("submitted_at", "id")
    )
    rows = [row for row in candidates if row.next_role in roles[row.body_id]]
    closed: set[tuple[str, str]] = set()
    for code in {row.subject_type for row in rows}:
        kind = subject_type_get(code)
        if kind is None or kind.awaiting is None:
            continue
        ids = [row.subject_id for row in rows if row.subject_type == code]
        still = {str(i) for i in kind.awaiting(ids)}
        closed |= {(code, i) for i in ids if i not in still}
    due: list[tuple[Signoff, Step]] = []
    for row in rows:
        if (row.subject_type, row.subject_id) in closed:
            continue
        state = signoff_core(signoff=row, decisions=list(row.decisions.all()))  # prefetched: no query per row
        reviewer = Reviewer(id=str(user.pk), roles=frozenset(roles[row.body_id]))
        step = state.next_step
        if step is None or not state.can_decide(reviewer):
            continue
        due.append((row, step))
    urls: dict[tuple[str, str], str] = {}
    for code in {row.subject_type for row, _step in due}:
        kind = subject_type_get(code)
        if kind is not None:
            ids = [row.subject_id for row, _step in due if row.subject_type == code]
            urls |= {(code, i): url for i, url in kind.urls_of(ids).items()}
    tasks: list[SignoffTask] = []
    for row, step in due:
        kind = subject_type_get(row.subject_type)
        tasks.append(
            SignoffTask(
                signoff=row,
                step_name=step.name,
                kind=kind.label if kind else row.subject_type,
                url=urls.get((row.subject_type, row.subject_id), ""),
            )
        )
    return tasks


def user_for_id(user_id: str) -> User | None:
    return User.objects.filter(pk=int(user_id)).first() if user_id.isdigit() else None
