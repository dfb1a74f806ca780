"""Reads of the security app: is a sign-in locked out, which lockouts an administrator sees."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db.models import Q, QuerySet
from django.http import Http404

from xxgk.web.security.models import LoginThrottle, ThrottleScope
from xxgk.web.security.throttle import Lockout, now_or, throttle_key
from xxgk.web.tenancy.models import MemberRole, Membership
from xxgk.web.tenancy.selectors import NOT_FOUND, body_ids_visible

AnyUser = AbstractBaseUser | AnonymousUser


def login_lockout(*, username: str, address: str, now: datetime | None = None) -> Lockout | None:
    """The lockout that refuses a sign-in as ``username`` from ``address`` now, if any (the longer one)."""
    at = now_or(now)
    keys = {throttle_key(scope, username=username, address=address): scope for scope in ThrottleScope}
    rows = LoginThrottle.objects.filter(key__in=keys, locked_until__gt=at).order_by("-locked_until")
    row = rows.first()
    if row is None:
        return None
    assert row.locked_until is not None
    return Lockout(scope=ThrottleScope(row.scope), until=row.locked_until, now=at)


def user_is_security_admin(*, user: AnyUser) -> bool:
    """Superusers and administrators of a top-level body see and lift lockouts."""
    if not user.is_authenticated:
        return False
    if getattr(user, "is_superuser", False):
        return True
    return Membership.objects.filter(user_id=user.pk, role=MemberRole.ADMIN, body__parent__isnull=True).exists()


def lockout_list(*, user: AnyUser, now: datetime | None = None) -> QuerySet[LoginThrottle]:
    """Current lockouts ``user`` may see: all for a superuser; for an administrator of a top-level body, those of
    user names belonging to people of the bodies they see. Empty for everyone else."""
    at = now_or(now)
    rows = LoginThrottle.objects.filter(locked_until__gt=at).order_by("locked_until")
    if not user_is_security_admin(user=user):
        return rows.none()
    if getattr(user, "is_superuser", False):
        return rows
    names = [
        u.casefold()
        for u in User.objects.filter(memberships__body_id__in=body_ids_visible(user=user)).values_list(
            "username", flat=True
        )
    ]
    return rows.filter(Q(scope=ThrottleScope.USER_ADDRESS) & Q(username__in=names))


def access_lockout_by_id(user: AnyUser, throttle_id: int, *, now: datetime | None = None) -> LoginThrottle:
    """A current lockout ``user`` may lift; 404 alike for a missing one and one they may not see."""
    row = lockout_list(user=user, now=now).filter(pk=throttle_id).first()
    if row is None:
        raise Http404(NOT_FOUND)
    return row
