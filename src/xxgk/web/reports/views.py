"""Pages of the computed annual report: the three tables with every number linking to its records.

Thin: check access to the body (any visible body: a supervisor reads its subordinates' reports), call one
selector, render. Nothing here writes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from xxgk.core.errors import ReportError
from xxgk.core.findings import Severity
from xxgk.core.templates import S3_COLUMN_LABELS, S3_COLUMNS
from xxgk.web.reports.counting import Uncounted
from xxgk.web.reports.display import cell_label, code_label, report_tables, s3_rule_text
from xxgk.web.reports.forms import PublishedReportForm
from xxgk.web.reports.selectors import (
    FIRST_YEAR,
    LAST_YEAR,
    Scope,
    report_build,
    report_cell_sources,
    report_cell_value,
    report_compare_previous,
    report_compute,
    report_index,
    scope_body_ids,
    section_sources,
    uncounted_sources,
)
from xxgk.web.tenancy.models import Body
from xxgk.web.tenancy.selectors import NOT_FOUND, access_body_by_id, body_ids_working

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
        context["published_body"] = published.body or "（未识别）"
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
