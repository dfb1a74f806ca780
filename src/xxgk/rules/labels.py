"""Short Chinese labels for rows, columns and cells, so that finding messages stay under 80 characters.

The full labels are in the template (``xxgk.core.templates``); the short forms here keep the printed
numbering (（一）…（七）, 1.…8.) so that a reader finds the row in the published table at once.
"""

from __future__ import annotations

from functools import cache

from xxgk.core.errors import ReportError
from xxgk.core.templates import S3_COLUMN_LABELS, S4_COLUMN_LABELS, S4_GROUP_LABELS, cell_spec, get_template

#: Table 3 rows, short form (template order of both versions).
S3_ROW_SHORT: dict[str, str] = {
    "received": "一、本年新收",
    "carried_in": "二、上年结转",
    "granted": "（一）予以公开",
    "partial": "（二）部分公开",
    "denied.state_secret": "（三）1.属于国家秘密",
    "denied.prohibited": "（三）2.其他法律行政法规禁止公开",
    "denied.security": "（三）3.危及“三安全一稳定”",
    "denied.third_party": "（三）4.保护第三方合法权益",
    "denied.internal": "（三）5.属于三类内部事务信息",
    "denied.process": "（三）6.属于四类过程性信息",
    "denied.enforcement_file": "（三）7.属于行政执法案卷",
    "denied.inquiry": "（三）8.属于行政查询事项",
    "unable.not_held": "（四）1.本机关不掌握相关政府信息",
    "unable.needs_creation": "（四）2.没有现成信息需要另行制作",
    "unable.unclear": "（四）3.补正后申请内容仍不明确",
    "not_processed.complaint": "（五）1.信访举报投诉类申请",
    "not_processed.duplicate": "（五）2.重复申请",
    "not_processed.publication": "（五）3.要求提供公开出版物",
    "not_processed.excessive": "（五）4.无正当理由大量反复申请",
    "not_processed.confirmation": "（五）5.要求确认或重新出具已获取信息",
    "other": "（六）其他处理",
    "other.no_correction": "（六）1.逾期不补正",
    "other.no_fee": "（六）2.逾期未缴纳费用",
    "other.other": "（六）3.其他",
    "total": "（七）总计",
    "carried_out": "四、结转下年度继续办理",
}

#: Table names as printed (short).
TABLE_ZH: dict[str, str] = {"s2": "表二（主动公开）", "s3": "表三（依申请公开）", "s4": "表四（复议诉讼）"}


def s3_row(row: str) -> str:
    return S3_ROW_SHORT.get(row, row)


def s3_col(column: str) -> str:
    return S3_COLUMN_LABELS.get(column, column)


def s4_group(group: str) -> str:
    return S4_GROUP_LABELS.get(group, group)


def s4_col(column: str) -> str:
    return S4_COLUMN_LABELS.get(column, column)


def s2_item(item: str, version: str) -> str:
    """Printed row label of a table-2 item (``normative_docs`` -> ``行政规范性文件`` in the 2021 table)."""
    try:
        return get_template(version).s2_item_label(item)
    except (ReportError, StopIteration):
        return item


@cache
def cell_label(code: str) -> str:
    """A short Chinese name of one cell: ``（一）予以公开·商业企业``, ``行政复议·总计``, ``规章·现行有效件数``."""
    section, _, rest = code.partition(".")
    row, _, column = rest.rpartition(".")
    if section == "s3":
        return f"{s3_row(row)}·{s3_col(column)}"
    if section == "s4":
        return f"{s4_group(row)}·{s4_col(column)}"
    if section == "s2":
        try:
            parts = cell_spec(code).label.split("/", 2)
        except ReportError:
            return code
        return f"{parts[1]}·{parts[2]}"
    return code
