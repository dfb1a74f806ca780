"""The batch selectors a supervisor's 汇总 uses (tables 2 and 4 of many bodies at once) give exactly the per-body
values, from a number of queries that does not depend on the number of bodies; the table-4 drill-down reads the
hearings and applications of its cases without one query per case."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from xxgk.core.table2 import DocKind, FigureItem
from xxgk.core.table4 import RemedyKind, RemedyResult
from xxgk.web.litigation.selectors import (
    table4_cells,
    table4_cells_by_body,
    table4_sources,
    table4_sources_by_body,
)
from xxgk.web.litigation.services import RemedyData, hearing_add, remedy_close, remedy_create
from xxgk.web.registers.data import AmendmentData, DocumentData, FigureData
from xxgk.web.registers.selectors import (
    table2_cells,
    table2_cells_by_body,
    table2_sources,
    table2_sources_by_body,
)
from xxgk.web.registers.services import amendment_add, document_create, figure_save
from xxgk.web.tenancy.models import Body, BodyKind, MemberRole, Membership

pytestmark = pytest.mark.django_db

YEAR = 2024


def _bodies(n: int) -> list[tuple[Body, User]]:
    out = []
    for i in range(n):
        body = Body.objects.create(name=f"机关{i}", code=f"b{i:02d}", kind=BodyKind.DEPARTMENT)
        clerk = User.objects.create_user(username=f"clerk{i}", password=None)
        Membership.objects.create(user=clerk, body=body, role=MemberRole.CLERK)
        out.append((body, clerk))
    return out


def _registers(body: Body, clerk: User, k: int) -> None:
    """``k`` documents of varied kinds and dates (some amended in the year, one repealed) and one figure."""
    for j in range(k):
        doc = document_create(
            actor=clerk,
            body_id=body.pk,
            data=DocumentData(
                kind=DocKind.NORMATIVE if j % 2 else DocKind.REGULATION,
                title=f"文件{j}",
                doc_number=f"{body.code}〔{YEAR}〕{j + 1}号",
                issued_on=date(YEAR - 1 + j % 2, 3, 1) + timedelta(days=j),
                published_on=date(YEAR - 1 + j % 2, 3, 5) + timedelta(days=j),
                repealed_on=date(YEAR, 9, 1) if j == 2 else None,
            ),
        )
        if j % 3 == 0:
            amendment_add(actor=clerk, document_id=doc.pk, data=AmendmentData(amended_on=date(YEAR, 6, 1)))
    figure_save(
        actor=clerk,
        body_id=body.pk,
        data=FigureData(year=YEAR, item=FigureItem.FEES, amount=Decimal(f"{k}.5"), source="财政系统"),
    )


def _remedies(body: Body, clerk: User, k: int) -> None:
    for j in range(k):
        remedy = remedy_create(
            actor=clerk,
            body_id=body.pk,
            data=RemedyData(
                kind=[RemedyKind.REVIEW, RemedyKind.SUIT_DIRECT, RemedyKind.SUIT_AFTER_REVIEW][j % 3],
                forum="复议机关",
                applicant=f"申请人{j}",
                filed_on=date(YEAR - j % 2, 5, 1) + timedelta(days=j),
            ),
        )
        hearing_add(actor=clerk, remedy_id=remedy.pk, on=date(YEAR, 7, 1) + timedelta(days=j))
        if j % 2 == 0:
            remedy_close(
                actor=clerk,
                remedy_id=remedy.pk,
                result=RemedyResult.UPHELD if j % 4 == 0 else RemedyResult.REVOKED,
                result_on=date(YEAR, 10, 1),
                closed_on=date(YEAR, 10, 1),
            )


def test_table2_by_body_equals_the_per_body_values_in_three_queries() -> None:
    bodies = _bodies(4)
    for i, (body, clerk) in enumerate(bodies):
        _registers(body, clerk, k=i + 2)
    ids = [b.pk for b, _ in bodies]
    expected = {body_id: table2_cells(body_id=body_id, year=YEAR) for body_id in ids}
    assert any(v for values in expected.values() for v in values.values())  # the bodies have non-zero cells
    with CaptureQueriesContext(connection) as ctx:
        got = table2_cells_by_body(body_ids=ids, year=YEAR)
    assert got == expected
    assert len(ctx.captured_queries) == 3


def test_table2_by_body_for_a_year_without_template() -> None:
    bodies = _bodies(2)
    assert table2_cells_by_body(body_ids=[b.pk for b, _ in bodies], year=2018) == {b.pk: {} for b, _ in bodies}


def test_table4_by_body_equals_the_per_body_values_in_one_query() -> None:
    bodies = _bodies(3)
    for i, (body, clerk) in enumerate(bodies):
        _remedies(body, clerk, k=2 * i + 1)
    empty = Body.objects.create(name="没有案件的机关", code="empty", kind=BodyKind.OTHER)
    ids = [b.pk for b, _ in bodies] + [empty.pk]
    expected = {body_id: table4_cells(body_id=body_id, year=YEAR) for body_id in ids}
    assert sum(expected[bodies[-1][0].pk].values()) > 0
    with CaptureQueriesContext(connection) as ctx:
        got = table4_cells_by_body(body_ids=ids, year=YEAR)
    assert got == expected
    assert len(ctx.captured_queries) == 1


@pytest.mark.parametrize("k", [2, 8])
def test_table4_sources_read_hearings_and_applications_without_a_query_per_case(k: int) -> None:
    [(body, clerk)] = _bodies(1)
    _remedies(body, clerk, k=k)
    with CaptureQueriesContext(connection) as ctx:
        rows = table4_sources(body_id=body.pk, year=YEAR, code="s4.suit_direct.total")
        hearings = [h.on for r in rows for h in r.hearings.all()]
        cases = [c.pk for r in rows for c in r.cases.all()]
    expected = sum(1 for j in range(k) if j % 3 == 1)  # the direct suits, one hearing each, no application
    assert len(rows) == len(hearings) == expected
    assert cases == []
    assert len(ctx.captured_queries) == 4  # computation, the cases, their hearings, their applications


@pytest.mark.parametrize("code", ["s2.normative_docs.in_force", "s2.regulations.issued", "s2.fees.amount"])
def test_table2_sources_by_body_concatenate_the_per_body_sources_in_three_queries(code: str) -> None:
    bodies = _bodies(3)
    for i, (body, clerk) in enumerate(bodies):
        _registers(body, clerk, k=i + 3)
    ids = [b.pk for b, _ in bodies]
    expected = [s for body_id in ids for s in table2_sources(body_id=body_id, year=YEAR, code=code)]
    assert expected
    with CaptureQueriesContext(connection) as ctx:
        got = table2_sources_by_body(body_ids=ids, year=YEAR, code=code)
    assert got == expected
    assert len(ctx.captured_queries) == 3


def test_table2_sources_by_body_refuse_unknown_codes() -> None:
    ids = [b.pk for b, _ in _bodies(1)]
    for code in ("s2.nothing.here", "s3.received.total"):
        with pytest.raises(Http404):
            table2_sources_by_body(body_ids=ids, year=YEAR, code=code)
    with pytest.raises(Http404):
        table2_sources_by_body(body_ids=ids, year=2018, code="s2.fees.amount")


@pytest.mark.parametrize("code", ["s4.review.total", "s4.suit_direct.pending", "s4.review.upheld"])
def test_table4_sources_by_body_concatenate_the_per_body_sources_in_four_queries(code: str) -> None:
    bodies = _bodies(3)
    for i, (body, clerk) in enumerate(bodies):
        _remedies(body, clerk, k=3 * i + 4)
    ids = [b.pk for b, _ in bodies]
    expected = [r.pk for body_id in ids for r in table4_sources(body_id=body_id, year=YEAR, code=code)]
    assert expected
    with CaptureQueriesContext(connection) as ctx:
        got = table4_sources_by_body(body_ids=ids, year=YEAR, code=code)
        hearings = sum(len(r.hearings.all()) for r in got)
        names = {r.body.name for r in got}
    assert [r.pk for r in got] == expected
    assert hearings == len(got)
    assert names <= {b.name for b, _ in bodies}
    assert len(ctx.captured_queries) == 4
    with pytest.raises(Http404):
        table4_sources_by_body(body_ids=ids, year=YEAR, code="s4.nothing.total")
