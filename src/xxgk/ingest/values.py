"""Reading the values printed in table cells: numbers, blanks, units, digits run together.

A value cell holds one or more *tokens*. ``0``, ``1,690``, ``１２``, ``2笔``, ``73802895.90元``, ``-18`` are
numbers; empty cells and the placeholders ``/ - — —— 无`` are blanks (not zero); a run of digits that cannot be
one number (``05``, ``88-720``) or that may be several numbers run together (``1000001``) is *splittable*
(see :mod:`xxgk.ingest.split`). A printed ``?`` / ``？`` is the mark of an unreadable value (what the renderers
print for an unreadable cell): a value token, read as unreadable. Anything else is unreadable too, but is not a
value token (it may be label text).
"""

from __future__ import annotations

import re
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from typing import NamedTuple

from xxgk.core.model import Cell, CellState, Source
from xxgk.core.templates import CellKind
from xxgk.ingest.layout import TextCell
from xxgk.ingest.normalize import fold

#: Units a money cell may print; the factor converts to 万元.
UNIT_FACTORS: dict[str, Decimal] = {
    "元": Decimal("0.0001"),
    "万元": Decimal(1),
    "万": Decimal(1),
    "亿元": Decimal(10000),
}
#: Measure words printed after counts ("2笔", "3件").
MEASURE_WORDS = ("人次", "件", "笔", "个", "项", "次", "宗", "起", "条", "份", "家", "人", "户", "张", "篇")

_NUMBER_RE = re.compile(
    r"(?P<sign>[+-])?(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?"
    r"(?P<unit>万元|亿元|元|万)?(?P<measure>" + "|".join(MEASURE_WORDS) + r")?"
)
_RUN_RE = re.compile(r"-?\d+(?:-\d+)*")
_BLANK_RE = re.compile(r"[/\\\-—–―─~_·.。×]+|无|空|暂无|没有|未填|不适用|n/?a|none", re.IGNORECASE)
_SEPARATORS_RE = re.compile(r"[,、;；]")
#: The printed mark of an unreadable value (after :func:`~xxgk.ingest.normalize.fold`: ``？`` and ``﹖`` are ``?``).
_UNREADABLE_MARK_RE = re.compile(r"\?{1,3}")


class TokenKind(StrEnum):
    NUMBER = "number"
    BLANK = "blank"
    RUN = "run"  # digits that are not one valid number (leading zero, glued minus)
    MARK = "mark"  # the printed mark of an unreadable value: a value, read as unreadable
    BAD = "bad"


class Token(NamedTuple):
    """One value as printed."""

    kind: TokenKind
    text: str  # folded, no whitespace
    source: Source
    value: Decimal | None = None
    unit: str | None = None
    #: ``True`` for a blank that is an empty cell (rather than a printed placeholder such as "/").
    empty: bool = False

    @property
    def splittable(self) -> bool:
        """Could this token be several numbers run together?"""
        if self.kind is TokenKind.RUN:
            return True
        return self.kind is TokenKind.NUMBER and self.unit is None and len(self.text) > 1 and self.text.isdigit()


def parse_token(text: str, source: Source) -> Token:
    """Classify one whitespace-free, folded token."""
    kind, value, unit = _classify(text) if len(text) <= 40 else _classify.__wrapped__(text)
    return Token(kind, text, source, value=value, unit=unit, empty=not text)


@lru_cache(maxsize=8192)
def _classify(text: str) -> tuple[TokenKind, Decimal | None, str | None]:
    if not text:
        return TokenKind.BLANK, None, None
    m = _NUMBER_RE.fullmatch(text)
    if m is not None:
        digits = m["int"].replace(",", "")
        if len(digits) > 1 and digits[0] == "0" and "," not in m["int"]:
            # "05" is not a number; "0.5" is.
            if m["frac"] is None and m["unit"] is None and m["measure"] is None and _RUN_RE.fullmatch(text):
                return TokenKind.RUN, None, None
            return TokenKind.BAD, None, None
        value = Decimal(digits + ("." + m["frac"] if m["frac"] else ""))
        if m["sign"] == "-":
            value = -value
        return TokenKind.NUMBER, value, m["unit"]
    if _RUN_RE.fullmatch(text):
        return TokenKind.RUN, None, None
    if _BLANK_RE.fullmatch(text):
        return TokenKind.BLANK, None, None
    if _UNREADABLE_MARK_RE.fullmatch(text):
        return TokenKind.MARK, None, None
    return TokenKind.BAD, None, None


def cell_tokens(cell: TextCell) -> list[Token]:
    """The tokens of one value cell; an empty cell is one empty blank."""
    source = cell.source
    return [Token(kind, text, source, value, unit, not text) for kind, text, value, unit in _cell_specs(cell.text)]


_Spec = tuple[TokenKind, str, Decimal | None, str | None]


def _cell_specs(text: str) -> tuple[_Spec, ...]:
    if len(text) <= 80:
        return _cell_specs_cached(text)
    return _cell_specs_uncached(text)


@lru_cache(maxsize=8192)
def _cell_specs_cached(text: str) -> tuple[_Spec, ...]:
    return _cell_specs_uncached(text)


def _cell_specs_uncached(text: str) -> tuple[_Spec, ...]:
    folded = fold(text).strip()
    if not folded:
        return ((TokenKind.BLANK, "", None, None),)
    out: list[_Spec] = []
    for part in folded.split():
        spec = (*_classify_any(part),)
        if spec[0] is TokenKind.BAD and _SEPARATORS_RE.search(part):
            pieces = [p for p in _SEPARATORS_RE.split(part) if p]
            sub = [_classify_any(p) for p in pieces]
            if sub and all(s[0] is not TokenKind.BAD for s in sub):
                out.extend(sub)
                continue
        if out and spec[0] is TokenKind.BAD and out[-1][0] is TokenKind.NUMBER and _is_suffix(part):
            # "3 件", "589.08 万元": a unit or measure word printed apart from its number.
            merged = _classify_any(out[-1][1] + part)
            if merged[0] is TokenKind.NUMBER:
                out[-1] = merged
                continue
        out.append(spec)
    return tuple(out)


def _classify_any(text: str) -> _Spec:
    kind, value, unit = _classify(text) if len(text) <= 40 else _classify.__wrapped__(text)
    return kind, text, value, unit


def _is_suffix(text: str) -> bool:
    return text in UNIT_FACTORS or text in MEASURE_WORDS


#: A cell longer than this is text, never values.
_MAX_VALUE_CELL = 120


@lru_cache(maxsize=8192)
def is_value_text(text: str) -> bool:
    """Does a cell hold only values (numbers, blanks, digit runs)? Empty cells do."""
    if len(text) > _MAX_VALUE_CELL:
        return False
    return all(spec[0] is not TokenKind.BAD for spec in _cell_specs(text))


# -- tokens to model cells ----------------------------------------------------------------------------


class Reading(NamedTuple):
    """A token read as the value of one template cell."""

    cell: Cell
    #: The unit the amount was converted from, ``None`` when the report states none (amount cells only).
    unit: str | None = None


def blank_note(token: Token) -> str:
    return _blank_note(token.text, empty=token.empty)


def _blank_note(text: str, *, empty: bool) -> str:
    return "单元格为空" if empty else f"印为“{text}”，视为空白（不等于0）"


def read_token(token: Token, kind: CellKind, *, default_unit: str | None = None) -> Reading:
    """Turn a token into a model cell for a template cell of ``kind``.

    Amounts are converted to 万元 from the unit printed in the cell, else ``default_unit`` (from the column
    header or the template); counts must be whole numbers.
    """
    state, value, note, unit = _reading(
        token.kind,
        token.text,
        value=token.value,
        token_unit=token.unit,
        empty=token.empty,
        cell_kind=kind,
        default_unit=default_unit,
    )
    return Reading(Cell(state, value, note=note, source=token.source), unit)


@lru_cache(maxsize=8192)
def _reading(
    kind: TokenKind,
    text: str,
    *,
    value: Decimal | None,
    token_unit: str | None,
    empty: bool,
    cell_kind: CellKind,
    default_unit: str | None,
) -> tuple[CellState, int | Decimal | None, str | None, str | None]:
    if kind is TokenKind.BLANK:
        return CellState.BLANK, None, _blank_note(text, empty=empty), None
    if kind is TokenKind.MARK:
        return CellState.UNREADABLE, None, f"印为“{text}”，无法辨认", None
    if kind is TokenKind.RUN:
        if text.lstrip("-").startswith("0"):
            return CellState.UNREADABLE, None, f"“{text}”有前导零，不是有效数字", None
        return CellState.UNREADABLE, None, f"数字粘连“{text}”，无法唯一拆分", None
    if kind is TokenKind.BAD or value is None:
        return CellState.UNREADABLE, None, f"无法识别的数值“{text}”", None
    if cell_kind is CellKind.AMOUNT:
        unit = token_unit or default_unit
        if unit is not None:
            value = (value * UNIT_FACTORS[unit]).normalize()
            value = value.quantize(Decimal(1)) if value == value.to_integral_value() else value
        return CellState.NUMBER, value, None, unit
    if token_unit is not None:
        return CellState.UNREADABLE, None, f"计数单元格带有金额单位“{text}”", None
    if value != value.to_integral_value():
        return CellState.UNREADABLE, None, f"应为整数，印为“{text}”", None
    return CellState.NUMBER, int(value), None, None
