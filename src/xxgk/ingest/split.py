"""Splitting digits that ran together, using the table's identities — never guessing.

Flattened text sometimes loses the separators between cells: table 4's fifteen numbers print as
``25380363300630003``, a table-3 row as ``1000001``, a 2019 table-2 row as ``88-720``. Such a run can be cut
in many ways. A cut is accepted only when exactly one of all the syntactically valid cuts (no leading zeros, a
minus sign only at the start of a number) satisfies the table's identities (table 3: the six applicant columns
add up to 总计; table 4: 维持+纠正+其他+尚未审结 = 总计 in each group). Table 2 has no identity, so a run there is
accepted only when it can be cut in one way at all. Otherwise the caller marks the cells unreadable with
:data:`AMBIGUOUS`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from xxgk.core.model import Source
from xxgk.ingest.values import Token, TokenKind

#: Note for cells whose digits ran together and cannot be split uniquely.
AMBIGUOUS = "数字粘连，无法唯一拆分"
#: At most this many candidate cuts are examined; longer runs are left unread.
MAX_CANDIDATES = 50_000

_PIECE_RE = re.compile(r"-?(?:0|[1-9]\d*)")

Identity = Callable[[Sequence[Decimal]], bool]


@dataclass(frozen=True, slots=True)
class SplitResult:
    tokens: tuple[Token, ...] | None  # the unique cut, or None
    reason: str  # why no cut was accepted (empty when one was)


class _TooMany(Exception):
    pass


def row_identity(values: Sequence[Decimal]) -> bool:
    """Table 3: 自然人 + five 法人 columns = 总计."""
    return sum(values[:-1], Decimal(0)) == values[-1]


def group_identity(size: int) -> Identity:
    """Table 4: within each group of ``size`` columns the parts add up to the last one."""

    def check(values: Sequence[Decimal]) -> bool:
        for start in range(0, len(values), size):
            group = values[start : start + size]
            if len(group) != size or sum(group[:-1], Decimal(0)) != group[-1]:
                return False
        return True

    return check


def split_tokens(tokens: Sequence[Token], n: int, identity: Identity | None) -> SplitResult:
    """Cut the splittable tokens so that there are ``n`` values, if exactly one cut is acceptable."""
    if len(tokens) >= n or not any(t.splittable for t in tokens):
        return SplitResult(None, "数值个数与列数不符")
    found: list[tuple[str, ...]] = []
    capacity = [_max_pieces(t) for t in tokens]
    search = _Search(tokens, capacity, [sum(capacity[i + 1 :]) for i in range(len(tokens))], [MAX_CANDIDATES])
    try:
        for candidate in _cuts(search, 0, n):
            if identity is not None:
                values = _values(candidate, tokens)
                if values is None or not identity(values):
                    continue
            found.append(candidate)
            if len(found) > 1:
                break
    except _TooMany:
        return SplitResult(None, AMBIGUOUS + "（可能的拆分过多）")
    if len(found) != 1:
        why = "（没有满足勾稽关系的拆分）" if not found and identity is not None else ""
        return SplitResult(None, AMBIGUOUS + why)
    return SplitResult(_as_tokens(found[0], tokens), "")


def _max_pieces(token: Token) -> int:
    return sum(ch.isdigit() for ch in token.text) if token.splittable else 1


@dataclass(frozen=True, slots=True)
class _Search:
    tokens: Sequence[Token]
    capacity: Sequence[int]  # most pieces each token can give
    after: Sequence[int]  # most pieces the tokens after each one can give
    budget: list[int]  # cuts still allowed


def _cuts(search: _Search, index: int, remaining: int) -> Iterator[tuple[str, ...]]:
    """Every way to cut ``tokens[index:]`` into ``remaining`` pieces (fixed tokens stay one piece).

    Items are ``"=<i>"`` for an uncut token ``i`` and ``"<i>:<text>"`` for a piece of token ``i``.
    """
    tokens = search.tokens
    if index == len(tokens):
        if remaining == 0:
            yield ()
        return
    left = len(tokens) - index - 1  # tokens after this one need at least one piece each
    low = max(1, remaining - search.after[index])
    high = min(search.capacity[index], remaining - left)
    token = tokens[index]
    if not token.splittable:
        if low <= 1 <= high:
            for rest in _cuts(search, index + 1, remaining - 1):
                yield (f"={index}", *rest)
        return
    for k in range(low, high + 1):
        for pieces in _pieces(token.text, 0, k, search.budget):
            for rest in _cuts(search, index + 1, remaining - k):
                yield (*(f"{index}:{p}" for p in pieces), *rest)


def _pieces(text: str, start: int, k: int, budget: list[int]) -> Iterator[tuple[str, ...]]:
    """Cut ``text[start:]`` into ``k`` valid numbers (every cut tried counts against ``budget``)."""
    if k == 1:
        budget[0] -= 1
        if budget[0] < 0:
            raise _TooMany
        piece = text[start:]
        if _PIECE_RE.fullmatch(piece) and piece != "-0":
            yield (piece,)
        return
    for end in range(start + 1, len(text) - k + 2):
        piece = text[start:end]
        if not _PIECE_RE.fullmatch(piece) or piece == "-0":
            if piece.lstrip("-").startswith("0") and len(piece.lstrip("-")) > 1:
                break  # a leading zero only gets longer
            continue
        for rest in _pieces(text, end, k - 1, budget):
            yield (piece, *rest)


def _values(candidate: tuple[str, ...], tokens: Sequence[Token]) -> list[Decimal] | None:
    out: list[Decimal] = []
    for item in candidate:
        if item.startswith("="):
            value = tokens[int(item[1:])].value
            if value is None:
                return None  # a blank: the identity cannot be checked
            out.append(value)
        else:
            out.append(Decimal(item.split(":", 1)[1]))
    return out


def _as_tokens(candidate: tuple[str, ...], tokens: Sequence[Token]) -> tuple[Token, ...]:
    out: list[Token] = []
    for item in candidate:
        if item.startswith("="):
            out.append(tokens[int(item[1:])])
            continue
        index, text = item.split(":", 1)
        original = tokens[int(index)]
        source = original.source
        note_source = Source(
            file=source.file,
            line=source.line,
            table=source.table,
            row=source.row,
            col=source.col,
            page=source.page,
            text=original.text,
        )
        out.append(Token(TokenKind.NUMBER, text, note_source, value=Decimal(text)))
    return tuple(out)
