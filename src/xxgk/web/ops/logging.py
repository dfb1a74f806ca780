"""Structured logs: the request id and user id of the current request (or job) on every log record, and a JSON
formatter (``XXGK_LOG_FORMAT=json``) that writes one object per line for a log collector.

:class:`RequestContextFilter` adds ``request_id`` and ``user_id`` to each record from context variables that
:class:`~xxgk.web.ops.middleware.RequestIdMiddleware` (web requests) and the job runner (background jobs) set.
"""

from __future__ import annotations

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

#: The id of the request (or ``job-<id>`` for a background job) being handled in this context.
request_id_var: ContextVar[str] = ContextVar("xxgk_request_id", default="-")
#: The user's id when set explicitly (a job's starter); else it is read from the current request.
user_id_var: ContextVar[str] = ContextVar("xxgk_user_id", default="")
#: The request being handled in this context (its user, once authentication ran, goes on the records).
request_var: ContextVar[Any] = ContextVar("xxgk_request", default=None)

#: Extra attributes copied into the JSON object when a record carries them (``logger.info(..., extra={...})``).
EXTRA_FIELDS: tuple[str, ...] = (
    "method",
    "path",
    "status",
    "duration_ms",
    "remote_addr",
    "job_id",
    "job_kind",
    "worker",
    "attempt",
)

_RESERVED = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}


def current_user_id() -> str:
    """The id of the user of this context: set explicitly, or the request's user if authentication already ran
    (never forces a session lookup); "" for anonymous."""
    explicit = user_id_var.get()
    if explicit:
        return explicit
    user = getattr(request_var.get(), "_cached_user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    return str(user.pk)


class RequestContextFilter(logging.Filter):
    """Puts ``request_id`` and ``user_id`` on every record (never filters anything out)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        if not hasattr(record, "user_id"):
            record.user_id = current_user_id()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record: ``ts`` (UTC, ISO 8601), ``level``, ``logger``, ``message``, ``request_id``,
    ``user_id``, the known extra fields, and ``exc`` (the traceback) when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        doc: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id_var.get()),
            "user_id": getattr(record, "user_id", None) or current_user_id(),
            "pid": record.process,
        }
        for key in EXTRA_FIELDS:
            value = getattr(record, key, None)
            if value is not None:
                doc[key] = value
        for key, value in record.__dict__.items():
            if key.startswith("xxgk_") and key not in _RESERVED:
                doc[key.removeprefix("xxgk_")] = value
        if record.exc_info:
            doc["exc"] = self.formatException(record.exc_info)
        if record.stack_info:
            doc["stack"] = self.formatStack(record.stack_info)
        return json.dumps(doc, ensure_ascii=False, default=str)
