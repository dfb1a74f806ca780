"""The token page: a signed-in user lists, creates (the token is shown once) and revokes their own API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from xxgk.core.errors import XxgkError
from xxgk.web.api.forms import TokenCreateForm
from xxgk.web.api.selectors import api_token_list
from xxgk.web.api.services import api_token_create, api_token_revoke
from xxgk.web.tenancy.selectors import request_user


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def token_list_view(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = TokenCreateForm(request.POST or None)
    secret = ""
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            created, secret = api_token_create(
                user=user, name=form.cleaned_data["name"], days=form.cleaned_data["days"], actor=user
            )
        except XxgkError as exc:
            form.add_error(None, exc.message)
        else:
            form = TokenCreateForm()
    now = timezone.now()
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "tokens": [(t, t.state_label(now)) for t in api_token_list(user=user)],
            "created": created,
            "secret": secret,
            "api_root": request.build_absolute_uri("/api/v1/"),
        },
    )


@login_required
@require_POST
def token_revoke_view(request: HttpRequest, token_id: int) -> HttpResponse:
    token = api_token_revoke(actor=request_user(request), token_id=token_id)
    messages.success(request, _("已撤销令牌：%(name)s（%(prefix)s…）") % {"name": token.name, "prefix": token.prefix})
    return redirect("api_tokens:list")
