"""The parser's own finding codes (``P0xx``).

Parsers report only what the model cannot show: how a value was obtained or a choice the parser made.
Blank, unreadable and absent cells and extra rows are in the model; the rules report those. Codes are never
reused; a retired code stays listed here with ``retired=True``.
"""

from __future__ import annotations

from dataclasses import dataclass

from xxgk.core.findings import Finding, Severity
from xxgk.core.model import Source


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    severity: Severity
    message: str  # str.format template, Simplified Chinese
    hint: str  # str.format template
    retired: bool = False


DIGITS_SPLIT = Code(
    "P001",
    Severity.INFO,
    "粘连的数字“{run}”已唯一拆分",
    "拆分为 {values}；{basis}，请与原文核对。",
)
MIXED_TEMPLATES = Code(
    "P002",
    Severity.INFO,
    "第二张表按{s2}版格式印制，第三张表按{s3}版格式印制",
    "报告混用了两版统一格式；各表按其实际印制的版本读取（模板以第三张表为准）。",
)
YEAR_CONFLICT = Code(
    "P003",
    Severity.WARNING,
    "标题中的年度（{title}年）与统计期限（{period}年）不一致",
    "已采用标题中的年度{title}年；请核对报告所属年度。",
)
S3_VERSION_GUESSED = Code(
    "P004",
    Severity.INFO,
    "第三张表未印（六）其他处理，无法据此判断模板版本，按{basis}推定为{version}版",
    "2019版（六）其他处理为一行，2021版分为三行；请核对报告使用的格式。",
)
S3_SUBTOTAL_DROPPED = Code(
    "P005",
    Severity.INFO,
    "第三张表含本地增设的“小计”列，读取时已略去该列",
    "统一格式没有法人或其他组织小计列；小计不计入任何单元格。",
)
PAGES_WITHOUT_TEXT = Code(
    "P011",
    Severity.WARNING,
    "第{pages}页没有文字层（扫描页或字体缺少 Unicode 映射），其内容未读取",
    "这些页需要先做 OCR；印在这些页上的表格单元格和文字未能读取。",
)

#: Every parser code, by code.
CODES: dict[str, Code] = {
    c.code: c
    for c in (
        DIGITS_SPLIT,
        MIXED_TEMPLATES,
        YEAR_CONFLICT,
        S3_VERSION_GUESSED,
        S3_SUBTOTAL_DROPPED,
        PAGES_WITHOUT_TEXT,
    )
}


def finding(code: Code, *, cells: tuple[str, ...] = (), source: Source | None = None, **params: object) -> Finding:
    """A finding of ``code`` with its message and hint filled in from ``params``."""
    return Finding(
        code=code.code,
        severity=code.severity,
        message=code.message.format(**params),
        hint=code.hint.format(**params),
        cells=cells,
        source=source,
    )
