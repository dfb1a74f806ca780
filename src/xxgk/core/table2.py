"""Table 2 of the annual report (二、主动公开政府信息情况) computed from registers, never typed.

Two kinds of records feed the table:

* **normative documents** (第二十条第（一）项: 规章 and 行政规范性文件) with their lifecycle — issued, published,
  amended, repealed, expired — from which the document columns are *counted* for a year;
* **yearly figures** (第（五）（六）（八）（九）项) that come from other systems (the licensing platform, the
  enforcement system, the fee ledger, the procurement platform) and are entered once a year with their source.

Counting rules (the year runs 1 January – 31 December; "at year end" means on 31 December):

2019 template (国办公开办函〔2019〕60号, reports on 2019 and 2020):

* ``made`` 本年新制作数量 — documents whose issue date (印发/制发日期) falls in the year. An amendment made in the
  year also counts (see "Amendments" below); a document is counted at most once per column and year.
* ``published`` 本年新公开数量 — documents whose publication date (公开日期) falls in the year, whatever year they
  were made in (a document made in December and published in January counts as made in one year and published in
  the next); an amended text published in the year counts too.
* ``total`` 对外公开总数量 — documents that are public and in force at year end: published on or before 31
  December, not repealed and not expired by then. The template's note reads "total ever published and still
  public"; a repealed or expired document is no longer a document *in force* that the public is told about, so it
  leaves the total (this keeps ``total`` comparable with the 2021 template's 现行有效件数).

2021 template (国办公开办函〔2021〕30号, reports on 2021 onward):

* ``issued`` 本年制发件数 — as ``made`` above (issue date in the year, or an amendment in the year).
* ``repealed`` 本年废止件数 — documents repealed (废止, including 宣布失效 by a clean-up decision) with effect in the
  year. A document that simply reaches the end of its validity period (有效期届满) is *not* counted as 废止 — that
  is how published reports count (the in-force chain X2 of template.md fails in real reports for exactly this
  reason) — but it leaves 现行有效.
* ``in_force`` 现行有效件数 — documents in force on 31 December: issued on or before that day, not repealed with
  effect on or before it, and not past their validity period (a document valid "至2025年12月31日" is still in
  force on 31 December 2025). The 施行日期 is not used: a document issued in December that takes effect in January
  is already part of the body's valid documents at year end (and counting it keeps last year's 现行有效 + 制发 −
  废止 = 现行有效 whenever nothing expired).

Amendments: the national templates are silent. A 规章 is amended by a 政府令 that is itself a 规章, and a 行政规范性
文件 is amended by a document issued under its own 文号 (统一登记、统一编号、统一印发); published reports commonly
count such amendments in 制发/新制作 ("含修订"). So by default an amendment counts as 制发 (2021) / 新制作 (2019) in
the year it is made and as 新公开 (2019) in the year the amended text is published; it never changes 废止 or 现行有效
(the amended document is still one document). ``count_amendments=False`` gives the other reading.

Yearly figures (one record per item and year; several records of the same item are added up):

* 2019 template: ``prev_items`` 上一年项目数量 (number of 事项 at the end of the previous year), ``change`` 本年增/减
  (net change, may be negative), ``decisions`` 处理决定数量 (decisions made in the year, 办件量) for 行政许可,
  其他对外管理服务事项, 行政处罚, 行政强制; ``prev_items``/``change`` for 行政事业性收费 (numbers of fee *items*, not
  money); ``projects`` 采购项目数量 and ``amount`` 采购总金额 for 政府集中采购.
* 2021 template: ``decisions`` 本年处理决定数量 for 行政许可, 行政处罚, 行政强制; ``amount`` 本年收费金额 for
  行政事业性收费.

Amounts are :class:`~decimal.Decimal` in 万元 (docs/cell-codes.md): :func:`parse_amount` converts "5890800元" to
``Decimal("589.08")``; at most six decimals are kept (one 分 = 0.000001 万元).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from xxgk.core.errors import XxgkError
from xxgk.core.templates import get_template, template_for_year

Number = int | Decimal


class LedgerError(XxgkError):
    """A register record (document, figure) or an import is invalid; the message is for the user (Chinese)."""

    default_message = "台账数据有误"


# -- normative documents ----------------------------------------------------------------------------------------


class DocKind(StrEnum):
    """The two rows of 第二十条第（一）项."""

    REGULATION = "regulation"
    NORMATIVE = "normative"

    @property
    def label(self) -> str:
        return "规章" if self is DocKind.REGULATION else "行政规范性文件"

    @property
    def item(self) -> str:
        """The table-2 item key of the row (``s2.<item>.*``)."""
        return "regulations" if self is DocKind.REGULATION else "normative_docs"


@dataclass(frozen=True, slots=True)
class Amendment:
    """One amendment (修改/修订/修正) of a document: the day it was made and the day the amended text was published."""

    amended_on: date
    published_on: date | None = None


@dataclass(frozen=True, slots=True)
class Document:
    """The lifecycle of one 规章 or 行政规范性文件. ``ref`` identifies the record behind it (for drill-down).

    ``repealed_on`` is the day the repeal takes effect (the document is no longer in force from that day);
    ``expires_on`` is the last day of its validity period (有效期至), inclusive.
    """

    kind: DocKind
    issued_on: date
    published_on: date | None = None
    repealed_on: date | None = None
    expires_on: date | None = None
    amendments: tuple[Amendment, ...] = ()
    ref: int | str = ""

    def in_force_on(self, day: date) -> bool:
        if self.issued_on > day:
            return False
        if self.repealed_on is not None and self.repealed_on <= day:
            return False
        return self.expires_on is None or self.expires_on >= day

    def ended_on(self) -> date | None:
        """The first day the document is no longer in force (repeal or expiry), if any."""
        ends = [d for d in (self.repealed_on, self.expires_on + timedelta(days=1) if self.expires_on else None) if d]
        return min(ends) if ends else None


def document_errors(doc: Document) -> list[tuple[str, str]]:
    """What is wrong with ``doc``: ``(field, Chinese message)`` pairs, empty when the lifecycle is consistent."""
    errors: list[tuple[str, str]] = []
    issued = doc.issued_on
    if doc.published_on is not None and doc.published_on < issued:
        errors.append(("published_on", "公开日期不能早于制发日期"))
    if doc.repealed_on is not None and doc.repealed_on <= issued:
        errors.append(("repealed_on", "废止日期应晚于制发日期"))
    if doc.expires_on is not None and doc.expires_on < issued:
        errors.append(("expires_on", "有效期截止日期不能早于制发日期"))
    seen: set[date] = set()
    for a in doc.amendments:
        if a.amended_on <= issued:
            errors.append(("amendments", f"修改日期 {a.amended_on.isoformat()} 应晚于制发日期"))
        if doc.repealed_on is not None and a.amended_on >= doc.repealed_on:
            errors.append(("amendments", f"修改日期 {a.amended_on.isoformat()} 应早于废止日期"))
        if a.published_on is not None and a.published_on < a.amended_on:
            errors.append(("amendments", f"修改后的公开日期 {a.published_on.isoformat()} 不能早于修改日期"))
        if a.amended_on in seen:
            errors.append(("amendments", f"修改日期 {a.amended_on.isoformat()} 重复"))
        seen.add(a.amended_on)
    return errors


# -- yearly figures ---------------------------------------------------------------------------------------------


class FigureItem(StrEnum):
    """The table-2 rows whose numbers come from other systems; values are the ``s2.<item>`` keys."""

    LICENSING = "licensing"
    OTHER_SERVICES = "other_services"
    PENALTIES = "penalties"
    COERCION = "coercion"
    FEES = "fees"
    PROCUREMENT = "procurement"

    @property
    def label(self) -> str:
        return _ITEM_LABELS[self]


_ITEM_LABELS: dict[FigureItem, str] = {
    FigureItem.LICENSING: "行政许可",
    FigureItem.OTHER_SERVICES: "其他对外管理服务事项",
    FigureItem.PENALTIES: "行政处罚",
    FigureItem.COERCION: "行政强制",
    FigureItem.FEES: "行政事业性收费",
    FigureItem.PROCUREMENT: "政府集中采购",
}


class FigureField(StrEnum):
    """The numbers of a yearly figure; values are the table-2 column keys (``s2.<item>.<field>``)."""

    PREV_ITEMS = "prev_items"
    CHANGE = "change"
    DECISIONS = "decisions"
    PROJECTS = "projects"
    AMOUNT = "amount"

    def label_for(self, item: FigureItem, year: int | None = None) -> str:
        """The column label as the template of ``year`` prints it for ``item`` (amounts say 万元)."""
        if self is FigureField.AMOUNT:
            return "本年收费金额（万元）" if item is FigureItem.FEES else "采购总金额（万元）"
        if self is FigureField.DECISIONS and year is not None and year >= 2021:
            return "本年处理决定数量"
        return _FIELD_LABELS[self]

    @property
    def is_amount(self) -> bool:
        return self is FigureField.AMOUNT


_FIELD_LABELS: dict[FigureField, str] = {
    FigureField.PREV_ITEMS: "上一年项目数量",
    FigureField.CHANGE: "本年增/减",
    FigureField.DECISIONS: "处理决定数量",
    FigureField.PROJECTS: "采购项目数量",
    FigureField.AMOUNT: "金额（万元）",
}


def figure_fields(item: FigureItem, year: int) -> tuple[FigureField, ...]:
    """The numbers of ``item`` that the template of ``year`` asks for (empty when the template has no such row),
    read from the cell specification so that code and template cannot drift."""
    version = template_for_year(year)
    if version is None:
        return ()
    template = get_template(version)
    if item.value not in template.s2_items:
        return ()
    return tuple(FigureField(c) for c in template.s2_columns(item.value))


def figure_items(year: int) -> tuple[FigureItem, ...]:
    """The figure items that the template of ``year`` has, in template order."""
    return tuple(i for i in FigureItem if figure_fields(i, year))


@dataclass(frozen=True, slots=True)
class Figure:
    """The numbers of one table-2 item for one year, as entered from another system (``None`` = not entered)."""

    item: FigureItem
    year: int
    prev_items: int | None = None
    change: int | None = None
    decisions: int | None = None
    projects: int | None = None
    amount: Decimal | None = None
    source: str = ""
    ref: int | str = ""

    def value(self, name: FigureField) -> Number | None:
        value: Number | None = getattr(self, name.value)
        return value


AMOUNT_PLACES = 6
_AMOUNT_QUANTUM = Decimal(1).scaleb(-AMOUNT_PLACES)


def figure_errors(fig: Figure) -> list[tuple[str, str]]:
    """What is wrong with ``fig`` for the template of its year: ``(field, Chinese message)`` pairs.

    Every number the template asks for must be given (0 when there is nothing to report); numbers the template does
    not have must be left empty (so nobody believes they are reported); counts are non-negative integers, 本年增/减
    may be negative, amounts are non-negative with at most six decimals (万元); the source is required.
    """
    errors: list[tuple[str, str]] = []
    version = template_for_year(fig.year)
    if version is None:
        return [("year", f"{fig.year}年早于统一格式（2019年起），无需填报")]
    wanted = figure_fields(fig.item, fig.year)
    if not wanted:
        tpl = "2021年起" if version == "2021" else "2019—2020年"
        return [("item", f"{tpl}的年度报告模板没有「{fig.item.label}」这一项")]
    for name in FigureField:
        value = fig.value(name)
        label = name.label_for(fig.item, fig.year)
        if name not in wanted:
            if value is not None:
                errors.append((name.value, f"{fig.year}年的报告模板中「{fig.item.label}」没有「{label}」栏，请留空"))
            continue
        if value is None:
            errors.append((name.value, "不能为空（没有请填 0）"))
        elif isinstance(value, Decimal):
            if value < 0:
                errors.append((name.value, "不能为负数"))
            elif value != value.quantize(_AMOUNT_QUANTUM):
                errors.append((name.value, f"最多保留 {AMOUNT_PLACES} 位小数（单位：万元）"))
        elif value < 0 and name is not FigureField.CHANGE:
            errors.append((name.value, "不能为负数"))
    if fig.prev_items is not None and fig.change is not None and fig.prev_items + fig.change < 0:
        errors.append(("change", "减少的项目数量不能多于上一年项目数量"))
    if not fig.source.strip():
        errors.append(("source", "请注明数据来源（系统名称或文件）"))
    return errors


# -- parsing numbers as people type them ------------------------------------------------------------------------

_MEASURE_WORDS = "个项件笔次宗批家"
_COUNT_RE = re.compile(rf"^([+-]?)(\d+)\s*[{_MEASURE_WORDS}]?$")
_AMOUNT_RE = re.compile(r"^([+-]?)(\d+(?:\.\d+)?)\s*(万元|万|元)?$")


def _normalise(text: str) -> str:
    value = unicodedata.normalize("NFKC", text).strip()
    value = value.replace("\u2212", "-").replace(",", "").replace(" ", "")
    return value[1:] if value.startswith("'") else value  # the formula-injection escape of our own exports


def parse_count(text: str, *, signed: bool = False) -> int:
    """``"95"``, ``"95个"``, ``"2笔"``, ``"１２"`` → int; ``"-18"`` only when ``signed``. ValueError (Chinese)."""
    value = _normalise(text)
    match = _COUNT_RE.match(value)
    if match is None:
        raise ValueError(f"应为整数，实际为 '{text.strip()}'")
    sign, digits = match.groups()
    number = int(digits)
    if sign == "-":
        if not signed:
            raise ValueError(f"不能为负数，实际为 '{text.strip()}'")
        number = -number
    return number


def parse_amount(text: str) -> Decimal:
    """An amount in 万元: ``"589.08"`` / ``"589.08万元"`` → 589.08; ``"5,890,800元"`` → 589.08. ValueError (Chinese)
    when it is not a non-negative number or has more precision than 0.000001 万元 (one 分)."""
    value = _normalise(text)
    match = _AMOUNT_RE.match(value)
    if match is None:
        raise ValueError(f"应为数字，实际为 '{text.strip()}'")
    sign, digits, unit = match.groups()
    try:
        amount = Decimal(digits)
    except InvalidOperation:  # pragma: no cover - the pattern only lets decimal literals through
        raise ValueError(f"应为数字，实际为 '{text.strip()}'") from None
    if unit == "元":
        amount = amount.scaleb(-4)
    if sign == "-" and amount != 0:
        raise ValueError(f"不能为负数，实际为 '{text.strip()}'")
    if amount != amount.quantize(_AMOUNT_QUANTUM):
        raise ValueError(f"最多精确到分（{AMOUNT_PLACES} 位小数的万元），实际为 '{text.strip()}'")
    return amount


def format_number(value: Number) -> str:
    """A cell value as printed: integers plainly, amounts without trailing zeros (``589.080000`` → ``589.08``)."""
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return "0" if text in ("-0", "") else text
    return str(value)


# -- the computation --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ComputedCell:
    """One computed cell: its value and the records it was computed from (their ``ref``), for drill-down.

    ``entered`` is False for a figure cell of which no record gave a number (the cell is 0 but nobody entered it).
    """

    code: str
    value: Number
    sources: tuple[int | str, ...] = ()
    entered: bool = True


@dataclass(frozen=True)
class Table2:
    version: str
    year: int
    cells: dict[str, ComputedCell] = field(default_factory=dict)

    def values(self) -> dict[str, Number]:
        return {code: c.value for code, c in self.cells.items()}


def _in_year(day: date | None, year: int) -> bool:
    return day is not None and day.year == year


def _document_columns(doc: Document, year: int, version: str, count_amendments: bool) -> set[str]:
    """The document columns of ``version`` in which ``doc`` is counted for ``year``."""
    end = date(year, 12, 31)
    amendments = doc.amendments if count_amendments else ()
    issued = _in_year(doc.issued_on, year) or any(_in_year(a.amended_on, year) for a in amendments)
    cols: set[str] = set()
    if version == "2019":
        if issued:
            cols.add("made")
        if _in_year(doc.published_on, year) or any(_in_year(a.published_on, year) for a in amendments):
            cols.add("published")
        if doc.published_on is not None and doc.published_on <= end and doc.in_force_on(end):
            cols.add("total")
    else:
        if issued:
            cols.add("issued")
        if _in_year(doc.repealed_on, year):
            cols.add("repealed")
        if doc.in_force_on(end):
            cols.add("in_force")
    return cols


def compute_table2(
    *,
    year: int,
    documents: Iterable[Document],
    figures: Iterable[Figure],
    version: str | None = None,
    count_amendments: bool = True,
) -> Table2:
    """Every table-2 cell of the template of ``year`` (or ``version``), with the records behind each number.

    ``figures`` of other years are ignored. Raises :class:`LedgerError` for a year before 2019 (no unified template).
    """
    version = version or template_for_year(year)
    if version is None:
        raise LedgerError(f"{year}年早于统一格式（2019年起），没有表二")
    template = get_template(version)
    counts: dict[str, list[int | str]] = {c.code: [] for c in template.table_cells(2)}
    for doc in documents:
        for column in _document_columns(doc, year, version, count_amendments):
            counts[f"s2.{doc.kind.item}.{column}"].append(doc.ref)
    cells: dict[str, ComputedCell] = {}
    for doc_kind in DocKind:
        for column in template.s2_columns(doc_kind.item):
            code = f"s2.{doc_kind.item}.{column}"
            refs = tuple(counts[code])
            cells[code] = ComputedCell(code=code, value=len(refs), sources=refs)
    sums: dict[str, Number] = {}
    refs_by_code: dict[str, list[int | str]] = {}
    for fig in figures:
        if fig.year != year or fig.item.value not in template.s2_items:
            continue
        for column in template.s2_columns(fig.item.value):
            value = fig.value(FigureField(column))
            if value is None:
                continue
            code = f"s2.{fig.item.value}.{column}"
            sums[code] = sums.get(code, 0) + value
            refs_by_code.setdefault(code, []).append(fig.ref)
    for spec in template.table_cells(2):
        if spec.code in cells:
            continue
        zero: Number = Decimal(0) if spec.column == FigureField.AMOUNT.value else 0
        value = sums.get(spec.code, zero)
        if spec.column == FigureField.AMOUNT.value:
            value = Decimal(value)
        cells[spec.code] = ComputedCell(
            code=spec.code,
            value=value,
            sources=tuple(refs_by_code.get(spec.code, ())),
            entered=spec.code in sums,
        )
    ordered = {spec.code: cells[spec.code] for spec in template.table_cells(2)}
    return Table2(version=version, year=year, cells=ordered)


def table2_cells(
    *, year: int, documents: Iterable[Document], figures: Iterable[Figure], count_amendments: bool = True
) -> dict[str, Number]:
    """The table-2 cell values of the template of ``year``: ``{code: int | Decimal}`` (amounts in 万元)."""
    table = compute_table2(year=year, documents=documents, figures=figures, count_amendments=count_amendments)
    return table.values()


#: How each column is computed, in Chinese, for the drill-down pages.
COLUMN_RULES: dict[str, str] = {
    "made": "制发（印发）日期在本年内的文件；本年内作出的修改也计入（每件每年只计一次）。",
    "published": "公开日期在本年内的文件（不论哪一年制发）；修改后的文本在本年公开的也计入。",
    "total": "截至12月31日已公开、且仍然有效（未废止、未过有效期）的文件。",
    "issued": "制发（印发）日期在本年内的文件；本年内作出的修改也计入（每件每年只计一次）。",
    "repealed": "废止（含宣布失效）生效日期在本年内的文件；有效期届满自然失效的不计入废止。",
    "in_force": "12月31日仍然有效的文件：已制发、未废止、未过有效期。",
    "prev_items": "上一年末的事项（项目）数量，按录入的数据。",
    "change": "本年事项（项目）数量的净增减，减少用负数，按录入的数据。",
    "decisions": "本年作出的处理决定数量（办件量），按录入的数据。",
    "projects": "本年政府集中采购项目数量，按录入的数据。",
    "amount": "金额，单位万元，按录入的数据。",
}
