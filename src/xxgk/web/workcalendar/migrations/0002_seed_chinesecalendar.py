"""Seed the calendar from ``chinesecalendar`` (2004–2026) through the core factory; later years are entered by
administrators from the State Council notice."""

from __future__ import annotations

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from xxgk.core.calendar import calendar_from_chinesecalendar


def seed(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    day_model = apps.get_model("workcalendar", "CalendarDay")
    year_model = apps.get_model("workcalendar", "CalendarYear")
    national = calendar_from_chinesecalendar()
    present = set(day_model.objects.values_list("day", flat=True))
    day_model.objects.bulk_create(
        day_model(day=o.day, working=o.working, kind=o.kind.value, name=o.name, source=o.source)
        for o in national.overrides.values()
        if o.day not in present
    )
    known = set(year_model.objects.values_list("year", flat=True))
    year_model.objects.bulk_create(
        year_model(year=y, announced=True, source=national.label) for y in sorted(national.announced_years - known)
    )


class Migration(migrations.Migration):
    dependencies = [("workcalendar", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
