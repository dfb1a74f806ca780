"""Reads of jobs. A job is visible to the user who started it and to the staff (any working role) of its body;
everyone else gets the same 404 as for a missing job."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext

from xxgk.web.jobs.models import FileRole, Job, JobFile, JobItem, JobStatus
from xxgk.web.jobs.registry import kind_label
from xxgk.web.tenancy.selectors import NOT_FOUND, AnyUser, body_ids_working


def _visible(user: AnyUser) -> Q | None:
    if not user.is_authenticated or user.pk is None:
        return None
    return Q(started_by_id=user.pk) | Q(body_id__in=body_ids_working(user=user))


def job_list(*, user: AnyUser, status: str | None = None) -> QuerySet[Job]:
    """The jobs ``user`` started and those of the bodies they work in, newest first."""
    visible = _visible(user)
    if visible is None:
        return Job.objects.none()
    jobs = Job.objects.filter(visible).select_related("started_by", "body").defer("params", "result", "error_detail")
    if status:
        jobs = jobs.filter(status=status)
    return jobs.order_by("-created_at", "-id")


def access_job_by_id(user: AnyUser, job_id: int) -> Job:
    """Job ``job_id`` if ``user`` may see it; Http404 alike for missing and not-visible."""
    visible = _visible(user)
    if visible is None:
        raise Http404(NOT_FOUND)
    job = Job.objects.filter(visible, pk=job_id).select_related("started_by", "body").first()
    if job is None:
        raise Http404(NOT_FOUND)
    return job


def access_job_file_by_id(user: AnyUser, job_id: int, file_id: int) -> JobFile:
    job = access_job_by_id(user, job_id)
    found = JobFile.objects.filter(job=job, pk=file_id).first()
    if found is None:
        raise Http404(NOT_FOUND)
    return found


def job_files(*, job: Job, role: FileRole | None = None) -> list[JobFile]:
    """The files of ``job`` without their bytes."""
    files = JobFile.objects.filter(job=job).defer("data")
    if role is not None:
        files = files.filter(role=role)
    return list(files.order_by("role", "id"))


def job_items(*, job: Job, limit: int | None = None) -> list[JobItem]:
    items = JobItem.objects.filter(job=job).order_by("position", "id")
    return list(items[:limit] if limit is not None else items)


def job_item_count(*, job: Job) -> int:
    return JobItem.objects.filter(job=job).count()


def job_failures_unseen(*, user: AnyUser) -> list[Job]:
    """Failed jobs ``user`` started and has not been told about yet."""
    if not user.is_authenticated or user.pk is None:
        return []
    return list(
        Job.objects.filter(started_by_id=user.pk, status=JobStatus.FAILED, failure_seen=False)
        .only("pk", "kind", "error", "finished_at")
        .order_by("finished_at", "pk")[:5]
    )


@dataclass(frozen=True)
class JobProgress:
    id: int
    kind: str
    kind_label: str
    status: str
    status_label: str
    done: int
    total: int | None
    percent: int | None
    message: str
    error: str
    finished: bool

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def job_progress(*, job: Job) -> JobProgress:
    return JobProgress(
        id=job.pk,
        kind=job.kind,
        kind_label=gettext(kind_label(job.kind)),
        status=job.status,
        status_label=str(JobStatus(job.status).label),
        done=job.done,
        total=job.total,
        percent=job.percent,
        message=job.message,
        error=job.error,
        finished=job.finished,
    )


def job_can_manage(*, user: AnyUser, job: Job) -> bool:
    """Cancel or retry: the starter, or staff of the job's body (the same people who see it)."""
    if not user.is_authenticated:
        return False
    if job.started_by_id is not None and job.started_by_id == user.pk:
        return True
    return job.body_id is not None and job.body_id in body_ids_working(user=user)
