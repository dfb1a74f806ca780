"""Writes of the security app: counting failed sign-ins, locking out, resetting, lifting a lockout.

Each function runs in one transaction and locks the rows it changes (``select_for_update``), so parallel failures
from several processes are all counted. Every failed sign-in, lockout, successful sign-in and lifted lockout is
audited (codes 951–954).
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q

from xxgk.web.audit.codes import AuditCode
from xxgk.web.audit.services import audit_record
from xxgk.web.security.models import LoginThrottle, ThrottleScope
from xxgk.web.security.selectors import access_lockout_by_id, user_is_security_admin
from xxgk.web.security.throttle import (
    Lockout,
    address_failure_limit,
    address_hash,
    failure_limit,
    failure_window,
    lockout_duration,
    normalise_username,
    now_or,
    throttle_key,
)

OBJECT_TYPE = "login"
NOT_ADMIN = "只有系统管理员可以解除登录锁定"


def _count(*, scope: ThrottleScope, username: str, address: str, at: datetime) -> LoginThrottle:
    """Add one failure to the row of ``scope`` (created or restarted when its window has passed); lock it out
    when the limit is reached. The caller holds the transaction."""
    key = throttle_key(scope, username=username, address=address)
    name = normalise_username(username) if scope == ThrottleScope.USER_ADDRESS else ""
    row, _ = LoginThrottle.objects.select_for_update().get_or_create(
        key=key,
        defaults={
            "scope": scope,
            "username": name,
            "address_hash": address_hash(address),
            "window_started_at": at,
            "last_failure_at": at,
        },
    )
    locked = row.locked_until is not None and row.locked_until > at
    if not locked and (at - row.window_started_at > failure_window() or row.locked_until is not None):
        row.failures = 0  # a new window (also after a lockout has ended)
        row.window_started_at = at
        row.locked_until = None
    row.failures += 1
    row.last_failure_at = at
    limit = failure_limit() if scope == ThrottleScope.USER_ADDRESS else address_failure_limit()
    if not locked and row.failures >= limit:
        row.locked_until = at + lockout_duration()
    row.save()
    return row


def login_failure_record(
    *, username: str, address: str, user: User | None = None, now: datetime | None = None
) -> Lockout | None:
    """Count a failed sign-in as ``username`` (as typed) from ``address``; audit it, and the lockout it causes.
    Returns the lockout now in force, if any. ``user`` is the account of that name when there is one."""
    at = now_or(now)
    name = normalise_username(username)
    lockout: Lockout | None = None
    with transaction.atomic():
        for scope in (ThrottleScope.USER_ADDRESS, ThrottleScope.ADDRESS):
            was_locked_before = LoginThrottle.objects.filter(
                key=throttle_key(scope, username=username, address=address), locked_until__gt=at
            ).exists()
            row = _count(scope=scope, username=username, address=address, at=at)
            if row.locked_until is None or row.locked_until <= at:
                continue
            candidate = Lockout(scope=scope, until=row.locked_until, now=at)
            if lockout is None or candidate.until > lockout.until:
                lockout = candidate
            if not was_locked_before:
                audit_record(
                    code=AuditCode.LOGIN_LOCKED,
                    actor=None,
                    object_type=OBJECT_TYPE,
                    object_id=user.pk if user is not None else "",
                    new={
                        "username": name,
                        "scope": scope.value,
                        "address": row.address_hash[:16],
                        "failures": row.failures,
                        "locked_until": row.locked_until.isoformat(),
                    },
                    note=f"{row.failures} 次登录失败，暂停登录至 {row.locked_until.isoformat(timespec='minutes')}",
                )
        audit_record(
            code=AuditCode.LOGIN_FAILED,
            actor=None,
            object_type=OBJECT_TYPE,
            object_id=user.pk if user is not None else "",
            new={"username": name, "address": address_hash(address)[:16], "locked": lockout is not None},
        )
        _purge(at)
    return lockout


def login_success_record(*, user: User, username: str, address: str) -> None:
    """A successful sign-in: reset the (user name, address) count and audit it. The address count is kept (one
    good account must not reset a password-spraying address)."""
    with transaction.atomic():
        LoginThrottle.objects.filter(
            key=throttle_key(ThrottleScope.USER_ADDRESS, username=username, address=address)
        ).delete()
        audit_record(
            code=AuditCode.LOGIN_SUCCEEDED,
            actor=user,
            object_type=OBJECT_TYPE,
            object_id=user.pk,
            new={"username": user.get_username(), "address": address_hash(address)[:16]},
        )


def login_unlock(*, actor: User, throttle_id: int, now: datetime | None = None) -> LoginThrottle:
    """Lift a current lockout (a system administrator: a superuser or an administrator of a top-level body).
    The row is deleted, so the count starts again from zero; the audit keeps what was lifted."""
    if not user_is_security_admin(user=actor):
        raise PermissionDenied(NOT_ADMIN)
    with transaction.atomic():
        row = access_lockout_by_id(actor, throttle_id, now=now)
        row = LoginThrottle.objects.select_for_update().get(pk=row.pk)
        old = {
            "username": row.username,
            "scope": row.scope,
            "failures": row.failures,
            "locked_until": row.locked_until.isoformat() if row.locked_until else None,
        }
        row.delete()
        audit_record(
            code=AuditCode.LOGIN_UNLOCKED,
            actor=actor,
            object_type=OBJECT_TYPE,
            object_id=throttle_id,
            old=old,
            note=f"解除对“{row.username or '（地址）'}”的登录锁定",
        )
    return row


def _purge(at: datetime) -> int:
    """Delete rows whose window and lockout have both passed (they no longer change any decision)."""
    horizon = at - max(failure_window(), lockout_duration())
    deleted, _ = LoginThrottle.objects.filter(
        Q(locked_until__isnull=True) | Q(locked_until__lte=at), last_failure_at__lt=horizon
    ).delete()
    return deleted
