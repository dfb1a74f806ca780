"""API tokens: a user's named bearer tokens. Only a SHA-256 hash of each token is stored, never the token."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_noop


class ApiToken(models.Model):
    """A bearer token of ``user``: shown once at creation, then known only by its ``prefix`` and ``name``.

    A token is valid while it is neither revoked nor expired and its user is active.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField("名称", max_length=100)
    prefix = models.CharField("前缀", max_length=16, help_text="令牌的开头几个字符，仅用于识别")
    token_hash = models.CharField("令牌摘要（SHA-256）", max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用时间", null=True, blank=True)
    expires_at = models.DateTimeField("到期时间", null=True, blank=True)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"
        ordering = ("-created_at", "-id")
        indexes = (models.Index(fields=("user", "revoked_at"), name="apitoken_user_idx"),)

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"

    def is_expired(self, now: datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now

    def is_active(self, now: datetime) -> bool:
        return self.revoked_at is None and not self.is_expired(now)

    def state_label(self, now: datetime) -> str:
        if self.revoked_at is not None:
            return gettext_noop("已撤销")
        if self.is_expired(now):
            return gettext_noop("已过期")
        return gettext_noop("有效")
