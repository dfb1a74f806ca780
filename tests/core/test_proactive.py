"""Proactive disclosure core: categories of Arts 20–21, attributes, index patterns, the Art 26 deadline."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xxgk.core.calendar import DayKind, DayOverride, WorkCalendar, add_working_days, calendar_from_chinesecalendar
from xxgk.core.errors import WorkflowError, XxgkError
from xxgk.core.proactive import (
    CATEGORIES,
    DEFAULT_PATTERN,
    MAX_INDEX_LENGTH,
    OTHER_CATEGORY,
    PLACEHOLDERS,
    PUBLISH_DAYS,
    Attribute,
    BodyLevel,
    ProactiveError,
    WithholdingGround,
    categories_for,
    category,
    check_attribute,
    format_index,
    parse_pattern,
    pattern_example,
    publish_deadline,
)

# -- categories -----------------------------------------------------------------------------------


def test_art20_has_fifteen_items_in_order_with_articles() -> None:
    art20 = [c for c in CATEGORIES.values() if c.code.startswith("a20.")]
    assert len(art20) == 15
    assert [c.short for c in art20] == [f"{i:02d}" for i in range(1, 16)]
    assert art20[0].label == "行政法规、规章和规范性文件"
    assert art20[0].article == "第二十条第（一）项"
    assert art20[6].label == "财政预算、决算信息" and art20[6].article == "第二十条第（七）项"
    assert art20[14].article == "第二十条第（十五）项"
    assert category(OTHER_CATEGORY) is art20[14]
    assert all(c.levels == frozenset(BodyLevel) for c in art20)


def test_codes_and_short_codes_are_unique_and_two_digits() -> None:
    shorts = [c.short for c in CATEGORIES.values()]
    assert len(set(shorts)) == len(shorts) == len(CATEGORIES)
    assert all(len(s) == 2 and s.isdigit() for s in shorts)
    assert all(code == c.code for code, c in CATEGORIES.items())


def test_art21_lists_per_level() -> None:
    county = {c.label for c in categories_for(BodyLevel.COUNTY) if c.code.startswith("a21.")}
    town = {c.label for c in categories_for(BodyLevel.TOWN) if c.code.startswith("a21.")}
    assert county == {"市政建设", "公共服务", "公益事业", "土地征收", "房屋征收", "治安管理", "社会救助"}
    assert town == {
        "贯彻落实农业农村政策",
        "农田水利工程建设运营",
        "农村土地承包经营权流转",
        "宅基地使用情况审核",
        "土地征收",
        "房屋征收",
        "筹资筹劳",
        "社会救助",
    }
    other = categories_for(BodyLevel.OTHER)
    assert len(other) == 15 and all(c.code.startswith("a20.") for c in other)
    # every level keeps Art 20 first, in order
    for level in BodyLevel:
        assert [c.code for c in categories_for(level)][:15] == [f"a20.{i:02d}" for i in range(1, 16)]
    assert category("a21.homestead").article == "第二十一条（乡镇）"
    assert category("a21.municipal").article == "第二十一条（县级）"
    assert category("a21.land_expropriation").article == "第二十一条"
    assert "（第二十条第（一）项）" in category("a20.01").full_label


def test_unknown_category_is_refused() -> None:
    with pytest.raises(ProactiveError, match="未知的信息类别"):
        category("a20.16")
    with pytest.raises(ProactiveError, match="未知的机关层级"):
        categories_for("province")  # type: ignore[arg-type]
    assert issubclass(ProactiveError, WorkflowError) and issubclass(ProactiveError, XxgkError)


# -- attributes -----------------------------------------------------------------------------------


def test_public_needs_no_ground_and_refuses_one() -> None:
    check_attribute(Attribute.PUBLIC)
    check_attribute("public", "", "")
    with pytest.raises(ProactiveError, match="不应填写"):
        check_attribute(Attribute.PUBLIC, WithholdingGround.PROCESS)


def test_on_request_needs_a_reason_and_no_withholding_ground() -> None:
    check_attribute(Attribute.ON_REQUEST, None, "仅涉及特定当事人")
    with pytest.raises(ProactiveError, match="须说明不主动公开的理由"):
        check_attribute(Attribute.ON_REQUEST, None, "  ")
    with pytest.raises(ProactiveError, match="不属于不予公开"):
        check_attribute(Attribute.ON_REQUEST, WithholdingGround.INTERNAL, "理由")


@pytest.mark.parametrize("ground", list(WithholdingGround))
def test_not_public_needs_a_ground_of_arts_14_to_16_and_reasons(ground: WithholdingGround) -> None:
    check_attribute(Attribute.NOT_PUBLIC, ground, "经审查属于该情形")
    check_attribute("not_public", ground.value, "经审查属于该情形")
    with pytest.raises(ProactiveError, match="须说明理由"):
        check_attribute(Attribute.NOT_PUBLIC, ground, "")
    assert ground.article in {"第十四条", "第十五条", "第十六条第一款", "第十六条第二款"}
    assert ground.full_label.startswith(ground.label) and ground.article in ground.full_label


def test_not_public_without_ground_and_unknown_values() -> None:
    with pytest.raises(ProactiveError, match="第十四条至第十六条"):
        check_attribute(Attribute.NOT_PUBLIC, None, "理由")
    with pytest.raises(ProactiveError, match="未知的公开属性"):
        check_attribute("secret")
    with pytest.raises(ProactiveError, match="未知的不予公开依据"):
        check_attribute(Attribute.NOT_PUBLIC, "because", "理由")
    assert [a.label for a in Attribute] == ["主动公开", "依申请公开", "不予公开"]


# -- index patterns -------------------------------------------------------------------------------


def _fmt(pattern: str, seq: int = 7, **kw: object) -> str:
    args: dict[str, object] = {"body_code": "ddk-baqiao", "year": 2026, "month": 3, "category_short": "07"}
    args.update(kw)
    return format_index(pattern, sequence=seq, **args)  # type: ignore[arg-type]


def test_default_pattern_formats_every_placeholder() -> None:
    assert _fmt(DEFAULT_PATTERN) == "ddk-baqiao-2026-07-0007"
    assert _fmt(DEFAULT_PATTERN, 12345) == "ddk-baqiao-2026-07-12345"  # padding is a minimum width
    assert _fmt("{机关代码}/{年}{月}-{序号}") == "ddk-baqiao/202603-7"
    assert _fmt("〔{年}〕{类别}第{序号:03d}号") == "〔2026〕07第007号"
    assert pattern_example(DEFAULT_PATTERN) == "11500104MB0000000X-2026-01-0012"
    assert set(PLACEHOLDERS) == {"机关代码", "年", "月", "类别", "序号"}


def test_parse_pattern_keeps_literals_and_widths() -> None:
    pattern = parse_pattern("XX{年}-{序号:05d}号")
    assert [(p.text, p.name, p.width) for p in pattern.parts] == [
        ("XX", "", 0),
        ("", "年", 0),
        ("-", "", 0),
        ("", "序号", 5),
        ("号", "", 0),
    ]
    assert pattern.format(body_code="x", year=2020, month=1, category_short="01", sequence=3) == "XX2020-00003号"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("", "不能为空"),
        ("   ", "不能为空"),
        ("{机关代码}-{序号}", "必须包含 {年}"),
        ("{机关代码}-{年}", "必须包含 {序号}"),
        ("{年}-{序号}-{年}", "出现了两次"),
        ("{年}-{编号}", "未知的占位符"),
        ("{年}-{序号:x}", "格式说明无效"),
        ("{年}-{序号:04x}", "格式说明无效"),
        ("{年}-{序号:4d}", "格式说明无效"),
        ("{年}-{序号:011d}", "格式说明无效"),
        ("{年:04d}-{序号}", "格式说明无效"),
        ("{年}-{序号} ", "空白"),
        ("{年}\t{序号}", "空白"),
        ("{年}-{序号}}", "花括号不成对"),
        ("{{年}-{序号}", "花括号不成对"),
        ("{年-{序号}", "花括号不成对"),
        ("{年}-{序号}{}", "未知的占位符"),
        ("x" * 201, "过长"),
    ],
)
def test_bad_patterns_are_refused_with_the_reason(source: str, message: str) -> None:
    with pytest.raises(ProactiveError, match=message):
        parse_pattern(source)


def test_format_refuses_bad_values() -> None:
    with pytest.raises(ProactiveError, match="序号必须是正整数"):
        _fmt(DEFAULT_PATTERN, 0)
    with pytest.raises(ProactiveError, match="序号必须是正整数"):
        _fmt(DEFAULT_PATTERN, True)
    with pytest.raises(ProactiveError, match="年份无效"):
        _fmt(DEFAULT_PATTERN, year=99)
    with pytest.raises(ProactiveError, match="月份无效"):
        _fmt(DEFAULT_PATTERN, month=13)
    with pytest.raises(ProactiveError, match="缺少机关代码"):
        _fmt(DEFAULT_PATTERN, body_code=" ")
    with pytest.raises(ProactiveError, match="不能包含"):
        _fmt(DEFAULT_PATTERN, body_code="a b")
    with pytest.raises(ProactiveError, match="索引号过长"):
        _fmt(DEFAULT_PATTERN, body_code="x" * MAX_INDEX_LENGTH)
    # a pattern without {类别} does not need a category
    assert _fmt("{年}-{序号}", category_short="") == "2026-7"


@settings(deadline=None)  # timing varies under parallel test runs
@given(
    seqs=st.lists(st.integers(min_value=1, max_value=10**6), min_size=2, max_size=30, unique=True),
    width=st.integers(min_value=0, max_value=8),
    code=st.text(alphabet="ABCXYZ0123456789-", min_size=1, max_size=12),
)
def test_distinct_sequences_give_distinct_numbers_per_body_and_year(seqs: list[int], width: int, code: str) -> None:
    spec = f":0{width}d" if width else ""
    for source in (f"{{机关代码}}-{{年}}-{{序号{spec}}}", f"{{年}}{{类别}}{{序号{spec}}}", f"{{序号{spec}}}{{年}}"):
        pattern = parse_pattern(source)
        numbers = {
            format_index(pattern, body_code=code, year=2026, month=5, category_short="03", sequence=s) for s in seqs
        }
        assert len(numbers) == len(seqs)


# -- the Art 26 deadline ---------------------------------------------------------------------------


def _weekday_calendar(*years: int, overrides: tuple[DayOverride, ...] = ()) -> WorkCalendar:
    return WorkCalendar(overrides, announced_years=years, label="测试日历")


def test_twenty_working_days_from_the_formed_day_hand_count() -> None:
    # 2025-03-03 is a Monday; working days 4–7, 10–14, 17–21, 24–28 are 19, and 31 March is the 20th
    deadline = publish_deadline(date(2025, 3, 3), _weekday_calendar(2025))
    assert deadline.due == date(2025, 3, 31)
    assert (deadline.days, deadline.provisional, deadline.reason) == (PUBLISH_DAYS, False, "")
    assert deadline.steps[0].startswith("信息形成或变更之日：2025-03-03")
    assert "《条例》第二十六条" in deadline.steps[1] and "2025-03-31" in deadline.steps[1]
    assert "测试日历" in deadline.steps[2]
    assert deadline.explanation.splitlines()[0] == "公开期限：2025-03-31"


def test_holidays_push_the_deadline_back() -> None:
    holidays = tuple(DayOverride(date(2025, 3, d), DayKind.LOCAL_HOLIDAY, "测试") for d in (10, 11, 12))
    assert publish_deadline(date(2025, 3, 3), _weekday_calendar(2025, overrides=holidays)).due == date(2025, 4, 3)
    makeup = (DayOverride(date(2025, 3, 8), DayKind.MAKEUP_WORKDAY, "调休"),)
    assert publish_deadline(date(2025, 3, 3), _weekday_calendar(2025, overrides=makeup)).due == date(2025, 3, 28)


def test_real_2025_national_day_schedule() -> None:
    # formed Fri 2025-09-26: 9-28 (Sun, 调休上班) 1, 9-29 2, 9-30 3, 10-1…10-8 off, 10-9 4, 10-10 5,
    # 10-11 (Sat, 调休上班) 6, 10-13…17 7–11, 10-20…24 12–16, 10-27…30 17–20
    deadline = publish_deadline(date(2025, 9, 26), calendar_from_chinesecalendar())
    assert deadline.due == date(2025, 10, 30) and not deadline.provisional


def test_unannounced_year_makes_it_provisional() -> None:
    deadline = publish_deadline(date(2025, 12, 15), _weekday_calendar(2025))
    assert deadline.provisional and deadline.unannounced_years == (2026,)
    assert "2026年的节假日安排尚未公布" in deadline.reason
    assert "暂定" in deadline.explanation


def test_other_laws_may_set_another_period_and_bad_input_is_refused() -> None:
    calendar = _weekday_calendar(2025)
    assert publish_deadline(date(2025, 3, 3), calendar, days=5).due == date(2025, 3, 10)
    with pytest.raises(ProactiveError, match="必须是日期"):
        publish_deadline(datetime(2025, 3, 3, 8, tzinfo=UTC), calendar)
    with pytest.raises(ProactiveError, match="工作日数无效"):
        publish_deadline(date(2025, 3, 3), calendar, days=0)


def test_overdue_remaining_and_published_late() -> None:
    calendar = _weekday_calendar(2025)
    deadline = publish_deadline(date(2025, 3, 3), calendar)
    assert not deadline.is_overdue(date(2025, 3, 31)) and deadline.is_overdue(date(2025, 4, 1))
    assert deadline.remaining_working_days(date(2025, 3, 31), calendar) == 0
    assert deadline.remaining_working_days(date(2025, 3, 28), calendar) == 1
    assert deadline.remaining_working_days(date(2025, 4, 2), calendar) == -2
    assert deadline.published_late(date(2025, 4, 1)) and not deadline.published_late(date(2025, 3, 31))


@settings(deadline=None)  # timing varies under parallel test runs
@given(start=st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 11, 30)), days=st.integers(1, 60))
def test_deadline_is_add_working_days(start: date, days: int) -> None:
    calendar = calendar_from_chinesecalendar()
    deadline = publish_deadline(start, calendar, days=days)
    assert deadline.due == add_working_days(start, days, calendar).day
    assert calendar.is_working_day(deadline.due) and deadline.due > start
    assert deadline.remaining_working_days(start, calendar) == days
    assert deadline.due - start >= timedelta(days=days)
