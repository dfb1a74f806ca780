"""信息处理费 (《政府信息公开信息处理费管理办法》, 国办函〔2020〕109号, in force 2021-01-01).

Provision of information is free (条例 Art 42); only where the number or frequency of requests clearly exceeds a
reasonable range may the agency charge, as a regulatory lever, by one of two progressive (超额累进) methods —
per application one method, never both:

* **按件计收** (:func:`fee_by_items`) — per applicant and **natural month**, counted cumulatively: up to 10 件 free;
  the 11th–30th 件 100 元/件; from the 31st on, bands of 10 件 whose rate rises by 100 元/件 each
  (31–40: 200, 41–50: 300, …). An application with several items may be counted as several 件 (一事一申请).
* **按量计收** (:func:`fee_by_pages`) — per application: up to 30 页 free; pages 31–100 10 元/页; 101–200 20 元/页;
  from 201 on 40 元/页. (How electronic data is converted to pages is for the caller; see 109号.)

The fee notice states basis, standard and amount (:meth:`FeeQuote.describe` gives the per-band breakdown); the
applicant pays within 20 working days counted from the day after receiving the notice (:func:`payment_deadline`),
else the application is deemed abandoned (table 3 row 其他处理·逾期未缴费). Amounts collected in a year are
reported in section 六 of the annual report (:func:`fees_collected`, :func:`fee_statement`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from xxgk.core.calendar import WorkCalendar
from xxgk.core.deadlines import BASIS_FEE, FEE_PAYMENT_DAYS, Deadline, DeadlineKind, working_day_deadline
from xxgk.core.errors import FeeError


class FeeMethod(StrEnum):
    BY_ITEM = "by_item"
    BY_PAGE = "by_page"

    @property
    def label(self) -> str:
        return "按件计收" if self is FeeMethod.BY_ITEM else "按量计收"

    @property
    def unit(self) -> str:
        return "件" if self is FeeMethod.BY_ITEM else "页"


@dataclass(frozen=True, slots=True)
class Band:
    """A band of units (numbered from 1) charged at one rate; ``last is None`` means open-ended."""

    first: int
    last: int | None
    rate: Decimal  # 元 per unit

    def contains(self, unit: int) -> bool:
        return unit >= self.first and (self.last is None or unit <= self.last)


#: 按量: per application (109号).
PAGE_BANDS: tuple[Band, ...] = (
    Band(1, 30, Decimal(0)),
    Band(31, 100, Decimal(10)),
    Band(101, 200, Decimal(20)),
    Band(201, None, Decimal(40)),
)

#: 按件: per applicant and natural month (109号): free up to 10, 100 元 up to 30, then +100 元 every 10 件.
ITEM_FREE = 10
ITEM_FIRST_BAND_LAST = 30
ITEM_FIRST_RATE = Decimal(100)
ITEM_BAND_WIDTH = 10
ITEM_RATE_STEP = Decimal(100)


def item_band(unit: int) -> Band:
    """The 按件 band of the ``unit``-th 件 of the month (1-based)."""
    if unit < 1:
        raise FeeError(f"件数序号必须从 1 开始，收到 {unit}")
    if unit <= ITEM_FREE:
        return Band(1, ITEM_FREE, Decimal(0))
    if unit <= ITEM_FIRST_BAND_LAST:
        return Band(ITEM_FREE + 1, ITEM_FIRST_BAND_LAST, ITEM_FIRST_RATE)
    step = (unit - ITEM_FIRST_BAND_LAST - 1) // ITEM_BAND_WIDTH + 1
    first = ITEM_FIRST_BAND_LAST + (step - 1) * ITEM_BAND_WIDTH + 1
    return Band(first, first + ITEM_BAND_WIDTH - 1, ITEM_FIRST_RATE + step * ITEM_RATE_STEP)


def page_band(unit: int) -> Band:
    if unit < 1:
        raise FeeError(f"页数序号必须从 1 开始，收到 {unit}")
    return next(b for b in PAGE_BANDS if b.contains(unit))


@dataclass(frozen=True, slots=True)
class FeeLine:
    """The units of one band charged in this application: units ``first``…``last`` at ``rate``."""

    band: Band
    first: int
    last: int
    rate: Decimal
    amount: Decimal

    @property
    def units(self) -> int:
        return self.last - self.first + 1


@dataclass(frozen=True, slots=True)
class FeeQuote:
    """The fee of one application: total ``amount`` (元) and one line per band touched."""

    method: FeeMethod
    units: int  # 件 or 页 charged for in this application
    earlier_units: int  # 按件: 件 the applicant already filed this natural month (0 for 按量)
    amount: Decimal
    lines: tuple[FeeLine, ...]

    @property
    def is_free(self) -> bool:
        return self.amount == 0

    def describe(self) -> tuple[str, ...]:
        """The breakdown for the fee notice, one Chinese line per band, then the total."""
        unit = self.method.unit
        head = f"{self.method.label}（{BASIS_FEE}）"
        if self.method is FeeMethod.BY_ITEM:
            head += f"：本自然月此前已申请{self.earlier_units}件，本次{self.units}件"
        else:
            head += f"：本次申请共{self.units}页"
        lines = [head]
        for line in self.lines:
            span = f"第{line.first}{unit}" if line.first == line.last else f"第{line.first}—{line.last}{unit}"
            if line.rate == 0:
                lines.append(f"{span}：{line.units}{unit}，免费")
            else:
                lines.append(f"{span}：{line.units}{unit} × {line.rate}元/{unit} = {line.amount}元")
        lines.append(f"合计：{self.amount}元")
        return tuple(lines)


def _check_units(value: object, what: str, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise FeeError(f"{what}必须是整数，收到 {value!r}")
    if value < minimum:
        raise FeeError(f"{what}不能小于 {minimum}，收到 {value}")
    if value > 1_000_000:
        raise FeeError(f"{what} {value} 超出合理范围")
    return value


def _quote(method: FeeMethod, first: int, last: int, earlier: int) -> FeeQuote:
    band_of = item_band if method is FeeMethod.BY_ITEM else page_band
    lines: list[FeeLine] = []
    unit = first
    while unit <= last:
        band = band_of(unit)
        end = last if band.last is None else min(band.last, last)
        count = end - unit + 1
        lines.append(FeeLine(band, unit, end, band.rate, band.rate * count))
        unit = end + 1
    total = sum((line.amount for line in lines), Decimal(0))
    return FeeQuote(method, last - first + 1 if last >= first else 0, earlier, total, tuple(lines))


def fee_by_items(items: int, *, earlier_items_this_month: int = 0) -> FeeQuote:
    """按件计收: the fee for ``items`` 件 filed by an applicant who already filed ``earlier_items_this_month``
    件 in the same natural month (the month's count is cumulative)."""
    n = _check_units(items, "件数", minimum=0)
    earlier = _check_units(earlier_items_this_month, "本月此前件数", minimum=0)
    return _quote(FeeMethod.BY_ITEM, earlier + 1, earlier + n, earlier)


def fee_by_pages(pages: int) -> FeeQuote:
    """按量计收: the fee for an application answered with ``pages`` pages."""
    n = _check_units(pages, "页数", minimum=0)
    return _quote(FeeMethod.BY_PAGE, 1, n, 0)


def fee_quote(method: FeeMethod | str, units: int, *, earlier_items_this_month: int = 0) -> FeeQuote:
    """The fee by ``method`` (one method per application, never both)."""
    try:
        m = FeeMethod(method)
    except ValueError:
        raise FeeError(f"未知的计费方式 {method!r}，应为 by_item（按件）或 by_page（按量）") from None
    if m is FeeMethod.BY_ITEM:
        return fee_by_items(units, earlier_items_this_month=earlier_items_this_month)
    if earlier_items_this_month:
        raise FeeError("按量计收按每件申请单独计算，不累计本月此前件数")
    return fee_by_pages(units)


def payment_deadline(notice_received_on: date, calendar: WorkCalendar) -> Deadline:
    """The last day to pay: 20 working days counted from the day after the applicant received the notice."""
    return working_day_deadline(
        DeadlineKind.FEE_PAYMENT,
        notice_received_on,
        FEE_PAYMENT_DAYS,
        calendar,
        basis=BASIS_FEE,
        start_label="申请人收到收费通知之日",
    )


def fees_collected(payments: Iterable[tuple[date, Decimal]], year: int) -> Decimal:
    """The total of ``(payment date, amount)`` pairs paid in ``year`` (for section 六 of the annual report)."""
    total = Decimal(0)
    for day, amount in payments:
        if not isinstance(amount, Decimal) or not amount.is_finite() or amount < 0:
            raise FeeError(f"缴费金额必须是非负的 Decimal，收到 {amount!r}")
        if day.year == year:
            total += amount
    return total


def fee_statement(year: int, amount: Decimal) -> str:
    """The sentence for 六、其他需要报告的事项, e.g. ``2025年，本机关未收取信息处理费。``"""
    if amount < 0:
        raise FeeError(f"收费金额不能为负数，收到 {amount}")
    if amount == 0:
        return f"{year}年，本机关未收取信息处理费。"
    return f"{year}年，本机关依据《政府信息公开信息处理费管理办法》收取信息处理费{amount}元。"
