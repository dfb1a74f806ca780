"""Building the core :class:`~xxgk.core.calendar.WorkCalendar` from the tables (cached per process)."""

from __future__ import annotations

import threading
from datetime import datetime

from django.db.models import Count, Max

from xxgk.core.calendar import DayOverride, WorkCalendar
from xxgk.web.workcalendar.models import CalendarDay, CalendarYear

CALENDAR_LABEL = "工作日日历（本系统）"

_lock = threading.Lock()
_cached: tuple[tuple[datetime | None, int], WorkCalendar] | None = None


def calendar_build() -> WorkCalendar:
    """The calendar as stored now (two queries, never cached)."""
    overrides = [
        DayOverride.from_row(day, working, kind, name, source)
        for day, working, kind, name, source in CalendarDay.objects.values_list(
            "day", "working", "kind", "name", "source"
        )
    ]
    years = CalendarYear.objects.filter(announced=True).values_list("year", flat=True)
    return WorkCalendar(overrides, [int(y) for y in years], label=CALENDAR_LABEL)


def calendar_revision() -> tuple[datetime | None, int]:
    """A stamp that changes whenever the calendar changes: every calendar service touches the year it edits."""
    agg = CalendarYear.objects.aggregate(last=Max("updated_at"), years=Count("year"))
    return agg["last"], int(agg["years"])


def calendar_get() -> WorkCalendar:
    """The current calendar, cached per process and rebuilt when :func:`calendar_revision` changes (one cheap
    query per call keeps every process, and a rolled-back test, consistent)."""
    global _cached  # noqa: PLW0603 - the process-wide cache
    stamp = calendar_revision()
    with _lock:
        if _cached is not None and _cached[0] == stamp:
            return _cached[1]
    calendar = calendar_build()
    with _lock:
        _cached = (stamp, calendar)
    return calendar


def calendar_invalidate() -> None:
    global _cached  # noqa: PLW0603 - the process-wide cache
    with _lock:
        _cached = None


def calendar_year_list() -> list[CalendarYear]:
    return list(CalendarYear.objects.order_by("-year"))


def calendar_day_list(*, year: int) -> list[CalendarDay]:
    return list(CalendarDay.objects.filter(day__year=year).order_by("day"))
