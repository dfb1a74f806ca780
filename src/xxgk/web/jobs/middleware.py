"""Tells a user, on their next page, that a background job they started failed (once per job), and starts the
periodic sweep of left-behind jobs (see :func:`xxgk.web.jobs.runner.jobs_kick`)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponseBase

from xxgk.web.jobs.registry import kind_label
from xxgk.web.jobs.runner import jobs_kick
from xxgk.web.jobs.selectors import job_failures_unseen
from xxgk.web.jobs.services import job_failures_mark_seen

#: Paths that never show messages (machines, files, JSON).
SKIP_PREFIXES = ("/static/", "/media/", "/api/", "/healthz/", "/readyz/", "/i18n/")


def wants_notices(request: HttpRequest) -> bool:
    path = request.path
    return request.method == "GET" and not path.startswith(SKIP_PREFIXES) and not path.endswith(".json")


class JobNoticeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if wants_notices(request):
            self.notify(request)
        return self.get_response(request)

    @staticmethod
    def notify(request: HttpRequest) -> None:
        user = getattr(request, "user", None)
        if not isinstance(user, User) or not user.is_authenticated:
            return
        jobs_kick()
        failed = job_failures_unseen(user=user)
        for job in failed:
            messages.error(
                request,
                f"后台任务「{kind_label(job.kind)}」（#{job.pk}）未能完成：{job.error}",
            )
        job_failures_mark_seen(user=user, job_ids=[job.pk for job in failed])
