"""Every rule's good and bad example: ``EXAMPLES[code] = (good, bad)``, each ``version -> Case``.

A bad example takes a clean consistent report (``builders.clean``) and breaks exactly what the rule checks;
a good example is the clean report or a near miss the rule must accept. ``test_examples`` runs them for
every template version the rule applies to and fails when a registered rule has no entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from tests.rules.builders import Case, amount_code, bump, clean, clean_pair, other, set_s3_row
from xxgk.core.model import Cell, ExtraRow, Report

Builder = Callable[[str], Case]


def _clean(version: str) -> Case:
    return Case(clean(version))


def _pair(version: str) -> Case:
    return clean_pair(version)


def _edit(edit: Callable[[Report, str], object]) -> Builder:
    def build(version: str) -> Case:
        report = clean(version)
        edit(report, version)
        return Case(report)

    return build


def _edit_previous(edit: Callable[[Report, str], object]) -> Builder:
    def build(version: str) -> Case:
        case = clean_pair(version)
        assert case.previous is not None
        edit(case.previous, version)
        return case

    return build


def _overall(text: str) -> Builder:
    def build(version: str) -> Case:
        report = clean(version)
        report.narrative["overall"] = text
        return Case(report)

    return build


def _with_year(year: int | None) -> Builder:
    return lambda version: Case(clean(version, year=year))


def _mistimed(version: str) -> Case:
    return Case(clean(version, year=2021 if version == "2019" else 2020))


def _mixed(version: str) -> Case:
    return Case(clean(version, s2=other(version)))


def _absent_table4(report: Report, version: str) -> None:
    for code in report.codes:
        if code.startswith("s4."):
            report.set(code, Cell.absent())


def _absent_row(prefix: str) -> Callable[[Report, str], None]:
    def edit(report: Report, version: str) -> None:
        for code in report.codes:
            if code.startswith(prefix):
                report.set(code, Cell.absent())

    return edit


def _extra_row(report: Report, version: str) -> None:
    report.extra_rows.append(ExtraRow("s2", "其他主动公开文件", ("3",)))


def _negative_change(report: Report, version: str) -> None:
    if version == "2019":
        report.set_value("s2.licensing.change", -5)


def _set(code: str, value: object) -> Callable[[Report, str], None]:
    def edit(report: Report, version: str) -> None:
        report.set(code, value if isinstance(value, Cell) else Cell.number(value))  # type: ignore[arg-type]

    return edit


def _set_amount(value: Decimal, unit: str | None = None) -> Callable[[Report, str], None]:
    def edit(report: Report, version: str) -> None:
        code = amount_code(report.template_of("s2"))
        report.set_value(code, value)
        if unit is not None:
            report.units[code] = unit

    return edit


def _unit(unit: str) -> Callable[[Report, str], None]:
    def edit(report: Report, version: str) -> None:
        report.units[amount_code(report.template_of("s2"))] = unit

    return edit


def _blank(code_for: Callable[[str], str]) -> Callable[[Report, str], None]:
    def edit(report: Report, version: str) -> None:
        report.set(code_for(version), Cell.blank())

    return edit


def _s2_first_doc_code(version: str) -> str:
    return "s2.normative_docs.made" if version == "2019" else "s2.normative_docs.issued"


def _values(**values: int) -> Callable[[Report, str], None]:
    """Set table-2 cells given as ``item__column=value``."""

    def edit(report: Report, version: str) -> None:
        for key, value in values.items():
            item, column = key.split("__")
            report.set_value(f"s2.{item}.{column}", value)

    return edit


def _row_shift(report: Report, version: str) -> None:
    # one natural-person request moved from 二、上年结转 to 一、本年新收 without moving the totals:
    # the columns still balance, the two rows do not add up
    bump(report, "s3.received.natural", 1)
    bump(report, "s3.carried_in.natural", -1)


def _outcome_only(report: Report, version: str) -> None:
    # （七）总计 one higher and 结转下年度 one lower in the 自然人 and 总计 columns:
    # rows and 一+二=三+四 still hold, the outcome rows no longer add up to （七）总计
    for col in ("natural", "total"):
        bump(report, f"s3.total.{col}", 1)
        bump(report, f"s3.carried_out.{col}", -1)


def _moved_outcome(report: Report, version: str) -> None:
    for col in ("natural", "total"):
        bump(report, f"s3.granted.{col}", -1)
        bump(report, f"s3.partial.{col}", 1)


def _received_only(report: Report, version: str) -> None:
    for col in ("natural", "total"):
        bump(report, f"s3.received.{col}", 1)


def _received_and_carried(report: Report, version: str) -> None:
    for col in ("natural", "total"):
        bump(report, f"s3.received.{col}", 1)
        bump(report, f"s3.carried_out.{col}", 1)


def _carried_out_big(report: Report, version: str) -> None:
    for col in ("natural", "total"):
        bump(report, f"s3.carried_out.{col}", 10)


def _handled_big(report: Report, version: str) -> None:
    for col in ("natural", "total"):
        bump(report, f"s3.total.{col}", 10)


def _review_moved(report: Report, version: str) -> None:
    bump(report, "s4.review.upheld", -1)
    bump(report, "s4.review.corrected", 1)


def _no_fee(version: str) -> Case:
    report = clean(version, year=2021)
    report.narrative["other"] = "无。"
    return Case(report)


def _fee_2020(version: str) -> Case:
    report = clean(version, year=2020)
    report.narrative["other"] = "无。"
    return Case(report)


def _narrative(key: str, text: str | None) -> Callable[[Report, str], None]:
    def edit(report: Report, version: str) -> None:
        if text is None:
            del report.narrative[key]
        else:
            report.narrative[key] = text

    return edit


def _previous_year(delta: int) -> Builder:
    def build(version: str) -> Case:
        case = clean_pair(version)
        assert case.previous is not None and case.report.year is not None
        case.previous.year = case.report.year - delta
        return case

    return build


def _other_body(version: str) -> Case:
    case = clean_pair(version)
    assert case.previous is not None
    case.previous.body = "另一个县 测试局"
    return case


def _spaced_body(version: str) -> Case:
    case = clean_pair(version)
    assert case.previous is not None
    case.previous.body = "测试县　测试局"  # same body, written with a U+3000 space
    return case


def _prev_carried_out(values: dict[str, int]) -> Callable[[Report, str], None]:
    def edit(report: Report, version: str) -> None:
        set_s3_row(report, "carried_out", values)

    return edit


def _prev_in_force(report: Report, version: str) -> None:
    report.set_value("s2.normative_docs.in_force", 5)


def _prev_change(report: Report, version: str) -> None:
    report.set_value("s2.licensing.change", 0)


def _switched(version: str) -> Case:
    report = clean(version)
    assert report.year is not None
    return Case(report, clean(other(version), year=report.year - 1))


def _switched_with_blank_prev(version: str) -> Case:
    case = clean_pair(version)
    assert case.previous is not None
    case.previous.set("s3.carried_out.total", Cell.blank())
    return case


EXAMPLES: dict[str, tuple[Builder, Builder]] = {
    # T0xx structure
    "T001": (_clean, _mistimed),
    "T002": (_with_year(2019), _with_year(2018)),
    "T003": (_clean, _with_year(None)),
    "T004": (_clean, _mixed),
    "T005": (_edit(_absent_row("s4.suit_after_review.")), _edit(_absent_table4)),
    "T006": (_edit(_blank(_s2_first_doc_code)), _edit(_absent_row("s2.regulations."))),
    "T007": (_edit(_blank(lambda v: "s3.granted.natural")), _edit(_absent_row("s3.granted."))),
    "T008": (_clean, _edit(_extra_row)),
    # V1xx values
    "V101": (_edit(_negative_change), _edit(_set("s3.granted.natural", -1))),
    "V102": (_edit(_set_amount(Decimal("1.5"))), _edit(_set("s3.granted.natural", Decimal("1.5")))),
    "V103": (_edit(_set_amount(Decimal(0))), _edit(_set_amount(Decimal(-1)))),
    "V104": (
        _edit(_set_amount(Decimal("75394432.52"), "unstated")),
        _edit(_set_amount(Decimal("75394432.52"))),
    ),
    "V105": (_edit(_set_amount(Decimal("589.08"))), _edit(_unit("unstated"))),
    "V106": (_edit(_unit("unstated")), _edit(_unit("元"))),
    "V107": (_edit(_set("s2.licensing.decisions", 5_000_000)), _edit(_set("s4.review.upheld", 2_538_036))),
    # B2xx blanks
    "B201": (_clean, _edit(_blank(_s2_first_doc_code))),
    "B202": (_edit(_absent_row("s3.granted.")), _edit(_blank(lambda v: "s3.received.business"))),
    "B203": (_clean, _edit(_set("s4.review.upheld", Cell.unreadable("数字粘连，无法唯一拆分")))),
    # S2xx table 2
    "S201": (
        _edit(_values(normative_docs__published=10, normative_docs__total=10)),
        _edit(_values(normative_docs__published=12, normative_docs__total=10)),
    ),
    "S202": (
        _edit(_values(normative_docs__issued=11)),  # 11 = 10 in force + 1 repealed
        _edit(_values(normative_docs__issued=20)),
    ),
    "S203": (_edit(_values(licensing__change=-20)), _edit(_values(licensing__change=-25))),
    # S3xx table 3
    "S301": (_edit(_moved_outcome), _edit(_row_shift)),
    "S302": (_edit(_moved_outcome), _edit(_outcome_only)),
    "S303": (_edit(_received_and_carried), _edit(_received_only)),
    "S304": (_edit(_received_and_carried), _edit(_carried_out_big)),
    "S305": (_edit(_moved_outcome), _edit(_handled_big)),
    # S4xx table 4
    "S401": (_edit(_review_moved), _edit(_set("s4.review.upheld", 2))),
    # N5xx narrative
    "N501": (
        _overall("本年度共受理政府信息公开申请8件（含上年结转1件）。"),
        _overall("本年度共收到政府信息公开申请9件。"),
    ),
    "N502": (_overall("上年结转政府信息公开申请一件。"), _overall("上年结转政府信息公开申请3件。")),
    "N503": (_overall("有1件申请结转至下一年度办理。"), _overall("结转下年度继续办理5件。")),
    "N504": (
        _overall("办理行政复议案件120件；因政府信息公开工作被申请行政复议两件。"),
        _overall("因政府信息公开工作被申请行政复议5件。"),
    ),
    "N505": (_overall("被提起行政诉讼一件。"), _overall("被提起行政诉讼5件。")),
    "N506": (_overall("现行有效行政规范性文件十件。"), _overall("现行有效行政规范性文件99件。")),
    "N507": (_fee_2020, _no_fee),
    "N508": (
        _edit(_narrative("problems", "主要问题：公开内容不够全面。改进：无。")),
        _edit(_narrative("problems", "无。")),
    ),
    "N509": (_edit(_narrative("problems", "无。")), _edit(_narrative("other", None))),
    # X6xx cross-year
    "X601": (_spaced_body, _previous_year(2)),
    "X602": (_edit_previous(_prev_carried_out({"business": 1})), _edit_previous(_prev_carried_out({"natural": 2}))),
    "X603": (_pair, _edit_previous(_prev_carried_out({"business": 1}))),
    "X604": (_pair, _edit_previous(_prev_in_force)),
    "X605": (_pair, _edit_previous(_prev_change)),
    "X606": (_switched_with_blank_prev, _switched),
}

#: Further bad examples (other ways the rule must fire), as (code, builder) pairs.
MORE_BAD: list[tuple[str, Builder]] = [
    ("X601", _other_body),
    ("X601", _previous_year(0)),
    ("T005", _edit(_absent_row("s3."))),
    ("T006", _edit(_absent_row("s2.licensing.decisions"))),
    ("V102", _edit(_set("s4.review.total", Decimal("2.5")))),
    ("V104", _edit(_set_amount(Decimal("1.1234567")))),
    ("V106", _edit(lambda r, v: r.units.__setitem__("s3.total.total", "万元"))),
    ("N504", _overall("本年度未发生因政府信息公开工作被申请行政复议的情况。")),
    ("N505", _overall("行政复议、行政诉讼各3件。")),
    ("N501", _overall("本年度未收到政府信息公开申请。")),
]
