"""Reports shared by the renderer tests (imported by conftest.py and the test modules).

* every published fixture's ``.expected.json`` (real reports of both templates, blanks, unstated units);
* synthetic reports in which every cell holds a different value (so a value printed in the wrong row or column
  is caught), with cells in every state, provenance, narrative, extra rows, hostile text, and mixed templates.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from xxgk.core.model import UNIT_UNSTATED, Cell, CellState, ExtraRow, Report, Source
from xxgk.core.templates import CellKind

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "published"

#: The six headings every human-readable rendering prints, in order (the official outline of the report).
HEADINGS = [
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
]
EXPECTED_PATHS = sorted(FIXTURES.glob("*.expected.json"))

HOSTILE_BODY = "<script>alert('body')</script>测试镇 | *强调* =1+1"
HOSTILE_NARRATIVE = "第一段：<img src=x onerror=alert(1)> & 1 < 2。\n\n第二段 | 管道 # 井号\n第三段\x01控制字符"

#: Cells given a non-number state in every synthetic report (codes present in both template versions).
BLANK_CODE = "s3.denied.security.legal"
UNREADABLE_CODE = "s3.unable.unclear.total"
ABSENT_ROW = "not_processed.publication"  # every cell of this table-3 row is absent
ABSENT_CODE = "s4.suit_after_review.pending"
UNREADABLE_NOTE = "数字粘连，无法唯一拆分"
FEE_AMOUNT_2021 = Decimal("24252.311082")
PROCUREMENT_2019 = Decimal("589.08")


def load_expected(path: Path) -> Report:
    return Report.from_json(path.read_text(encoding="utf-8"))


def make_report(s3_version: str, s2_version: str | None = None, *, unstated: bool = False) -> Report:
    """A report whose every cell holds a different value, with cells in every state."""
    templates = {"s2": s2_version} if s2_version and s2_version != s3_version else {}
    report = Report(
        template=s3_version,
        year=2023 if s3_version == "2021" else 2020,
        body=HOSTILE_BODY,
        templates=templates,
        narrative={
            "overall": HOSTILE_NARRATIVE,
            "problems": "一是问题。\n二是改进。",
            "other": "本年度未收取信息处理费。",
        },
        extra_rows=[ExtraRow("s2", "其他主动公开文件 <b>", ("12", "3"), Source(file="a.html", table=1, row=9))],
    )
    for index, spec in enumerate(report.specs):
        value: int | Decimal = index + 1
        if spec.kind is CellKind.SIGNED:
            value = -(index + 1)
        if spec.kind is CellKind.AMOUNT:
            value = FEE_AMOUNT_2021 if spec.code == "s2.fees.amount" else PROCUREMENT_2019
        report.cells[spec.code] = Cell.number(value, Source(file="a.html", table=spec.table, row=index, col=1))
    report.cells[BLANK_CODE] = Cell.blank(Source(file="a.html", line=3, text="/"), note="printed “/”")
    report.cells[UNREADABLE_CODE] = Cell.unreadable(UNREADABLE_NOTE, Source(file="a.html", line=4, text="1000001"))
    for code in report.codes:
        if code.startswith(f"s3.{ABSENT_ROW}."):
            report.cells[code] = Cell.absent()
    report.cells[ABSENT_CODE] = Cell.absent("row cut off")
    if unstated:
        report.units["s2.procurement.amount"] = UNIT_UNSTATED
    return report


VARIANTS: dict[str, Callable[[], Report]] = {
    "2019": lambda: make_report("2019"),
    "2019-unstated": lambda: make_report("2019", unstated=True),
    "2021": lambda: make_report("2021"),
    "mixed-s2-2021-s3-2019": lambda: make_report("2019", "2021"),
    "mixed-s2-2019-s3-2021": lambda: make_report("2021", "2019", unstated=True),
}


def parse_number(text: str) -> Decimal:
    """How a reader of the rendered output reads a number back."""
    return Decimal(text)


def states(report: Report) -> set[CellState]:
    return {report.cells[c].state for c in report.codes}
