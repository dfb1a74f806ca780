"""Fixtures of the letters tests: cases of 八桥镇 moved through the real services, and a body administrator."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User

from tests.web.conftest import PASSWORD, registration
from xxgk.web.cases import services as s
from xxgk.web.cases.models import Case
from xxgk.web.tenancy.models import Body, MemberRole, Membership

Register = Callable[..., Case]


@pytest.fixture
def bq_admin(org: dict[str, Body], users: dict[str, User]) -> User:
    """An administrator of 八桥镇 (manages templates, does not handle cases)."""
    user = User.objects.create_user(username="bq_admin", password=PASSWORD, first_name="bq_admin")
    Membership.objects.create(user=user, body=org["baqiao"], role=MemberRole.ADMIN)
    users["bq_admin"] = user
    return user


@pytest.fixture
def register(users: dict[str, User], org: dict[str, Body]) -> Register:
    """Register an application of 八桥镇 on 2 March 2026 (keyword arguments go to ``registration``)."""

    def make(*, on: date = date(2026, 3, 2), **kwargs: Any) -> Case:
        return s.case_register(
            actor=users["bq_clerk"], body_id=org["baqiao"].pk, registration=registration(**kwargs), on=on
        )

    return make
