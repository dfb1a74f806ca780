"""Login throttling: failed sign-ins counted per (user name, client address) and per client address.

One row per key and scope, kept in the database so that the count and the lockout hold across worker processes and
machines (Django's default cache is per process). The client address is never stored: rows carry a keyed hash of
it (``HMAC-SHA256(SECRET_KEY, address)``); the user name as typed (case-folded) is kept so that an administrator
can see and lift a lockout.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ThrottleScope(models.TextChoices):
    USER_ADDRESS = "user_ip", _("用户名 + 地址")
    ADDRESS = "ip", _("地址")


class LoginThrottle(models.Model):
    """Failed sign-ins of one key in the current window and, once too many, the lockout's end."""

    scope = models.CharField("范围", max_length=10, choices=ThrottleScope.choices)
    key = models.CharField("键（哈希）", max_length=64, unique=True)
    username = models.CharField("用户名", max_length=150, blank=True)
    address_hash = models.CharField("地址（哈希）", max_length=64)
    failures = models.PositiveIntegerField("失败次数", default=0)
    window_started_at = models.DateTimeField("计数开始时间")
    last_failure_at = models.DateTimeField("最近失败时间")
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)

    class Meta:
        verbose_name = "登录失败计数"
        verbose_name_plural = "登录失败计数"
        ordering = ("-last_failure_at",)
        indexes = (
            models.Index(fields=("locked_until",), name="loginthrottle_locked_idx"),
            models.Index(fields=("last_failure_at",), name="loginthrottle_last_idx"),
        )

    def __str__(self) -> str:
        return f"{self.scope}:{self.username or '*'} ({self.failures})"
