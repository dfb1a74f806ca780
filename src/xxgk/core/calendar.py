"""The working-day calendar (工作日) and working-day arithmetic for statutory deadlines.

The 条例 counts its periods in 工作日 without defining the word; practice (e.g. 《行政许可法》第八十二条
"以工作日计算，不含法定节假日") is: every Monday–Friday is a working day, except the statutory holidays and the
weekdays given off in exchange (调休), **plus** the weekend days the State Council designates as make-up working
days (调休上班日). The schedule of each year is published by the 国务院办公厅 in its notice
《关于YYYY年部分节假日安排的通知》 (usually October–December of the year before), and one-off changes happen
(2015-09-03; the 2020 春节 extension by 国办发明电〔2020〕1号), so the calendar is *data* that administrators edit.

A :class:`WorkCalendar` is an immutable value: a set of per-date overrides of the weekday rule
(:class:`DayOverride`: date, :class:`DayKind`, holiday name, source notice) plus the set of years whose schedule
has been announced and entered. A date without an override follows the weekday rule.

Counting convention (used by :func:`add_working_days` and :func:`working_days_between`)
---------------------------------------------------------------------------------------
"自收到申请之日起 N 个工作日内": the start day is **day 0** and never counts, whatever kind of day it is (民法典
第二百零一条: 开始的当日不计入); the first working day *after* it is day 1; the deadline is working day N. The
deadline therefore always lands on a working day. ``add_working_days(start, 0, ...)`` is the first working day on
or after ``start`` (a deadline "today" that falls on a holiday moves to the next working day).

``chinese_calendar.find_workday(n, start)`` uses the same counting when ``start`` is a working day; when
``start`` is not, it first moves to the next working day and counts from there, which gives one working day more
than this module (see the tests).

Unannounced years
-----------------
A count that touches a day of a year whose schedule is not announced is still computed — on the overrides entered
so far and the weekday rule — but the result carries ``provisional=True`` and a Chinese reason, so that it is
never shown as if it were final. When the year is announced the caller recomputes (see :func:`diff`).

The only third-party data is ``chinesecalendar`` (import name ``chinese_calendar``, data 2004–2026); it is
imported lazily inside :func:`calendar_from_chinesecalendar` and nowhere else.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import cache
from types import MappingProxyType

from xxgk.core.errors import CalendarError

#: Largest number of working days :func:`add_working_days` accepts (about 40 years); anything larger is a bug.
MAX_WORKING_DAYS = 10_000

_ONE_DAY = timedelta(days=1)
_WEEKDAY_NAMES = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")


class DayKind(StrEnum):
    """Why a date departs from the weekday rule."""

    HOLIDAY = "holiday"  # 法定节假日放假 (including the weekend days inside a holiday break)
    IN_LIEU = "in_lieu"  # 调休放假: a Monday–Friday given off in exchange for a make-up working day
    MAKEUP_WORKDAY = "makeup_workday"  # 调休上班: a weekend day that is a working day
    LOCAL_HOLIDAY = "local_holiday"  # 地方性假日 (e.g. 少数民族节日 set by a local government)

    @property
    def label(self) -> str:
        return _DAY_KIND_LABELS[self]

    @property
    def working(self) -> bool:
        """Whether a day of this kind is a working day."""
        return self is DayKind.MAKEUP_WORKDAY


_DAY_KIND_LABELS: dict[DayKind, str] = {
    DayKind.HOLIDAY: "法定节假日",
    DayKind.IN_LIEU: "调休放假",
    DayKind.MAKEUP_WORKDAY: "调休上班日",
    DayKind.LOCAL_HOLIDAY: "地方性假日",
}


def _check_date(value: object, what: str) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise CalendarError(f"{what}必须是日期（date），收到 {value!r}")
    return value


@dataclass(frozen=True, slots=True)
class DayOverride:
    """One row of the calendar table: a date that departs from the weekday rule.

    ``name`` is the holiday's name (国庆节, 春节 …); ``source`` the notice the row comes from, e.g.
    ``国务院办公厅关于2026年部分节假日安排的通知``.
    """

    day: date
    kind: DayKind
    name: str = ""
    source: str = ""

    def __post_init__(self) -> None:
        _check_date(self.day, "日历条目的日期")
        if not isinstance(self.kind, DayKind):
            raise CalendarError(f"{self.day.isoformat()}：未知的日期类型 {self.kind!r}")

    @property
    def working(self) -> bool:
        return self.kind.working

    @classmethod
    def from_row(cls, day: date, working: bool, kind: str | DayKind, name: str = "", source: str = "") -> DayOverride:
        """Build an override from a stored row ``(date, working?, kind, name, source)``, checking that the
        working flag agrees with the kind (a 调休上班日 is a working day, every other kind is not)."""
        try:
            day_kind = DayKind(kind)
        except ValueError:
            known = "、".join(f"{k.value}（{k.label}）" for k in DayKind)
            raise CalendarError(f"{day}：未知的日期类型 {kind!r}，应为 {known}") from None
        override = cls(day=day, kind=day_kind, name=name, source=source)
        if bool(working) != override.working:
            expected = "工作日" if override.working else "休息日"
            raise CalendarError(f"{day.isoformat()}：类型为“{day_kind.label}”的日期应为{expected}")
        return override


@dataclass(frozen=True, slots=True)
class DayInfo:
    """Everything the calendar says about one date."""

    day: date
    working: bool
    kind: DayKind | None  # None: the date follows the weekday rule
    name: str
    source: str
    announced: bool  # whether the date's year has an announced schedule

    @property
    def label(self) -> str:
        """A short Chinese description: 工作日, 周末, 法定节假日（国庆节）, 调休上班日（春节）…"""
        if self.kind is None:
            return "工作日" if self.working else "周末"
        return f"{self.kind.label}（{self.name}）" if self.name else self.kind.label

    def describe(self) -> str:
        text = f"{self.day.isoformat()}（{_WEEKDAY_NAMES[self.day.weekday()]}）{self.label}"
        if self.source:
            text += f"，来源：{self.source}"
        return text


class WorkCalendar:
    """An immutable working-day calendar: per-date overrides of the weekday rule and the announced years.

    >>> cal = WorkCalendar([DayOverride(date(2026, 10, 1), DayKind.HOLIDAY, "国庆节")], announced_years=[2026])
    >>> cal.is_working_day(date(2026, 10, 1)), cal.is_working_day(date(2026, 10, 9))
    (False, True)
    """

    __slots__ = ("_announced", "_by_day", "_label")

    _by_day: Mapping[date, DayOverride]
    _announced: frozenset[int]
    _label: str

    def __init__(
        self, overrides: Iterable[DayOverride] = (), announced_years: Iterable[int] = (), *, label: str = ""
    ) -> None:
        by_day: dict[date, DayOverride] = {}
        for override in overrides:
            if not isinstance(override, DayOverride):
                raise CalendarError(f"日历条目必须是 DayOverride，收到 {override!r}")
            if override.day in by_day:
                raise CalendarError(f"{override.day.isoformat()} 在日历中出现了两次")
            by_day[override.day] = override
        years: set[int] = set()
        for year in announced_years:
            if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2200:
                raise CalendarError(f"已公布年份必须是 1900–2200 之间的整数，收到 {year!r}")
            years.add(year)
        object.__setattr__(self, "_by_day", MappingProxyType(dict(sorted(by_day.items()))))
        object.__setattr__(self, "_announced", frozenset(years))
        object.__setattr__(self, "_label", label)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("WorkCalendar is immutable; use with_overrides / with_year / with_announced")

    # -- value semantics -----------------------------------------------------------------------
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, WorkCalendar):
            return NotImplemented
        return (self._by_day, self._announced, self._label) == (other._by_day, other._announced, other._label)

    def __hash__(self) -> int:
        return hash((tuple(self._by_day.values()), self._announced, self._label))

    def __repr__(self) -> str:
        return (
            f"WorkCalendar(label={self._label!r}, overrides={len(self._by_day)}, "
            f"announced={_year_ranges(self._announced) or '-'})"
        )

    # -- data ----------------------------------------------------------------------------------
    @property
    def label(self) -> str:
        return self._label

    @property
    def overrides(self) -> Mapping[date, DayOverride]:
        """Date -> override, in date order (read-only)."""
        return self._by_day

    @property
    def announced_years(self) -> frozenset[int]:
        return self._announced

    def is_announced(self, year: int) -> bool:
        """Whether the schedule of ``year`` has been announced and entered."""
        return year in self._announced

    def override(self, day: date) -> DayOverride | None:
        return self._by_day.get(day)

    def overrides_in(self, year: int) -> tuple[DayOverride, ...]:
        return tuple(o for d, o in self._by_day.items() if d.year == year)

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` is a working day: its override if it has one, else Monday–Friday."""
        _check_date(day, "日期")
        override = self._by_day.get(day)
        if override is not None:
            return override.working
        return day.weekday() < 5

    def day_info(self, day: date) -> DayInfo:
        _check_date(day, "日期")
        override = self._by_day.get(day)
        announced = day.year in self._announced
        if override is None:
            return DayInfo(day, day.weekday() < 5, None, "", "", announced)
        return DayInfo(day, override.working, override.kind, override.name, override.source, announced)

    def unannounced_years(self, first: date, last: date) -> tuple[int, ...]:
        """The years of the dates ``first``…``last`` (both included) whose schedule is not announced."""
        if last < first:
            return ()
        return tuple(y for y in range(first.year, last.year + 1) if y not in self._announced)

    def describe(self) -> str:
        """One line naming the calendar, for deadline explanations and logs."""
        years = _year_ranges(self._announced)
        name = self._label or "工作日日历"
        return f"{name}（已公布年份：{years}）" if years else f"{name}（尚无已公布年份）"

    # -- derived calendars ----------------------------------------------------------------------
    def with_overrides(self, overrides: Iterable[DayOverride], *, label: str | None = None) -> WorkCalendar:
        """A new calendar with ``overrides`` added; an override for a date already present replaces it
        (use this to layer a region's local holidays over the national calendar)."""
        by_day = dict(self._by_day)
        new: dict[date, DayOverride] = {}
        for override in overrides:
            if not isinstance(override, DayOverride):
                raise CalendarError(f"日历条目必须是 DayOverride，收到 {override!r}")
            if override.day in new:
                raise CalendarError(f"{override.day.isoformat()} 在新增条目中出现了两次")
            new[override.day] = override
        by_day.update(new)
        return WorkCalendar(by_day.values(), self._announced, label=self._label if label is None else label)

    def without(self, days: Iterable[date]) -> WorkCalendar:
        """A new calendar without the overrides of ``days`` (those dates fall back to the weekday rule)."""
        drop = set(days)
        return WorkCalendar((o for d, o in self._by_day.items() if d not in drop), self._announced, label=self._label)

    def with_year(self, year: int, overrides: Iterable[DayOverride], *, announced: bool = True) -> WorkCalendar:
        """A new calendar whose overrides for ``year`` are exactly ``overrides`` (the administrator entering a
        year from the State Council notice), and with the year marked announced (or not)."""
        items = tuple(overrides)
        stray = [o.day.isoformat() for o in items if o.day.year != year]
        if stray:
            raise CalendarError(f"录入{year}年日历时出现其他年份的日期：{'、'.join(stray)}")
        kept = (o for d, o in self._by_day.items() if d.year != year)
        years = self._announced | {year} if announced else self._announced - {year}
        return WorkCalendar([*kept, *items], years, label=self._label)

    def with_announced(self, year: int, announced: bool = True) -> WorkCalendar:
        years = self._announced | {year} if announced else self._announced - {year}
        return WorkCalendar(self._by_day.values(), years, label=self._label)


# -- working-day arithmetic ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WorkdayResult:
    """A date computed by working-day arithmetic, with the provisional flag.

    ``provisional`` is true when a day counted lies in a year whose schedule is not announced; ``reason``
    then says so in Chinese and ``unannounced_years`` lists those years.
    """

    day: date
    provisional: bool = False
    reason: str = ""
    unannounced_years: tuple[int, ...] = ()


def provisional_reason(years: Iterable[int]) -> str:
    """The Chinese explanation shown with a provisional date ("" when ``years`` is empty)."""
    ys = sorted(set(years))
    if not ys:
        return ""
    return (
        f"{_year_ranges(ys)}年的节假日安排尚未公布（未录入国务院办公厅通知），"
        "其中的日期暂按周一至周五为工作日计算，结果为暂定值；公布并录入后将重新计算。"
    )


def _result(day: date, years: tuple[int, ...]) -> WorkdayResult:
    return WorkdayResult(day, bool(years), provisional_reason(years), years)


def _check_count(n: object) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise CalendarError(f"工作日数必须是整数，收到 {n!r}")
    if n < 0:
        raise CalendarError(f"工作日数不能为负数，收到 {n}")
    if n > MAX_WORKING_DAYS:
        raise CalendarError(f"工作日数 {n} 超出合理范围（最多 {MAX_WORKING_DAYS}）")
    return n


def _check_calendar(calendar: object) -> WorkCalendar:
    if not isinstance(calendar, WorkCalendar):
        raise CalendarError(f"需要 WorkCalendar，收到 {calendar!r}")
    return calendar


def add_working_days(start: date, n: int, calendar: WorkCalendar) -> WorkdayResult:
    """The date ``n`` working days after ``start``: ``start`` is day 0, the first working day after it day 1.

    ``n == 0`` gives the first working day on or after ``start``. The result is always a working day. It is
    provisional when a day examined (``start`` excluded, unless ``n == 0``) lies in an unannounced year.
    """
    _check_date(start, "起算日")
    count = _check_count(n)
    cal = _check_calendar(calendar)
    day = start
    if count == 0:
        while not cal.is_working_day(day):
            day += _ONE_DAY
        return _result(day, cal.unannounced_years(start, day))
    remaining = count
    while remaining:
        day += _ONE_DAY
        if cal.is_working_day(day):
            remaining -= 1
    return _result(day, cal.unannounced_years(start + _ONE_DAY, day))


def working_days_between(start: date, end: date, calendar: WorkCalendar) -> int:
    """The number of working days ``d`` with ``start < d <= end`` (negative, mirrored, when ``end < start``).

    This is the inverse of :func:`add_working_days`: for ``n >= 1``,
    ``working_days_between(s, add_working_days(s, n, cal).day, cal) == n``.
    """
    _check_date(start, "起始日")
    _check_date(end, "终止日")
    cal = _check_calendar(calendar)
    if end < start:
        return -working_days_between(end, start, cal)
    return sum(1 for day in _days(start + _ONE_DAY, end) if cal.is_working_day(day))


def roll_forward(day: date, calendar: WorkCalendar) -> WorkdayResult:
    """The first working day on or after ``day`` (same as ``add_working_days(day, 0, calendar)``)."""
    return add_working_days(day, 0, calendar)


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += _ONE_DAY


# -- comparing calendars ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DayChange:
    """One date whose calendar entry differs between two calendars."""

    day: date
    old: DayInfo
    new: DayInfo

    @property
    def working_changed(self) -> bool:
        """Whether the change moves deadlines (the date became a working day or stopped being one)."""
        return self.old.working != self.new.working

    def describe(self) -> str:
        if self.working_changed:
            old = "工作日" if self.old.working else "休息日"
            new = "工作日" if self.new.working else "休息日"
            text = f"{self.day.isoformat()}（{_WEEKDAY_NAMES[self.day.weekday()]}）：{old} → {new}（{self.new.label}）"
        else:
            text = (
                f"{self.day.isoformat()}（{_WEEKDAY_NAMES[self.day.weekday()]}）：{self.old.label} → {self.new.label}"
            )
            text += "（是否工作日不变）"
        if self.new.source and self.new.source != self.old.source:
            text += f"，来源：{self.new.source}"
        return text


@dataclass(frozen=True, slots=True)
class CalendarDiff:
    """What changed from one calendar to another (see :func:`diff`)."""

    days: tuple[DayChange, ...] = ()
    announced: tuple[int, ...] = ()  # years newly marked announced
    unannounced: tuple[int, ...] = ()  # years no longer marked announced

    def __bool__(self) -> bool:
        return bool(self.days or self.announced or self.unannounced)

    @property
    def working_days_changed(self) -> tuple[date, ...]:
        """The dates whose working/non-working status changed (these move deadlines)."""
        return tuple(c.day for c in self.days if c.working_changed)

    @property
    def affects_deadlines(self) -> bool:
        """Whether any deadline can change: a working status or an announcement (provisional flag) changed."""
        return bool(self.working_days_changed or self.announced or self.unannounced)

    def affects(self, start: date, end: date) -> bool:
        """Whether a count over ``start < d <= end`` can come out differently: a date in that range changed its
        working status, or one of its years changed its announced flag."""
        if any(start < d <= end for d in self.working_days_changed):
            return True
        years = set(range((start + _ONE_DAY).year, end.year + 1))
        return bool(years & {*self.announced, *self.unannounced})

    def describe(self) -> tuple[str, ...]:
        """One Chinese line per change, for the change log."""
        lines = [c.describe() for c in self.days]
        lines += [f"{y}年节假日安排标记为已公布" for y in self.announced]
        lines += [f"{y}年节假日安排改为未公布" for y in self.unannounced]
        return tuple(lines)


def diff(old: WorkCalendar, new: WorkCalendar) -> CalendarDiff:
    """Which dates (and which years' announced flags) differ between ``old`` and ``new``.

    A date is listed when its override was added, removed or changed in kind, name or source; use
    :attr:`CalendarDiff.working_days_changed` for the dates that move deadlines.
    """
    _check_calendar(old)
    _check_calendar(new)
    changes: list[DayChange] = []
    for day in sorted(set(old.overrides) | set(new.overrides)):
        if old.override(day) != new.override(day):
            changes.append(DayChange(day, old.day_info(day), new.day_info(day)))
    return CalendarDiff(
        days=tuple(changes),
        announced=tuple(sorted(new.announced_years - old.announced_years)),
        unannounced=tuple(sorted(old.announced_years - new.announced_years)),
    )


# -- the chinesecalendar factory -------------------------------------------------------------------

_SPECIAL_SOURCES: dict[date, str] = {
    date(2015, 9, 3): "国务院关于中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日调休放假的通知",
    date(2020, 1, 31): "国务院办公厅关于延长2020年春节假期的通知（国办发明电〔2020〕1号）",
    date(2020, 2, 1): "国务院办公厅关于延长2020年春节假期的通知（国办发明电〔2020〕1号）",
    date(2020, 2, 2): "国务院办公厅关于延长2020年春节假期的通知（国办发明电〔2020〕1号）",
}


@cache
def calendar_from_chinesecalendar() -> WorkCalendar:
    """The national calendar seeded from the ``chinesecalendar`` package (data 2004–2026).

    Every date of its ``holidays`` table becomes a :attr:`DayKind.HOLIDAY` override (or :attr:`DayKind.IN_LIEU`
    when the package lists it among the 调休 rest days), every date of its ``workdays`` table a
    :attr:`DayKind.MAKEUP_WORKDAY`; the years it covers are marked announced. The package is imported here and
    nowhere else, lazily, so the rest of the core never depends on it.
    """
    try:
        import chinese_calendar
    except ImportError:  # pragma: no cover - the package is a declared dependency
        raise CalendarError("未安装 chinesecalendar，无法生成全国工作日日历") from None
    version = str(getattr(chinese_calendar, "__version__", "?"))
    holidays: Mapping[date, str] = chinese_calendar.holidays
    workdays: Mapping[date, str] = chinese_calendar.workdays
    in_lieu: Iterable[date] = chinese_calendar.in_lieu_days
    chinese_names = {h.value: str(h.chinese) for h in chinese_calendar.Holiday}
    in_lieu_days = set(in_lieu)

    def source(day: date) -> str:
        special = _SPECIAL_SOURCES.get(day)
        if special is not None:
            return f"{special}（据 chinesecalendar {version}）"
        return f"国务院办公厅关于{day.year}年部分节假日安排的通知（据 chinesecalendar {version}）"

    overrides = [
        DayOverride(
            day,
            DayKind.IN_LIEU if day in in_lieu_days else DayKind.HOLIDAY,
            chinese_names.get(name, name),
            source(day),
        )
        for day, name in holidays.items()
    ]
    overrides += [
        DayOverride(day, DayKind.MAKEUP_WORKDAY, chinese_names.get(name, name), source(day))
        for day, name in workdays.items()
    ]
    years = {d.year for d in holidays}
    return WorkCalendar(
        overrides,
        range(min(years), max(years) + 1),
        label=f"全国工作日日历（chinesecalendar {version}）",
    )


def _year_ranges(years: Iterable[int]) -> str:
    """``[2004, 2005, 2006, 2010]`` -> ``"2004–2006、2010"``."""
    ys = sorted(set(years))
    parts: list[str] = []
    i = 0
    while i < len(ys):
        j = i
        while j + 1 < len(ys) and ys[j + 1] == ys[j] + 1:
            j += 1
        parts.append(str(ys[i]) if i == j else f"{ys[i]}–{ys[j]}")
        i = j + 1
    return "、".join(parts)
