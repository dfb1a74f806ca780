"""Content-Security-Policy: the header, its nonce and template hashes; and in a real browser (chromium), that the
pages work under the policy (no violation reported, the hashed inline handlers still run) and that the stored XSS
vectors never run.

The browser test loads pages from an invented origin (``http://xxgk.test``) whose requests Playwright hands to
Django's test client (:func:`serve`), so the pages come with exactly the headers the application sends, under the
test's own settings (the CSP middleware switched on), inside the test's database transaction.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client, override_settings

import xxgk.web
from tests.security.world import World, build_world
from xxgk.web.security.checks import CSP_MIDDLEWARE
from xxgk.web.security.csp import (
    HEADER,
    REPORT_ONLY_HEADER,
    dynamic_inline_code,
    inline_snippets,
    is_email_template,
    policy,
    source_hash,
    template_hashes,
    template_sources,
)
from xxgk.web.tenancy.models import Body

pytestmark = pytest.mark.django_db

ORIGIN = "http://xxgk.test"
CHROMIUM = os.environ.get("XXGK_CHROMIUM", "/usr/bin/chromium")


def with_csp() -> list[str]:
    """MIDDLEWARE with the CSP middleware right after SecurityMiddleware (where settings.py installs it; these tests
    hold the policy to account even where a deployment's settings left it out)."""
    middleware = [m for m in settings.MIDDLEWARE if m != CSP_MIDDLEWARE]
    at = middleware.index("django.middleware.security.SecurityMiddleware") + 1
    return [*middleware[:at], CSP_MIDDLEWARE, *middleware[at:]]


@pytest.fixture
def world(org: dict[str, Body], users: dict[str, User]) -> World:
    return build_world(org, users)


def directives(header: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


@override_settings(MIDDLEWARE=with_csp())
def test_every_response_carries_the_policy_with_a_fresh_nonce(world: World) -> None:
    client = Client()
    client.force_login(world.users["bq_clerk"])
    first, second = client.get("/cases/"), client.get("/cases/")
    policy = directives(first[HEADER])
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    nonces = [re.search(r"'nonce-([^']+)'", r[HEADER]) for r in (first, second)]
    assert nonces[0] is not None and nonces[1] is not None
    assert nonces[0].group(1) != nonces[1].group(1)
    assert first.wsgi_request.csp_nonce == nonces[0].group(1)  # type: ignore[attr-defined]
    # JSON and downloads too; the public site and the API alike
    for url in ("/api/v1/outcomes", "/open/", "/cases/export.csv", "/healthz/"):
        assert HEADER in client.get(url), url


@override_settings(MIDDLEWARE=with_csp(), XXGK_CSP_REPORT_ONLY=True)
def test_report_only_mode(world: World) -> None:
    response = Client().get("/open/")
    assert REPORT_ONLY_HEADER in response and HEADER not in response


def test_no_page_template_has_inline_code() -> None:
    """Every handler and style of the pages lives in a static file (xxgk/security/behaviours.js, xxgk/app.css):
    nothing inline is blocked, nothing needs a hash, and the policy allows no inline code but the nonce's."""
    assert dynamic_inline_code(template_sources()) == []
    assert template_hashes() == ((), ())
    policy_ = directives(policy("abc"))
    assert policy_["script-src"] == ["'self'", "'nonce-abc'"]
    assert policy_["style-src"] == ["'self'", "'nonce-abc'"]


def test_a_static_inline_handler_would_be_allowed_by_its_hash(monkeypatch: pytest.MonkeyPatch) -> None:
    """The hashes are still collected (a template may one day need a fixed inline handler): only its exact text."""
    monkeypatch.setattr(
        "xxgk.web.security.csp.template_sources",
        lambda: {"x.html": '<button onclick="window.print()"><p style="color: red">'},
    )
    template_hashes.cache_clear()
    try:
        policy_ = directives(policy("abc"))
    finally:
        template_hashes.cache_clear()
    assert policy_["script-src"] == ["'self'", "'nonce-abc'", "'unsafe-hashes'", source_hash("window.print()")]
    assert policy_["style-src"] == ["'self'", "'nonce-abc'", "'unsafe-hashes'", source_hash("color: red")]


def test_e_mail_templates_are_not_pages() -> None:
    """An e-mail body keeps its inline styles (mail clients ignore stylesheets) and is not scanned for the policy."""
    assert is_email_template("cases/email/digest.html") and not is_email_template("cases/case_detail.html")
    digest = Path(xxgk.web.__file__).parent / "templates" / "cases" / "email" / "digest.html"
    assert inline_snippets([digest.read_text(encoding="utf-8")])[1]  # it has inline styles …
    assert "cases/email/digest.html" not in template_sources()  # … and stays out of the policy
    assert "cases/case_detail.html" in template_sources()


def test_snippets_with_template_syntax_are_not_hashed() -> None:
    scripts, styles = inline_snippets(
        [
            '<button onclick="go(&#39;x&#39;)">',
            '<a onclick="go({{ value }})">',
            '<div style="color: red">',
            "<script>var a = 1;</script>",
            '<script src="/static/x.js"></script>',
            '<script type="application/json">{"a": 1}</script>',
            "<script>{{ data }}</script>",
        ]
    )
    assert scripts == {"go('x')", "var a = 1;"}
    assert styles == {"color: red"}


# -- in the browser ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        if os.environ.get("CI"):
            pytest.fail(f"chromium not found at {CHROMIUM}")
        pytest.skip(f"chromium not found at {CHROMIUM}")
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:  # the browser tests' session-wide Playwright already runs in this worker process; a second cannot start
        if os.environ.get("XXGK_OWN_PLAYWRIGHT"):
            pytest.fail("another Playwright session runs in this process although the run was meant to be on its own")
        # scripts/test.sh leaves these tests (marker own_playwright) out of the main run and runs them on their own.
        pytest.skip("another Playwright session runs in this process (run tests/security/test_csp.py on its own)")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the route handler calls Django in Playwright's loop
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # While Playwright's event loop runs, Django sees "async" code everywhere in this thread and would open new
    # database connections (outside the test's transaction, which they would see nothing of and commit around):
    # the test's own connection is installed in that context too (and in the route handler's, see serve()).
    connection = connections["default"]
    with sync_playwright() as p:
        connections["default"] = connection
        launched = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"])
        yield launched
        launched.close()


def serve(client: Client) -> Any:
    """A Playwright route handler answering ``ORIGIN`` requests with Django's responses. The handler runs in
    Playwright's event-loop context, where Django would open a second database connection (outside the test's
    transaction, and locked out by it on SQLite): it is handed the test's own connection instead."""
    from django.db import connections

    connection = connections["default"]

    def handle(route: Any) -> None:
        connections["default"] = connection
        request = route.request
        path = request.url.removeprefix(ORIGIN) or "/"
        if request.method == "POST":
            response = client.post(path, request.post_data or "", content_type=request.headers.get("content-type"))
        else:
            response = client.get(path)
        body = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
        headers = dict(response.items())
        route.fulfill(status=response.status_code, headers=headers, body=body)

    return handle


class Visit:
    """One browser context signed in as a user, collecting CSP violations and dialogs (``alert(1)``)."""

    def __init__(self, browser: Any, client: Client) -> None:
        self.context = browser.new_context(locale="zh-CN")
        self.context.route(f"{ORIGIN}/**", serve(client))
        self.page = self.context.new_page()
        self.violations: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", self._console)
        self.page.on("dialog", self._dialog)

    def _console(self, message: Any) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.violations.append(message.text)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, path: str) -> Any:
        response = self.page.goto(ORIGIN + path)
        self.page.wait_for_load_state("load")
        return response


def pages(world: World) -> dict[str, list[str]]:
    b, ids, code = world.org["baqiao"].pk, world.ids, world.org["baqiao"].code
    return {
        "bq_clerk": [
            "/cases/",
            f"/cases/{ids['case']}/",
            f"/cases/{ids['case']}/edit/",
            f"/proactive/{ids['item']}/",
            f"/registers/documents/{ids['document']}/",
            f"/litigation/{ids['remedy']}/",
            f"/portal/inbox/{ids['submission']}/",
            f"/jobs/{ids['job']}/",
            f"/reports/{b}/2026/",
            "/api/tokens/",
            "/calendar/2026/",
        ],
        "qu_admin": [f"/oversight/external/{ids['external_report']}/", "/security/lockouts/"],
        "": ["/open/", f"/open/{code}/items/{ids['published_item']}/", f"/open/{code}/guide/", f"/portal/apply/{code}/",
             "/accounts/login/", "/api/docs"],
    }  # fmt: skip


@override_settings(MIDDLEWARE=with_csp())
@pytest.mark.own_playwright
def test_pages_work_under_the_policy_and_the_vectors_never_run(chromium: Any, world: World) -> None:
    for username, paths in pages(world).items():
        client = Client(raise_request_exception=False)
        if username:
            client.force_login(world.users[username])
        visit = Visit(chromium, client)
        try:
            for path in paths:
                response = visit.open(path)
                assert response is not None and response.status < 400, f"{username}: {path}"
                assert HEADER.lower() in {k.lower() for k in response.headers}, path
            assert visit.violations == [], f"{username}: {visit.violations}"
            assert visit.dialogs == [], f"{username}: a stored vector ran: {visit.dialogs}"
        finally:
            visit.context.close()


@override_settings(MIDDLEWARE=with_csp())
@pytest.mark.own_playwright
def test_deleting_a_document_still_asks_first(chromium: Any, world: World) -> None:
    """The delete button's confirmation (``data-confirm``, run by behaviours.js from base.html) still asks."""
    client = Client(raise_request_exception=False)
    client.force_login(world.users["bq_clerk"])
    visit = Visit(chromium, client)
    try:
        visit.open(f"/registers/documents/{world.ids['document']}/")
        visit.page.click("form[action$='/delete/'] button[type=submit]")
        visit.page.wait_for_timeout(300)
        assert visit.dialogs == ["确定删除这件文件吗？"]  # dismissed: nothing deleted
        assert visit.violations == []
    finally:
        visit.context.close()


@override_settings(MIDDLEWARE=with_csp())
@pytest.mark.own_playwright
def test_the_pages_that_had_inline_code_work_under_the_policy(chromium: Any, world: World) -> None:
    """The handlers moved out of the templates still work on their real pages: a new API token is selected on a
    click, the status printout prints, the portal form's honeypot stays off-screen (its box is now a class)."""
    from xxgk.web.portal.services import access_code_issue

    _, code = access_code_issue(actor=world.users["bq_clerk"], case_id=world.ids["case"])
    client = Client(raise_request_exception=False)
    client.force_login(world.users["bq_clerk"])
    visit = Visit(chromium, client)
    visit.context.add_init_script("window.print = function () { window.__printed = true; };")
    try:
        visit.open("/api/tokens/")
        visit.page.fill("input[name=name]", "数据交换")
        visit.page.click("main form.stacked button[type=submit]")
        visit.page.wait_for_load_state("load")
        secret = visit.page.input_value("#api-secret-value")
        assert len(secret) > 20
        visit.page.click("#api-secret-value")
        selected = visit.page.evaluate(
            "(() => { const f = document.getElementById('api-secret-value');"
            " return f.value.substring(f.selectionStart, f.selectionEnd); })()"
        )
        assert selected == secret

        visit.open("/portal/status/")
        visit.page.fill("input[name=code]", code)
        visit.page.click("main form.stacked button[type=submit]")
        visit.page.wait_for_load_state("load")
        with visit.context.expect_page() as opened:  # the printable version opens in a new tab
            visit.page.click("form[target=_blank] button[type=submit]")
        printout = opened.value
        printout.on("console", visit._console)
        printout.wait_for_load_state("load")
        assert printout.evaluate("window.__printed") is None
        printout.click("button[data-print]")
        assert printout.evaluate("window.__printed") is True

        visit.open(f"/portal/apply/{world.org['baqiao'].code}/")
        box = visit.page.locator("input[name=homepage]").bounding_box()
        assert box is not None and box["x"] + box["width"] < 0  # off-screen without an inline style
        assert visit.violations == []
        assert visit.dialogs == []
    finally:
        visit.context.close()


def _page(body: str) -> Any:
    """A one-page URL configuration answering ``body`` at /page/ (with the project's static files)."""
    from django.http import HttpResponse
    from django.urls import path as url_path

    def view(request: Any) -> HttpResponse:
        return HttpResponse(f"<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>{body}</body></html>")

    return type("urls", (), {"urlpatterns": [url_path("page/", view)]})


@override_settings(MIDDLEWARE=with_csp())
@pytest.mark.own_playwright
def test_the_behaviours_script_replaces_inline_handlers(chromium: Any) -> None:
    """``data-confirm``, ``data-print`` and ``data-select-on-click`` work under the policy, with no inline code."""
    script = '<script src="/static/xxgk/security/behaviours.js"></script>'
    body = (
        '<form method="post" action="/page/" data-confirm="确定删除吗？"><button id="delete">删除</button></form>'
        '<button id="print" data-print type="button">打印</button>'
        '<input id="token" data-select-on-click value="abc123" readonly>' + script
    )
    with override_settings(ROOT_URLCONF=_page(body)):
        visit = Visit(chromium, Client(raise_request_exception=False))
        try:
            visit.page.add_init_script("window.print = function () { window.__printed = true; };")
            visit.open("/page/")
            visit.page.click("#delete")
            visit.page.wait_for_timeout(200)
            assert visit.dialogs == ["确定删除吗？"]
            visit.page.click("#print")
            assert visit.page.evaluate("window.__printed === true")
            visit.page.click("#token")
            assert visit.page.evaluate("window.getSelection().toString() || document.activeElement.selectionEnd") in (
                "abc123",
                6,
            )
            assert visit.violations == []
        finally:
            visit.context.close()


@override_settings(MIDDLEWARE=with_csp())
@pytest.mark.own_playwright
def test_an_injected_script_is_blocked(chromium: Any) -> None:
    """Defence in depth: markup that slipped through escaping (simulated by a page written here) would not run:
    it has no nonce and its text matches no template hash."""
    with override_settings(ROOT_URLCONF=_page("<script>alert(1)</script><img src=x onerror=alert(2)>")):
        visit = Visit(chromium, Client(raise_request_exception=False))
        try:
            visit.open("/page/")
            visit.page.wait_for_timeout(300)
            assert visit.dialogs == []
            assert len(visit.violations) == 2, visit.violations  # the script and the handler
        finally:
            visit.context.close()
