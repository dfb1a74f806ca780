"""Pages about bodies: the bodies a user sees, and one body with its people."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from xxgk.web.tenancy.models import Membership
from xxgk.web.tenancy.selectors import access_body_by_id, body_ids_working, body_list_visible


@login_required
def body_list(request: HttpRequest) -> HttpResponse:
    bodies = body_list_visible(user=request.user)
    working = body_ids_working(user=request.user)
    return render(request, "tenancy/body_list.html", {"bodies": bodies, "working": working})


@login_required
def body_detail(request: HttpRequest, body_id: int) -> HttpResponse:
    body = access_body_by_id(request.user, body_id)
    members = Membership.objects.filter(body=body).select_related("user").order_by("role", "user__username")
    return render(
        request,
        "tenancy/body_detail.html",
        {"body": body, "members": members, "read_only": body.pk not in body_ids_working(user=request.user)},
    )
