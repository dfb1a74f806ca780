"""Pages of the security app: the throttled sign-in and the administrators' list of lockouts."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xxgk.web.security.forms import ThrottledAuthenticationForm
from xxgk.web.security.selectors import lockout_list, user_is_security_admin
from xxgk.web.security.services import NOT_ADMIN, login_unlock
from xxgk.web.tenancy.selectors import request_user


class ThrottledLoginView(LoginView):
    """``accounts/login/``: Django's login view with :class:`ThrottledAuthenticationForm`. A locked-out sign-in is
    answered ``429 Too Many Requests`` with ``Retry-After``."""

    form_class = ThrottledAuthenticationForm

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        lockout = getattr(form, "lockout", None)
        if lockout is not None:
            response.status_code = 429
            response["Retry-After"] = str(lockout.retry_after)
        return response


@login_required
def lockout_list_view(request: HttpRequest) -> HttpResponse:
    """Current login lockouts (system administrators)."""
    if not user_is_security_admin(user=request.user):
        raise PermissionDenied(NOT_ADMIN)
    return render(request, "security/lockouts.html", {"lockouts": list(lockout_list(user=request.user))})


@login_required
@require_POST
def lockout_unlock_view(request: HttpRequest, throttle_id: int) -> HttpResponse:
    row = login_unlock(actor=request_user(request), throttle_id=throttle_id)
    if row.username:
        messages.success(request, _("已解除对“%(name)s”的登录锁定") % {"name": row.username})
    else:
        messages.success(request, _("已解除对该网络地址的登录锁定"))
    return redirect("security:lockouts")
