"""Writes of jobs: enqueue (idempotent by key), cancel, retry, mark failures seen. Running is in
:mod:`xxgk.web.jobs.runner`; the kinds are in :mod:`xxgk.web.jobs.kinds`."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from xxgk.web.audit.codes import AuditCode
from xxgk.web.audit.services import audit_record
from xxgk.web.jobs.models import FileRole, Job, JobFile, JobStatus
from xxgk.web.jobs.registry import JobError, kind_get
from xxgk.web.jobs.runner import OBJECT_TYPE, job_dispatch
from xxgk.web.jobs.selectors import job_can_manage
from xxgk.web.ops.logging import request_id_var
from xxgk.web.tenancy.models import Body


@dataclass(frozen=True)
class JobInput:
    """A file handed to a job (an upload)."""

    name: str
    data: bytes
    content_type: str = "application/octet-stream"


def _unique_names(inputs: Sequence[JobInput]) -> list[str]:
    """The inputs' names made unique within the job (``a.txt``, ``a (2).txt``)."""
    seen: set[str] = set()
    out: list[str] = []
    for item in inputs:
        base = PurePosixPath(item.name.replace("\\", "/")).name or "file"
        name, n = base, 1
        while name in seen:
            n += 1
            stem, dot, suffix = base.rpartition(".")
            name = f"{stem} ({n}).{suffix}" if dot and stem else f"{base} ({n})"
        seen.add(name)
        out.append(name[:255])
    return out


def job_enqueue(
    *,
    kind: str,
    params: dict[str, Any],
    actor: User | AnonymousUser | None,
    body: Body | None,
    key: str | None = None,
    inputs: Sequence[JobInput] = (),
    max_attempts: int | None = None,
) -> Job:
    """Queue a job of ``kind`` (and send it to its runner once the transaction commits). With a ``key``, a job
    already queued under that key is returned instead of a new one (idempotent submission)."""
    if kind_get(kind) is None:
        raise JobError(f"未知的任务类型：{kind}")
    json.dumps(params)  # a TypeError here is the caller's bug: parameters must be JSON
    if key:
        existing = Job.objects.filter(key=key).first()
        if existing is not None:
            return existing
    starter = actor if isinstance(actor, User) else None
    rid = request_id_var.get()
    try:
        with transaction.atomic():
            job = Job.objects.create(
                kind=kind,
                params=params,
                key=key or None,
                started_by=starter,
                body=body,
                max_attempts=max_attempts or int(getattr(settings, "XXGK_JOBS_MAX_ATTEMPTS", 3)),
                request_id="" if rid == "-" else rid[:64],
            )
            names = _unique_names(inputs)
            JobFile.objects.bulk_create(
                JobFile(
                    job=job,
                    role=FileRole.INPUT,
                    name=name,
                    content_type=item.content_type[:200],
                    size=len(item.data),
                    data=item.data,
                )
                for name, item in zip(names, inputs, strict=True)
            )
            audit_record(
                code=AuditCode.JOB_SUBMITTED,
                actor=starter,
                body=body,
                object_type=OBJECT_TYPE,
                object_id=job.pk,
                new={"kind": kind, "key": key, "files": names},
            )
    except IntegrityError:
        if key:
            existing = Job.objects.filter(key=key).first()
            if existing is not None:
                return existing
        raise
    job_dispatch(job.pk)
    job.refresh_from_db()
    return job


def _locked(job_id: int) -> Job:
    job = Job.objects.select_for_update().filter(pk=job_id).first()
    if job is None:
        raise JobError("任务不存在")
    return job


def job_cancel(*, actor: User, job_id: int) -> Job:
    """Cancel a queued job at once; ask a running one to stop (it stops at its next item)."""
    with transaction.atomic():
        job = _locked(job_id)
        if not job_can_manage(user=actor, job=job):
            raise PermissionDenied("只有提交人或本机关工作人员可以取消任务")
        if job.finished:
            raise JobError("任务已结束，无法取消")
        old = {"status": job.status}
        if job.status == JobStatus.QUEUED:
            job.status = JobStatus.CANCELLED
            job.finished_at = timezone.now()
            job.message = "已取消"
        else:
            job.message = "正在取消……"
        job.cancel_requested = True
        job.save(update_fields=["status", "finished_at", "message", "cancel_requested"])
        audit_record(
            code=AuditCode.JOB_CANCELLED,
            actor=actor,
            body=job.body,
            object_type=OBJECT_TYPE,
            object_id=job.pk,
            old=old,
            new={"status": job.status, "cancel_requested": True},
        )
    return job


def job_retry(*, actor: User, job_id: int) -> Job:
    """Queue a failed or cancelled job again; the items it finished are kept, so it resumes where it stopped."""
    with transaction.atomic():
        job = _locked(job_id)
        if not job_can_manage(user=actor, job=job):
            raise PermissionDenied("只有提交人或本机关工作人员可以重试任务")
        if job.status not in (JobStatus.FAILED, JobStatus.CANCELLED):
            raise JobError("只有失败或已取消的任务可以重试")
        old = {"status": job.status, "error": job.error, "attempts": job.attempts}
        job.status = JobStatus.QUEUED
        job.attempts = 0
        job.cancel_requested = False
        job.error = ""
        job.error_detail = ""
        job.message = "已重新排队"
        job.finished_at = None
        job.dispatched_at = None
        job.failure_seen = False
        job.save()
        audit_record(
            code=AuditCode.JOB_RETRIED,
            actor=actor,
            body=job.body,
            object_type=OBJECT_TYPE,
            object_id=job.pk,
            old=old,
            new={"status": job.status},
        )
        job_dispatch(job.pk)
    job.refresh_from_db()
    return job


def job_failures_mark_seen(*, user: User, job_ids: Sequence[int]) -> int:
    """Remember that ``user`` was told about these failed jobs."""
    if not job_ids:
        return 0
    return Job.objects.filter(pk__in=list(job_ids), started_by=user, status=JobStatus.FAILED).update(failure_seen=True)
