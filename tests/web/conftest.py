"""Fixtures of the web tests: one small organisation with memorable named users.

大渡口区政府 (district) supervises 八桥镇 and 跳磴镇. 八桥镇 has a clerk (bq_clerk), a reviewer (bq_reviewer), a
head (bq_head); 跳磴镇 has its own clerk (td_clerk); the district has an office viewer (qu_viewer, a reviewer of
the district who sees the towns read-only) and a calendar administrator (qu_admin).

The suite runs on SQLite by default and on PostgreSQL when DATABASE_URL is set, e.g.
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/pytest tests/web`` (pytest-django creates
``test_postgres``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date

import pytest

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xxgk.web.config.settings")
os.environ.setdefault("XXGK_SECRET_KEY", "xxgk-test-only")

import django

django.setup()  # pytest-django configures Django lazily; this conftest imports models at import time

from django.conf import settings  # noqa: E402

settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast user fixtures

from django.contrib.auth.models import User  # noqa: E402
from django.test import Client  # noqa: E402

from xxgk.core.outcomes import ApplicantType, Channel  # noqa: E402
from xxgk.core.receipt import ReceiptFacts  # noqa: E402
from xxgk.core.workflow import Applicant, Registration  # noqa: E402
from xxgk.web.tenancy.models import Body, BodyKind, MemberRole, Membership  # noqa: E402

PASSWORD = "test-pass-123"


@pytest.fixture
def org(db: None) -> dict[str, Body]:
    district = Body.objects.create(name="重庆市大渡口区人民政府", code="ddk", kind=BodyKind.GOVERNMENT)
    baqiao = Body.objects.create(name="大渡口区八桥镇人民政府", code="ddk-baqiao", kind=BodyKind.TOWN, parent=district)
    tiaodeng = Body.objects.create(
        name="大渡口区跳磴镇人民政府", code="ddk-tiaodeng", kind=BodyKind.TOWN, parent=district
    )
    return {"district": district, "baqiao": baqiao, "tiaodeng": tiaodeng}


def _user(username: str, body: Body, *roles: MemberRole) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, first_name=username)
    for role in roles:
        Membership.objects.create(user=user, body=body, role=role)
    return user


@pytest.fixture
def users(org: dict[str, Body]) -> dict[str, User]:
    return {
        "bq_clerk": _user("bq_clerk", org["baqiao"], MemberRole.CLERK),
        "bq_reviewer": _user("bq_reviewer", org["baqiao"], MemberRole.REVIEWER),
        "bq_head": _user("bq_head", org["baqiao"], MemberRole.HEAD),
        "td_clerk": _user("td_clerk", org["tiaodeng"], MemberRole.CLERK),
        "qu_viewer": _user("qu_viewer", org["district"], MemberRole.REVIEWER),
        "qu_admin": _user("qu_admin", org["district"], MemberRole.ADMIN),
        "nobody": User.objects.create_user(username="nobody", password=PASSWORD),
    }


@pytest.fixture
def login(client: Client, users: dict[str, User]) -> Callable[[str], Client]:
    def as_user(name: str) -> Client:
        client.force_login(users[name])
        return client

    return as_user


def registration(
    *,
    name: str = "张三",
    content: str = "2019年八桥镇老旧小区改造项目的批复文件",
    channel: Channel = Channel.IN_PERSON,
    submitted_on: date | None = date(2026, 3, 2),
    applicant_type: ApplicantType = ApplicantType.NATURAL,
    receipt: ReceiptFacts | None = None,
) -> Registration:
    return Registration(
        channel=channel,
        applicant=Applicant(
            type=applicant_type, name=name, id_document="身份证 500104199001011234", contact="13800000000"
        ),
        content=content,
        receipt=receipt if receipt is not None else ReceiptFacts(submitted_on=submitted_on),
    )
