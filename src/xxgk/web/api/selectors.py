"""Reads of API tokens: a user's list, access by id, and checking a presented bearer token."""

from __future__ import annotations

import hmac
from datetime import datetime

from django.contrib.auth.models import User
from django.http import Http404

from xxgk.web.api.crypto import MAX_TOKEN_LENGTH, TOKEN_SCHEME, token_hash
from xxgk.web.api.models import ApiToken
from xxgk.web.tenancy.selectors import NOT_FOUND, AnyUser

TOKEN_MISSING = "需要接口令牌：请在请求头中提供 Authorization: Bearer <令牌>"
TOKEN_INVALID = "接口令牌无效"
TOKEN_REVOKED = "接口令牌已撤销"
TOKEN_EXPIRED = "接口令牌已过期"
USER_INACTIVE = "令牌所属用户已停用"


class TokenRejected(Exception):
    """A bearer token that does not authenticate: ``code`` is stable, ``message`` is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def api_token_list(*, user: AnyUser) -> list[ApiToken]:
    """The tokens of ``user``, newest first (revoked and expired ones included, for the record)."""
    if not user.is_authenticated:
        return []
    return list(ApiToken.objects.filter(user_id=user.pk).order_by("-created_at", "-id"))


def access_api_token_by_id(user: AnyUser, token_id: int) -> ApiToken:
    """The token ``token_id`` if it belongs to ``user``; Http404 alike for missing and another user's token."""
    if not user.is_authenticated:
        raise Http404(NOT_FOUND)
    try:
        return ApiToken.objects.get(pk=token_id, user_id=user.pk)
    except ApiToken.DoesNotExist:
        raise Http404(NOT_FOUND) from None


def api_token_authenticate(*, token: str, now: datetime) -> ApiToken:
    """The valid token row for the bearer value ``token`` (with its user loaded); :class:`TokenRejected` when it
    is unknown, revoked, expired or its user is inactive."""
    token = token.strip()
    if not token:
        raise TokenRejected("token_missing", TOKEN_MISSING)
    if len(token) > MAX_TOKEN_LENGTH or not token.startswith(TOKEN_SCHEME):
        raise TokenRejected("token_invalid", TOKEN_INVALID)
    digest = token_hash(token)
    row = ApiToken.objects.select_related("user").filter(token_hash=digest).first()
    if row is None or not hmac.compare_digest(row.token_hash, digest):
        raise TokenRejected("token_invalid", TOKEN_INVALID)
    if row.revoked_at is not None:
        raise TokenRejected("token_revoked", TOKEN_REVOKED)
    if row.is_expired(now):
        raise TokenRejected("token_expired", TOKEN_EXPIRED)
    user = row.user
    if not isinstance(user, User) or not user.is_active:
        raise TokenRejected("user_inactive", USER_INACTIVE)
    return row
