"""Aggregation (汇总): the reports of several bodies on one year summed, cell by cell, into one combined report.

Rules, chosen so that a sum is never wrong without saying so:

* **Same year, same template, table by table.** Every report must have the same year, the same version of
  table 3 (the report's template) and the same version of table 2; otherwise the aggregation is refused, with
  the files grouped by what they have. (Table 4 is identical in both versions. Summing a 2019 table 2 with a
  2021 table 2 would add numbers of different meaning, and the 2019 table 3 has one （六） row where the 2021
  table has three.)
* **Each body once.** Two reports of the same body (say the HTML and the PDF of one report) are refused.
* **Blank is not zero.** A cell is summed only when it is a number in every report. Otherwise the combined
  cell is *unreadable*, and its note names the bodies whose cell was blank, missing or unreadable (and gives
  the sum of the others); if no report has a number there, the cell stays blank (or absent). With
  ``treat_blank_as_zero`` blank and absent cells count as 0 (the note names those bodies); an *unreadable*
  cell is never taken as 0.
* **Amounts only in one unit.** Amount cells are in 万元 unless the report stated no unit ("unstated", the
  2019 采购总金额). If the reports disagree, the cell is not summed (unreadable, with a note naming the bodies
  on each side).

The combined report is named ``汇总（N个机关）`` unless a name is given; its 一、总体情况 lists the bodies
included and the files skipped. Extra rows (rows outside the template) are not summed.

:class:`Aggregator` takes reports one at a time (a batch of hundreds never holds them all); :func:`aggregate`
is the one-call form.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from xxgk.core.errors import XxgkError
from xxgk.core.model import UNIT_UNSTATED, Cell, CellState, Number, Report
from xxgk.core.templates import CellKind

UNIT_WAN = "万元"
_SPACE = re.compile(r"[\s\u3000]+")
#: Names listed in one note before "等N个机关".
_NAMES_SHOWN = 5


class AggregationError(XxgkError):
    """The reports cannot be summed together (different years or templates, a body twice, nothing to sum)."""


@dataclass(frozen=True, slots=True)
class Included:
    source: str
    body: str | None

    @property
    def label(self) -> str:
        """The body's name, or the file's when the report names no body."""
        return self.body or self.source


@dataclass(frozen=True, slots=True)
class Skipped:
    source: str
    reason: str


@dataclass
class Aggregation:
    """The combined report, what went into it, and what could not be summed."""

    report: Report
    included: list[Included]
    skipped: list[Skipped] = field(default_factory=list)
    #: Cells that could not be summed honestly: code -> why (also the cell's note).
    incomplete: dict[str, str] = field(default_factory=dict)
    #: Remarks for the user (blank cells counted as 0, unstated units, extra rows not summed).
    notes: list[str] = field(default_factory=list)


Key = tuple[int | None, str, str]  # (year, table-3 version, table-2 version)


def key_of(report: Report) -> Key:
    return (report.year, report.template, report.template_of("s2"))


def describe_key(key: Key) -> str:
    year, s3, s2 = key
    when = f"{year}年度" if year is not None else "年度未知"
    tables = f"模板{s3}" if s2 == s3 else f"表二{s2}版、表三{s3}版"
    return f"{when}、{tables}"


def _names(labels: list[str]) -> str:
    shown = "、".join(labels[:_NAMES_SHOWN])
    return f"{shown}等{len(labels)}个机关" if len(labels) > _NAMES_SHOWN else shown


_MISSING_WORDS = ((CellState.BLANK, "为空"), (CellState.ABSENT, "缺少此行"), (CellState.UNREADABLE, "无法识别"))


def _group_order(group: tuple[Key, list[str]]) -> tuple[int, str, str]:
    (year, s3, s2), _ = group
    return (year if year is not None else 10**6, s3, s2)


def _files(sources: list[str]) -> str:
    shown = "、".join(sources[:8])
    return f"{shown} 等{len(sources)}个文件" if len(sources) > 8 else shown


def _unit_zh(unit: str) -> str:
    return "未注明单位" if unit == UNIT_UNSTATED else unit


def _fmt(value: Number) -> str:
    return format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)


@dataclass
class _Acc:
    """What is known about one cell over the reports added so far."""

    total: Number = 0
    numbers: int = 0
    missing: dict[CellState, list[str]] = field(default_factory=dict)
    #: Amount cells: unit -> the bodies whose number is in it.
    units: dict[str, list[str]] = field(default_factory=dict)


class Aggregator:
    """Sum reports one at a time; :meth:`result` builds the combined report or raises
    :class:`AggregationError`."""

    def __init__(self, *, treat_blank_as_zero: bool = False, body: str | None = None) -> None:
        self.treat_blank_as_zero = treat_blank_as_zero
        self.body = body
        self._key: Key | None = None
        self._groups: dict[Key, list[str]] = {}
        self._included: list[Included] = []
        self._skipped: list[Skipped] = []
        self._acc: dict[str, _Acc] = {}
        self._kinds: dict[str, CellKind] = {}
        self._extra_rows = 0

    @property
    def skipped(self) -> list[Skipped]:
        """The inputs recorded with :meth:`skip` so far."""
        return list(self._skipped)

    def skip(self, source: str, reason: str) -> None:
        """Record an input that could not be read (listed in the result, not summed)."""
        self._skipped.append(Skipped(source, reason))

    def add(self, source: str, report: Report) -> None:
        key = key_of(report)
        self._groups.setdefault(key, []).append(source)
        if self._key is None:
            self._key = key
            for spec in report.specs:
                self._acc[spec.code] = _Acc()
                self._kinds[spec.code] = spec.kind
        if key != self._key:
            return  # refused in result(); only listed
        item = Included(source, report.body)
        self._included.append(item)
        self._extra_rows += len(report.extra_rows)
        label = item.label
        for code, acc in self._acc.items():
            cell = report.cells[code]
            if cell.state is CellState.NUMBER and cell.value is not None:
                acc.total += cell.value
                acc.numbers += 1
                if self._kinds[code] is CellKind.AMOUNT:
                    acc.units.setdefault(report.units.get(code, UNIT_WAN), []).append(label)
            else:
                acc.missing.setdefault(cell.state, []).append(label)

    # -- result -----------------------------------------------------------------------------------
    def _check_compatible(self) -> None:
        if not self._groups:
            skipped = "；".join(f"{s.source}（{s.reason}）" for s in self._skipped[:5])
            raise AggregationError("没有可以汇总的报告" + (f"：{skipped}" if skipped else ""))
        if len(self._groups) > 1:
            lines = [
                f"  {describe_key(key)}：{_files(sources)}"
                for key, sources in sorted(self._groups.items(), key=_group_order)
            ]
            raise AggregationError(
                "不能汇总年度或模板不同的报告（年度、表二和表三的模板版本都必须相同）：\n" + "\n".join(lines)
            )
        by_body: dict[str, list[str]] = {}
        for item in self._included:
            if item.body:
                by_body.setdefault(_SPACE.sub("", item.body), []).append(item.source)
        twice = [(body, sources) for body, sources in by_body.items() if len(sources) > 1]
        if twice:
            lines = [f"  {body}：{'、'.join(sources)}" for body, sources in twice]
            raise AggregationError(
                "同一机关的报告出现多次（可能是同一报告的不同格式），不能重复计入：\n" + "\n".join(lines)
            )

    def _cell(self, code: str, acc: _Acc, n: int, out: Aggregation) -> Cell:
        amount = self._kinds[code] is CellKind.AMOUNT
        total: Number = Decimal(acc.total) if amount else acc.total
        if len(acc.units) > 1:
            sides = "；".join(f"{_names(names)}为{_unit_zh(unit)}" for unit, names in acc.units.items())
            note = f"单位不一致，未汇总：{sides}"
            out.incomplete[code] = note
            return Cell.unreadable(note)
        blank = acc.missing.get(CellState.BLANK, []) + acc.missing.get(CellState.ABSENT, [])
        unreadable = acc.missing.get(CellState.UNREADABLE, [])
        if acc.numbers == n:
            return Cell.number(total)
        if self.treat_blank_as_zero and not unreadable:
            return Cell(CellState.NUMBER, total, note=f"按0计入（原为空白或缺失）：{_names(blank)}")
        if acc.numbers == 0 and not unreadable:
            if len(acc.missing.get(CellState.ABSENT, [])) == n:
                return Cell.absent()
            return Cell.blank(
                note=None if len(acc.missing.get(CellState.BLANK, [])) == n else "各机关均未填写或缺少此行"
            )
        parts = []
        for state, word in (
            (CellState.BLANK, "为空"),
            (CellState.ABSENT, "缺少此行"),
            (CellState.UNREADABLE, "无法识别"),
        ):
            names = acc.missing.get(state)
            if names:
                parts.append(f"{_names(names)}{word}")
        filled = f"；其余{acc.numbers}个机关合计{_fmt(total)}" if acc.numbers else ""
        note = f"汇总不完整：{'，'.join(parts)}（空白不按0计算）{filled}"
        out.incomplete[code] = note
        return Cell.unreadable(note)

    def result(self) -> Aggregation:
        self._check_compatible()
        assert self._key is not None
        year, s3, s2 = self._key
        n = len(self._included)
        body = self.body or f"汇总（{n}个机关）"
        report = Report(
            template=s3,
            year=year,
            body=body,
            title=f"{body}{f'{year}年' if year is not None else ''}政府信息公开工作年度报告（汇总）",
            templates={"s2": s2} if s2 != s3 else {},
        )
        out = Aggregation(report=report, included=list(self._included), skipped=list(self._skipped))
        zeroed = 0
        for code, acc in self._acc.items():
            cell = self._cell(code, acc, n, out)
            report.cells[code] = cell
            if cell.is_number and cell.note:
                zeroed += 1
            if self._kinds[code] is CellKind.AMOUNT and cell.is_number and set(acc.units) == {UNIT_UNSTATED}:
                report.units[code] = UNIT_UNSTATED
                out.notes.append(f"{code}：各报告均未注明单位，按所印数字相加，单位仍为“未注明”")
        if out.incomplete:
            out.notes.append(
                f"{len(out.incomplete)} 个单元格未能汇总（部分机关为空、缺失、无法识别或单位不一致），"
                "汇总表中记为“无法识别”，说明中列出相关机关"
            )
        if zeroed:
            out.notes.append(f"按要求将 {zeroed} 个单元格中的空白或缺失按 0 计入（--treat-blank-as-zero）")
        if self._extra_rows:
            out.notes.append(f"各报告中模板以外的行（共 {self._extra_rows} 行）未汇总")
        report.narrative["overall"] = _overview(out)
        return out


def _overview(out: Aggregation) -> str:
    report = out.report
    year = f"{report.year}年" if report.year is not None else ""
    names = "、".join(item.label for item in out.included)
    text = f"本报告由以下{len(out.included)}个机关的{year}政府信息公开工作年度报告汇总而成：{names}。"
    if out.skipped:
        text += "以下文件未能读取，未计入汇总：" + "；".join(f"{s.source}（{s.reason}）" for s in out.skipped) + "。"
    if out.incomplete:
        text += f"有 {len(out.incomplete)} 个单元格因部分机关未填写或无法识别而未能汇总，详见各单元格说明。"
    return text


def aggregate(
    reports: Iterable[tuple[str, Report]], *, treat_blank_as_zero: bool = False, body: str | None = None
) -> Aggregation:
    """Sum ``(source, report)`` pairs (see the module docstring); :class:`AggregationError` when refused."""
    aggregator = Aggregator(treat_blank_as_zero=treat_blank_as_zero, body=body)
    for source, report in reports:
        aggregator.add(source, report)
    return aggregator.result()
