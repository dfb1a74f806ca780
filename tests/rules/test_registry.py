"""The registry's public API: all_rules, get_rule, check (select/ignore, ordering, bad input), @rule."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest

from tests.rules.builders import clean, clean_pair
from tests.rules.examples import EXAMPLES
from xxgk.core.errors import ReportError
from xxgk.core.findings import Severity
from xxgk.core.model import Cell, Report
from xxgk.core.templates import TEMPLATE_VERSIONS
from xxgk.rules import AREAS, RETIRED, Issue, Rule, all_rules, check, get_rule, rule, select_rules
from xxgk.rules.registry import _REGISTRY


def test_all_rules_sorted_and_unique() -> None:
    codes = [r.code for r in all_rules()]
    assert codes == sorted(codes)
    assert len(codes) == len(set(codes))
    assert not set(codes) & set(RETIRED)


@pytest.mark.parametrize("r", all_rules(), ids=lambda r: r.code)
def test_rule_metadata(r: Rule) -> None:
    assert re.fullmatch(r"[TVBSNX]\d{3}", r.code)
    assert r.area in AREAS
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", r.name)
    assert isinstance(r.severity, Severity)
    assert r.templates and set(r.templates) <= set(TEMPLATE_VERSIONS)
    assert 0 < len(r.message) < 80 and "\n" not in r.message
    assert r.hint and "\n" not in r.hint
    assert re.search(r"[\u4e00-\u9fff]", r.message) and re.search(r"[\u4e00-\u9fff]", r.hint)
    assert r.needs_previous == (r.area == "X")
    # docstring sections feed docs/rules.md: what it checks, Why:, Example:, Fix:
    first, *_ = r.doc.split("\n\n")
    assert first.strip(), f"{r.code}: docstring needs a summary paragraph"
    for section in ("Why:", "Example:", "Fix:"):
        assert re.search(rf"^{section}", r.doc, re.MULTILINE), f"{r.code}: docstring lacks {section!r}"


def test_rule_names_unique() -> None:
    names = [r.name for r in all_rules()]
    assert len(names) == len(set(names))


def test_get_rule() -> None:
    assert get_rule("S301").name == "row-total"
    assert get_rule(" s301 ").code == "S301"
    with pytest.raises(ReportError, match="unknown rule code"):
        get_rule("S399")
    with pytest.raises(ReportError):
        get_rule("")


def test_select_and_ignore_by_prefix() -> None:
    s3 = [r.code for r in select_rules(select=["S3"])]
    assert s3 and all(c.startswith("S3") for c in s3)
    assert [r.code for r in select_rules(select=["S301"])] == ["S301"]
    everything = {r.code for r in all_rules()}
    assert {r.code for r in select_rules(ignore=["X"])} == {c for c in everything if not c.startswith("X")}
    assert {r.code for r in select_rules(select=["S"], ignore=["S2", "S401"])} == {
        c for c in everything if c.startswith("S3")
    }
    # a comma-separated string is accepted too (not iterated character by character)
    assert [r.code for r in select_rules(select="S301,S302")] == ["S301", "S302"]
    assert [r.code for r in select_rules(select="s301")] == ["S301"]


@pytest.mark.parametrize("bad", [["S999"], ["Q"], ["S3011"], ["row-total"], ["3"], ["Z1"]])
def test_unknown_selectors_are_clear_errors(bad: list[str]) -> None:
    with pytest.raises(ReportError, match=re.escape(bad[0].upper())):
        check(clean("2021"), select=bad)
    with pytest.raises(ReportError, match=re.escape(bad[0].upper())):
        check(clean("2021"), ignore=bad)


def test_selector_of_wrong_type() -> None:
    with pytest.raises(ReportError):
        check(clean("2021"), select=[301])  # type: ignore[list-item]
    with pytest.raises(ReportError):
        check(clean("2021"), select=301)  # type: ignore[arg-type]


def test_check_rejects_non_reports() -> None:
    with pytest.raises(ReportError, match="expects a Report"):
        check({"template": "2021"})  # type: ignore[arg-type]
    with pytest.raises(ReportError, match="previous"):
        check(clean("2021"), previous="2020.json")  # type: ignore[arg-type]


def test_check_on_an_empty_report_does_not_crash() -> None:
    """The CLI validates --select/--ignore by checking Report.empty(...): every cell absent, no year."""
    for version in TEMPLATE_VERSIONS:
        findings = check(Report.empty(version))
        codes = {f.code for f in findings}
        assert {"T003", "T005"} <= codes
        assert len([f for f in findings if f.code == "T005"]) == 3
        # the identities say they could not be verified, once per rule, not once per cell
        for code in ("S301", "S302", "S303", "S401"):
            assert len([f for f in findings if f.code == code]) == 1


def test_cross_year_rules_need_previous() -> None:
    case = EXAMPLES["X602"][1]("2021")
    assert not [f for f in check(case.report) if f.code.startswith("X")]
    assert "X602" in {f.code for f in check(case.report, previous=case.previous)}


def test_cross_year_silent_when_not_comparable() -> None:
    """Not consecutive years: X601 says so and the chains are not computed."""
    case = EXAMPLES["X602"][1]("2021")
    assert case.previous is not None and case.report.year is not None
    case.previous.year = case.report.year - 3
    codes = {f.code for f in check(case.report, previous=case.previous)}
    assert "X601" in codes
    assert not codes & {"X602", "X603", "X604", "X605", "X606"}


def test_carry_total_is_error_and_columns_warning() -> None:
    case = EXAMPLES["X602"][1]("2019")
    findings = check(case.report, previous=case.previous, select=["X"])
    assert {(f.code, f.severity) for f in findings} == {("X602", Severity.ERROR), ("X603", Severity.WARNING)}
    x602 = next(f for f in findings if f.code == "X602")
    assert "2" in x602.message and "1" in x602.message


def test_findings_are_sorted_deterministically() -> None:
    report = clean("2021")
    report.set_value("s3.granted.natural", 9)  # S301 and S302 errors
    report.set("s2.normative_docs.issued", Cell.blank())  # a warning
    report.units["s2.fees.amount"] = "unstated"  # an info
    findings = check(report)
    keys = [(-f.severity.rank, f.code, f.cells, f.message) for f in findings]
    assert keys == sorted(keys)
    assert findings[0].severity is Severity.ERROR
    assert findings[-1].severity is Severity.INFO
    assert check(report) == findings


def test_finding_source_comes_from_the_cell_provenance() -> None:
    from xxgk.core.model import Source

    report = clean("2021")
    src = Source(file="a.html", table=3, row=4, col=2, text="9")
    report.set("s3.granted.natural", Cell.number(9, source=src))
    s301 = next(f for f in check(report) if f.code == "S301")
    assert s301.source == src


def test_messages_are_concrete() -> None:
    """A message names the row/column and the numbers (here: （一）予以公开, 3+1 → 4+1)."""
    report = clean("2019")
    report.set_value("s3.granted.business", 2)
    msgs = [f.message for f in check(report) if f.code == "S301"]
    assert msgs == ["（一）予以公开行：3+2+0+0+0+0 = 5 ≠ 总计 4"]
    s302 = [f.message for f in check(report) if f.code == "S302"]
    assert s302 == ["（七）总计 商业企业列：结果各项之和 3 ≠ 总计 2"]


def test_rule_decorator_refuses_misuse() -> None:
    def func(ctx: object) -> list[Issue]:
        """Doc.

        Why: x. Example: y. Fix: z.
        """
        return []

    good: dict[str, Any] = {"name": "x-y", "severity": Severity.ERROR, "message": "消息", "hint": "提示"}
    before = dict(_REGISTRY)
    cases: list[tuple[str, dict[str, Any]]] = [
        ("S301", {}),  # code in use
        ("S3011", {}),  # bad code
        ("S398", {"name": "Bad Name"}),
        ("S398", {"message": "x" * 80}),
        ("S398", {"hint": "a\nb"}),
        ("S398", {"templates": ("2020",)}),
        ("S398", {"table": "s5"}),
    ]
    for code, overrides in cases:
        with pytest.raises(ValueError, match="bad rule"):
            rule(code, **{**good, **overrides})(func)
    assert before == _REGISTRY


def test_performance_linear_and_cheap() -> None:
    """check() runs on thousands of reports in batch: well under 2 ms per report (generous bound here)."""
    case = clean_pair("2021")
    report = case.report
    report.set_value("s3.granted.natural", 4)
    check(report, previous=case.previous)
    n = 300
    start = time.perf_counter()
    for _ in range(n):
        check(report, previous=case.previous)
    per_report = (time.perf_counter() - start) / n
    assert per_report < 0.005, f"{per_report * 1000:.2f} ms per report"
