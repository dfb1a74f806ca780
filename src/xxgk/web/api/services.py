"""Writes of API tokens: create (the token is returned once and never stored), revoke, record use."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from xxgk.core.errors import XxgkError
from xxgk.web.api.crypto import token_generate, token_hash, token_prefix
from xxgk.web.api.models import ApiToken
from xxgk.web.audit.codes import AuditCode
from xxgk.web.audit.services import audit_record
from xxgk.web.tenancy.selectors import NOT_FOUND

OBJECT_TYPE = "api_token"
MAX_NAME_LENGTH = 100
MAX_DAYS = 3650
#: ``last_used_at`` is written at most once per interval per token (no write on every request).
TOUCH_INTERVAL = timedelta(seconds=60)


class ApiTokenError(XxgkError):
    """A token could not be created as asked (Chinese message)."""

    default_message = "接口令牌参数有误"


def _iso(value: datetime | None) -> str | None:
    return None if value is None else timezone.localtime(value).isoformat(timespec="seconds")


def api_token_create(
    *, user: User, name: str, days: int | None, actor: User | None, now: datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a token for ``user`` valid for ``days`` days (``None``: until revoked). Returns the row and the
    token itself, which is not stored anywhere and cannot be shown again."""
    clean = name.strip()
    if not clean:
        raise ApiTokenError("请填写令牌名称（例如用途或调用系统的名称）")
    if len(clean) > MAX_NAME_LENGTH:
        raise ApiTokenError(f"令牌名称不能超过 {MAX_NAME_LENGTH} 个字符")
    if days is not None and (isinstance(days, bool) or not 1 <= days <= MAX_DAYS):
        raise ApiTokenError(f"有效期应为 1–{MAX_DAYS} 天，或留空表示长期有效")
    if not user.is_active:
        raise ApiTokenError(f"用户 {user.get_username()} 已停用，不能创建令牌")
    moment = now or timezone.now()
    secret = token_generate()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=clean,
            prefix=token_prefix(secret),
            token_hash=token_hash(secret),
            expires_at=moment + timedelta(days=days) if days is not None else None,
        )
        audit_record(
            code=AuditCode.API_TOKEN_CREATED,
            actor=actor,
            object_type=OBJECT_TYPE,
            object_id=token.pk,
            new={
                "user": user.get_username(),
                "name": token.name,
                "prefix": token.prefix,
                "expires_at": _iso(token.expires_at),
            },
            note="" if actor is not None and actor.pk == user.pk else f"为用户 {user.get_username()} 创建",
        )
    return token, secret


def api_token_revoke(*, actor: User, token_id: int, now: datetime | None = None) -> ApiToken:
    """Revoke one of ``actor``'s own tokens (Http404 for another user's); revoking twice changes nothing."""
    moment = now or timezone.now()
    with transaction.atomic():
        try:
            token = ApiToken.objects.select_for_update().get(pk=token_id, user_id=actor.pk)
        except ApiToken.DoesNotExist:
            raise Http404(NOT_FOUND) from None
        if token.revoked_at is not None:
            return token
        token.revoked_at = moment
        token.save(update_fields=["revoked_at"])
        audit_record(
            code=AuditCode.API_TOKEN_REVOKED,
            actor=actor,
            object_type=OBJECT_TYPE,
            object_id=token.pk,
            old={"revoked_at": None},
            new={"name": token.name, "prefix": token.prefix, "revoked_at": _iso(token.revoked_at)},
        )
    return token


def api_token_touch(*, token: ApiToken, now: datetime) -> None:
    """Record that ``token`` was used (at most once per :data:`TOUCH_INTERVAL`; not audited)."""
    if token.last_used_at is not None and now - token.last_used_at < TOUCH_INTERVAL:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
