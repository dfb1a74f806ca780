"""table2_cells / table2_sources computed from the stored registers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.http import Http404

from tests.web.registers.conftest import doc_data, procurement
from xxgk.core.table2 import DocKind, FigureItem
from xxgk.core.templates import get_template
from xxgk.web.registers.data import AmendmentData, FigureData
from xxgk.web.registers.selectors import table2_cells, table2_sources
from xxgk.web.registers.services import amendment_add, document_create, figure_save
from xxgk.web.tenancy.models import Body

pytestmark = pytest.mark.django_db


@pytest.fixture
def registers(users: dict[str, User], org: dict[str, Body]) -> dict[str, int]:
    clerk, body = users["bq_clerk"], org["baqiao"].pk
    a = document_create(
        actor=clerk, body_id=body, data=doc_data("A", issued_on=date(2019, 12, 20), published_on=date(2020, 1, 6))
    )
    b = document_create(
        actor=clerk,
        body_id=body,
        data=doc_data("B", issued_on=date(2018, 1, 1), published_on=None, repealed_on=date(2021, 3, 1)),
    )
    c = document_create(
        actor=clerk,
        body_id=body,
        data=doc_data("C", kind=DocKind.REGULATION, issued_on=date(2021, 2, 1), published_on=date(2021, 2, 3)),
    )
    amendment_add(actor=clerk, document_id=a.pk, data=AmendmentData(date(2021, 6, 1), published_on=date(2021, 6, 2)))
    figure_save(actor=clerk, body_id=body, data=procurement())
    figure_save(actor=clerk, body_id=body, data=FigureData(2021, FigureItem.FEES, "非税系统", amount=Decimal("12.345")))
    # another body's records never count
    document_create(
        actor=users["td_clerk"],
        body_id=org["tiaodeng"].pk,
        data=doc_data("A", issued_on=date(2020, 5, 1), published_on=None),
    )
    figure_save(actor=users["td_clerk"], body_id=org["tiaodeng"].pk, data=procurement(projects=3))
    return {"a": a.pk, "b": b.pk, "c": c.pk}


def test_cells_2020_use_the_2019_template(registers: dict[str, int], org: dict[str, Body]) -> None:
    cells = table2_cells(body_id=org["baqiao"].pk, year=2020)
    assert list(cells) == [c.code for c in get_template("2019").table_cells(2)]
    assert cells["s2.normative_docs.made"] == 0
    assert cells["s2.normative_docs.published"] == 1  # A, published in January 2020
    assert cells["s2.normative_docs.total"] == 1  # A (B was never published)
    assert (cells["s2.procurement.projects"], cells["s2.procurement.amount"]) == (95, Decimal("589.08"))
    assert cells["s2.licensing.decisions"] == 0


def test_cells_2021_use_the_2021_template(registers: dict[str, int], org: dict[str, Body]) -> None:
    cells = table2_cells(body_id=org["baqiao"].pk, year=2021)
    assert list(cells) == [c.code for c in get_template("2021").table_cells(2)]
    assert cells["s2.normative_docs.issued"] == 1  # A's amendment
    assert cells["s2.normative_docs.repealed"] == 1  # B
    assert cells["s2.normative_docs.in_force"] == 1  # A
    assert (cells["s2.regulations.issued"], cells["s2.regulations.in_force"]) == (1, 1)
    assert cells["s2.fees.amount"] == Decimal("12.345")


def test_no_cells_before_2019(org: dict[str, Body]) -> None:
    assert table2_cells(body_id=org["baqiao"].pk, year=2018) == {}


def test_sources_drill_down(registers: dict[str, int], org: dict[str, Body]) -> None:
    body = org["baqiao"].pk
    repealed = table2_sources(body_id=body, year=2021, code="s2.normative_docs.repealed")
    assert [s.object_id for s in repealed] == [registers["b"]]
    assert repealed[0].kind == "document" and "废止 2021-03-01" in repealed[0].detail
    assert repealed[0].url == f"/registers/documents/{registers['b']}/"
    amount = table2_sources(body_id=body, year=2020, code="s2.procurement.amount")
    assert len(amount) == 1 and amount[0].kind == "figure" and "589.08" in amount[0].title
    assert "采购平台" in amount[0].detail
    assert table2_sources(body_id=body, year=2020, code="s2.penalties.decisions") == []
    with pytest.raises(Http404):
        table2_sources(body_id=body, year=2021, code="s2.procurement.amount")  # not in the 2021 template
    with pytest.raises(Http404):
        table2_sources(body_id=body, year=2017, code="s2.procurement.amount")
