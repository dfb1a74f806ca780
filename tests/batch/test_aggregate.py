"""Aggregation (汇总): sums, refusals, blanks, units — tested on the fixtures' expected reports."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest

from tests.conftest import PUBLISHED, expected_for
from xxgk.batch.aggregate import AggregationError, Aggregator, aggregate
from xxgk.core.findings import Severity
from xxgk.core.model import UNIT_UNSTATED, Cell, CellState, Report
from xxgk.rules import check


def expected(name: str) -> dict[str, Any]:
    return expected_for(PUBLISHED / name)


def report(name: str, **changes: Any) -> Report:
    r = Report.from_dict(expected(name))
    return replace(r, **changes) if changes else r


def test_cells_are_summed_where_every_report_has_a_number() -> None:
    a, b = "pingtan-jjp-2022.html", "pingtan-lyy-2022.html"  # both 2022, 2021 template
    result = aggregate([(a, report(a)), (b, report(b))])
    combined = result.report
    cells_a, cells_b = expected(a)["cells"], expected(b)["cells"]
    for code, cell in combined.cells.items():
        va, vb = cells_a[code], cells_b[code]
        if va is not None and vb is not None:
            assert cell.value == Decimal(str(va)) + Decimal(str(vb)), code
        else:
            assert cell.value is None, code
            assert code in result.incomplete or cell.state in (CellState.BLANK, CellState.ABSENT), code
    assert (combined.year, combined.template) == (2022, "2021")
    assert combined.body == "汇总（2个机关）"
    assert [i.body for i in result.included] == [expected(a)["body"], expected(b)["body"]]
    assert all(i.body and i.body in combined.narrative["overall"] for i in result.included)


def test_sum_of_consistent_reports_is_consistent() -> None:
    name = "pingtan-hzs-2023.html"  # PROVENANCE: defects none
    base = report(name)
    assert not [f for f in check(base) if f.severity is Severity.ERROR]
    other = replace(base.copy(), body="另一机关")
    combined = aggregate([("a", base), ("b", other)], body="平潭综合实验区").report
    assert combined.body == "平潭综合实验区"
    assert not [f for f in check(replace(combined, narrative={})) if f.severity is Severity.ERROR]
    assert combined.value("s3.received.total") == 2 * (base.value("s3.received.total") or 0)


def test_different_years_or_templates_are_refused_naming_the_files() -> None:
    nyn, htp, jjp = "pingtan-nyn-2021.html", "pingtan-htp-2021.html", "pingtan-jjp-2022.html"
    assert (expected(nyn)["year"], expected(htp)["year"]) == (2021, 2021)
    assert expected(nyn)["template"] != expected(htp)["template"]
    with pytest.raises(AggregationError) as info:
        aggregate([(nyn, report(nyn)), (htp, report(htp))])
    assert nyn in info.value.message and htp in info.value.message
    assert "模板2019" in info.value.message and "模板2021" in info.value.message
    with pytest.raises(AggregationError) as info:
        aggregate([(nyn, report(nyn)), (jjp, report(jjp))])
    assert "2021年度" in info.value.message and "2022年度" in info.value.message


def test_mixed_table_two_versions_are_refused() -> None:
    name = "pingtan-hzs-2023.html"
    base = report(name)
    mixed = Report(template="2021", year=2023, body="混合", templates={"s2": "2019"})
    with pytest.raises(AggregationError, match="表二2019版"):
        aggregate([("a", base), ("b", mixed)])


def test_one_body_twice_is_refused() -> None:
    first = report("pingtan-hzs-2023.html")
    assert first.body
    again = replace(first.copy(), body=first.body[:2] + " " + first.body[2:])  # spacing differs, same body
    with pytest.raises(AggregationError, match="多次") as info:
        aggregate([("a.html", first), ("a.docx", again)])
    assert "a.html" in info.value.message and "a.docx" in info.value.message


def test_nothing_to_sum() -> None:
    agg = Aggregator()
    agg.skip("x.pdf", "没有文字层")
    with pytest.raises(AggregationError, match=r"x\.pdf"):
        agg.result()


def _pair(code: str, first: Cell, second: Cell) -> tuple[Report, Report]:
    a = report("pingtan-hzs-2023.html")
    b = replace(a.copy(), body="乙机关")
    a.set(code, first)
    b.set(code, second)
    return a, b


def test_blank_is_not_zero() -> None:
    code = "s3.received.natural"
    a, b = _pair(code, Cell.number(3), Cell.blank())
    result = aggregate([("a", a), ("b", b)])
    cell = result.report.cells[code]
    assert cell.state is CellState.UNREADABLE
    assert cell.note is not None and "乙机关" in cell.note and "3" in cell.note
    assert result.incomplete[code] == cell.note
    # On request, blank (and absent) cells count as 0 — and the note says whose.
    zeroed = aggregate([("a", a), ("b", b)], treat_blank_as_zero=True).report.cells[code]
    assert zeroed.value == 3 and zeroed.note is not None and "乙机关" in zeroed.note


def test_unreadable_is_never_zero() -> None:
    code = "s3.received.natural"
    a, b = _pair(code, Cell.number(3), Cell.unreadable("看不清"))
    cell = aggregate([("a", a), ("b", b)], treat_blank_as_zero=True).report.cells[code]
    assert cell.state is CellState.UNREADABLE and cell.note is not None and "乙机关" in cell.note


def test_blank_everywhere_stays_blank_and_absent_everywhere_stays_absent() -> None:
    code = "s2.regulations.issued"
    a, b = _pair(code, Cell.blank(), Cell.blank())
    assert aggregate([("a", a), ("b", b)]).report.cells[code].state is CellState.BLANK
    a, b = _pair(code, Cell.absent(), Cell.absent())
    assert aggregate([("a", a), ("b", b)]).report.cells[code].state is CellState.ABSENT


def test_amounts_are_summed_only_in_one_unit() -> None:
    name = "pingtan-gaj-2019.html"
    code = "s2.procurement.amount"
    assert expected(name)["units"] == {code: UNIT_UNSTATED}
    a = report(name)
    a.set(code, Cell.number(Decimal("12.5")))
    b = replace(a.copy(), body="乙机关")
    b.set(code, Cell.number(Decimal("7.25")))
    both_unstated = aggregate([("a", a), ("b", b)]).report
    assert both_unstated.value(code) == Decimal("19.75")
    assert both_unstated.units == {code: UNIT_UNSTATED}
    b.units = {}  # 万元, stated or converted
    result = aggregate([("a", a), ("b", b)])
    cell = result.report.cells[code]
    assert cell.state is CellState.UNREADABLE
    assert cell.note is not None and "单位" in cell.note and "乙机关" in cell.note
    assert code in result.incomplete


def test_aggregator_lists_skipped_files_in_the_report() -> None:
    agg = Aggregator()
    agg.add("a.html", report("pingtan-hzs-2023.html"))
    agg.skip("scan.pdf", "此 PDF 没有文字层")
    result = agg.result()
    assert [s.source for s in result.skipped] == ["scan.pdf"]
    assert "scan.pdf" in result.report.narrative["overall"]
