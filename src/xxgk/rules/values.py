"""V1xx — value types: counts are non-negative whole numbers, amounts non-negative 万元 with a known unit."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from functools import cache

from xxgk.core.findings import Severity
from xxgk.core.model import UNIT_UNSTATED, CellState, Number
from xxgk.core.templates import CellKind
from xxgk.rules.labels import cell_label
from xxgk.rules.layout import specs
from xxgk.rules.registry import CheckContext, Issue, rule

#: Units a report JSON may give for an amount cell: ``unstated`` (kept as printed) or the canonical 万元.
KNOWN_UNITS = (UNIT_UNSTATED, "万元")

#: An amount of 10,000,000 万元 (1,000 亿元) or more in one cell is not plausible for one body's fees or
#: procurement; it usually means 元 were written as 万元.
AMOUNT_LIMIT = Decimal(10_000_000)
#: 万元 with 6 decimals is exact to the 分 (0.01 元); more decimals are not money.
AMOUNT_DECIMALS = 6
#: Counts this large in tables 3–4 (applications, cases) are not plausible for one body; in table 2
#: (licensing/penalty decisions) the bound is higher. Both usually mean digits of neighbouring cells ran
#: together.
COUNT_LIMIT = {"s2": 100_000_000, "s3": 1_000_000, "s4": 1_000_000}


@cache
def _kinds(s2_version: str, s3_version: str) -> dict[str, CellKind]:
    return {spec.code: spec.kind for spec in specs(s2_version, s3_version)}


@cache
def _amounts(s2_version: str, s3_version: str) -> tuple[str, ...]:
    return tuple(code for code, kind in _kinds(s2_version, s3_version).items() if kind is CellKind.AMOUNT)


def _kind_map(ctx: CheckContext) -> dict[str, CellKind]:
    return _kinds(ctx.report.template_of("s2"), ctx.report.template)


def _amount_codes(ctx: CheckContext) -> tuple[str, ...]:
    return _amounts(ctx.report.template_of("s2"), ctx.report.template)


def _negatives(ctx: CheckContext, kind: CellKind) -> Iterator[tuple[str, Number]]:
    """The cells of ``kind`` that hold a negative number."""
    kinds = _kind_map(ctx)
    return ((code, value) for code, value in ctx.numbers.items() if value < 0 and kinds.get(code) is kind)


def _fmt(value: object) -> str:
    """A number as a reader writes it: ``Decimal("12.50")`` -> ``12.5``, ``Decimal("0.0")`` -> ``0``."""
    if isinstance(value, Decimal) and value.is_finite():
        return format(value.normalize(), "f")
    return str(value)


@rule(
    "V101",
    name="negative-count",
    severity=Severity.ERROR,
    message="件数为负数",
    hint="件数、事项数不能为负；只有2019版表二“本年增/减”可以为负",
)
def negative_count(ctx: CheckContext) -> Iterator[Issue]:
    """A count (applications, cases, documents, decisions, items) is negative.

    Every cell of tables 3 and 4 and every table-2 cell except the 2019 template's 本年增/减 (``*.change``)
    counts things, so it is a whole number ≥ 0. ``*.change`` may be negative (the 湖北 filling note: "减用
    负值表示，如-8") and is not checked here.

    Why: a negative count is impossible; it comes from a typo, or from a minus sign or dash of a
    neighbouring cell read into this one.

    Example: 三、（一）予以公开 自然人 printed as "-3".

    Fix: correct the number as printed in the source table.
    """
    for code, value in _negatives(ctx, CellKind.COUNT):
        yield Issue(f"{cell_label(code)} 为负数 {_fmt(value)}：件数不能为负", (code,))


@rule(
    "V102",
    name="value-type",
    severity=Severity.ERROR,
    message="单元格的值不是所需类型（件数须为整数，金额须为数字）",
    hint="件数填整数；金额填数字（万元，可有小数）",
)
def value_type(ctx: CheckContext) -> Iterator[Issue]:
    """A count cell holds a fractional number (a ``Decimal`` that is not whole).

    Reading report JSON already refuses these (``Report.from_dict``) and ``Cell`` refuses values that are
    not ``int`` or finite ``Decimal``; but a report built in code can still put ``Decimal("1.5")`` in a count
    cell, and every arithmetic rule would then compare fractions of applications.

    Why: counts are whole numbers (件, 件次, 项); amounts are decimal numbers in 万元 (spec: report JSON).

    Example: ``s3.granted.natural`` holding ``Decimal("2.5")``.

    Fix: store counts as ``int`` and amounts as ``Decimal``.
    """
    kinds = _kind_map(ctx)
    for code, value in ctx.numbers.items():
        if type(value) is Decimal and kinds.get(code) is not CellKind.AMOUNT and value != value.to_integral_value():
            yield Issue(f"{cell_label(code)} 的值 {_fmt(value)[:20]} 不是整数", (code,))


@rule(
    "V103",
    name="negative-amount",
    severity=Severity.ERROR,
    message="金额为负数",
    hint="收费金额、采购金额不能为负",
)
def negative_amount(ctx: CheckContext) -> Iterator[Issue]:
    """An amount (2021 本年收费金额, 2019 采购总金额) is negative.

    Why: fees collected and procurement spent in a year are sums of money paid, never negative.

    Example: 行政事业性收费 本年收费金额 printed as "-12.5".

    Fix: correct the amount as printed in the source table.
    """
    for code, value in _negatives(ctx, CellKind.AMOUNT):
        yield Issue(f"{cell_label(code)} 为负数 {_fmt(value)}：金额不能为负", (code,))


@rule(
    "V104",
    name="amount-plausible",
    severity=Severity.WARNING,
    message="金额的数量级或小数位数不合常理（单位可能有误）",
    hint="核对单位：金额以万元计，原表写“元”的须除以 10000",
)
def amount_plausible(ctx: CheckContext) -> Iterator[Issue]:
    """An amount in 万元 is implausibly large (≥ 1,000 亿元) or has more than 6 decimals (finer than 0.01 元).

    Amounts whose unit the report does not state (``units`` = ``unstated``, see V105) are kept as printed and
    not judged here.

    Why: the spec keeps amounts in 万元 and converts 元 (÷10,000). A value like 75394432.52 万元 is what an
    amount printed in 元 ("75394432.52元", 平潭) becomes when the conversion is missed; 7 or more decimals
    cannot be money in 万元.

    Example: 采购总金额 = 75394432.52 (万元).

    Fix: check the unit printed in the source and convert 元 to 万元.
    """
    units = ctx.report.units
    for code in _amount_codes(ctx):
        value = ctx.num(code)
        if value is None or units.get(code) == UNIT_UNSTATED:
            continue
        dec = Decimal(value)
        if dec >= AMOUNT_LIMIT:
            yield Issue(f"{cell_label(code)} {_fmt(value)} 万元（逾千亿元），疑为以元计未换算", (code,))
            continue
        exponent = dec.normalize().as_tuple().exponent
        if isinstance(exponent, int) and -exponent > AMOUNT_DECIMALS:
            yield Issue(f"{cell_label(code)} {_fmt(value)} 有 {-exponent} 位小数，万元金额最多精确到 6 位", (code,))


@rule(
    "V105",
    name="unit-unstated",
    severity=Severity.INFO,
    message="金额未注明单位，数值按原表保留",
    hint="在表中注明金额单位（万元或元）",
)
def unit_unstated(ctx: CheckContext) -> Iterator[Issue]:
    """An amount's unit is not stated in the report, so the number is kept as printed (``units`` = ``unstated``).

    Why: the 2019 template prints no unit for 采购总金额; reports write 元 (平潭 "75394432.52元") or bare numbers
    (重庆八桥镇 "589.08", probably 万元). The spec says: do not assume 万元, keep the number and mark it. Totals
    across reports must not add such a number to amounts in 万元.

    Example: 采购总金额 printed as "589.08" with no unit.

    Fix: write the unit in the table (e.g. "589.08万元").
    """
    cells = ctx.report.cells
    for code, unit in sorted(ctx.report.units.items()):
        if unit != UNIT_UNSTATED or code not in cells:
            continue
        cell = cells[code]
        shown = _fmt(cell.value) if cell.state is CellState.NUMBER else "（空）"
        yield Issue(f"{cell_label(code)} 未注明单位：数值按原表保留为 {shown}，未换算为万元", (code,))


@rule(
    "V106",
    name="unit-unknown",
    severity=Severity.WARNING,
    message="units 中有无法识别的单位或非金额单元格",
    hint="units 只能为金额单元格标注“unstated”；已注明单位的金额应换算为万元",
)
def unit_unknown(ctx: CheckContext) -> Iterator[Issue]:
    """``report.units`` names a cell that is not an amount, or a unit other than ``unstated``/``万元``.

    Why: in the report JSON every amount is in 万元 and ``units`` only marks amounts printed without a unit
    (``unstated``). Any other entry means a producer stored a value in another unit (e.g. 元) or marked the
    wrong cell, and sums over reports would be wrong.

    Example: ``"units": {"s2.procurement.amount": "元"}``.

    Fix: convert the amount to 万元 and drop the entry, or mark it ``unstated`` if the report states no unit.
    """
    amounts = set(_amount_codes(ctx))
    for code, unit in sorted(ctx.report.units.items()):
        if code not in amounts:
            yield Issue(f"units 标注的“{code[:40]}”不是本报告的金额单元格", (code,) if code in ctx.report.cells else ())
        elif unit not in KNOWN_UNITS:
            yield Issue(f"{cell_label(code)} 的单位“{str(unit)[:12]}”无法识别：金额应换算为万元", (code,))


@rule(
    "V107",
    name="count-magnitude",
    severity=Severity.WARNING,
    message="件数大得不合常理（可能是相邻单元格数字粘连）",
    hint="核对原表：相邻单元格的数字可能被连在一起读出",
)
def count_magnitude(ctx: CheckContext) -> Iterator[Issue]:
    """A count is implausibly large: ≥ 1,000,000 in tables 3–4, ≥ 100,000,000 in table 2.

    Why: flattened text runs neighbouring cells together (平潭 2025 prints table 4 as
    "25380363300630003"); a count of a million applications or cases for one body is far beyond any
    published report, so the number is almost certainly several cells read as one.

    Example: 行政复议·结果维持 = 2538036.

    Fix: split the digits as printed in the source table.
    """
    kinds = _kind_map(ctx)
    for code, value in ctx.numbers.items():
        size = value if value >= 0 else -value
        if size >= COUNT_LIMIT.get(code[:2], COUNT_LIMIT["s2"]) and kinds.get(code) is not CellKind.AMOUNT:
            yield Issue(f"{cell_label(code)} = {_fmt(value)}，数值异常大，疑为数字粘连", (code,))
