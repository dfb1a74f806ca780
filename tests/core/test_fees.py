"""信息处理费 (国办函〔2020〕109号). Expected amounts are hand arithmetic from the rate table in regulation.md §8:

按件 (per applicant, natural month, cumulative): 1–10 free; 11–30 100 元/件; 31–40 200; 41–50 300; …
按量 (per application): 1–30 页 free; 31–100 10 元/页; 101–200 20 元/页; 201+ 40 元/页.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xxgk.core.calendar import calendar_from_chinesecalendar
from xxgk.core.deadlines import DeadlineKind
from xxgk.core.errors import WorkflowError
from xxgk.core.fees import (
    FeeError,
    FeeMethod,
    fee_by_items,
    fee_by_pages,
    fee_quote,
    fee_statement,
    fees_collected,
    item_band,
    page_band,
    payment_deadline,
)

CAL = calendar_from_chinesecalendar()


@pytest.mark.parametrize(
    ("items", "amount"),
    [
        (0, 0),
        (1, 0),
        (10, 0),
        (11, 100),  # the 11th 件 at 100
        (30, 2000),  # 20 × 100
        (31, 2200),  # 2000 + 1 × 200
        (40, 4000),  # 2000 + 10 × 200
        (41, 4300),  # 4000 + 1 × 300
        (50, 7000),  # 4000 + 10 × 300
        (51, 7400),  # 7000 + 1 × 400
        (60, 11000),  # 7000 + 10 × 400
    ],
)
def test_by_item_band_boundaries(items: int, amount: int) -> None:
    quote = fee_by_items(items)
    assert quote.amount == Decimal(amount)
    assert quote.method is FeeMethod.BY_ITEM
    assert quote.units == items
    assert quote.is_free == (amount == 0)


@pytest.mark.parametrize(
    ("pages", "amount"),
    [
        (0, 0),
        (30, 0),
        (31, 10),  # 1 × 10
        (100, 700),  # 70 × 10
        (101, 720),  # 700 + 1 × 20
        (200, 2700),  # 700 + 100 × 20
        (201, 2740),  # 2700 + 1 × 40
        (250, 4700),  # 2700 + 50 × 40
    ],
)
def test_by_page_band_boundaries(pages: int, amount: int) -> None:
    quote = fee_by_pages(pages)
    assert quote.amount == Decimal(amount)
    assert quote.method is FeeMethod.BY_PAGE


def test_by_item_counts_the_month_cumulatively() -> None:
    # Already 9 件 this month; 3 more are the 10th (free), 11th and 12th (100 each).
    quote = fee_by_items(3, earlier_items_this_month=9)
    assert quote.amount == Decimal(200)
    assert [(line.first, line.last, int(line.rate)) for line in quote.lines] == [(10, 10, 0), (11, 12, 100)]
    # Already 35: the 36th–40th at 200, 41st–42nd at 300.
    assert fee_by_items(7, earlier_items_this_month=35).amount == Decimal(5 * 200 + 2 * 300)


def test_breakdown_for_the_fee_notice() -> None:
    quote = fee_by_items(41)
    assert [(line.first, line.last, line.units, int(line.rate), int(line.amount)) for line in quote.lines] == [
        (1, 10, 10, 0, 0),
        (11, 30, 20, 100, 2000),
        (31, 40, 10, 200, 2000),
        (41, 41, 1, 300, 300),
    ]
    text = quote.describe()
    assert text[0].startswith("按件计收（《政府信息公开信息处理费管理办法》（国办函〔2020〕109号））")
    assert "本自然月此前已申请0件，本次41件" in text[0]
    assert "第1—10件：10件，免费" in text
    assert "第11—30件：20件 × 100元/件 = 2000元" in text
    assert "第41件：1件 × 300元/件 = 300元" in text
    assert text[-1] == "合计：4300元"
    pages = fee_by_pages(201).describe()
    assert "本次申请共201页" in pages[0]
    assert "第101—200页：100页 × 20元/页 = 2000元" in pages
    assert "第201页：1页 × 40元/页 = 40元" in pages


def test_bands() -> None:
    assert [int(item_band(n).rate) for n in (10, 11, 30, 31)] == [0, 100, 100, 200]
    assert (item_band(41).first, item_band(41).last, int(item_band(41).rate)) == (41, 50, 300)
    assert page_band(201).last is None and page_band(201).contains(10**6)
    with pytest.raises(FeeError):
        item_band(0)
    with pytest.raises(FeeError):
        page_band(0)


def test_one_method_per_application() -> None:
    assert fee_quote("by_item", 11).amount == Decimal(100)
    assert fee_quote(FeeMethod.BY_PAGE, 31).amount == Decimal(10)
    with pytest.raises(FeeError, match="不累计"):
        fee_quote(FeeMethod.BY_PAGE, 31, earlier_items_this_month=3)
    with pytest.raises(FeeError, match="未知的计费方式"):
        fee_quote("both", 3)
    assert FeeMethod.BY_ITEM.label == "按件计收" and FeeMethod.BY_PAGE.unit == "页"


@pytest.mark.parametrize(
    "call",
    [
        lambda: fee_by_items(-1),
        lambda: fee_by_items(True),
        lambda: fee_by_items(2.5),  # type: ignore[arg-type]
        lambda: fee_by_items(1, earlier_items_this_month=-3),
        lambda: fee_by_pages(-1),
        lambda: fee_by_pages("10"),  # type: ignore[arg-type]
        lambda: fee_by_pages(10**9),
    ],
)
def test_bad_input_gets_a_fee_error(call: object) -> None:
    assert callable(call)
    with pytest.raises(FeeError):
        call()
    assert issubclass(FeeError, WorkflowError)


@given(st.integers(0, 200), st.integers(0, 200))
def test_by_item_is_additive_over_the_month(a: int, b: int) -> None:
    assert fee_by_items(a).amount + fee_by_items(b, earlier_items_this_month=a).amount == fee_by_items(a + b).amount


@given(st.integers(0, 1000), st.integers(0, 100))
def test_fees_never_decrease_with_more_units(n: int, more: int) -> None:
    assert fee_by_pages(n + more).amount >= fee_by_pages(n).amount
    assert fee_by_items(n + more).amount >= fee_by_items(n).amount


@given(st.integers(0, 1000))
def test_breakdown_adds_up(n: int) -> None:
    for quote in (fee_by_pages(n), fee_by_items(n)):
        assert sum(line.amount for line in quote.lines) == quote.amount
        assert sum(line.units for line in quote.lines) == n
        assert all(line.amount == line.rate * line.units for line in quote.lines)


def test_payment_deadline_counts_from_the_day_after_receiving_the_notice() -> None:
    # Notice received Fri 2025-09-26: 20 wd from the next day = 2025-10-30 (regulation.md §12 count).
    deadline = payment_deadline(date(2025, 9, 26), CAL)
    assert deadline.kind is DeadlineKind.FEE_PAYMENT
    assert deadline.due == date(2025, 10, 30)
    assert "109号" in deadline.steps[1]
    late_year = payment_deadline(date(2026, 12, 10), CAL)
    assert late_year.provisional and "2027" in late_year.reason


def test_amounts_collected_per_year_for_section_six() -> None:
    payments = [
        (date(2025, 3, 1), Decimal(100)),
        (date(2025, 12, 31), Decimal("2740")),
        (date(2026, 1, 1), Decimal(10)),
    ]
    assert fees_collected(payments, 2025) == Decimal(2840)
    assert fees_collected(payments, 2024) == Decimal(0)
    assert fee_statement(2024, Decimal(0)) == "2024年，本机关未收取信息处理费。"
    assert "收取信息处理费2840元" in fee_statement(2025, Decimal(2840))
    with pytest.raises(FeeError):
        fees_collected([(date(2025, 1, 1), Decimal(-1))], 2025)
    with pytest.raises(FeeError):
        fees_collected([(date(2025, 1, 1), 5)], 2025)  # type: ignore[list-item]
    with pytest.raises(FeeError):
        fee_statement(2025, Decimal(-5))
