"""The editable fields of a registration and how an edit applies to the core :class:`Registration`.

The registration event's payload is never rewritten. A :class:`~xxgk.web.cases.models.CaseEdit` stores the fields
it changed (``new``) and their previous values (``old``), JSON-encoded like event payloads; the *effective*
registration is the stored one with every edit applied in order (:func:`registration_effective`).

The channel and the receipt facts are not edits: they decide the 收到申请之日 and the deadlines, and change only
through 确认收到申请 (:data:`NOT_EDITABLE`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from xxgk.core.errors import WorkflowError
from xxgk.core.outcomes import ApplicantType, DeliveryMethod, ProvisionForm
from xxgk.core.workflow import Registration
from xxgk.web.textguard import refuse, text_problems

#: field → label, in display order. ``applicant_*``/``id_document``/``contact``/``agent`` live on the applicant.
EDIT_FIELDS: dict[str, Any] = {
    "applicant_type": _("申请人类型"),
    "applicant_name": _("申请人姓名或名称"),
    "id_document": _("身份证明"),
    "contact": _("联系方式"),
    "agent": _("委托代理人"),
    "content": _("申请内容"),
    "requested_form": _("获取信息的形式"),
    "requested_delivery": _("获取信息的方式"),
}
_APPLICANT_FIELDS = {"applicant_type": "type", "applicant_name": "name", "id_document": "id_document"}
_APPLICANT_FIELDS |= {"contact": "contact", "agent": "agent"}
_REQUIRED_TEXT = {"applicant_name", "id_document", "contact", "content"}

#: Registration facts that are refused as edits (they go through 确认收到申请).
NOT_EDITABLE = frozenset(
    {
        "channel",
        "receipt",
        "received_on",
        "submitted_on",
        "signed_for_on",
        "arrived_on",
        "confirmed_on",
        "mailbox_received_on",
        "ordinary_mail",
        "addressed_elsewhere",
        "registered_on",
        "transcribed_by",
        "applicant_confirmed",
    }
)
NOT_AN_EDIT = "申请渠道和收到申请的日期不能通过修改登记信息更改（影响答复期限），请通过“确认收到申请”办理"
UNKNOWN_FIELD = "不能修改的登记项目：{fields}"
BAD_VALUE = "“{label}”的值无效：{value!r}"


def registration_values(reg: Registration) -> dict[str, Any]:
    """The editable values of ``reg`` (enums as enums, ``None`` for an unset form/delivery)."""
    a = reg.applicant
    return {
        "applicant_type": a.type,
        "applicant_name": a.name,
        "id_document": a.id_document,
        "contact": a.contact,
        "agent": a.agent,
        "content": reg.content,
        "requested_form": reg.requested_form,
        "requested_delivery": reg.requested_delivery,
    }


def coerce_value(field: str, value: object) -> Any:
    """``value`` as the type of ``field`` (strings stripped; ``""`` → ``None`` for form/delivery);
    :class:`WorkflowError` when it cannot be."""
    label = EDIT_FIELDS[field]
    try:
        if field == "applicant_type":
            return ApplicantType(str(value))
        if field in ("requested_form", "requested_delivery"):
            if value is None or value == "":
                return None
            return ProvisionForm(str(value)) if field == "requested_form" else DeliveryMethod(str(value))
    except ValueError:
        raise WorkflowError(BAD_VALUE.format(label=label, value=value)) from None
    if not isinstance(value, str):
        raise WorkflowError(BAD_VALUE.format(label=label, value=value))
    refuse(text_problems(value, str(label)), WorkflowError)  # a NUL character, which PostgreSQL refuses
    return value.strip()


def check_fields(fields: Iterable[str]) -> None:
    """Refuse receipt/channel changes and unknown fields with a clear message."""
    names = set(fields)
    if names & NOT_EDITABLE:
        raise WorkflowError(NOT_AN_EDIT)
    unknown = sorted(names - set(EDIT_FIELDS))
    if unknown:
        raise WorkflowError(UNKNOWN_FIELD.format(fields="、".join(unknown)))


def registration_with(reg: Registration, values: Mapping[str, Any]) -> Registration:
    """``reg`` with the editable ``values`` replaced (already coerced)."""
    applicant_changes = {_APPLICANT_FIELDS[k]: v for k, v in values.items() if k in _APPLICANT_FIELDS}
    other = {k: v for k, v in values.items() if k not in _APPLICANT_FIELDS}
    applicant = dataclasses.replace(reg.applicant, **applicant_changes)
    return dataclasses.replace(reg, applicant=applicant, **other)


def encode_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """JSON form of editable values (enum values, ``None`` kept)."""
    return {k: (getattr(v, "value", v)) for k, v in values.items()}


def decode_values(stored: Mapping[str, Any]) -> dict[str, Any]:
    """The values stored by :func:`encode_values` (unknown keys of a damaged row are ignored)."""
    return {k: coerce_value(k, v) for k, v in stored.items() if k in EDIT_FIELDS}


def registration_effective(reg: Registration, edits: Iterable[Mapping[str, Any]]) -> Registration:
    """``reg`` with each edit's ``new`` values applied, oldest first."""
    for new in edits:
        reg = registration_with(reg, decode_values(new))
    return reg


def display_value(field: str, value: Any) -> str:
    """A stored (encoded) value as shown to a user: enum labels, ``—`` for empty."""
    if value is None or value == "":
        return "—"
    try:
        if field == "applicant_type":
            return ApplicantType(value).full_label
        if field == "requested_form":
            return ProvisionForm(value).label
        if field == "requested_delivery":
            return DeliveryMethod(value).label
    except ValueError:
        return str(value)
    return str(value)


def required_text(field: str) -> bool:
    return field in _REQUIRED_TEXT
