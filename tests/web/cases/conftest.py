"""Fixtures of the cases tests: register applications with a chosen applicant, content and date."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.contrib.auth.models import User

from xxgk.core.outcomes import ApplicantType, Channel
from xxgk.core.receipt import ReceiptFacts
from xxgk.core.workflow import Applicant, Registration
from xxgk.web.cases.models import Case
from xxgk.web.cases.services import case_register
from xxgk.web.tenancy.models import Body

Register = Callable[..., Case]


def make_registration(
    *,
    name: str = "张三",
    id_document: str = "身份证 500104199001011234",
    contact: str = "13800000000",
    content: str = "2019年八桥镇老旧小区改造项目的批复文件",
    applicant_type: ApplicantType = ApplicantType.NATURAL,
    submitted_on: date = date(2026, 3, 2),
) -> Registration:
    return Registration(
        channel=Channel.IN_PERSON,
        applicant=Applicant(type=applicant_type, name=name, id_document=id_document, contact=contact),
        content=content,
        receipt=ReceiptFacts(submitted_on=submitted_on),
    )


@pytest.fixture
def register(users: dict[str, User], org: dict[str, Body]) -> Register:
    """``register(on=date, body="baqiao", clerk="bq_clerk", **registration fields)`` → the registered case."""

    def _register(
        *, on: date = date(2026, 3, 2), body: str = "baqiao", clerk: str = "bq_clerk", **fields: object
    ) -> Case:
        fields.setdefault("submitted_on", on)
        return case_register(
            actor=users[clerk],
            body_id=org[body].pk,
            registration=make_registration(**fields),  # type: ignore[arg-type]
            on=on,
        )

    return _register
