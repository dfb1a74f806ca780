"""Key figures of a report: groups summed from the template's rows, shares of corrected decisions, unknowns
kept unknown."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from xxgk.core.model import Cell, Report
from xxgk.core.templates import get_template
from xxgk.ingest import parse_bytes
from xxgk.web.oversight.figures import APPLICANT_COLUMNS, OUTCOME_GROUPS, SUITS, Share, key_figures

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "published"


def filled(template: str, year: int) -> Report:
    """A report whose every cell is a distinct number (the position in the template)."""
    report = Report(template=template, year=year, body="甲")
    for index, spec in enumerate(report.specs, start=1):
        report.set(spec.code, Cell.number(index if spec.kind.value != "amount_wan_yuan" else Decimal(index)))
    return report


def test_groups_sum_the_template_rows_of_each_version() -> None:
    for template, year in (("2019", 2020), ("2021", 2022)):
        report = filled(template, year)
        figures = key_figures(report)
        rows = get_template(template).s3_outcome_rows
        for group in OUTCOME_GROUPS:
            expected = sum(report.value(f"s3.{r}.total") or 0 for r in rows if r.split(".")[0] == group)
            assert figures.outcomes[group] == expected, (template, group)
        assert figures.outcomes["total"] == report.value("s3.total.total")
        for column in (*APPLICANT_COLUMNS, "total"):
            assert figures.received[column] == report.value(f"s3.received.{column}")
        review = figures.corrected["review"]
        assert review.part == report.value("s4.review.corrected")
        assert review.whole == sum(report.value(f"s4.review.{c}") or 0 for c in ("upheld", "corrected", "other"))
        suits = figures.corrected[SUITS]
        assert suits.part == sum(report.value(f"s4.{g}.corrected") or 0 for g in ("suit_direct", "suit_after_review"))


def test_other_group_has_three_rows_in_2021() -> None:
    report = Report(template="2021", year=2021)
    for code in report.codes:
        report.set(code, Cell.number(0))
    report.set("s3.other.no_correction.total", Cell.number(2))
    report.set("s3.other.no_fee.total", Cell.number(3))
    report.set("s3.other.other.total", Cell.number(4))
    assert key_figures(report).outcomes["other"] == 9


def test_unknown_cells_give_unknown_figures() -> None:
    report = filled("2019", 2020)
    report.set("s3.denied.security.total", Cell.blank())
    report.set("s4.review.other", Cell.unreadable("看不清"))
    figures = key_figures(report)
    assert figures.outcomes["denied"] is None
    assert figures.outcomes["granted"] == report.value("s3.granted.total")
    assert figures.corrected["review"].whole is None
    assert figures.corrected["review"].percent is None
    assert figures.corrected["review"].note == "数据不全"


def test_share() -> None:
    assert Share(1, 3).percent == Decimal("33.3")
    assert Share(2, 3).percent == Decimal("66.7")
    assert Share(0, 0).percent is None
    assert Share(1, 4).note == "纠正 1 / 审结 4"


def test_real_report() -> None:
    data = (FIXTURES / "cq-dadukou-baqiao-2020.txt").read_bytes()
    report = parse_bytes(data, source="baqiao.txt").report
    figures = key_figures(report)
    assert figures.received_total == report.value("s3.received.total")
    assert figures.handled_total == report.value("s3.total.total")
    grouped = sum(v for k, v in figures.outcomes.items() if k != "total" and v is not None)
    assert grouped == figures.handled_total
