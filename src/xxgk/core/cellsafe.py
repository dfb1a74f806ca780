"""Text in spreadsheet cells that a spreadsheet program never runs as a formula (CSV/formula injection).

A spreadsheet takes a cell whose text starts with ``=``, ``+``, ``-`` or ``@`` for a formula (``=HYPERLINK(…)``,
``@SUM(…)``, ``-2+3``), and a leading tab or carriage return can hide such a start. Every export that writes text
it did not write itself (names, titles, file names, messages) goes through here:

* :func:`csv_text` for a CSV field: a leading ``'``, which the spreadsheet shows as text (the registers' importer
  strips it again);
* :func:`put_text` for an openpyxl cell: the text as a string, never a formula, with Excel's "quote prefix" when it
  starts like one (so that editing the cell does not turn it into a formula either), without the control characters
  a worksheet cannot hold.

Numbers are written as numbers and never pass through here (a negative number is not a formula). Pure: the cell is
any object with openpyxl's ``value``, ``data_type`` and ``quotePrefix`` attributes; openpyxl is not imported.
"""

from __future__ import annotations

import re
from typing import Any

#: The starts that make a spreadsheet read a cell as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: The characters XML 1.0 (and so a worksheet) cannot hold: openpyxl refuses them (``IllegalCharacterError``).
ILLEGAL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def formula_like(text: str) -> bool:
    """Whether a spreadsheet would take ``text`` for a formula."""
    return text.startswith(FORMULA_START)


def csv_text(text: str) -> str:
    """``text`` as a CSV field: with a leading ``'`` when it starts like a formula."""
    return "'" + text if formula_like(text) else text


def put_text(cell: Any, text: str) -> str:
    """Write ``text`` into the openpyxl ``cell`` as a string (never a formula), without the characters a worksheet
    cannot hold, quote-prefixed when it starts like a formula; returns the text written."""
    value = ILLEGAL_RE.sub("", text)
    cell.value = value
    cell.data_type = "s"
    if formula_like(value):
        cell.quotePrefix = True
    return value


def put_value(cell: Any, value: object) -> None:
    """Write ``value`` into the openpyxl ``cell``: text by :func:`put_text`, anything else (numbers, dates, empty)
    as it is."""
    if isinstance(value, str):
        put_text(cell, value)
    else:
        cell.value = value
