"""table4_cells / table4_sources from the stored cases, including cases spanning years."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import User
from django.http import Http404

from tests.web.litigation.conftest import remedy_data
from xxgk.core.table4 import RemedyKind, RemedyResult
from xxgk.core.templates import get_template
from xxgk.web.litigation.selectors import table4_cells, table4_sources
from xxgk.web.litigation.services import remedy_close, remedy_create
from xxgk.web.tenancy.models import Body

pytestmark = pytest.mark.django_db


def test_cells_across_years(users: dict[str, User], org: dict[str, Body]) -> None:
    clerk, body = users["bq_clerk"], org["baqiao"].pk

    def make(kind: RemedyKind, filed: date, result: RemedyResult | None = None, closed: date | None = None) -> int:
        r = remedy_create(actor=clerk, body_id=body, data=remedy_data(kind=kind, filed_on=filed))
        if result is not None and closed is not None:
            remedy_close(actor=clerk, remedy_id=r.pk, result=result, closed_on=closed)
        return r.pk

    a = make(RemedyKind.REVIEW, date(2023, 11, 20), RemedyResult.CHANGED, date(2024, 3, 1))
    b = make(RemedyKind.REVIEW, date(2024, 2, 1), RemedyResult.UPHELD, date(2024, 4, 1))
    c = make(RemedyKind.SUIT_DIRECT, date(2024, 6, 1))
    d = make(RemedyKind.SUIT_AFTER_REVIEW, date(2022, 6, 1), RemedyResult.WITHDRAWN, date(2022, 8, 1))
    remedy_create(actor=users["td_clerk"], body_id=org["tiaodeng"].pk, data=remedy_data(filed_on=date(2024, 1, 1)))

    y23 = table4_cells(body_id=body, year=2023)
    assert list(y23) == [c.code for c in get_template("2021").table_cells(4)]
    assert (y23["s4.review.pending"], y23["s4.review.total"], sum(y23.values())) == (1, 1, 2)
    y24 = table4_cells(body_id=body, year=2024)
    assert (y24["s4.review.corrected"], y24["s4.review.upheld"], y24["s4.review.total"]) == (1, 1, 2)
    assert (y24["s4.suit_direct.pending"], y24["s4.suit_direct.total"]) == (1, 1)  # 跳磴镇's case not counted
    y22 = table4_cells(body_id=body, year=2022)
    assert (y22["s4.suit_after_review.other"], y22["s4.suit_after_review.total"]) == (1, 1)
    assert [r.pk for r in table4_sources(body_id=body, year=2024, code="s4.review.total")] == [a, b]
    assert [r.pk for r in table4_sources(body_id=body, year=2023, code="s4.review.pending")] == [a]
    assert [r.pk for r in table4_sources(body_id=body, year=2024, code="s4.suit_direct.pending")] == [c]
    assert table4_sources(body_id=body, year=2021, code="s4.suit_after_review.total") == []
    assert d
    with pytest.raises(Http404):
        table4_sources(body_id=body, year=2024, code="s4.nothing")
