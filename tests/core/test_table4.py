"""Table 4 computed from review and litigation cases (xxgk.core.table4)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xxgk.core.table4 import (
    RESULTS,
    Remedy,
    RemedyError,
    RemedyKind,
    RemedyResult,
    ResultColumn,
    compute_table4,
    remedy_column,
    remedy_errors,
    results_for,
    table4_cells,
)
from xxgk.core.templates import S4_GROUPS, get_template

REVIEW, DIRECT, AFTER = RemedyKind.REVIEW, RemedyKind.SUIT_DIRECT, RemedyKind.SUIT_AFTER_REVIEW


def closed(kind: RemedyKind, filed: date, on: date, result: RemedyResult, ref: object = "") -> Remedy:
    return Remedy(kind=kind, filed_on=filed, closed_on=on, result=result, ref=ref)  # type: ignore[arg-type]


def test_codes_are_exactly_table_4_of_both_templates() -> None:
    codes = list(table4_cells(year=2020, remedies=[]))
    for version in ("2019", "2021"):
        assert codes == [c.code for c in get_template(version).table_cells(4)]


@pytest.mark.parametrize(
    ("result", "column"),
    [
        (RemedyResult.UPHELD, "upheld"),
        (RemedyResult.REVIEW_REQUEST_REJECTED, "upheld"),
        (RemedyResult.CLAIM_REJECTED, "upheld"),
        (RemedyResult.REVOKED, "corrected"),
        (RemedyResult.PARTLY_REVOKED, "corrected"),
        (RemedyResult.CHANGED, "corrected"),
        (RemedyResult.CONFIRMED_UNLAWFUL, "corrected"),
        (RemedyResult.CONFIRMED_VOID, "corrected"),
        (RemedyResult.ORDERED_TO_PERFORM, "corrected"),
        (RemedyResult.APPLICATION_DISMISSED, "other"),
        (RemedyResult.SUIT_DISMISSED, "other"),
        (RemedyResult.NOT_ACCEPTED, "other"),
        (RemedyResult.WITHDRAWN, "other"),
        (RemedyResult.TERMINATED, "other"),
        (RemedyResult.MEDIATED, "other"),
        (RemedyResult.SETTLED, "other"),
        (RemedyResult.OTHER, "other"),
    ],
)
def test_result_mapping(result: RemedyResult, column: str) -> None:
    assert result.column == ResultColumn(column)
    assert RESULTS[result].reason and result.label


def test_every_result_is_mapped_and_applies_to_some_kind() -> None:
    assert set(RESULTS) == set(RemedyResult)
    for result in RemedyResult:
        assert any(result.applies_to(k) for k in RemedyKind)
    assert RemedyResult.CLAIM_REJECTED not in results_for(REVIEW)
    assert RemedyResult.CLAIM_REJECTED in results_for(DIRECT)
    assert RemedyResult.REVIEW_REQUEST_REJECTED in results_for(REVIEW)
    assert RemedyResult.SUIT_DISMISSED not in results_for(REVIEW)
    assert results_for(DIRECT) == results_for(AFTER)


def test_one_year_all_groups_and_columns() -> None:
    y = 2022
    remedies = [
        closed(REVIEW, date(y, 2, 1), date(y, 4, 1), RemedyResult.UPHELD, "r1"),
        closed(REVIEW, date(y, 3, 1), date(y, 5, 1), RemedyResult.REVOKED, "r2"),
        closed(REVIEW, date(y, 3, 1), date(y, 5, 1), RemedyResult.WITHDRAWN, "r3"),
        Remedy(kind=REVIEW, filed_on=date(y, 12, 1), ref="r4"),
        closed(DIRECT, date(y, 1, 5), date(y, 9, 1), RemedyResult.CLAIM_REJECTED, "d1"),
        closed(DIRECT, date(y, 1, 5), date(y, 9, 1), RemedyResult.SUIT_DISMISSED, "d2"),
        closed(AFTER, date(y, 6, 5), date(y, 10, 1), RemedyResult.CONFIRMED_UNLAWFUL, "a1"),
        Remedy(kind=AFTER, filed_on=date(y, 7, 5), result=RemedyResult.CLAIM_REJECTED, ref="a2"),  # appealed
    ]
    out = table4_cells(year=y, remedies=remedies)
    assert [out[f"s4.review.{c}"] for c in ("upheld", "corrected", "other", "pending", "total")] == [1, 1, 1, 1, 4]
    assert [out[f"s4.suit_direct.{c}"] for c in ("upheld", "corrected", "other", "pending", "total")] == [1, 0, 1, 0, 2]
    assert [out[f"s4.suit_after_review.{c}"] for c in ("upheld", "corrected", "other", "pending", "total")] == [
        0,
        1,
        0,
        1,
        2,
    ]
    cells = compute_table4(year=y, remedies=remedies)
    assert cells["s4.review.total"].sources == ("r1", "r2", "r3", "r4")
    assert cells["s4.suit_after_review.pending"].sources == ("a2",)


def test_cases_spanning_years() -> None:
    spanning = closed(REVIEW, date(2023, 11, 20), date(2024, 3, 1), RemedyResult.CHANGED, "s")
    closed_on_new_year = closed(DIRECT, date(2022, 5, 1), date(2024, 1, 1), RemedyResult.UPHELD, "n")
    closed_on_31_dec = closed(DIRECT, date(2023, 5, 1), date(2023, 12, 31), RemedyResult.UPHELD, "e")
    remedies = [spanning, closed_on_new_year, closed_on_31_dec]
    assert remedy_column(spanning, 2022) is None
    assert remedy_column(spanning, 2023) == "pending"
    assert remedy_column(spanning, 2024) == "corrected"
    assert remedy_column(spanning, 2025) is None
    assert [remedy_column(closed_on_new_year, y) for y in (2021, 2022, 2023, 2024)] == [
        None,
        "pending",
        "pending",
        "upheld",
    ]
    assert remedy_column(closed_on_31_dec, 2023) == "upheld"
    y23 = table4_cells(year=2023, remedies=remedies)
    assert (y23["s4.review.pending"], y23["s4.suit_direct.pending"], y23["s4.suit_direct.upheld"]) == (1, 1, 1)
    y24 = table4_cells(year=2024, remedies=remedies)
    assert (y24["s4.review.corrected"], y24["s4.suit_direct.upheld"], y24["s4.suit_direct.total"]) == (1, 1, 1)


def test_filed_on_31_december_is_pending_that_year() -> None:
    r = Remedy(kind=REVIEW, filed_on=date(2021, 12, 31))
    assert remedy_column(r, 2021) == "pending" and remedy_column(r, 2020) is None
    assert r.is_open_on(date(2021, 12, 31)) and not r.is_open_on(date(2021, 12, 30))


def test_a_closed_case_without_result_is_an_error_not_a_silent_zero() -> None:
    bad = Remedy(kind=REVIEW, filed_on=date(2021, 1, 1), closed_on=date(2021, 2, 1))
    with pytest.raises(RemedyError, match="结案须填写结果"):
        table4_cells(year=2021, remedies=[bad])


def test_remedy_errors() -> None:
    assert remedy_errors(closed(REVIEW, date(2021, 1, 1), date(2021, 2, 1), RemedyResult.UPHELD)) == []
    wrong_kind = closed(REVIEW, date(2021, 1, 1), date(2021, 2, 1), RemedyResult.CLAIM_REJECTED)
    assert remedy_errors(wrong_kind) == [("result", "「判决驳回诉讼请求」不适用于行政复议")]
    no_result = Remedy(kind=DIRECT, filed_on=date(2021, 1, 1), closed_on=date(2020, 12, 1))
    assert [f for f, _ in remedy_errors(no_result)] == ["result", "closed_on"]
    dates = Remedy(
        kind=DIRECT,
        filed_on=date(2021, 1, 1),
        closed_on=date(2021, 3, 1),
        result=RemedyResult.REVOKED,
        result_on=date(2021, 4, 1),
    )
    assert [f for f, _ in remedy_errors(dates)] == ["result_on"]
    early = Remedy(kind=DIRECT, filed_on=date(2021, 1, 1), result_on=date(2020, 4, 1))
    assert [f for f, _ in remedy_errors(early)] == ["result_on"]


_dates = st.dates(min_value=date(2018, 1, 1), max_value=date(2027, 12, 31))


@st.composite
def remedies(draw: st.DrawFn) -> Remedy:
    kind = draw(st.sampled_from(RemedyKind))
    filed = draw(_dates)
    closed_on = draw(st.none() | st.dates(min_value=filed, max_value=date(2028, 12, 31)))
    result = draw(st.sampled_from(results_for(kind))) if closed_on else None
    return Remedy(kind=kind, filed_on=filed, closed_on=closed_on, result=result)


@given(st.lists(remedies(), max_size=15), st.integers(min_value=2019, max_value=2027))
def test_identities_and_the_pending_chain(items: list[Remedy], year: int) -> None:
    out = table4_cells(year=year, remedies=items)
    end = date(year, 12, 31)
    for group in S4_GROUPS:
        parts = sum(out[f"s4.{group}.{c}"] for c in ("upheld", "corrected", "other", "pending"))
        assert out[f"s4.{group}.total"] == parts  # C1–C3
        mine = [r for r in items if r.kind.value == group]
        assert out[f"s4.{group}.pending"] == sum(r.is_open_on(end) for r in mine)
        # last year's pending cases are either still pending or decided this year
        last_pending = [r for r in mine if r.is_open_on(date(year - 1, 12, 31))]
        decided = sum(out[f"s4.{group}.{c}"] for c in ("upheld", "corrected", "other"))
        assert decided >= sum(1 for r in last_pending if r.closed_on is not None and r.closed_on <= end)
