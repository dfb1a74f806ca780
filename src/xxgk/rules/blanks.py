"""B2xx — blanks: cells printed empty (or with a placeholder) and cells that could not be read."""

from __future__ import annotations

from collections.abc import Iterator

from xxgk.core.findings import Severity
from xxgk.core.model import CellState
from xxgk.rules.labels import TABLE_ZH, cell_label, s2_item, s3_col, s3_row, s4_col, s4_group
from xxgk.rules.layout import Row, rows_of
from xxgk.rules.registry import CheckContext, Issue, rule


def _blank_rows(ctx: CheckContext, section: str, version: str) -> Iterator[Issue]:
    states = ctx.states
    if CellState.BLANK not in states.values():
        return
    for row in rows_of(section, version):
        blank = [code for code in row.codes if states.get(code) is CellState.BLANK]
        if not blank:
            continue
        name, cols = _names(row, blank, version)
        if len(blank) == len(row.codes) and len(blank) > 1:
            yield Issue(f"{TABLE_ZH[section]}“{name}”整行为空（空白不等于 0）", tuple(blank))
        else:
            yield Issue(f"{TABLE_ZH[section]}“{name}”行 {cols} 为空（空白不等于 0）", tuple(blank))


def _names(row: Row, codes: list[str], version: str) -> tuple[str, str]:
    columns = [c.rsplit(".", 1)[1] for c in codes]
    if row.section == "s3":
        name, labels = s3_row(row.key), [s3_col(c) for c in columns]
    elif row.section == "s4":
        name, labels = s4_group(row.key), [s4_col(c) for c in columns]
    else:
        name, labels = s2_item(row.key, version), [cell_label(c).split("·", 1)[-1] for c in codes]
    shown = "、".join(labels[:3]) + (f"等 {len(labels)} 格" if len(labels) > 3 else "")
    return name, shown


@rule(
    "B201",
    name="table2-blank",
    severity=Severity.WARNING,
    message="表二有空白单元格（空白不等于 0）",
    hint="没有发生的填“0”；不要留空或填“/”“—”“无”",
    table="s2",
)
def table2_blank(ctx: CheckContext) -> Iterator[Issue]:
    """A table-2 cell is printed empty or with a placeholder ("/", "-", "—", "无") instead of a number.

    One finding per row, naming the blank columns. A row that is not printed at all is T006; from a report
    JSON without ``cell_states`` a ``null`` reads as blank, so an omitted row shows up here.

    Why: the template asks for a number in every cell; blank is not 0 — it may mean "not applicable"
    (bodies without rule-making power leave 规章 empty), "unknown" or "forgotten", and readers cannot tell
    which. Table 2 has no identities, so this is a warning.

    Example: 规章 row printed with three empty cells (平潭 市场监督管理局 2025 omits the row).

    Fix: write 0 where the body has nothing to report.
    """
    if not ctx.table_absent("s2"):
        yield from _blank_rows(ctx, "s2", ctx.report.template_of("s2"))


@rule(
    "B202",
    name="table34-blank",
    severity=Severity.ERROR,
    message="表三或表四有空白单元格（空白不等于 0）",
    hint="表三、表四每格都须填数字，没有发生的填“0”",
)
def table34_blank(ctx: CheckContext) -> Iterator[Issue]:
    """A table-3 or table-4 cell is printed empty or with a placeholder instead of a number.

    One finding per row (per group in table 4), naming the blank columns. The identities that the blank
    makes unverifiable are reported by their own rules (S301–S303, S401) as warnings.

    Why: every cell of tables 3 and 4 counts applications or cases; a count always exists (0 when nothing
    happened), so a blank makes the published table incomplete and its printed 勾稽关系 unverifiable.
    Blank is never read as 0 (上海 2019 leaves every 总计 cell of the outcome rows blank).

    Example: 一、本年新收 商业企业 printed as an empty cell (平潭 公安局 2019).

    Fix: write the count, 0 when nothing happened.
    """
    report = ctx.report
    for section in ("s3", "s4"):
        if not ctx.table_absent(section):
            yield from _blank_rows(ctx, section, report.template)


@rule(
    "B203",
    name="unreadable-cell",
    severity=Severity.WARNING,
    message="单元格有内容但无法确定数值",
    hint="对照原表人工读取该单元格并更正",
)
def unreadable_cell(ctx: CheckContext) -> Iterator[Issue]:
    """A cell has something printed that could not be read as a number without guessing (with the reader's note).

    Why: the value exists in the published table but is ambiguous (digits of several cells run together
    with more than one possible split, stray text); it is not known to be wrong, so this is a warning, but a
    person must read it, and the identities using it are reported as unverifiable.

    Example: a table-4 run "2120" that could be 2|12|0 or 21|2|0 → unreadable, note "数字粘连，无法唯一拆分".

    Fix: read the cell in the source document and enter the number.
    """
    cells = ctx.report.cells
    for code, state in ctx.states.items():
        if state is CellState.UNREADABLE:
            cell = cells[code]
            note = (cell.note or "原因未说明").replace("\n", " ")
            note = note if len(note) <= 40 else note[:39] + "…"
            yield Issue(f"{cell_label(code)} 无法识别：{note}", (code,))
