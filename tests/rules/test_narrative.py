"""Reading counts out of the narrative (N5xx): Chinese numerals, phrasings, and what is not a clear statement."""

from __future__ import annotations

import json

import pytest

from tests.conftest import PUBLISHED
from tests.rules.builders import clean
from xxgk.core.findings import Severity
from xxgk.core.model import Report
from xxgk.rules import check
from xxgk.rules.narrative import cn_number, stated_counts


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0", 0),
        ("12", 12),
        ("１２", 12),  # full-width digits
        ("零", 0),
        ("〇", 0),
        ("一", 1),
        ("两", 2),
        ("九", 9),
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("二十一", 21),
        ("九十九", 99),
        ("一百", 100),
        ("一百零五", 105),
        ("三百二十", 320),
        ("一千零一", 1001),
        ("三万", 30000),
        ("一万二千", 12000),
    ],
)
def test_cn_number(text: str, value: int) -> None:
    assert cn_number(text) == value


@pytest.mark.parametrize("text", ["", "一二", "零十", "万", "十x", "abc"])
def test_cn_number_rejects_non_numbers(text: str) -> None:
    assert cn_number(text) is None


def test_every_number_up_to_99_in_chinese() -> None:
    digits = "零一二三四五六七八九"
    for n in range(100):
        tens, ones = divmod(n, 10)
        text = digits[n] if n < 10 else ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")
        assert cn_number(text) == n, text


def _stated(text: str, *, year: int = 2023) -> dict[str, int]:
    report = clean("2021", year=year)
    report.narrative = {"overall": text}
    return {k: v.value for k, v in stated_counts(report).items()}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023年，本机关共收到政府信息公开申请15件，上年结转2件。", {"received": 15, "carried_in": 2}),
        ("全年新收政府信息公开申请数量为十二件。", {"received": 12}),
        ("本年度未收到政府信息公开申请。", {"received": 0}),
        ("本年度无依申请公开事项。", {"received": 0}),
        ("共受理政府信息公开申请两件。", {"received": 2}),
        ("收到依申请公开申请 3 件。", {"received": 3}),
        ("结转下年度继续办理3件。", {"carried_out": 3}),
        ("其中2件结转至下一年度办理。", {"carried_out": 2}),
        ("无结转下年度办理的申请。", {"carried_out": 0}),
        ("无上年结转申请。", {"carried_in": 0}),
        ("因政府信息公开工作被申请行政复议1件、被提起行政诉讼2件。", {"review": 1, "suit": 2}),
        ("未发生因政府信息公开工作被申请行政复议、提起行政诉讼的情况。", {"review": 0, "suit": 0}),
        ("行政复议和行政诉讼均为0件。", {"review": 0, "suit": 0}),
        ("现行有效行政规范性文件73件。", {"in_force": 73}),
        ("现行有效的规范性文件共七十三件。", {"in_force": 73}),
        # a later sentence about this year after one about last year
        ("2022年共收到申请10件，2023年共收到政府信息公开申请8件。", {"received": 8}),
    ],
)
def test_stated_counts(text: str, expected: dict[str, int]) -> None:
    assert _stated(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "收到自然人申请2件、法人申请1件。",  # applicant categories, not the total
        "受理行政许可申请5000件。",  # another kind of application
        "2022年，本机关共收到政府信息公开申请10件。",  # another year
        "与去年同期共收到申请5件相比有所增加。",  # another period
        "办理行政复议案件120件。",  # the body as review organ
        "法院审理行政诉讼案件30件。",  # the court
        "尚未审结的行政诉讼1件。",  # a part of table 4, not the total
        "行政复议、行政诉讼3件。",  # combined count: ambiguous
        "无正当理由大量反复申请1件。",  # an outcome row, not "无…申请"
        "未发生因政府信息公开被申请行政复议的情况。",  # 申请 of a review, not of disclosure
    ],
)
def test_unclear_statements_are_not_used(text: str) -> None:
    stated = _stated(text)
    assert "received" not in stated
    if "办理行政复议" in text or "审理" in text or "尚未审结" in text or "、行政诉讼3件" in text:
        assert "review" not in stated and "suit" not in stated


def test_first_clear_statement_wins_and_overall_comes_first() -> None:
    report = clean("2021")
    report.narrative = {
        "overall": "本年共收到政府信息公开申请7件。此后又收到政府信息公开申请9件。",
        "other": "共收到政府信息公开申请11件。",
    }
    stated = stated_counts(report)["received"]
    assert stated.value == 7 and stated.section == "overall"
    report.narrative = {"overall": "概述。", "other": "共收到政府信息公开申请11件。"}
    assert stated_counts(report)["received"].section == "other"


def test_narrative_mismatch_platan_style() -> None:
    """PROVENANCE (template.md): 平潭 2023 narrative says 393 vs 470 in the table — a warning, with both numbers."""
    report = clean("2021")
    for col, value in (("natural", 470), ("total", 470)):
        report.set_value(f"s3.received.{col}", value)
    report.narrative["overall"] = "全年共收到政府信息公开申请393件。"
    n501 = [f for f in check(report) if f.code == "N501"]
    assert len(n501) == 1
    assert n501[0].severity is Severity.WARNING
    assert "393" in n501[0].message and "470" in n501[0].message
    assert n501[0].cells == ("s3.received.total",)


def test_narrative_total_including_carried_in_is_accepted() -> None:
    report = clean("2021")  # received 7, carried in 1
    report.narrative["overall"] = "共受理政府信息公开申请8件。"
    assert not [f for f in check(report) if f.code == "N501"]


def test_narrative_vs_blank_table_cell_is_unverifiable() -> None:
    from xxgk.core.model import Cell

    report = clean("2021")
    report.set("s4.review.total", Cell.blank())
    n504 = [f for f in check(report) if f.code == "N504"]
    assert len(n504) == 1 and n504[0].message.startswith("无法核对")


def test_no_narrative_no_narrative_findings() -> None:
    report = clean("2021")
    report.narrative = {}
    assert not [f for f in check(report) if f.code.startswith("N")]


def test_in_force_only_for_2021_table_2() -> None:
    report = clean("2019")
    report.narrative["overall"] = "现行有效规范性文件99件。"
    assert not [f for f in check(report) if f.code == "N506"]


@pytest.mark.parametrize("text", ["无", "无。", " 暂无 ", "没有。"])
def test_problems_just_none(text: str) -> None:
    report = clean("2021")
    report.narrative["problems"] = text
    assert [f.code for f in check(report)] == ["N508"]


def test_information_fee_required_from_2021() -> None:
    report = clean("2021", year=2022)
    report.narrative["other"] = "本年度无其他需要报告的事项。"
    assert [f.code for f in check(report)] == ["N507"]
    report.narrative["other"] = "2022年，无收取信息处理费情况。"
    assert check(report) == []


#: Sentences quoted from the published fixtures' narratives (tests/fixtures/published/*.html) and the counts
#: they state. The tables of those reports (the .expected.json files) agree with them, so no N5xx finding.
REAL_SENTENCES: list[tuple[str, str, dict[str, int]]] = [
    ("pingtan-gaj-2019", "2019年，未收到公民提出的公开政府信息申请。", {"received": 0}),
    ("pingtan-htp-2021", "2021年暂未接到群众对依申请公开信息申请。", {"received": 0}),
    (
        "pingtan-hzs-2023",
        "收到公民、法人和其他组织政府信息公开申请7件，按照《条例》要求，及时规范答复7件。"
        "因依申请公开引发行政复议1起、行政诉讼1起，分别被驳回行政复议申请和裁定按照撤诉处理。",
        {"received": 7, "review": 1, "suit": 1},
    ),
    ("pingtan-hzs-2023", "全面梳理了我局现行有效的规范性文件16件，在“行政规范性文件”栏目下公开。", {"in_force": 16}),
    ("pingtan-jjp-2022", "本年度收到依申请公开事项0项。", {"received": 0}),
    (
        "pingtan-nyn-2021",
        "2021年度，我局共收到政府信息公开申请3件，提交申请的方式为EMS邮件申请，已在规定时限内完成回复。",
        {"received": 3},
    ),
    (
        "pingtan-scj-2025",
        "2025年，共受理政府信息公开申请21件，经分类处置后，给予同意公开答复 1 件，不予公开答复3件，"
        "区分处理后公开11件，因无法提供相关信息答复2件，其他处理2件，结转下年度继续办理2件，"
        "所有申请均在法定期限内办结，切实保障申请人合法权益。",
        {"received": 21, "carried_out": 2},
    ),
    # 办结 counts handled requests, not received ones; 依申请公开信息 counts items, not requests
    ("pingtan-jtj-2024", "全年我局依法办结政府信息公开申请58件，其中网络申请数14件，信函申请数44件。", {}),
    ("pingtan-lyy-2022", "依申请公开信息1180条。", {}),
]


@pytest.mark.parametrize(("name", "text", "expected"), REAL_SENTENCES)
def test_real_sentences(name: str, text: str, expected: dict[str, int]) -> None:
    data = json.loads((PUBLISHED / f"{name}.expected.json").read_text(encoding="utf-8"))
    report = Report.from_dict(data)
    report.narrative = {"overall": text}
    assert {k: v.value for k, v in stated_counts(report).items()} == expected
    assert not [f for f in check(report) if f.code in {"N501", "N502", "N503", "N504", "N505", "N506"}]
