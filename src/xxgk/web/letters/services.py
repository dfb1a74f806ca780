"""Writes of letters and letter templates: each in one transaction, each audited.

* :func:`letter_generate` — fill the body's template of each letter a step of the case produces and keep the
  file with the case (a new version each time; earlier versions stay).
* :func:`letter_template_upload` / :func:`letter_template_reset` — a body's 管理员 or 负责人 replaces the template
  of a slot with an uploaded DOCX (checked by :func:`~xxgk.web.letters.docxfill.validate_template`; nothing is
  saved when it is refused) or restores the built-in one.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404

from xxgk.core.letters import LetterError, LetterFacts, LetterRequest, file_name, letter_requests, letter_values
from xxgk.core.workflow import Case as CoreCase
from xxgk.core.workflow import Status
from xxgk.web.audit.codes import AuditCode
from xxgk.web.audit.services import audit_record
from xxgk.web.cases.selectors import access_case_for_update, case_core, case_events
from xxgk.web.letters.docxfill import fill_docx, sanitize_template, validate_template
from xxgk.web.letters.models import Letter, LetterTemplate
from xxgk.web.letters.selectors import (
    ARCHIVED,
    NO_STAFF_ROLE,
    access_template_body_by_id,
    slot_or_404,
    template_effective,
)
from xxgk.web.tenancy.models import Body
from xxgk.web.tenancy.selectors import NOT_FOUND, workflow_roles_in_body
from xxgk.web.workcalendar.selectors import calendar_get

CASE_OBJECT = "case"
TEMPLATE_OBJECT = "letter_template"
NOT_A_LETTER_STEP = (
    "这一步骤不需要书面文书（可生成文书的步骤：登记、告知补正、征求意见、延期、要求说明理由、确定延迟答复期限、"
    "收费通知、答复）"
)
ALREADY_DEFAULT = "该文书已在使用默认模板"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _template_meta(row: LetterTemplate | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {
        "slot": row.slot,
        "version": row.version,
        "is_default": row.is_default,
        "sha256": row.sha256,
        "size": row.size,
        "filename": row.filename,
    }


def letter_generate(*, actor: User, case_id: int, event_seq: int) -> list[Letter]:
    """Generate the letters of step ``event_seq`` of case ``case_id`` (one per consulted party for a 征求意见函)
    and keep them with the case. The actor must work in the case's body as 经办人, 审核人 or 负责人: Http404 for
    another body's case or a missing step, PermissionDenied for supervisors (read-only)."""
    with transaction.atomic():
        case = access_case_for_update(actor, case_id)  # Http404 / PermissionDenied (read-only supervisor)
        if not workflow_roles_in_body(user=actor, body_id=case.body_id):
            raise PermissionDenied(NO_STAFF_ROLE)
        if case.status == Status.ARCHIVED.value:
            raise LetterError(ARCHIVED)
        rows = case_events(case=case)
        index = next((i for i, r in enumerate(rows) if r.seq == event_seq), None)
        if index is None:
            raise Http404(NOT_FOUND)
        core = case_core(case=case, events=rows)
        history = CoreCase(events=core.events[: index + 1])
        requests = letter_requests(history)
        if not requests:
            raise LetterError(NOT_A_LETTER_STEP)
        body = Body.objects.select_related("parent").get(pk=case.body_id)
        facts = LetterFacts(
            body_name=body.name,
            review_body=body.parent.name if body.parent is not None else "",
            case_number=case.number,
            history=history,
            calendar=calendar_get(),
        )
        return [
            _generate_one(actor=actor, case_id=case.pk, body=body, seq=event_seq, facts=facts, request=r)
            for r in requests
        ]


def _generate_one(
    *, actor: User, case_id: int, body: Body, seq: int, facts: LetterFacts, request: LetterRequest
) -> Letter:
    values = letter_values(request, facts)
    template, row = template_effective(body_id=body.pk, slot=request.slot)
    content = fill_docx(template, values)
    party = request.party[:200]
    earlier = Letter.objects.filter(case_id=case_id, event_seq=seq, slot=request.slot.code, party=party)
    version = earlier.count() + 1
    letter = Letter.objects.create(
        case_id=case_id,
        event_seq=seq,
        slot=request.slot.code,
        party=party,
        version=version,
        template=row,
        template_version=row.version if row is not None else 0,
        filename=file_name(facts.case_number, request, version),
        content=content,
        sha256=_sha256(content),
        size=len(content),
        created_by=actor,
    )
    audit_record(
        code=AuditCode.LETTER_GENERATED,
        actor=actor,
        body=body,
        object_type=CASE_OBJECT,
        object_id=case_id,
        new={
            "letter": letter.pk,
            "event_seq": seq,
            "slot": request.slot.code,
            "party": party,
            "version": version,
            "template_version": letter.template_version,
            "template_default": row is None or row.is_default,
            "filename": letter.filename,
            "sha256": letter.sha256,
            "size": letter.size,
        },
        note=request.label,
    )
    return letter


def _next_version(body: Body, slot_code: str) -> tuple[int, LetterTemplate | None]:
    current = LetterTemplate.objects.select_for_update().filter(body=body, slot=slot_code).order_by("-version").first()
    return (current.version + 1 if current is not None else 1), current


def letter_template_upload(
    *, actor: User, body_id: int, slot_code: str, filename: str, content: bytes
) -> LetterTemplate:
    """Make ``content`` the template of ``slot_code`` in ``body_id``. Refused with :class:`LetterError` (nothing
    saved) when it is not an acceptable DOCX or uses placeholders unknown or not available in that kind."""
    slot = slot_or_404(slot_code)
    with transaction.atomic():
        body = access_template_body_by_id(actor, body_id, manage=True)
        content, stripped = sanitize_template(content)
        validate_template(content, slot)
        Body.objects.select_for_update().get(pk=body.pk)  # serialise the versions of this body's templates
        version, current = _next_version(body, slot.code)
        row = LetterTemplate.objects.create(
            body=body,
            slot=slot.code,
            version=version,
            is_default=False,
            content=content,
            sha256=_sha256(content),
            size=len(content),
            filename=filename[:255],
            created_by=actor,
        )
        audit_record(
            code=AuditCode.LETTER_TEMPLATE_UPLOADED,
            actor=actor,
            body=body,
            object_type=TEMPLATE_OBJECT,
            object_id=f"{body.pk}/{slot.code}",
            old=_template_meta(current),
            new=_template_meta(row),
            note=slot.label + ("；已移除文档附加的外部Word模板链接" if stripped else ""),
        )
        return row


def letter_template_reset(*, actor: User, body_id: int, slot_code: str) -> LetterTemplate:
    """Restore the built-in template of ``slot_code`` in ``body_id`` (a new version; uploads stay on record)."""
    slot = slot_or_404(slot_code)
    with transaction.atomic():
        body = access_template_body_by_id(actor, body_id, manage=True)
        Body.objects.select_for_update().get(pk=body.pk)
        version, current = _next_version(body, slot.code)
        if current is None or current.is_default:
            raise LetterError(ALREADY_DEFAULT)
        row = LetterTemplate.objects.create(
            body=body, slot=slot.code, version=version, is_default=True, created_by=actor
        )
        audit_record(
            code=AuditCode.LETTER_TEMPLATE_RESET,
            actor=actor,
            body=body,
            object_type=TEMPLATE_OBJECT,
            object_id=f"{body.pk}/{slot.code}",
            old=_template_meta(current),
            new=_template_meta(row),
            note=slot.label,
        )
        return row
