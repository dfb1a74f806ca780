"""Request ids and the access log.

Every response carries ``X-Request-ID``: the proxy's id when the application is behind a trusted proxy
(``XXGK_BEHIND_PROXY=1``, nginx sends ``$request_id``) and the id looks sane, else a new random one. The id is
on every log line of the request (see :mod:`xxgk.web.ops.logging`). With ``XXGK_ACCESS_LOG`` (on by default with
JSON logs) one line per request is logged to ``xxgk.request``: method, path, status, duration, user id.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

from xxgk.web.ops.logging import current_user_id, request_id_var, request_var

HEADER = "X-Request-ID"
_META_KEY = "HTTP_X_REQUEST_ID"
_SANE_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")

access_log = logging.getLogger("xxgk.request")


def new_request_id() -> str:
    return uuid.uuid4().hex


def incoming_request_id(request: HttpRequest) -> str | None:
    """The proxy's request id, trusted only behind a proxy and only when it looks like an id."""
    if not getattr(settings, "XXGK_BEHIND_PROXY", False):
        return None
    value = request.META.get(_META_KEY, "")
    return value if _SANE_ID.match(value) else None


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        rid = incoming_request_id(request) or new_request_id()
        request.META[_META_KEY] = rid
        rid_token = request_id_var.set(rid)
        req_token = request_var.set(request)
        start = time.perf_counter()
        try:
            response = self.get_response(request)
            response[HEADER] = rid
            if getattr(settings, "XXGK_ACCESS_LOG", False):
                access_log.info(
                    "%s %s %s",
                    request.method,
                    request.path,
                    response.status_code,
                    extra={
                        "method": request.method,
                        "path": request.path,
                        "status": response.status_code,
                        "duration_ms": round((time.perf_counter() - start) * 1000, 1),
                        "user_id": current_user_id(),
                    },
                )
            return response
        finally:
            request_var.reset(req_token)
            request_id_var.reset(rid_token)
