"""Pages of the supervisor's overview. Thin: check access, parse with a form, call one selector or service,
render. Read-only for everyone except the uploads (管理员 or 审核人 of a body above the report's body)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from xxgk.core.errors import XxgkError
from xxgk.core.findings import Finding
from xxgk.web.oversight import services
from xxgk.web.oversight.display import history_charts, year_charts
from xxgk.web.oversight.exports import FORMATS, combined_file
from xxgk.web.oversight.forms import ExternalUploadForm, FilterForm, WithdrawForm, ZipUploadForm
from xxgk.web.oversight.selectors import (
    UPLOAD_DENIED,
    Tree,
    access_external_by_id,
    access_supervisor_by_id,
    check_year,
    combined_history,
    combined_report,
    external_history,
    external_report,
    index_years,
    overview,
    overview_rows,
    supervisor_index,
    user_can_upload,
    user_can_upload_for,
)
from xxgk.web.oversight.uploads import UploadRejected
from xxgk.web.reports.display import cell_label, report_tables
from xxgk.web.reports.selectors import FIRST_YEAR
from xxgk.web.tenancy.models import Body
from xxgk.web.tenancy.selectors import NOT_FOUND, body_ids_visible, request_user


def _no_link(code: str) -> str:
    return ""


def _flags(findings: list[Finding]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for finding in findings:
        for code in finding.cells:
            current = out.get(code)
            if current is None or finding.severity.rank > current.rank:
                out[code] = finding.severity
    return out


def _supervisor(request: HttpRequest, body_id: int, year: int) -> Body:
    body = access_supervisor_by_id(request.user, body_id)
    check_year(year)
    return body


@login_required
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    this_year = timezone.localdate().year
    return render(
        request,
        "oversight/index.html",
        {"rows": supervisor_index(user=request.user), "years": index_years(this_year=this_year)},
    )


@login_required
@require_safe
def overview_view(request: HttpRequest, body_id: int, year: int) -> HttpResponse:
    supervisor = _supervisor(request, body_id, year)
    form = FilterForm(request.GET or None)
    status = kind = ""
    if form.is_valid():
        status, kind = form.cleaned_data["status"], form.cleaned_data["kind"]
    data = overview(supervisor=supervisor, year=year, status=status, kind=kind)
    return render(
        request,
        "oversight/overview.html",
        {
            "supervisor": supervisor,
            "year": year,
            "data": data,
            "form": form,
            "can_upload": user_can_upload(user=request.user, supervisor_id=supervisor.pk),
            "prev_year": year - 1 if year - 1 >= FIRST_YEAR else None,
            "next_year": year + 1 if year + 1 <= timezone.localdate().year else None,
        },
    )


@login_required
@require_safe
def combined_view(request: HttpRequest, body_id: int, year: int) -> HttpResponse:
    supervisor = _supervisor(request, body_id, year)
    combined = combined_report(supervisor=supervisor, year=year)
    report = combined.report
    context: dict[str, Any] = {
        "supervisor": supervisor,
        "year": year,
        "combined": combined,
        "formats": FORMATS,
        "included_rows": list(zip(combined.included, combined.body_figures, strict=False)),
    }
    if report is not None:
        context["tables"] = report_tables(report, cell_url=_no_link, flags=_flags(combined.findings))
        context["findings"] = [
            {"finding": f, "cells": [(c, cell_label(report, c)) for c in f.cells]} for f in combined.findings
        ]
        context["charts"] = year_charts(combined.figures, year=year) if combined.figures is not None else []
        context["history"] = history_charts(combined_history(supervisor=supervisor, year=year))
        context["notes"] = combined.aggregation.notes if combined.aggregation is not None else []
        context["incomplete"] = list(combined.aggregation.incomplete.items()) if combined.aggregation else []
    return render(request, "oversight/combined.html", context)


@login_required
@require_safe
def combined_download(request: HttpRequest, body_id: int, year: int, fmt: str) -> HttpResponse:
    supervisor = _supervisor(request, body_id, year)
    if fmt not in FORMATS:
        raise Http404(NOT_FOUND)
    rows = overview_rows(supervisor=supervisor, year=year)
    combined = combined_report(supervisor=supervisor, year=year, rows=rows)
    if combined.report is None:
        messages.error(request, _("无法下载：%(error)s") % {"error": combined.error})
        return redirect("oversight:combined", body_id=supervisor.pk, year=year)
    try:
        data = combined_file(combined=combined, overview=overview(supervisor=supervisor, year=year, rows=rows), fmt=fmt)
    except XxgkError as exc:
        messages.error(
            request, _("无法生成 %(format)s 文件：%(error)s") % {"format": fmt.upper(), "error": exc.message}
        )
        return redirect("oversight:combined", body_id=supervisor.pk, year=year)
    response = HttpResponse(data, content_type=FORMATS[fmt])
    filename = f"{supervisor.name}{year}年度政府信息公开工作年度报告汇总.{fmt}"
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename) or ""
    return response


def _upload_bodies(supervisor: Body) -> list[Body]:
    tree = Tree.load()
    return [tree.bodies[pk] for pk, _ in tree.descendants(supervisor.pk)]


@login_required
@require_http_methods(["GET", "POST"])
def upload_view(request: HttpRequest, body_id: int, year: int) -> HttpResponse:
    supervisor = _supervisor(request, body_id, year)
    if not user_can_upload(user=request.user, supervisor_id=supervisor.pk):
        raise PermissionDenied(UPLOAD_DENIED)
    bodies = _upload_bodies(supervisor)
    posted = request.method == "POST"
    initial = {"body": request.GET.get("body", "")}
    form = ExternalUploadForm(
        request.POST if posted else None, request.FILES if posted else None, bodies=bodies, initial=initial
    )
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            row = services.external_report_upload(
                actor=request_user(request),
                body_id=form.cleaned_data["body"],
                year=year,
                filename=upload.name or "",
                data=upload.read(),
                published_on=form.cleaned_data["published_on"],
                note=form.cleaned_data["note"],
            )
        except UploadRejected as exc:
            form.add_error("file", exc.message)
        else:
            messages.success(
                request,
                _("已导入 %(name)s %(year)s 年度报告：%(filename)s")
                % {"name": row.body.name, "year": year, "filename": row.filename},
            )
            if row.parse_notes:
                messages.warning(request, _("请注意：%(notes)s") % {"notes": row.parse_notes})
            return redirect("oversight:external", report_id=row.pk)
    return render(
        request, "oversight/upload.html", {"supervisor": supervisor, "year": year, "form": form, "zip": False}
    )


@login_required
@require_http_methods(["GET", "POST"])
def upload_zip_view(request: HttpRequest, body_id: int, year: int) -> HttpResponse:
    supervisor = _supervisor(request, body_id, year)
    if not user_can_upload(user=request.user, supervisor_id=supervisor.pk):
        raise PermissionDenied(UPLOAD_DENIED)
    posted = request.method == "POST"
    form = ZipUploadForm(request.POST if posted else None, request.FILES if posted else None)
    result = None
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = services.external_reports_import_zip(
                actor=request_user(request),
                supervisor_id=supervisor.pk,
                year=year,
                filename=upload.name or "",
                data=upload.read(),
            )
        except UploadRejected as exc:
            form.add_error("file", exc.message)
    return render(
        request,
        "oversight/upload.html",
        {"supervisor": supervisor, "year": year, "form": form, "zip": True, "result": result},
    )


@login_required
@require_safe
def external_view(request: HttpRequest, report_id: int) -> HttpResponse:
    row = access_external_by_id(request.user, report_id)
    report = external_report(row)
    findings = [Finding.from_dict(f) for f in row.findings]
    return render(
        request,
        "oversight/external.html",
        {
            "row": row,
            "report": report,
            "tables": report_tables(report, cell_url=_no_link, flags=_flags(findings)),
            "findings": findings,
            "history": external_history(body_id=row.body_id, year=row.year),
            "can_withdraw": row.current and user_can_upload_for(user=request.user, body_id=row.body_id),
            "withdraw_form": WithdrawForm(),
            "supervisor_id": row.body.parent_id if row.body.parent_id in body_ids_visible(user=request.user) else None,
        },
    )


@login_required
@require_safe
def external_file(request: HttpRequest, report_id: int) -> HttpResponse:
    row = access_external_by_id(request.user, report_id)
    response = HttpResponse(bytes(row.content), content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=row.filename) or ""
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def external_withdraw(request: HttpRequest, report_id: int) -> HttpResponse:
    row = access_external_by_id(request.user, report_id)
    if not user_can_upload_for(user=request.user, body_id=row.body_id):
        raise PermissionDenied(UPLOAD_DENIED)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("未撤销：请填写撤销原因"))
        return redirect("oversight:external", report_id=row.pk)
    try:
        services.external_report_withdraw(
            actor=request_user(request), report_id=row.pk, reason=form.cleaned_data["reason"]
        )
    except UploadRejected as exc:
        messages.error(request, _("未撤销：%(error)s") % {"error": exc.message})
    else:
        messages.success(
            request,
            _("已撤销 %(name)s %(year)s 年度导入的报告：%(filename)s")
            % {"name": row.body.name, "year": row.year, "filename": row.filename},
        )
    return redirect("oversight:external", report_id=row.pk)
