"""The job framework in-process: idempotent enqueueing, claiming, per-item results that a retry skips, stale
jobs re-queued and resumed, cancellation, failures reported to the starter."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests.web.jobs.conftest import Enqueue, result_of
from xxgk.web.audit.codes import AuditCode
from xxgk.web.audit.models import AuditEvent
from xxgk.web.jobs.models import Job, JobItem, JobStatus
from xxgk.web.jobs.registry import JobError, JobLost, job_kind
from xxgk.web.jobs.runner import (
    INTERNAL_ERROR,
    Progress,
    RunOutcome,
    claim,
    jobs_sweep,
    run_job,
)
from xxgk.web.jobs.services import JobInput, job_cancel, job_enqueue, job_retry

pytestmark = pytest.mark.django_db


def test_eager_enqueue_runs_the_job_and_records_every_item(enqueue: Enqueue, users: dict[str, User]) -> None:
    job = enqueue(params={"items": 4})
    assert job.status == JobStatus.SUCCEEDED and job.attempts == 1
    assert (job.done, job.total) == (4, 4) and job.percent == 100
    assert job.result == {"items": 4}
    keys = list(job.items.order_by("position").values_list("key", flat=True))
    assert keys == [f"{i:05d}" for i in range(4)]
    assert job.started_by == users["bq_clerk"] and job.finished_at is not None and job.worker.endswith(":eager")
    submitted = AuditEvent.objects.get(code=AuditCode.JOB_SUBMITTED, object_id=str(job.pk))
    assert submitted.actor == users["bq_clerk"] and submitted.body_id == job.body_id


def test_enqueue_with_the_same_key_returns_the_same_job(enqueue: Enqueue, thread_mode: None) -> None:
    first = enqueue(key="k-1")
    again = enqueue(key="k-1", params={"items": 99})
    assert again.pk == first.pk and again.params == {"items": 3}
    other = enqueue(key="k-2")
    assert other.pk != first.pk
    assert Job.objects.count() == 2
    assert AuditEvent.objects.filter(code=AuditCode.JOB_SUBMITTED).count() == 2


def test_enqueue_refuses_an_unknown_kind_and_non_json_params(enqueue: Enqueue) -> None:
    with pytest.raises(JobError, match="未知的任务类型"):
        enqueue(kind="no_such_kind")
    with pytest.raises(TypeError):
        enqueue(params={"when": object()})
    assert Job.objects.count() == 0


def test_inputs_get_unique_names(enqueue: Enqueue, thread_mode: None) -> None:
    job = enqueue(
        inputs=[JobInput("a.txt", b"1"), JobInput("dir/a.txt", b"22"), JobInput("a.txt", b"333"), JobInput("b", b"")]
    )
    files = list(job.files.order_by("id").values_list("name", "size"))
    assert files == [("a.txt", 1), ("a (2).txt", 2), ("a (3).txt", 3), ("b", 0)]


def test_only_one_runner_claims_a_job(enqueue: Enqueue, thread_mode: None) -> None:
    job = enqueue()
    assert job.status == JobStatus.QUEUED
    assert claim(job.pk, token="a" * 32, worker="w1")
    assert not claim(job.pk, token="b" * 32, worker="w2")
    assert run_job(job.pk, worker="w3") is RunOutcome.BUSY
    job.refresh_from_db()
    assert (job.status, job.worker, job.attempts, job.claim_token) == (JobStatus.RUNNING, "w1", 1, "a" * 32)


def test_a_stale_runner_is_taken_over_and_can_no_longer_write(enqueue: Enqueue, thread_mode: None) -> None:
    job = enqueue()
    assert claim(job.pk, token="a" * 32, worker="dead")
    job.refresh_from_db()
    old = Progress(job, token="a" * 32, worker="dead")
    old.item("00000", position=0)  # the first worker got one item done
    assert not claim(job.pk, token="b" * 32, worker="w2")  # its heartbeat is fresh
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
    assert claim(job.pk, token="b" * 32, worker="w2")
    with pytest.raises(JobLost):
        old.item("00001", position=1)
    with pytest.raises(JobLost):
        old.note("still here")
    assert JobItem.objects.filter(job=job).count() == 1


def test_a_job_killed_mid_way_is_requeued_and_resumes_without_redoing_items(enqueue: Enqueue, settings: Any) -> None:
    settings.XXGK_JOBS_MODE = "thread"
    job = enqueue(params={"items": 6})
    # a worker claims it, records three items, and dies (no heartbeat, no end)
    assert claim(job.pk, token="d" * 32, worker="killed-worker")
    job.refresh_from_db()
    dead = Progress(job, token="d" * 32, worker="killed-worker")
    dead.set_total(6)
    for i in range(3):
        assert dead.item(f"{i:05d}", position=i)
    assert jobs_sweep().requeued == []  # alive as far as anyone can tell
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=10))
    settings.XXGK_JOBS_MODE = "eager"  # the sweep sends it again: here it runs at once
    swept = jobs_sweep()
    assert swept.requeued == [job.pk] and swept.redispatched == [job.pk]
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.attempts == 2 and job.done == 6
    items = list(job.items.order_by("position").values_list("key", "worker", "attempt"))
    assert [k for k, _, _ in items] == [f"{i:05d}" for i in range(6)]  # each item exactly once
    assert {(w, a) for _, w, a in items[:3]} == {("killed-worker", 1)}
    assert all(a == 2 and w != "killed-worker" for _, w, a in items[3:])
    assert AuditEvent.objects.filter(code=AuditCode.JOB_REQUEUED, object_id=str(job.pk)).count() == 1


def test_an_item_is_never_recorded_twice(enqueue: Enqueue, thread_mode: None) -> None:
    job = enqueue()
    assert claim(job.pk, token="t" * 32, worker="w")
    job.refresh_from_db()
    progress = Progress(job, token="t" * 32, worker="w")
    assert progress.item("x", result={"n": 1})
    assert not progress.item("x", result={"n": 2})
    job.refresh_from_db()
    assert job.done == 1 and JobItem.objects.get(job=job, key="x").result == {"n": 1}
    with pytest.raises(IntegrityError), transaction.atomic():
        JobItem.objects.create(job=job, key="x")


def test_a_job_that_keeps_dying_is_failed_after_its_attempts(enqueue: Enqueue, settings: Any) -> None:
    settings.XXGK_JOBS_MODE = "thread"
    job = enqueue(max_attempts=2)
    for n in range(2):
        Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
        assert claim(job.pk, token=str(n) * 32, worker=f"dies-{n}")
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
    assert run_job(job.pk, worker="third") is RunOutcome.DONE
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.attempts == 3
    assert "已停止重试" in job.error


def test_a_user_error_fails_the_job_and_tells_the_starter(enqueue: Enqueue, users: dict[str, User]) -> None:
    users["bq_clerk"].email = "clerk@example.org"
    users["bq_clerk"].save()
    job = enqueue(params={"items": 4, "fail_at": 2})
    assert job.status == JobStatus.FAILED
    assert job.error == "自检任务按要求在第 3 项失败" and job.error_detail == ""
    assert job.done == 2 and not job.failure_seen
    event = AuditEvent.objects.get(code=AuditCode.JOB_FAILED, object_id=str(job.pk))
    assert event.new is not None and event.new["error"] == job.error and event.body_id == job.body_id
    (message,) = mail.outbox
    assert message.to == ["clerk@example.org"]
    assert f"#{job.pk}" in message.subject and job.error in message.body and f"/jobs/{job.pk}/" in message.body


def test_an_unexpected_exception_shows_a_generic_message_and_keeps_the_traceback(enqueue: Enqueue) -> None:
    job = enqueue(params={"items": 3, "crash_at": 1})
    assert job.status == JobStatus.FAILED
    assert job.error == INTERNAL_ERROR.format(id=job.pk)
    assert "RuntimeError: selftest crash at item 1" in job.error_detail and "Traceback" in job.error_detail
    assert "Traceback" not in job.error
    assert not mail.outbox  # the clerk has no e-mail address


def test_retry_resumes_a_failed_job(enqueue: Enqueue, users: dict[str, User]) -> None:
    job = enqueue(params={"items": 4, "fail_at": 2})
    assert job.status == JobStatus.FAILED and job.done == 2
    Job.objects.filter(pk=job.pk).update(params={"items": 4})  # the cause is fixed
    job = job_retry(actor=users["bq_reviewer"], job_id=job.pk)
    assert job.status == JobStatus.SUCCEEDED and job.done == 4 and job.error == ""
    assert sorted(job.items.values_list("attempt", flat=True)) == [1, 1, 1, 1]  # attempts restart at 1
    assert AuditEvent.objects.filter(code=AuditCode.JOB_RETRIED, actor=users["bq_reviewer"]).count() == 1
    with pytest.raises(JobError, match="只有失败或已取消的任务可以重试"):
        job_retry(actor=users["bq_clerk"], job_id=job.pk)


def test_cancel_a_queued_job(enqueue: Enqueue, users: dict[str, User], thread_mode: None) -> None:
    job = enqueue()
    job = job_cancel(actor=users["bq_head"], job_id=job.pk)
    assert job.status == JobStatus.CANCELLED and job.finished_at is not None
    assert run_job(job.pk) is RunOutcome.FINISHED  # a message still in the queue finds it ended
    assert AuditEvent.objects.filter(code=AuditCode.JOB_CANCELLED, actor=users["bq_head"]).count() == 1
    with pytest.raises(JobError, match="任务已结束"):
        job_cancel(actor=users["bq_clerk"], job_id=job.pk)


def test_cancel_a_running_job_stops_it_at_the_next_item(enqueue: Enqueue) -> None:
    job = enqueue(kind="test_cancel_midway", params={})
    assert job.status == JobStatus.CANCELLED
    assert job.done == 2 and job.result is None


def test_others_cannot_cancel_or_retry(enqueue: Enqueue, users: dict[str, User], thread_mode: None) -> None:
    from django.core.exceptions import PermissionDenied

    job = enqueue()
    for name in ("td_clerk", "qu_viewer", "nobody"):
        with pytest.raises(PermissionDenied):
            job_cancel(actor=users[name], job_id=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED


def test_a_database_failure_under_a_job_queues_it_again(enqueue: Enqueue, settings: Any) -> None:
    settings.XXGK_JOBS_MODE = "thread"
    job = enqueue(kind="test_database_gone", params={})
    assert run_job(job.pk, worker="w") is RunOutcome.REQUEUED
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and job.attempts == 1 and job.error == ""
    assert job.items.count() == 1


def test_lost_messages_are_sent_again_but_run_once(enqueue: Enqueue, settings: Any) -> None:
    settings.XXGK_JOBS_MODE = "thread"
    job = enqueue(params={"items": 2})
    Job.objects.filter(pk=job.pk).update(dispatched_at=timezone.now() - timedelta(hours=2))
    settings.XXGK_JOBS_MODE = "eager"
    assert jobs_sweep().redispatched == [job.pk]
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.attempts == 1
    assert run_job(job.pk) is RunOutcome.FINISHED
    assert jobs_sweep().redispatched == []


def test_a_kind_registered_twice_is_refused() -> None:
    def again(job: Job, progress: Progress) -> None:
        return None

    with pytest.raises(ValueError, match="already registered"):
        job_kind("selftest", label="x")(again)


def test_the_celery_task_runs_the_job_and_names_the_worker(enqueue: Enqueue, thread_mode: None) -> None:
    from xxgk.web.jobs.tasks import run_job_task

    job = enqueue(params={"items": 2})
    outcome = run_job_task.apply(args=[job.pk]).get()
    assert outcome == RunOutcome.DONE.value
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.worker
    assert run_job_task.apply(args=[job.pk]).get() == RunOutcome.FINISHED.value


def test_the_scheduled_digest_is_queued_once_a_day(users: dict[str, User]) -> None:
    from xxgk.web.jobs.tasks import enqueue_digest_task

    first = enqueue_digest_task.apply().get()
    second = enqueue_digest_task.apply().get()
    assert first == second
    job = Job.objects.get(pk=first)
    assert job.kind == "digest" and job.key == f"digest:{timezone.localdate().isoformat()}"
    assert job.status == JobStatus.SUCCEEDED and job.result is not None and result_of(job)["failed"] == []


def test_thread_mode_runs_the_job_after_commit(clear_append_only_tables: None, settings: Any) -> None:
    import time

    settings.XXGK_JOBS_MODE = "thread"
    user = User.objects.create_user(username=f"u{uuid.uuid4().hex[:8]}")
    job = job_enqueue(kind="selftest", params={"items": 3}, actor=user, body=None)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.finished:
            break
        time.sleep(0.05)
    assert job.status == JobStatus.SUCCEEDED and job.done == 3
    assert job.worker.endswith(":thread") and job.dispatched_at is not None
