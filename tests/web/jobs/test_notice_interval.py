"""The failure notice looks for failed jobs at most every NOTICE_INTERVAL seconds per session, and at once after a
POST: a failure is told within that time, and pages in between cost no query for it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.web.jobs.conftest import Enqueue
from xxgk.web.jobs import middleware
from xxgk.web.jobs.models import JobStatus

pytestmark = pytest.mark.django_db

Login = Callable[[str], Client]
NOTICE = "未能完成"


class Clock:
    """The middleware's clock, moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    c = Clock()
    monkeypatch.setattr(middleware, "clock", c)
    return c


def _looks(client: Client) -> bool:
    """Whether a page of ``client`` looked for failed jobs (the query on jobs_job)."""
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/cases/").status_code == 200
    return any('FROM "jobs_job"' in q["sql"] for q in ctx.captured_queries)


def test_a_failure_is_told_once_the_interval_has_passed(enqueue: Enqueue, login: Login, clock: Clock) -> None:
    client = login("bq_clerk")
    assert _looks(client)  # the session's first page looks
    clock.now += 1
    assert not _looks(client)  # and the next ones do not, within the interval
    job = enqueue(params={"items": 2, "fail_at": 0})
    assert job.status == JobStatus.FAILED
    assert NOTICE not in client.get("/cases/").content.decode()
    clock.now += middleware.NOTICE_INTERVAL
    assert f"（#{job.pk}）{NOTICE}" in client.get("/cases/").content.decode()
    clock.now += middleware.NOTICE_INTERVAL
    assert NOTICE not in client.get("/cases/").content.decode()  # told once


def test_the_page_after_a_post_looks_at_once(enqueue: Enqueue, login: Login, clock: Clock) -> None:
    client = login("bq_clerk")
    assert _looks(client)
    job = enqueue(params={"items": 2, "fail_at": 0})
    assert client.post("/cases/new/", {}).status_code == 200  # any POST of the session (here a refused form)
    assert f"（#{job.pk}）{NOTICE}" in client.get("/cases/").content.decode()


def test_each_session_looks_for_itself(login: Login, users: dict[str, User], clock: Clock) -> None:
    first = login("bq_clerk")
    assert _looks(first)
    other = Client()
    other.force_login(users["bq_clerk"])
    assert _looks(other)  # another sign-in of the same user looks at once
    assert not _looks(first) and not _looks(other)
