"""Per-client limits of the public portal, kept in a database table.

Why the database and not Django's cache: the project configures no shared cache, so the default cache is
``LocMemCache`` — one per process. Limits kept there would be multiplied by the number of worker processes and
machines and forgotten at every restart, which is exactly what an abuser would exploit. The database is already
shared by every process and machine, transactional, and the rows are few (only submissions, wrong codes and
lockouts are recorded, each row purged once its window has passed), so two indexed queries per request cost
nothing noticeable. Counting then inserting is not atomic across processes: at worst a burst of parallel requests
overshoots a limit by the number of concurrent requests, which is acceptable for these limits.

Privacy: a client is identified by ``HMAC-SHA256(SECRET_KEY, ip)`` (:func:`client_key`), never by the address,
and its rows are deleted after the longest window of their kind (one day for submissions, one hour for codes).

The limits (module constants, adjustable in tests):

* submissions: at most :data:`SUBMISSION_LIMITS` (5 an hour, 20 a day) per client;
* status look-ups: :data:`WRONG_CODE_LIMIT` (20) wrong codes within :data:`WRONG_CODE_WINDOW` (one hour) lock the
  client out of look-ups for :data:`LOCK_DURATION` (one hour), right codes included.
"""

from __future__ import annotations

import ipaddress
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from xxgk.web.audit.codes import AuditCode
from xxgk.web.audit.services import audit_record
from xxgk.web.portal.models import ThrottleEvent, ThrottleScope

SUBMISSION_LIMITS: tuple[tuple[int, timedelta], ...] = ((5, timedelta(hours=1)), (20, timedelta(days=1)))
WRONG_CODE_LIMIT = 20
WRONG_CODE_WINDOW = timedelta(hours=1)
LOCK_DURATION = timedelta(hours=1)

_HMAC_SALT = "xxgk.web.portal.throttle.client"


@dataclass(frozen=True)
class Refusal:
    """A refused request: the friendly message and how long to wait (for ``Retry-After``)."""

    message: str
    retry_after: int  # seconds

    @property
    def wait_text(self) -> str:
        minutes = max(1, math.ceil(self.retry_after / 60))
        if minutes < 60:
            return ngettext("约 %(n)s 分钟", "约 %(n)s 分钟", minutes) % {"n": minutes}
        hours = math.ceil(minutes / 60)
        return ngettext("约 %(n)s 小时", "约 %(n)s 小时", hours) % {"n": hours}


def client_ip(request: HttpRequest) -> str:
    """The client's address: ``REMOTE_ADDR``, or — behind ``XXGK_PORTAL_PROXY_COUNT`` trusted reverse proxies —
    the address that the outermost trusted proxy saw (from the right of ``X-Forwarded-For``)."""
    remote = str(request.META.get("REMOTE_ADDR") or "")
    proxies = int(getattr(settings, "XXGK_PORTAL_PROXY_COUNT", 0) or 0)
    if proxies > 0:
        chain = [p.strip() for p in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",") if p.strip()]
        if len(chain) >= proxies:
            remote = chain[-proxies]
    try:
        return str(ipaddress.ip_address(remote))
    except ValueError:
        return "unknown"


def client_key(request: HttpRequest) -> str:
    """The keyed hash that identifies the client in :class:`ThrottleEvent` (the address itself is never stored)."""
    return salted_hmac(_HMAC_SALT, client_ip(request), algorithm="sha256").hexdigest()


def _now(now: datetime | None) -> datetime:
    return timezone.now() if now is None else now


def _longest_window(scope: ThrottleScope) -> timedelta:
    if scope == ThrottleScope.SUBMISSION:
        return max(window for _, window in SUBMISSION_LIMITS)
    if scope == ThrottleScope.WRONG_CODE:
        return WRONG_CODE_WINDOW
    return LOCK_DURATION


def throttle_purge(*, now: datetime | None = None) -> int:
    """Delete every row whose window has passed; returns the number deleted."""
    at = _now(now)
    deleted = 0
    for scope in ThrottleScope:
        count, _ = ThrottleEvent.objects.filter(scope=scope, at__lt=at - _longest_window(scope)).delete()
        deleted += count
    return deleted


def _record(scope: ThrottleScope, key: str, at: datetime) -> None:
    ThrottleEvent.objects.create(scope=scope, key=key, at=at)
    ThrottleEvent.objects.filter(scope=scope, at__lt=at - _longest_window(scope)).delete()


def _retry_after(scope: ThrottleScope, key: str, window: timedelta, limit: int, at: datetime) -> int:
    """Seconds until fewer than ``limit`` events remain in the window (the oldest counted one leaves it)."""
    times = list(
        ThrottleEvent.objects.filter(scope=scope, key=key, at__gte=at - window)
        .order_by("-at")
        .values_list("at", flat=True)[:limit]
    )
    if len(times) < limit:
        return 0
    return max(1, math.ceil((times[-1] + window - at).total_seconds()))


def submission_refusal(*, key: str, now: datetime | None = None) -> Refusal | None:
    """Refuse a submission when the client reached a limit; ``None`` when it may submit."""
    at = _now(now)
    for limit, window in SUBMISSION_LIMITS:
        wait = _retry_after(ThrottleScope.SUBMISSION, key, window, limit, at)
        if wait:
            hours = int(window.total_seconds() // 3600)
            return Refusal(
                message=_("同一网络地址 %(hours)s 小时内最多提交 %(limit)s 件网上申请，您已达到上限。")
                % {"hours": hours, "limit": limit},
                retry_after=wait,
            )
    return None


def submission_count(*, key: str, now: datetime | None = None) -> None:
    """Count one submission (a stored one, or a refused bot submission) of the client."""
    _record(ThrottleScope.SUBMISSION, key, _now(now))


def lookup_refusal(*, key: str, now: datetime | None = None) -> Refusal | None:
    """Refuse every look-up of a locked-out client."""
    at = _now(now)
    lock = ThrottleEvent.objects.filter(scope=ThrottleScope.LOCK, key=key, at__gt=at - LOCK_DURATION).order_by("-at")
    last = lock.values_list("at", flat=True).first()
    if last is None:
        return None
    return Refusal(
        message=_("查询码输入错误次数过多，查询功能已暂停 %(minutes)s 分钟。")
        % {"minutes": int(LOCK_DURATION.total_seconds() // 60)},
        retry_after=max(1, math.ceil((last + LOCK_DURATION - at).total_seconds())),
    )


def lookup_failed(*, key: str, now: datetime | None = None) -> Refusal | None:
    """Count a wrong code; lock the client out (and return the refusal) when it reached the limit."""
    at = _now(now)
    with transaction.atomic():
        _record(ThrottleScope.WRONG_CODE, key, at)
        wrong = ThrottleEvent.objects.filter(scope=ThrottleScope.WRONG_CODE, key=key, at__gt=at - WRONG_CODE_WINDOW)
        if wrong.count() < WRONG_CODE_LIMIT:
            return None
        _record(ThrottleScope.LOCK, key, at)
        audit_record(
            code=AuditCode.PORTAL_LOOKUP_LOCKED,
            actor=None,
            object_type="portal_client",
            object_id=key[:16],
            note=f"{int(WRONG_CODE_WINDOW.total_seconds() // 60)} 分钟内 {WRONG_CODE_LIMIT} 次错误查询码",
        )
    return lookup_refusal(key=key, now=at)
