"""The rule registry: ``@rule`` registers a small pure check function; ``check`` runs the selected ones.

In the style of Django's system-check framework and ruff: every rule has a stable code (``S301``), a
severity, a short Chinese summary and hint, the template versions it applies to, and a docstring in fixed
sections (what it checks / ``Why:`` / ``Example:`` / ``Fix:``) from which ``docs/rules.md`` is generated.

A rule function takes a :class:`CheckContext` and yields :class:`Issue` items (a concrete message and the
cell codes concerned — for a sum, the total cell first, then its parts); the registry turns them into
:class:`~xxgk.core.findings.Finding` objects carrying the rule's code, severity and hint. An identity
that cannot be verified because a cell it needs is blank, unreadable or absent is reported as such,
under the rule's own code with severity ``warning`` (:meth:`CheckContext.unverifiable`) — never
skipped, never computed with blank as 0.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

from xxgk.core.errors import ReportError
from xxgk.core.findings import Finding, Severity
from xxgk.core.model import CellState, Number, Report, Source
from xxgk.core.templates import TEMPLATE_VERSIONS
from xxgk.rules.labels import cell_label

#: Code areas: first letter -> (title, description). Codes are never reused; gaps are reserved.
AREAS: dict[str, tuple[str, str]] = {
    "T": ("T0xx 结构 (structure)", "template version vs year, missing tables/rows, extra rows, mixed templates"),
    "V": ("V1xx 数值类型 (value types)", "signs, whole numbers, amounts and their units"),
    "B": ("B2xx 空白 (blanks)", "blank and unreadable cells where the template asks for a number"),
    "S": ("S2xx–S4xx 表内勾稽 (table identities)", "table 2 plausibility, table 3 and table 4 identities"),
    "N": ("N5xx 正文与表格 (narrative vs tables)", "counts stated in the narrative vs the tables; sections 五 and 六"),
    "X": ("X6xx 跨年度 (cross-year)", "this report vs the same body's report on the previous year"),
}

#: Retired codes (never reused): code -> why it was retired. None yet.
RETIRED: dict[str, str] = {}

#: Finding messages are shorter than this (Django's check framework keeps them under 80 characters).
MESSAGE_LIMIT = 80

#: Hint attached to every "cannot verify" finding.
UNVERIFIABLE_HINT = "空白不等于 0：请补填该单元格（没有发生的填“0”）或核对原表后再检查"

T = TypeVar("T")

_CODE_RE = re.compile(r"^[TVBSNX]\d{3}$")
_NAME_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_SELECTOR_RE = re.compile(r"^[A-Z]\d{0,3}$")

#: Tables a rule's ``templates`` filter looks at: table 2 may be of another version than table 3.
TABLES = ("s2", "s3")


@dataclass(frozen=True, slots=True)
class Issue:
    """What a rule function yields: one concrete problem. ``severity``/``hint`` default to the rule's."""

    message: str
    cells: tuple[str, ...] = ()
    severity: Severity | None = None
    hint: str | None = None


@dataclass(frozen=True)
class Rule:
    """A registered rule. ``message`` is the rule's one-line summary; findings carry concrete messages."""

    code: str
    name: str
    severity: Severity
    templates: tuple[str, ...]
    message: str
    hint: str
    needs_previous: bool
    func: Callable[[CheckContext], Iterable[Issue]]
    doc: str
    #: The table whose template version ``templates`` filters on (``"s2"`` or ``"s3"``).
    table: str = "s3"

    @property
    def area(self) -> str:
        return self.code[0]

    def run(self, ctx: CheckContext) -> Iterator[Finding]:
        for issue in self.func(ctx):
            message = issue.message
            if len(message) >= MESSAGE_LIMIT:  # a safety net: rules build short messages themselves
                message = message[: MESSAGE_LIMIT - 2] + "…"
            yield Finding(
                code=self.code,
                severity=issue.severity or self.severity,
                message=message,
                hint=self.hint if issue.hint is None else issue.hint,
                cells=issue.cells,
                source=ctx.source_of(issue.cells),
            )


_REGISTRY: dict[str, Rule] = {}


def rule(
    code: str,
    *,
    name: str,
    severity: Severity,
    message: str,
    hint: str,
    templates: tuple[str, ...] = TEMPLATE_VERSIONS,
    table: str = "s3",
    needs_previous: bool = False,
) -> Callable[[Callable[[CheckContext], Iterable[Issue]]], Callable[[CheckContext], Iterable[Issue]]]:
    """Register a rule function under ``code``. Misuse is a programming error and fails at import time."""

    def register(func: Callable[[CheckContext], Iterable[Issue]]) -> Callable[[CheckContext], Iterable[Issue]]:
        problems = []
        if not _CODE_RE.match(code):
            problems.append("code must be one area letter and three digits, e.g. S301")
        if code in _REGISTRY or code in RETIRED:
            problems.append("code already used (codes are never reused)")
        if not _NAME_RE.match(name):
            problems.append("name must be kebab-case")
        if not templates or any(t not in TEMPLATE_VERSIONS for t in templates):
            problems.append(f"templates must be a non-empty subset of {TEMPLATE_VERSIONS}")
        if table not in TABLES:
            problems.append(f"table must be one of {TABLES}")
        if not message or len(message) >= MESSAGE_LIMIT or "\n" in message:
            problems.append("message must be one line under 80 characters")
        if not hint or "\n" in hint:
            problems.append("hint must be one line")
        if not func.__doc__:
            problems.append("a rule needs a docstring (what / Why: / Example: / Fix:)")
        if problems:
            raise ValueError(f"bad rule {code} ({func.__name__}): {'; '.join(problems)}")
        _REGISTRY[code] = Rule(
            code=code,
            name=name,
            severity=severity,
            templates=tuple(templates),
            message=message,
            hint=hint,
            needs_previous=needs_previous,
            func=func,
            doc=inspect.cleandoc(func.__doc__ or ""),
            table=table,
        )
        _selection.cache_clear()
        return func

    return register


def all_rules() -> list[Rule]:
    """Every registered rule, sorted by code."""
    return [_REGISTRY[c] for c in sorted(_REGISTRY)]


def get_rule(code: str) -> Rule:
    """The rule registered under ``code``; :class:`ReportError` for unknown or retired codes."""
    key = code.strip().upper() if isinstance(code, str) else code
    found = _REGISTRY.get(key) if isinstance(key, str) else None
    if found is None:
        if isinstance(key, str) and key in RETIRED:
            raise ReportError(f"rule {key} is retired: {RETIRED[key]}")
        raise ReportError(f"unknown rule code {code!r}; run `xxgk rules` for the list")
    return found


# -- selection ------------------------------------------------------------------------------------


def _normalise(codes: Iterable[str] | str | None, what: str) -> tuple[str, ...] | None:
    if codes is None:
        return None
    items: Iterable[object] = codes.split(",") if isinstance(codes, str) else codes
    try:
        out = []
        for item in items:
            if not isinstance(item, str):
                raise ReportError(f"{what}: rule codes must be strings, found {item!r}")
            if item.strip():
                out.append(item.strip().upper())
    except TypeError:
        raise ReportError(f"{what}: expected rule codes, found {codes!r}") from None
    return tuple(out)


@lru_cache(maxsize=256)
def _selection(select: tuple[str, ...] | None, ignore: tuple[str, ...] | None) -> tuple[Rule, ...]:
    codes = sorted(_REGISTRY)
    for what, selectors in (("select", select), ("ignore", ignore)):
        for sel in selectors or ():
            if not _SELECTOR_RE.match(sel):
                raise ReportError(
                    f"{what} {sel!r}: a rule code is one letter and up to three digits (e.g. S301, S3, X)"
                )
            if sel in RETIRED:
                continue  # retired codes stay valid in configurations; they select nothing
            if not any(c.startswith(sel) for c in codes):
                raise ReportError(f"{what} {sel!r}: no rule has this code or prefix; run `xxgk rules` for the list")
    chosen = [c for c in codes if select is None or any(c.startswith(s) for s in select)]
    chosen = [c for c in chosen if not any(c.startswith(i) for i in ignore or ())]
    return tuple(_REGISTRY[c] for c in chosen)


def select_rules(select: Iterable[str] | str | None = None, ignore: Iterable[str] | str | None = None) -> list[Rule]:
    """The rules ``check`` would run for these selectors (full codes or prefixes such as ``S3`` or ``X``)."""
    return list(_selection(_normalise(select, "select"), _normalise(ignore, "ignore")))


# -- running --------------------------------------------------------------------------------------


def check(
    report: Report,
    *,
    previous: Report | None = None,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
) -> list[Finding]:
    """Run the selected rules on ``report`` (and ``previous``, the same body's report on the year before).

    Cross-year rules run only when ``previous`` is given. Findings are sorted by severity (errors first),
    code, cells and message.
    """
    if not isinstance(report, Report):
        raise ReportError(f"check() expects a Report, found {type(report).__name__}")
    if previous is not None and not isinstance(previous, Report):
        raise ReportError(f"check(previous=...) expects a Report, found {type(previous).__name__}")
    rules = _selection(_normalise(select, "select"), _normalise(ignore, "ignore"))
    ctx = CheckContext(report, previous)
    versions = {"s2": report.template_of("s2"), "s3": report.template}
    findings: list[Finding] = []
    for r in rules:
        if r.needs_previous and previous is None:
            continue
        if versions[r.table] not in r.templates:
            continue
        findings.extend(r.run(ctx))
    findings.sort(key=_sort_key)
    return findings


def _sort_key(f: Finding) -> tuple[int, str, tuple[str, ...], str]:
    return (-f.severity.rank, f.code, f.cells, f.message)


# -- context --------------------------------------------------------------------------------------

_STATE_ZH = {
    CellState.BLANK: "为空",
    CellState.UNREADABLE: "无法识别",
    CellState.ABSENT: "缺失",
}


def _pick(numbers: dict[str, Number], codes: Iterable[str]) -> tuple[list[Number], list[str]]:
    """The numbers of ``codes`` found in ``numbers``, and the codes not found there."""
    values: list[Number] = []
    missing: list[str] = []
    for code in codes:
        v = numbers.get(code)
        if v is None:
            missing.append(code)
        else:
            values.append(v)
    return values, missing


class CheckContext:
    """What a rule sees: the report, the optional previous report, and cheap typed accessors.

    The cells are sorted once into ``numbers`` (well-typed numbers: ``int`` or ``Decimal``), ``states``
    (every cell that is not a number: blank, unreadable, absent), so that the rules do dictionary look-ups only.
    """

    __slots__ = ("_absent", "_cells", "_memo", "_prev_numbers", "numbers", "previous", "report", "states")

    def __init__(self, report: Report, previous: Report | None = None) -> None:
        self.report = report
        self.previous = previous
        self._cells = report.cells
        self.numbers, self.states = _sort_cells(report)
        self._prev_numbers = _sort_cells(previous)[0] if previous is not None else {}
        self._memo: dict[str, object] = {}
        counts: dict[str, list[int]] = {}
        for code, cell in report.cells.items():
            pair = counts.setdefault(code[:2], [0, 0])
            pair[0] += 1
            pair[1] += cell.state is CellState.ABSENT
        self._absent = {section: n == absent for section, (n, absent) in counts.items()}

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """Compute something once per check and share it between rules (e.g. the narrative's numbers)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]  # type: ignore[return-value]

    # -- values ---------------------------------------------------------------------------------
    def num(self, code: str) -> Number | None:
        """The number in ``code`` (``None`` unless the cell is a number of a proper type)."""
        return self.numbers.get(code)

    def prev_num(self, code: str) -> Number | None:
        """Like :meth:`num` on the previous report."""
        return self._prev_numbers.get(code)

    def state(self, code: str) -> CellState:
        cell = self._cells.get(code)
        return CellState.ABSENT if cell is None else cell.state

    def nums(self, codes: Iterable[str]) -> tuple[list[Number], list[str]]:
        """Values of ``codes`` and the codes that are not numbers (blank, unreadable, absent, bad type)."""
        return _pick(self.numbers, codes)

    def prev_nums(self, codes: Iterable[str]) -> tuple[list[Number], list[str]]:
        """Like :meth:`nums` on the previous report."""
        return _pick(self._prev_numbers, codes)

    def table_absent(self, section: str) -> bool:
        """True when every cell of table ``section`` (``"s2"``, ``"s3"``, ``"s4"``) is absent."""
        return self._absent.get(section, True)

    def source_of(self, cells: tuple[str, ...]) -> Source | None:
        """Provenance of the first concerned cell that has one (shown by the CLI beside a finding)."""
        for code in cells:
            cell = self._cells.get(code)
            if cell is not None and cell.source is not None:
                return cell.source
        return None

    # -- issues ---------------------------------------------------------------------------------
    def describe_missing(
        self,
        missing: Iterable[str],
        *,
        previous: bool = False,
        label: Callable[[str], str] = cell_label,
        limit: int = 2,
    ) -> str:
        """Short Chinese description of cells that are not numbers: ``商业企业 为空、总计 缺失``."""
        cells = self.previous.cells if previous and self.previous is not None else self._cells
        parts: list[str] = []
        items = list(missing)
        for code in items[:limit]:
            cell = cells.get(code)
            state = CellState.ABSENT if cell is None else cell.state
            word = _STATE_ZH.get(state, "不是有效数字")
            parts.append(f"{label(code)}{word}")
        more = f"等 {len(items)} 格" if len(items) > limit else ""
        return "、".join(parts) + more

    def unverifiable(
        self,
        what: str,
        missing: Iterable[str],
        cells: Iterable[str],
        *,
        previous: bool = False,
        label: Callable[[str], str] = cell_label,
    ) -> Issue:
        """An identity that cannot be checked: one warning saying which cells stop it."""
        items = list(missing)
        who = "上年" if previous else ""
        message = ""
        for limit in (2, 1, 0):
            why = self.describe_missing(items, previous=previous, label=label, limit=limit) if limit else ""
            why = why or f"{len(items)} 个单元格为空、无法识别或缺失"
            message = f"无法核对{what}：{who}{why}"
            if len(message) < MESSAGE_LIMIT:
                break
        return Issue(message=message, cells=tuple(cells), severity=Severity.WARNING, hint=UNVERIFIABLE_HINT)


def _sort_cells(report: Report) -> tuple[dict[str, Number], dict[str, CellState]]:
    """Number cells by value and the other cells by state. ``Cell`` itself admits only ``int`` and finite
    ``Decimal`` values, so every number cell is well-typed here."""
    numbers: dict[str, Number] = {}
    states: dict[str, CellState] = {}
    for code, cell in report.cells.items():
        if cell.value is not None:
            numbers[code] = cell.value
        else:
            states[code] = cell.state
    return numbers, states
