"""The official layout of the three standard tables, as data.

Each table is described once, as rows of cells with text, colspan, rowspan and (for value cells) the cell code;
the HTML and XLSX renderers both draw this same description, and the Markdown renderer takes its label paths
from here. Everything is derived from the template's own labels (``xxgk.core.templates.get_template``), so both
template versions — and mixed reports, whose tables follow different versions — come out of the same functions:

* table 2 (``s2``): one block per 第二十条 item (第二十条第（一）项 …), each with its own header row
  ``信息内容 | column labels``; a block with fewer value columns than the widest one stretches its last column
  (the 2021 single-value blocks print their value in a ``colspan=3`` cell, the 2019 fee block in ``colspan=2``);
* table 3 (``s3``): the 3×3 merged 勾稽 note, the applicant header tree (申请人情况 → 自然人 / 法人或其他组织 →
  商业企业 … / 总计) and the row labels in up to three merged levels (三、本年度办理结果 → （三）不予公开 → 1.…);
* table 4 (``s4``): the 行政复议 / 行政诉讼 header tree over one row of 15 values.

The header trees are built by one function (``header_rows``) from the column label paths, the row-label levels
by another (``label_cells``); ``place`` turns any table into grid positions (the XLSX renderer's coordinates and
the tests' check that the grid is a full rectangle).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from xxgk.core.model import UNIT_UNSTATED, Report
from xxgk.core.templates import CellKind, CellSpec, Template, get_template

#: Official headings of the three standard tables.
TABLE_HEADINGS: dict[str, str] = {
    "s2": "二、主动公开政府信息情况",
    "s3": "三、收到和处理政府信息公开申请情况",
    "s4": "四、政府信息公开行政复议、行政诉讼情况",
}

#: Texts the template prints that are not part of any cell label.
S2_ITEM_HEADER = "信息内容"
S3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
S3_APPLICANTS = "申请人情况"

#: A unit printed at the end of an amount column's label: ``（万元）`` or ``（单位：万元）``.
_UNIT_SUFFIX_RE = re.compile(r"（(?:单位[：:])?万元）$")


class Role(StrEnum):
    """What a layout cell is: drawn differently, and only ``VALUE`` cells carry a code."""

    BLOCK = "block"  # table 2 block title: 第二十条第（一）项
    NOTE = "note"  # table 3 勾稽 note in the corner
    HEADER = "header"  # column header
    LABEL = "label"  # row label (any level)
    VALUE = "value"  # a number cell of the template


class RowKind(StrEnum):
    BLOCK = "block"
    HEADER = "header"
    DATA = "data"


@dataclass(frozen=True, slots=True)
class LayoutCell:
    role: Role
    text: str = ""
    code: str | None = None
    colspan: int = 1
    rowspan: int = 1


@dataclass(frozen=True, slots=True)
class LayoutRow:
    kind: RowKind
    cells: tuple[LayoutCell, ...]
    #: Data rows: the row key (``denied.state_secret``; ``s4`` for table 4's single row); block rows: the block label.
    key: str = ""


@dataclass(frozen=True, slots=True)
class TableLayout:
    section: str  # "s2", "s3" or "s4"
    version: str  # template version of this table
    heading: str
    width: int  # number of grid columns
    rows: tuple[LayoutRow, ...]

    @property
    def header_rows(self) -> int:
        """Number of leading header rows (repeated on printed pages); 0 for table 2, whose headers are per block."""
        count = 0
        for row in self.rows:
            if row.kind is not RowKind.HEADER:
                break
            count += 1
        return count

    @property
    def codes(self) -> tuple[str, ...]:
        """The value codes in reading order (row by row, left to right)."""
        return tuple(c.code for row in self.rows for c in row.cells if c.code is not None)


@dataclass(frozen=True, slots=True)
class PlacedCell:
    """A layout cell at its grid position (0-based row and column of its top-left corner)."""

    row: int
    col: int
    cell: LayoutCell


# -- label paths -------------------------------------------------------------------------------------


def s3_row_path(template: Template, row: str) -> tuple[str, ...]:
    """The printed label levels of a table-3 row: ``("三、本年度办理结果", "（三）不予公开", "1.属于国家秘密")``.

    The cell specs abbreviate the first level of deeper rows (``三/（三）不予公开/…``); the full text is taken
    from the row of the same template that spells it out (``三、本年度办理结果/（一）予以公开``).
    """
    parts = tuple(template.s3_row_label(row).split("/"))
    return (_full_level1(template, parts[0]), *parts[1:])


@cache
def _level1_texts(version: str) -> tuple[str, ...]:
    template = get_template(version)
    return tuple(dict.fromkeys(template.s3_row_label(r).split("/")[0] for r in template.s3_rows))


def _full_level1(template: Template, text: str) -> str:
    if "、" in text:
        return text
    for candidate in _level1_texts(template.version):
        if candidate.startswith(f"{text}、"):
            return candidate
    return text


def s3_column_path(template: Template, column: str) -> tuple[str, ...]:
    """The header levels above a table-3 column: ``("申请人情况", "法人或其他组织", "商业企业")``."""
    spec = template.by_code[f"s3.{template.s3_rows[0]}.{column}"]
    return (S3_APPLICANTS, *spec.label.split(" × ", 1)[1].split("/"))


def s3_columns(template: Template) -> tuple[str, ...]:
    first = template.s3_rows[0]
    return tuple(c.column for c in template.table_cells(3) if c.row == first)


def s4_column_path(spec: CellSpec) -> tuple[str, ...]:
    """The header levels above a table-4 column: ``("行政诉讼", "未经复议直接起诉", "结果维持")``."""
    return tuple(spec.label.split("/"))


def full_label(template: Template, spec: CellSpec, *, unstated: bool = False) -> str:
    """A cell's complete label path, every level spelled out (for notes and the XLSX cell list); ``unstated``:
    the report gives no unit for this amount, so the label does not claim 万元."""
    if spec.table == 3:
        row = " / ".join(s3_row_path(template, spec.row))
        column = " / ".join(s3_column_path(template, spec.column)[1:])
        return f"{row} × {column}"
    if spec.table == 2:
        return " / ".join(
            (template.s2_block_label(spec.row), template.s2_item_label(spec.row), s2_header(spec, unstated=unstated))
        )
    return " / ".join(s4_column_path(spec))


def s2_header(spec: CellSpec, *, unstated: bool = False) -> str:
    """A table-2 column header; an amount whose unit the report does not state loses the ``（万元）`` suffix."""
    label = spec.label.split("/", 2)[2]
    if unstated and spec.kind is CellKind.AMOUNT:
        return _UNIT_SUFFIX_RE.sub("", label)
    return label


# -- generic builders ---------------------------------------------------------------------------------


def header_rows(paths: Sequence[tuple[str, ...]]) -> list[list[LayoutCell]]:
    """Header rows over columns given by their label paths (top level first).

    Consecutive columns sharing a prefix get one merged cell (colspan); a column whose path ends above the
    deepest level gets a leaf cell reaching down to the last header row (rowspan), as the template prints
    自然人 and 总计 beside 法人或其他组织 / 商业企业 ….
    """
    depth = max(len(p) for p in paths)
    rows: list[list[LayoutCell]] = []
    for level in range(depth):
        cells: list[LayoutCell] = []
        col = 0
        while col < len(paths):
            path = paths[col]
            if len(path) <= level:
                col += 1
                continue
            if len(path) == level + 1:
                cells.append(LayoutCell(Role.HEADER, path[level], rowspan=depth - level))
                col += 1
                continue
            prefix = path[: level + 1]
            end = col
            while end < len(paths) and len(paths[end]) > level + 1 and paths[end][: level + 1] == prefix:
                end += 1
            cells.append(LayoutCell(Role.HEADER, path[level], colspan=end - col))
            col = end
        rows.append(cells)
    return rows


def label_cells(paths: Sequence[tuple[str, ...]], width: int) -> list[list[LayoutCell]]:
    """Row-label cells for consecutive rows given by their label paths, merged over ``width`` label columns.

    A level shared by consecutive rows is one cell spanning them (rowspan); each row's last level stretches
    right to the values (colspan), so ``一、本年新收…`` spans three columns and ``（一）予以公开`` two.
    """
    out: list[list[LayoutCell]] = [[] for _ in paths]
    for i, path in enumerate(paths):
        for level, text in enumerate(path):
            if level == len(path) - 1:
                out[i].append(LayoutCell(Role.LABEL, text, colspan=width - level))
                continue
            prefix = path[: level + 1]
            if i > 0 and len(paths[i - 1]) > level + 1 and paths[i - 1][: level + 1] == prefix:
                continue  # covered by the rowspan of the first row of the run
            end = i
            while end < len(paths) and len(paths[end]) > level + 1 and paths[end][: level + 1] == prefix:
                end += 1
            out[i].append(LayoutCell(Role.LABEL, text, rowspan=end - i))
    return out


# -- the three tables ---------------------------------------------------------------------------------


def table2_layout(template: Template, *, unstated: frozenset[str] = frozenset()) -> TableLayout:
    """Table 2 in blocks; ``unstated`` names amount codes printed without unit (their header shows no 万元)."""
    items = template.s2_items
    value_width = max(len(template.s2_columns(item)) for item in items)
    width = 1 + value_width
    blocks: dict[str, list[str]] = {}
    for item in items:
        blocks.setdefault(template.s2_block_label(item), []).append(item)
    rows: list[LayoutRow] = []
    for block, block_items in blocks.items():
        rows.append(LayoutRow(RowKind.BLOCK, (LayoutCell(Role.BLOCK, block, colspan=width),), key=block))
        columns = template.s2_columns(block_items[0])
        spans = _stretch_last(len(columns), value_width)
        headers = [LayoutCell(Role.HEADER, S2_ITEM_HEADER)]
        for column, span in zip(columns, spans, strict=True):
            specs = [template.by_code[f"s2.{item}.{column}"] for item in block_items]
            no_unit = all(spec.code in unstated for spec in specs)
            headers.append(LayoutCell(Role.HEADER, s2_header(specs[0], unstated=no_unit), colspan=span))
        rows.append(LayoutRow(RowKind.HEADER, tuple(headers), key=block))
        for item in block_items:
            item_columns = template.s2_columns(item)
            cells = [LayoutCell(Role.LABEL, template.s2_item_label(item))]
            cells += [
                LayoutCell(Role.VALUE, code=f"s2.{item}.{column}", colspan=span)
                for column, span in zip(item_columns, _stretch_last(len(item_columns), value_width), strict=True)
            ]
            rows.append(LayoutRow(RowKind.DATA, tuple(cells), key=item))
    return TableLayout("s2", template.version, TABLE_HEADINGS["s2"], width, tuple(rows))


def _stretch_last(count: int, width: int) -> list[int]:
    return [1] * (count - 1) + [width - count + 1]


def table3_layout(template: Template) -> TableLayout:
    """Table 3: the 勾稽 corner, the applicant header tree, one data row per template row."""
    columns = s3_columns(template)
    rows_keys = template.s3_rows
    paths = [s3_row_path(template, row) for row in rows_keys]
    label_width = max(len(p) for p in paths)
    headers = header_rows([s3_column_path(template, c) for c in columns])
    corner = LayoutCell(Role.NOTE, S3_NOTE, colspan=label_width, rowspan=len(headers))
    rows = [LayoutRow(RowKind.HEADER, tuple(([corner] if i == 0 else []) + h)) for i, h in enumerate(headers)]
    for row, labels in zip(rows_keys, label_cells(paths, label_width), strict=True):
        values = [LayoutCell(Role.VALUE, code=f"s3.{row}.{column}") for column in columns]
        rows.append(LayoutRow(RowKind.DATA, tuple(labels + values), key=row))
    return TableLayout("s3", template.version, TABLE_HEADINGS["s3"], label_width + len(columns), tuple(rows))


def table4_layout(template: Template) -> TableLayout:
    """Table 4: the 行政复议 / 行政诉讼 header tree over one row of values."""
    specs = template.table_cells(4)
    headers = header_rows([s4_column_path(spec) for spec in specs])
    rows = [LayoutRow(RowKind.HEADER, tuple(h)) for h in headers]
    values = tuple(LayoutCell(Role.VALUE, code=spec.code) for spec in specs)
    rows.append(LayoutRow(RowKind.DATA, values, key="s4"))
    return TableLayout("s4", template.version, TABLE_HEADINGS["s4"], len(specs), tuple(rows))


@cache
def template_layout(version: str) -> tuple[TableLayout, TableLayout, TableLayout]:
    """The three tables of one template version exactly as the template prints them."""
    template = get_template(version)
    return table2_layout(template), table3_layout(template), table4_layout(template)


def report_layout(report: Report) -> tuple[TableLayout, TableLayout, TableLayout]:
    """The three tables of a report: each table in its own template version (mixed reports), with the
    procurement header adjusted when the report states no unit for the amount."""
    unstated = frozenset(code for code, unit in report.units.items() if unit == UNIT_UNSTATED)
    s2_version = report.template_of("s2")
    s2 = table2_layout(get_template(s2_version), unstated=unstated) if unstated else template_layout(s2_version)[0]
    return s2, template_layout(report.template_of("s3"))[1], template_layout(report.template_of("s4"))[2]


# -- grid ---------------------------------------------------------------------------------------------


def place(table: TableLayout) -> list[PlacedCell]:
    """Grid positions of every cell, as an HTML table is laid out (cells flow around earlier rowspans)."""
    occupied: set[tuple[int, int]] = set()
    placed: list[PlacedCell] = []
    for r, row in enumerate(table.rows):
        col = 0
        for cell in row.cells:
            while (r, col) in occupied:
                col += 1
            placed.append(PlacedCell(r, col, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    occupied.add((r + dr, col + dc))
            col += cell.colspan
    return placed
