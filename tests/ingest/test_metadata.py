"""Title, body and year: from the title or the 统计期限, never from a publication date or a stray year."""

from __future__ import annotations

import pytest

from xxgk.ingest.layout import Line
from xxgk.ingest.metadata import choose_title, clean_title, is_old_format, parse_title, period_year


@pytest.mark.parametrize(
    ("title", "body", "year"),
    [
        ("平潭综合实验区公安局2019年政府信息公开工作年度报告", "平潭综合实验区公安局", 2019),
        ("平潭综合实验区海坛片区管理局 关于2021年度政府信息公开工作年度报告", "平潭综合实验区海坛片区管理局", 2021),
        ("平潭综合实验区自然资源与生态环境局2021年度政府信息公开工作报告", "平潭综合实验区自然资源与生态环境局", 2021),
        ("２０２２年示例市生态环境局政府信息公开工作年度报告", "示例市生态环境局", 2022),
        ("示例县教育局二〇一七年政府信息公开工作年度报告", "示例县教育局", 2017),
        ("2020年政府信息公开工作年度报告", None, 2020),
    ],
)
def test_parse_title(title: str, body: str | None, year: int) -> None:
    parsed = parse_title(title)
    assert (parsed.body, parsed.year) == (body, year)


def test_clean_title_drops_the_site_suffix() -> None:
    assert (
        clean_title("平潭综合实验区公安局2019年政府信息公开工作年度报告_政府信息公开年报_平潭综合实验区党工委管委会")
        == "平潭综合实验区公安局2019年政府信息公开工作年度报告"
    )
    assert (
        clean_title("示例局2023年度政府信息公开工作年度报告 - 示例市人民政府")
        == "示例局2023年度政府信息公开工作年度报告"
    )


def lines(*texts: str) -> list[Line]:
    return [Line(t, i + 1) for i, t in enumerate(texts)]


def test_title_split_over_two_lines() -> None:
    title = choose_title((), lines("重庆市大渡口区八桥镇", "2020年政府信息公开工作年度报告", "一、总体情况"))
    assert title is not None
    assert (title.text, title.body, title.year) == (
        "重庆市大渡口区八桥镇2020年政府信息公开工作年度报告",
        "重庆市大渡口区八桥镇",
        2020,
    )


def test_metadata_hints_come_first() -> None:
    title = choose_title(("某局2022年政府信息公开工作年度报告_某网",), lines("其他局2021年政府信息公开工作年度报告"))
    assert title is not None
    assert title.year == 2022


def test_a_sentence_is_not_a_title() -> None:
    assert choose_title((), lines("根据条例要求，我局编制完成2023年度政府信息公开工作年度报告。")) is None


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("本报告中所列数据的统计期限自2022年1月1日起至2022年12月31日止。", 2022),
        ("本报告所列数据的统计期限为２０２０年１月１日至２０２０年１２月３１日。", 2020),
        ("数据统计时间为2021年01月01日至2021年12月31日。", 2021),
        ("本报告统计期限为2019年度。", 2019),
        ("发布时间：2023-01-21", None),
    ],
)
def test_period_year(text: str, year: int | None) -> None:
    assert period_year(lines(text)) == year


def test_old_format() -> None:
    assert is_old_format(lines("四、政府信息公开的收费及减免情况"), None)
    assert is_old_format(lines("无关文字"), 2017)
    assert not is_old_format(lines("无关文字"), 2021)
    assert not is_old_format(lines("无关文字"), None)


def test_a_title_without_a_body_name_gives_no_body() -> None:
    # "关于2021年度政府信息公开…": the 度 of 年度 must not start a body name ("度政府").
    from xxgk.ingest.metadata import parse_title

    title = parse_title("关于2021年度政府信息公开工作年度报告")
    assert title is not None
    assert title.year == 2021
    assert title.body is None
