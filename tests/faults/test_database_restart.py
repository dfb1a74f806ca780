"""The database restarting under load: requests fail cleanly while it is gone and succeed again after.

A real installation (gunicorn, persistent database connections with health checks: ``XXGK_CONN_MAX_AGE=60`` and
``CONN_HEALTH_CHECKS``) serves a steady loop of requests from several clients — a signed-in clerk's work list, the
public site, the health endpoint. The shared PostgreSQL server is not restarted (other tests use it): its outage is
reproduced on the test's own database — new connections refused (``ALLOW_CONNECTIONS false``) and every existing
one killed (``pg_terminate_backend``), repeatedly, for a few seconds — which is what the application sees of a
restart or a fail-over.

Expected: while the database is gone, pages that need it answer 5xx with a plain page (no traceback, no driver
message), the health endpoint (no database) keeps answering 200, no worker dies; once the database is back, every
page answers 200 again within seconds, in the same processes (the killed connections are noticed and replaced).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import pytest

from tests.deploy.conftest import PASSWORD, PG_ADMIN_URL, Browser, Deployment, deployment, wait_until  # noqa: F401
from xxgk.web.config import urls as root_urls

OUTAGE_SECONDS = 4.0
LEAKS = ("Traceback", 'File "', "psycopg", "OperationalError", "server closed the connection", "/site-packages/")


@dataclass
class Hit:
    at: float
    path: str
    status: int
    body: bytes


def _answers(url: str) -> bool:
    try:
        return Browser().get(url)[0] == 200
    except OSError:  # not listening yet
        return False


def _load(browser: Browser, base: str, paths: list[str], stop: threading.Event, hits: list[Hit]) -> None:
    while not stop.is_set():
        for path in paths:
            try:
                status, _, body = browser.get(base + path)
            except OSError as exc:  # the server itself must stay up: recorded as a failure
                status, body = 0, str(exc).encode()
            hits.append(Hit(time.monotonic(), path, status, body))


def _outage(d: Deployment, seconds: float) -> None:
    """The database gone for ``seconds``: new connections refused, existing ones killed (several times). Run from
    the server's maintenance database (a connection to the test database itself would be refused too)."""
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{d.database}" WITH ALLOW_CONNECTIONS false')
        try:
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                    (d.database,),
                )
                time.sleep(0.3)
        finally:
            admin.execute(f'ALTER DATABASE "{d.database}" WITH ALLOW_CONNECTIONS true')


@pytest.mark.slow
def test_requests_fail_cleanly_and_recover(deployment: Deployment) -> None:  # noqa: F811
    d = deployment
    d.env["XXGK_CONN_MAX_AGE"] = "60"
    d.prepare()
    web, base = d.start_web("web")
    wait_until("the server", lambda: _answers(base + "/healthz/"), 60, d)
    clerk = Browser()
    clerk.login(base, "clerk", PASSWORD)
    assert clerk.get(base + "/cases/")[0] == 200

    hits: list[Hit] = []
    stop = threading.Event()
    loads = [
        threading.Thread(target=_load, args=(clerk, base, ["/cases/", "/healthz/"], stop, hits)),
        threading.Thread(target=_load, args=(Browser(), base, ["/open/", "/healthz/"], stop, hits)),
        threading.Thread(target=_load, args=(Browser(), base, ["/open/"], stop, hits)),
    ]
    for t in loads:
        t.start()
    try:
        time.sleep(1.5)
        outage_start = time.monotonic()
        _outage(d, OUTAGE_SECONDS)
        outage_end = time.monotonic()
        time.sleep(4.0)
    finally:
        stop.set()
        for t in loads:
            t.join(timeout=60)

    diagnostics = d.diagnostics()
    assert web.popen.poll() is None, f"the server died:\n{diagnostics}"
    assert hits, "no requests were made"
    for hit in hits:
        assert hit.status in (200, 500, 502, 503), (hit.path, hit.status, hit.body[:300])
        for leak in LEAKS:
            assert leak.encode() not in hit.body, (hit.path, hit.status, leak)
    during = [h for h in hits if outage_start + 0.5 < h.at < outage_end]
    failed = [h for h in during if h.path != "/healthz/" and h.status >= 500]
    assert failed, "requests needing the database should fail while it is gone"
    assert all(h.status == 200 for h in during if h.path == "/healthz/"), "the health endpoint needs no database"
    if getattr(root_urls, "handler500", None) == "xxgk.web.security.errors.server_error":
        assert all(h.status == 503 and "数据库暂时无法访问".encode() in h.body for h in failed)
    # recovered: after a short grace period, every request succeeds again
    after = [h for h in hits if h.at > outage_end + 1.5]
    assert after, "no requests after the outage"
    assert [h for h in after if h.status != 200] == [], [(h.path, h.status) for h in after if h.status != 200][:5]
    for path in ("/cases/", "/open/"):
        assert any(h.path == path for h in after), path
