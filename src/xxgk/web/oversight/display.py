"""The charts of the combined report page, each with the table of its numbers (the fallback for readers who
cannot see the chart, and the figures to copy): applications by applicant type, results by group, the share
corrected in review and litigation, and the same figures over the years."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from xxgk.web.oversight.charts import Series, Value, bar_chart, format_value, line_chart
from xxgk.web.oversight.figures import (
    APPLICANT_COLUMNS,
    APPLICANT_LABELS,
    OUTCOME_GROUPS,
    REMEDY_GROUPS,
    REMEDY_SHORT,
    SUITS,
    SUITS_LABEL,
    KeyFigures,
    Share,
)
from xxgk.web.oversight.selectors import YearFigures


@dataclass(frozen=True)
class Chart:
    """One chart: its heading, the SVG (escaped by :mod:`xxgk.web.oversight.charts`), and its data table."""

    chart_id: str
    title: str
    svg: SafeString
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    note: str = ""


def _svg(text: str) -> SafeString:
    # The chart builder escapes every label and number it writes (tested), so the markup is safe to inline.
    return mark_safe(text)


def _fmt(value: Value, *, percent: bool = False) -> str:
    return format_value(value, percent=percent)


def applications_unit(value: int | float | Decimal, text: str) -> str:
    """A count of applications in a chart's description (``12件``, "12 applications")."""
    number = int(value) if value == int(value) else 2  # a fraction takes the plural
    return ngettext("%(count)s件", "%(count)s件", number) % {"count": text}


def _share_note(share: Share) -> str:
    """The note after a share's bar: corrected of decided (``纠正 3 / 审结 10``), or that figures are missing."""
    if share.part is None or share.whole is None:
        return _("数据不全")
    return _("纠正 %(part)s / 审结 %(whole)s") % {"part": share.part, "whole": share.whole}


def year_charts(figures: KeyFigures, *, year: int) -> list[Chart]:
    """The charts of one year's combined report."""
    charts: list[Chart] = []
    items = [(APPLICANT_LABELS[c], figures.received[c]) for c in APPLICANT_COLUMNS]
    title = _("%(year)s年新收申请（按申请人类型）") % {"year": year}
    charts.append(
        Chart(
            "chart-applicants",
            title,
            _svg(bar_chart(chart_id="chart-applicants", title=title, items=items, unit=applications_unit)),
            (_("申请人类型"), _("本年新收（件）")),
            (*((label, _fmt(v)) for label, v in items), (_("总计"), _fmt(figures.received["total"]))),
        )
    )
    items = [(label, figures.outcomes[g]) for g, label in OUTCOME_GROUPS.items()]
    title = _("%(year)s年办理结果（按结果类别）") % {"year": year}
    charts.append(
        Chart(
            "chart-outcomes",
            title,
            _svg(bar_chart(chart_id="chart-outcomes", title=title, items=items, unit=applications_unit)),
            (_("办理结果"), _("件数")),
            (*((label, _fmt(v)) for label, v in items), (_("总计"), _fmt(figures.outcomes["total"]))),
        )
    )
    groups = {**REMEDY_GROUPS, SUITS: SUITS_LABEL}
    shares = [(label, figures.corrected[g]) for g, label in groups.items()]
    short = [REMEDY_SHORT[g] for g in groups]
    title = _("%(year)s年行政复议、行政诉讼结果被纠正的比例") % {"year": year}
    charts.append(
        Chart(
            "chart-corrected",
            title,
            _svg(
                bar_chart(
                    chart_id="chart-corrected",
                    title=title,
                    items=[(name, s.percent) for name, (_label, s) in zip(short, shares, strict=True)],
                    percent=True,
                    notes=[_share_note(s) for _label, s in shares],
                )
            ),
            (_("类别"), _("结果纠正"), _("已审结（维持＋纠正＋其他）"), _("纠正比例")),
            tuple((label, _fmt(s.part), _fmt(s.whole), _fmt(s.percent, percent=True)) for label, s in shares),
            note=_("纠正比例 = 结果纠正 ÷（结果维持＋结果纠正＋其他结果），尚未审结的不计入；没有审结案件的记为“—”。"),
        )
    )
    return charts


def history_charts(history: list[YearFigures]) -> list[Chart]:
    """The year-over-year charts (empty when fewer than two years have published reports)."""
    years = [h for h in history if h.figures is not None]
    if len(years) < 2:
        return []
    labels = [_("%(year)s年") % {"year": h.year} for h in years]
    figures = [h.figures for h in years if h.figures is not None]
    counts = [
        Series(_("本年新收"), tuple(f.received_total for f in figures)),
        Series(_("办理结果总计"), tuple(f.handled_total for f in figures)),
        Series("予以公开", tuple(f.outcomes["granted"] for f in figures)),
    ]
    title = _("历年申请数量")
    charts = [
        Chart(
            "chart-history-counts",
            title,
            _svg(
                line_chart(
                    chart_id="chart-history-counts",
                    title=title,
                    categories=labels,
                    series=counts,
                    unit=applications_unit,
                )
            ),
            (_("年度"), _("汇总机关数"), *(s.name for s in counts)),
            tuple(
                (label, str(h.included), *(_fmt(s.values[i]) for s in counts))
                for i, (label, h) in enumerate(zip(labels, years, strict=True))
            ),
            note=_("各年度按当年已发布（含外部导入）的下级机关年报汇总，各年度计入的机关可能不同。"),
        )
    ]
    shares = [
        Series("行政复议", tuple(f.corrected["review"].percent for f in figures)),
        Series(REMEDY_SHORT[SUITS], tuple(f.corrected[SUITS].percent for f in figures)),
    ]
    title = _("历年行政复议、行政诉讼结果被纠正的比例")
    charts.append(
        Chart(
            "chart-history-corrected",
            title,
            _svg(
                line_chart(
                    chart_id="chart-history-corrected", title=title, categories=labels, series=shares, percent=True
                )
            ),
            (_("年度"), *(s.name for s in shares)),
            tuple((label, *(_fmt(s.values[i], percent=True) for s in shares)) for i, label in enumerate(labels)),
        )
    )
    return charts
