"""The page shown when a request fails unexpectedly (Django's ``handler500``): a clear Chinese message, never a
traceback, and for the two faults an operator expects — the database unreachable (restarting, failing over) and a
full disk (an upload or a write that does not fit) — what happened and what to do.

Nothing half-done is left behind by such a failure: every write runs in one transaction (the services), which
the failure rolls back, and an upload that cannot be spooled to disk fails before any service is called.

The page is built without templates or context processors (they may need the database that just failed).
"""

from __future__ import annotations

import errno
import logging
import sys
from dataclasses import dataclass
from html import escape

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse

from xxgk.web.ops.logging import request_id_var

logger = logging.getLogger("xxgk.web.errors")

_DISK_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
#: How database servers word a full disk (PostgreSQL, SQLite).
_DISK_FULL_WORDS = ("no space left on device", "could not extend file", "database or disk is full", "disk full")


@dataclass(frozen=True)
class Failure:
    status: int
    title: str
    message: str
    retry_after: int | None = None


DISK_FULL = Failure(
    507,
    "存储空间不足",
    "服务器的存储空间已满，本次提交（包括上传的文件）没有保存，已保存的内容不受影响。请稍后重试；如问题持续，请联系系统管理员。",
)
DATABASE_DOWN = Failure(
    503,
    "数据库暂时无法访问",
    "系统的数据库暂时无法连接（可能正在重启或切换），本次操作没有完成，也没有保存任何内容。请稍等片刻后刷新页面重试。",
    retry_after=30,
)
INTERNAL = Failure(
    500,
    "服务器内部错误",
    "处理您的请求时发生了意外错误，本次操作没有完成。错误已记录，请稍后重试；如问题持续，请联系系统管理员，并告知发生时间。",
)


def classify(exc: BaseException | None) -> Failure:
    """Which failure ``exc`` (or an exception it was raised from) is."""
    seen: set[int] = set()
    current = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in _DISK_FULL_ERRNOS:
            return DISK_FULL
        if isinstance(current, DatabaseError) and any(w in str(current).lower() for w in _DISK_FULL_WORDS):
            return DISK_FULL
        if isinstance(current, (OperationalError, InterfaceError)):
            return DATABASE_DOWN
        current = current.__cause__ or current.__context__
    return INTERNAL


def failure_page(failure: Failure, request_id: str = "") -> str:
    reference = f'<p class="ref">请求编号：{escape(request_id)}</p>' if request_id else ""
    return (
        '<!DOCTYPE html><html lang="zh-Hans"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(failure.title)} · 政府信息公开办理系统</title></head>"
        f"<body><main><h1>{escape(failure.title)}</h1><p>{escape(failure.message)}</p>{reference}"
        '<p><a href="/">返回首页</a></p></main></body></html>'
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: called by Django inside its exception handler, so the exception is ``sys.exc_info()``."""
    failure = classify(sys.exc_info()[1])
    rid = request_id_var.get()
    request_id = "" if rid == "-" else rid[:64]
    response = HttpResponse(failure_page(failure, request_id), status=failure.status)
    if failure.retry_after is not None:
        response["Retry-After"] = str(failure.retry_after)
    if failure is not INTERNAL:
        logger.error("request failed: %s (%s)", failure.title, type(sys.exc_info()[1]).__name__)
    return response
