"""Fixtures of the litigation tests."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User

from tests.web.conftest import registration
from xxgk.core.table4 import RemedyKind
from xxgk.web.audit.models import AuditEvent
from xxgk.web.cases.models import Case
from xxgk.web.cases.services import case_register
from xxgk.web.litigation.models import RemedyCase
from xxgk.web.litigation.services import RemedyData, remedy_create
from xxgk.web.tenancy.models import Body


def remedy_data(
    kind: RemedyKind = RemedyKind.SUIT_DIRECT, filed_on: date = date(2020, 7, 20), **kw: object
) -> RemedyData:
    values: dict[str, object] = {
        "kind": kind,
        "forum": "重庆铁路运输法院",
        "applicant": "何建国",
        "filed_on": filed_on,
        "number": "（2020）渝8601行初215号",
    }
    values.update(kw)
    return RemedyData(**values)  # type: ignore[arg-type]


@pytest.fixture
def application(users: dict[str, User], org: dict[str, Body]) -> Case:
    return case_register(
        actor=users["bq_clerk"],
        body_id=org["baqiao"].pk,
        registration=registration(submitted_on=date(2020, 5, 11)),
        on=date(2020, 5, 11),
    )


@pytest.fixture
def remedy(users: dict[str, User], org: dict[str, Body], application: Case) -> RemedyCase:
    return remedy_create(
        actor=users["bq_clerk"], body_id=org["baqiao"].pk, data=remedy_data(case_ids=(application.pk,))
    )


def new_of(event: AuditEvent) -> dict[str, Any]:
    assert isinstance(event.new, dict)
    return event.new


def old_of(event: AuditEvent) -> dict[str, Any]:
    assert isinstance(event.old, dict)
    return event.old
