"""Writing the audit trail (the only way rows get in)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, User

from xxgk.web.audit.codes import AuditCode
from xxgk.web.audit.models import AuditEvent
from xxgk.web.tenancy.models import Body


def audit_record(
    *,
    code: AuditCode,
    actor: User | AnonymousUser | None,
    body: Body | None = None,
    object_type: str = "",
    object_id: int | str = "",
    old: Any = None,
    new: Any = None,
    note: str = "",
) -> AuditEvent:
    """Append one audit event; the time is the server's (timezone-aware), never the caller's."""
    actor_obj = actor if isinstance(actor, User) else None
    return AuditEvent.objects.create(
        code=int(code),
        actor=actor_obj,
        body=body,
        object_type=object_type,
        object_id=str(object_id),
        old=old,
        new=new,
        note=note,
    )
