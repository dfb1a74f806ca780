"""``manage.py xxgk_jobs``: self-test, list, show, work (a worker without Celery), sweep, purge."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests.web.jobs.conftest import Enqueue
from xxgk.web.jobs.models import Job, JobStatus

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = StringIO()
    call_command("xxgk_jobs", *args, stdout=out)
    return out.getvalue()


def test_selftest_list_and_show(users: Any) -> None:
    out = _run("selftest", "--items", "3")
    job = Job.objects.get()
    assert f"已提交自检任务 #{job.pk}（运行方式：eager）" in out and "自检通过：3 项" in out
    assert f"#{job.pk}" in _run("list") and "[已完成]" in _run("list", "--status", "succeeded")
    assert _run("list", "--status", "failed") == ""
    shown = _run("show", str(job.pk))
    assert "队列自检" in shown and "结果：{'items': 3}" in shown
    with pytest.raises(CommandError, match="不存在"):
        _run("show", str(job.pk + 1))


def test_work_runs_what_is_queued(enqueue: Enqueue, settings: Any) -> None:
    settings.XXGK_JOBS_MODE = "thread"  # queued on commit, which never comes inside the test
    jobs = [enqueue(params={"items": n}) for n in (1, 2)]
    assert all(j.status == JobStatus.QUEUED for j in jobs)
    out = _run("work", "--once")
    for job in jobs:
        job.refresh_from_db()
        assert job.status == JobStatus.SUCCEEDED and job.worker.endswith(":command")
        assert f"#{job.pk}" in out


def test_sweep_and_purge(enqueue: Enqueue, settings: Any) -> None:
    settings.XXGK_JOBS_MODE = "thread"
    job = enqueue()
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, heartbeat_at=timezone.now() - timedelta(hours=1), claim_token="x"
    )
    assert "重新排队 1 个" in _run("sweep")
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
    Job.objects.filter(pk=job.pk).update(status=JobStatus.SUCCEEDED, finished_at=timezone.now() - timedelta(days=40))
    recent = enqueue()
    assert "已删除 1 个任务" in _run("purge", "--days", "30")
    assert list(Job.objects.values_list("pk", flat=True)) == [recent.pk]
    with pytest.raises(CommandError):
        _run("purge", "--days", "0")
