"""Reading the audit trail."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from xxgk.web.audit.models import AuditEvent


@dataclass(frozen=True)
class AuditRow:
    """An audit event prepared for display: the fields that changed (old → new) and the rest as JSON."""

    event: AuditEvent
    changes: list[tuple[str, str, str]]
    detail: str


def _text(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _row(event: AuditEvent) -> AuditRow:
    old = event.old if isinstance(event.old, dict) else {}
    new = event.new if isinstance(event.new, dict) else {}
    changes = [
        (key, _text(old.get(key)), _text(new.get(key)))
        for key in dict.fromkeys([*old, *new])
        if key not in ("data",) and old.get(key) != new.get(key)
    ]
    extra = new.get("data") if isinstance(event.new, dict) else event.new
    return AuditRow(event=event, changes=changes, detail="" if extra is None else _text(extra))


def audit_list_for_object(*, object_type: str, object_id: int | str) -> list[AuditRow]:
    events = AuditEvent.objects.for_object(object_type, object_id).select_related("actor").order_by("created_at", "id")
    return [_row(e) for e in events]
