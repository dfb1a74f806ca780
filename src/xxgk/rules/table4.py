"""S4xx — table 4 (政府信息公开行政复议、行政诉讼情况): the three group totals."""

from __future__ import annotations

from collections.abc import Iterator

from xxgk.core.findings import Severity
from xxgk.rules.labels import s4_col, s4_group
from xxgk.rules.layout import s4_rows
from xxgk.rules.registry import UNVERIFIABLE_HINT, CheckContext, Issue, rule


def _col_of(code: str) -> str:
    return s4_col(code.rsplit(".", 1)[1])


@rule(
    "S401",
    name="group-total",
    severity=Severity.ERROR,
    message="表四某组：维持+纠正+其他+尚未审结不等于总计",
    hint="核对该组四项结果与总计；总计为结果维持、结果纠正、其他结果、尚未审结之和",
)
def group_total(ctx: CheckContext) -> Iterator[Issue]:
    """Per group of table 4: 结果维持 + 结果纠正 + 其他结果 + 尚未审结 = 总计.

    The groups are 行政复议, 行政诉讼·未经复议直接起诉 and 行政诉讼·复议后起诉.

    Table 4 is the same in both templates: three groups of five columns, the fifth (总计, rowspan 2 under
    行政复议) being the total of the four outcomes. A group with a blank, unreadable or absent cell gets one
    warning.

    Why: every case is in exactly one state at the end of the year — decided (upheld, corrected, other
    result) or pending — so the four add up to the group's 总计.

    Example: 行政复议 结果维持 1, 其他结果 2, 总计 2.

    Fix: recount the group's cases; 总计 is the sum of the four columns.
    """
    if ctx.table_absent("s4"):
        yield Issue("无法核对表四各组合计：表四缺失", severity=Severity.WARNING, hint=UNVERIFIABLE_HINT)
        return
    for row in s4_rows():
        cells = (row.codes[-1], *row.codes[:-1])  # the total first: it is what the parts contradict
        values, missing = ctx.nums(row.codes)
        label = s4_group(row.key)
        if missing:
            yield ctx.unverifiable(f"{label}合计", missing, cells, label=_col_of)
            continue
        parts, total = values[:-1], values[-1]
        s = sum(parts)
        if s != total:
            terms = "+".join(str(v) for v in parts)
            yield Issue(f"{label}：{terms} = {s} ≠ 总计 {total}", cells)
