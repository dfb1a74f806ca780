"""The page shown when a request fails unexpectedly (Django's ``handler500``): a clear message, never a
traceback, and for the two faults an operator expects — the database unreachable (restarting, failing over) and a
full disk (an upload or a write that does not fit) — what happened and what to do. The request id is shown, so a
user can quote it and an operator find the request's log lines.

The other error pages Django would show in English are here too, in the same form: ``handler400``, ``handler403``,
``handler404`` (without the request id: see :func:`page_not_found`) and ``CSRF_FAILURE_VIEW`` (a form posted
from an expired page).

Nothing half-done is left behind by such a failure: every write runs in one transaction (the services), which
the failure rolls back, and an upload that cannot be spooled to disk fails before any service is called.

The page is built without templates or context processors (they may need the database that just failed). Its
texts are Chinese msgids (``gettext_noop``), translated when the page is written in the language the request asks
for (its cookie or ``Accept-Language``, read without the session: see :func:`page_language`); the log keeps them
Chinese.
"""

from __future__ import annotations

import errno
import logging
import sys
from dataclasses import dataclass, replace
from html import escape

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

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
    gettext_noop("存储空间不足"),
    gettext_noop(
        "服务器的存储空间已满，本次提交（包括上传的文件）没有保存，已保存的内容不受影响。请稍后重试；如问题持续，请联系系统管理员。"
    ),
)
DATABASE_DOWN = Failure(
    503,
    gettext_noop("数据库暂时无法访问"),
    gettext_noop(
        "系统的数据库暂时无法连接（可能正在重启或切换），本次操作没有完成，也没有保存任何内容。请稍等片刻后刷新页面重试。"
    ),
    retry_after=30,
)
INTERNAL = Failure(
    500,
    gettext_noop("服务器内部错误"),
    gettext_noop(
        "处理您的请求时发生了意外错误，本次操作没有完成。错误已记录，请稍后重试；如问题持续，请联系系统管理员，并告知发生时间。"
    ),
)


NOT_FOUND = Failure(
    404,
    gettext_noop("页面不存在"),
    gettext_noop("您要访问的页面不存在，或者您没有查看它的权限。请检查网址，或返回首页重新进入。"),
)
FORBIDDEN = Failure(
    403,
    gettext_noop("无权进行此操作"),
    gettext_noop("您没有进行此操作的权限。如确需办理，请联系本机关的系统管理员。"),
)
BAD_REQUEST = Failure(
    400,
    gettext_noop("请求无效"),
    gettext_noop("服务器无法处理这个请求（网址或提交的内容不符合要求），本次操作没有完成。请返回上一页重试。"),
)
CSRF_FAILED = Failure(
    403,
    gettext_noop("页面已过期，提交没有保存"),
    gettext_noop(
        "系统无法确认这次提交来自本站的页面（页面打开时间过长、已经退出登录，或浏览器禁用了 Cookie）。"
        "为保护您的账户，本次提交没有保存。请返回上一页，刷新页面后重新提交。"
    ),
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


def html_lang() -> str:
    """The ``lang`` attribute of a page in the active language (``zh-Hans``, ``en`` …), as ``base.html`` writes it."""
    code = translation.get_language() or "zh-hans"
    return "zh-Hans" if code == "zh-hans" else code


def page_language(request: HttpRequest) -> str:
    """The language ``request`` asks for (the language switch's cookie, then ``Accept-Language``, else
    ``LANGUAGE_CODE``), as ``LocaleMiddleware`` picks it: known even when the failure happened before that
    middleware ran, and read without the session or the database."""
    return translation.get_language_from_request(request)


def failure_page(failure: Failure, request_id: str = "") -> str:
    """The page of ``failure`` in the active language (the request id, when given, as a reference to quote)."""
    title, message = escape(_(failure.title)), escape(_(failure.message))
    site, home, ref = escape(_("政府信息公开办理系统")), escape(_("返回首页")), escape(_("请求编号："))
    reference = f'<p class="ref">{ref}{escape(request_id)}</p>' if request_id else ""
    return (
        f'<!DOCTYPE html><html lang="{escape(html_lang())}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title} · {site}</title></head>"
        f"<body><main><h1>{title}</h1><p>{message}</p>{reference}"
        f'<p><a href="/">{home}</a></p></main></body></html>'
    )


def _request_id() -> str:
    rid = request_id_var.get()
    return "" if rid == "-" else rid[:64]


def _page(request: HttpRequest, failure: Failure, *, with_id: bool = True) -> HttpResponse:
    with translation.override(page_language(request)):
        page = failure_page(failure, _request_id() if with_id else "")
    return HttpResponse(page, status=failure.status)


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: called by Django inside its exception handler, so the exception is ``sys.exc_info()``."""
    failure = classify(sys.exc_info()[1])
    response = _page(request, failure)
    if failure.retry_after is not None:
        response["Retry-After"] = str(failure.retry_after)
    if failure is not INTERNAL:
        logger.error("request failed: %s (%s)", failure.title, type(sys.exc_info()[1]).__name__)
    return response


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """``handler400`` (a malformed request, a host name not allowed …): the reason stays in the log."""
    return _page(request, BAD_REQUEST)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """``handler403``: the refusal's own message when it has one (the services write them for users, such as
    "只有系统管理员可以解除登录锁定"; translated when it is a msgid of the catalogue), else a general one."""
    args: tuple[object, ...] = exception.args if exception is not None else ()
    message = args[0] if len(args) == 1 else None
    if isinstance(message, str) and message.strip():
        return _page(request, replace(FORBIDDEN, message=message))
    return _page(request, FORBIDDEN)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """``handler404``: byte for byte the same page for a missing object and one the user may not see (scoped
    access answers 404 alike, and the tests compare the pages), so without the request id (it is in the
    ``X-Request-ID`` header) and nothing of the URL resolver's details."""
    return _page(request, NOT_FOUND, with_id=False)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """``CSRF_FAILURE_VIEW``: a form posted without a valid token (usually a page left open too long). Django's
    CSRF middleware has already logged the reason."""
    return _page(request, CSRF_FAILED)
