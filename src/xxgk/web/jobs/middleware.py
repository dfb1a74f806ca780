"""Tells a user, on one of their next pages, that a background job they started failed (once per job), and starts
the periodic sweep of left-behind jobs (see :func:`xxgk.web.jobs.runner.jobs_kick`).

Looking for failed jobs is a query on every page, a sizeable part of a light page's cost (the work list at province
scale, docs/performance.md §5). So each signed-in session looks at most every :data:`NOTICE_INTERVAL` seconds in a
process, and at once on the first page after any POST (which may have started the job; in synchronous mode it has
already failed): a failure is told within that time, not necessarily on the very next page.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponseBase
from django.utils.translation import gettext as _

from xxgk.web.jobs.registry import kind_label
from xxgk.web.jobs.runner import jobs_kick
from xxgk.web.jobs.selectors import job_failures_unseen
from xxgk.web.jobs.services import job_failures_mark_seen

#: Paths that never show messages (machines, files, JSON).
SKIP_PREFIXES = ("/static/", "/media/", "/api/", "/healthz/", "/readyz/", "/i18n/")
#: Seconds between two looks for the failed jobs of one session (per process).
NOTICE_INTERVAL = 30.0
#: Sessions remembered per process (the least recently seen are forgotten first: they look again).
REMEMBERED = 10_000
#: The clock of the interval (replaced in tests).
clock: Callable[[], float] = time.monotonic

_lock = threading.Lock()
_looked: OrderedDict[tuple[int, str], float] = OrderedDict()  # (user id, session key) -> time of the last look


def wants_notices(request: HttpRequest) -> bool:
    path = request.path
    return request.method == "GET" and not path.startswith(SKIP_PREFIXES) and not path.endswith(".json")


def due(key: tuple[int, str], now: float) -> bool:
    """Whether the session ``key`` should look for failed jobs at ``now`` (and remember that it does)."""
    with _lock:
        last = _looked.get(key)
        if last is not None and now - last < NOTICE_INTERVAL:
            return False
        _looked[key] = now
        _looked.move_to_end(key)
        while len(_looked) > REMEMBERED:
            _looked.popitem(last=False)
        return True


def forget(key: tuple[int, str]) -> None:
    with _lock:
        _looked.pop(key, None)


class JobNoticeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if wants_notices(request):
            self.notify(request)
        response = self.get_response(request)
        if request.method == "POST":
            user, session = getattr(request, "user", None), getattr(request, "session", None)
            if isinstance(user, User) and session is not None and session.session_key:
                forget((user.pk, session.session_key))
        return response

    @staticmethod
    def notify(request: HttpRequest) -> None:
        user = getattr(request, "user", None)
        if not isinstance(user, User) or not user.is_authenticated:
            return
        jobs_kick()
        session_key = request.session.session_key or ""
        if not due((user.pk, session_key), clock()):
            return
        failed = job_failures_unseen(user=user)
        for job in failed:
            messages.error(
                request,
                _("后台任务「%(kind)s」（#%(id)s）未能完成：%(error)s")
                % {"kind": _(kind_label(job.kind)), "id": job.pk, "error": job.error},
            )
        job_failures_mark_seen(user=user, job_ids=[job.pk for job in failed])
