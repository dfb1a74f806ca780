"""Speed, as ratios (machines differ): parsing an HTML report costs a small multiple of lxml merely building
its tree; a text report costs less than the same kind of report as HTML.

The brief's target is parse + check within ~3x of ``lxml.html.fromstring``. On the fixtures (pages cut at the
site footer, so lxml has little to do) parsing alone measures ~3-5x; on full pages (site chrome included) ~2x.
The bounds below are loose on purpose: they catch regressions such as a second tree or re-serialisation, not noise.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import lxml.html

from tests.ingest.helpers import PUBLISHED, SEED
from xxgk.ingest import parse_bytes


def _median_ratio(slow: Callable[[], object], fast: Callable[[], object], rounds: int = 15) -> float:
    slow()
    fast()
    ratios = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fast()
        t1 = time.perf_counter()
        slow()
        t2 = time.perf_counter()
        ratios.append((t2 - t1) / (t1 - t0))
    return statistics.median(ratios)


def test_html_parse_is_a_small_multiple_of_building_the_tree() -> None:
    page = (PUBLISHED / "pingtan-htp-2021.html").read_bytes()
    ratio = _median_ratio(lambda: parse_bytes(page, source="p.html"), lambda: lxml.html.fromstring(page))
    assert ratio < 7, ratio


def test_page_chrome_costs_lxml_time_not_parser_time() -> None:
    page = (PUBLISHED / "pingtan-hzs-2023.html").read_bytes()
    links = b"".join(
        b'<li><a href="/l%d.htm">\xe7\x9b\xb8\xe5\x85\xb3\xe9\x93\xbe\xe6\x8e\xa5%d</a></li>' % (i, i)
        for i in range(1500)
    )
    full = page + b"<div class='footer'><ul>" + links + b"</ul></div>"
    ratio = _median_ratio(lambda: parse_bytes(full, source="p.html"), lambda: lxml.html.fromstring(full))
    assert ratio < 4, ratio


def test_text_is_cheaper_than_html() -> None:
    text = SEED.read_bytes()
    page = (PUBLISHED / "pingtan-zrz-2020.html").read_bytes()  # same template, same year
    ratio = _median_ratio(lambda: parse_bytes(text, source="s.txt"), lambda: parse_bytes(page, source="p.html"))
    assert ratio < 1, ratio
