"""Pages of background jobs: my jobs, one job with its progress and results, downloads, cancel and retry, and
the batch check upload. Thin: parse, check access, call one service or selector, render."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from xxgk.web.jobs.forms import BatchCheckForm
from xxgk.web.jobs.models import FileRole, JobStatus
from xxgk.web.jobs.registry import JobError, kind_label
from xxgk.web.jobs.runner import jobs_kick
from xxgk.web.jobs.selectors import (
    access_job_by_id,
    access_job_file_by_id,
    job_can_manage,
    job_files,
    job_item_count,
    job_items,
    job_list,
    job_progress,
)
from xxgk.web.jobs.services import job_cancel, job_enqueue, job_failures_mark_seen, job_retry
from xxgk.web.tenancy.selectors import membership_list, request_user

LIST_LIMIT = 200
ITEMS_SHOWN = 500
#: Seconds between reloads of the page of an unfinished job.
REFRESH_SECONDS = 3


@login_required
def job_list_view(request: HttpRequest) -> HttpResponse:
    jobs_kick()
    status = request.GET.get("status") or None
    if status not in JobStatus.values:
        status = None
    jobs = list(job_list(user=request.user, status=status)[: LIST_LIMIT + 1])
    refresh = REFRESH_SECONDS if any(not job.finished for job in jobs[:LIST_LIMIT]) else None
    response = render(
        request,
        "jobs/job_list.html",
        {
            "jobs": [(job, _(kind_label(job.kind))) for job in jobs[:LIST_LIMIT]],
            "truncated": len(jobs) > LIST_LIMIT,
            "statuses": JobStatus.choices,
            "status": status,
            "refresh": refresh,
        },
    )
    if refresh:
        response["Refresh"] = str(refresh)
    return response


@login_required
def job_detail_view(request: HttpRequest, job_id: int) -> HttpResponse:
    job = access_job_by_id(request.user, job_id)
    user = request_user(request)
    if job.status == JobStatus.FAILED and job.started_by_id == user.pk and not job.failure_seen:
        job_failures_mark_seen(user=user, job_ids=[job.pk])
    items = job_items(job=job, limit=ITEMS_SHOWN)
    response = render(
        request,
        "jobs/job_detail.html",
        {
            "job": job,
            "label": _(kind_label(job.kind)),
            "progress": job_progress(job=job),
            "items": items,
            "item_count": job_item_count(job=job),
            "items_shown": ITEMS_SHOWN,
            "inputs": job_files(job=job, role=FileRole.INPUT),
            "outputs": job_files(job=job, role=FileRole.OUTPUT),
            "can_manage": job_can_manage(user=user, job=job),
            "refresh": None if job.finished else REFRESH_SECONDS,
        },
    )
    if not job.finished:
        response["Refresh"] = str(REFRESH_SECONDS)  # reload while the job runs (no script needed)
    return response


@never_cache
@login_required
def job_progress_view(request: HttpRequest, job_id: int) -> JsonResponse:
    job = access_job_by_id(request.user, job_id)
    return JsonResponse(job_progress(job=job).to_dict(), json_dumps_params={"ensure_ascii": False})


@login_required
def job_file_view(request: HttpRequest, job_id: int, file_id: int) -> HttpResponse:
    found = access_job_file_by_id(request.user, job_id, file_id)
    response = HttpResponse(bytes(found.data), content_type=found.content_type or "application/octet-stream")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(found.name)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def job_cancel_view(request: HttpRequest, job_id: int) -> HttpResponse:
    job = access_job_by_id(request.user, job_id)
    try:
        job = job_cancel(actor=request_user(request), job_id=job.pk)
    except JobError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("任务已取消") if job.finished else _("已请求取消，任务将在当前文件处理完后停止"))
    return redirect("jobs:detail", job_id=job.pk)


@login_required
@require_POST
def job_retry_view(request: HttpRequest, job_id: int) -> HttpResponse:
    job = access_job_by_id(request.user, job_id)
    try:
        job_retry(actor=request_user(request), job_id=job.pk)
    except JobError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("任务已重新排队，已完成的部分不会重复处理"))
    return redirect("jobs:detail", job_id=job.pk)


def _working_bodies(request: HttpRequest) -> list[tuple[int, str]]:
    seen: dict[int, str] = {}
    for m in membership_list(user=request.user):
        seen.setdefault(m.body_id, m.body.name)
    return list(seen.items())


@login_required
@require_http_methods(["GET", "POST"])
def batch_check_new_view(request: HttpRequest) -> HttpResponse:
    bodies = _working_bodies(request)
    if not bodies:
        raise PermissionDenied(_("只有机关工作人员可以提交批量检查"))
    form = BatchCheckForm(request.POST or None, request.FILES or None, bodies=bodies)
    if request.method == "POST" and form.is_valid():
        inputs = form.inputs()
        if form.is_valid():  # reading the archives may add errors
            user = request_user(request)
            body = next(m.body for m in membership_list(user=user) if m.body_id == form.cleaned_data["body"])
            job = job_enqueue(
                kind="batch_check",
                params={},
                actor=user,
                body=body,
                key=f"batch_check:{user.pk}:{form.cleaned_data['submission']}",
                inputs=inputs,
            )
            messages.success(
                request,
                ngettext(
                    "已提交批量检查（任务 #%(job)s），共 %(n)s 个文件",
                    "已提交批量检查（任务 #%(job)s），共 %(n)s 个文件",
                    len(inputs),
                )
                % {"job": job.pk, "n": len(inputs)},
            )
            return redirect("jobs:detail", job_id=job.pk)
    return render(request, "jobs/batch_check_new.html", {"form": form})
