"""Reads of letters and letter templates, and the access checks for them.

* Letters belong to a case: whoever may see the case (its body and the supervising bodies above) may list and
  download its letters (:func:`access_letter_by_id`); only staff of the case's own body (经办人, 审核人, 负责人)
  generate them (:func:`letters_can_generate`).
* Templates belong to a body: whoever sees the body may download them; its 管理员 or 负责人 upload and reset
  (:func:`access_template_body_by_id` with ``manage=True``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from xxgk.core.letters import SLOTS, LetterError, LetterRequest, LetterSlot, letter_requests, slot_from_code
from xxgk.core.workflow import Action, Status
from xxgk.core.workflow import Case as CoreCase
from xxgk.web.cases.models import Case
from xxgk.web.cases.selectors import case_core, case_events
from xxgk.web.letters.defaults import default_template
from xxgk.web.letters.models import Letter, LetterTemplate
from xxgk.web.tenancy.models import Body, MemberRole, Membership
from xxgk.web.tenancy.selectors import (
    NOT_FOUND,
    AnyUser,
    access_body_by_id,
    body_ids_visible,
    body_ids_working,
    roles_in_body,
    workflow_roles_in_body,
)

TEMPLATE_MANAGERS = (MemberRole.ADMIN, MemberRole.HEAD)
CANNOT_MANAGE = "只有本机关的管理员或政府信息公开工作机构负责人可以管理文书模板"
READ_ONLY = "您对该机关只有查看权限（上级机关监督），不能生成文书"
NO_STAFF_ROLE = "只有本机关的经办人、审核人或负责人可以生成文书"
ARCHIVED = "该申请已归档，不能再生成文书"


# -- templates --------------------------------------------------------------------------------------------


def template_bodies_managed(*, user: AnyUser) -> list[Body]:
    """The bodies whose templates ``user`` manages (管理员 or 负责人 there), by code."""
    if not user.is_authenticated:
        return []
    ids = Membership.objects.filter(user_id=user.pk, role__in=TEMPLATE_MANAGERS).values_list("body_id", flat=True)
    return list(Body.objects.filter(id__in=ids).order_by("code"))


def user_manages_templates(*, user: AnyUser, body_id: int) -> bool:
    return any(role in TEMPLATE_MANAGERS for role in roles_in_body(user=user, body_id=body_id))


def access_template_body_by_id(user: AnyUser, body_id: int, *, manage: bool = False) -> Body:
    """The body ``body_id`` for template pages: Http404 alike for missing and not-visible bodies; with ``manage``
    PermissionDenied unless ``user`` is 管理员 or 负责人 of that very body."""
    body = access_body_by_id(user, body_id)
    if manage and not user_manages_templates(user=user, body_id=body.pk):
        raise PermissionDenied(CANNOT_MANAGE)
    return body


def slot_or_404(code: str) -> LetterSlot:
    try:
        return slot_from_code(code)
    except LetterError:
        raise Http404(NOT_FOUND) from None


def _template_rows(body_id: int) -> QuerySet[LetterTemplate]:
    return LetterTemplate.objects.filter(body_id=body_id).select_related("created_by").defer("content")


def template_current(*, body_id: int, slot: LetterSlot) -> LetterTemplate | None:
    """The latest template row of ``(body, slot)`` (an upload or a reset), without its bytes; None: never changed."""
    return _template_rows(body_id).filter(slot=slot.code).order_by("-version").first()


def template_effective(*, body_id: int, slot: LetterSlot) -> tuple[bytes, LetterTemplate | None]:
    """The template bytes letters of ``slot`` are made from in ``body_id`` and the row they come from (None for
    the built-in template never changed; a row with ``is_default`` for a reset)."""
    row = LetterTemplate.objects.filter(body_id=body_id, slot=slot.code).order_by("-version").first()
    if row is None or row.is_default:
        return default_template(slot), row
    return bytes(row.content), row


def template_version_content(*, body_id: int, slot: LetterSlot, version: int) -> tuple[bytes, LetterTemplate]:
    """The bytes of one earlier version (Http404 when there is no such upload)."""
    row = LetterTemplate.objects.filter(body_id=body_id, slot=slot.code, version=version, is_default=False).first()
    if row is None:
        raise Http404(NOT_FOUND)
    return bytes(row.content), row


def template_history(*, body_id: int, slot: LetterSlot) -> list[LetterTemplate]:
    return list(_template_rows(body_id).filter(slot=slot.code).order_by("-version"))


@dataclass(frozen=True)
class TemplateRow:
    """One slot of a body's template list: the current row (None when the built-in template was never changed)."""

    slot: LetterSlot
    current: LetterTemplate | None

    @property
    def is_custom(self) -> bool:
        return self.current is not None and not self.current.is_default


def template_overview(*, body: Body) -> list[TemplateRow]:
    """Every slot with its current template in ``body`` (one query)."""
    latest: dict[str, LetterTemplate] = {}
    for row in _template_rows(body.pk).order_by("slot", "-version"):
        latest.setdefault(row.slot, row)
    return [TemplateRow(slot, latest.get(slot.code)) for slot in SLOTS]


# -- letters ------------------------------------------------------------------------------------------------


def _letters() -> QuerySet[Letter]:
    return Letter.objects.select_related("template", "created_by").defer("content", "template__content")


def access_letter_by_id(user: AnyUser, letter_id: int) -> Letter:
    """The letter ``letter_id`` with its bytes if ``user`` may see its case; Http404 alike otherwise."""
    try:
        return Letter.objects.select_related("case").get(pk=letter_id, case__body_id__in=body_ids_visible(user=user))
    except Letter.DoesNotExist:
        raise Http404(NOT_FOUND) from None


def letters_for_case(*, case: Case) -> list[Letter]:
    """The letters kept with ``case`` (without their bytes), by step, kind, party and newest version first."""
    return list(_letters().filter(case=case).order_by("event_seq", "slot", "party", "-version"))


def letters_can_generate(*, user: AnyUser, case: Case) -> bool:
    """Staff of the case's own body may generate letters (supervisors above read only); not once archived."""
    if case.status == Status.ARCHIVED.value:
        return False
    return case.body_id in body_ids_working(user=user) and bool(workflow_roles_in_body(user=user, body_id=case.body_id))


@dataclass
class LetterStep:
    """A step of the case's history that produces letters, with the letters generated for it so far."""

    seq: int
    on: date
    action: Action
    requests: tuple[LetterRequest, ...]
    letters: list[Letter] = field(default_factory=list)

    @property
    def labels(self) -> str:
        return "、".join(r.label for r in self.requests)


def letter_steps(*, case: Case) -> list[LetterStep]:
    """The steps of ``case`` that the law makes written, oldest first, each with its letters (newest first)."""
    rows = case_events(case=case)
    core = case_core(case=case, events=rows)
    steps: dict[int, LetterStep] = {}
    for index, row in enumerate(rows):
        requests = letter_requests(CoreCase(events=core.events[: index + 1]))
        if requests:
            steps[row.seq] = LetterStep(row.seq, row.on, Action(row.action), requests)
    for letter in letters_for_case(case=case):
        step = steps.get(letter.event_seq)
        if step is not None:
            step.letters.append(letter)
    return list(steps.values())
