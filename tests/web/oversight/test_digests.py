"""Digests of published reports (the numbers of tables 3 and 4, templates, the rules' counts): what they hold, how
they are summed, how they are stored (at upload, on first read, by the migration, again when the rules change) —
and that the figures over the years made from them are exactly the figures of each year's combined report made
from the reports themselves (the Aggregator)."""

from __future__ import annotations

import importlib
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import User
from django.db import connection

from tests.web.oversight.conftest import Lifecycle, fixture_bytes, fixture_report
from xxgk.core.model import Cell, CellState, Report
from xxgk.rules import check
from xxgk.web.oversight.digest import (
    TABLES,
    count_findings,
    decode_cells,
    digest_basis,
    digest_of,
    encode_cells,
    sum_cells,
)
from xxgk.web.oversight.figures import key_figures
from xxgk.web.oversight.models import ExternalReport, PublishedDigest
from xxgk.web.oversight.published import published_reports, published_versions, version_digests
from xxgk.web.oversight.selectors import (
    Contribution,
    YearFigures,
    _aggregate,
    combined_history,
    combined_report,
    external_current,
    external_report,
)
from xxgk.web.oversight.services import external_report_upload
from xxgk.web.reports.models import ReportVersion
from xxgk.web.tenancy.models import Body, BodyKind

BAQIAO_TXT = "cq-dadukou-baqiao-2020.txt"
MIGRATION = importlib.import_module("xxgk.web.oversight.migrations.0002_published_digests")


# -- pure ------------------------------------------------------------------------------------------------


def test_a_digest_holds_the_numbers_of_tables_3_and_4_and_the_rules_counts() -> None:
    report = fixture_report("pingtan-zrz-2021.html")
    report.set("s3.received.natural", Cell.blank())
    digest = digest_of(report)
    codes = {c for c in report.cells if c.split(".", 1)[0] in TABLES}
    assert set(digest.cells) == codes and len(codes) > 150
    assert digest.cells["s3.received.natural"] is None
    for code in codes:
        cell = report.cells[code]
        assert digest.cells[code] == (cell.value if cell.state is CellState.NUMBER else None), code
    assert (digest.errors, digest.warnings) == count_findings(check(report))
    assert (digest.template, digest.s2_template) == ("2021", "2021")


def test_cells_round_trip_through_json_and_sums_keep_blanks_unknown() -> None:
    cells = {"a": 3, "b": None, "c": Decimal("1.25")}
    assert decode_cells(encode_cells(cells)) == cells
    assert encode_cells(cells) == {"a": 3, "b": None, "c": "1.25"}
    parts: list[dict[str, int | None]] = [{"a": 1, "b": 2, "c": 5}, {"a": 4, "b": None, "c": 6}, {"a": 10, "b": 1}]
    assert sum_cells(parts, ["a", "b", "c", "d"]) == {"a": 15, "b": None, "c": None, "d": None}
    assert sum_cells([], ["a"]) == {"a": None}


def test_the_basis_names_the_rules() -> None:
    basis = digest_basis()
    assert len(basis) == 64 and basis == digest_basis()
    assert int(basis, 16) >= 0


# -- stored ----------------------------------------------------------------------------------------------


pytestmark = pytest.mark.django_db


def upload(user: User, body: Body, name: str, year: int) -> ExternalReport:
    return external_report_upload(actor=user, body_id=body.pk, year=year, filename=name, data=fixture_bytes(name))


def test_an_upload_stores_its_digest(users: dict[str, User], org: dict[str, Body], lifecycle: Lifecycle) -> None:
    row = upload(users["qu_admin"], org["tiaodeng"], BAQIAO_TXT, 2020)
    stored = PublishedDigest.objects.get(external_id=row.pk)
    expected = digest_of(external_report(row))
    assert decode_cells(stored.cells) == expected.cells
    assert (stored.template, stored.s2_template) == (expected.template, expected.s2_template)
    assert stored.basis == digest_basis()


def test_a_version_is_digested_on_first_read_and_again_when_the_rules_change(
    org: dict[str, Body], lifecycle: Lifecycle
) -> None:
    report = lifecycle.publish(org["baqiao"], 2020, fixture_report(BAQIAO_TXT))
    version = ReportVersion.objects.get()
    assert not PublishedDigest.objects.exists()  # written directly, as a bulk import would
    first = version_digests([version.pk])[version.pk]
    assert first == digest_of(Report.from_json(version.report_json))
    assert first.cells["s3.received.total"] == report.value("s3.received.total")
    PublishedDigest.objects.filter(version_id=version.pk).update(basis="older rules", errors=99, cells={})
    again = version_digests([version.pk])[version.pk]
    assert again == first
    row = PublishedDigest.objects.get(version_id=version.pk)
    assert row.basis == digest_basis() and row.errors == first.errors
    assert PublishedDigest.objects.count() == 1


def test_the_migration_digests_what_was_published_before_it(
    users: dict[str, User], org: dict[str, Body], lifecycle: Lifecycle
) -> None:
    lifecycle.publish(org["baqiao"], 2020, fixture_report(BAQIAO_TXT))
    lifecycle.publish(org["baqiao"], 2020, fixture_report("pingtan-zrz-2020.html"))  # a correction: version 2
    row = upload(users["qu_admin"], org["tiaodeng"], BAQIAO_TXT, 2020)
    PublishedDigest.objects.all().delete()
    MIGRATION.forwards(django_apps, SimpleNamespace(connection=connection))
    versions = list(ReportVersion.objects.order_by("number"))
    assert PublishedDigest.objects.filter(version__isnull=False).count() == 2
    for version in versions:
        stored = PublishedDigest.objects.get(version_id=version.pk)
        assert decode_cells(stored.cells) == digest_of(Report.from_json(version.report_json)).cells
        assert stored.basis == digest_basis()
    assert decode_cells(PublishedDigest.objects.get(external_id=row.pk).cells) == digest_of(external_report(row)).cells


# -- the figures over the years ----------------------------------------------------------------------------


def expected_history(supervisor: Body, bodies: list[Body], years: list[int]) -> list[YearFigures]:
    """What the figures over the years are by definition: each year's reports (the latest version published in
    xxgk, else the current upload) summed into a combined report by the Aggregator, and its key figures."""
    ids = [b.pk for b in bodies]
    mine = published_reports(body_ids=ids, years=years)
    uploads = external_current(body_ids=ids, years=years)
    out = []
    for year in years:
        contributions = []
        for body in bodies:
            if (body.pk, year) in mine:
                item = mine[body.pk, year]
                contributions.append(Contribution(body, item.report, None, item.version))
            elif (body.pk, year) in uploads:
                row = ExternalReport.objects.get(pk=uploads[body.pk, year].pk)
                contributions.append(Contribution(body, external_report(row), row))
        if not contributions:
            continue
        aggregation, included, _excluded, _error = _aggregate(supervisor, year, contributions)
        figures = key_figures(aggregation.report) if aggregation is not None else None
        out.append(YearFigures(year=year, included=len(included), figures=figures))
    return out


def test_history_from_digests_equals_the_combined_reports_of_each_year(
    users: dict[str, User], org: dict[str, Body], lifecycle: Lifecycle
) -> None:
    district, admin = org["district"], users["qu_admin"]
    jiansheng = Body.objects.create(name="大渡口区建胜镇人民政府", code="ddk-js", kind=BodyKind.TOWN, parent=district)
    twin_a = Body.objects.create(name="大渡口区同名镇", code="ddk-twin-a", kind=BodyKind.TOWN, parent=district)
    twin_b = Body.objects.create(name="大渡口区 同名镇", code="ddk-twin-b", kind=BodyKind.TOWN, parent=district)
    baqiao, tiaodeng = org["baqiao"], org["tiaodeng"]
    # 2019: two bodies of the same name (spaces aside): the Aggregator refuses, so there are no figures
    lifecycle.publish(twin_a, 2019, fixture_report("pingtan-gaj-2019.html"))
    lifecycle.publish(twin_b, 2019, fixture_report("pingtan-gaj-2019.html"))
    # 2020: a correction (the latest version counts), an upload, a report with a blank cell (blank is not zero)
    lifecycle.publish(baqiao, 2020, fixture_report(BAQIAO_TXT))
    lifecycle.publish(baqiao, 2020, fixture_report("pingtan-zrz-2020.html"))
    upload(admin, tiaodeng, BAQIAO_TXT, 2020)
    blank = fixture_report("pingtan-zrz-2020.html")
    blank.set("s3.received.natural", Cell.blank())
    blank.set("s4.review.corrected", Cell.unreadable("看不清"))
    lifecycle.publish(jiansheng, 2020, blank)
    # 2021: a report on the 2019 template is left out; a body with an upload and a version counts its version
    lifecycle.publish(baqiao, 2021, fixture_report("pingtan-zrz-2021.html"))
    upload(admin, tiaodeng, "pingtan-nyn-2021.html", 2021)
    upload(admin, jiansheng, "pingtan-htp-2021.html", 2021)
    upload(admin, twin_a, "pingtan-nyn-2021.html", 2021)
    lifecycle.publish(twin_a, 2021, fixture_report("pingtan-zrz-2021.html"))
    bodies = [baqiao, tiaodeng, jiansheng, twin_a, twin_b]
    expected = expected_history(district, bodies, [2019, 2020, 2021])
    history = combined_history(supervisor=district, year=2021)
    assert history == expected
    by_year = {h.year: h for h in history}
    assert by_year[2019].figures is None and by_year[2019].included == 2
    f2020 = by_year[2020].figures
    assert f2020 is not None and f2020.received["natural"] is None and f2020.received["total"] is not None
    assert f2020.corrected["review"].part is None
    assert by_year[2021].included == 3  # 八桥镇, 跳磴镇, 同名镇's version; 建胜镇's 2019-template upload left out
    # the year itself: the same figures as the combined report's
    assert by_year[2021].figures == combined_report(supervisor=district, year=2021).figures
    assert by_year[2020].figures == combined_report(supervisor=district, year=2020).figures
    # the versions read are the latest
    latest = published_versions(body_ids=[baqiao.pk], years=[2020])[baqiao.pk, 2020]
    assert latest.version == 2 and latest.published_on == date(2021, 1, 20)
