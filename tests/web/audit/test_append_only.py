"""The audit trail is append-only: the ORM refuses changes, and so does the database (trigger)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from xxgk.web.audit.codes import AuditCode
from xxgk.web.audit.models import AppendOnlyError, AuditEvent
from xxgk.web.audit.services import audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def event() -> AuditEvent:
    return audit_record(code=AuditCode.CALENDAR_SEEDED, actor=None, object_type="calendar", new={"n": 1})


def test_record_is_timezone_aware_and_server_timed(event: AuditEvent) -> None:
    assert event.created_at.tzinfo is not None
    assert event.code_label == "导入全国工作日日历"


@pytest.mark.parametrize(
    "attempt",
    [
        lambda e: e.save(),
        lambda e: e.delete(),
        lambda e: AuditEvent.objects.filter(pk=e.pk).update(note="x"),
        lambda e: AuditEvent.objects.filter(pk=e.pk).delete(),
        lambda e: AuditEvent.objects.all().delete(),
        lambda e: AuditEvent.objects.bulk_update([e], ["note"]),
    ],
    ids=["save", "delete", "qs.update", "qs.delete", "all.delete", "bulk_update"],
)
def test_orm_refuses_every_change(event: AuditEvent, attempt: object) -> None:
    with pytest.raises(AppendOnlyError, match="只能追加"):
        attempt(event)  # type: ignore[operator]
    assert AuditEvent.objects.get(pk=event.pk).note == ""


@pytest.mark.parametrize("sql", ["UPDATE audit_auditevent SET note = 'x'", "DELETE FROM audit_auditevent"])
def test_database_refuses_raw_sql(event: AuditEvent, sql: str) -> None:
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert AuditEvent.objects.filter(pk=event.pk, note="").exists()


def test_codes_are_unique_and_grouped() -> None:
    values = [c.value for c in AuditCode]
    assert len(values) == len(set(values))
    assert all(100 <= v < 1000 for v in values)
    assert all(c.label != c.name for c in AuditCode)
