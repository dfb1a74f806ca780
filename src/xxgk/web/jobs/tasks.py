"""Celery tasks (``celery -A xxgk.web.config.celery worker``). The broker only carries a job's id: its state,
progress and results are its row, so a message delivered twice, or again after its worker was killed, still runs
the job once (see :mod:`xxgk.web.jobs.runner`)."""

from __future__ import annotations

from typing import Any

from celery import shared_task  # type: ignore[import-untyped, unused-ignore]
from django.conf import settings
from django.utils import timezone

from xxgk.web.jobs.runner import RunOutcome, default_worker_name, jobs_sweep, run_job


@shared_task(  # type: ignore[untyped-decorator, unused-ignore]
    name="xxgk.run_job",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=None,
    ignore_result=True,
)
def run_job_task(self: Any, job_id: int) -> str:
    """Run job ``job_id``. While another live runner holds it (a duplicate or early redelivery), try again later:
    when that runner dies its heartbeat goes stale and this task takes the job over."""
    worker = str(getattr(self.request, "hostname", "") or default_worker_name())
    outcome = run_job(int(job_id), worker=worker, heartbeat=True)
    if outcome is RunOutcome.BUSY:
        countdown = max(1.0, float(settings.XXGK_JOBS_STALE_SECONDS) / 2)
        raise self.retry(countdown=countdown)
    return outcome.value


@shared_task(name="xxgk.jobs_sweep", ignore_result=True)  # type: ignore[untyped-decorator, unused-ignore]
def jobs_sweep_task() -> dict[str, list[int]]:
    """Re-queue jobs of dead workers and re-send lost messages (the beat runs it every minute)."""
    return jobs_sweep().to_dict()


@shared_task(name="xxgk.enqueue_digest", ignore_result=True)  # type: ignore[untyped-decorator, unused-ignore]
def enqueue_digest_task() -> int:
    """Queue today's digest (once per day whatever the number of schedulers: the job's key is the date)."""
    from xxgk.web.jobs.kinds import digest_key
    from xxgk.web.jobs.services import job_enqueue

    today = timezone.localdate()
    job = job_enqueue(kind="digest", params={"on": today.isoformat()}, actor=None, body=None, key=digest_key(today))
    return job.pk
