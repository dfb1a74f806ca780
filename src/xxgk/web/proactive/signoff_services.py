"""Writes of the generic 保密审查 sign-off chain: submit a subject, decide a step, configure a body's chain.

The owner of a subject (the proactive item services; the application services for replies) calls
:func:`signoff_submit` / :func:`signoff_decide` **inside its own transaction, with its subject row locked**, checks
visibility itself (404), and maps the returned :class:`~xxgk.core.signoff.SignoffState` onto its own status
(``draft`` = returned to the drafter, ``complete`` = may be released). These services lock the sign-off row, ask
the core whether the move is allowed (:class:`~xxgk.core.signoff.SignoffError`, a Chinese message, otherwise),
append the decision row and write the audit trail **on the subject** (``object_type``/``object_id`` are the
subject's), so the subject's page shows the chain's events with its own.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from xxgk.core.signoff import Chain, Decision, Phase, SignoffError, SignoffState, begin, decide, submit
from xxgk.web.audit.codes import AuditCode
from xxgk.web.audit.services import audit_record
from xxgk.web.proactive.models import ChainKind, Signoff, SignoffChain, SignoffDecision
from xxgk.web.proactive.signoff_selectors import chain_for_body, reviewer_for, signoff_core
from xxgk.web.tenancy.models import Body, MemberRole
from xxgk.web.tenancy.selectors import NOT_FOUND, body_ids_visible, body_ids_working, roles_in_body

READ_ONLY = "您对该机关只有查看权限（上级机关监督），不能审查或修改"
CHAIN_EDITORS = (MemberRole.HEAD, MemberRole.ADMIN)
CHAIN_OBJECT_TYPE = "signoff_chain"


REPLY_ROLES = frozenset({MemberRole.REVIEWER.value, MemberRole.HEAD.value})


@dataclass(frozen=True)
class SubjectRef:
    """What the chain needs to know about a subject; ``chain_kind`` picks the body's chain
    (:class:`~xxgk.web.proactive.models.ChainKind`)."""

    type: str
    id: str
    body: Body
    drafter: User
    title: str
    important: bool = False
    chain_kind: str = ChainKind.ITEM


def _now(at: datetime | None) -> datetime:
    return timezone.now() if at is None else at


def _cache(row: Signoff, state: SignoffState) -> None:
    row.round = state.round
    row.phase = state.phase.value
    step = state.next_step
    row.next_step = step.key if step else ""
    row.next_role = step.role if step else ""


def signoff_submit(*, actor: User, subject: SubjectRef, at: datetime | None = None, note: str = "") -> SignoffState:
    """Submit ``subject`` for review (first time or after a rejection): a new round under the body's current
    chain of ``subject.chain_kind``. Only the subject's drafter may submit; when a returned subject has a new
    drafter (another clerk redrafted a returned reply), the new round is theirs. ``note`` goes to the audit."""
    when = _now(at)
    with transaction.atomic():
        chain = chain_for_body(body_id=subject.body.pk, kind=subject.chain_kind)
        row = Signoff.objects.select_for_update().filter(subject_type=subject.type, subject_id=subject.id).first()
        if row is None:
            row = Signoff(
                subject_type=subject.type,
                subject_id=subject.id,
                body=subject.body,
                drafter=subject.drafter,
                chain=chain.to_dict(),
            )
            state = begin(chain, drafter=str(subject.drafter.pk), important=subject.important)
        else:
            state = signoff_core(signoff=row)
            if row.drafter_id != subject.drafter.pk and state.phase is Phase.DRAFT:
                state = replace(state, drafter=str(subject.drafter.pk))
                row.drafter = subject.drafter
        new = submit(state, by=str(actor.pk), at=when, chain=chain, important=subject.important)
        row.title = subject.title[:300]
        row.important = new.important
        row.chain = new.chain.to_dict()
        row.submitted_at = when
        _cache(row, new)
        row.save()
        audit_record(
            code=AuditCode.SIGNOFF_SUBMITTED,
            actor=actor,
            body=subject.body,
            object_type=subject.type,
            object_id=subject.id,
            new={
                "round": new.round,
                "important": new.important,
                "steps": " → ".join(s.name for s in new.steps),
            },
            note=note,
        )
    return new


def signoff_decide(
    *,
    actor: User,
    subject_type: str,
    subject_id: int | str,
    step: str,
    decision: Decision | str,
    opinion: str = "",
    at: datetime | None = None,
) -> SignoffState:
    """``actor`` decides ``step`` of the subject's current round. PermissionDenied for a supervisor (read-only);
    :class:`~xxgk.core.signoff.SignoffError` when the core refuses (order, role, drafter, reason missing)."""
    when = _now(at)
    with transaction.atomic():
        row = (
            Signoff.objects.select_for_update()
            .select_related("body")
            .filter(subject_type=subject_type, subject_id=str(subject_id))
            .first()
        )
        if row is None:
            raise SignoffError("尚未提交审查")
        if row.body_id not in body_ids_working(user=actor):
            raise PermissionDenied(READ_ONLY)
        state = signoff_core(signoff=row)
        new = decide(
            state,
            step=step,
            reviewer=reviewer_for(user=actor, body_id=row.body_id),
            decision=decision,
            opinion=opinion,
            at=when,
        )
        record = new.history[-1]
        SignoffDecision.objects.create(
            signoff=row,
            round=record.round,
            step_key=record.step,
            step_name=record.step_name,
            reviewer=actor,
            decision=record.decision.value,
            opinion=record.opinion,
            decided_at=record.at,
        )
        old_phase = row.phase
        _cache(row, new)
        row.save()
        audit_record(
            code=AuditCode.SIGNOFF_APPROVED if record.decision is Decision.APPROVE else AuditCode.SIGNOFF_REJECTED,
            actor=actor,
            body=row.body,
            object_type=subject_type,
            object_id=str(subject_id),
            old={"phase": old_phase},
            new={
                "phase": new.phase.value,
                "round": record.round,
                "step": record.step_name,
                "decision": record.decision.label,
                "opinion": record.opinion,
            },
        )
        if new.phase is Phase.COMPLETE:
            audit_record(
                code=AuditCode.SIGNOFF_COMPLETED,
                actor=actor,
                body=row.body,
                object_type=subject_type,
                object_id=str(subject_id),
                new={"round": new.round, "steps": " → ".join(s.name for s in new.steps)},
            )
    return new


def check_chain_kind(*, kind: str, chain: Chain) -> None:
    """Refuse a chain that cannot sign off ``kind`` (:class:`~xxgk.core.signoff.SignoffError`): a reply's steps
    are decided by those the application workflow lets approve or return a reply (审核人、负责人), and replies are
    not marked important, so no reply step can be "important only"."""
    if kind != ChainKind.REPLY:
        return
    for step in chain.steps:
        if step.role not in REPLY_ROLES:
            raise SignoffError(f"答复审查环节“{step.name}”只能由审核人或负责人审定")
        if step.important_only:
            raise SignoffError(f"答复审查不区分重要信息，环节“{step.name}”不能设为“仅重要信息”")


def signoff_chain_save(*, actor: User, body_id: int, chain: Chain, kind: str = ChainKind.ITEM) -> SignoffChain:
    """Set ``body_id``'s chain of ``kind`` (its head or administrator only). Running rounds keep the chain they
    were submitted under; the new chain applies from the next submission."""
    if kind not in ChainKind.values:
        raise SignoffError(f"未知的审查流程类型 {kind!r}")
    label = ChainKind(kind).label
    with transaction.atomic():
        if body_id not in body_ids_visible(user=actor):
            raise Http404(NOT_FOUND)
        body = Body.objects.get(pk=body_id)
        if not roles_in_body(user=actor, body_id=body_id) & set(CHAIN_EDITORS):
            raise PermissionDenied("只有本机关的负责人或管理员可以修改保密审查流程")
        check_chain_kind(kind=kind, chain=chain)
        old = chain_for_body(body_id=body_id, kind=kind)
        row, _ = SignoffChain.objects.select_for_update().get_or_create(
            body=body, kind=kind, defaults={"definition": chain.to_dict()}
        )
        row.definition = chain.to_dict()
        row.save()
        audit_record(
            code=AuditCode.SIGNOFF_CHAIN_CHANGED,
            actor=actor,
            body=body,
            object_type=CHAIN_OBJECT_TYPE,
            object_id=body.pk,
            old={"kind": label, **_chain_text(old)},
            new={"kind": label, **_chain_text(chain)},
        )
    return row


def _chain_text(chain: Chain) -> dict[str, str]:
    return {
        "steps": " → ".join(
            f"{s.name}（{MemberRole(s.role).label if s.role in MemberRole.values else s.role}"
            f"{'，仅重要信息' if s.important_only else ''}）"
            for s in chain.steps
        ),
        "distinct_reviewers": "是" if chain.distinct_reviewers else "否",
    }
