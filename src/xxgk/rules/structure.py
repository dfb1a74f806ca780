"""T0xx — structure: template version vs year, missing tables and rows, extra rows, mixed templates."""

from __future__ import annotations

from collections.abc import Iterator

from xxgk.core.findings import Severity
from xxgk.core.model import CellState
from xxgk.core.templates import FIRST_YEAR, template_for_year
from xxgk.rules.labels import TABLE_ZH, cell_label, s2_item, s3_col, s3_row, s4_col, s4_group
from xxgk.rules.layout import Row, rows_of
from xxgk.rules.registry import CheckContext, Issue, rule

_TEMPLATE_DOC = {"2019": "国办公开办函〔2019〕60号", "2021": "国办公开办函〔2021〕30号"}


def _section_versions(ctx: CheckContext) -> tuple[tuple[str, str], ...]:
    report = ctx.report
    return (("s2", report.template_of("s2")), ("s3", report.template), ("s4", report.template))


@rule(
    "T001",
    name="template-year",
    severity=Severity.ERROR,
    message="表格所用格式版本与报告年度不符",
    hint="2021年度起用国办公开办函〔2021〕30号格式，2019、2020年度用〔2019〕60号格式",
    table="s3",
)
def template_year(ctx: CheckContext) -> Iterator[Issue]:
    """Each table must be printed in the template version of the year reported on, checked per table.

    Reports on 2019 and 2020 use the 2019 template (国办公开办函〔2019〕60号); reports on 2021 onward use
    the 2021 template (国办公开办函〔2021〕30号). Table 2 and table 3 are checked separately, because real
    reports mix them (a 2023 report with the 2021 table 2 and the 2019 table 3). Table 4 is the same in
    both versions and is not checked. A table that is missing altogether is left to T005.

    Why: the 2021 notice replaced the format for reports on 2021 onward; a table in the old format lacks
    what the new one asks for (现行有效件数, 本年收费金额, the three （六）其他处理 rows tied to the
    信息处理费 regime) and cannot be compared with other bodies' reports.

    Example: a report on 2021 whose table 2 has the columns 本年新制作数量 / 本年新公开数量 / 对外公开总数量
    and whose table 3 has a single （六）其他处理 row (平潭 海坛片区 2021).

    Fix: republish the table in the format of the year (for 2021 onward: 本年制发件数 / 本年废止件数 /
    现行有效件数, and （六）其他处理 split into 1.–3.).
    """
    year = ctx.report.year
    if year is None:
        return
    expected = template_for_year(year)
    if expected is None:
        return
    for section, version in _section_versions(ctx)[:2]:
        if version != expected and not ctx.table_absent(section):
            yield Issue(
                f"{year}年度报告的{TABLE_ZH[section]}用了{version}版格式，应为{expected}版（{_TEMPLATE_DOC[expected]}）"
            )


@rule(
    "T002",
    name="year-out-of-scope",
    severity=Severity.WARNING,
    message="报告年度早于2019年，统一表格格式尚未施行",
    hint="2018年度及以前的年报为旧的自由格式，本工具的检查不适用；请核对报告年度",
)
def year_out_of_scope(ctx: CheckContext) -> Iterator[Issue]:
    """The year reported on is before 2019, when no national table template existed.

    Why: the first national template (国办公开办函〔2019〕60号) applies from the reports on 2019; older reports
    were free-form, so the table checks do not apply and a year before 2019 more likely means the year was
    misread (e.g. from a preamble naming another year).

    Example: a report with ``year: 2018`` and the 2019 tables.

    Fix: check the year reported on (统计期限, the title); it is not the year of publication.
    """
    year = ctx.report.year
    if year is not None and year < FIRST_YEAR["2019"]:
        yield Issue(f"报告年度 {year} 早于2019年：统一格式自2019年度报告起施行，检查结果仅供参考")


@rule(
    "T003",
    name="year-unknown",
    severity=Severity.INFO,
    message="报告年度未知，无法核对格式版本",
    hint="在报告中写明统计期限（如“自2023年1月1日起至2023年12月31日止”）或在标题中写明年度",
)
def year_unknown(ctx: CheckContext) -> Iterator[Issue]:
    """The year reported on is not known, so the template-vs-year check (T001) cannot run.

    Why: T001 and the narrative's 信息处理费 check (N507) depend on the year; saying that they could not run is
    better than silently passing the report.

    Example: a report JSON with ``"year": null``.

    Fix: give the year reported on (from the title or the 统计期限 sentence).
    """
    if ctx.report.year is None:
        yield Issue("报告年度未知：无法核对表格格式版本是否与年度相符")


@rule(
    "T004",
    name="mixed-templates",
    severity=Severity.INFO,
    message="表二与表三使用了不同版本的格式",
    hint="同一份年报的表格应统一使用同一版本的格式",
)
def mixed_templates(ctx: CheckContext) -> Iterator[Issue]:
    """Table 2 and table 3 are printed in different template versions.

    Why: the spec's report JSON allows it because real reports do it (a 2023 report with the 2021 table 2
    and the 2019 table 3); the cell codes of each table follow its own version. Which one is wrong for
    the year is T001's business; this rule only says the tables are mixed, so readers compare the right
    columns.

    Example: ``"template": "2019", "templates": {"s2": "2021"}``.

    Fix: print every table in the version of the year reported on.
    """
    report = ctx.report
    s2 = report.template_of("s2")
    if s2 != report.template:
        yield Issue(f"表二用{s2}版格式，表三、表四用{report.template}版格式")


@rule(
    "T005",
    name="table-missing",
    severity=Severity.ERROR,
    message="缺少一张标准表格",
    hint="年报须包含表二（主动公开）、表三（依申请公开）、表四（复议诉讼）三张表",
)
def table_missing(ctx: CheckContext) -> Iterator[Issue]:
    """A whole standard table is missing (every cell absent).

    Why: 条例第五十条 lists what the annual report contains — (一) 主动公开, (二) 收到和处理申请,
    (三) 行政复议、行政诉讼 — and the national template gives each its table; the template says to fill in
    0 where nothing happened, not to leave the table out.

    Example: a report that has tables 2 and 3 but says "本年度无行政复议、行政诉讼" instead of table 4.

    Fix: print the table with 0 in every cell where nothing happened.
    """
    for section in ("s2", "s3", "s4"):
        if ctx.table_absent(section):
            yield Issue(f"缺少{TABLE_ZH[section]}：该表所有单元格都不存在")


def _absent_rows(ctx: CheckContext, sections: tuple[str, ...]) -> Iterator[Issue]:
    states = ctx.states
    if CellState.ABSENT not in states.values():
        return
    for section, version in _section_versions(ctx):
        if section not in sections or ctx.table_absent(section):
            continue
        for row in rows_of(section, version):
            absent = [code for code in row.codes if states.get(code) is CellState.ABSENT]
            if not absent:
                continue
            name = _row_name(row, version)
            if len(absent) == len(row.codes):
                yield Issue(f"{TABLE_ZH[section]}缺少“{name}”行", tuple(absent))
            else:
                cols = "、".join(_col_name(row, code) for code in absent[:3]) + ("等" if len(absent) > 3 else "")
                yield Issue(f"{TABLE_ZH[section]}“{name}”行缺少 {cols} 单元格", tuple(absent))


def _row_name(row: Row, version: str) -> str:
    if row.section == "s2":
        return s2_item(row.key, version)
    if row.section == "s3":
        return s3_row(row.key)
    return s4_group(row.key)


def _col_name(row: Row, code: str) -> str:
    column = code.rsplit(".", 1)[1]
    if row.section == "s3":
        return s3_col(column)
    if row.section == "s4":
        return s4_col(column)
    return cell_label(code).split("·", 1)[-1]


@rule(
    "T006",
    name="table2-row-missing",
    severity=Severity.WARNING,
    message="表二缺少模板中的行或单元格",
    hint="按模板列出表二所有行；不适用的填“0”，不要删行",
    table="s2",
)
def table2_row_missing(ctx: CheckContext) -> Iterator[Issue]:
    """A row (or a cell) of table 2 that the template has is not printed at all.

    Why: the template lists every row of table 2; bodies without rule-making power often drop the 规章 row
    (seen in real reports), which is why this is a warning, but the template asks for 0, and a missing row
    cannot be told apart from a row the parser failed to find.

    Example: table 2 with only the 规范性文件 row under 第二十条第（一）项 (平潭 市场监督管理局 2025).

    Fix: print every row of the template; write 0 where the body has nothing to report.
    """
    yield from _absent_rows(ctx, ("s2",))


@rule(
    "T007",
    name="table34-row-missing",
    severity=Severity.ERROR,
    message="表三或表四缺少模板中的行或单元格",
    hint="按模板完整列出表三、表四所有行和列；没有发生的填“0”",
)
def table34_row_missing(ctx: CheckContext) -> Iterator[Issue]:
    """A row (or a cell) of table 3 or table 4 is not printed at all.

    Why: tables 3 and 4 are complete grids (23/25 rows × 7 columns, 3 groups × 5 columns) whose rows and
    columns add up (S301–S303, S401); a missing row makes the report incomplete and the identities
    unverifiable. A whole missing table is T005.

    Example: a 2021 table 3 that prints （六）1. and （六）3. but not （六）2.

    Fix: print every row and column of the template, with 0 where nothing happened.
    """
    yield from _absent_rows(ctx, ("s3", "s4"))


@rule(
    "T008",
    name="extra-row",
    severity=Severity.WARNING,
    message="表格中有模板之外的行",
    hint="删除模板以外的行，或把内容移到正文说明；地方补充内容不要混入统一表格",
)
def extra_row(ctx: CheckContext) -> Iterator[Issue]:
    """A standard table prints a row the template does not have (``report.extra_rows``).

    Why: the national template fixes the rows; local additions (湖北's 其他主动公开文件 in table 2, an
    8-column variant of table 3) or mislabelled rows make the table incomparable, and their numbers are not
    in any canonical cell.

    Example: table 2 with an extra row 其他主动公开文件 under 第二十条第（一）项.

    Fix: keep the tables exactly as the template; report local items in the narrative.
    """
    for extra in ctx.report.extra_rows:
        label = extra.label if len(extra.label) <= 24 else extra.label[:23] + "…"
        where = TABLE_ZH.get(extra.section, extra.section)
        values = "、".join(extra.values[:4])
        tail = f"（{values[:20]}）" if values else ""
        yield Issue(f"{where}有模板之外的一行“{label}”{tail}")
