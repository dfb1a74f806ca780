"""S3xx — table 3 (收到和处理政府信息公开申请情况): the identities the table implies or prints.

* S301 per row: the six applicant columns add up to 总计 (implied by the 总计 column);
* S302 per column: the outcome rows （一）…（六） add up to （七）总计 (implied by （七）总计; there are no
  subtotal rows for （三）–（六）);
* S303 per column: 一 + 二 = 三（七）总计 + 四 — printed in the table itself: "（本列数据的勾稽关系为：第一项加
  第二项之和，等于第三项加第四项之和）";
* S304/S305 plausibility bounds, as warnings.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cache

from xxgk.core.findings import Severity
from xxgk.core.model import Number
from xxgk.rules.labels import s3_col, s3_row
from xxgk.rules.layout import S3_COLUMNS, s3_outcome_rows, s3_rows
from xxgk.rules.registry import UNVERIFIABLE_HINT, CheckContext, Issue, rule

_MAX = 80


def _table_absent(what: str) -> Issue:
    return Issue(f"无法核对{what}：表三缺失", severity=Severity.WARNING, hint=UNVERIFIABLE_HINT)


def _terms(values: Sequence[Number]) -> str:
    return "+".join(str(v) for v in values)


def _fit(*candidates: str) -> str:
    """The first candidate message under 80 characters (the last one otherwise)."""
    for text in candidates:
        if len(text) < _MAX:
            return text
    return candidates[-1]


def _col_of(code: str) -> str:
    return s3_col(code.rsplit(".", 1)[1])


def _row_of(code: str) -> str:
    return s3_row(code.split(".", 1)[1].rsplit(".", 1)[0])


@cache
def _column_cells(version: str) -> tuple[tuple[str, tuple[str, ...], str], ...]:
    """Per column: (column, outcome-row codes, （七）总计 code)."""
    outcomes = s3_outcome_rows(version)
    return tuple((col, tuple(f"s3.{row}.{col}" for row in outcomes), f"s3.total.{col}") for col in S3_COLUMNS)


@rule(
    "S301",
    name="row-total",
    severity=Severity.ERROR,
    message="表三某行：六类申请人之和不等于总计",
    hint="核对该行各申请人列与“总计”列；总计应等于自然人与五类法人或其他组织之和",
)
def row_total(ctx: CheckContext) -> Iterator[Issue]:
    """Per row of table 3: 自然人 + 商业企业 + 科研机构 + 社会公益组织 + 法律服务机构 + 其他 = 总计.

    Checked on all 23 (2019) / 25 (2021) rows. A row with a blank, unreadable or absent cell gets one
    warning saying it could not be verified.

    Why: the 总计 column is the total over the applicant columns (申请人情况: 自然人 and the five kinds of
    法人或其他组织; the national template has no 法人小计 column). Only this rule catches a 总计 column
    printed as 0 while the applicant columns are not, or one request booked in a column but not in the
    total.

    Example: 三、（七）总计 row printed 1 | 0 | 0 | 0 | 0 | 0 | 0 (平潭 海坛片区 2021): 1 ≠ 总计 0.

    Fix: recount the row; 总计 is the sum of the six applicant columns.
    """
    if ctx.table_absent("s3"):
        yield _table_absent("表三各行合计")
        return
    for row in s3_rows(ctx.report.template):
        parts = row.codes[:-1]
        total_code = row.codes[-1]
        cells = (total_code, *parts)  # the total first: it is what the parts contradict
        values, missing = ctx.nums(row.codes)
        label = s3_row(row.key)
        if missing:
            yield ctx.unverifiable(f"{label}行合计", missing, cells, label=_col_of)
            continue
        part_values, total = values[:-1], values[-1]
        s = sum(part_values)
        if s != total:
            yield Issue(
                _fit(
                    f"{label}行：{_terms(part_values)} = {s} ≠ 总计 {total}",
                    f"{label}行：各申请人列之和 {s} ≠ 总计 {total}",
                ),
                cells,
            )


@rule(
    "S302",
    name="outcome-sum",
    severity=Severity.ERROR,
    message="表三某列：办理结果各项之和不等于（七）总计",
    hint="核对该列（一）至（六）各项与（七）总计；每件申请只计入一种办理结果",
)
def outcome_sum(ctx: CheckContext) -> Iterator[Issue]:
    """Per column of table 3: the outcome rows （一）予以公开 … （六）其他处理 add up to （七）总计.

    The outcome rows are every row from （一）予以公开 to the last （六） row: 20 rows in the 2019 template
    (（六）其他处理 is one row), 22 in the 2021 template (（六） split into 1.–3.). There are no subtotal rows
    for （三）–（六）. A column with a blank, unreadable or absent cell gets one warning.

    Why: （七）总计 is the total of the year's outcomes; each application is counted once, in one outcome row
    (the （二） label: "区分处理的，只计这一情形，不计其他情形").

    Example: 法律服务机构 column: （四）1.本机关不掌握 1, every other outcome 0, but （七）总计 0
    (平潭 自然资源与生态环境局 2020): 结果各项之和 1 ≠ 总计 0.

    Fix: recount the outcomes of the column; （七）总计 is their sum.
    """
    if ctx.table_absent("s3"):
        yield _table_absent("表三办理结果之和")
        return
    for col, outcome_codes, total_code in _column_cells(ctx.report.template):
        cells = (total_code, *outcome_codes)  # the total first: it is what the outcome rows contradict
        values, missing = ctx.nums((*outcome_codes, total_code))
        label = s3_col(col)
        if missing:
            yield ctx.unverifiable(f"（七）总计 {label}列的结果之和", missing, cells, label=_row_of)
            continue
        s, total = sum(values[:-1]), values[-1]
        if s != total:
            yield Issue(f"（七）总计 {label}列：结果各项之和 {s} ≠ 总计 {total}", cells)


@rule(
    "S303",
    name="balance",
    severity=Severity.ERROR,
    message="表三某列：一+二 不等于 三（七）总计+四（表中印明的勾稽关系）",
    hint="本年新收加上年结转，应等于本年办理结果总计加结转下年度；逐项核对该列",
)
def balance(ctx: CheckContext) -> Iterator[Issue]:
    """Per column of table 3: 一、本年新收 + 二、上年结转 = 三、（七）总计 + 四、结转下年度继续办理.

    Why: printed in table 3 of both templates as the header note "（本列数据的勾稽关系为：第一项加第二项之和，
    等于第三项加第四项之和）": every application received this year or carried in is either handled this
    year or carried out. It is the only check that catches one application counted twice (e.g. under
    （六）3.其他 and under 四、结转下年度).

    Example: 自然人 column: 一 2 + 二 0 = 2, but 三（七） 3 + 四 0 = 3 (平潭 农业农村局 2021).

    Fix: recount the column: received + carried in = handled + carried out.
    """
    if ctx.table_absent("s3"):
        yield _table_absent("表三勾稽关系")
        return
    for col in S3_COLUMNS:
        cells = (f"s3.received.{col}", f"s3.carried_in.{col}", f"s3.total.{col}", f"s3.carried_out.{col}")
        values, missing = ctx.nums(cells)
        label = s3_col(col)
        if missing:
            yield ctx.unverifiable(f"{label}列勾稽关系（一+二=三+四）", missing, cells, label=_row_of)
            continue
        a, b, c, d = values
        if a + b != c + d:
            yield Issue(
                _fit(
                    f"{label}列：一+二 = {a}+{b} = {a + b} ≠ 三（七）+四 = {c}+{d} = {c + d}",
                    f"{label}列：一+二 = {a + b} ≠ 三（七）+四 = {c + d}",
                ),
                cells,
            )


@rule(
    "S304",
    name="carried-out-bound",
    severity=Severity.WARNING,
    message="表三某列：结转下年度多于本年新收与上年结转之和",
    hint="结转下年度的申请只能来自本年新收或上年结转，核对该列",
)
def carried_out_bound(ctx: CheckContext) -> Iterator[Issue]:
    """Per column of table 3: 四、结转下年度继续办理 ≤ 一、本年新收 + 二、上年结转.

    A plausibility bound: it follows from S303 and non-negative counts, and stays checkable when
    （七）总计 is blank (then S303 cannot be verified). Cells that are not numbers are reported by B202/T007
    and the identity rules; this bound is only checked when its three cells are numbers.

    Why: an application carried into next year was received this year or carried in from last year.

    Example: 总计 column: 一 3 + 二 0, 四、结转下年度 5.

    Fix: recount the carried-out applications of the column.
    """
    for col in S3_COLUMNS:
        a, b, d = ctx.num(f"s3.received.{col}"), ctx.num(f"s3.carried_in.{col}"), ctx.num(f"s3.carried_out.{col}")
        if a is not None and b is not None and d is not None and d > a + b:
            yield Issue(
                f"{s3_col(col)}列：结转下年度 {d} > 一+二 = {a}+{b} = {a + b}",
                (f"s3.received.{col}", f"s3.carried_in.{col}", f"s3.carried_out.{col}"),
            )


@rule(
    "S305",
    name="handled-bound",
    severity=Severity.WARNING,
    message="表三某列：办理结果总计多于本年新收与上年结转之和",
    hint="本年办理的申请只能来自本年新收或上年结转，核对该列",
)
def handled_bound(ctx: CheckContext) -> Iterator[Issue]:
    """Per column of table 3: 三、（七）总计 ≤ 一、本年新收 + 二、上年结转.

    A plausibility bound like S304: implied by S303, and still checkable when 四、结转下年度 is blank.
    Only checked when its three cells are numbers.

    Why: an application handled this year was received this year or carried in from last year.

    Example: 自然人 column: 一 16 + 二 0, （七）总计 18.

    Fix: recount the handled applications of the column.
    """
    for col in S3_COLUMNS:
        a, b, c = ctx.num(f"s3.received.{col}"), ctx.num(f"s3.carried_in.{col}"), ctx.num(f"s3.total.{col}")
        if a is not None and b is not None and c is not None and c > a + b:
            yield Issue(
                f"{s3_col(col)}列：（七）总计 {c} > 一+二 = {a}+{b} = {a + b}",
                (f"s3.received.{col}", f"s3.carried_in.{col}", f"s3.total.{col}"),
            )
