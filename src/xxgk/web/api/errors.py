"""How the API answers errors: always JSON ``{"detail": "<中文>", "code": "…"}``, never a traceback.

=====  ==================  ===================================================================================
401    token_*             no token, or an unknown, revoked or expired one (``WWW-Authenticate: Bearer``)
403    forbidden           a supervising body's user trying to write, or a role the action needs is missing
404    not_found           missing, or not visible to the caller — the same answer for both
409    workflow            the request is well-formed but the workflow (the 条例's rules) refuses it
409    version_conflict    ``If-Match`` names a version of the application that is no longer current
422    validation          the request does not have the required shape; ``errors`` names each field
422    invalid             another refusal of the input by the core (calendar or report data)
500    server_error        a bug; logged with its traceback on the server
=====  ==================  ===================================================================================
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any, TypeVar, cast

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from xxgk.core.errors import WorkflowError, XxgkError
from xxgk.web.api.selectors import TOKEN_MISSING, TokenRejected
from xxgk.web.cases.concurrency import StaleCaseError
from xxgk.web.tenancy.selectors import NOT_FOUND

logger = logging.getLogger("xxgk.web.api")

FORBIDDEN = "您无权执行此操作"
SERVER_ERROR = "服务器内部错误，请联系系统管理员"
INVALID_JSON = "请求体不是有效的 JSON"
BODY_REQUIRED = "须提供 JSON 请求体"
UNPARSABLE = "Cannot parse request body"
VERSION_CONFLICT = "该申请已被他人修改，请求所依据的版本（If-Match）已不是当前版本：请重新读取该申请，核对后再提交"

_LOCATIONS = {"body": "body", "query": "query", "path": "path", "header": "header", "cookie": "cookie", "form": "body"}


def _error(api: NinjaAPI, request: HttpRequest, status: int, code: str, detail: str, **extra: Any) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "code": code, **extra}, status=status)


def _message(error: dict[str, Any]) -> str:
    """A Chinese message for one pydantic error (its English message when the type is not known here)."""
    kind = str(error.get("type", ""))
    ctx: dict[str, Any] = error.get("ctx") or {}
    msg = str(error.get("msg", ""))
    known = {
        "missing": "必填",
        "extra_forbidden": "不接受此字段",
        "json_invalid": INVALID_JSON,
        "date_type": "应为日期（YYYY-MM-DD）",
        "date_parsing": "应为日期（YYYY-MM-DD）",
        "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
        "date_from_datetime_inexact": "应为日期（YYYY-MM-DD），不含时间",
        "int_type": "应为整数",
        "int_parsing": "应为整数",
        "int_from_float": "应为整数",
        "decimal_type": "应为数字",
        "decimal_parsing": "应为数字",
        "bool_type": "应为 true 或 false",
        "bool_parsing": "应为 true 或 false",
        "string_type": "应为字符串",
        "list_type": "应为数组",
        "model_type": "应为对象",
        "dict_type": "应为对象",
        "model_attributes_type": "应为对象",
    }
    if kind == "missing" and [str(p) for p in error.get("loc", ())] == ["body", "payload"]:
        return BODY_REQUIRED
    if kind in known:
        return known[kind]
    if kind in ("enum", "literal_error"):
        return f"取值无效，可选：{str(ctx.get('expected', '')).replace(' or ', ', ')}"
    if kind == "string_too_short":
        return "不能为空" if ctx.get("min_length") == 1 else f"至少 {ctx.get('min_length')} 个字符"
    if kind == "string_too_long":
        return f"不能超过 {ctx.get('max_length')} 个字符"
    if kind == "too_short":
        return f"至少 {ctx.get('min_length')} 项"
    if kind == "too_long":
        return f"最多 {ctx.get('max_length')} 项"
    if kind == "greater_than":
        return f"应大于 {ctx.get('gt')}"
    if kind == "greater_than_equal":
        return f"应不小于 {ctx.get('ge')}"
    if kind == "less_than":
        return f"应小于 {ctx.get('lt')}"
    if kind == "less_than_equal":
        return f"应不大于 {ctx.get('le')}"
    if kind == "decimal_max_places":
        return f"最多 {ctx.get('decimal_places')} 位小数"
    if kind == "decimal_max_digits":
        return f"最多 {ctx.get('max_digits')} 位数字"
    if kind == "value_error":
        return msg.removeprefix("Value error, ")
    return msg


def field_errors(errors: Sequence[dict[str, Any]]) -> list[dict[str, str]]:
    """Ninja's validation errors as ``{"field", "location", "message", "type"}``; the location (body, query, path)
    and the name of the body parameter are taken off the field path, so ``["body", "payload", "applicant",
    "name"]`` becomes ``applicant.name`` in the body."""
    out: list[dict[str, str]] = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        location = _LOCATIONS.get(loc[0], loc[0]) if loc else "body"
        rest = loc[1:]
        if location == "body" and len(rest) > 1:
            rest = rest[1:]  # the operation's body parameter ("payload")
        elif location == "body" and rest == ["payload"]:
            rest = []
        out.append(
            {
                "field": ".".join(rest),
                "location": location,
                "message": _message(error),
                "type": str(error.get("type", "")),
            }
        )
    return out


def install_error_handlers(api: NinjaAPI) -> None:
    """Make every error of ``api`` (and of every router mounted on it) a JSON error as in the module table."""

    def token_rejected(request: HttpRequest, exc: TokenRejected) -> HttpResponse:
        response = _error(api, request, 401, exc.code, exc.message)
        response["WWW-Authenticate"] = 'Bearer realm="xxgk"'
        return response

    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = _error(api, request, 401, "token_missing", TOKEN_MISSING)
        response["WWW-Authenticate"] = 'Bearer realm="xxgk"'
        return response

    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return _error(api, request, 404, "not_found", NOT_FOUND)

    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return _error(api, request, 403, "forbidden", str(exc) or FORBIDDEN)

    def workflow(request: HttpRequest, exc: WorkflowError) -> HttpResponse:
        return _error(api, request, 409, "workflow", exc.message)

    def version_conflict(request: HttpRequest, exc: StaleCaseError) -> HttpResponse:
        return _error(api, request, 409, "version_conflict", VERSION_CONFLICT)

    def invalid(request: HttpRequest, exc: XxgkError) -> HttpResponse:
        return _error(api, request, 422, "invalid", exc.message)

    def validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = field_errors(exc.errors)
        if any(e["type"] == "json_invalid" for e in errors):
            detail = INVALID_JSON
        else:
            detail = "请求数据有误：" + "；".join(f"{e['field'] or '请求体'}：{e['message']}" for e in errors)
        return _error(api, request, 422, "validation", detail, errors=errors)

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400 and str(exc).startswith(UNPARSABLE):  # ninja's wording for a body that is not JSON
            errors = [{"field": "", "location": "body", "message": INVALID_JSON, "type": "json_invalid"}]
            return _error(api, request, 422, "validation", INVALID_JSON, errors=errors)
        return _error(api, request, exc.status_code, "http_error", str(exc))

    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API error on %s %s", request.method, request.path, exc_info=exc)
        return _error(api, request, 500, "server_error", SERVER_ERROR)

    _on(api, TokenRejected, token_rejected)
    _on(api, AuthenticationError, unauthenticated)
    _on(api, Http404, not_found)
    _on(api, PermissionDenied, forbidden)
    _on(api, StaleCaseError, version_conflict)
    _on(api, WorkflowError, workflow)
    _on(api, XxgkError, invalid)
    _on(api, ValidationError, validation)
    _on(api, HttpError, http_error)
    _on(api, Exception, server_error)


_E = TypeVar("_E", bound=Exception)


def _on(api: NinjaAPI, exc_class: type[_E], handler: Callable[[HttpRequest, _E], HttpResponse]) -> None:
    """Register ``handler`` (ninja types handlers as also taking the exception class; ours take instances)."""
    api.add_exception_handler(exc_class, cast("Any", handler))
