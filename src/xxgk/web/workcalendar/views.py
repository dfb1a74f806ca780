"""Calendar pages: everyone signed in reads; calendar administrators edit (POST only, CSRF-protected)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from xxgk.core.calendar import DayKind
from xxgk.core.errors import XxgkError
from xxgk.web.tenancy.selectors import request_user, user_is_calendar_admin
from xxgk.web.workcalendar.forms import CalendarDayForm, CalendarYearForm, NewYearForm, form_errors
from xxgk.web.workcalendar.models import CalendarYear
from xxgk.web.workcalendar.selectors import calendar_day_list, calendar_get, calendar_year_list
from xxgk.web.workcalendar.services import calendar_day_delete, calendar_day_save, calendar_year_set_announced

ADMIN_ONLY = gettext_noop("只有管理员可以修改工作日日历")  # the 403 page translates it


def _require_admin(request: HttpRequest) -> None:
    if not user_is_calendar_admin(user=request.user):
        raise PermissionDenied(ADMIN_ONLY)


@login_required
def year_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "workcalendar/year_list.html",
        {"years": calendar_year_list(), "new_year_form": NewYearForm(), "calendar": calendar_get()},
    )


@login_required
def year_detail(request: HttpRequest, year: int) -> HttpResponse:
    year_row = CalendarYear.objects.filter(year=year).first()
    return render(
        request,
        "workcalendar/year_detail.html",
        {
            "year": year,
            "year_row": year_row,
            "days": calendar_day_list(year=year),
            "day_form": CalendarDayForm(year=year),
            "year_form": CalendarYearForm(
                initial={
                    "announced": year_row.announced if year_row else False,
                    "source": year_row.source if year_row else "",
                }
            ),
        },
    )


@login_required
@require_POST
def year_add(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    form = NewYearForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("年份无效"))
        return redirect("workcalendar:years")
    year = form.cleaned_data["year"]
    calendar_year_set_announced(actor=request_user(request), year=year, announced=False)
    return redirect("workcalendar:year", year=year)


@login_required
@require_POST
def year_announce(request: HttpRequest, year: int) -> HttpResponse:
    _require_admin(request)
    form = CalendarYearForm(request.POST)
    if not form.is_valid():
        for error in form_errors(form):
            messages.error(request, _("未保存：%(error)s") % {"error": error})
    else:
        try:
            calendar_year_set_announced(
                actor=request_user(request),
                year=year,
                announced=form.cleaned_data["announced"],
                source=form.cleaned_data["source"],
            )
        except XxgkError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已保存 %(year)s 年的公布状态，并重新计算了办理中申请的期限") % {"year": year})
    return redirect("workcalendar:year", year=year)


@login_required
@require_POST
def day_save(request: HttpRequest, year: int) -> HttpResponse:
    _require_admin(request)
    form = CalendarDayForm(request.POST, year=year)
    if not form.is_valid():
        for error in form_errors(form):
            messages.error(request, _("未保存：%(error)s") % {"error": error})
        return redirect("workcalendar:year", year=year)
    c = form.cleaned_data
    try:
        calendar_day_save(
            actor=request_user(request),
            day=c["day"],
            kind=DayKind(c["kind"]),
            name=c["name"],
            source=c["source"],
        )
    except XxgkError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已保存 %(day)s") % {"day": c["day"].isoformat()})
    return redirect("workcalendar:year", year=year)


@login_required
@require_POST
def day_delete(request: HttpRequest, day: str) -> HttpResponse:
    _require_admin(request)
    try:
        parsed = date.fromisoformat(day)
        calendar_day_delete(actor=request_user(request), day=parsed)
    except ValueError:
        messages.error(request, _("日期无效"))
        return redirect("workcalendar:years")
    except XxgkError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已删除 %(day)s 的日历条目") % {"day": parsed.isoformat()})
    return redirect("workcalendar:year", year=parsed.year)
