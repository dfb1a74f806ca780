"""What the report pages show: the three tables in the official layout (from :mod:`xxgk.render.layout`) with
every number a link to its records, and the counting rule of a cell in words."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from xxgk.core.findings import Severity
from xxgk.core.model import CellState, Report
from xxgk.core.outcomes import ApplicantType, Outcome
from xxgk.core.templates import get_template
from xxgk.render.common import cell_of, cell_text
from xxgk.render.layout import TABLE_HEADINGS, Role, full_label, report_layout
from xxgk.web.reports.counting import Measure, Period, parse_s3_code, report_template, row_outcomes


@dataclass(frozen=True, slots=True)
class DisplayCell:
    """One ``<td>``: a label (``code`` empty) or a value with its link and the severity of findings on it."""

    text: str
    role: str
    colspan: int = 1
    rowspan: int = 1
    code: str = ""
    state: str = ""
    url: str = ""
    flag: str = ""


@dataclass(frozen=True, slots=True)
class DisplayTable:
    section: str
    heading: str
    header_rows: tuple[tuple[DisplayCell, ...], ...]
    body_rows: tuple[tuple[DisplayCell, ...], ...]


def report_tables(report: Report, *, cell_url: Callable[[str], str], flags: dict[str, Severity]) -> list[DisplayTable]:
    """The three tables of ``report`` as rows of display cells; value cells link to ``cell_url(code)``."""
    tables: list[DisplayTable] = []
    for layout in report_layout(report):
        head: list[tuple[DisplayCell, ...]] = []
        body: list[tuple[DisplayCell, ...]] = []
        for index, row in enumerate(layout.rows):
            cells: list[DisplayCell] = []
            for c in row.cells:
                if c.code is None:
                    cells.append(DisplayCell(c.text, c.role.value, c.colspan, c.rowspan))
                    continue
                data = cell_of(report, c.code)
                flag = flags.get(c.code)
                cells.append(
                    DisplayCell(
                        text=cell_text(data),
                        role=Role.VALUE.value,
                        colspan=c.colspan,
                        rowspan=c.rowspan,
                        code=c.code,
                        state=data.state.value,
                        url=cell_url(c.code) if data.state is CellState.NUMBER else "",
                        flag=flag.value if flag is not None else "",
                    )
                )
            (head if index < layout.header_rows else body).append(tuple(cells))
        tables.append(DisplayTable(layout.section, TABLE_HEADINGS[layout.section], tuple(head), tuple(body)))
    return tables


def cell_label(report: Report, code: str) -> str:
    """The cell's full label path (``三、本年度办理结果 / （四）无法提供 / 1.… × 自然人``)."""
    spec = next((s for s in report.specs if s.code == code), None)
    if spec is None:
        return code
    return full_label(get_template(report.template_of(spec.section)), spec)


def code_label(year: int, code: str) -> str | None:
    """The full label of ``code`` in the template of ``year``'s report; ``None`` when that template has no such
    cell."""
    template = get_template(report_template(year))
    spec = template.by_code.get(code)
    return None if spec is None else full_label(template, spec)


def s3_rule_text(code: str, year: int) -> str:
    """The counting rule of one table-3 cell in words, with the dates of ``year``."""
    period = Period(year)
    cell = parse_s3_code(code, report_template(year))
    start, end = period.start.isoformat(), period.end.isoformat()
    measure = cell.measure
    dates = {"start": start, "end": end, "last": year - 1}
    if measure is Measure.RECEIVED:
        what = _("收到申请之日在 %(start)s 至 %(end)s 之间的申请") % dates
    elif measure is Measure.CARRIED_IN:
        what = _("收到申请之日早于 %(start)s、截至 %(last)s-12-31 尚未办结的申请（即 %(last)s 年的结转下年度）") % dates
    elif measure is Measure.CARRIED_OUT:
        what = _("收到申请之日不晚于 %(end)s、截至 %(end)s 尚未办结的申请") % dates
    else:
        if cell.row == "total":
            kinds = _("任一办理结果")
        else:
            labels = [_(Outcome(v).label) for v in row_outcomes(report_template(year))[cell.row]]
            kinds = _("、").join(_("“%(label)s”") % {"label": label} for label in labels)
        what = _(
            "收到申请之日不晚于 %(end)s、办结日期（答复、当场答复、视为放弃或撤回之日）在 %(start)s 至 %(end)s 之间，"
            "办理结果为%(kinds)s的申请"
        ) % {**dates, "kinds": kinds}
    if cell.column == "total":
        who = _("全部申请人类型")
    else:
        who = _("申请人类型为“%(type)s”") % {"type": _(ApplicantType(cell.column).full_label)}
    return _("%(what)s；%(who)s。") % {"what": what, "who": who}
