"""Comparing two reports cell by cell, with the cross-year rules."""

from __future__ import annotations

from decimal import Decimal

from tests.conftest import PUBLISHED, expected_for
from xxgk.batch.diff import NOT_IN_TEMPLATE, cross_year, describe_cell, describe_difference, diff
from xxgk.core.model import Cell, Report


def report(name: str) -> Report:
    return Report.from_dict(expected_for(PUBLISHED / name))


def test_a_report_equals_itself() -> None:
    r = report("pingtan-zrz-2021.html")
    result = diff(r, r.copy())
    assert result.identical
    assert not result.changed_cells
    assert len(result.cells) == len(r.codes)
    assert all(not cells for cells in result.by_table().values())
    assert sum(len(cells) for cells in result.by_table(all_cells=True).values()) == len(r.codes)


def test_changed_cells_are_listed_with_the_difference() -> None:
    a = report("pingtan-zrz-2021.html")
    b = a.copy()
    old = a.value("s3.received.natural")
    assert isinstance(old, int)
    b.set_value("s3.received.natural", old + 5)
    b.set("s4.review.total", Cell.blank())
    b.set("s2.fees.amount", Cell.number(Decimal("1.5")))
    result = diff(a, b)
    changed = {c.code: c for c in result.changed_cells}
    assert set(changed) == {"s3.received.natural", "s4.review.total", "s2.fees.amount"}
    assert changed["s3.received.natural"].difference == 5
    assert describe_difference(changed["s3.received.natural"].difference) == "+5"
    assert changed["s4.review.total"].difference is None
    assert describe_cell(changed["s4.review.total"].b) == "空白"
    assert changed["s3.received.natural"].label == "一、本年新收·自然人"
    assert [c.code for c in result.by_table()[3]] == ["s3.received.natural"]
    assert not result.meta and not result.identical


def test_different_templates_are_compared_over_the_union_of_cells() -> None:
    a, b = report("pingtan-zrz-2020.html"), report("pingtan-zrz-2021.html")  # 2019 vs 2021 template
    result = diff(a, b)
    codes = [c.code for c in result.cells]
    assert set(codes) == set(a.codes) | set(b.codes)
    only_a = next(c for c in result.cells if c.code == "s3.other.natural")
    assert only_a.b is None and only_a.changed and describe_cell(only_a.b) == NOT_IN_TEMPLATE
    assert {m.field for m in result.meta} >= {"year", "template"}


def test_cross_year_rules_run_for_consecutive_years_in_either_order() -> None:
    a, b = report("pingtan-zrz-2020.html"), report("pingtan-zrz-2021.html")
    forward, backward = cross_year(a, b), cross_year(b, a)
    assert forward.previous == "a" and backward.previous == "b"
    assert forward.findings is not None and forward.findings == backward.findings
    assert all(f.code.startswith("X") for f in forward.findings)


def test_cross_year_is_skipped_with_a_reason() -> None:
    a = report("pingtan-zrz-2021.html")
    assert cross_year(a, a.copy()).skipped is not None
    far = report("pingtan-zrz-2023.html")
    skipped = cross_year(a, far).skipped
    assert skipped is not None and "相邻" in skipped
