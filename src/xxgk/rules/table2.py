"""S2xx — table 2 (主动公开政府信息情况): plausibility bounds that follow from the columns' meaning.

Table 2 prints no 勾稽关系 and its columns add up to nothing, so there are no error-severity identities
here; only inequalities that the column definitions imply, as warnings.
"""

from __future__ import annotations

from collections.abc import Iterator

from xxgk.core.findings import Severity
from xxgk.rules.labels import s2_item
from xxgk.rules.layout import s2_items_with
from xxgk.rules.registry import CheckContext, Issue, rule


@rule(
    "S201",
    name="published-within-total",
    severity=Severity.WARNING,
    message="本年新公开数量大于对外公开总数量",
    hint="核对“本年新公开数量”和“对外公开总数量”两列是否填反或漏计",
    templates=("2019",),
    table="s2",
)
def published_within_total(ctx: CheckContext) -> Iterator[Issue]:
    """2019 table 2, 第二十条第（一）项: 本年新公开数量 ≤ 对外公开总数量 (规章, 规范性文件).

    Why: 对外公开总数量 is the number of documents published and still public; those newly published this
    year are part of it unless repealed within the same year, so a larger 本年新公开数量 almost always
    means swapped or misread columns. Not an identity: the template prints none, hence a warning.

    Example: 规范性文件 本年新制作 5 / 本年新公开 9 / 对外公开总数量 4.

    Fix: check both columns against the body's document register.
    """
    version = ctx.report.template_of("s2")
    for item in s2_items_with(version, "published", "total"):
        published, total = ctx.num(f"s2.{item}.published"), ctx.num(f"s2.{item}.total")
        if published is not None and total is not None and published > total:
            yield Issue(
                f"{s2_item(item, version)}：本年新公开 {published} > 对外公开总数量 {total}",
                (f"s2.{item}.published", f"s2.{item}.total"),
            )


@rule(
    "S202",
    name="issued-within-in-force",
    severity=Severity.WARNING,
    message="本年制发件数大于现行有效件数与本年废止件数之和",
    hint="核对“本年制发”“本年废止”“现行有效”三列；本年制发的文件年末应仍有效或已废止",
    templates=("2021",),
    table="s2",
)
def issued_within_in_force(ctx: CheckContext) -> Iterator[Issue]:
    """2021 table 2, 第二十条第（一）项: 本年制发件数 ≤ 现行有效件数 + 本年废止件数 (规章, 行政规范性文件).

    Why: a document issued this year is, at 31 December, either still in force (counted in 现行有效件数)
    or was repealed this year (counted in 本年废止件数). Only a document that expired within its first year
    escapes both, which is rare; so a larger 本年制发件数 usually means misplaced columns. The template prints
    no identity here, hence a warning.

    Example: 行政规范性文件 本年制发 5 / 本年废止 0 / 现行有效 3.

    Fix: check the three columns against the body's document register.
    """
    version = ctx.report.template_of("s2")
    for item in s2_items_with(version, "issued", "repealed", "in_force"):
        codes = (f"s2.{item}.issued", f"s2.{item}.repealed", f"s2.{item}.in_force")
        issued, repealed, in_force = (ctx.num(c) for c in codes)
        if issued is not None and repealed is not None and in_force is not None and issued > in_force + repealed:
            yield Issue(
                f"{s2_item(item, version)}：本年制发 {issued} > 现行有效 {in_force} + 本年废止 {repealed}",
                codes,
            )


@rule(
    "S203",
    name="items-not-negative",
    severity=Severity.WARNING,
    message="上一年项目数量加本年增/减后为负数",
    hint="“本年增/减”是事项数的净变化，减少不能多于上一年的项目数量",
    templates=("2019",),
    table="s2",
)
def items_not_negative(ctx: CheckContext) -> Iterator[Issue]:
    """2019 table 2: 上一年项目数量 + 本年增/减 ≥ 0 for every row that has both columns.

    The rows are 行政许可, 其他对外管理服务事项, 行政处罚, 行政强制 and 行政事业性收费.

    Why: 上一年项目数量 is the number of items (事项) at the end of last year and 本年增/减 its net change
    this year (湖北 filling note: "减用负值表示"); their sum is this year's number of items, which cannot be
    negative. A violation means a misread sign or a glued neighbour ("88-720"). Warning, because the columns'
    meaning is only given in provincial filling notes.

    Example: 行政许可 上一年项目数量 5 / 本年增/减 -8.

    Fix: check the sign and the digits of 本年增/减 in the source table.
    """
    for item in s2_items_with(ctx.report.template_of("s2"), "prev_items", "change"):
        prev, change = ctx.num(f"s2.{item}.prev_items"), ctx.num(f"s2.{item}.change")
        if prev is not None and change is not None and prev + change < 0:
            yield Issue(
                f"{s2_item(item, '2019')}：上一年项目数量 {prev} + 本年增/减 {change} = {prev + change} < 0",
                (f"s2.{item}.prev_items", f"s2.{item}.change"),
            )
