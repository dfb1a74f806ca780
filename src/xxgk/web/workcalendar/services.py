"""Editing the working-day calendar. Every change is logged; one that can move deadlines queues the background job
that recomputes the due dates of all open cases and items (``recompute_deadlines``, see :mod:`xxgk.web.jobs`)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.contrib.auth.models import User
from django.db import transaction

from xxgk.core.calendar import DayKind, DayOverride, WorkCalendar, calendar_from_chinesecalendar, diff
from xxgk.core.errors import CalendarError
from xxgk.web.audit.codes import AuditCode
from xxgk.web.audit.services import audit_record
from xxgk.web.textguard import checked_text
from xxgk.web.workcalendar.models import CalendarDay, CalendarYear
from xxgk.web.workcalendar.selectors import calendar_build

if TYPE_CHECKING:
    from xxgk.web.jobs.models import Job

OBJECT_TYPE = "calendar"

#: The longest name of a date (国庆节、某地方节日) and of a source notice, as stored.
NAME_MAX = CalendarDay._meta.get_field("name").max_length or 50
SOURCE_MAX = CalendarDay._meta.get_field("source").max_length or 300
YEAR_SOURCE_MAX = CalendarYear._meta.get_field("source").max_length or 300


def _text(value: str, label: str, limit: int) -> str:
    """``value`` stripped, or :class:`CalendarError` when it does not fit the column (PostgreSQL refuses a longer
    value with a database error) or holds a NUL character (refused by PostgreSQL in any text)."""
    return checked_text(value, label, limit, error=CalendarError)


def _touch_year(year: int) -> CalendarYear:
    obj, _created = CalendarYear.objects.get_or_create(year=year)
    obj.save()  # bumps updated_at: the cache revision
    return obj


def _after_change(*, actor: User | None, old: WorkCalendar, new: WorkCalendar) -> Job | None:
    """When the change can move deadlines, queue the job that recomputes every open deadline (applications and
    主动公开 items) and logs it (``DEADLINES_RECOMPUTED``); it runs after this transaction commits, on a worker or
    a background thread (synchronously in tests). Returns the job, or None when no deadline can move."""
    from xxgk.web.jobs.services import job_enqueue

    change = diff(old, new)
    if not change.affects_deadlines:
        return None
    lines = "；".join(change.describe())
    return job_enqueue(
        kind="recompute_deadlines",
        params={"reason": f"工作日日历变更：{lines}", "changes": list(change.describe())},
        actor=actor,
        body=None,
    )


def _day_json(row: CalendarDay | None) -> dict[str, object] | None:
    if row is None:
        return None
    return {
        "day": row.day.isoformat(),
        "working": row.working,
        "kind": row.kind,
        "name": row.name,
        "source": row.source,
    }


def calendar_day_save(*, actor: User, day: date, kind: DayKind, name: str = "", source: str = "") -> CalendarDay:
    """Add or change the entry of ``day`` (working flag follows the kind). :class:`CalendarError` when the name
    or the source is too long."""
    name = _text(name, "名称", NAME_MAX)
    source = _text(source, "来源通知", SOURCE_MAX)
    override = DayOverride(day=day, kind=DayKind(kind), name=name, source=source)
    with transaction.atomic():
        old_calendar = calendar_build()
        row = CalendarDay.objects.select_for_update().filter(day=day).first()
        old = _day_json(row)
        if row is None:
            row = CalendarDay(day=day)
        row.working = override.working
        row.kind = override.kind.value
        row.name = override.name
        row.source = override.source
        row.save()
        _touch_year(day.year)
        audit_record(
            code=AuditCode.CALENDAR_DAY_SAVED,
            actor=actor,
            object_type=OBJECT_TYPE,
            object_id=day.isoformat(),
            old=old,
            new=_day_json(row),
        )
        _after_change(actor=actor, old=old_calendar, new=calendar_build())
    return row


def calendar_day_delete(*, actor: User, day: date) -> None:
    """Remove the entry of ``day`` (it falls back to the weekday rule)."""
    with transaction.atomic():
        old_calendar = calendar_build()
        row = CalendarDay.objects.select_for_update().filter(day=day).first()
        if row is None:
            raise CalendarError(f"{day.isoformat()} 没有日历条目")
        old = _day_json(row)
        row.delete()
        _touch_year(day.year)
        audit_record(
            code=AuditCode.CALENDAR_DAY_DELETED,
            actor=actor,
            object_type=OBJECT_TYPE,
            object_id=day.isoformat(),
            old=old,
        )
        _after_change(actor=actor, old=old_calendar, new=calendar_build())


def calendar_year_set_announced(*, actor: User, year: int, announced: bool, source: str = "") -> CalendarYear:
    """Mark ``year``'s schedule announced (entered from the State Council notice) or not."""
    if not 1900 <= year <= 2200:
        raise CalendarError(f"年份 {year} 超出范围")
    source = _text(source, "依据", YEAR_SOURCE_MAX)
    with transaction.atomic():
        old_calendar = calendar_build()
        obj, _created = CalendarYear.objects.select_for_update().get_or_create(year=year)
        old = {"announced": obj.announced, "source": obj.source}
        obj.announced = announced
        if source:
            obj.source = source
        obj.save()
        audit_record(
            code=AuditCode.CALENDAR_YEAR_ANNOUNCED if announced else AuditCode.CALENDAR_YEAR_UNANNOUNCED,
            actor=actor,
            object_type=OBJECT_TYPE,
            object_id=str(year),
            old=old,
            new={"announced": obj.announced, "source": obj.source},
        )
        _after_change(actor=actor, old=old_calendar, new=calendar_build())
    return obj


def calendar_seed(*, actor: User | None = None) -> int:
    """Add the national calendar from ``chinesecalendar`` (2004–2026): every date and year not yet in the table
    (entries an administrator edited are kept). Returns the number of dates added."""
    national = calendar_from_chinesecalendar()
    with transaction.atomic():
        old_calendar = calendar_build()
        present = set(CalendarDay.objects.values_list("day", flat=True))
        rows = [
            CalendarDay(day=o.day, working=o.working, kind=o.kind.value, name=o.name, source=o.source)
            for o in national.overrides.values()
            if o.day not in present
        ]
        CalendarDay.objects.bulk_create(rows)
        known = set(CalendarYear.objects.values_list("year", flat=True))
        CalendarYear.objects.bulk_create(
            CalendarYear(year=y, announced=True, source=national.label)
            for y in sorted(national.announced_years - known)
        )
        if rows:
            for year in {r.day.year for r in rows}:
                _touch_year(year)
            audit_record(
                code=AuditCode.CALENDAR_SEEDED,
                actor=actor,
                object_type=OBJECT_TYPE,
                new={"days_added": len(rows)},
                note=national.describe(),
            )
            _after_change(actor=actor, old=old_calendar, new=calendar_build())
    return len(rows)
