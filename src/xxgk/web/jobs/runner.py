"""Running jobs: claiming a row, the progress object kinds write through, heartbeats, finishing, notifying, and
sending jobs to whatever runs them (Celery, a thread of the web process, or the caller itself).

Claiming is one conditional ``UPDATE … WHERE status='queued'`` (or a running job whose heartbeat is older than
``XXGK_JOBS_STALE_SECONDS``): the database lets exactly one runner win, whatever the number of workers, hosts or
redeliveries of the same message. The winner gets a fresh ``claim_token``; every later write of the run is
conditional on it, so a runner that was taken for dead and wakes up cannot overwrite its successor's work.

Modes (``settings.XXGK_JOBS_MODE``):

* ``celery`` — ``XXGK_CELERY_BROKER_URL`` is set: the task ``xxgk.run_job`` (acks late, rejected on worker loss,
  prefetch 1) runs the job on a worker; a killed worker's message is redelivered and the job resumes.
* ``thread`` — the embedded default: a small thread pool inside the web process runs the job after the request's
  transaction commits; the job page shows its progress from the row. A job left behind by a restart is picked up
  again by :func:`jobs_sweep` (run from page views, at most every 30 s per process, and by ``xxgk_jobs sweep``).
* ``eager`` — tests and ``XXGK_JOBS_EAGER=1``: the job runs synchronously inside :func:`job_dispatch`.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import traceback
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError, connections, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from xxgk.web.audit.codes import AuditCode
from xxgk.web.audit.services import audit_record
from xxgk.web.jobs.models import FINISHED_STATUSES, FileRole, Job, JobFile, JobItem, JobStatus
from xxgk.web.jobs.registry import JobCancelled, JobError, JobLost, kind_get, kind_label
from xxgk.web.ops.logging import request_id_var, user_id_var

log = logging.getLogger("xxgk.jobs")

OBJECT_TYPE = "job"
INTERNAL_ERROR = "任务执行时发生内部错误，请联系系统管理员（任务编号 #{id}）"
#: Minimum seconds between two sweeps started from page views in one process.
KICK_INTERVAL = 30.0


class RunOutcome(StrEnum):
    DONE = "done"  # this call ran the job to an end state
    FINISHED = "finished"  # the job had already ended (a duplicate delivery)
    BUSY = "busy"  # another live runner holds it
    MISSING = "missing"  # no such job (deleted)
    LOST = "lost"  # taken over by another runner while this one ran
    REQUEUED = "requeued"  # the database failed under the job: queued again for a later attempt


def jobs_mode() -> str:
    return str(getattr(settings, "XXGK_JOBS_MODE", "thread"))


def default_worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def stale_after() -> timedelta:
    return timedelta(seconds=float(getattr(settings, "XXGK_JOBS_STALE_SECONDS", 120)))


def redispatch_after() -> timedelta:
    return timedelta(seconds=float(getattr(settings, "XXGK_JOBS_REDISPATCH_SECONDS", 600)))


# -- claiming -------------------------------------------------------------------------------------------------


def claim(job_id: int, *, token: str, worker: str, now: datetime | None = None) -> bool:
    """Take job ``job_id`` for this runner: one conditional UPDATE, so only one runner ever wins."""
    now = now or timezone.now()
    cutoff = now - stale_after()
    claimable = Q(status=JobStatus.QUEUED) | Q(status=JobStatus.RUNNING, heartbeat_at__lt=cutoff)
    updated = (
        Job.objects.filter(pk=job_id)
        .filter(claimable)
        .update(
            status=JobStatus.RUNNING,
            claim_token=token,
            worker=worker[:200],
            attempts=F("attempts") + 1,
            started_at=now,
            heartbeat_at=now,
        )
    )
    return updated == 1


# -- progress --------------------------------------------------------------------------------------------------


class Progress:
    """What a running kind writes through: totals, per-item results, files, notes. Every write also refreshes
    the heartbeat and is conditional on this run's claim (:class:`JobLost` when another runner took over);
    item and progress calls raise :class:`JobCancelled` once the job's cancellation was requested."""

    def __init__(self, job: Job, *, token: str, worker: str) -> None:
        self.job = job
        self.token = token
        self.worker = worker

    def _update(self, **fields: Any) -> None:
        fields["heartbeat_at"] = timezone.now()
        updated = Job.objects.filter(pk=self.job.pk, claim_token=self.token, status=JobStatus.RUNNING).update(**fields)
        if updated != 1:
            raise JobLost(f"job {self.job.pk} is no longer held by this runner")

    def check_cancelled(self) -> None:
        row = Job.objects.filter(pk=self.job.pk).values_list("cancel_requested", "claim_token").first()
        if row is None or row[1] != self.token:
            raise JobLost(f"job {self.job.pk} is no longer held by this runner")
        if row[0]:
            raise JobCancelled

    def set_total(self, total: int, message: str = "") -> None:
        self.check_cancelled()
        self._update(total=max(0, total), message=message[:500])

    def note(self, message: str) -> None:
        self._update(message=message[:500])

    def advance(self, count: int = 1, message: str | None = None) -> None:
        """Count ``count`` units done (jobs without item rows)."""
        self.check_cancelled()
        fields: dict[str, Any] = {"done": F("done") + count}
        if message is not None:
            fields["message"] = message[:500]
        self._update(**fields)

    def done_keys(self) -> set[str]:
        """Keys of the items recorded so far (by this or an earlier attempt): skip them."""
        return set(JobItem.objects.filter(job_id=self.job.pk).values_list("key", flat=True))

    def item(
        self,
        key: str,
        *,
        label: str = "",
        ok: bool = True,
        result: Any = None,
        position: int = 0,
        message: str | None = None,
    ) -> bool:
        """Record the result of item ``key`` and count it done, in one transaction. False (and nothing written)
        when the item was already recorded: an item is never recorded twice."""
        self.check_cancelled()
        with transaction.atomic():
            try:
                with transaction.atomic():
                    JobItem.objects.create(
                        job_id=self.job.pk,
                        key=key[:255],
                        position=position,
                        label=label[:500],
                        ok=ok,
                        result=result,
                        worker=self.worker[:200],
                        attempt=self.job.attempts,
                    )
            except IntegrityError:
                return False
            fields: dict[str, Any] = {"done": F("done") + 1}
            if message is not None:
                fields["message"] = message[:500]
            self._update(**fields)
        return True

    def file(
        self, name: str, data: bytes, *, content_type: str = "application/octet-stream", role: str = FileRole.OUTPUT
    ) -> JobFile:
        """Store a result file (replacing a file of the same name from an earlier attempt)."""
        self._update()
        obj, _created = JobFile.objects.update_or_create(
            job_id=self.job.pk,
            role=role,
            name=name[:255],
            defaults={"data": data, "size": len(data), "content_type": content_type, "created_at": timezone.now()},
        )
        return obj


class _Heartbeat(threading.Thread):
    """Refreshes the job's heartbeat while its kind works (a long item must not look like a dead worker)."""

    def __init__(self, job_id: int, token: str, interval: float) -> None:
        super().__init__(name=f"xxgk-job-heartbeat-{job_id}", daemon=True)
        self.job_id = job_id
        self.token = token
        self.interval = interval
        self._stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self._stopped.wait(self.interval):
                try:
                    Job.objects.filter(pk=self.job_id, claim_token=self.token, status=JobStatus.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                except DatabaseError as exc:
                    log.warning("job heartbeat failed: %s", exc, extra={"job_id": self.job_id})
        finally:
            connections.close_all()

    def stop(self) -> None:
        self._stopped.set()
        self.join(timeout=10)


# -- running ---------------------------------------------------------------------------------------------------


def run_job(job_id: int, *, worker: str | None = None, heartbeat: bool | None = None) -> RunOutcome:
    """Claim and run job ``job_id`` here; see :class:`RunOutcome` for what happened. Never raises for a job's own
    failure (it is recorded on the row); a database failure under the job queues it again."""
    worker = worker or default_worker_name()
    if heartbeat is None:
        heartbeat = jobs_mode() != "eager"
    token = uuid.uuid4().hex
    if not claim(job_id, token=token, worker=worker):
        status = Job.objects.filter(pk=job_id).values_list("status", flat=True).first()
        if status is None:
            return RunOutcome.MISSING
        return RunOutcome.FINISHED if status in FINISHED_STATUSES else RunOutcome.BUSY
    job = Job.objects.select_related("started_by", "body").get(pk=job_id)
    rid = request_id_var.set(job.request_id or f"job-{job.pk}")
    uid = user_id_var.set(str(job.started_by_id or ""))
    try:
        return _execute(job, token=token, worker=worker, heartbeat=heartbeat)
    finally:
        user_id_var.reset(uid)
        request_id_var.reset(rid)


@dataclass
class _End:
    status: JobStatus
    result: Any = None
    error: str = ""
    detail: str = ""
    message: str = ""


def _execute(job: Job, *, token: str, worker: str, heartbeat: bool) -> RunOutcome:
    extra = {"job_id": job.pk, "job_kind": job.kind, "worker": worker, "attempt": job.attempts}
    spec = kind_get(job.kind)
    if job.attempts > job.max_attempts:
        end = _End(
            JobStatus.FAILED,
            error=f"任务已开始 {job.attempts - 1} 次均未完成（处理过程中执行进程被终止），已停止重试",
            detail="attempts exhausted",
        )
    elif job.cancel_requested:
        end = _End(JobStatus.CANCELLED, message="已取消")
    elif spec is None:
        end = _End(JobStatus.FAILED, error=f"未知的任务类型：{job.kind}", detail=f"no job kind {job.kind!r}")
    else:
        log.info("job %s (%s) started, attempt %s", job.pk, job.kind, job.attempts, extra=extra)
        beat = _Heartbeat(job.pk, token, _heartbeat_interval()) if heartbeat else None
        if beat is not None:
            beat.start()
        progress = Progress(job, token=token, worker=worker)
        try:
            end = _call(spec.function, job, progress)
        except JobLost:
            log.warning("job %s was taken over by another runner", job.pk, extra=extra)
            return RunOutcome.LOST
        except (OperationalError, InterfaceError) as exc:
            log.error("database failed under job %s: %s", job.pk, exc, extra=extra)
            return _requeue_after_database_failure(job, token)
        finally:
            if beat is not None:
                beat.stop()
    if not _finish(job, token=token, end=end):
        log.warning("job %s ended here but was taken over meanwhile", job.pk, extra=extra)
        return RunOutcome.LOST
    log.log(
        logging.ERROR if end.status == JobStatus.FAILED else logging.INFO,
        "job %s (%s) %s%s",
        job.pk,
        job.kind,
        end.status,
        f": {end.error}" if end.error else "",
        extra=extra,
    )
    if end.status == JobStatus.FAILED:
        _report_failure(job, end)
    return RunOutcome.DONE


def _call(function: Any, job: Job, progress: Progress) -> _End:
    try:
        result = function(job, progress)
    except JobCancelled:
        return _End(JobStatus.CANCELLED, message="已取消")
    except JobError as exc:
        return _End(JobStatus.FAILED, error=exc.message, result=exc.result)
    except (JobLost, OperationalError, InterfaceError):
        raise
    except Exception as exc:
        log.exception("job %s (%s) raised %s", job.pk, job.kind, type(exc).__name__, extra={"job_id": job.pk})
        return _End(JobStatus.FAILED, error=INTERNAL_ERROR.format(id=job.pk), detail=traceback.format_exc())
    return _End(JobStatus.SUCCEEDED, result=result, message="已完成")


def _heartbeat_interval() -> float:
    return max(0.2, float(getattr(settings, "XXGK_JOBS_HEARTBEAT_SECONDS", 15)))


def _finish(job: Job, *, token: str, end: _End) -> bool:
    now = timezone.now()
    updated = Job.objects.filter(pk=job.pk, claim_token=token, status=JobStatus.RUNNING).update(
        status=end.status,
        finished_at=now,
        heartbeat_at=now,
        result=end.result,
        error=end.error,
        error_detail=end.detail,
        message=(end.message or end.error)[:500],
        failure_seen=False,
    )
    if updated == 1:
        job.status = end.status
        job.error = end.error
    return updated == 1


def _requeue_after_database_failure(job: Job, token: str) -> RunOutcome:
    """The database went away under the job: queue it again (a later attempt resumes it); if even that fails,
    the sweep finds the job's heartbeat stale and re-queues it."""
    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:  # a broken connection is replaced on the next query
            conn.close_if_unusable_or_obsolete()
    try:
        Job.objects.filter(pk=job.pk, claim_token=token, status=JobStatus.RUNNING).update(
            status=JobStatus.QUEUED, dispatched_at=None, message="数据库暂时不可用，稍后重试"
        )
    except DatabaseError:
        log.error("could not re-queue job %s after a database failure", job.pk, extra={"job_id": job.pk})
    return RunOutcome.REQUEUED


def job_url(job_id: int) -> str:
    base = str(getattr(settings, "XXGK_BASE_URL", "http://127.0.0.1:8000")).rstrip("/")
    return base + reverse("jobs:detail", kwargs={"job_id": job_id})


def _report_failure(job: Job, end: _End) -> None:
    """Audit the failure and e-mail the starter (they also get a message on their next page)."""
    try:
        audit_record(
            code=AuditCode.JOB_FAILED,
            actor=None,
            body=job.body,
            object_type=OBJECT_TYPE,
            object_id=job.pk,
            new={"kind": job.kind, "error": end.error, "attempts": job.attempts},
        )
    except DatabaseError:
        log.exception("could not audit the failure of job %s", job.pk)
    user = job.started_by
    if user is None or not user.email:
        return
    label = kind_label(job.kind)
    name = user.get_full_name() or user.get_username()
    try:
        body = (
            f"{name}：\n\n您提交的后台任务「{label}」（#{job.pk}）未能完成：\n{end.error}\n\n"
            f"查看详情：{job_url(job.pk)}\n\n（本邮件由政府信息公开办理系统自动发送）\n"
        )
        send_mail(f"后台任务失败：{label}（#{job.pk}）", body, None, [user.email])
    except Exception as exc:  # a mail server problem must not hide the failure itself
        log.warning("could not e-mail the failure of job %s: %s", job.pk, exc, extra={"job_id": job.pk})


# -- dispatching -----------------------------------------------------------------------------------------------

_executor: ThreadPoolExecutor | None = None
_executor_pid = 0
_pending: set[int] = set()
_lock = threading.Lock()
_last_kick = 0.0


def job_dispatch(job_id: int) -> None:
    """Hand job ``job_id`` to its runner: Celery or the thread pool once the current transaction commits, or run
    it right here in eager mode."""
    mode = jobs_mode()
    if mode == "eager":
        Job.objects.filter(pk=job_id).update(dispatched_at=timezone.now())
        run_job(job_id, worker=f"{default_worker_name()}:eager", heartbeat=False)
        return
    transaction.on_commit(partial(_send, job_id, mode), robust=True)


def _send(job_id: int, mode: str) -> None:
    Job.objects.filter(pk=job_id).update(dispatched_at=timezone.now())
    if mode == "celery":
        from xxgk.web.config.celery import app

        app.send_task("xxgk.run_job", args=[job_id], queue=settings.CELERY_TASK_DEFAULT_QUEUE)
    else:
        _thread_submit(job_id)


def _thread_submit(job_id: int) -> None:
    global _executor, _executor_pid  # noqa: PLW0603 - one pool per process
    with _lock:
        if _executor is None or _executor_pid != os.getpid():  # a forked server process builds its own pool
            _executor = ThreadPoolExecutor(
                max_workers=max(1, int(getattr(settings, "XXGK_JOBS_THREADS", 1))), thread_name_prefix="xxgk-job"
            )
            _executor_pid = os.getpid()
            _pending.clear()
        if job_id in _pending:
            return
        _pending.add(job_id)
        executor = _executor
    executor.submit(_thread_main, job_id)


def _thread_main(job_id: int) -> None:
    try:
        run_job(job_id, worker=f"{default_worker_name()}:thread")
    except Exception:
        log.exception("job %s could not be run", job_id, extra={"job_id": job_id})
    finally:
        with _lock:
            _pending.discard(job_id)
        connections.close_all()


@dataclass
class SweepResult:
    requeued: list[int] = field(default_factory=list)
    redispatched: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, list[int]]:
        return {"requeued": self.requeued, "redispatched": self.redispatched}


def jobs_sweep(*, now: datetime | None = None) -> SweepResult:
    """Re-queue running jobs whose heartbeat is stale (their worker died) and send them again, and send again
    queued jobs whose message may be lost (sent longer ago than ``XXGK_JOBS_REDISPATCH_SECONDS``, e.g. the broker
    restarted without persistence). A job sent twice is still run once: claiming decides."""
    now = now or timezone.now()
    cutoff = now - stale_after()
    out = SweepResult()
    stale = Job.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=cutoff)
    for job in stale.select_related("body"):
        updated = Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, heartbeat_at__lt=cutoff).update(
            status=JobStatus.QUEUED, dispatched_at=None, message="执行进程中断，已重新排队"
        )
        if updated:
            out.requeued.append(job.pk)
            out.redispatched.append(job.pk)
            log.warning("job %s re-queued: no heartbeat from %s", job.pk, job.worker, extra={"job_id": job.pk})
            audit_record(
                code=AuditCode.JOB_REQUEUED,
                actor=None,
                body=job.body,
                object_type=OBJECT_TYPE,
                object_id=job.pk,
                old={"worker": job.worker, "attempts": job.attempts},
            )
    resend = now - redispatch_after()
    lost = Job.objects.filter(status=JobStatus.QUEUED).filter(
        Q(dispatched_at__isnull=True, created_at__lt=resend) | Q(dispatched_at__lt=resend)
    )
    lost = lost.exclude(pk__in=out.requeued).order_by("created_at", "pk")
    out.redispatched.extend(lost.values_list("pk", flat=True))
    for pk in out.redispatched:
        job_dispatch(pk)
    return out


def jobs_kick() -> None:
    """A sweep at most every :data:`KICK_INTERVAL` seconds per process (called from page views), so that jobs
    left behind by a restart resume even without a scheduler. Nothing in eager mode."""
    global _last_kick  # noqa: PLW0603 - per-process rate limit
    if jobs_mode() == "eager":
        return
    now = time.monotonic()
    with _lock:
        if now - _last_kick < KICK_INTERVAL:
            return
        _last_kick = now
    try:
        jobs_sweep()
    except DatabaseError:
        log.exception("job sweep failed")
