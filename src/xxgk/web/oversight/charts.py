"""Charts as inline SVG, drawn on the server: no JavaScript, no external library, no network.

Pure functions returning SVG text. Every label and title is XML-escaped here (the caller may mark the result
safe); every chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` naming all its numbers, so that a
screen reader hears what a sighted reader sees; pages show the same numbers in a table beside the chart.

* :func:`bar_chart` — horizontal bars, one per category (long Chinese labels read well on the left), the value
  written at the end of each bar, an optional note after it (``纠正 3 / 审结 10``);
* :func:`line_chart` — one line per series over ordered categories (years), every point labelled; a missing
  value (``None``) breaks the line.

Sizes are in SVG user units; the ``viewBox`` lets the chart scale to the page's width. The description's
punctuation (``：`` ``；`` ``（）``) and "无数据" are msgids translated in the active language; the labels, titles
and units come translated (or not: the template's categories) from the caller.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext

Value = int | float | Decimal | None

#: Bar and line colours (colour-blind-safe Okabe–Ito palette).
PALETTE: tuple[str, ...] = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
FONT = 13
FONT_FAMILY = "'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei',sans-serif"
NO_DATA = gettext_noop("无数据")
#: What follows a count in a chart's description: a word (``"件"``, appended), or a function of the value and its
#: text returning both (where the unit has a plural, as in English).
Unit = str | Callable[[int | float | Decimal, str], str]


@dataclass(frozen=True, slots=True)
class Series:
    """One line of a :func:`line_chart`: its name (the legend) and one value per category."""

    name: str
    values: tuple[Value, ...]


def esc(text: object) -> str:
    """XML-escape text for an element's content or an attribute value."""
    return escape(str(text), quote=True)


def text_width(text: str, size: float = FONT) -> float:
    """An estimate of the drawn width of ``text``: CJK and full-width characters are square, others about half."""
    return sum(size if ord(ch) > 0x2E7F else size * 0.6 for ch in text)


def format_value(value: Value, *, percent: bool = False) -> str:
    """``12`` · ``33.3%`` · ``—`` for no value."""
    if value is None:
        return "—"
    if percent:
        return f"{float(value):.1f}%"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def with_unit(value: Value, text: str, unit: Unit) -> str:
    """``text`` (the value written) with ``unit``; no unit after no value (``—``)."""
    if value is None or not unit:
        return text
    if isinstance(unit, str):
        return f"{text}{unit}"
    return unit(value, text)


def _labelled(label: str, text: str) -> str:
    return pgettext("chart description", "%(label)s：%(value)s") % {"label": label, "value": text}


def _detailed(text: str, detail: str) -> str:
    return pgettext("chart description", "%(text)s（%(detail)s）") % {"text": text, "detail": detail}


def _nice_max(value: float) -> float:
    """The axis maximum: ``value`` rounded up to 1, 2, 2.5 or 5 × a power of ten (at least 1)."""
    if value <= 1:
        return 1.0
    power = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return float(step * power)
    return float(10 * power)  # pragma: no cover - the loop ends at 10 × power ≥ value


def _open(*, chart_id: str, title: str, desc: str, width: float, height: float, kind: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{esc(kind)}" role="img" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" '
        f'aria-labelledby="{esc(chart_id)}-title {esc(chart_id)}-desc" '
        f'font-family="{esc(FONT_FAMILY)}" font-size="{FONT}">',
        f'<title id="{esc(chart_id)}-title">{esc(title)}</title>',
        f'<desc id="{esc(chart_id)}-desc">{esc(desc)}</desc>',
    ]


def bar_chart(
    *,
    chart_id: str,
    title: str,
    items: Sequence[tuple[str, Value]],
    percent: bool = False,
    notes: Sequence[str] | None = None,
    unit: Unit = "",
    width: int = 520,
) -> str:
    """Horizontal bars: one per ``(label, value)`` item; a percentage chart runs 0–100%. ``notes`` (one per item)
    are written after the values; ``unit`` follows count values in the description (``件``, see :data:`Unit`)."""
    notes = list(notes) if notes is not None else [""] * len(items)
    if len(notes) != len(items):
        raise ValueError("notes must have one entry per item")
    bar_h, gap, top, bottom = 22, 10, 8, 8
    label_w = max([text_width(label) for label, _ in items] + [FONT * 2]) + 12
    value_texts = [format_value(v, percent=percent) for _, v in items]
    tail_w = max([text_width(f"{t}  {n}".rstrip()) for t, n in zip(value_texts, notes, strict=True)] + [FONT]) + 12
    plot_w = max(width - label_w - tail_w, 80)
    width = int(label_w + plot_w + tail_w)
    height = top + bottom + max(len(items), 1) * (bar_h + gap)
    numbers = [float(v) for _, v in items if v is not None]
    top_value = 100.0 if percent else _nice_max(max(numbers, default=0.0))
    suffix: Unit = "" if percent else unit
    desc_parts = []
    for (label, value), text, note in zip(items, value_texts, notes, strict=True):
        part = _labelled(label, with_unit(value, text, suffix))
        desc_parts.append(_detailed(part, note) if note else part)
    no_data = _(NO_DATA)
    desc = pgettext("chart description", "；").join(desc_parts) if items else no_data
    out = _open(chart_id=chart_id, title=title, desc=desc, width=width, height=height, kind="bar")
    if not items:
        out.append(f'<text x="{width / 2:.0f}" y="{height / 2 + 4:.0f}" text-anchor="middle">{esc(no_data)}</text>')
    x0 = label_w
    out.append(f'<line x1="{x0:.1f}" y1="{top}" x2="{x0:.1f}" y2="{height - bottom}" stroke="#666" stroke-width="1"/>')
    for index, ((label, value), text, note) in enumerate(zip(items, value_texts, notes, strict=True)):
        y = top + index * (bar_h + gap)
        cy = y + bar_h / 2 + FONT / 2 - 2
        out.append(f'<g class="bar" data-label="{esc(label)}" data-value="{esc(text)}">')
        out.append(f'<text x="{x0 - 6:.1f}" y="{cy:.1f}" text-anchor="end" fill="#222">{esc(label)}</text>')
        length = 0.0 if value is None else max(float(value), 0.0) / top_value * plot_w
        if length > 0:
            colour = PALETTE[0] if not percent else PALETTE[5]
            out.append(
                f'<rect x="{x0:.1f}" y="{y}" width="{min(length, plot_w):.1f}" height="{bar_h}" fill="{colour}"/>'
            )
        tail = f"{text}  {note}".rstrip() if note else text
        out.append(f'<text x="{x0 + length + 6:.1f}" y="{cy:.1f}" fill="#222">{esc(tail)}</text>')
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)


def line_chart(
    *,
    chart_id: str,
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    percent: bool = False,
    unit: Unit = "",
    width: int = 560,
    height: int = 280,
) -> str:
    """One line per series over ``categories`` (left to right), each point labelled with its value, a legend
    below. A ``None`` value is no point and breaks the line."""
    for s in series:
        if len(s.values) != len(categories):
            raise ValueError(f"series {s.name!r} has {len(s.values)} values for {len(categories)} categories")
    left, right, top = 48, 24, 16
    legend_h = 22 * max(1, (len(series) + 2) // 3)
    bottom = 28 + legend_h
    plot_w, plot_h = width - left - right, height - top - bottom
    numbers = [float(v) for s in series for v in s.values if v is not None]
    top_value = 100.0 if percent else _nice_max(max(numbers, default=0.0))
    suffix: Unit = "" if percent else unit
    desc_lines = []
    for s in series:
        points = pgettext("chart description", "，").join(
            _labelled(c, with_unit(v, format_value(v, percent=percent), suffix))
            for c, v in zip(categories, s.values, strict=True)
        )
        desc_lines.append(_detailed(s.name, points))
    no_data = _(NO_DATA)
    desc = pgettext("chart description", "；").join(desc_lines) if series and categories else no_data
    out = _open(chart_id=chart_id, title=title, desc=desc, width=width, height=height, kind="line")
    if not series or not categories:
        out.append(f'<text x="{width / 2:.0f}" y="{height / 2:.0f}" text-anchor="middle">{esc(no_data)}</text>')
        out.append("</svg>")
        return "\n".join(out)

    def x_of(index: int) -> float:
        if len(categories) == 1:
            return left + plot_w / 2
        return left + index * plot_w / (len(categories) - 1)

    def y_of(value: float) -> float:
        return top + plot_h - min(max(value, 0.0), top_value) / top_value * plot_h

    # axes and gridlines (0, half, top)
    for fraction in (0.0, 0.5, 1.0):
        gy = top + plot_h - fraction * plot_h
        label = format_value(top_value * fraction, percent=percent) if percent else f"{top_value * fraction:g}"
        out.append(f'<line x1="{left}" y1="{gy:.1f}" x2="{left + plot_w}" y2="{gy:.1f}" stroke="#ddd"/>')
        out.append(
            f'<text x="{left - 6}" y="{gy + 4:.1f}" text-anchor="end" fill="#555" font-size="11">{esc(label)}</text>'
        )
    for index, category in enumerate(categories):
        out.append(
            f'<text x="{x_of(index):.1f}" y="{top + plot_h + 18}" text-anchor="middle" fill="#222">'
            f"{esc(category)}</text>"
        )
    for number, s in enumerate(series):
        colour = PALETTE[number % len(PALETTE)]
        out.append(f'<g class="series" data-series="{esc(s.name)}">')
        segment: list[str] = []
        segments: list[list[str]] = []
        for index, value in enumerate(s.values):
            if value is None:
                if segment:
                    segments.append(segment)
                segment = []
                continue
            segment.append(f"{x_of(index):.1f},{y_of(float(value)):.1f}")
        if segment:
            segments.append(segment)
        for run in segments:
            if len(run) > 1:
                out.append(f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for index, value in enumerate(s.values):
            if value is None:
                continue
            px, py = x_of(index), y_of(float(value))
            text = format_value(value, percent=percent)
            out.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3.5" fill="{colour}"/>')
            ty = py - 7 if number % 2 == 0 else py + 16  # alternate above/below: equal values stay readable
            out.append(
                f'<text x="{px:.1f}" y="{ty:.1f}" text-anchor="middle" fill="{colour}" font-size="11">'
                f"{esc(text)}</text>"
            )
        out.append("</g>")
    # legend, three entries a row
    for number, s in enumerate(series):
        colour = PALETTE[number % len(PALETTE)]
        lx = left + (number % 3) * (plot_w / 3)
        ly = height - legend_h + (number // 3) * 22 + 4
        out.append(f'<rect x="{lx:.1f}" y="{ly:.1f}" width="14" height="4" fill="{colour}"/>')
        out.append(f'<text x="{lx + 20:.1f}" y="{ly + 6:.1f}" fill="#222">{esc(s.name)}</text>')
    out.append("</svg>")
    return "\n".join(out)
