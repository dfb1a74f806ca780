"""Property tests of the rules (hypothesis): consistent reports pass; any single change to tables 3–4 is caught.

The strategy builds random CONSISTENT reports of both templates: per applicant column, random outcome counts
and carried-out/carried-in counts, with 一、本年新收 chosen so that 一 + 二 = 三（七） + 四; the 总计 column
and row are sums; table 4 groups sum to their 总计; table 2 holds any valid values (non-negative counts,
signed 本年增/减, non-negative amounts with at most 6 decimals, unit stated or not).
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xxgk.core.findings import Severity
from xxgk.core.model import Cell, CellState, Report
from xxgk.core.templates import S3_PARTS, S4_GROUPS, S4_PARTS, CellKind, get_template
from xxgk.rules import check

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_counts = st.integers(min_value=0, max_value=60)


@st.composite
def consistent_reports(draw: st.DrawFn) -> Report:
    version = draw(st.sampled_from(["2019", "2021"]))
    year = draw(st.integers(2019, 2020) if version == "2019" else st.integers(2021, 2030))
    report = Report(template=version, year=year, body=draw(st.sampled_from([None, "某机关"])))
    template = get_template(version)
    outcomes = template.s3_outcome_rows

    # table 2: anything valid
    for spec in template.table_cells(2):
        if spec.kind is CellKind.AMOUNT:
            amount = draw(st.decimals(min_value=0, max_value=10**6, places=draw(st.integers(0, 6))))
            report.set(spec.code, Cell.number(amount))
            if draw(st.booleans()):
                report.units[spec.code] = "unstated"
        elif spec.kind is CellKind.SIGNED:
            report.set(spec.code, Cell.number(draw(st.integers(-10_000, 10_000))))
        else:
            report.set(spec.code, Cell.number(draw(st.integers(0, 10**7))))

    # table 3: per applicant column, outcomes partition received + carried_in - carried_out
    totals: dict[str, int] = {}
    for col in S3_PARTS:
        values = {row: draw(_counts) for row in outcomes}
        handled = sum(values.values())
        carried_out = draw(_counts)
        carried_in = draw(st.integers(0, handled + carried_out))
        values.update(
            total=handled, carried_out=carried_out, carried_in=carried_in, received=handled + carried_out - carried_in
        )
        for row, value in values.items():
            report.set(f"s3.{row}.{col}", Cell.number(value))
            totals[row] = totals.get(row, 0) + value
    for row, value in totals.items():
        report.set(f"s3.{row}.total", Cell.number(value))

    # table 4: each group's total is the sum of its four results
    for group in S4_GROUPS:
        parts = [draw(_counts) for _ in S4_PARTS]
        for col, value in zip(S4_PARTS, parts, strict=True):
            report.set(f"s4.{group}.{col}", Cell.number(value))
        report.set(f"s4.{group}.total", Cell.number(sum(parts)))
    return report


def _errors(report: Report) -> list[str]:
    return [f"{f.code} {f.message}" for f in check(report) if f.severity is Severity.ERROR]


@SETTINGS
@given(consistent_reports())
def test_consistent_reports_have_no_error(report: Report) -> None:
    assert _errors(report) == []


@SETTINGS
@given(consistent_reports(), st.data())
def test_any_single_change_in_tables_3_and_4_is_an_error(report: Report, data: st.DataObject) -> None:
    code = data.draw(st.sampled_from([c for c in report.codes if c[:2] in ("s3", "s4")]))
    old = report.value(code)
    assert isinstance(old, int)
    new = data.draw(st.integers(0, old + 100).filter(lambda v: v != old))
    report.set(code, Cell.number(new))
    errors = [f for f in check(report) if f.severity is Severity.ERROR]
    assert errors, f"changing {code} from {old} to {new} went unnoticed"
    assert any(code in f.cells for f in errors)


@SETTINGS
@given(consistent_reports(), st.data())
def test_a_blank_cell_in_tables_3_and_4_is_reported(report: Report, data: st.DataObject) -> None:
    code = data.draw(st.sampled_from([c for c in report.codes if c[:2] in ("s3", "s4")]))
    report.set(code, Cell.blank())
    findings = check(report)
    assert any(f.code == "B202" and f.severity is Severity.ERROR and code in f.cells for f in findings)
    # blank is not 0: the identities through that cell say they could not be verified, none passes or fails
    unverifiable = [f for f in findings if code in f.cells and f.message.startswith("无法核对")]
    assert unverifiable
    assert all(f.severity is Severity.WARNING for f in unverifiable)
    assert not [f for f in findings if f.severity is Severity.ERROR and f.code != "B202"]


@SETTINGS
@given(consistent_reports())
def test_check_is_deterministic_and_round_trips_through_json(report: Report) -> None:
    findings = check(report)
    assert check(Report.from_json(report.to_json())) == findings


_NOT_NUMBERS = st.sampled_from([Cell.blank(), Cell.unreadable("数字粘连，无法唯一拆分"), Cell.absent()])


@SETTINGS
@given(consistent_reports(), st.data())
def test_blank_unreadable_absent_cells_are_never_read_as_zero(report: Report, data: st.DataObject) -> None:
    codes = data.draw(st.lists(st.sampled_from(report.codes), max_size=40, unique=True))
    for code in codes:
        report.set(code, data.draw(_NOT_NUMBERS))
    findings = check(report)
    assert all(0 < len(f.message) < 80 for f in findings)
    for f in findings:
        if f.code in {"S301", "S302", "S303", "S401"} and any(not report.cell(c).is_number for c in f.cells):
            assert f.severity is Severity.WARNING and f.message.startswith("无法核对"), f
    # every non-number cell of tables 3–4 is reported: B202 (blank), B203 (unreadable), T007 (absent),
    # or T005 when the whole table is absent
    reported = {c for f in findings if f.code in {"B202", "B203", "T007"} for c in f.cells}
    missing_tables = {f.message for f in findings if f.code == "T005"}
    for code in codes:
        if code[:2] not in ("s3", "s4"):
            continue
        whole_table_absent = all(report.cell(c).state is CellState.ABSENT for c in report.codes if c[:2] == code[:2])
        assert code in reported or (whole_table_absent and missing_tables), code
