"""Structure derived once per template version (cached), so that ``check`` does no per-call set-up work.

Everything here follows from the template's cell codes (``xxgk.core.templates``): rows and their cells,
the outcome rows that add up to （七）总计, the table-4 groups. Nothing is fitted to particular reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from xxgk.core.templates import S3_COLUMNS, S3_PARTS, S4_COLUMNS, S4_GROUPS, S4_PARTS, CellSpec, get_template


@dataclass(frozen=True, slots=True)
class Row:
    """One printed row: its key (``granted``, ``review``, ``licensing``) and its cell codes in column order."""

    section: str
    key: str
    codes: tuple[str, ...]
    columns: tuple[str, ...]


@cache
def specs(s2_version: str, s3_version: str) -> tuple[CellSpec, ...]:
    """The cells of a report whose table 2 is ``s2_version`` and tables 3–4 are ``s3_version``."""
    s2 = get_template(s2_version).table_cells(2)
    rest = tuple(c for c in get_template(s3_version).cells if c.table != 2)
    return s2 + rest


@cache
def s2_rows(version: str) -> tuple[Row, ...]:
    t = get_template(version)
    return tuple(
        Row("s2", item, tuple(f"s2.{item}.{c}" for c in t.s2_columns(item)), t.s2_columns(item)) for item in t.s2_items
    )


@cache
def s2_items_with(version: str, *columns: str) -> tuple[str, ...]:
    """Table-2 items of ``version`` that have all of ``columns`` (e.g. ``prev_items`` and ``change``)."""
    t = get_template(version)
    return tuple(item for item in t.s2_items if set(columns) <= set(t.s2_columns(item)))


@cache
def s3_rows(version: str) -> tuple[Row, ...]:
    t = get_template(version)
    return tuple(Row("s3", row, tuple(f"s3.{row}.{c}" for c in S3_COLUMNS), S3_COLUMNS) for row in t.s3_rows)


@cache
def s3_outcome_rows(version: str) -> tuple[str, ...]:
    """Rows （一）予以公开 … （六）其他处理 (one row in 2019, three in 2021) that add up to （七）总计."""
    return get_template(version).s3_outcome_rows


@cache
def s4_rows() -> tuple[Row, ...]:
    return tuple(Row("s4", g, tuple(f"s4.{g}.{c}" for c in S4_COLUMNS), S4_COLUMNS) for g in S4_GROUPS)


def rows_of(section: str, version: str) -> tuple[Row, ...]:
    if section == "s2":
        return s2_rows(version)
    if section == "s3":
        return s3_rows(version)
    return s4_rows()


__all__ = [
    "S3_COLUMNS",
    "S3_PARTS",
    "S4_COLUMNS",
    "S4_GROUPS",
    "S4_PARTS",
    "Row",
    "rows_of",
    "s2_items_with",
    "s2_rows",
    "s3_outcome_rows",
    "s3_rows",
    "s4_rows",
    "specs",
]
