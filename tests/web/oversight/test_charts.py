"""The SVG chart builder: well-formed XML, accessible (title, desc naming every number), labels escaped, bars
proportional to the values."""

from __future__ import annotations

from decimal import Decimal

import pytest
from lxml import etree

from xxgk.web.oversight.charts import FONT, Series, bar_chart, format_value, line_chart, text_width

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> etree._Element:
    return etree.fromstring(svg.encode("utf-8"))


def texts(root: etree._Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def test_bar_chart_is_accessible_xml_with_every_number() -> None:
    items = [("自然人", 12), ("商业企业", 3), ("科研机构", 0), ("法律服务机构", None)]
    root = parse(bar_chart(chart_id="c1", title="新收申请", items=items, unit="件"))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-title c1-desc"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None and title.text == "新收申请" and title.get("id") == "c1-title"
    assert desc is not None and desc.text is not None
    for label, value in items:
        assert label in desc.text
        assert f"{label}：{format_value(value)}" in desc.text
    drawn = texts(root)
    for label, value in items:
        assert label in drawn
        assert format_value(value) in drawn
    assert "12件" in desc.text and "—件" not in desc.text


def test_bar_lengths_are_proportional() -> None:
    root = parse(bar_chart(chart_id="c", title="t", items=[("甲", 40), ("乙", 10), ("丙", 0)]))
    widths = {
        g.get("data-label"): float(rect.get("width") or 0)
        for g in root.iter(f"{SVG}g")
        for rect in g.iter(f"{SVG}rect")
    }
    assert set(widths) == {"甲", "乙"}  # a zero bar draws no rectangle
    assert widths["甲"] == pytest.approx(4 * widths["乙"], rel=1e-3)


def test_percent_chart_runs_to_100_with_notes() -> None:
    svg = bar_chart(
        chart_id="p",
        title="纠正比例",
        items=[("行政复议", Decimal("50.0")), ("行政诉讼", None)],
        percent=True,
        notes=["纠正 1 / 审结 2", "数据不全"],
    )
    root = parse(svg)
    drawn = texts(root)
    assert "50.0%  纠正 1 / 审结 2" in drawn
    assert "—  数据不全" in drawn
    rects = list(root.iter(f"{SVG}rect"))
    assert len(rects) == 1
    with pytest.raises(ValueError, match="one entry per item"):
        bar_chart(chart_id="p", title="t", items=[("a", 1)], notes=[])


def test_labels_and_titles_are_escaped() -> None:
    evil = '<script>alert("x")</script>&'
    svg = bar_chart(chart_id='x"y', title=evil, items=[(evil, 1)])
    assert "<script>" not in svg
    root = parse(svg)  # still well-formed
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == evil
    assert evil in texts(root)
    line = line_chart(chart_id="l", title=evil, categories=[evil, "2021年"], series=[Series(evil, (1, 2))])
    assert "<script>" not in line
    assert evil in texts(parse(line))


def test_line_chart_points_and_gaps() -> None:
    categories = ["2019年", "2020年", "2021年", "2022年"]
    series = [Series("本年新收", (10, 20, None, 40)), Series("予以公开", (5, 5, 6, 7))]
    root = parse(line_chart(chart_id="h", title="历年", categories=categories, series=series, unit="件"))
    desc = root.find(f"{SVG}desc")
    assert desc is not None and desc.text is not None
    assert "本年新收（2019年：10件，2020年：20件，2021年：—，2022年：40件）" in desc.text
    groups = {g.get("data-series"): g for g in root.iter(f"{SVG}g") if g.get("data-series")}
    assert len(list(groups["本年新收"].iter(f"{SVG}circle"))) == 3
    assert len(list(groups["本年新收"].iter(f"{SVG}polyline"))) == 1  # the gap splits 10–20 | 40 (one point)
    assert len(list(groups["予以公开"].iter(f"{SVG}polyline"))) == 1
    drawn = texts(root)
    for value in ("10", "20", "40", "5", "6", "7", *categories, "本年新收", "予以公开"):
        assert value in drawn
    # higher values are drawn higher (smaller y)
    ys = [float(c.get("cy") or 0) for c in groups["本年新收"].iter(f"{SVG}circle")]
    assert ys[0] > ys[1] > ys[2]


def test_line_chart_rejects_ragged_series_and_handles_no_data() -> None:
    with pytest.raises(ValueError, match="values for"):
        line_chart(chart_id="h", title="t", categories=["a", "b"], series=[Series("s", (1,))])
    root = parse(line_chart(chart_id="h", title="t", categories=[], series=[]))
    assert "无数据" in texts(root)
    root = parse(bar_chart(chart_id="b", title="t", items=[]))
    assert "无数据" in texts(root)


def test_format_and_width() -> None:
    assert format_value(None) == "—"
    assert format_value(Decimal("1.50")) == "1.5"
    assert format_value(Decimal("33.333"), percent=True) == "33.3%"
    assert format_value(7) == "7"
    assert text_width("八桥") == 2 * FONT  # CJK is square
    assert text_width("ab") == pytest.approx(2 * FONT * 0.6)
