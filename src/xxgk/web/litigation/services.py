"""Writes of review and litigation cases: create, edit, close, reopen, hearings. One transaction each, a working role
in the case's body required (a supervising body reads only), consistency checked by :mod:`xxgk.core.table4`, and an
audit event per write."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from xxgk.core.table4 import Remedy, RemedyError, RemedyKind, RemedyResult, remedy_errors
from xxgk.web.audit.codes import AuditCode
from xxgk.web.audit.services import audit_record
from xxgk.web.cases.models import Case
from xxgk.web.cases.selectors import access_case_by_id
from xxgk.web.litigation.models import Hearing, RemedyCase
from xxgk.web.tenancy.models import Body
from xxgk.web.tenancy.selectors import NOT_FOUND, body_ids_visible, body_ids_working
from xxgk.web.textguard import field_problems, refuse, text_problems

READ_ONLY = "您对该机关只有查看权限（上级机关监督），不能办理"
OBJECT_TYPE = "remedy"
#: The longest closing note and reopening reason (saved as the audit event's note; the forms say the same).
CLOSE_NOTE_MAX = 500
REOPEN_REASON_MAX = 500


@dataclass(frozen=True)
class RemedyData:
    kind: RemedyKind
    forum: str
    applicant: str
    filed_on: date
    number: str = ""
    note: str = ""
    case_ids: tuple[int, ...] = ()


def _d(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def snapshot(remedy: RemedyCase) -> dict[str, Any]:
    return {
        "kind": remedy.kind,
        "forum": remedy.forum,
        "number": remedy.number,
        "applicant": remedy.applicant,
        "filed_on": _d(remedy.filed_on),
        "result": remedy.result,
        "result_on": _d(remedy.result_on),
        "closed_on": _d(remedy.closed_on),
        "note": remedy.note,
        "cases": sorted(remedy.cases.values_list("number", flat=True)) if remedy.pk else [],
    }


def _core(remedy: RemedyCase) -> Remedy:
    return Remedy(
        kind=RemedyKind(remedy.kind),
        filed_on=remedy.filed_on,
        closed_on=remedy.closed_on,
        result=RemedyResult(remedy.result) if remedy.result else None,
        result_on=remedy.result_on,
    )


def _check(remedy: RemedyCase) -> None:
    errors = [message for _field, message in remedy_errors(_core(remedy))]
    today = timezone.localdate()
    for label, value in (
        ("申请（立案）日期", remedy.filed_on),
        ("结果日期", remedy.result_on),
        ("结案日期", remedy.closed_on),
    ):
        if value is not None and value > today:
            errors.append(f"{label}不能晚于今天")
    if not remedy.forum.strip():
        errors.append("请填写复议机关或法院")
    if not remedy.applicant.strip():
        errors.append("请填写申请人或原告")
    texts = {name: getattr(remedy, name) for name in ("forum", "number", "applicant", "note")}
    errors.extend(field_problems(RemedyCase, texts))  # PostgreSQL would refuse them: a 500, not a message
    if errors:
        raise RemedyError("；".join(errors))


def _body_for_write(actor: User, body_id: int) -> Body:
    if body_id not in body_ids_visible(user=actor):
        raise Http404(NOT_FOUND)
    if body_id not in body_ids_working(user=actor):
        raise PermissionDenied(READ_ONLY)
    return Body.objects.get(pk=body_id)


def _remedy_for_update(actor: User, remedy_id: int) -> RemedyCase:
    try:
        remedy = (
            RemedyCase.objects.select_for_update()
            .select_related("body")
            .get(pk=remedy_id, body_id__in=body_ids_visible(user=actor))
        )
    except RemedyCase.DoesNotExist:
        raise Http404(NOT_FOUND) from None
    if remedy.body_id not in body_ids_working(user=actor):
        raise PermissionDenied(READ_ONLY)
    return remedy


def _linked_cases(actor: User, body_id: int, case_ids: Sequence[int]) -> list[Case]:
    """The applications to link: each must be visible to ``actor`` (Http404 otherwise, as for a missing one) and
    belong to the case's own body."""
    cases = []
    for case_id in dict.fromkeys(case_ids):
        case = access_case_by_id(actor, case_id)
        if case.body_id != body_id:
            raise RemedyError(f"申请 {case.number} 不属于本机关，不能关联")
        cases.append(case)
    return cases


def _fill(remedy: RemedyCase, data: RemedyData) -> None:
    remedy.kind = data.kind.value
    remedy.forum = data.forum.strip()
    remedy.number = data.number.strip()
    remedy.applicant = data.applicant.strip()
    remedy.filed_on = data.filed_on
    remedy.note = data.note.strip()


def remedy_create(*, actor: User, body_id: int, data: RemedyData) -> RemedyCase:
    """Register a 复议 or 诉讼 case of ``body_id``, linked to applications of that body."""
    with transaction.atomic():
        body = _body_for_write(actor, body_id)
        remedy = RemedyCase(body=body, created_by=actor)
        _fill(remedy, data)
        _check(remedy)
        cases = _linked_cases(actor, body.pk, data.case_ids)
        remedy.save()
        remedy.cases.set(cases)
        audit_record(
            code=AuditCode.REMEDY_CREATED,
            actor=actor,
            body=body,
            object_type=OBJECT_TYPE,
            object_id=remedy.pk,
            new=snapshot(remedy),
        )
        return remedy


def remedy_update(*, actor: User, remedy_id: int, data: RemedyData) -> RemedyCase:
    """Correct the facts of a case (kind, forum, number, parties, filing date, linked applications, note)."""
    with transaction.atomic():
        remedy = _remedy_for_update(actor, remedy_id)
        old = snapshot(remedy)
        _fill(remedy, data)
        _check(remedy)
        cases = _linked_cases(actor, remedy.body_id, data.case_ids)
        remedy.save()
        remedy.cases.set(cases)
        new = snapshot(remedy)
        if new != old:
            audit_record(
                code=AuditCode.REMEDY_EDITED,
                actor=actor,
                body=remedy.body,
                object_type=OBJECT_TYPE,
                object_id=remedy.pk,
                old=old,
                new=new,
            )
        return remedy


def remedy_close(
    *, actor: User, remedy_id: int, result: RemedyResult, closed_on: date, result_on: date | None = None, note: str = ""
) -> RemedyCase:
    """Record the final result and close the case (counted in its result column from the year of ``closed_on``).
    ``note`` goes into the audit trail."""
    text = note.strip()
    refuse(text_problems(text, "结案说明", CLOSE_NOTE_MAX), RemedyError)  # PostgreSQL refuses a NUL: a 500
    with transaction.atomic():
        remedy = _remedy_for_update(actor, remedy_id)
        if remedy.closed_on is not None:
            raise RemedyError("该案件已结案；如需更正，请先撤销结案登记")
        old = snapshot(remedy)
        remedy.result = result.value
        remedy.result_on = result_on
        remedy.closed_on = closed_on
        _check(remedy)
        remedy.save()
        audit_record(
            code=AuditCode.REMEDY_CLOSED,
            actor=actor,
            body=remedy.body,
            object_type=OBJECT_TYPE,
            object_id=remedy.pk,
            old=old,
            new=snapshot(remedy),
            note=text,
        )
        return remedy


def remedy_reopen(*, actor: User, remedy_id: int, reason: str) -> RemedyCase:
    """Undo a closing recorded by mistake (the result stays as a draft until the case is closed again). ``reason``
    goes into the audit trail."""
    text = reason.strip()
    with transaction.atomic():
        remedy = _remedy_for_update(actor, remedy_id)
        if remedy.closed_on is None:
            raise RemedyError("该案件尚未结案")
        if not text:
            raise RemedyError("请说明撤销结案登记的原因")
        refuse(text_problems(text, "撤销结案登记的原因", REOPEN_REASON_MAX), RemedyError)
        old = snapshot(remedy)
        remedy.closed_on = None
        remedy.save()
        audit_record(
            code=AuditCode.REMEDY_REOPENED,
            actor=actor,
            body=remedy.body,
            object_type=OBJECT_TYPE,
            object_id=remedy.pk,
            old=old,
            new=snapshot(remedy),
            note=text,
        )
        return remedy


def hearing_add(*, actor: User, remedy_id: int, on: date, note: str = "") -> Hearing:
    with transaction.atomic():
        remedy = _remedy_for_update(actor, remedy_id)
        if on < remedy.filed_on:
            raise RemedyError("开庭（听证）日期不能早于申请（立案）日期")
        hearing = Hearing(remedy=remedy, on=on, note=note.strip())
        refuse(field_problems(Hearing, {"note": hearing.note}), RemedyError)
        hearing.save()
        audit_record(
            code=AuditCode.REMEDY_HEARING_ADDED,
            actor=actor,
            body=remedy.body,
            object_type=OBJECT_TYPE,
            object_id=remedy.pk,
            new={"on": _d(on), "note": hearing.note},
        )
        return hearing


def hearing_delete(*, actor: User, hearing_id: int) -> RemedyCase:
    with transaction.atomic():
        try:
            hearing = Hearing.objects.get(pk=hearing_id, remedy__body_id__in=body_ids_visible(user=actor))
        except Hearing.DoesNotExist:
            raise Http404(NOT_FOUND) from None
        remedy = _remedy_for_update(actor, hearing.remedy_id)
        old = {"on": _d(hearing.on), "note": hearing.note}
        hearing.delete()
        audit_record(
            code=AuditCode.REMEDY_HEARING_DELETED,
            actor=actor,
            body=remedy.body,
            object_type=OBJECT_TYPE,
            object_id=remedy.pk,
            old=old,
        )
        return remedy
