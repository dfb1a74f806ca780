"""The session, user and memberships every signed-in page reads, by SQL written once per process
(``xxgk.web.tenancy.rows``): the same rows, values and order as the ORM's querysets, and the same refusals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from xxgk.web.tenancy.backends import UserBackend
from xxgk.web.tenancy.models import Body, BodyKind, MemberRole, Membership
from xxgk.web.tenancy.rows import memberships_with_bodies, session_row, user_by_id
from xxgk.web.tenancy.sessions import SessionStore

pytestmark = pytest.mark.django_db


def _fields(obj: object) -> dict[str, object]:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}  # type: ignore[attr-defined]


def test_memberships_as_the_orm_reads_them(org: dict[str, Body], users: dict[str, User]) -> None:
    both = User.objects.create_user(username="both")
    other = Body.objects.create(name="九龙坡区人民政府", code="a-first", kind=BodyKind.GOVERNMENT)
    Membership.objects.create(user=both, body=org["tiaodeng"], role=MemberRole.REVIEWER)
    Membership.objects.create(user=both, body=org["tiaodeng"], role=MemberRole.CLERK)
    Membership.objects.create(user=both, body=other, role=MemberRole.HEAD)
    for user in [*users.values(), both]:
        expected = list(
            Membership.objects.filter(user_id=user.pk).select_related("body").order_by("body__code", "role")
        )
        with CaptureQueriesContext(connection) as ctx:
            got = memberships_with_bodies(user.pk)
            shown = [(m.body.name, m.body.parent_id, m.get_role_display()) for m in got]
        assert len(ctx.captured_queries) == 1  # the bodies came with the memberships
        assert [_fields(m) for m in got] == [_fields(m) for m in expected], user.username
        assert [_fields(m.body) for m in got] == [_fields(m.body) for m in expected]
        assert shown == [(m.body.name, m.body.parent_id, m.get_role_display()) for m in expected]
    # by the body's code, then the role
    assert [(m.body.code, m.role) for m in memberships_with_bodies(both.pk)] == [
        ("a-first", "head"),
        ("ddk-tiaodeng", "clerk"),
        ("ddk-tiaodeng", "reviewer"),
    ]
    assert memberships_with_bodies(users["nobody"].pk) == []


def test_user_as_the_orm_reads_it(users: dict[str, User]) -> None:
    user = users["bq_clerk"]
    User.objects.filter(pk=user.pk).update(last_login=timezone.now(), first_name="张", last_name="三")
    expected = User.objects.get(pk=user.pk)
    got = user_by_id(str(user.pk))  # as the session stores it
    assert got is not None and _fields(got) == _fields(expected)
    assert got.last_login is not None and timezone.is_aware(got.last_login)
    assert got.get_session_auth_hash() == expected.get_session_auth_hash()
    assert user_by_id(10**9) is None
    for junk in ("abc", "", None, "1; DROP TABLE auth_user"):
        assert user_by_id(junk) is None
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert user_by_id(user.pk) is not None
    assert UserBackend().get_user(user.pk) is None  # an inactive user's session no longer signs in


def test_session_unless_expired(users: dict[str, User]) -> None:
    store = SessionStore()
    store["k"] = "值"
    store.create()
    key = store.session_key
    assert key is not None
    row = session_row(Session, key, timezone.now())
    assert row is not None and _fields(row) == _fields(Session.objects.get(session_key=key))
    assert SessionStore(key)["k"] == "值"
    assert session_row(Session, "x" * 32, timezone.now()) is None
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    assert session_row(Session, key, timezone.now()) is None
    expired = SessionStore(key)
    assert expired.load() == {}
    assert expired.session_key is None  # an expired key is not reused


def test_signed_in_pages_sign_out_and_a_deactivated_user(client: Client, users: dict[str, User]) -> None:
    client.force_login(users["bq_clerk"])
    page = client.get("/cases/")
    assert page.status_code == 200 and "八桥" in page.content.decode()
    User.objects.filter(pk=users["bq_clerk"].pk).update(is_active=False)
    assert client.get("/cases/").status_code == 302  # signed out: to the login page
    User.objects.filter(pk=users["bq_clerk"].pk).update(is_active=True)
    client.force_login(users["bq_clerk"])
    assert client.get("/cases/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/cases/").status_code == 302
