"""Fixtures of the register tests: helpers to build documents and figures through the services."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User

from xxgk.core.table2 import DocKind, FigureItem
from xxgk.web.audit.models import AuditEvent
from xxgk.web.registers.data import DocumentData, FigureData
from xxgk.web.registers.models import NormativeDocument
from xxgk.web.registers.services import document_create
from xxgk.web.tenancy.models import Body


def doc_data(number: str = "八桥府发〔2020〕1号", **kwargs: object) -> DocumentData:
    values: dict[str, object] = {
        "kind": DocKind.NORMATIVE,
        "title": "关于印发某某办法的通知",
        "doc_number": number,
        "issued_on": date(2020, 3, 2),
        "published_on": date(2020, 3, 5),
    }
    values.update(kwargs)
    return DocumentData(**values)  # type: ignore[arg-type]


def procurement(year: int = 2020, projects: int = 95, amount: str = "589.08", source: str = "采购平台") -> FigureData:
    return FigureData(year=year, item=FigureItem.PROCUREMENT, projects=projects, amount=Decimal(amount), source=source)


@pytest.fixture
def document(users: dict[str, User], org: dict[str, Body]) -> NormativeDocument:
    return document_create(actor=users["bq_clerk"], body_id=org["baqiao"].pk, data=doc_data())


def new_of(event: AuditEvent) -> dict[str, Any]:
    assert isinstance(event.new, dict)
    return event.new


def old_of(event: AuditEvent) -> dict[str, Any]:
    assert isinstance(event.old, dict)
    return event.old
