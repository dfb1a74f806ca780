"""Pages of the computed annual report: the three tables with every number linking to its records.

Thin: check access to the body (any visible body: a supervisor reads its subordinates' reports), call one
selector or service, render or redirect. The report's life (draft, checks, approval, publishing, versions and their
files, the public page) is at the end.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from xxgk.core.errors import ReportError, XxgkError
from xxgk.core.findings import Severity
from xxgk.core.model import NARRATIVE_SECTIONS, Report
from xxgk.core.templates import S3_COLUMN_LABELS, S3_COLUMNS
from xxgk.render import get_renderer
from xxgk.web.cases.selectors import fees_collected
from xxgk.web.proactive.forms import DecisionForm
from xxgk.web.proactive.selectors import public_body_by_code
from xxgk.web.proactive.signoff_selectors import signoff_view
from xxgk.web.reports.counting import Uncounted
from xxgk.web.reports.display import cell_label, code_label, report_tables, s3_rule_text
from xxgk.web.reports.forms import (
    NarrativeForm,
    OverrideForm,
    OverrideRemoveForm,
    PreviousUploadForm,
    PublishedReportForm,
    ReportPublishForm,
    SubmitForm,
)
from xxgk.web.reports.models import RenderFormat, ReportState, ReportVersion
from xxgk.web.reports.narrative import narrative_facts
from xxgk.web.reports.selectors import (
    FIRST_YEAR,
    LAST_YEAR,
    OBJECT_TYPE,
    Scope,
    WorkingReport,
    annual_report_get,
    override_history,
    public_report,
    public_version,
    report_audit,
    report_build,
    report_cell_sources,
    report_cell_value,
    report_compare_previous,
    report_compute,
    report_index,
    report_title,
    report_version_get,
    report_versions,
    report_working,
    scope_body_ids,
    section_sources,
    uncounted_sources,
    version_report,
)
from xxgk.web.reports.services import (
    DRAFTERS,
    PUBLISHERS,
    READ_ONLY,
    report_correction_start,
    report_decide,
    report_narrative_save,
    report_override_remove,
    report_override_set,
    report_previous_upload,
    report_publish,
    report_start,
    report_submit,
    version_file,
)
from xxgk.web.tenancy.models import Body, MemberRole
from xxgk.web.tenancy.selectors import NOT_FOUND, access_body_by_id, body_ids_working, request_user, roles_in_body

PAGE_SIZE = 200


def _scope(request: HttpRequest) -> Scope:
    return Scope.TREE if request.GET.get("scope") == Scope.TREE.value else Scope.SELF


def _access(request: HttpRequest, body_id: int, year: int) -> Body:
    body = access_body_by_id(request.user, body_id)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404(NOT_FOUND)
    return body


def _query(scope: Scope) -> str:
    return "?scope=tree" if scope is Scope.TREE else ""


@login_required
@require_safe
def report_index_view(request: HttpRequest) -> HttpResponse:
    this_year = timezone.localdate().year
    return render(request, "reports/index.html", {"rows": report_index(user=request.user, this_year=this_year)})


@login_required
@require_safe
def report_computed_view(request: HttpRequest, body_id: int, year: int) -> HttpResponse:
    body = _access(request, body_id, year)
    scope = _scope(request)
    computed = report_compute(body_id=body.pk, year=year, scope=scope)
    query = _query(scope)

    def cell_url(code: str) -> str:
        return reverse("reports:cell", args=(body.pk, year, code)) + query

    flags = computed.flagged_cells
    return render(
        request,
        "reports/computed.html",
        {
            "body": body,
            "year": year,
            "scope": scope,
            "query": query,
            "computed": computed,
            "report": computed.report,
            "tables": report_tables(computed.report, cell_url=cell_url, flags=flags),
            "findings": [
                {"finding": f, "cells": [(c, cell_label(computed.report, c)) for c in f.cells]}
                for f in computed.findings
            ],
            "has_problems": any(f.severity is not Severity.INFO for f in computed.findings),
            "uncounted": [(kind, count) for kind, count in computed.uncounted.items() if count],
            "has_children": body.children.exists(),
            "prev_year": year - 1 if year - 1 >= FIRST_YEAR else None,
            "next_year": year + 1 if year + 1 <= min(timezone.localdate().year, LAST_YEAR) else None,
            "read_only": body.pk not in body_ids_working(user=request.user),
        },
    )


@login_required
@require_safe
def report_computed_json_view(request: HttpRequest, body_id: int, year: int) -> HttpResponse:
    """The computed report as the canonical report JSON (``xxgk.report/1``)."""
    body = _access(request, body_id, year)
    scope = _scope(request)
    report = report_build(body=body, body_ids=scope_body_ids(body_id=body.pk, scope=scope), year=year, scope=scope)
    response = JsonResponse(report.to_dict(), json_dumps_params={"ensure_ascii": False, "indent": 1})
    suffix = "-tree" if scope is Scope.TREE else ""
    response["Content-Disposition"] = f'attachment; filename="xxgk-{body.code}-{year}{suffix}.json"'
    return response


@login_required
@require_safe
def report_cell_view(request: HttpRequest, body_id: int, year: int, code: str) -> HttpResponse:
    body = _access(request, body_id, year)
    scope = _scope(request)
    label = code_label(year, code)
    if label is None:
        raise Http404(NOT_FOUND)
    body_ids = scope_body_ids(body_id=body.pk, scope=scope)
    context: dict[str, Any] = {
        "body": body,
        "year": year,
        "scope": scope,
        "query": _query(scope),
        "code": code,
        "label": label,
        "value": report_cell_value(body_ids=body_ids, year=year, code=code),
        "rule": "",
        "page": None,
        "records": [],
    }
    if code.startswith("s3."):
        try:
            cases = report_cell_sources(body_ids=body_ids, year=year, code=code)
            context["rule"] = s3_rule_text(code, year)
        except ReportError:  # pragma: no cover - the code was checked against the template above
            raise Http404(NOT_FOUND) from None
        context["page"] = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    else:
        context["records"] = [_record(item) for item in section_sources(body_ids=body_ids, year=year, code=code)]
    return render(request, "reports/cell.html", context)


def _record(item: object) -> dict[str, Any]:
    """A register record for the generic list: its title and detail, its fields (dicts), and its page."""
    if isinstance(item, Mapping):
        return {"title": "", "detail": "", "fields": list(item.items()), "url": str(item.get("url", ""))}
    url = getattr(item, "url", "")
    get_url = getattr(item, "get_absolute_url", None)
    if not url and callable(get_url):
        url = get_url()
    return {
        "title": str(getattr(item, "title", "") or item),
        "detail": str(getattr(item, "detail", "") or ""),
        "fields": [],
        "url": str(url or ""),
    }


@login_required
@require_safe
def report_uncounted_view(request: HttpRequest, body_id: int, year: int, kind: str) -> HttpResponse:
    body = _access(request, body_id, year)
    try:
        which = Uncounted(kind)
    except ValueError:
        raise Http404(NOT_FOUND) from None
    scope = _scope(request)
    cases = uncounted_sources(body_ids=scope_body_ids(body_id=body.pk, scope=scope), year=year, kind=which)
    return render(
        request,
        "reports/uncounted.html",
        {
            "body": body,
            "year": year,
            "scope": scope,
            "query": _query(scope),
            "kind": which,
            "page": Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page")),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_compare_view(request: HttpRequest, body_id: int, year: int) -> HttpResponse:
    """Compare the computed 上年结转 with the 结转下年度 of last year's published report (uploaded, read by the
    report engine, not stored)."""
    body = _access(request, body_id, year)
    scope = _scope(request)
    posted = request.method == "POST"
    form = PublishedReportForm(request.POST if posted else None, request.FILES if posted else None, year=year)
    context: dict[str, Any] = {"body": body, "year": year, "scope": scope, "query": _query(scope), "form": form}
    if posted and form.is_valid() and form.report is not None:
        computed = report_compute(body_id=body.pk, year=year, scope=scope, with_previous=False)
        published = form.report
        context["findings"] = report_compare_previous(computed=computed, published=published)
        context["assumed_year"] = form.assumed_year
        context["published_body"] = published.body or _("（未识别）")
        context["rows"] = [
            {
                "label": S3_COLUMN_LABELS[col],
                "published": published.cells.get(f"s3.carried_out.{col}"),
                "computed": computed.report.value(f"s3.carried_in.{col}"),
                "code": f"s3.carried_in.{col}",
            }
            for col in S3_COLUMNS
        ]
    return render(request, "reports/compare.html", context)


# -- the report's life: draft, checks, approval, publishing, versions, downloads --------------------------


def _report_access(request: HttpRequest, body_id: int, year: int) -> Body:
    """The body (Http404 unless visible) of a report page; the year must be one a report is made for."""
    body = _access(request, body_id, year)
    if year > timezone.localdate().year:
        raise Http404(NOT_FOUND)
    return body


def _require_write(request: HttpRequest, body: Body) -> None:
    """Refuse a supervising body's user (read-only) before looking at the submitted data."""
    if body.pk not in body_ids_working(user=request.user):
        raise PermissionDenied(READ_ONLY)


def _back(body: Body, year: int, name: str = "reports:report") -> HttpResponse:
    return redirect(name, body_id=body.pk, year=year)


def _cell_links(body: Body, year: int) -> Callable[[str], str]:
    def cell_url(code: str) -> str:
        return reverse("reports:cell", args=(body.pk, year, code))

    return cell_url


def _finding_rows(working: WorkingReport) -> list[dict[str, Any]]:
    cell_url = _cell_links(working.body, working.year)
    known = set(working.report.codes)
    return [
        {
            "finding": f,
            "cells": [(c, cell_label(working.report, c), cell_url(c) if c in known else "") for c in f.cells],
        }
        for f in working.findings
    ]


def _user_roles(request: HttpRequest, body: Body) -> set[MemberRole]:
    return roles_in_body(user=request.user, body_id=body.pk)


@login_required
@require_safe
def report_view(request: HttpRequest, body_id: int, year: int) -> HttpResponse:
    """The report of a body and year: where it stands, its checks in short, what can be done next, the sign-off
    chain, the published versions, the audit trail."""
    body = _report_access(request, body_id, year)
    return _report_page(request, body, year)


def _report_page(
    request: HttpRequest, body: Body, year: int, *, decision_form: DecisionForm | None = None
) -> HttpResponse:
    working = report_working(body=body, year=year)
    annual = working.annual
    roles = _user_roles(request, body)
    writable = bool(roles & DRAFTERS)
    review = None
    if annual is not None and annual.draft_number and annual.state != ReportState.PUBLISHED:
        review = signoff_view(subject_type=OBJECT_TYPE, subject_id=annual.signoff_subject_id, user=request.user)
    can_decide = (
        review is not None
        and annual is not None
        and annual.state == ReportState.UNDER_APPROVAL
        and review.can_decide
        and review.state.next_step is not None
    )
    if can_decide and decision_form is None and review is not None and review.state.next_step is not None:
        decision_form = DecisionForm(initial={"step": review.state.next_step.key, "decision": "approve"})
    state = annual.state if annual is not None else ""
    correction = annual is not None and annual.draft_number > 1
    return render(
        request,
        "reports/report.html",
        {
            "body": body,
            "year": year,
            "annual": annual,
            "working": working,
            "title": report_title(body=body, year=year),
            "findings": _finding_rows(working),
            "read_only": body.pk not in body_ids_working(user=request.user),
            "can_start": annual is None and writable,
            "can_edit": state == ReportState.DRAFTING and writable,
            "submit_form": SubmitForm(correction=correction) if state == ReportState.DRAFTING and writable else None,
            "correction": correction,
            "review": review,
            "decision_form": decision_form if can_decide else None,
            "publish_form": ReportPublishForm() if state == ReportState.APPROVED and roles & PUBLISHERS else None,
            "can_correct": state == ReportState.PUBLISHED and writable,
            "versions": report_versions(annual=annual) if annual is not None else [],
            "formats": list(RenderFormat),
            "audit": report_audit(annual=annual) if annual is not None else [],
            "year_over": year < timezone.localdate().year,
        },
    )


@login_required
@require_POST
def report_start_view(request: HttpRequest, body_id: int, year: int) -> HttpResponse:
    body = _report_access(request, body_id, year)
    _require_write(request, body)
    try:
        report_start(actor=request_user(request), body_id=body.pk, year=year)
    except XxgkError as exc:
        messages.error(request, exc.message)
        return _back(body, year)
    messages.success(request, _("已开始编制，文字部分已按上一年度报告和本年度数据预先填写，请修改。"))
    return _back(body, year, "reports:narrative")


@login_required
@require_http_methods(["GET", "POST"])
def report_narrative_view(request: HttpRequest, body_id: int, year: int) -> HttpResponse:
    body = _report_access(request, body_id, year)
    annual = annual_report_get(body_id=body.pk, year=year)
    if annual is None:
        raise Http404(NOT_FOUND)
    editable = annual.state == ReportState.DRAFTING and bool(_user_roles(request, body) & DRAFTERS)
    if request.method == "POST":
        _require_write(request, body)
    form = NarrativeForm(request.POST or None, initial=dict(annual.narrative or {}))
    if request.method == "POST" and form.is_valid():
        try:
            report_narrative_save(actor=request_user(request), body_id=body.pk, year=year, sections=form.sections())
        except XxgkError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("文字部分已保存"))
            return _back(body, year, "reports:checks")
    working = report_working(body=body, year=year)
    statement = fees_collected(body_id=body.pk, year=year).statement
    narrative_codes = {f.code for f in working.findings if f.code.startswith("N")}
    return render(
        request,
        "reports/narrative.html",
        {
            "body": body,
            "year": year,
            "annual": annual,
            "form": form,
            "editable": editable,
            "facts": narrative_facts(working.report, fee_statement=statement).sentences(),
            "findings": [row for row in _finding_rows(working) if row["finding"].code in narrative_codes],
            "title": report_title(body=body, year=year),
        },
    )


@login_required
@require_safe
def report_checks_view(request: HttpRequest, body_id: int, year: int) -> HttpResponse:
    """Every finding on the report (engine rules, cross-year against last year's report, overrides), the tables
    with the flagged cells, each number linking to its records."""
    body = _report_access(request, body_id, year)
    working = report_working(body=body, year=year)
    writable = bool(_user_roles(request, body) & DRAFTERS)
    annual = working.annual
    return render(
        request,
        "reports/checks.html",
        {
            "body": body,
            "year": year,
            "annual": annual,
            "working": working,
            "report": working.report,
            "title": report_title(body=body, year=year),
            "findings": _finding_rows(working),
            "tables": report_tables(working.report, cell_url=_cell_links(body, year), flags=working.flagged_cells),
            "upload_form": PreviousUploadForm() if writable and year - 1 >= FIRST_YEAR else None,
            "upload": working.previous.upload,
            "can_edit": annual is not None and annual.state == ReportState.DRAFTING and writable,
            "read_only": body.pk not in body_ids_working(user=request.user),
        },
    )


@login_required
@require_POST
def report_previous_upload_view(request: HttpRequest, body_id: int, year: int) -> HttpResponse:
    body = _report_access(request, body_id, year)
    _require_write(request, body)
    form = PreviousUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return _back(body, year, "reports:checks")
    upload = form.cleaned_data["file"]
    try:
        row = report_previous_upload(
            actor=request_user(request), body_id=body.pk, year=year, filename=upload.name or "", data=upload.read()
        )
    except XxgkError as exc:
        messages.error(request, exc.message)
    else:
        if row.parsed:
            messages.success(
                request,
                _("已读取 %(year)s 年度报告“%(filename)s”，已用于跨年度核对")
                % {"year": row.year, "filename": row.filename},
            )
        else:
            messages.error(
                request, _("“%(filename)s”未能使用：%(error)s") % {"filename": row.filename, "error": row.parse_error}
            )
    return _back(body, year, "reports:checks")


def _override_choices(report: Report) -> list[tuple[str, str]]:
    return [(code, f"{code} {cell_label(report, code)}") for code in report.codes]


@login_required
@require_http_methods(["GET", "POST"])
def report_overrides_view(request: HttpRequest, body_id: int, year: int) -> HttpResponse:
    body = _report_access(request, body_id, year)
    annual = annual_report_get(body_id=body.pk, year=year)
    if annual is None:
        raise Http404(NOT_FOUND)
    if request.method == "POST":
        _require_write(request, body)
    working = report_working(body=body, year=year)
    choices = _override_choices(working.computed.report)
    initial = {"code": request.GET.get("code", "")}
    form = OverrideForm(request.POST or None, choices=choices, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            report_override_set(
                actor=request_user(request),
                body_id=body.pk,
                year=year,
                code=form.cleaned_data["code"],
                value=form.cleaned_data["value"],
                reason=form.cleaned_data["reason"],
            )
        except XxgkError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已手工修改，检查结果中将显示计算值与填报值"))
            return _back(body, year, "reports:overrides")
    computed = working.computed.report
    history = [
        {"row": row, "label": cell_label(computed, row.code), "value": row.value}
        for row in reversed(override_history(annual=annual))
    ]
    active = [
        {
            "code": code,
            "label": cell_label(computed, code),
            "computed": computed.value(code),
            "value": row.value,
            "row": row,
            "url": reverse("reports:cell", args=(body.pk, year, code)),
        }
        for code, row in working.overrides.items()
    ]
    editable = annual.state == ReportState.DRAFTING and bool(_user_roles(request, body) & DRAFTERS)
    return render(
        request,
        "reports/overrides.html",
        {
            "body": body,
            "year": year,
            "annual": annual,
            "form": form if editable else None,
            "active": active,
            "history": history,
            "editable": editable,
            "title": report_title(body=body, year=year),
        },
    )


@login_required
@require_POST
def report_override_remove_view(request: HttpRequest, body_id: int, year: int) -> HttpResponse:
    body = _report_access(request, body_id, year)
    _require_write(request, body)
    form = OverrideRemoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请求无效"))
        return _back(body, year, "reports:overrides")
    try:
        report_override_remove(
            actor=request_user(request),
            body_id=body.pk,
            year=year,
            code=form.cleaned_data["code"],
            reason=form.cleaned_data.get("reason") or "",
        )
    except XxgkError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已撤销手工修改，恢复按登记数据计算的值"))
    return _back(body, year, "reports:overrides")


@login_required
@require_POST
def report_submit_view(request: HttpRequest, body_id: int, year: int) -> HttpResponse:
    body = _report_access(request, body_id, year)
    _require_write(request, body)
    annual = annual_report_get(body_id=body.pk, year=year)
    form = SubmitForm(request.POST, correction=annual is not None and annual.draft_number > 1)
    if not form.is_valid():
        messages.error(request, _("更正版须填写更正说明"))
        return _back(body, year)
    try:
        report_submit(
            actor=request_user(request), body_id=body.pk, year=year, change_note=form.cleaned_data["change_note"]
        )
    except XxgkError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已提交审批"))
    return _back(body, year)


@login_required
@require_POST
def report_decide_view(request: HttpRequest, body_id: int, year: int) -> HttpResponse:
    body = _report_access(request, body_id, year)
    _require_write(request, body)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            report_decide(
                actor=request_user(request),
                body_id=body.pk,
                year=year,
                step=form.cleaned_data["step"],
                decision=form.cleaned_data["decision"],
                opinion=form.cleaned_data.get("opinion") or "",
            )
        except XxgkError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已记录审批意见"))
            return _back(body, year)
    return _report_page(request, body, year, decision_form=form)


@login_required
@require_POST
def report_publish_view(request: HttpRequest, body_id: int, year: int) -> HttpResponse:
    body = _report_access(request, body_id, year)
    _require_write(request, body)
    form = ReportPublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写有效的发布日期"))
        return _back(body, year)
    try:
        version = report_publish(actor=request_user(request), body_id=body.pk, year=year, on=form.cleaned_data["on"])
    except XxgkError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("已发布第 %(number)s 版，公众可在政府信息公开网站查看和下载") % {"number": version.number}
        )
    return _back(body, year)


@login_required
@require_POST
def report_correct_view(request: HttpRequest, body_id: int, year: int) -> HttpResponse:
    body = _report_access(request, body_id, year)
    _require_write(request, body)
    try:
        annual = report_correction_start(actor=request_user(request), body_id=body.pk, year=year)
    except XxgkError as exc:
        messages.error(request, exc.message)
        return _back(body, year)
    messages.success(
        request,
        _("已开始编制更正版（第 %(number)s 版）；发布前须经审批并填写更正说明") % {"number": annual.draft_number},
    )
    return _back(body, year)


def _version(request: HttpRequest, body_id: int, year: int, number: int) -> tuple[Body, ReportVersion]:
    body = _report_access(request, body_id, year)
    annual = annual_report_get(body_id=body.pk, year=year)
    if annual is None:
        raise Http404(NOT_FOUND)
    return body, report_version_get(annual=annual, number=number)


@login_required
@require_safe
def report_version_view(request: HttpRequest, body_id: int, year: int, number: int) -> HttpResponse:
    body, version = _version(request, body_id, year, number)
    report = version_report(version)
    return render(
        request,
        "reports/version.html",
        {
            "body": body,
            "year": year,
            "version": version,
            "report": report,
            "narrative": narrative_blocks(report),
            "tables": report_tables(report, cell_url=lambda code: "", flags={}),
            "formats": list(RenderFormat),
        },
    )


def narrative_blocks(report: Report) -> list[tuple[str, str]]:
    """(heading, text) of each narrative section, in report order."""
    return [(title, report.narrative.get(key, "")) for key, title in NARRATIVE_SECTIONS.items()]


def file_response(*, data: bytes, fmt: str, filename: str, sha256: str) -> HttpResponse:
    """A report file as a download (UTF-8 file name; never rendered inline)."""
    media = get_renderer(fmt).media_type
    response = HttpResponse(data, content_type=media)
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Length"] = str(len(data))
    response["ETag"] = f'"{sha256}"'
    return response


def version_filename(*, body: Body, year: int, number: int, fmt: str) -> str:
    suffix = get_renderer(fmt).suffix
    stem = report_title(body=body, year=year)
    if number > 1:
        stem += f"（第{number}版）"
    return f"{stem}{suffix}"


def _download(body: Body, year: int, version: ReportVersion, fmt: str) -> HttpResponse:
    if fmt not in RenderFormat.values:
        raise Http404(NOT_FOUND)
    try:
        rendered = version_file(version=version, fmt=fmt)
    except XxgkError as exc:
        text = _("无法生成文件：%(error)s") % {"error": exc.message}
        return HttpResponse(text, status=500, content_type="text/plain; charset=utf-8")
    return file_response(
        data=rendered.data,
        fmt=fmt,
        filename=version_filename(body=body, year=year, number=version.number, fmt=fmt),
        sha256=rendered.sha256,
    )


@login_required
@require_safe
def report_download_view(request: HttpRequest, body_id: int, year: int, number: int, fmt: str) -> HttpResponse:
    body, version = _version(request, body_id, year, number)
    return _download(body, year, version, fmt)


# -- the public site -------------------------------------------------------------------------------------


@require_safe
def public_report_view(request: HttpRequest, body_code: str, year: int) -> HttpResponse:
    """A body's published report on a year for everyone: the latest version in the official layout, its files,
    and every earlier version with its change note."""
    body = public_body_by_code(body_code)
    published = public_report(body=body, year=year)
    report = published.latest.report
    return render(
        request,
        "reports/public_report.html",
        {
            "body": body,
            "year": year,
            "published": published,
            "report": report,
            "narrative": narrative_blocks(report),
            "tables": report_tables(report, cell_url=lambda code: "", flags={}),
            "formats": list(RenderFormat),
        },
    )


@require_safe
def public_download_view(request: HttpRequest, body_code: str, year: int, number: int, fmt: str) -> HttpResponse:
    body = public_body_by_code(body_code)
    version = public_version(body=body, year=year, number=number)
    return _download(body, year, version, fmt)
