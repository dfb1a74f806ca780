"""The REST API: one :class:`~ninja.NinjaAPI`, token-authenticated, with one router per area under ``/v1/``.

To add an area (reports, proactive disclosure, registers …), write a ``ninja.Router`` in the area's app (its
operations call :func:`xxgk.web.api.auth.api_user` and the app's selectors/services, and declare their error
responses with :data:`xxgk.web.api.schemas.READ_ERRORS` / ``WRITE_ERRORS``) and add one line to :data:`AREAS`.
Every router inherits the token authentication and the JSON error handling of :mod:`xxgk.web.api.errors`.
"""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from xxgk.web.api.auth import token_auth
from xxgk.web.api.docs import LocalDocs
from xxgk.web.api.errors import install_error_handlers
from xxgk.web.api.v1 import applications, bodies, reference
from xxgk.web.litigation.api import router as litigation_router
from xxgk.web.proactive import api as proactive_api
from xxgk.web.registers.api import router as registers_router

DESCRIPTION = "\n\n".join(
    (
        "政府信息公开办理系统（xxgk）的接口：依申请公开的申请及其办理（登记、补正、征求意见、延期、收费、答复……）、"
        "主动公开、统计台账、行政复议和行政诉讼，"
        "与办理页面相同的权限范围。",
        "认证：每个请求在请求头中提供 `Authorization: Bearer <令牌>`。令牌在“接口令牌”页面（/api/tokens/）创建，"
        "或由管理员执行 `manage.py xxgk_api_token <用户名> --name <名称>` 创建；令牌只在创建时显示一次。"
        "接口不接受登录会话（Cookie）。"
        "例外：主动公开的信息类别和公开目录（/api/v1/proactive/categories、/api/v1/proactive/catalogue/…）为公开接口，"
        "无需令牌，只返回公开网站 /open/ 已展示的内容。",
        "权限：只能看到本机关及下级机关的数据（下级机关只读）；其他机关的对象与不存在的对象一样返回 404；"
        "上级机关的写操作返回 403。",
        '错误：均为 JSON `{"detail": "中文说明", "code": "错误代码"}`；请求格式有误返回 422 并在 errors 中列出字段；'
        "业务规则（《政府信息公开条例》）不允许的操作返回 409。",
        '并发办理（乐观锁）：读取申请时响应头 `ETag` 为申请的当前版本（即 `version` 字段加引号，如 `"7"`）；'
        "办理操作在请求头 `If-Match` 中带上它，申请在此期间已被他人办理或修改的返回 409 `version_conflict`，"
        "不执行该操作，请重新读取后再提交。不带 `If-Match` 的请求不比较版本（兼容旧调用方）。",
        "日期为 ISO 8601（YYYY-MM-DD），金额为字符串（元）。年报单元格代码见 docs/cell-codes.md。",
    )
)


class UnicodeJSONRenderer(JSONRenderer):
    """JSON with Chinese characters as they are (not ``\\uXXXX`` escapes)."""

    json_dumps_params: dict[str, Any] = {"ensure_ascii": False}  # noqa: RUF012 - read-only class setting


api = NinjaAPI(
    title="xxgk 政府信息公开 API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=token_auth,
    renderer=UnicodeJSONRenderer(),
    docs=LocalDocs(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_error_handlers(api)

#: (path prefix, router) of every area, in the order of the documentation.
AREAS = [
    ("/v1/bodies", bodies.router),
    ("/v1/applications", applications.router),
    ("/v1", reference.router),
    ("/v1/registers", registers_router),
    ("/v1/litigation", litigation_router),
    ("/v1/proactive", proactive_api.router),
]
for _prefix, _router in AREAS:
    api.add_router(_prefix, _router)
