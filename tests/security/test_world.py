"""The world the security tests run against is built through the services (a failure here names the service)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from tests.security.world import build_world
from xxgk.web.tenancy.models import Body

pytestmark = pytest.mark.django_db


def test_the_world_has_one_object_of_every_kind(org: dict[str, Body], users: dict[str, User]) -> None:
    world = build_world(org, users)
    expected = {"case", "letter", "submission", "item", "attachment", "published_item", "document", "amendment",
                "figure", "remedy", "hearing", "job", "job_file", "external_report", "api_token", "flag"}  # fmt: skip
    assert expected <= set(world.ids)
