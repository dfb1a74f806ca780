"""Clean, consistent reports built from scratch (both templates), and small helpers to break them.

``clean(version)`` is all zeros plus a few consistent non-zero values in every table, with a narrative that
states the table's counts; ``clean_pair(version)`` adds the same body's consistent report on the year before.
A clean report (and a clean pair) must give no finding at all: ``test_examples`` asserts it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from xxgk.core.findings import Finding
from xxgk.core.model import Cell, Number, Report
from xxgk.core.templates import S3_PARTS, CellKind
from xxgk.rules import check

BODY = "测试县测试局"
YEAR = {"2019": 2020, "2021": 2023}


def other(version: str) -> str:
    return "2021" if version == "2019" else "2019"


@dataclass
class Case:
    report: Report
    previous: Report | None = None
    findings: list[Finding] = field(default_factory=list)

    def run(self) -> list[Finding]:
        return check(self.report, previous=self.previous)


def amount_code(s2_version: str) -> str:
    return "s2.procurement.amount" if s2_version == "2019" else "s2.fees.amount"


def other_row(version: str) -> str:
    """The table-3 （六）其他处理 row the clean report uses: ``other`` (2019) or ``other.other`` (2021)."""
    return "other" if version == "2019" else "other.other"


def set_s3_row(report: Report, row: str, values: dict[str, int]) -> None:
    """Set the applicant columns of a table-3 row and its 总计 (the sum)."""
    for col in S3_PARTS:
        report.set_value(f"s3.{row}.{col}", values.get(col, 0))
    report.set_value(f"s3.{row}.total", sum(values.values()))


def bump(report: Report, code: str, delta: int) -> None:
    value = report.value(code)
    assert isinstance(value, int)
    report.set_value(code, value + delta)


def narrate(report: Report) -> None:
    """A narrative that states the report's counts the way real reports do."""
    year = f"{report.year}年" if report.year is not None else "本年度"

    def v(code: str) -> Number | None:
        return report.value(code)

    suit = (v("s4.suit_direct.total") or 0) + (v("s4.suit_after_review.total") or 0)
    overall = (
        f"本机关{year}共收到政府信息公开申请{v('s3.received.total')}件，上年结转{v('s3.carried_in.total')}件，"
        f"结转下年度继续办理{v('s3.carried_out.total')}件。"
        f"全年因政府信息公开工作被申请行政复议{v('s4.review.total')}件，被提起行政诉讼{suit}件。"
    )
    if report.template_of("s2") == "2021":
        overall += f"截至年底，现行有效行政规范性文件{v('s2.normative_docs.in_force')}件。"
    report.narrative = {
        "overall": overall,
        "problems": "存在的主要问题：信息发布的及时性有待提高。改进情况：建立信息发布台账，按月督查。",
        "other": f"{year}未收取信息处理费。",
    }


def clean(version: str, *, year: int | Literal["default"] | None = "default", s2: str | None = None) -> Report:
    """A consistent report of ``version`` (table 3/4), table 2 of ``s2`` (default: the same version)."""
    s2v = s2 or version
    report = Report(
        template=version,
        year=YEAR[version] if year == "default" else year,
        body=BODY,
        templates={"s2": s2v} if s2v != version else {},
    )
    for spec in report.specs:
        report.set(spec.code, Cell.number(Decimal(0) if spec.kind is CellKind.AMOUNT else 0))
    # table 2
    if s2v == "2019":
        for code, value in {
            "s2.normative_docs.made": 2,
            "s2.normative_docs.published": 2,
            "s2.normative_docs.total": 10,
            "s2.licensing.prev_items": 20,
            "s2.licensing.change": -2,
            "s2.licensing.decisions": 100,
            "s2.fees.prev_items": 3,
            "s2.procurement.projects": 4,
        }.items():
            report.set_value(code, value)
        report.set_value("s2.procurement.amount", Decimal("12.5"))
    else:
        for code, value in {
            "s2.normative_docs.issued": 2,
            "s2.normative_docs.repealed": 1,
            "s2.normative_docs.in_force": 10,
            "s2.licensing.decisions": 100,
            "s2.penalties.decisions": 7,
        }.items():
            report.set_value(code, value)
        report.set_value("s2.fees.amount", Decimal("3.25"))
    # table 3: received 7 (+1 carried in) = handled 7 + carried out 1
    set_s3_row(report, "received", {"natural": 5, "business": 2})
    set_s3_row(report, "carried_in", {"natural": 1})
    set_s3_row(report, "granted", {"natural": 3, "business": 1})
    set_s3_row(report, "partial", {"natural": 1})
    set_s3_row(report, "unable.not_held", {"business": 1})
    set_s3_row(report, other_row(version), {"natural": 1})
    set_s3_row(report, "total", {"natural": 5, "business": 2})
    set_s3_row(report, "carried_out", {"natural": 1})
    # table 4
    report.set_value("s4.review.upheld", 1)
    report.set_value("s4.review.pending", 1)
    report.set_value("s4.review.total", 2)
    report.set_value("s4.suit_direct.corrected", 1)
    report.set_value("s4.suit_direct.total", 1)
    narrate(report)
    return report


def clean_pair(version: str) -> Case:
    """``clean(version)`` and the same body's consistent report on the year before."""
    report = clean(version)
    assert report.year is not None
    previous = clean(version, year=report.year - 1)
    if version == "2021":
        previous.set_value("s2.normative_docs.in_force", 9)  # 9 + 2 issued − 1 repealed = 10
    else:
        previous.set_value("s2.licensing.prev_items", 22)  # 22 + (−2) = 20
    narrate(previous)
    return Case(report, previous)
