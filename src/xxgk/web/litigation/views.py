"""Pages of review and litigation cases. Thin: check access, parse with a form, call one service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from xxgk.core.errors import XxgkError
from xxgk.web.audit.selectors import audit_list_for_object
from xxgk.web.litigation import services
from xxgk.web.litigation.forms import CloseForm, HearingForm, RemedyFilterForm, RemedyForm, ReopenForm
from xxgk.web.litigation.models import RemedyCase
from xxgk.web.litigation.selectors import (
    FIRST_YEAR,
    RemedyFilters,
    access_remedy_by_id,
    cell_text,
    remedy_list,
    table4_compute,
    table4_rows,
    table4_sources,
    user_can_write,
)
from xxgk.web.tenancy.selectors import (
    NOT_FOUND,
    access_body_by_id,
    body_ids_working,
    body_list_visible,
    request_user,
)

LIST_LIMIT = 300


def _years() -> list[int]:
    return list(range(timezone.localdate().year, FIRST_YEAR - 1, -1))


def _working_bodies(request: HttpRequest) -> list[tuple[int, str]]:
    working = body_ids_working(user=request.user)
    return [(b.pk, b.name) for b in body_list_visible(user=request.user) if b.pk in working]


@login_required
def remedy_list_view(request: HttpRequest) -> HttpResponse:
    bodies = body_list_visible(user=request.user)
    form = RemedyFilterForm(request.GET or None, bodies=[(b.pk, b.name) for b in bodies])
    filters = RemedyFilters()
    if form.is_valid():
        c = form.cleaned_data
        filters = RemedyFilters(body_id=c["body"], kind=c["kind"], state=c["state"], q=c["q"].strip())
    remedies = list(remedy_list(user=request.user, filters=filters)[: LIST_LIMIT + 1])
    return render(
        request,
        "litigation/list.html",
        {
            "form": form,
            "remedies": remedies[:LIST_LIMIT],
            "truncated": len(remedies) > LIST_LIMIT,
            "bodies": bodies,
            "years": _years(),
            "can_create": bool(_working_bodies(request)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def remedy_new(request: HttpRequest) -> HttpResponse:
    bodies = _working_bodies(request)
    if not bodies:
        raise PermissionDenied(services.READ_ONLY)
    form = RemedyForm(request.POST or None, user=request_user(request), bodies=bodies)
    if request.method == "POST" and form.is_valid():
        try:
            remedy = services.remedy_create(
                actor=request_user(request), body_id=form.cleaned_data["body"], data=form.data_object()
            )
        except XxgkError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已登记"))
            return redirect("litigation:detail", remedy_id=remedy.pk)
    return render(request, "litigation/form.html", {"form": form, "remedy": None})


@login_required
def remedy_detail(request: HttpRequest, remedy_id: int) -> HttpResponse:
    remedy = access_remedy_by_id(request.user, remedy_id)
    can_write = user_can_write(user=request.user, body_id=remedy.body_id)
    return render(
        request,
        "litigation/detail.html",
        {
            "remedy": remedy,
            "cases": remedy.cases.order_by("registered_on", "id"),
            "hearings": remedy.hearings.all(),
            "hearing_form": HearingForm(),
            "reopen_form": ReopenForm(),
            "can_write": can_write,
            "audit": audit_list_for_object(object_type=services.OBJECT_TYPE, object_id=remedy.pk),
        },
    )


def _remedy_for_write(request: HttpRequest, remedy_id: int) -> RemedyCase:
    remedy = access_remedy_by_id(request.user, remedy_id)
    if not user_can_write(user=request.user, body_id=remedy.body_id):
        raise PermissionDenied(services.READ_ONLY)
    return remedy


@login_required
@require_http_methods(["GET", "POST"])
def remedy_edit(request: HttpRequest, remedy_id: int) -> HttpResponse:
    remedy = _remedy_for_write(request, remedy_id)
    initial = {
        "body": remedy.body_id,
        "kind": remedy.kind,
        "forum": remedy.forum,
        "number": remedy.number,
        "applicant": remedy.applicant,
        "filed_on": remedy.filed_on,
        "note": remedy.note,
        "case_numbers": " ".join(remedy.cases.order_by("number").values_list("number", flat=True)),
    }
    form = RemedyForm(
        request.POST or None,
        initial=initial,
        user=request_user(request),
        bodies=[(remedy.body_id, remedy.body.name)],
        fixed_body=remedy.body_id,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.remedy_update(actor=request_user(request), remedy_id=remedy.pk, data=form.data_object())
        except XxgkError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已保存"))
            return redirect("litigation:detail", remedy_id=remedy.pk)
    return render(request, "litigation/form.html", {"form": form, "remedy": remedy})


@login_required
@require_http_methods(["GET", "POST"])
def remedy_close(request: HttpRequest, remedy_id: int) -> HttpResponse:
    remedy = _remedy_for_write(request, remedy_id)
    if not remedy.is_open:
        messages.error(request, _("该案件已结案"))
        return redirect("litigation:detail", remedy_id=remedy.pk)
    form = CloseForm(request.POST or None, kind=remedy.kind_enum, initial={"result": remedy.result})
    if request.method == "POST" and form.is_valid():
        try:
            services.remedy_close(
                actor=request_user(request),
                remedy_id=remedy.pk,
                result=form.chosen_result,
                closed_on=form.cleaned_data["closed_on"],
                result_on=form.cleaned_data["result_on"],
                note=form.cleaned_data["note"],
            )
        except XxgkError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已结案"))
            return redirect("litigation:detail", remedy_id=remedy.pk)
    return render(request, "litigation/close.html", {"form": form, "remedy": remedy})


@login_required
@require_POST
def remedy_reopen(request: HttpRequest, remedy_id: int) -> HttpResponse:
    remedy = _remedy_for_write(request, remedy_id)
    form = ReopenForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.remedy_reopen(actor=request_user(request), remedy_id=remedy.pk, reason=reason)
    except XxgkError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已撤销结案登记"))
    return redirect("litigation:detail", remedy_id=remedy.pk)


@login_required
@require_POST
def hearing_add(request: HttpRequest, remedy_id: int) -> HttpResponse:
    remedy = _remedy_for_write(request, remedy_id)
    form = HearingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写有效的日期"))
    else:
        try:
            services.hearing_add(
                actor=request_user(request),
                remedy_id=remedy.pk,
                on=form.cleaned_data["on"],
                note=form.cleaned_data["note"],
            )
        except XxgkError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已登记开庭（听证）日期"))
    return redirect("litigation:detail", remedy_id=remedy.pk)


@login_required
@require_POST
def hearing_delete(request: HttpRequest, hearing_id: int) -> HttpResponse:
    remedy = services.hearing_delete(actor=request_user(request), hearing_id=hearing_id)
    messages.success(request, _("已删除"))
    return redirect("litigation:detail", remedy_id=remedy.pk)


def _year(year: int) -> int:
    if year not in _years():
        raise Http404(NOT_FOUND)
    return year


@login_required
def table(request: HttpRequest, body_id: int, year: int) -> HttpResponse:
    body = access_body_by_id(request.user, body_id)
    _year(year)
    cells = table4_compute(body_id=body.pk, year=year)
    return render(
        request,
        "litigation/table.html",
        {"body": body, "year": year, "groups": table4_rows(cells), "years": _years()},
    )


@login_required
def cell(request: HttpRequest, body_id: int, year: int, code: str) -> HttpResponse:
    body = access_body_by_id(request.user, body_id)
    _year(year)
    label, rule = cell_text(code)
    sources = table4_sources(body_id=body.pk, year=year, code=code)
    return render(
        request,
        "litigation/cell.html",
        {"body": body, "year": year, "code": code, "label": label, "rule": rule, "sources": sources},
    )
