"""Fixtures of the job tests: jobs run synchronously (eager mode, the default under pytest) unless a test
switches the mode; a few test-only job kinds are registered here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User

from tests.web.append_only import clear_append_only_tables  # noqa: F401 - a fixture of these tests
from xxgk.web.jobs.models import Job, JobItem
from xxgk.web.jobs.registry import job_kind
from xxgk.web.jobs.runner import Progress
from xxgk.web.jobs.services import job_enqueue
from xxgk.web.tenancy.models import Body

Enqueue = Callable[..., Job]


def result_of(obj: Job | JobItem) -> dict[str, Any]:
    """The JSON result of a job or an item (a dict in these tests)."""
    assert isinstance(obj.result, dict), obj.result
    return obj.result


@job_kind("test_cancel_midway", label="测试：中途取消")
def _cancel_midway(job: Job, progress: Progress) -> dict[str, Any]:
    progress.set_total(5)
    for i in range(5):
        if i == 2:  # someone presses 取消 while the job runs
            Job.objects.filter(pk=job.pk).update(cancel_requested=True)
        progress.item(str(i), position=i)
    return {"never": True}


@job_kind("test_database_gone", label="测试：数据库中断")
def _database_gone(job: Job, progress: Progress) -> None:
    from django.db import OperationalError

    progress.item("first", position=0)
    raise OperationalError("server closed the connection unexpectedly")


@pytest.fixture
def enqueue(users: dict[str, User], org: dict[str, Body]) -> Enqueue:
    """Queue a job as 八桥镇's clerk (keyword arguments override)."""

    def make(kind: str = "selftest", params: dict[str, Any] | None = None, **kwargs: Any) -> Job:
        kwargs.setdefault("actor", users["bq_clerk"])
        kwargs.setdefault("body", org["baqiao"])
        return job_enqueue(kind=kind, params=params if params is not None else {"items": 3}, **kwargs)

    return make


@pytest.fixture
def thread_mode(settings: Any) -> None:
    """Jobs are sent to the in-process pool on commit: inside a test's transaction they stay queued."""
    settings.XXGK_JOBS_MODE = "thread"
