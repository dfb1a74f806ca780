"""Token lifecycle: created on the page or by the command (shown once, only a hash stored), used as a bearer
token (last use recorded), refused once revoked or expired; session cookies are never accepted."""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from tests.web.api.conftest import ApiClient
from xxgk.web.api.models import ApiToken
from xxgk.web.api.selectors import TOKEN_EXPIRED, TOKEN_INVALID, TOKEN_MISSING, TOKEN_REVOKED, USER_INACTIVE
from xxgk.web.api.services import TOUCH_INTERVAL, ApiTokenError, api_token_create, api_token_revoke, api_token_touch
from xxgk.web.audit.codes import AuditCode
from xxgk.web.audit.models import AuditEvent
from xxgk.web.tenancy.models import Body

pytestmark = pytest.mark.django_db

TOKEN_RE = re.compile(r"xxgk_[A-Za-z0-9_-]{43}")


def _bodies(token: str | None, client: Client | None = None) -> tuple[int, dict[str, object] | list[object]]:
    response = ApiClient(client or Client(), token).get("/api/v1/bodies")
    return response.status, response.data


# -- service -------------------------------------------------------------------------------------


def test_create_stores_only_the_hash_and_audits_without_the_secret(users: dict[str, User]) -> None:
    row, secret = api_token_create(user=users["bq_clerk"], name=" 对接系统 ", days=10, actor=users["bq_clerk"])
    assert TOKEN_RE.fullmatch(secret)
    stored = ApiToken.objects.get()
    assert stored.pk == row.pk and stored.name == "对接系统"
    assert stored.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.startswith(stored.prefix) and len(stored.prefix) < len(secret) // 2
    assert stored.expires_at is not None
    assert timedelta(days=9, hours=23) < stored.expires_at - stored.created_at <= timedelta(days=10, seconds=5)
    # the secret itself is nowhere in the database row or in the audit trail
    assert all(secret not in str(getattr(stored, f.attname)) for f in ApiToken._meta.concrete_fields)
    event = AuditEvent.objects.get(code=AuditCode.API_TOKEN_CREATED)
    assert event.actor == users["bq_clerk"] and event.object_id == str(row.pk)
    assert secret not in json.dumps(event.new, ensure_ascii=False) and stored.prefix in json.dumps(event.new)
    # two tokens never collide
    _row2, secret2 = api_token_create(user=users["bq_clerk"], name="另一个", days=None, actor=users["bq_clerk"])
    assert secret2 != secret and ApiToken.objects.get(pk=_row2.pk).expires_at is None


@pytest.mark.parametrize(("name", "days"), [("", 5), ("   ", 5), ("x" * 101, 5), ("ok", 0), ("ok", 3651)])
def test_create_refuses_bad_input(users: dict[str, User], name: str, days: int) -> None:
    with pytest.raises(ApiTokenError):
        api_token_create(user=users["bq_clerk"], name=name, days=days, actor=users["bq_clerk"])
    assert not ApiToken.objects.exists() and not AuditEvent.objects.filter(code=AuditCode.API_TOKEN_CREATED).exists()


def test_touch_writes_at_most_once_per_interval(users: dict[str, User]) -> None:
    row, _secret = api_token_create(user=users["bq_clerk"], name="t", days=1, actor=None)
    now = timezone.now()
    api_token_touch(token=row, now=now)
    api_token_touch(token=row, now=now + TOUCH_INTERVAL / 2)
    assert ApiToken.objects.get().last_used_at == now
    later = now + TOUCH_INTERVAL * 2
    api_token_touch(token=row, now=later)
    assert ApiToken.objects.get().last_used_at == later


# -- authentication ------------------------------------------------------------------------------


def test_a_token_authenticates_and_records_its_last_use(users: dict[str, User], org: dict[str, Body]) -> None:
    row, secret = api_token_create(user=users["bq_clerk"], name="t", days=1, actor=None)
    assert row.last_used_at is None
    status, data = _bodies(secret)
    assert status == 200
    assert [b["code"] for b in data] == ["ddk-baqiao"]  # type: ignore[index]
    used = ApiToken.objects.get().last_used_at
    assert used is not None and abs((timezone.now() - used).total_seconds()) < 30


@pytest.mark.parametrize(
    ("header", "code", "message"),
    [
        (None, "token_missing", TOKEN_MISSING),
        ("Bearer", "token_missing", TOKEN_MISSING),
        ("Basic dXNlcjpwYXNz", "token_missing", TOKEN_MISSING),
        ("Bearer xxgk_not-a-real-token-at-all-000000000000000000000", "token_invalid", TOKEN_INVALID),
        ("Bearer something-else", "token_invalid", TOKEN_INVALID),
        ("Bearer xxgk_" + "a" * 500, "token_invalid", TOKEN_INVALID),
    ],
)
def test_missing_or_unknown_tokens_get_401_json(
    users: dict[str, User], header: str | None, code: str, message: str
) -> None:
    api_token_create(user=users["bq_clerk"], name="t", days=1, actor=None)
    headers = {"Authorization": header} if header is not None else {}
    response = Client().get("/api/v1/bodies", headers=headers)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json() == {"detail": message, "code": code}


def test_revoked_token_gets_401(users: dict[str, User], org: dict[str, Body]) -> None:
    row, secret = api_token_create(user=users["bq_clerk"], name="t", days=None, actor=None)
    assert _bodies(secret)[0] == 200
    api_token_revoke(actor=users["bq_clerk"], token_id=row.pk)
    assert _bodies(secret) == (401, {"detail": TOKEN_REVOKED, "code": "token_revoked"})
    event = AuditEvent.objects.get(code=AuditCode.API_TOKEN_REVOKED)
    assert event.actor == users["bq_clerk"] and event.object_id == str(row.pk)
    # revoking again changes nothing and logs nothing
    api_token_revoke(actor=users["bq_clerk"], token_id=row.pk)
    assert AuditEvent.objects.filter(code=AuditCode.API_TOKEN_REVOKED).count() == 1


def test_expired_token_gets_401(users: dict[str, User], org: dict[str, Body]) -> None:
    past = timezone.now() - timedelta(days=3)
    _row, secret = api_token_create(user=users["bq_clerk"], name="t", days=1, actor=None, now=past)
    assert _bodies(secret) == (401, {"detail": TOKEN_EXPIRED, "code": "token_expired"})
    _row, fresh = api_token_create(user=users["bq_clerk"], name="t2", days=1, actor=None)
    assert _bodies(fresh)[0] == 200


def test_inactive_user_gets_401(users: dict[str, User], org: dict[str, Body]) -> None:
    _row, secret = api_token_create(user=users["bq_clerk"], name="t", days=1, actor=None)
    User.objects.filter(pk=users["bq_clerk"].pk).update(is_active=False)
    assert _bodies(secret) == (401, {"detail": USER_INACTIVE, "code": "user_inactive"})


def test_session_cookies_are_not_accepted(users: dict[str, User], org: dict[str, Body]) -> None:
    browser = Client()
    browser.force_login(users["bq_clerk"])
    assert browser.get("/cases/").status_code == 200  # the session works for pages
    status, data = _bodies(None, browser)
    assert status == 401 and data == {"detail": TOKEN_MISSING, "code": "token_missing"}
    # a session of one user and the token of another: the token decides
    _row, secret = api_token_create(user=users["td_clerk"], name="t", days=1, actor=None)
    status, data = _bodies(secret, browser)
    assert status == 200 and [b["code"] for b in data] == ["ddk-tiaodeng"]  # type: ignore[index]


def test_writes_need_no_csrf_token_with_a_bearer_token(users: dict[str, User], org: dict[str, Body]) -> None:
    _row, secret = api_token_create(user=users["bq_clerk"], name="t", days=1, actor=None)
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        "/api/v1/applications", "{}", content_type="application/json", headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 422  # validated, not refused for CSRF


# -- the page ------------------------------------------------------------------------------------


def test_token_page_creates_shows_once_and_revokes(
    login: Callable[[str], Client], users: dict[str, User], org: dict[str, Body]
) -> None:
    client = login("bq_clerk")
    page = client.get("/api/tokens/")
    assert page.status_code == 200 and "您还没有接口令牌" in page.content.decode()
    created = client.post("/api/tokens/", {"name": "数据交换平台", "days": "30"})
    assert created.status_code == 200
    assert "no-store" in created["Cache-Control"]
    html = created.content.decode()
    secrets = TOKEN_RE.findall(html)
    assert secrets and len(set(secrets)) == 1
    secret = secrets[0]
    row = ApiToken.objects.get()
    assert row.user == users["bq_clerk"] and row.name == "数据交换平台"
    assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    # shown once: the list afterwards only has the prefix
    again = client.get("/api/tokens/").content.decode()
    assert secret not in again and row.prefix in again and "数据交换平台" in again
    assert _bodies(secret)[0] == 200
    revoked = client.post(f"/api/tokens/{row.pk}/revoke/")
    assert revoked.status_code == 302 and revoked["Location"] == "/api/tokens/"
    assert "已撤销" in client.get("/api/tokens/").content.decode()
    assert _bodies(secret)[0] == 401


def test_token_page_form_errors(login: Callable[[str], Client]) -> None:
    client = login("bq_clerk")
    response = client.post("/api/tokens/", {"name": "", "days": "0"})
    assert response.status_code == 200 and not ApiToken.objects.exists()
    assert not TOKEN_RE.search(response.content.decode())


def test_token_page_needs_login_and_csrf(users: dict[str, User]) -> None:
    anonymous = Client()
    for method, url in (("get", "/api/tokens/"), ("post", "/api/tokens/"), ("post", "/api/tokens/1/revoke/")):
        response = getattr(anonymous, method)(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url
    row, _secret = api_token_create(user=users["bq_clerk"], name="t", days=1, actor=None)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(users["bq_clerk"])
    assert strict.post("/api/tokens/", {"name": "x"}).status_code == 403
    assert strict.post(f"/api/tokens/{row.pk}/revoke/").status_code == 403
    assert ApiToken.objects.count() == 1 and ApiToken.objects.get().revoked_at is None
    assert strict.get(f"/api/tokens/{row.pk}/revoke/").status_code == 405


def test_other_users_tokens_are_invisible_and_404(login: Callable[[str], Client], users: dict[str, User]) -> None:
    row, _secret = api_token_create(user=users["bq_clerk"], name="八桥镇的令牌", days=1, actor=None)
    client = login("td_clerk")
    assert "八桥镇的令牌" not in client.get("/api/tokens/").content.decode()
    mine = client.post(f"/api/tokens/{row.pk}/revoke/")
    missing = client.post("/api/tokens/999999/revoke/")
    assert mine.status_code == missing.status_code == 404
    assert mine.content == missing.content
    assert ApiToken.objects.get().revoked_at is None


# -- the command ---------------------------------------------------------------------------------


def test_command_prints_a_working_token(users: dict[str, User], org: dict[str, Body]) -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command("xxgk_api_token", "bq_clerk", "--name", "报表系统", "--days", "7", stdout=out, stderr=err)
    secret = out.getvalue().strip()
    assert TOKEN_RE.fullmatch(secret)
    assert "报表系统" in err.getvalue() and secret not in err.getvalue()
    row = ApiToken.objects.get()
    assert row.user == users["bq_clerk"] and row.expires_at is not None
    assert _bodies(secret)[0] == 200
    event = AuditEvent.objects.get(code=AuditCode.API_TOKEN_CREATED)
    assert event.actor is None and "bq_clerk" in event.note


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ghost", "--name", "x"], "用户不存在"),
        (["bq_clerk", "--name", "x", "--days", "0"], "有效期"),
        (["bq_clerk", "--name", "  "], "名称"),
    ],
)
def test_command_errors(users: dict[str, User], args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("xxgk_api_token", *args, stdout=io.StringIO(), stderr=io.StringIO())
    assert not ApiToken.objects.exists()
