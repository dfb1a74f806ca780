"""Login throttling and lockout: 5 failures per (user name, address) in 15 minutes lock that pair out for 15
minutes (correct password included), audited, in the database (so every process sees it), addresses hashed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone

from tests.web.conftest import PASSWORD
from xxgk.web.audit.codes import AuditCode
from xxgk.web.audit.models import AuditEvent
from xxgk.web.security.models import LoginThrottle, ThrottleScope
from xxgk.web.security.services import login_failure_record
from xxgk.web.security.throttle import address_hash, failure_limit

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
HOME = "203.0.113.7"
ELSEWHERE = "198.51.100.23"


def attempt(username: str, password: str, *, address: str = HOME, client: Client | None = None) -> Any:
    client = client or Client()
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def codes() -> list[int]:
    return list(AuditEvent.objects.order_by("pk").values_list("code", flat=True))


def test_five_failures_lock_the_user_name_at_that_address(users: dict[str, User]) -> None:
    assert failure_limit() == 5
    for _ in range(4):
        response = attempt("bq_clerk", "wrong")
        assert response.status_code == 200
        assert "已暂停登录" not in response.content.decode()
    locked = attempt("bq_clerk", "wrong")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "登录失败次数过多，已暂停登录" in page and "分钟" in page
    assert 800 <= int(locked["Retry-After"]) <= 900
    # the right password is refused too, without being checked, and no session is created
    client = Client()
    refused = attempt("bq_clerk", PASSWORD, client=client)
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session
    assert codes().count(AuditCode.LOGIN_FAILED) == 5
    assert codes().count(AuditCode.LOGIN_LOCKED) == 1
    lock = AuditEvent.objects.get(code=AuditCode.LOGIN_LOCKED)
    assert lock.new is not None and lock.new["username"] == "bq_clerk" and lock.object_id == str(users["bq_clerk"].pk)


def test_the_lockout_is_per_user_name_and_address_and_ignores_case(users: dict[str, User]) -> None:
    for _ in range(5):
        attempt("BQ_Clerk", "wrong")  # the name as typed, case-folded
    assert attempt("bq_clerk", PASSWORD).status_code == 429
    # the same account from another address, and another account from this address, sign in
    assert attempt("bq_clerk", PASSWORD, address=ELSEWHERE).status_code == 302
    assert attempt("bq_head", PASSWORD).status_code == 302


def test_an_unknown_user_name_is_locked_alike(users: dict[str, User]) -> None:
    """Nothing tells an attacker whether an account exists: unknown names count and lock the same way."""
    responses = [attempt("no-such-user", "wrong") for _ in range(5)]
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    assert AuditEvent.objects.filter(code=AuditCode.LOGIN_LOCKED, object_id="").count() == 1


def test_the_lockout_ends_and_success_resets_the_count(users: dict[str, User]) -> None:
    for _ in range(5):
        attempt("bq_clerk", "wrong")
    row = LoginThrottle.objects.get(scope=ThrottleScope.USER_ADDRESS)
    row.locked_until = timezone.now() - timedelta(seconds=1)
    row.save()
    client = Client()
    assert attempt("bq_clerk", PASSWORD, client=client).status_code == 302
    assert client.session["_auth_user_id"] == str(users["bq_clerk"].pk)
    assert not LoginThrottle.objects.filter(scope=ThrottleScope.USER_ADDRESS).exists()
    assert AuditEvent.objects.filter(code=AuditCode.LOGIN_SUCCEEDED, actor=users["bq_clerk"]).count() == 1
    # the count starts again from zero
    for _ in range(4):
        assert attempt("bq_clerk", "wrong").status_code == 200


def test_failures_outside_the_window_do_not_add_up(users: dict[str, User]) -> None:
    start = timezone.now() - timedelta(hours=1)
    for i in range(4):
        login_failure_record(username="bq_clerk", address=HOME, now=start + timedelta(minutes=i))
    # 20 minutes later the window (15 minutes) has passed: a fifth failure starts a new count
    assert login_failure_record(username="bq_clerk", address=HOME, now=start + timedelta(minutes=20)) is None
    row = LoginThrottle.objects.get(scope=ThrottleScope.USER_ADDRESS)
    assert row.failures == 1


def test_the_lockout_holds_for_every_process(users: dict[str, User]) -> None:
    """Kept in the database, not a per-process cache or the session: a new client (another worker, a cleared
    cookie) is still refused."""
    for _ in range(5):
        attempt("bq_clerk", "wrong", client=Client())
    assert LoginThrottle.objects.filter(locked_until__gt=timezone.now()).count() == 1
    assert attempt("bq_clerk", PASSWORD, client=Client()).status_code == 429


def test_addresses_are_stored_only_as_keyed_hashes(users: dict[str, User]) -> None:
    for _ in range(5):
        attempt("bq_clerk", "wrong")
    stored = [str(v) for row in LoginThrottle.objects.values() for v in row.values()]
    stored += [str(e.new) for e in AuditEvent.objects.all()]
    assert not any(HOME in value for value in stored)
    assert LoginThrottle.objects.filter(address_hash=address_hash(HOME)).count() == 2  # user+address, address


@override_settings(XXGK_LOGIN_ADDRESS_FAILURE_LIMIT=3)
def test_password_spraying_from_one_address_locks_the_address(users: dict[str, User]) -> None:
    assert attempt("bq_clerk", "wrong").status_code == 200
    assert attempt("bq_head", "wrong").status_code == 200
    locked = attempt("td_clerk", "wrong")
    assert locked.status_code == 429
    assert "来自您所在网络地址" in locked.content.decode()
    assert attempt("qu_admin", PASSWORD).status_code == 429
    assert attempt("qu_admin", PASSWORD, address=ELSEWHERE).status_code == 302


@override_settings(XXGK_LOGIN_FAILURE_LIMIT=2, XXGK_LOGIN_LOCKOUT=60)
def test_the_parameters_come_from_the_settings(users: dict[str, User]) -> None:
    attempt("bq_clerk", "wrong")
    locked = attempt("bq_clerk", "wrong")
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) <= 60


def _lock(username: str) -> LoginThrottle:
    for _ in range(5):
        attempt(username, "wrong")
    return LoginThrottle.objects.get(scope=ThrottleScope.USER_ADDRESS, username=username)


def test_an_administrator_lifts_a_lockout(users: dict[str, User], login: object) -> None:
    row = _lock("bq_clerk")
    admin = login("qu_admin")  # type: ignore[operator]
    page = admin.get("/security/lockouts/")
    assert page.status_code == 200 and "bq_clerk" in page.content.decode()
    assert admin.post(f"/security/lockouts/{row.pk}/unlock/").status_code == 302
    assert not LoginThrottle.objects.filter(pk=row.pk).exists()
    unlocked = AuditEvent.objects.get(code=AuditCode.LOGIN_UNLOCKED)
    assert unlocked.actor == users["qu_admin"]
    assert unlocked.old is not None and unlocked.old["username"] == "bq_clerk"
    assert attempt("bq_clerk", PASSWORD).status_code == 302


@pytest.mark.parametrize("name", ["bq_clerk", "bq_head", "td_clerk", "qu_viewer", "nobody"])
def test_only_administrators_see_or_lift_lockouts(users: dict[str, User], name: str) -> None:
    row = _lock("bq_reviewer")
    client = Client()
    client.force_login(users[name])
    assert client.get("/security/lockouts/").status_code == 403
    assert client.post(f"/security/lockouts/{row.pk}/unlock/").status_code in (403, 404)
    assert LoginThrottle.objects.filter(pk=row.pk).exists()


def test_anonymous_is_sent_to_login(users: dict[str, User]) -> None:
    row = _lock("bq_reviewer")
    client = Client()
    for response in (client.get("/security/lockouts/"), client.post(f"/security/lockouts/{row.pk}/unlock/")):
        assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_the_operators_command_lifts_a_lockout(users: dict[str, User]) -> None:
    _lock("bq_clerk")
    call_command("xxgk_unlock", "BQ_CLERK")
    assert not LoginThrottle.objects.filter(scope=ThrottleScope.USER_ADDRESS).exists()
    assert attempt("bq_clerk", PASSWORD).status_code == 302
    assert AuditEvent.objects.filter(code=AuditCode.LOGIN_UNLOCKED).count() == 1


def test_old_rows_are_purged(users: dict[str, User]) -> None:
    long_ago = timezone.now() - timedelta(days=2)
    login_failure_record(username="someone", address=ELSEWHERE, now=long_ago)
    assert LoginThrottle.objects.count() == 2
    login_failure_record(username="bq_clerk", address=HOME)
    assert set(LoginThrottle.objects.values_list("username", flat=True)) == {"bq_clerk", ""}
    assert LoginThrottle.objects.filter(address_hash=address_hash(ELSEWHERE)).count() == 0
