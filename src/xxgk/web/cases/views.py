"""Pages of applications. Thin: parse the request, check access, call one service or selector, render."""

from __future__ import annotations

import csv

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from xxgk.core.errors import XxgkError
from xxgk.core.workflow import Action, Role
from xxgk.web.audit.selectors import audit_list_for_object
from xxgk.web.cases.forms import ACTION_FORMS, CaseFilterForm, RegistrationForm
from xxgk.web.cases.selectors import (
    CSV_HEADER,
    access_case_by_id,
    case_allowed_actions,
    case_core,
    case_events,
    case_export_rows,
    case_list,
)
from xxgk.web.cases.services import OBJECT_TYPE, SERVICES, case_register
from xxgk.web.tenancy.models import MemberRole
from xxgk.web.tenancy.selectors import NOT_FOUND, membership_list, request_user
from xxgk.web.workcalendar.selectors import calendar_get

LIST_LIMIT = 200


@login_required
def case_list_view(request: HttpRequest) -> HttpResponse:
    form = CaseFilterForm(request.GET or None)
    filters = form.filters(default_days=settings.XXGK_DUE_SOON_DAYS)
    calendar = calendar_get()
    cases = list(case_list(user=request.user, filters=filters, calendar=calendar)[: LIST_LIMIT + 1])
    return render(
        request,
        "cases/case_list.html",
        {
            "form": form,
            "filters": filters,
            "cases": cases[:LIST_LIMIT],
            "truncated": len(cases) > LIST_LIMIT,
            "today": timezone.localdate(),
        },
    )


def _clerk_bodies(request: HttpRequest) -> list[tuple[int, str]]:
    return [(m.body_id, m.body.name) for m in membership_list(user=request.user) if m.role == MemberRole.CLERK]


#: Characters that make a spreadsheet treat a cell as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


@login_required
def case_export_csv_view(request: HttpRequest) -> HttpResponse:
    """The work list as CSV (UTF-8 with BOM so that spreadsheet programs read the Chinese correctly)."""
    form = CaseFilterForm(request.GET or None)
    filters = form.filters(default_days=settings.XXGK_DUE_SOON_DAYS)
    cases = case_list(user=request.user, filters=filters, calendar=calendar_get())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="xxgk-cases.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    for row in case_export_rows(cases=cases):
        writer.writerow([_csv_cell(v) for v in row])
    return response


@login_required
@require_http_methods(["GET", "POST"])
def case_register_view(request: HttpRequest) -> HttpResponse:
    bodies = _clerk_bodies(request)
    if not bodies:
        raise PermissionDenied("只有经办人可以登记申请")
    form = RegistrationForm(request.POST or None, bodies=bodies)
    if request.method == "POST" and form.is_valid():
        try:
            case = case_register(
                actor=request_user(request),
                body_id=form.cleaned_data["body"],
                registration=form.registration(),
                on=form.cleaned_data["on"],
            )
        except XxgkError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已登记：{case.number}")
            return redirect("cases:detail", case_id=case.pk)
    return render(request, "cases/case_register.html", {"form": form})


@login_required
def case_detail_view(request: HttpRequest, case_id: int) -> HttpResponse:
    case = access_case_by_id(request.user, case_id)
    events = case_events(case=case)
    core = case_core(case=case, events=events)
    calendar = calendar_get()
    today = timezone.localdate()
    deadlines = [
        {"deadline": d, "overdue": d.is_overdue(today), "remaining": d.remaining_working_days(today, calendar)}
        for d in core.deadlines(calendar)
    ]
    receipt = core.receipt
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "core": core,
            "registration": core.registration,
            "receipt": receipt.describe() if receipt is not None else "",
            "events": events,
            "deadlines": deadlines,
            "actions": case_allowed_actions(user=request.user, case=case),
            "audit": audit_list_for_object(object_type=OBJECT_TYPE, object_id=case.pk),
            "report_cells": {v: core.report_cell(v) for v in ("2019", "2021")} if core.outcome else {},
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_action_view(request: HttpRequest, case_id: int, action: str) -> HttpResponse:
    case = access_case_by_id(request.user, case_id)
    try:
        act = Action(action)
    except ValueError:
        raise Http404(NOT_FOUND) from None
    form_class = ACTION_FORMS.get(act)
    if form_class is None:
        raise Http404(NOT_FOUND)
    allowed: dict[Action, Role] = dict(case_allowed_actions(user=request.user, case=case))
    if act not in allowed:
        raise PermissionDenied(f"当前不能执行“{act.label}”（状态：{case.status_enum.label}，或您没有相应角色）")
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        service = SERVICES[act]
        kwargs = {"actor": request_user(request), "case_id": case.pk, "on": form.cleaned_data["on"]}
        payload = form.payload()
        if payload is not None:
            kwargs["data"] = payload
        try:
            service(**kwargs)
        except XxgkError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已完成：{act.label}")
            return redirect("cases:detail", case_id=case.pk)
    return render(request, "cases/case_action.html", {"case": case, "action": act, "form": form})
