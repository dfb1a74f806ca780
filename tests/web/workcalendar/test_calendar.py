"""The stored calendar: seeded from chinesecalendar, built into the core WorkCalendar, edited by administrators;
every change recomputes open deadlines and is logged."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.web.conftest import registration
from xxgk.core.calendar import DayKind, add_working_days, calendar_from_chinesecalendar
from xxgk.web.audit.codes import AuditCode
from xxgk.web.audit.models import AuditEvent
from xxgk.web.cases.models import Case
from xxgk.web.cases.services import case_register
from xxgk.web.tenancy.models import Body
from xxgk.web.workcalendar.models import CalendarDay, CalendarYear
from xxgk.web.workcalendar.selectors import calendar_get
from xxgk.web.workcalendar.services import (
    calendar_day_delete,
    calendar_day_save,
    calendar_seed,
    calendar_year_set_announced,
)

pytestmark = pytest.mark.django_db


def test_the_migration_seeds_exactly_the_chinesecalendar_data() -> None:
    national = calendar_from_chinesecalendar()
    stored = calendar_get()
    assert dict(stored.overrides) == dict(national.overrides)
    assert stored.announced_years == national.announced_years
    assert not stored.is_announced(2027)
    assert calendar_seed() == 0  # idempotent


def test_cache_follows_changes(users: dict[str, User]) -> None:
    first = calendar_get()
    assert calendar_get() is first  # cached
    calendar_day_save(actor=users["qu_admin"], day=date(2026, 12, 31), kind=DayKind.LOCAL_HOLIDAY, name="测试")
    second = calendar_get()
    assert second is not first and not second.is_working_day(date(2026, 12, 31))


def test_unannounced_year_makes_the_deadline_provisional_and_announcing_recomputes(
    users: dict[str, User], org: dict[str, Body]
) -> None:
    case = case_register(
        actor=users["bq_clerk"],
        body_id=org["baqiao"].pk,
        registration=registration(submitted_on=date(2026, 12, 21)),
        on=date(2026, 12, 21),
    )
    assert case.answer_due is not None and case.answer_due.year == 2027
    assert case.due_provisional
    admin = users["qu_admin"]
    # the 2027 notice: 1 January is a holiday (a Friday) — entering it moves the deadline by one working day
    calendar_day_save(
        actor=admin,
        day=date(2027, 1, 1),
        kind=DayKind.HOLIDAY,
        name="元旦",
        source="国务院办公厅关于2027年部分节假日安排的通知",
    )
    calendar_year_set_announced(actor=admin, year=2027, announced=True, source="国办发明电〔2026〕X号")
    case.refresh_from_db()
    assert case.answer_due == add_working_days(date(2026, 12, 21), 20, calendar_get()).day
    assert not case.due_provisional
    codes = list(AuditEvent.objects.values_list("code", flat=True))
    assert AuditCode.CALENDAR_DAY_SAVED in codes and AuditCode.CALENDAR_YEAR_ANNOUNCED in codes
    assert AuditCode.DEADLINES_RECOMPUTED in codes
    recomputed = AuditEvent.objects.filter(code=AuditCode.CASE_DEADLINES_RECOMPUTED, object_id=str(case.pk))
    assert recomputed.count() == 2  # the holiday moved the date; the announcement cleared the provisional flag
    assert "2027-01-01" in recomputed.first().note  # type: ignore[union-attr]


def test_delete_restores_the_weekday_rule(users: dict[str, User]) -> None:
    calendar_day_delete(actor=users["qu_admin"], day=date(2026, 10, 1))
    assert calendar_get().is_working_day(date(2026, 10, 1))
    assert not CalendarDay.objects.filter(day=date(2026, 10, 1)).exists()


def test_only_calendar_admins_edit_through_the_pages(client: Client, users: dict[str, User]) -> None:
    url = "/calendar/2027/days/"
    data = {"day": "2027-01-01", "kind": "holiday", "name": "元旦", "source": "通知"}
    client.force_login(users["bq_clerk"])
    assert client.post(url, data).status_code == 403
    assert client.post("/calendar/2027/announce/", {"announced": "on"}).status_code == 403
    client.force_login(users["qu_admin"])
    assert client.post(url, data).status_code == 302
    assert CalendarDay.objects.get(day=date(2027, 1, 1)).working is False
    assert client.post("/calendar/2027/announce/", {"announced": "on", "source": "通知"}).status_code == 302
    assert CalendarYear.objects.get(year=2027).announced
    page = client.get("/calendar/2027/")
    assert page.status_code == 200 and "元旦" in page.content.decode()
    assert client.post("/calendar/day/2027-01-01/delete/").status_code == 302
    assert not CalendarDay.objects.filter(day=date(2027, 1, 1)).exists()


def test_day_form_rejects_a_date_of_another_year(client: Client, users: dict[str, User]) -> None:
    client.force_login(users["qu_admin"])
    response = client.post("/calendar/2027/days/", {"day": "2026-01-01", "kind": "holiday"}, follow=True)
    assert "日期须在 2027 年内" in response.content.decode()
    assert Case.objects.count() == 0


def test_names_and_sources_are_bounded_with_a_clear_message(users: dict[str, User]) -> None:
    """A name or source longer than its column is refused in Chinese before the database sees it (PostgreSQL would
    refuse it with a DataError: a 500); the longest that fits is saved whole."""
    from xxgk.core.errors import CalendarError
    from xxgk.web.workcalendar.services import NAME_MAX, SOURCE_MAX, YEAR_SOURCE_MAX

    admin, day = users["qu_admin"], date(2026, 12, 30)
    assert CalendarDay._meta.get_field("name").max_length == NAME_MAX
    with pytest.raises(CalendarError, match=f"名称最多 {NAME_MAX} 个字（现有 {NAME_MAX + 1} 个字）"):
        calendar_day_save(actor=admin, day=day, kind=DayKind.LOCAL_HOLIDAY, name="节" * (NAME_MAX + 1))
    with pytest.raises(CalendarError, match=f"来源通知最多 {SOURCE_MAX} 个字"):
        calendar_day_save(actor=admin, day=day, kind=DayKind.LOCAL_HOLIDAY, source="通" * (SOURCE_MAX + 1))
    with pytest.raises(CalendarError, match="控制字符"):
        calendar_day_save(actor=admin, day=day, kind=DayKind.LOCAL_HOLIDAY, name="国庆\x00节")
    assert not CalendarDay.objects.filter(day=day).exists()
    with pytest.raises(CalendarError, match=f"依据最多 {YEAR_SOURCE_MAX} 个字"):
        calendar_year_set_announced(actor=admin, year=2027, announced=True, source="通" * (YEAR_SOURCE_MAX + 1))
    assert not CalendarYear.objects.filter(year=2027, announced=True).exists()
    # surrounding spaces do not count; the longest that fits is stored whole
    row = calendar_day_save(
        actor=admin,
        day=day,
        kind=DayKind.LOCAL_HOLIDAY,
        name=f"  {'节' * NAME_MAX}  ",
        source="通" * SOURCE_MAX,
    )
    row.refresh_from_db()
    assert row.name == "节" * NAME_MAX and row.source == "通" * SOURCE_MAX
    year = calendar_year_set_announced(actor=admin, year=2027, announced=True, source="通" * YEAR_SOURCE_MAX)
    year.refresh_from_db()
    assert year.source == "通" * YEAR_SOURCE_MAX


def test_the_pages_refuse_too_long_text_in_chinese(client: Client, users: dict[str, User]) -> None:
    client.force_login(users["qu_admin"])
    data = {"day": "2026-12-30", "kind": "local_holiday", "name": "节" * 51, "source": ""}
    response = client.post("/calendar/2026/days/", data, follow=True)
    assert response.status_code == 200
    assert "未保存：名称（如 国庆节）：最多 50 个字（现有 51 个字）" in response.content.decode()
    assert not CalendarDay.objects.filter(day=date(2026, 12, 30)).exists()
    response = client.post("/calendar/2027/announce/", {"announced": "on", "source": "通" * 301}, follow=True)
    assert response.status_code == 200
    assert "未保存：依据（国务院办公厅通知）：最多 300 个字（现有 301 个字）" in response.content.decode()
    assert not CalendarYear.objects.filter(year=2027, announced=True).exists()
