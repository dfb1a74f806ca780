"""Deployment checks of the security app (``manage.py check --deploy``): the protections this app provides are
actually switched on."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register
from django.urls import NoReverseMatch, resolve, reverse

CSP_MIDDLEWARE = "xxgk.web.security.csp.ContentSecurityPolicyMiddleware"
SIZE_MIDDLEWARE = "xxgk.web.security.limits.RequestSizeLimitMiddleware"


@register(Tags.security, deploy=True)
def check_security_app(
    *, app_configs: Sequence[AppConfig] | None, databases: Sequence[str] | None, **kwargs: Any
) -> list[CheckMessage]:
    issues: list[CheckMessage] = []
    if CSP_MIDDLEWARE not in settings.MIDDLEWARE:
        issues.append(
            Warning(
                "未启用内容安全策略（Content-Security-Policy）中间件。",
                hint=f"在 MIDDLEWARE 中 SecurityMiddleware 之后加入 {CSP_MIDDLEWARE!r}。",
                id="xxgk.W951",
            )
        )
    if SIZE_MIDDLEWARE not in settings.MIDDLEWARE:
        issues.append(
            Warning(
                "未启用请求大小上限中间件，超大的上传会先写满临时目录所在的磁盘。",
                hint=f"在 MIDDLEWARE 的最前面（RequestIdMiddleware 之后）加入 {SIZE_MIDDLEWARE!r}。",
                id="xxgk.W953",
            )
        )
    if getattr(settings, "XXGK_BEHIND_PROXY", False) and not getattr(settings, "XXGK_PORTAL_PROXY_COUNT", 0):
        issues.append(
            Warning(
                "应用在反向代理之后（XXGK_BEHIND_PROXY=1），但未设置 XXGK_PORTAL_PROXY_COUNT：所有登录都会被记为"
                "来自代理的地址，少数人输错密码就会让全部用户暂停登录，网上申请的频率限制也会作用于所有人。",
                hint="设置 XXGK_PORTAL_PROXY_COUNT 为写入 X-Forwarded-For 的可信代理层数（只有 nginx 时为 1）。",
                id="xxgk.W955",
            )
        )
    from xxgk.web.security.csp import dynamic_inline_code, template_sources

    for template, snippet in dynamic_inline_code(template_sources()):
        issues.append(
            Warning(
                f"模板 {template} 中的内联代码含有模板变量，启用内容安全策略后浏览器将拒绝执行：{snippet[:80]}",
                hint='改为在静态文件中绑定行为，例如 <form data-confirm="…"> 配合 xxgk/security/behaviours.js。',
                id="xxgk.W954",
            )
        )
    from xxgk.web.security.views import ThrottledLoginView

    try:
        view_class = getattr(resolve(reverse("login")).func, "view_class", None)
    except NoReverseMatch:
        view_class = None
    if not (isinstance(view_class, type) and issubclass(view_class, ThrottledLoginView)):
        issues.append(
            Warning(
                "登录页未使用带失败次数限制的登录视图，密码可被无限次尝试。",
                hint="将 accounts/login/ 指向 xxgk.web.security.views.ThrottledLoginView。",
                id="xxgk.W952",
            )
        )
    return issues
