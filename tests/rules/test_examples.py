"""Every rule's good and bad examples are its tests (ruff style)."""

from __future__ import annotations

import pytest

from tests.rules.builders import clean, clean_pair
from tests.rules.examples import EXAMPLES, MORE_BAD, Builder
from xxgk.core.findings import Finding, Severity
from xxgk.rules import all_rules, check, get_rule

CASES = [(r.code, version) for r in all_rules() for version in r.templates]


def _assert_well_formed(findings: list[Finding]) -> None:
    for f in findings:
        assert f.message and len(f.message) < 80, f.message
        assert "\n" not in f.message and "\n" not in f.hint
        assert f.hint, f"{f.code} has no hint"
        assert all(isinstance(c, str) for c in f.cells)


def test_every_rule_has_a_good_and_a_bad_example() -> None:
    registered = {r.code for r in all_rules()}
    assert set(EXAMPLES) == registered, (
        f"missing examples: {sorted(registered - set(EXAMPLES))}; stale: {sorted(set(EXAMPLES) - registered)}"
    )


@pytest.mark.parametrize("version", ["2019", "2021"])
def test_clean_report_has_no_finding(version: str) -> None:
    assert check(clean(version)) == []
    case = clean_pair(version)
    assert check(case.report, previous=case.previous) == []


@pytest.mark.parametrize(("code", "version"), CASES)
def test_bad_example_raises_the_rule(code: str, version: str) -> None:
    case = EXAMPLES[code][1](version)
    findings = check(case.report, previous=case.previous)
    _assert_well_formed(findings)
    mine = [f for f in findings if f.code == code]
    assert mine, f"{code} not raised by its bad example ({version}); got {[f.code for f in findings]}"
    # the finding has the rule's severity (the bad examples break the rule, they do not make it unverifiable)
    assert {f.severity for f in mine} == {get_rule(code).severity}


@pytest.mark.parametrize(("code", "version"), CASES)
def test_good_example_does_not_raise_the_rule(code: str, version: str) -> None:
    case = EXAMPLES[code][0](version)
    findings = check(case.report, previous=case.previous)
    _assert_well_formed(findings)
    assert [f for f in findings if f.code == code] == []


@pytest.mark.parametrize(("code", "bad"), MORE_BAD, ids=[f"{c}-{i}" for i, (c, _) in enumerate(MORE_BAD)])
@pytest.mark.parametrize("version", ["2019", "2021"])
def test_more_bad_examples(code: str, bad: Builder, version: str) -> None:
    case = bad(version)
    findings = check(case.report, previous=case.previous)
    _assert_well_formed(findings)
    assert code in {f.code for f in findings}


@pytest.mark.parametrize(("code", "version"), CASES)
def test_bad_example_is_selectable(code: str, version: str) -> None:
    """select=[code] keeps exactly that rule's findings; ignore=[code] drops them."""
    case = EXAMPLES[code][1](version)
    everything = check(case.report, previous=case.previous)
    only = check(case.report, previous=case.previous, select=[code])
    assert only == [f for f in everything if f.code == code]
    without = check(case.report, previous=case.previous, ignore=[code])
    assert without == [f for f in everything if f.code != code]


def test_errors_sort_first() -> None:
    case = EXAMPLES["V104"][1]("2021")  # a warning
    report = case.report
    report.set_value("s4.review.upheld", 5)  # and an error
    findings = check(report)
    ranks = [f.severity.rank for f in findings]
    assert ranks == sorted(ranks, reverse=True)
    assert findings[0].severity is Severity.ERROR
