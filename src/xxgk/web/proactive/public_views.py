"""The public site of a body (under ``/open/``): anonymous and read-only. Only published items whose attribute is
主动公开 are shown, and never a staff member's name (items show the issuing body, not the drafter or reviewers)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from xxgk.core.outcomes import Channel
from xxgk.web.proactive.forms import CatalogueFilterForm
from xxgk.web.proactive.selectors import (
    body_categories,
    guide_get,
    public_attachment,
    public_body_by_code,
    public_body_list,
    public_category_counts,
    public_item_by_id,
    public_item_list,
    public_years,
    published_reports,
)
from xxgk.web.proactive.views import attachment_response

PAGE_SIZE = 20
RECENT = 8


@require_safe
def open_index_view(request: HttpRequest) -> HttpResponse:
    return render(request, "public/index.html", {"bodies": public_body_list()})


@require_safe
def open_body_view(request: HttpRequest, body_code: str) -> HttpResponse:
    body = public_body_by_code(body_code)
    recent = list(public_item_list(body=body, filters=CatalogueFilterForm(categories=(), years=[]).filters())[:RECENT])
    return render(
        request,
        "public/body.html",
        {
            "body": body,
            "recent": recent,
            "categories": public_category_counts(body=body),
            "guide": guide_get(body=body),
        },
    )


@require_safe
def open_catalogue_view(request: HttpRequest, body_code: str) -> HttpResponse:
    body = public_body_by_code(body_code)
    form = CatalogueFilterForm(request.GET or None, categories=body_categories(body), years=public_years(body=body))
    filters = form.filters()
    paginator = Paginator(public_item_list(body=body, filters=filters), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "public/catalogue.html",
        {"body": body, "form": form, "filters": filters, "page": page, "query": query.urlencode()},
    )


@require_safe
def open_item_view(request: HttpRequest, body_code: str, item_id: int) -> HttpResponse:
    body = public_body_by_code(body_code)
    item = public_item_by_id(body=body, item_id=item_id)
    return render(
        request,
        "public/item.html",
        {"body": body, "item": item, "attachments": list(item.attachments.defer("data").order_by("id"))},
    )


@require_safe
def open_attachment_view(request: HttpRequest, body_code: str, item_id: int, attachment_id: int) -> HttpResponse:
    body = public_body_by_code(body_code)
    return attachment_response(public_attachment(body=body, item_id=item_id, attachment_id=attachment_id))


@require_safe
def open_guide_view(request: HttpRequest, body_code: str) -> HttpResponse:
    body = public_body_by_code(body_code)
    guide = guide_get(body=body)
    channels = [Channel(c) for c in guide.accepted_channels if c in Channel._value2member_map_] if guide else []
    return render(request, "public/guide.html", {"body": body, "guide": guide, "channels": channels})


@require_safe
def open_reports_view(request: HttpRequest, body_code: str) -> HttpResponse:
    body = public_body_by_code(body_code)
    return render(request, "public/reports.html", {"body": body, "reports": published_reports(body=body)})
