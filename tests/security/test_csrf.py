"""CSRF: every route refuses a POST without a CSRF token (the refusal is Django's CSRF check itself, recognised
through a test failure view, not a permission error that happens to share the status); no route writes on GET;
the REST API takes no session cookie (its bearer tokens cannot be sent by another site), so it needs no token."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings

from tests.security.test_authz_matrix import _only_added, api_operations, requests, rows_of_baqiao
from tests.security.world import World, build_world
from xxgk.web.tenancy.models import Body

pytestmark = pytest.mark.django_db

REFUSED = b"CSRF-REFUSED-BY-THE-MIDDLEWARE"


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """The failure view used by these tests: recognisable, whatever the project's own failure page says."""
    return HttpResponse(REFUSED, status=403)


#: Routes that are not protected by the CSRF check, with the reason it is safe.
EXEMPT: dict[str, str] = {}


@pytest.fixture
def world(org: dict[str, Body], users: dict[str, User]) -> World:
    return build_world(org, users)


@pytest.mark.parametrize("username", ["bq_clerk", "bq_head", "bq_admin", "qu_admin", None])
@override_settings(CSRF_FAILURE_VIEW="tests.security.test_csrf.csrf_failure")
def test_every_post_without_a_token_is_refused(world: World, username: str | None) -> None:
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    if username is not None:
        client.force_login(world.users[username])
    before = rows_of_baqiao()
    for name, method, url, _about in requests(world):
        if method != "post" or name in EXEMPT:
            continue
        response = client.post(url, {"on": "2026-03-20", "reason": "x", "decision": "approve"})
        assert response.status_code == 403 and response.content == REFUSED, f"{username}: POST {url} ({name})"
    assert _only_added(before, rows_of_baqiao()) == []


@override_settings(CSRF_FAILURE_VIEW="tests.security.test_csrf.csrf_failure")
def test_a_post_with_the_token_passes_the_check(world: World) -> None:
    """The refusals above are about the token: the same client with the token gets through to the view."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["bq_clerk"])
    client.get("/cases/new/")  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.post("/cases/new/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 200 and response.content != REFUSED  # the form, with its errors


@pytest.mark.parametrize("username", ["bq_clerk", "bq_head", "bq_admin", "qu_admin", None])
def test_no_route_writes_on_get(world: World, username: str | None) -> None:
    """A GET never changes data (CSRF protection only covers POST)."""
    client = Client(raise_request_exception=False)
    if username is not None:
        client.force_login(world.users[username])
    before = rows_of_baqiao()
    for name, method, url, _about in requests(world):
        if method == "get":
            assert client.get(url).status_code < 500, f"{username}: GET {url} ({name})"
    assert _only_added(before, rows_of_baqiao()) == []


def test_the_api_ignores_session_cookies(world: World) -> None:
    """A signed-in browser's cookie gives no access to the API (so a forged cross-site request gets nothing)."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["bq_clerk"])
    checked = 0
    for method, path, op in api_operations():
        if "{" in path or op.get("security") is None:
            continue  # public operations need no sign-in at all
        if method == "get":
            response = client.get(path)
        else:
            response = getattr(client, method)(path, data="{}", content_type="application/json")
        assert response.status_code == 401, f"{method.upper()} {path}"
        checked += 1
    assert checked >= 5
