"""Table 4 of the annual report (四、政府信息公开行政复议、行政诉讼情况) computed from review and litigation cases.

Groups (``s4.<group>.*``): ``review`` 行政复议; ``suit_direct`` 行政诉讼·未经复议直接起诉; ``suit_after_review``
行政诉讼·复议后起诉. Columns: ``upheld`` 结果维持, ``corrected`` 结果纠正, ``other`` 其他结果, ``pending`` 尚未审结,
``total`` 总计 (= the sum of the four).

Which cases a year's table counts (the year runs 1 January – 31 December):

* a case **closed in the year** is counted once, in the result column of its final result (:data:`RESULTS`);
* a case **open on 31 December** (filed on or before that day and not closed by then) is counted in 尚未审结 —
  whatever year it was filed in;
* a case closed before the year, or filed after it, is not counted.

So a case filed in November 2023 and decided in March 2024 is 尚未审结 in the 2023 table and appears with its
result in the 2024 table; the table has no carried-over column, and counting the result in the year it is known is
the only way it is ever reported. 总计 of consecutive years therefore may count one case twice (once pending, once
decided): that is inherent in the template.

"Closed" means the final result is known (the 复议决定 or the effective judgment/ruling, or the withdrawal or
termination); a first-instance judgment under appeal is still open. A closed case must have a result.

Result → column mapping, with reasons (行政复议法 as revised in 2023, 行政诉讼法 as revised in 2017):

* 结果维持 — the body's handling stands on the merits: 维持 (复议维持决定); 驳回复议请求 (the 复议机关 rejects the
  request on the merits, e.g. no duty to act or already performed); 驳回诉讼请求 (since 2015 the court no longer
  "维持" but rejects the claim when the act is lawful — the same finding).
* 结果纠正 — the 复议机关 or court finds the act wrong: 撤销, 部分撤销, 变更, 确认违法 (even when the act is not
  revoked), 确认无效, 责令履行 (incl. 判决履行).
* 其他结果 — no finding on the lawfulness of the act: 驳回复议申请 / 驳回起诉 (procedural: the application or suit
  did not meet the conditions), 不予受理, 撤回 (撤回复议申请 / 撤诉 — also when the body changed its act meanwhile:
  the table's 纠正 is for decisions of the 复议机关 or court), 终止 (终止行政复议 / 诉讼终结), 调解, 和解, 其他.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from types import MappingProxyType

from xxgk.core.errors import XxgkError
from xxgk.core.table2 import ComputedCell
from xxgk.core.templates import S4_COLUMNS, S4_GROUPS


class RemedyError(XxgkError):
    """A review or litigation case is inconsistent; the message is for the user (Chinese)."""

    default_message = "复议或诉讼案件数据有误"


class RemedyKind(StrEnum):
    """The three groups of table 4; values are the ``s4.<group>`` keys."""

    REVIEW = "review"
    SUIT_DIRECT = "suit_direct"
    SUIT_AFTER_REVIEW = "suit_after_review"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]

    @property
    def is_suit(self) -> bool:
        return self is not RemedyKind.REVIEW


_KIND_LABELS: dict[RemedyKind, str] = {
    RemedyKind.REVIEW: "行政复议",
    RemedyKind.SUIT_DIRECT: "行政诉讼（未经复议直接起诉）",
    RemedyKind.SUIT_AFTER_REVIEW: "行政诉讼（复议后起诉）",
}


class ResultColumn(StrEnum):
    UPHELD = "upheld"
    CORRECTED = "corrected"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {"upheld": "结果维持", "corrected": "结果纠正", "other": "其他结果"}[self.value]


class RemedyResult(StrEnum):
    """The detailed result of a case (what the decision, judgment or ruling says)."""

    UPHELD = "upheld"
    REVIEW_REQUEST_REJECTED = "review_request_rejected"
    CLAIM_REJECTED = "claim_rejected"
    REVOKED = "revoked"
    PARTLY_REVOKED = "partly_revoked"
    CHANGED = "changed"
    CONFIRMED_UNLAWFUL = "confirmed_unlawful"
    CONFIRMED_VOID = "confirmed_void"
    ORDERED_TO_PERFORM = "ordered_to_perform"
    APPLICATION_DISMISSED = "application_dismissed"
    SUIT_DISMISSED = "suit_dismissed"
    NOT_ACCEPTED = "not_accepted"
    WITHDRAWN = "withdrawn"
    TERMINATED = "terminated"
    MEDIATED = "mediated"
    SETTLED = "settled"
    OTHER = "other"

    @property
    def spec(self) -> ResultSpec:
        return RESULTS[self]

    @property
    def label(self) -> str:
        return RESULTS[self].label

    @property
    def column(self) -> ResultColumn:
        return RESULTS[self].column

    def applies_to(self, kind: RemedyKind) -> bool:
        spec = RESULTS[self]
        return spec.suit if kind.is_suit else spec.review


@dataclass(frozen=True, slots=True)
class ResultSpec:
    label: str
    column: ResultColumn
    review: bool
    suit: bool
    reason: str


_U, _C, _O = ResultColumn.UPHELD, ResultColumn.CORRECTED, ResultColumn.OTHER

RESULTS: Mapping[RemedyResult, ResultSpec] = MappingProxyType(
    {
        RemedyResult.UPHELD: ResultSpec("维持", _U, True, True, "复议机关决定维持（行政复议法第六十八条）"),
        RemedyResult.REVIEW_REQUEST_REJECTED: ResultSpec(
            "驳回复议请求", _U, True, False, "复议机关经审查驳回申请人的请求（行政复议法第六十九条），原处理不变"
        ),
        RemedyResult.CLAIM_REJECTED: ResultSpec(
            "判决驳回诉讼请求", _U, False, True, "法院认定行为合法、驳回原告诉讼请求（行政诉讼法第六十九条），即维持"
        ),
        RemedyResult.REVOKED: ResultSpec("撤销", _C, True, True, "行为被撤销（含责令重新作出）"),
        RemedyResult.PARTLY_REVOKED: ResultSpec("部分撤销", _C, True, True, "行为被部分撤销"),
        RemedyResult.CHANGED: ResultSpec("变更", _C, True, True, "行为被变更"),
        RemedyResult.CONFIRMED_UNLAWFUL: ResultSpec("确认违法", _C, True, True, "行为被确认违法（即使不撤销）"),
        RemedyResult.CONFIRMED_VOID: ResultSpec("确认无效", _C, True, True, "行为被确认无效"),
        RemedyResult.ORDERED_TO_PERFORM: ResultSpec("责令履行", _C, True, True, "责令（判决）在一定期限内履行"),
        RemedyResult.APPLICATION_DISMISSED: ResultSpec(
            "驳回复议申请", _O, True, False, "受理后发现不符合受理条件而驳回，未对行为作出评价"
        ),
        RemedyResult.SUIT_DISMISSED: ResultSpec("裁定驳回起诉", _O, False, True, "程序性驳回，未对行为合法性作出评价"),
        RemedyResult.NOT_ACCEPTED: ResultSpec("不予受理", _O, True, True, "未进入实体审理"),
        RemedyResult.WITHDRAWN: ResultSpec(
            "撤回申请（撤诉）", _O, True, True, "申请人撤回复议申请或原告撤诉（含机关改变行为后撤回）"
        ),
        RemedyResult.TERMINATED: ResultSpec("终止", _O, True, True, "行政复议终止或诉讼终结"),
        RemedyResult.MEDIATED: ResultSpec("调解", _O, True, True, "以调解结案"),
        RemedyResult.SETTLED: ResultSpec("和解", _O, True, True, "当事人和解后结案"),
        RemedyResult.OTHER: ResultSpec("其他", _O, True, True, "其他结案方式"),
    }
)


def results_for(kind: RemedyKind) -> tuple[RemedyResult, ...]:
    """The results a case of ``kind`` may end with, in catalogue order."""
    return tuple(r for r in RemedyResult if r.applies_to(kind))


@dataclass(frozen=True, slots=True)
class Remedy:
    """One 复议 or 诉讼 case as far as table 4 is concerned. ``ref`` identifies the record behind it."""

    kind: RemedyKind
    filed_on: date
    closed_on: date | None = None
    result: RemedyResult | None = None
    result_on: date | None = None
    ref: int | str = ""

    def is_open_on(self, day: date) -> bool:
        return self.filed_on <= day and (self.closed_on is None or self.closed_on > day)


def remedy_errors(remedy: Remedy) -> list[tuple[str, str]]:
    """What is wrong with ``remedy``: ``(field, Chinese message)`` pairs, empty when consistent."""
    errors: list[tuple[str, str]] = []
    if remedy.result is not None and not remedy.result.applies_to(remedy.kind):
        errors.append(("result", f"「{remedy.result.label}」不适用于{remedy.kind.label}"))
    if remedy.closed_on is not None:
        if remedy.result is None:
            errors.append(("result", "结案须填写结果"))
        if remedy.closed_on < remedy.filed_on:
            errors.append(("closed_on", "结案日期不能早于立案（申请）日期"))
    if remedy.result_on is not None:
        if remedy.result_on < remedy.filed_on:
            errors.append(("result_on", "结果日期不能早于立案（申请）日期"))
        if remedy.closed_on is not None and remedy.result_on > remedy.closed_on:
            errors.append(("result_on", "结果日期不能晚于结案日期"))
    return errors


def remedy_column(remedy: Remedy, year: int) -> str | None:
    """The table-4 column ``remedy`` is counted in for ``year`` (``upheld``/``corrected``/``other``/``pending``),
    or ``None`` when the year's table does not count it."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    if remedy.filed_on > end:
        return None
    if remedy.closed_on is None or remedy.closed_on > end:
        return "pending"
    if remedy.closed_on < start:
        return None
    if remedy.result is None:  # inconsistent record: closed without a result; never silently dropped
        raise RemedyError("结案须填写结果")
    return remedy.result.column.value


def compute_table4(*, year: int, remedies: Iterable[Remedy]) -> dict[str, ComputedCell]:
    """Every ``s4.*`` cell for ``year`` with the cases behind each number (总计 lists every counted case)."""
    refs: dict[str, list[int | str]] = {f"s4.{g}.{c}": [] for g in S4_GROUPS for c in S4_COLUMNS}
    for remedy in remedies:
        column = remedy_column(remedy, year)
        if column is None:
            continue
        refs[f"s4.{remedy.kind.value}.{column}"].append(remedy.ref)
        refs[f"s4.{remedy.kind.value}.total"].append(remedy.ref)
    return {code: ComputedCell(code=code, value=len(r), sources=tuple(r)) for code, r in refs.items()}


def table4_cells(*, year: int, remedies: Iterable[Remedy]) -> dict[str, int]:
    """The fifteen ``s4.*`` values for ``year``."""
    return {code: int(cell.value) for code, cell in compute_table4(year=year, remedies=remedies).items()}


#: How each column is computed, in Chinese, for the drill-down pages.
COLUMN_RULES: dict[str, str] = {
    "upheld": "本年内结案、结果为维持（含驳回复议请求、判决驳回诉讼请求）的案件。",
    "corrected": "本年内结案、结果为撤销、部分撤销、变更、确认违法、确认无效或责令履行的案件。",
    "other": "本年内结案、结果为驳回申请或起诉、不予受理、撤回、终止、调解、和解等未对行为作出评价的案件。",
    "pending": "12月31日尚未结案的案件（不论哪一年立案）。",
    "total": "以上四项之和：本年内结案的案件和年末尚未审结的案件。",
}
