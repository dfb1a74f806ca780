"""Table 3 counted in the database: the rules of docs/counting-rules.md, one query, identities, drill-down."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.web.reports.conftest import CaseSpec
from xxgk.core.findings import Severity
from xxgk.core.outcomes import ApplicantType, Outcome
from xxgk.core.templates import S3_PARTS, get_template
from xxgk.rules import check
from xxgk.web.cases.models import Case
from xxgk.web.reports.counting import Uncounted, report_template, s3_codes
from xxgk.web.reports.selectors import (
    Scope,
    report_build,
    report_cell_sources,
    report_cell_value,
    report_compute,
    table3_counts,
    uncounted_counts,
    uncounted_sources,
)
from xxgk.web.tenancy.models import Body

pytestmark = pytest.mark.django_db

AddCases = Callable[..., list[Case]]
N, B = ApplicantType.NATURAL.value, ApplicantType.BUSINESS.value


def nonzero(cells: dict[str, int]) -> dict[str, int]:
    return {code: value for code, value in cells.items() if value}


def counts(body: Body, year: int) -> dict[str, int]:
    return nonzero(table3_counts(body_ids=[body.pk], year=year))


# -- the rules, one at a time -------------------------------------------------------------------------


def test_received_counts_by_receipt_date_not_by_registration(org: dict[str, Body], add_cases: AddCases) -> None:
    # registered on 4 January 2021, but the signed-for date (收到申请之日) is 30 December 2020
    add_cases(org["baqiao"], CaseSpec(N, date(2020, 12, 30), registered_on=date(2021, 1, 4)))
    assert counts(org["baqiao"], 2020) == {
        "s3.received.natural": 1,
        "s3.received.total": 1,
        "s3.carried_out.natural": 1,
        "s3.carried_out.total": 1,
    }
    assert counts(org["baqiao"], 2021) == {
        "s3.carried_in.natural": 1,
        "s3.carried_in.total": 1,
        "s3.carried_out.natural": 1,
        "s3.carried_out.total": 1,
    }


def test_an_application_whose_receipt_is_pending_is_not_counted_but_reported(
    org: dict[str, Body], add_cases: AddCases
) -> None:
    add_cases(org["baqiao"], CaseSpec(N, None, registered_on=date(2020, 12, 28)))
    assert counts(org["baqiao"], 2020) == {}
    assert counts(org["baqiao"], 2021) == {}
    ids = [org["baqiao"].pk]
    assert uncounted_counts(body_ids=ids, year=2020)[Uncounted.PENDING_RECEIPT] == 1
    assert uncounted_counts(body_ids=ids, year=2019)[Uncounted.PENDING_RECEIPT] == 0  # registered later
    # withdrawn before the receipt was confirmed: never an application received, listed apart
    add_cases(
        org["baqiao"],
        CaseSpec(N, None, closed_on=date(2020, 3, 5), outcome="withdrawn", registered_on=date(2020, 3, 2)),
    )
    assert counts(org["baqiao"], 2020) == {}
    assert uncounted_counts(body_ids=ids, year=2020)[Uncounted.CLOSED_UNRECEIVED] == 1
    assert uncounted_sources(body_ids=ids, year=2020, kind=Uncounted.CLOSED_UNRECEIVED).count() == 1


def test_carried_over_applications_are_handled_in_the_year_of_their_reply(
    org: dict[str, Body], add_cases: AddCases
) -> None:
    add_cases(
        org["baqiao"],
        CaseSpec(B, date(2020, 12, 21), closed_on=date(2021, 1, 11), outcome=Outcome.PARTIAL.value),
        CaseSpec(N, date(2019, 11, 5), closed_on=date(2021, 2, 1), outcome=Outcome.GRANTED.value),
    )
    assert counts(org["baqiao"], 2020) == {
        "s3.received.business": 1,
        "s3.received.total": 1,
        "s3.carried_in.natural": 1,
        "s3.carried_in.total": 1,
        "s3.carried_out.natural": 1,
        "s3.carried_out.business": 1,
        "s3.carried_out.total": 2,
    }
    assert counts(org["baqiao"], 2021) == {
        "s3.carried_in.natural": 1,
        "s3.carried_in.business": 1,
        "s3.carried_in.total": 2,
        "s3.granted.natural": 1,
        "s3.granted.total": 1,
        "s3.partial.business": 1,
        "s3.partial.total": 1,
        "s3.total.natural": 1,
        "s3.total.business": 1,
        "s3.total.total": 2,
    }
    assert counts(org["baqiao"], 2022) == {}


def test_a_reply_on_31_december_is_handled_that_year(org: dict[str, Body], add_cases: AddCases) -> None:
    add_cases(org["baqiao"], CaseSpec(N, date(2021, 12, 31), date(2021, 12, 31), Outcome.GRANTED.value))
    got = counts(org["baqiao"], 2021)
    assert got["s3.granted.natural"] == 1 and "s3.carried_out.total" not in got
    assert counts(org["baqiao"], 2022) == {}


@pytest.mark.parametrize(
    ("outcome", "year", "row"),
    [
        (Outcome.WITHDRAWN, 2020, "other"),
        (Outcome.WITHDRAWN, 2021, "other.other"),
        (Outcome.NO_CORRECTION, 2020, "other"),
        (Outcome.NO_CORRECTION, 2021, "other.no_correction"),
        (Outcome.NO_FEE, 2021, "other.no_fee"),
        (Outcome.OTHER, 2022, "other.other"),
        (Outcome.UNABLE_NOT_RESPONSIBLE, 2020, "unable.not_held"),
        (Outcome.UNABLE_NOT_FOUND, 2023, "unable.not_held"),
        (Outcome.GRANTED_PUBLISHED, 2021, "granted"),
        (Outcome.NOT_PROCESSED_EXCESSIVE, 2021, "not_processed.excessive"),
        (Outcome.NOT_PROCESSED_DUPLICATE, 2019, "not_processed.duplicate"),
    ],
)
def test_outcome_rows_follow_the_template_of_the_year(
    org: dict[str, Body], add_cases: AddCases, outcome: Outcome, year: int, row: str
) -> None:
    add_cases(org["baqiao"], CaseSpec(N, date(year, 3, 2), date(year, 3, 20), outcome.value))
    assert counts(org["baqiao"], year) == {
        "s3.received.natural": 1,
        "s3.received.total": 1,
        f"s3.{row}.natural": 1,
        f"s3.{row}.total": 1,
        "s3.total.natural": 1,
        "s3.total.total": 1,
    }


def test_every_applicant_type_is_its_own_column_and_total_adds_them(org: dict[str, Body], add_cases: AddCases) -> None:
    specs = [CaseSpec(t.value, date(2022, 5, 1 + i)) for i, t in enumerate(ApplicantType) for _ in range(i + 1)]
    add_cases(org["baqiao"], *specs)
    got = table3_counts(body_ids=[org["baqiao"].pk], year=2022)
    for i, t in enumerate(ApplicantType):
        assert got[f"s3.received.{t.value}"] == i + 1
    assert got["s3.received.total"] == len(specs) == sum(got[f"s3.received.{c}"] for c in S3_PARTS)


def test_only_the_bodies_in_scope_are_counted(org: dict[str, Body], add_cases: AddCases) -> None:
    add_cases(org["baqiao"], CaseSpec(N, date(2022, 5, 1)))
    add_cases(org["tiaodeng"], CaseSpec(N, date(2022, 5, 1)), CaseSpec(B, date(2022, 6, 1)))
    assert table3_counts(body_ids=[org["baqiao"].pk], year=2022)["s3.received.total"] == 1
    assert table3_counts(body_ids=[org["tiaodeng"].pk], year=2022)["s3.received.total"] == 2
    assert table3_counts(body_ids=[org["district"].pk], year=2022)["s3.received.total"] == 0
    assert table3_counts(body_ids=None, year=2022)["s3.received.total"] == 3
    tree = report_compute(body_id=org["district"].pk, year=2022, scope=Scope.TREE)
    assert tree.report.value("s3.received.total") == 3 and tree.body_ids == {b.pk for b in org.values()}
    assert tree.report.body == "重庆市大渡口区人民政府（含下级机关汇总）"
    alone = report_compute(body_id=org["district"].pk, year=2022)
    assert alone.report.value("s3.received.total") == 0


def test_bad_records_are_left_out_reported_and_break_the_identity_visibly(
    org: dict[str, Body], add_cases: AddCases
) -> None:
    add_cases(
        org["baqiao"],
        CaseSpec(N, date(2022, 3, 1), date(2022, 3, 9), ""),  # closed without an outcome
        CaseSpec("alien", date(2022, 3, 1)),  # an applicant type that is no column
        CaseSpec(N, date(2022, 4, 1), date(2022, 4, 9), Outcome.GRANTED.value),
    )
    computed = report_compute(body_id=org["baqiao"].pk, year=2022)
    assert computed.uncounted[Uncounted.NO_OUTCOME] == 1
    assert computed.uncounted[Uncounted.BAD_TYPE] == 1
    assert computed.report.value("s3.received.natural") == 2
    assert computed.report.value("s3.total.natural") == 1
    balance = [f for f in computed.errors if f.code == "S303"]
    assert balance and "s3.received.natural" in balance[0].cells
    assert computed.flagged_cells["s3.received.natural"] is Severity.ERROR


def test_template_and_year_of_the_report(org: dict[str, Body]) -> None:
    for year, template in ((2019, "2019"), (2020, "2019"), (2021, "2021"), (2026, "2021")):
        report = report_build(body=org["baqiao"], body_ids=[org["baqiao"].pk], year=year)
        assert (report.template, report.year, report.body) == (template, year, "大渡口区八桥镇人民政府")
        assert all(report.cell(c).is_number for c in s3_codes(template))


def test_table3_is_one_query_however_many_cases(org: dict[str, Body], add_cases: AddCases) -> None:
    rng = random.Random(7)
    add_cases(org["baqiao"], *random_specs(rng, 300))
    with CaptureQueriesContext(connection) as ctx:
        table3_counts(body_ids=[org["baqiao"].pk], year=2021)
    assert len(ctx.captured_queries) == 1
    sql = ctx.captured_queries[0]["sql"].upper()
    assert "GROUP BY" in sql and "COUNT(" in sql


# -- random records: identities, reference counts, cross-year chain, drill-down -----------------------

TYPES = [t.value for t in ApplicantType]
TYPE_WEIGHTS = [70, 10, 3, 3, 8, 6]
OUTCOME_VALUES = [o.value for o in Outcome]


def _day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def random_specs(rng: random.Random, n: int) -> list[CaseSpec]:
    """Applications received 2018-07 … 2023-06, about 15 % still open, 3 % with the receipt pending."""
    specs = []
    for _ in range(n):
        kind = rng.choices(TYPES, TYPE_WEIGHTS)[0]
        if rng.random() < 0.03:
            registered = _day(rng, date(2018, 7, 1), date(2023, 6, 30))
            closed = registered + timedelta(days=3) if rng.random() < 0.5 else None
            specs.append(CaseSpec(kind, None, closed, "withdrawn" if closed else "", registered_on=registered))
            continue
        received = _day(rng, date(2018, 7, 1), date(2023, 6, 30))
        registered = received + timedelta(days=rng.choice((0, 0, 0, 1, 4)))
        if rng.random() < 0.15:
            specs.append(CaseSpec(kind, received, registered_on=registered))
            continue
        closed = received + timedelta(days=rng.choice((0, rng.randrange(1, 40), rng.randrange(20, 200))))
        specs.append(CaseSpec(kind, received, max(closed, registered), rng.choice(OUTCOME_VALUES), registered))
    return specs


def reference_cells(specs: list[CaseSpec], year: int) -> dict[str, int]:
    """The counting rules applied case by case in Python (the test's independent statement of them)."""
    template = report_template(year)
    start, end = date(year, 1, 1), date(year, 12, 31)
    out: Counter[str] = Counter()
    for s in specs:
        if s.received_on is None or s.received_on > end:
            continue  # not received (yet) by the end of the year
        if s.closed_on is not None and s.closed_on < start:
            continue  # finished before the year began
        col = s.applicant_type
        out[f"s3.received.{col}" if s.received_on >= start else f"s3.carried_in.{col}"] += 1
        if s.closed_on is not None and s.closed_on <= end:
            out[f"s3.{Outcome(s.outcome).row(template)}.{col}"] += 1
            out[f"s3.total.{col}"] += 1
        else:
            out[f"s3.carried_out.{col}"] += 1
    cells = {code: out[code] for code in s3_codes(template)}
    for row in get_template(template).s3_rows:
        cells[f"s3.{row}.total"] = sum(cells[f"s3.{row}.{c}"] for c in S3_PARTS)
    return cells


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_records_count_as_the_rules_say_and_satisfy_every_identity(
    seed: int, org: dict[str, Body], add_cases: AddCases
) -> None:
    rng = random.Random(seed)
    specs = random_specs(rng, 400)
    add_cases(org["baqiao"], *specs)
    add_cases(org["tiaodeng"], *random_specs(rng, 60))  # another body's records must not leak in
    body = org["baqiao"]
    previous = None
    for year in range(2019, 2024):
        cells = table3_counts(body_ids=[body.pk], year=year)
        assert cells == reference_cells(specs, year), year
        computed = report_compute(body_id=body.pk, year=year)
        assert not computed.errors, [f.message for f in computed.errors]
        assert not [f for f in check(computed.report) if f.code.startswith("S3")]
        if previous is not None:  # 上年结转 = last year's 结转下年度, per column
            for col in (*S3_PARTS, "total"):
                assert cells[f"s3.carried_in.{col}"] == previous[f"s3.carried_out.{col}"]
        previous = cells
    assert sum(reference_cells(specs, y)["s3.received.total"] for y in range(2018, 2024)) == sum(
        1 for s in specs if s.received_on is not None
    )


@pytest.mark.parametrize("year", [2020, 2021])
def test_drill_down_lists_exactly_the_cases_of_every_cell(year: int, org: dict[str, Body], add_cases: AddCases) -> None:
    rng = random.Random(year)
    specs = [
        *random_specs(rng, 250),
        CaseSpec(N, date(year, 2, 1), date(year, 2, 2), ""),  # bad records too
        CaseSpec("alien", date(year, 2, 1), date(year, 2, 2), Outcome.GRANTED.value),
    ]
    add_cases(org["baqiao"], *specs)
    add_cases(org["tiaodeng"], *random_specs(rng, 40))
    ids = [org["baqiao"].pk]
    cells = table3_counts(body_ids=ids, year=year)
    assert any(cells.values())
    for code, value in cells.items():
        sources = report_cell_sources(body_ids=ids, year=year, code=code)
        assert sources.count() == value == report_cell_value(body_ids=ids, year=year, code=code), code
        assert all(c.body_id == org["baqiao"].pk for c in sources[:20])
    for kind, value in uncounted_counts(body_ids=ids, year=year).items():
        assert uncounted_sources(body_ids=ids, year=year, kind=kind).count() == value, kind
    # a case is in exactly one of 本年新收/上年结转 and one of 办理结果/结转下年度 (or listed as without outcome)

    def pks(code: str) -> set[int]:
        return set(report_cell_sources(body_ids=ids, year=year, code=code).values_list("pk", flat=True))

    received, carried, handled, out = (pks(f"s3.{r}.total") for r in ("received", "carried_in", "total", "carried_out"))
    no_outcome = set(uncounted_sources(body_ids=ids, year=year, kind=Uncounted.NO_OUTCOME).values_list("pk", flat=True))
    assert len(no_outcome) == 1
    assert not received & carried and not handled & out and not handled & no_outcome
    assert received | carried == handled | out | no_outcome


def test_drill_down_refuses_codes_of_other_tables(org: dict[str, Body]) -> None:
    from xxgk.core.errors import ReportError

    with pytest.raises(ReportError):
        report_cell_sources(body_ids=[org["baqiao"].pk], year=2021, code="s2.fees.amount")
    with pytest.raises(ReportError):
        report_cell_sources(body_ids=[org["baqiao"].pk], year=2021, code="s3.other.natural")  # 2019 code
    with pytest.raises(ReportError):
        report_cell_value(body_ids=[org["baqiao"].pk], year=2021, code="s2.procurement.amount")  # 2019 code
    assert report_cell_value(body_ids=[org["baqiao"].pk], year=2020, code="s2.procurement.amount") is not None


def test_an_aggregate_over_every_body_drops_the_body_filter_and_counts_the_same(
    org: dict[str, Body], add_cases: AddCases, monkeypatch: pytest.MonkeyPatch
) -> None:
    from xxgk.web.reports import selectors

    rng = random.Random(11)
    for body in org.values():
        add_cases(body, *random_specs(rng, 30))
    every = [b.pk for b in org.values()]
    filtered = table3_counts(body_ids=every, year=2021)
    monkeypatch.setattr(selectors, "ALL_BODIES_CHECK", 2)
    with CaptureQueriesContext(connection) as ctx:
        unfiltered = table3_counts(body_ids=every, year=2021)
    assert unfiltered == filtered == table3_counts(body_ids=None, year=2021)
    assert '"body_id" IN' not in ctx.captured_queries[-1]["sql"]
    two = every[:2]
    with CaptureQueriesContext(connection) as ctx:
        part = table3_counts(body_ids=two, year=2021)
    assert '"body_id" IN' in ctx.captured_queries[-1]["sql"]
    singles = [table3_counts(body_ids=[pk], year=2021) for pk in two]
    assert part == {code: sum(s[code] for s in singles) for code in part}
