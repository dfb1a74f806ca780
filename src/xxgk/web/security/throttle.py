"""The login throttle's parameters, keys and the refusal it produces (no database writes here).

Parameters are read from the settings when used (defaults in brackets):

* ``XXGK_LOGIN_FAILURE_LIMIT`` [5] failed sign-ins for one user name from one client address within
  ``XXGK_LOGIN_FAILURE_WINDOW`` [900 s] lock that pair out for ``XXGK_LOGIN_LOCKOUT`` [900 s];
* ``XXGK_LOGIN_ADDRESS_FAILURE_LIMIT`` [50] failed sign-ins from one client address, whatever the user names, within
  the same window lock the address out (password spraying) for the same time.

A lockout refuses the correct password too, and it is keyed on the user name *as typed*, so that it reveals
nothing about which accounts exist. Successful sign-ins reset the (user name, address) count only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext, gettext_noop, ngettext

from xxgk.web.security.models import ThrottleScope

_KEY_SALT = "xxgk.web.security.login"
_ADDRESS_SALT = "xxgk.web.security.address"

LOCKED_MESSAGE = gettext_noop("登录失败次数过多，已暂停登录，请%(wait)s后再试。如忘记密码，请联系系统管理员。")
ADDRESS_LOCKED_MESSAGE = gettext_noop("来自您所在网络地址的登录失败次数过多，已暂停登录，请%(wait)s后再试。")


def failure_limit() -> int:
    return int(getattr(settings, "XXGK_LOGIN_FAILURE_LIMIT", 5))


def address_failure_limit() -> int:
    return int(getattr(settings, "XXGK_LOGIN_ADDRESS_FAILURE_LIMIT", 50))


def failure_window() -> timedelta:
    return timedelta(seconds=float(getattr(settings, "XXGK_LOGIN_FAILURE_WINDOW", 900)))


def lockout_duration() -> timedelta:
    return timedelta(seconds=float(getattr(settings, "XXGK_LOGIN_LOCKOUT", 900)))


def normalise_username(username: str) -> str:
    """The user name as counted: stripped and case-folded (``Admin`` and ``admin`` share one count)."""
    return username.strip().casefold()[:150]


def address_hash(address: str) -> str:
    """The keyed hash standing for a client address (the address itself is never stored)."""
    return salted_hmac(_ADDRESS_SALT, address, algorithm="sha256").hexdigest()


def throttle_key(scope: ThrottleScope, *, username: str, address: str) -> str:
    """The row key of ``scope`` for this user name and address."""
    name = normalise_username(username) if scope == ThrottleScope.USER_ADDRESS else ""
    return salted_hmac(_KEY_SALT, f"{scope.value}\x00{name}\x00{address}", algorithm="sha256").hexdigest()


def now_or(now: datetime | None) -> datetime:
    return timezone.now() if now is None else now


@dataclass(frozen=True)
class Lockout:
    """A refused sign-in: why, until when, and how long to wait (for the message and ``Retry-After``)."""

    scope: ThrottleScope
    until: datetime
    now: datetime

    @property
    def retry_after(self) -> int:
        return max(1, math.ceil((self.until - self.now).total_seconds()))

    @property
    def wait_text(self) -> str:
        minutes = max(1, math.ceil(self.retry_after / 60))
        local = timezone.localtime(self.until)
        return ngettext("约 %(n)s 分钟（%(time)s）", "约 %(n)s 分钟（%(time)s）", minutes) % {
            "n": minutes,
            "time": f"{local:%H:%M}",
        }

    @property
    def message(self) -> str:
        template = ADDRESS_LOCKED_MESSAGE if self.scope == ThrottleScope.ADDRESS else LOCKED_MESSAGE
        return gettext(template) % {"wait": self.wait_text}
