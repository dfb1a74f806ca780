"""A ceiling on the size of any request body, checked before a byte of it is read.

Django limits the non-file part of a form (``DATA_UPLOAD_MAX_MEMORY_SIZE``) and the number of files and fields,
but not the total size of uploaded files: those are spooled to a temporary file as they arrive, so one request of
many gigabytes would fill the disk before any form could say "too large". Every upload page has its own, smaller
limit (100 MB for a batch check, 20 MB for an attachment …); this middleware only stops requests larger than any
page accepts, with ``413 Payload Too Large`` and a message in the language the request asks for (it runs before
``LocaleMiddleware``, so it reads the language itself: :func:`xxgk.web.security.errors.page_language`). The
reverse proxy should have the same limit (nginx ``client_max_body_size``).

Setting (read when used): ``XXGK_MAX_REQUEST_MB`` (default 110: the batch-check upload's 100 MB and the form
around it).
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from xxgk.web.security.errors import html_lang, page_language

TOO_LARGE = gettext_noop("提交的内容过大（%(size)s MB，上限 %(limit)s MB），未接收。请分批上传或压缩文件后重试。")


def max_request_bytes() -> int:
    return int(float(getattr(settings, "XXGK_MAX_REQUEST_MB", 110)) * 1024 * 1024)


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".removesuffix(".0")


class RequestSizeLimitMiddleware:
    """Answers 413 to a request whose declared body (``Content-Length``) exceeds :func:`max_request_bytes`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = max_request_bytes()
        if length > limit:
            with translation.override(page_language(request)):
                message = _(TOO_LARGE) % {"size": _mb(length), "limit": _mb(limit)}
                title = escape(_("提交的内容过大"))
                page = (
                    f'<!DOCTYPE html><html lang="{escape(html_lang())}"><head><meta charset="utf-8">'
                    f"<title>{title}</title></head><body><main><h1>{title}</h1><p>{escape(message)}</p></main>"
                    "</body></html>"
                )
            response = HttpResponse(page, status=413)
            response["Connection"] = "close"  # the body is not read: the connection cannot be reused
            return response
        return self.get_response(request)
