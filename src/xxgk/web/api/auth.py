"""Bearer-token authentication of the API (the only way in: session cookies are not accepted).

Every area router mounted on :data:`xxgk.web.api.api.api` inherits :data:`token_auth`; inside an operation,
:func:`api_user` is the user the token belongs to, to be passed to the same selectors and services the pages use
(``access_<thing>_by_id(user, id)``, ``body_ids_visible(user=…)``, …).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from xxgk.web.api.selectors import TOKEN_MISSING, TokenRejected, api_token_authenticate
from xxgk.web.api.services import api_token_touch


class ApiTokenAuth(HttpBearer):
    """``Authorization: Bearer <token>`` with a token created on /api/tokens/ or by ``manage.py xxgk_api_token``.

    Raises :class:`~xxgk.web.api.selectors.TokenRejected` (answered 401 with a JSON error) for a missing, unknown,
    revoked or expired token. On success the request's ``auth`` and ``user`` are the token's user and
    ``api_token`` the token row.
    """

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get(self.header, "")
        scheme, _, value = header.strip().partition(" ")
        if scheme.lower() != self.openapi_scheme or not value.strip():
            raise TokenRejected("token_missing", TOKEN_MISSING)
        return self.authenticate(request, value)

    def authenticate(self, request: HttpRequest, token: str) -> User:
        now = timezone.now()
        row = api_token_authenticate(token=token, now=now)
        api_token_touch(token=row, now=now)
        user = row.user
        request.user = user  # the session's user (if any) never stands in for the token's
        request.api_token = row  # type: ignore[attr-defined]
        return user


token_auth = ApiTokenAuth()


def api_user(request: HttpRequest) -> User:
    """The user of the token that authenticated ``request`` (operations run only after :data:`token_auth`)."""
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        raise TokenRejected("token_missing", TOKEN_MISSING)
    return user
