"""X6xx — cross-year: this report against the same body's report on the previous year (``previous``).

These rules run only when ``check(..., previous=...)`` is given. X601 says when the two reports are not
comparable (not consecutive years, or different bodies); the other X rules then stay silent, since a chain
between unrelated reports means nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from xxgk.core.findings import Severity
from xxgk.core.model import Number, Report
from xxgk.core.templates import S3_PARTS
from xxgk.rules.labels import s2_item, s3_col
from xxgk.rules.layout import s2_items_with
from xxgk.rules.registry import UNVERIFIABLE_HINT, CheckContext, Issue, rule

_SPACE = re.compile(r"[\s\u3000]+")


def _body(report: Report) -> str | None:
    return _SPACE.sub("", report.body) if report.body else None


def _comparable(ctx: CheckContext) -> bool:
    prev = ctx.previous
    report = ctx.report
    if prev is None or report.year is None or prev.year is None or prev.year != report.year - 1:
        return False
    a, b = _body(report), _body(prev)
    return a is None or b is None or a == b


def _clip(text: str, n: int = 18) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _both_years(
    ctx: CheckContext, this_codes: tuple[str, ...], last_codes: tuple[str, ...]
) -> tuple[list[Number], list[Number], str]:
    """The numbers of ``this_codes`` in this report and of ``last_codes`` in the previous one, and what is not a
    number (``上年…为空，本年…缺失``; ``""`` when all are numbers, and only then are the value lists complete)."""
    this, this_missing = ctx.nums(this_codes)
    last, last_missing = ctx.prev_nums(last_codes)
    parts = []
    if last_missing:
        parts.append("上年" + ctx.describe_missing(last_missing, previous=True))
    if this_missing:
        parts.append("本年" + ctx.describe_missing(this_missing))
    return this, last, "，".join(parts)


@rule(
    "X601",
    name="previous-comparable",
    severity=Severity.WARNING,
    message="所给上一年度报告与本报告不是同一机关的相邻年度，不做跨年度核对",
    hint="提供同一机关上一年度（本报告年度减一）的年报",
    needs_previous=True,
)
def previous_comparable(ctx: CheckContext) -> Iterator[Issue]:
    """The report given as ``previous`` must be the same body's report on the year before.

    Bodies are compared with spaces removed; a body name missing on either side is not held against the
    pair. When this rule fires the other cross-year rules (X602–X606) do not run.

    Why: the carry chain (X602/X603) and the table-2 chains (X604/X605) link consecutive reports of one
    body; between other reports they mean nothing, and silently skipping them would hide that no
    cross-year check was made.

    Example: checking a 2023 report with ``previous`` = the same body's 2021 report.

    Fix: pass the report on year − 1 of the same body.
    """
    prev = ctx.previous
    report = ctx.report
    if prev is None:
        return
    if report.year is None or prev.year is None:
        yield Issue("本报告或上一年度报告的年度未知，无法确认二者为相邻年度，不做跨年度核对")
        return
    if prev.year != report.year - 1:
        yield Issue(f"所给上一年度报告为{prev.year}年度，本报告为{report.year}年度，不是相邻年度，不做跨年度核对")
        return
    a, b = _body(report), _body(prev)
    if a is not None and b is not None and a != b:
        yield Issue(f"上一年度报告的机关“{_clip(b)}”与本报告“{_clip(a)}”不同，不做跨年度核对")


@rule(
    "X602",
    name="carry-chain-total",
    severity=Severity.ERROR,
    message="上年“结转下年度”总计不等于本年“上年结转”总计",
    hint="本年“二、上年结转”应与上一年度年报“四、结转下年度继续办理”一致",
    needs_previous=True,
)
def carry_chain_total(ctx: CheckContext) -> Iterator[Issue]:
    """Last year's 四、结转下年度继续办理·总计 = this year's 二、上年结转·总计.

    Why: the applications carried out of last year are exactly those carried into this one; both numbers
    are printed by the same body about the same set of requests (KIROGOVCOMPARE ``validateCrossYear``; held
    in all 14 year pairs of real reports checked). A difference means one of the two tables is wrong, hence
    an error for the 总计 column; the applicant columns are X603.

    Example: 2022 report 四、结转下年度·总计 2, 2023 report 二、上年结转·总计 0.

    Fix: correct this year's 二、上年结转 (or last year's report, if that was wrong).
    """
    if not _comparable(ctx):
        return
    cells = ("s3.carried_in.total",)
    this, last, why = _both_years(ctx, cells, ("s3.carried_out.total",))
    if why:
        yield Issue(f"无法核对跨年度结转（总计）：{why}", cells, severity=Severity.WARNING, hint=UNVERIFIABLE_HINT)
        return
    (carried_in,), (carried_out,) = this, last
    if carried_out != carried_in:
        yield Issue(f"上年结转下年度·总计 {carried_out} ≠ 本年上年结转·总计 {carried_in}", cells)


@rule(
    "X603",
    name="carry-chain-columns",
    severity=Severity.WARNING,
    message="某申请人列：上年“结转下年度”不等于本年“上年结转”",
    hint="按申请人类别核对本年“二、上年结转”与上年“四、结转下年度继续办理”",
    needs_previous=True,
)
def carry_chain_columns(ctx: CheckContext) -> Iterator[Issue]:
    """Per applicant column: last year's 四、结转下年度继续办理 = this year's 二、上年结转.

    Why: same chain as X602, column by column. A warning, not an error: the total is the strong fact
    (X602), while the applicant category of a carried request is sometimes reclassified between years
    (e.g. a request first booked under 其他 and then under 法人 once the applicant is identified), which
    leaves the total intact.

    Example: last year 结转下年度 自然人 1 / 商业企业 0, this year 上年结转 自然人 0 / 商业企业 1.

    Fix: book carried requests under the same applicant column in both years.
    """
    if not _comparable(ctx):
        return
    for col in S3_PARTS:
        cells = (f"s3.carried_in.{col}",)
        this, last, why = _both_years(ctx, cells, (f"s3.carried_out.{col}",))
        if why:
            yield Issue(f"无法核对{s3_col(col)}列跨年度结转：{why}", cells, hint=UNVERIFIABLE_HINT)
            continue
        (carried_in,), (carried_out,) = this, last
        if carried_out != carried_in:
            yield Issue(f"{s3_col(col)}列：上年结转下年度 {carried_out} ≠ 本年上年结转 {carried_in}", cells)


def _same_s2(ctx: CheckContext, version: str) -> bool:
    prev = ctx.previous
    return prev is not None and prev.template_of("s2") == version == ctx.report.template_of("s2")


@rule(
    "X604",
    name="in-force-chain",
    severity=Severity.WARNING,
    message="上年现行有效件数+本年制发−本年废止不等于本年现行有效件数",
    hint="核对现行有效件数；有效期届满失效的文件也应在说明中交代",
    templates=("2021",),
    table="s2",
    needs_previous=True,
)
def in_force_chain(ctx: CheckContext) -> Iterator[Issue]:
    """2021 table 2, both years: last 现行有效件数 + 本年制发件数 − 本年废止件数 = 现行有效件数 (规章, 行政规范性文件).

    Why: documents in force at the end of this year are those in force last year, plus those issued, minus
    those repealed. It is soft: documents that expire (有效期届满) or are declared invalid are often not
    counted as 废止, and clean-ups change the count — it failed in 7 of 9 testable year pairs of real
    reports — so it is a warning, never an error.

    Example: last year 现行有效 20; this year 制发 3, 废止 1, 现行有效 25 (expected 22).

    Fix: check the in-force count, or explain expiries in the narrative.
    """
    if not _comparable(ctx) or not _same_s2(ctx, "2021"):
        return
    for item in s2_items_with("2021", "issued", "repealed", "in_force"):
        name = s2_item(item, "2021")
        cells = (f"s2.{item}.issued", f"s2.{item}.repealed", f"s2.{item}.in_force")
        this, last, why = _both_years(ctx, cells, (f"s2.{item}.in_force",))
        if why:
            yield Issue(f"无法核对{name}现行有效件数的跨年度衔接：{why}", cells, hint=UNVERIFIABLE_HINT)
            continue
        (issued, repealed, in_force), (last_in_force,) = this, last
        expected = last_in_force + issued - repealed
        if expected != in_force:
            yield Issue(
                f"{name}：上年现行有效 {last_in_force} + 制发 {issued} − 废止 {repealed} = {expected} ≠ {in_force}",
                cells,
            )


@rule(
    "X605",
    name="items-chain",
    severity=Severity.WARNING,
    message="本年“上一年项目数量”不等于上年“上一年项目数量”加上年“本年增/减”",
    hint="核对“上一年项目数量”：应为上年年报中上一年项目数量加本年增/减",
    templates=("2019",),
    table="s2",
    needs_previous=True,
)
def items_chain(ctx: CheckContext) -> Iterator[Issue]:
    """2019 table 2, both years: this 上一年项目数量 = last 上一年项目数量 + last 本年增/减.

    Checked for 行政许可, 其他对外管理服务事项, 行政处罚, 行政强制 and 行政事业性收费.

    Why: 上一年项目数量 is the number of items at the end of the previous year, and last year's report gave
    that number as its own 上一年项目数量 plus its 本年增/减. Soft (the columns are defined only in provincial
    filling notes and are read loosely), hence a warning; it held 2019→2020 for 平潭.

    Example: 2019 report 行政许可 上一年项目数量 20 / 本年增/减 −2; 2020 report 上一年项目数量 20 (expected 18).

    Fix: carry last year's item count forward.
    """
    if not _comparable(ctx) or not _same_s2(ctx, "2019"):
        return
    for item in s2_items_with("2019", "prev_items", "change"):
        name = s2_item(item, "2019")
        code = f"s2.{item}.prev_items"
        this_values, last, why = _both_years(ctx, (code,), (code, f"s2.{item}.change"))
        if why:
            yield Issue(f"无法核对{name}项目数量的跨年度衔接：{why}", (code,), hint=UNVERIFIABLE_HINT)
            continue
        (this,), (last_items, last_change) = this_values, last
        expected = last_items + last_change
        if expected != this:
            yield Issue(f"{name}：上年 {last_items}{last_change:+} = {expected} ≠ 本年上一年项目数量 {this}", (code,))


@rule(
    "X606",
    name="table2-template-switch",
    severity=Severity.INFO,
    message="两年的表二格式版本不同，表二不做跨年度核对",
    hint="无需处理：2019版与2021版表二各列含义不同，无法衔接",
    needs_previous=True,
)
def table2_template_switch(ctx: CheckContext) -> Iterator[Issue]:
    """The two years' table 2 are of different template versions, so no table-2 chain is checked.

    Why: the 2019 columns (本年新制作/本年新公开/对外公开总数量; 上一年项目数量/本年增/减) and the 2021 columns
    (本年制发/本年废止/现行有效件数; 本年处理决定数量) mean different things; a chain across the 2020→2021
    switch is meaningless. Saying so explains why X604/X605 are silent.

    Example: a 2021 report (2021 table 2) checked against the 2020 report (2019 table 2).

    Fix: nothing to fix; compare the tables by hand if needed.
    """
    prev = ctx.previous
    if prev is None or not _comparable(ctx):
        return
    last, this = prev.template_of("s2"), ctx.report.template_of("s2")
    if last != this:
        yield Issue(f"上年表二为{last}版、本年表二为{this}版：各列含义不同，表二不做跨年度核对")
