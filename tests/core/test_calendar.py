"""The working-day calendar and working-day arithmetic.

Expected dates are independent facts: the State Council schedules (as listed in regulation.md §12 and
deps.md §(a)), hand counts over those schedules (spelled out beside each test), and ``chinese_calendar``'s own
functions — never values produced by the code under test.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xxgk.core.calendar import (
    CalendarError,
    DayKind,
    DayOverride,
    WorkCalendar,
    add_working_days,
    calendar_from_chinesecalendar,
    diff,
    provisional_reason,
    roll_forward,
    working_days_between,
)

CAL = calendar_from_chinesecalendar()
EMPTY = WorkCalendar()


def day(text: str) -> date:
    return date.fromisoformat(text)


# -- the chinesecalendar factory -------------------------------------------------------------------


def test_factory_agrees_with_chinesecalendar_on_every_day_2004_to_2026() -> None:
    d = date(2004, 1, 1)
    while d <= date(2026, 12, 31):
        assert CAL.is_working_day(d) == chinese_calendar.is_workday(d), d
        d += timedelta(days=1)


def test_factory_marks_2004_to_2026_announced_and_nothing_else() -> None:
    assert CAL.announced_years == frozenset(range(2004, 2027))
    assert not CAL.is_announced(2027)
    assert not CAL.is_announced(2003)


def test_factory_is_cached_and_labelled() -> None:
    assert calendar_from_chinesecalendar() is CAL
    assert "chinesecalendar 1.11.0" in CAL.label
    assert "2004–2026" in CAL.describe()


def test_2026_make_up_working_days_match_the_state_council_notice() -> None:
    # regulation.md §12 / deps.md §(a): 2026 调休上班日 1/4, 2/14, 2/28, 5/9, 9/20, 10/10.
    makeup = {o.day for o in CAL.overrides_in(2026) if o.kind is DayKind.MAKEUP_WORKDAY}
    assert makeup == {day("2026-01-04"), day("2026-02-14"), day("2026-02-28"), day("2026-05-09")} | {
        day("2026-09-20"),
        day("2026-10-10"),
    }
    info = CAL.day_info(day("2026-10-10"))
    assert info.working and info.kind is DayKind.MAKEUP_WORKDAY
    assert info.name == "国庆节"
    assert "2026年部分节假日安排" in info.source


def test_known_single_days_from_deps_md() -> None:
    assert CAL.is_working_day(day("2026-10-08"))  # Thursday after the 10/1–10/7 break
    assert not CAL.is_working_day(day("2026-10-07"))
    assert CAL.is_working_day(day("2026-12-31"))
    assert CAL.day_info(day("2026-10-01")).label == "法定节假日（国庆节）"
    assert (
        CAL.day_info(day("2026-10-01"))
        .describe()
        .startswith("2026-10-01（星期四）法定节假日（国庆节），来源：国务院办公厅")
    )
    assert DayOverride(day("2030-01-01"), DayKind.HOLIDAY).working is False
    assert CAL.unannounced_years(day("2027-01-02"), day("2026-12-01")) == ()
    assert CAL.unannounced_years(day("2026-12-01"), day("2028-01-02")) == (2027, 2028)


def test_in_lieu_days_and_special_sources() -> None:
    # 2026-01-02 (Friday) is given off in exchange for Sunday 2026-01-04.
    assert CAL.day_info(day("2026-01-02")).kind is DayKind.IN_LIEU
    assert "国办发明电〔2020〕1号" in CAL.day_info(day("2020-02-02")).source  # the 2020 春节 extension
    assert "70周年" in CAL.day_info(day("2015-09-03")).source


# -- counting convention and real holidays ----------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # regulation.md §12, examples computed with chinesecalendar (receipt day = day 0):
        ("2025-09-26", 7, "2025-10-13"),
        ("2025-09-26", 20, "2025-10-30"),  # naive Monday–Friday would give 10-24
        ("2026-02-06", 20, "2026-03-12"),  # naive: 03-06
        # just before 国庆 2024 (10/1–10/7 off, 9/29 and 10/12 worked): day 1 is 10/8
        ("2024-09-30", 1, "2024-10-08"),
        # just before 春节 2025 (1/28–2/4 off, 1/26 and 2/8 worked):
        # 2/5 d1, 2/6 d2, 2/7 d3, 2/8 (Sat, worked) d4, 2/10–14 d5–9, 2/17–21 d10–14, 2/24–28 d15–19, 3/3 d20
        ("2025-01-27", 20, "2025-03-03"),
        # a Saturday 调休上班日 counts: from Fri 2025-10-10, day 1 is Sat 10/11
        ("2025-10-10", 1, "2025-10-11"),
    ],
)
def test_add_working_days_over_real_schedules(start: str, n: int, expected: str) -> None:
    result = add_working_days(day(start), n, CAL)
    assert result.day == day(expected)
    assert not result.provisional
    assert result.reason == ""


def test_receipt_on_a_non_working_day_counts_from_the_next_working_day() -> None:
    # Received on Saturday 2025-10-04, inside the 国庆 break: the receipt day is day 0 whatever it is, so day 1
    # is the first working day after it, 10/9. Hand count: 10/9 d1, 10/10 d2, 10/11 (Sat, worked) d3,
    # 10/13–17 d4–8, 10/20–24 d9–13, 10/27–31 d14–18, 11/3 d19, 11/4 d20.
    assert add_working_days(day("2025-10-04"), 1, CAL).day == day("2025-10-09")
    assert add_working_days(day("2025-10-04"), 20, CAL).day == day("2025-11-04")


def test_chinesecalendar_find_workday_counts_the_same_only_from_a_working_day() -> None:
    # deps.md §(a): find_workday(20, 2026-09-20) -> 2026-10-23. 9/20 is a Sunday make-up working day, so both
    # conventions agree: 9/21–24 d1–4 (9/25 中秋), 9/28–30 d5–7, 10/8 d8, 10/9 d9, 10/10 d10, 10/12–16, 10/19–23.
    assert chinese_calendar.find_workday(20, date(2026, 9, 20)) == date(2026, 10, 23)
    assert add_working_days(date(2026, 9, 20), 20, CAL).day == date(2026, 10, 23)
    # From a non-working day find_workday first moves to the next working day and counts from there: one more.
    assert chinese_calendar.find_workday(20, date(2025, 10, 4)) == date(2025, 11, 5)
    assert add_working_days(date(2025, 10, 4), 20, CAL).day == date(2025, 11, 4)
    assert chinese_calendar.find_workday(19, date(2025, 10, 4)) == date(2025, 11, 4)


@settings(max_examples=300)
@given(st.dates(date(2004, 1, 1), date(2026, 10, 31)), st.integers(1, 40))
def test_convention_relative_to_find_workday(start: date, n: int) -> None:
    ours = add_working_days(start, n, CAL).day
    if chinese_calendar.is_workday(start):
        assert ours == chinese_calendar.find_workday(n, start)
    else:
        assert ours == chinese_calendar.find_workday(n - 1, start)


def test_zero_days_rolls_forward_to_a_working_day() -> None:
    assert add_working_days(day("2025-10-08"), 0, CAL).day == day("2025-10-09")  # 10/8 still 国庆
    assert add_working_days(day("2025-10-09"), 0, CAL).day == day("2025-10-09")
    assert roll_forward(day("2025-10-04"), CAL).day == day("2025-10-09")


def test_working_days_between_real_schedule() -> None:
    # (2025-09-26, 2025-10-13]: 9/28 (Sun, worked), 9/29, 9/30, 10/9, 10/10, 10/11 (Sat, worked), 10/13 = 7
    assert working_days_between(day("2025-09-26"), day("2025-10-13"), CAL) == 7
    assert working_days_between(day("2025-10-13"), day("2025-09-26"), CAL) == -7
    assert working_days_between(day("2025-10-01"), day("2025-10-08"), CAL) == 0
    assert working_days_between(day("2025-10-09"), day("2025-10-09"), CAL) == 0


# -- unannounced years ------------------------------------------------------------------------------


def test_deadline_into_unannounced_2027_is_provisional_with_reason() -> None:
    # regulation.md §12: received 2026-12-10 -> +20 wd falls in 2027, for which there is no schedule.
    # Weekday rule only: 12/11 d1, 12/14–18 d2–6, 12/21–25 d7–11, 12/28–31 d12–15, Fri 1/1 d16, 1/4–7 d17–20.
    result = add_working_days(day("2026-12-10"), 20, CAL)
    assert result.day == day("2027-01-07")
    assert result.provisional
    assert result.unannounced_years == (2027,)
    assert "2027年" in result.reason and "暂定" in result.reason and "周一至周五" in result.reason


def test_count_ending_inside_an_announced_year_is_final() -> None:
    result = add_working_days(day("2026-12-01"), 20, CAL)
    assert result.day == day("2026-12-29")
    assert not result.provisional


def test_announcing_the_year_removes_the_provisional_flag() -> None:
    # A hypothetical 2027 schedule, entered by an administrator: 1/1 (Fri) off.
    new_year = DayOverride(day("2027-01-01"), DayKind.HOLIDAY, "元旦", "测试用假设通知")
    cal2027 = CAL.with_year(2027, [new_year])
    result = add_working_days(day("2026-12-10"), 20, cal2027)
    assert not result.provisional
    assert result.day == day("2027-01-08")  # 1/1 no longer counts


def test_overrides_in_an_unannounced_year_are_used_but_stay_provisional() -> None:
    draft = CAL.with_year(2027, [DayOverride(day("2027-01-01"), DayKind.HOLIDAY, "元旦")], announced=False)
    result = add_working_days(day("2026-12-10"), 20, draft)
    assert result.day == day("2027-01-08")
    assert result.provisional


def test_provisional_reason_lists_year_ranges() -> None:
    assert provisional_reason([]) == ""
    assert provisional_reason([2028, 2027, 2030]).startswith("2027–2028、2030年")


# -- the value object -------------------------------------------------------------------------------


def test_weekday_rule_without_overrides() -> None:
    monday = day("2030-06-03")
    assert [EMPTY.is_working_day(monday + timedelta(days=i)) for i in range(7)] == [True] * 5 + [False] * 2
    info = EMPTY.day_info(day("2030-06-08"))
    assert (info.working, info.kind, info.label, info.announced) == (False, None, "周末", False)
    assert "星期六" in info.describe()


def test_calendar_is_immutable_and_has_value_semantics() -> None:
    a = WorkCalendar([DayOverride(day("2030-06-03"), DayKind.LOCAL_HOLIDAY, "某民族节日")], [2030], label="x")
    b = WorkCalendar([DayOverride(day("2030-06-03"), DayKind.LOCAL_HOLIDAY, "某民族节日")], [2030], label="x")
    assert a == b and hash(a) == hash(b)
    assert a != EMPTY
    assert a != "calendar"
    with pytest.raises(AttributeError):
        a.label = "y"  # type: ignore[misc]
    with pytest.raises(TypeError):
        a.overrides[day("2030-06-04")] = a.overrides[day("2030-06-03")]  # type: ignore[index]
    assert "overrides=1" in repr(a)


def test_layering_local_holidays_over_the_national_calendar() -> None:
    local = DayOverride(day("2026-03-20"), DayKind.LOCAL_HOLIDAY, "某民族节日", "某自治州人民政府通知")
    regional = CAL.with_overrides([local], label="某自治州工作日日历")
    assert not regional.is_working_day(day("2026-03-20"))
    assert CAL.is_working_day(day("2026-03-20"))
    assert regional.label == "某自治州工作日日历"
    assert regional.without([day("2026-03-20")]).is_working_day(day("2026-03-20"))
    # replacing an existing date
    worked = DayOverride(day("2026-10-07"), DayKind.MAKEUP_WORKDAY, "测试")
    assert CAL.with_overrides([worked]).is_working_day(day("2026-10-07"))


def test_with_year_replaces_exactly_that_year() -> None:
    cal = CAL.with_year(2026, [])
    assert cal.overrides_in(2026) == ()
    assert cal.overrides_in(2025) == CAL.overrides_in(2025)
    assert cal.is_working_day(day("2026-10-01"))  # weekday rule now
    assert cal.with_announced(2026, False).is_announced(2026) is False
    assert EMPTY.with_announced(2031).announced_years == frozenset({2031})
    with pytest.raises(CalendarError, match="其他年份"):
        CAL.with_year(2027, [DayOverride(day("2026-01-01"), DayKind.HOLIDAY)])


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda: WorkCalendar([DayOverride(date(2030, 1, 1), DayKind.HOLIDAY)] * 2),
            "出现了两次",
        ),
        (lambda: WorkCalendar(announced_years=[1800]), "1900–2200"),
        (lambda: WorkCalendar(announced_years=["2026"]), "整数"),  # type: ignore[list-item]
        (lambda: WorkCalendar(["2026-01-01"]), "DayOverride"),  # type: ignore[list-item]
        (lambda: DayOverride(datetime(2030, 1, 1, 8, 0), DayKind.HOLIDAY), "date"),  # noqa: DTZ001
        (lambda: DayOverride(date(2030, 1, 1), "holiday"), "未知的日期类型"),  # type: ignore[arg-type]
        (lambda: DayOverride.from_row(date(2030, 1, 1), True, "holiday"), "应为休息日"),
        (lambda: DayOverride.from_row(date(2030, 1, 5), False, "makeup_workday"), "应为工作日"),
        (lambda: DayOverride.from_row(date(2030, 1, 5), False, "weekend"), "未知的日期类型"),
        (lambda: CAL.with_overrides([DayOverride(date(2030, 1, 1), DayKind.HOLIDAY)] * 2), "两次"),
        (lambda: CAL.with_overrides(["x"]), "DayOverride"),  # type: ignore[list-item]
    ],
)
def test_bad_calendar_data_gets_a_clear_error(build: object, message: str) -> None:
    assert callable(build)
    with pytest.raises(CalendarError, match=message):
        build()


def test_from_row_accepts_consistent_rows() -> None:
    row = DayOverride.from_row(date(2030, 1, 5), True, "makeup_workday", "春节", "通知")
    assert row.working and row.kind is DayKind.MAKEUP_WORKDAY and row.source == "通知"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: add_working_days(date(2025, 1, 1), -1, CAL), "负数"),
        (lambda: add_working_days(date(2025, 1, 1), True, CAL), "整数"),
        (lambda: add_working_days(date(2025, 1, 1), 2.0, CAL), "整数"),  # type: ignore[arg-type]
        (lambda: add_working_days(date(2025, 1, 1), 10**6, CAL), "超出合理范围"),
        (lambda: add_working_days(datetime(2025, 1, 1), 1, CAL), "date"),  # noqa: DTZ001
        (lambda: add_working_days("2025-01-01", 1, CAL), "date"),  # type: ignore[arg-type]
        (lambda: add_working_days(date(2025, 1, 1), 1, None), "WorkCalendar"),  # type: ignore[arg-type]
        (lambda: working_days_between(date(2025, 1, 1), "x", CAL), "date"),  # type: ignore[arg-type]
        (lambda: CAL.is_working_day("2025-01-01"), "date"),  # type: ignore[arg-type]
        (lambda: diff(CAL, None), "WorkCalendar"),  # type: ignore[arg-type]
    ],
)
def test_bad_arguments_get_a_clear_error(call: object, message: str) -> None:
    assert callable(call)
    with pytest.raises(CalendarError, match=message):
        call()


# -- diff -------------------------------------------------------------------------------------------


def test_diff_of_a_one_off_holiday_names_the_date_and_moves_deadlines() -> None:
    # A hypothetical one-off closure on Friday 2026-10-09 (like 2015-09-03 or the 2020 春节 extension).
    one_off = DayOverride(day("2026-10-09"), DayKind.HOLIDAY, "临时调整", "国务院办公厅通知（假设）")
    new = CAL.with_overrides([one_off])
    change = diff(CAL, new)
    assert change.working_days_changed == (day("2026-10-09"),)
    assert change.affects_deadlines and bool(change)
    assert change.affects(day("2026-09-30"), day("2026-11-03"))
    assert not change.affects(day("2026-10-09"), day("2026-11-03"))  # the start day is day 0
    assert not change.affects(day("2026-10-12"), day("2026-11-30"))
    (line,) = change.describe()
    assert "2026-10-09（星期五）：工作日 → 休息日" in line and "假设" in line
    # Received Wed 2026-09-30: 10/8 d1, 10/9 d2, 10/10 (Sat, worked) d3, 10/12–16 d4–8, 10/19–23 d9–13,
    # 10/26–30 d14–18, 11/2 d19, 11/3 d20. Without 10/9 as a working day the deadline moves to 11/4.
    assert add_working_days(day("2026-09-30"), 20, CAL).day == day("2026-11-03")
    assert add_working_days(day("2026-09-30"), 20, new).day == day("2026-11-04")


def test_diff_of_metadata_only_does_not_affect_deadlines() -> None:
    old = CAL.override(day("2026-10-01"))
    assert old is not None
    renamed = DayOverride(old.day, old.kind, old.name, "更正后的来源")
    change = diff(CAL, CAL.with_overrides([renamed]))
    assert [c.day for c in change.days] == [day("2026-10-01")]
    assert not change.days[0].working_changed
    assert change.working_days_changed == ()
    assert not change.affects_deadlines
    assert "是否工作日不变" in change.describe()[0]


def test_diff_of_an_announcement() -> None:
    change = diff(CAL, CAL.with_announced(2027))
    assert change.announced == (2027,) and change.unannounced == () and change.days == ()
    assert change.affects_deadlines
    assert change.affects(day("2026-12-10"), day("2027-01-07"))
    assert not change.affects(day("2026-12-01"), day("2026-12-29"))
    assert change.describe() == ("2027年节假日安排标记为已公布",)
    back = diff(CAL.with_announced(2027), CAL)
    assert back.unannounced == (2027,)
    assert back.describe() == ("2027年节假日安排改为未公布",)


def test_diff_of_identical_calendars_is_empty() -> None:
    assert not diff(CAL, calendar_from_chinesecalendar())
    removed = diff(CAL, CAL.without([day("2026-10-10")]))
    assert removed.working_days_changed == (day("2026-10-10"),)  # a 调休上班日 reverting to a Saturday
    assert "工作日 → 休息日" in removed.describe()[0]


# -- properties -------------------------------------------------------------------------------------

_KINDS = st.sampled_from(list(DayKind))


@st.composite
def calendars(draw: st.DrawFn) -> WorkCalendar:
    days = draw(st.sets(st.dates(date(2024, 1, 1), date(2027, 12, 31)), max_size=60))
    overrides = [DayOverride(d, draw(_KINDS)) for d in sorted(days)]
    years = draw(st.sets(st.integers(2023, 2028)))
    return WorkCalendar(overrides, years)


START = st.dates(date(2023, 6, 1), date(2027, 6, 30))
ANY_CAL = st.one_of(st.just(CAL), calendars())


@given(ANY_CAL, START, st.integers(0, 60))
def test_result_is_always_a_working_day(cal: WorkCalendar, start: date, n: int) -> None:
    result = add_working_days(start, n, cal)
    assert cal.is_working_day(result.day)
    assert result.day >= start
    if n >= 1:
        assert result.day > start


@given(ANY_CAL, START, st.integers(1, 60))
def test_n_working_days_lie_between_start_and_result(cal: WorkCalendar, start: date, n: int) -> None:
    result = add_working_days(start, n, cal).day
    assert working_days_between(start, result, cal) == n
    # and the day before the result is one working day short
    assert working_days_between(start, result - timedelta(days=1), cal) == n - 1


@given(ANY_CAL, START, st.integers(0, 59), st.integers(1, 20))
def test_monotonic_in_n(cal: WorkCalendar, start: date, n: int, more: int) -> None:
    a = add_working_days(start, n, cal).day
    b = add_working_days(start, n + more, cal).day
    assert a < b if n >= 1 else a <= b


@given(ANY_CAL, START, st.integers(0, 40), st.integers(0, 40))
def test_monotonic_in_start(cal: WorkCalendar, start: date, shift: int, n: int) -> None:
    later = start + timedelta(days=shift)
    assert add_working_days(start, n, cal).day <= add_working_days(later, n, cal).day


@given(ANY_CAL, START, st.integers(1, 30), st.integers(1, 30))
def test_adding_in_two_steps_equals_adding_at_once(cal: WorkCalendar, start: date, a: int, b: int) -> None:
    middle = add_working_days(start, a, cal).day
    assert add_working_days(middle, b, cal).day == add_working_days(start, a + b, cal).day


@given(ANY_CAL, START, st.integers(0, 60))
def test_provisional_iff_a_counted_day_is_in_an_unannounced_year(cal: WorkCalendar, start: date, n: int) -> None:
    result = add_working_days(start, n, cal)
    first = start if n == 0 else start + timedelta(days=1)
    years = {first.year, result.day.year} | set(range(first.year, result.day.year + 1))
    expected = tuple(sorted(y for y in years if not cal.is_announced(y)))
    assert result.unannounced_years == expected
    assert result.provisional == bool(expected)
    assert bool(result.reason) == bool(expected)


@given(ANY_CAL, START, START)
def test_between_is_antisymmetric(cal: WorkCalendar, a: date, b: date) -> None:
    assert working_days_between(a, b, cal) == -working_days_between(b, a, cal)


@given(st.dates(date(2000, 1, 3), date(2040, 1, 1)), st.integers(0, 20))
def test_weekday_rule_five_working_days_a_week(start: date, weeks: int) -> None:
    assert working_days_between(start, start + timedelta(weeks=weeks), EMPTY) == 5 * weeks


@given(calendars(), calendars())
def test_diff_lists_exactly_the_dates_whose_status_differs(a: WorkCalendar, b: WorkCalendar) -> None:
    change = diff(a, b)
    d = date(2024, 1, 1)
    expected = []
    while d <= date(2027, 12, 31):
        if a.is_working_day(d) != b.is_working_day(d):
            expected.append(d)
        d += timedelta(days=1)
    assert list(change.working_days_changed) == expected
    assert set(change.announced) == set(b.announced_years - a.announced_years)
