"""Browser tests: Playwright driving Debian's chromium (``/usr/bin/chromium``; no browser download) against
Django's ``live_server``.

The sync Playwright API runs an event loop in the test thread, so Django's ORM calls made by the test itself
would be refused as "async unsafe"; ``DJANGO_ALLOW_ASYNC_UNSAFE`` lifts that for these tests only (the server
runs in its own thread). Tests are skipped, not failed, when chromium is not installed, except under CI.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from tests.web.append_only import empty_append_only_tables
from tests.web.conftest import PASSWORD, login, org, registration, users  # noqa: F401

CHROMIUM = os.environ.get("XXGK_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is not None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not _chromium_available():
        if os.environ.get("CI"):
            pytest.fail(f"chromium not found at {CHROMIUM}; scripts/setup.sh installs it")
        pytest.skip(f"chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A fresh browser context (own cookies) with Chinese locale; ``page.base`` is the live server's URL."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.base = live_server.url
    yield page
    context.close()


@pytest.fixture
def sign_in(browser: Any, live_server: Any) -> Callable[[Any, str], None]:
    """``sign_in(page, username)`` logs in through the login form (password is the fixtures' ``PASSWORD``)."""

    def do(page: Any, username: str) -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.click("main button[type=submit], main input[type=submit]")
        page.wait_for_load_state()

    return do


@pytest.fixture(autouse=True)
def clear_append_only_tables(transactional_db: None) -> Iterator[None]:
    """Every browser test is transactional (``live_server``): after each, the append-only tables are emptied so
    that its flush can run."""
    yield
    empty_append_only_tables()


@pytest.fixture
def new_page(browser: Any, live_server: Any) -> Iterator[Callable[[], Any]]:
    """Pages in fresh browser contexts (own cookies): one per person of the story."""
    contexts: list[Any] = []

    def make() -> Any:
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(30_000)
        contexts.append(context)
        page = context.new_page()
        page.base = live_server.url
        return page

    yield make
    for context in contexts:
        context.close()
