"""Pages of applications. Thin: parse the request, check access, call one service or selector, render."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from xxgk.core.errors import XxgkError
from xxgk.core.outcomes import Outcome
from xxgk.core.workflow import Action, Role
from xxgk.web.audit.selectors import audit_list_for_object
from xxgk.web.cases.concurrency import case_write_if_current, parse_version
from xxgk.web.cases.edits import registration_values
from xxgk.web.cases.export import XLSX_CONTENT_TYPE, export_csv, export_xlsx
from xxgk.web.cases.forms import (
    ACTION_FORMS,
    DuplicateDecisionForm,
    RegistrationEditForm,
    RegistrationForm,
    case_filters,
)
from xxgk.web.cases.models import Case, DuplicateDecision
from xxgk.web.cases.selectors import (
    CSV_HEADER,
    access_case_by_id,
    case_action_choices,
    case_allowed_actions,
    case_core,
    case_duplicate_flags,
    case_edit_list,
    case_events,
    case_export_rows,
    case_export_values,
    case_list,
    case_list_page,
    fee_totals_by_year,
)
from xxgk.web.cases.services import (
    DECIDE_ROLES,
    OBJECT_TYPE,
    REPLY_SUBJECT,
    SERVICES,
    case_duplicate_decide,
    case_edit_registration,
    case_register,
)
from xxgk.web.cases.vocabulary import tr
from xxgk.web.cases.worklist import filter_fields_html, header_html, rows_html
from xxgk.web.litigation.selectors import remedies_for_case
from xxgk.web.tenancy.models import MemberRole
from xxgk.web.tenancy.selectors import (
    NOT_FOUND,
    body_ids_visible,
    body_list_visible,
    membership_list,
    request_user,
    workflow_roles_in_body,
)
from xxgk.web.workcalendar.selectors import calendar_get


def _page_number(value: str | None) -> int:
    """The page asked for (``?page=``); anything that is not a positive number is the first page."""
    try:
        number = int(value or 1)
    except ValueError:
        return 1
    return max(number, 1)


@login_required
def case_list_view(request: HttpRequest) -> HttpResponse:
    """The work list, a page at a time (:data:`~xxgk.web.cases.selectors.PAGE_SIZE` rows). The filters stay in
    the page links; the exports take every matching application (not one page)."""
    form, filters = case_filters(request.GET, default_days=settings.XXGK_DUE_SOON_DAYS)
    page = case_list_page(
        cases=case_list(user=request.user, filters=filters), number=_page_number(request.GET.get("page"))
    )
    query = request.GET.copy()
    query.pop("page", None)
    filters_query = query.urlencode()

    def page_url(number: int) -> str:
        query["page"] = str(number)
        return f"?{query.urlencode()}"

    return render(
        request,
        "cases/case_list.html",
        {
            "form": form,
            "fields": filter_fields_html(form),
            "header": header_html(),
            "page": page,
            "rows": rows_html(page, today=timezone.localdate()),
            "filters_query": f"?{filters_query}" if filters_query else "",
            "first_url": page_url(1),
            "previous_url": page_url(page.number - 1) if page.has_previous else "",
            "next_url": page_url(page.number + 1) if page.has_next else "",
        },
    )


def _clerk_bodies(request: HttpRequest) -> list[tuple[int, str]]:
    return [(m.body_id, m.body.name) for m in membership_list(user=request.user) if m.role == MemberRole.CLERK]


def _filtered_cases(request: HttpRequest) -> QuerySet[Case]:
    _form, filters = case_filters(request.GET, default_days=settings.XXGK_DUE_SOON_DAYS)
    return case_list(user=request.user, filters=filters)


@login_required
def case_export_csv_view(request: HttpRequest) -> HttpResponse:
    """The work list as CSV (UTF-8 with BOM so that spreadsheet programs read the Chinese correctly)."""
    body = export_csv(CSV_HEADER, case_export_rows(cases=_filtered_cases(request)))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="xxgk-cases.csv"'
    return response


@login_required
def case_export_xlsx_view(request: HttpRequest) -> HttpResponse:
    """The work list as XLSX: the same columns and rows as the CSV, typed cells."""
    body = export_xlsx(CSV_HEADER, case_export_values(cases=_filtered_cases(request)))
    response = HttpResponse(body, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="xxgk-cases.xlsx"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def case_register_view(request: HttpRequest) -> HttpResponse:
    bodies = _clerk_bodies(request)
    if not bodies:
        raise PermissionDenied(_("只有经办人可以登记申请"))
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
            messages.success(request, _("已登记：%(number)s") % {"number": case.number})
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
    roles = workflow_roles_in_body(user=request.user, body_id=case.body_id)
    is_open = case.status_enum.is_open
    flags = case_duplicate_flags(case=case)
    # what the user's roles and the reply's sign-off step allow; those that cannot succeed now are listed apart
    choices = case_action_choices(user=request.user, case=case, core=core, calendar=calendar, today=today)
    actions = [(c.action, c.role) for c in choices if not c.blocked]
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
            "actions": actions,
            "blocked_actions": [c for c in choices if c.blocked],
            "can_draft_reply": any(action is Action.DRAFT_REPLY for action, _role in actions),
            "audit": sorted(
                audit_list_for_object(object_type=OBJECT_TYPE, object_id=case.pk)
                + audit_list_for_object(object_type=REPLY_SUBJECT, object_id=case.pk),
                key=lambda r: (r.event.created_at, r.event.pk),
            ),
            "report_cells": {v: core.report_cell(v) for v in ("2019", "2021")} if core.outcome else {},
            "edits": case_edit_list(case=case),
            "can_edit": is_open and Role.CLERK in roles,
            "duplicate_flags": flags,
            "remedies": remedies_for_case(case=case),
            "duplicate_confirmed": any(f.decision == DuplicateDecision.CONFIRMED for f in flags),
            "can_decide": is_open and bool(set(DECIDE_ROLES) & set(roles)),
            "decision_form": DuplicateDecisionForm(),
            "duplicate_outcome": tr(Outcome.NOT_PROCESSED_DUPLICATE.label),
        },
    )


def _open_case_for_clerk(request: HttpRequest, case_id: int) -> Case:
    case = access_case_by_id(request.user, case_id)
    if Role.CLERK not in workflow_roles_in_body(user=request.user, body_id=case.body_id):
        raise PermissionDenied(_("只有本机关的经办人可以修改登记信息"))
    if not case.status_enum.is_open:
        raise PermissionDenied(_("申请已办结或归档，不能再修改登记信息"))
    return case


@login_required
@require_http_methods(["GET", "POST"])
def case_edit_view(request: HttpRequest, case_id: int) -> HttpResponse:
    """Correct the registration of an open case (a 经办人 of its body; a reason is required)."""
    case = _open_case_for_clerk(request, case_id)
    current = case_core(case=case).registration
    initial = {k: getattr(v, "value", v) or "" for k, v in registration_values(current).items()} if current else {}
    form = RegistrationEditForm(request.POST or None, initial=initial)
    version = _shown_version(request, case)
    if request.method == "POST" and form.is_valid():
        actor = request_user(request)
        try:
            case_write_if_current(
                actor=actor,
                case_id=case.pk,
                version=parse_version(request.POST.get("version")),
                write=lambda: case_edit_registration(
                    actor=actor, case_id=case.pk, changes=form.changes(), reason=form.cleaned_data["reason"]
                ),
            )
        except XxgkError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已修改登记信息"))
            return redirect("cases:detail", case_id=case.pk)
    return render(request, "cases/case_edit.html", {"case": case, "form": form, "version": version})


def _shown_version(request: HttpRequest, case: Case) -> str:
    """The case version a form carries: the one it was first shown at (kept when a POST is shown again, so that a
    refused stale form stays refused until the page is reloaded)."""
    if request.method == "POST" and "version" in request.POST:
        return str(request.POST["version"])
    return str(case.version)


@login_required
@require_POST
def case_duplicate_decide_view(request: HttpRequest, case_id: int, flag_id: int) -> HttpResponse:
    """Confirm or dismiss a possible duplicate (POST from the case page)."""
    case = access_case_by_id(request.user, case_id)
    form = DuplicateDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择判断结果"))
        return redirect("cases:detail", case_id=case.pk)
    try:
        flag = case_duplicate_decide(
            actor=request_user(request),
            case_id=case.pk,
            flag_id=flag_id,
            decision=form.cleaned_data["decision"],
            note=form.cleaned_data.get("note") or "",
        )
    except XxgkError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("已记录：%(decision)s（此前的申请 %(number)s）")
            % {"decision": flag.get_decision_display(), "number": flag.earlier.number},
        )
    return redirect("cases:detail", case_id=case.pk)


@login_required
def case_fees_view(request: HttpRequest) -> HttpResponse:
    """信息处理费 per year for every body the user sees (what section 六 of the annual report reads)."""
    bodies = body_list_visible(user=request.user)
    totals = fee_totals_by_year(body_ids=body_ids_visible(user=request.user))
    return render(
        request,
        "cases/case_fees.html",
        {"rows": [(body, totals.get(body.pk, [])) for body in bodies]},
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
        raise PermissionDenied(
            _("当前不能执行“%(action)s”（状态：%(status)s，或您没有相应角色）")
            % {"action": tr(act.label), "status": tr(case.status_enum.label)}
        )
    initial: dict[str, Any] = {}
    if (
        act in (Action.DRAFT_REPLY, Action.REPLY_ON_THE_SPOT)
        and case.duplicate_flags.filter(decision=DuplicateDecision.CONFIRMED).exists()
    ):
        initial["outcome"] = Outcome.NOT_PROCESSED_DUPLICATE.value
    form = form_class(request.POST or None, initial=initial)
    version = _shown_version(request, case)
    if request.method == "POST" and form.is_valid():
        service = SERVICES[act]
        actor = request_user(request)
        kwargs = {"actor": actor, "case_id": case.pk, "on": form.cleaned_data["on"]}
        payload = form.payload()
        if payload is not None:
            kwargs["data"] = payload
        try:
            case_write_if_current(
                actor=actor,
                case_id=case.pk,
                version=parse_version(request.POST.get("version")),
                write=lambda: service(**kwargs),
            )
        except XxgkError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已完成：%(action)s") % {"action": tr(act.label)})
            return redirect("cases:detail", case_id=case.pk)
    # shown before anything is entered when the step cannot succeed now (the service still refuses a POST)
    blocked = (
        next((c.blocked for c in case_action_choices(user=request.user, case=case) if c.action is act), "")
        if request.method == "GET"
        else ""
    )
    return render(
        request,
        "cases/case_action.html",
        {"case": case, "action": act, "form": form, "version": version, "blocked": blocked},
    )
