"""The bodies a user sees: their own and every body below them, walked in the database in one query."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from xxgk.web.tenancy.models import Body, BodyKind, MemberRole, Membership
from xxgk.web.tenancy.selectors import body_descendant_ids, body_ids_visible, body_ids_working

pytestmark = pytest.mark.django_db


def test_every_body_below_the_users_own_and_nothing_else(org: dict[str, Body], users: dict[str, User]) -> None:
    office = Body.objects.create(name="八桥镇党政办", code="ddk-baqiao-dzb", kind=BodyKind.OTHER, parent=org["baqiao"])
    unit = Body.objects.create(name="党政办档案室", code="ddk-baqiao-dzb-da", kind=BodyKind.OTHER, parent=office)
    other_root = Body.objects.create(name="重庆市九龙坡区人民政府", code="jlp", kind=BodyKind.GOVERNMENT)
    below_other = Body.objects.create(name="九龙坡区某镇", code="jlp-t1", kind=BodyKind.TOWN, parent=other_root)
    both = User.objects.create_user(username="both")
    Membership.objects.create(user=both, body=org["tiaodeng"], role=MemberRole.CLERK)
    Membership.objects.create(user=both, body=other_root, role=MemberRole.REVIEWER)
    Membership.objects.create(user=both, body=other_root, role=MemberRole.HEAD)  # two roles in one body

    expected = {
        "qu_viewer": {org["district"].pk, org["baqiao"].pk, org["tiaodeng"].pk, office.pk, unit.pk},
        "bq_clerk": {org["baqiao"].pk, office.pk, unit.pk},
        "td_clerk": {org["tiaodeng"].pk},
        "nobody": set(),
    }
    for name, bodies in expected.items():
        assert body_ids_visible(user=users[name]) == bodies, name
    assert body_ids_visible(user=both) == {org["tiaodeng"].pk, other_root.pk, below_other.pk}
    assert body_ids_visible(user=AnonymousUser()) == set()
    # the same as walking the tree in Python from the bodies the user works in
    for user in [*users.values(), both]:
        assert body_ids_visible(user=user) == body_descendant_ids(roots=body_ids_working(user=user))
    with CaptureQueriesContext(connection) as ctx:
        body_ids_visible(user=users["qu_viewer"])
    assert len(ctx.captured_queries) == 1
