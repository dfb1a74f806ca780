"""The security app switched on in the project: the error pages (Chinese, no traceback, the request id), the
session and cookie settings, the behaviours script on every page and shipped as a static file, and the lockouts
link for system administrators only."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import get_resolver, reverse

from xxgk.web.ops.middleware import HEADER as REQUEST_ID
from xxgk.web.security import errors
from xxgk.web.security.services import NOT_ADMIN
from xxgk.web.tenancy.models import Body

pytestmark = pytest.mark.django_db

LEAKS = ("Traceback", 'File "', "RuntimeError", "/work/", "site-packages", "Not Found", "Forbidden", "DEBUG")


def clean_page(response: object, status: int, *, with_id: bool = True) -> str:
    """The page of an error response: the status, Chinese, no technical detail, and the request id of the
    response's own header (so a user can quote it and an operator find the log lines)."""
    assert response.status_code == status  # type: ignore[attr-defined]
    page: str = response.content.decode()  # type: ignore[attr-defined]
    for leak in LEAKS:
        assert leak not in page, leak
    assert '<html lang="zh-Hans">' in page
    rid = response[REQUEST_ID]  # type: ignore[index]
    assert len(rid) >= 8 and (f"请求编号：{rid}" in page) is with_id and ("请求编号" in page) is with_id
    return page


def test_the_project_installs_the_error_pages() -> None:
    resolver = get_resolver()
    assert resolver.resolve_error_handler(400) is errors.bad_request
    assert resolver.resolve_error_handler(403) is errors.permission_denied
    assert resolver.resolve_error_handler(404) is errors.page_not_found
    assert resolver.resolve_error_handler(500) is errors.server_error
    assert settings.CSRF_FAILURE_VIEW == "xxgk.web.security.errors.csrf_failure"


def test_not_found(users: dict[str, User]) -> None:
    client = Client()
    client.force_login(users["bq_clerk"])
    pages = []
    for url in ("/no-such-page/", "/cases/987654/"):  # no route; an object that does not exist
        page = clean_page(client.get(url), 404, with_id=False)  # 404 alike: the same bytes every time
        assert errors.NOT_FOUND.title in page and errors.NOT_FOUND.message in page
        assert "987654" not in page  # nothing of the request is echoed
        pages.append(page)
    assert pages[0] == pages[1]


def test_a_refusal_shows_its_own_chinese_message(users: dict[str, User]) -> None:
    client = Client()
    client.force_login(users["bq_clerk"])
    page = clean_page(client.get(reverse("security:lockouts")), 403)
    assert NOT_ADMIN in page and errors.FORBIDDEN.title in page


def test_a_refusal_without_a_message_gets_the_general_one() -> None:
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    for exception in (PermissionDenied(), PermissionDenied(" "), PermissionDenied({"detail": "x"}), None):
        page = errors.permission_denied(request, exception).content.decode()
        assert errors.FORBIDDEN.message in page and "detail" not in page
    page = errors.permission_denied(request, PermissionDenied("<b>不可</b>")).content.decode()
    assert "&lt;b&gt;不可&lt;/b&gt;" in page and errors.FORBIDDEN.message not in page  # shown, escaped


@override_settings(ALLOWED_HOSTS=["testserver"])
def test_bad_request() -> None:
    page = clean_page(Client().get("/open/", HTTP_HOST="evil.example.com"), 400)  # a host name not allowed
    assert errors.BAD_REQUEST.title in page and "evil" not in page


def test_a_form_posted_without_its_token(users: dict[str, User]) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["bq_clerk"])
    page = clean_page(client.post("/cases/new/", {"content": "x"}), 403)
    assert errors.CSRF_FAILED.title in page and errors.CSRF_FAILED.message in page


def test_an_unexpected_error(users: dict[str, User], monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> None:
        raise RuntimeError("boom in /work/secret/path")

    monkeypatch.setattr("xxgk.web.ops.views.readiness", broken)
    page = clean_page(Client(raise_request_exception=False).get("/readyz/"), 500)
    assert errors.INTERNAL.title in page and "boom" not in page


def test_session_and_cookie_settings() -> None:
    assert settings.SESSION_COOKIE_AGE == 10 * 3600  # XXGK_SESSION_HOURS, 10 by default
    assert settings.SESSION_COOKIE_SAMESITE == settings.CSRF_COOKIE_SAMESITE == "Lax"
    assert settings.SESSION_COOKIE_HTTPONLY and settings.CSRF_COOKIE_HTTPONLY
    assert settings.DATA_UPLOAD_MAX_NUMBER_FILES == settings.XXGK_JOBS_MAX_FILES + 10
    assert settings.XXGK_MAX_REQUEST_MB * 2**20 > settings.XXGK_JOBS_MAX_UPLOAD_MB * 2**20  # the batch upload fits


def test_a_sign_in_ends_after_the_session_age(users: dict[str, User]) -> None:
    client = Client()
    response = client.post(reverse("login"), {"username": "bq_clerk", "password": "test-pass-123"})
    assert response.status_code == 302
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == settings.SESSION_COOKIE_AGE
    assert cookie["samesite"] == "Lax" and cookie["httponly"]


def test_every_page_loads_the_behaviours_script(users: dict[str, User], org: dict[str, Body]) -> None:
    tag = '<script src="/static/xxgk/security/behaviours.js" defer></script>'
    client = Client()
    assert tag in client.get(f"/portal/apply/{org['baqiao'].code}/").content.decode()  # public
    client.force_login(users["bq_clerk"])
    assert tag in client.get("/cases/").content.decode()


def test_the_behaviours_script_is_collected(tmp_path: Path) -> None:
    with override_settings(STATIC_ROOT=tmp_path):
        call_command("collectstatic", "--noinput", verbosity=0)
    collected = tmp_path / "xxgk" / "security" / "behaviours.js"
    source = Path(settings.BASE_DIR) / "src" / "xxgk" / "web" / "security" / "static" / "xxgk" / "security"
    assert collected.read_bytes() == (source / "behaviours.js").read_bytes()
    assert (tmp_path / "xxgk" / "app.css").exists()


def test_the_lockouts_link_is_for_system_administrators(users: dict[str, User]) -> None:
    link = f'href="{reverse("security:lockouts")}"'
    for username, shown in (("qu_admin", True), ("bq_clerk", False), ("qu_viewer", False), ("nobody", False)):
        client = Client()
        client.force_login(users[username])
        page = client.get("/jobs/").content.decode()
        assert (link in page) is shown, username
        assert client.get(reverse("security:lockouts")).status_code == (200 if shown else 403), username
    superuser = User.objects.create_superuser("root", "root@example.com", "x")
    client = Client()
    client.force_login(superuser)
    assert link in client.get("/jobs/").content.decode()
