"""Pages of the registers. Thin: check access, parse with a form, call one service or selector, render."""

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
from xxgk.core.table2 import COLUMN_RULES, FigureItem, LedgerError, figure_fields, figure_items
from xxgk.web.audit.selectors import audit_list_for_object
from xxgk.web.registers import services
from xxgk.web.registers.data import ImportRejected
from xxgk.web.registers.forms import AmendmentForm, DocumentFilterForm, DocumentForm, FigureForm, ImportForm
from xxgk.web.registers.models import DocumentAmendment, YearlyFigure
from xxgk.web.registers.selectors import (
    FIRST_YEAR,
    DocumentFilters,
    access_document_by_id,
    access_figure_by_id,
    cell_label,
    document_list,
    figure_list,
    table2_compute,
    table2_rows,
    table2_sources,
    user_can_write,
)
from xxgk.web.registers.services import READ_ONLY
from xxgk.web.registers.sheets import (
    DOCUMENT_COLUMNS,
    DOCUMENT_EXAMPLES,
    FIGURE_COLUMNS,
    FIGURE_EXAMPLES,
    column_notes,
    document_row,
    figure_row,
    parse_documents,
    parse_figures,
    read_table,
    write_csv,
    write_xlsx,
)
from xxgk.web.tenancy.models import Body
from xxgk.web.tenancy.selectors import (
    NOT_FOUND,
    access_body_by_id,
    body_ids_working,
    body_list_visible,
    request_user,
)

KINDS = ("documents", "figures")
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _years() -> list[int]:
    return list(range(timezone.localdate().year, FIRST_YEAR - 1, -1))


def _year(year: int) -> int:
    if year not in _years():
        raise Http404(NOT_FOUND)
    return year


def _writable_body(request: HttpRequest, body_id: int) -> Body:
    body = access_body_by_id(request.user, body_id)
    if not user_can_write(user=request.user, body_id=body.pk):
        raise PermissionDenied(READ_ONLY)
    return body


@login_required
def index(request: HttpRequest) -> HttpResponse:
    bodies = body_list_visible(user=request.user)
    working = body_ids_working(user=request.user)  # once, not once per body
    rows = [(b, b.pk in working) for b in bodies]
    return render(request, "registers/index.html", {"rows": rows, "years": _years()})


@login_required
def documents(request: HttpRequest, body_id: int) -> HttpResponse:
    body = access_body_by_id(request.user, body_id)
    form = DocumentFilterForm(request.GET or None)
    filters = DocumentFilters()
    if form.is_valid():
        c = form.cleaned_data
        filters = DocumentFilters(kind=c["kind"], state=c["state"], q=c["q"].strip(), on=timezone.localdate())
    return render(
        request,
        "registers/document_list.html",
        {
            "body": body,
            "form": form,
            "documents": document_list(body_id=body.pk, filters=filters),
            "can_write": user_can_write(user=request.user, body_id=body.pk),
            "years": _years(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def document_new(request: HttpRequest, body_id: int) -> HttpResponse:
    body = _writable_body(request, body_id)
    form = DocumentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            doc = services.document_create(actor=request_user(request), body_id=body.pk, data=form.data_object())
        except XxgkError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已登记：%(title)s") % {"title": doc.title})
            return redirect("registers:document", document_id=doc.pk)
    return render(request, "registers/document_form.html", {"body": body, "form": form, "document": None})


@login_required
def document_detail(request: HttpRequest, document_id: int) -> HttpResponse:
    doc = access_document_by_id(request.user, document_id)
    return render(
        request,
        "registers/document_detail.html",
        {
            "document": doc,
            "amendments": doc.amendments.order_by("amended_on"),
            "amendment_form": AmendmentForm(),
            "can_write": user_can_write(user=request.user, body_id=doc.body_id),
            "audit": audit_list_for_object(object_type=services.DOCUMENT, object_id=doc.pk),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def document_edit(request: HttpRequest, document_id: int) -> HttpResponse:
    doc = access_document_by_id(request.user, document_id)
    if not user_can_write(user=request.user, body_id=doc.body_id):
        raise PermissionDenied(READ_ONLY)
    known = services.amendment_data_of(doc)
    initial = {k: v for k, v in services.document_snapshot(doc).items() if v is not None}
    form = DocumentForm(request.POST or None, initial=initial, amendments=known)
    if request.method == "POST" and form.is_valid():
        try:
            services.document_update(actor=request_user(request), document_id=doc.pk, data=form.data_object())
        except XxgkError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已保存"))
            return redirect("registers:document", document_id=doc.pk)
    return render(request, "registers/document_form.html", {"body": doc.body, "form": form, "document": doc})


@login_required
@require_POST
def document_delete(request: HttpRequest, document_id: int) -> HttpResponse:
    doc = access_document_by_id(request.user, document_id)
    body_id = doc.body_id
    services.document_delete(actor=request_user(request), document_id=doc.pk)
    messages.success(request, _("已删除：%(title)s") % {"title": doc.title})
    return redirect("registers:documents", body_id=body_id)


@login_required
@require_POST
def amendment_add(request: HttpRequest, document_id: int) -> HttpResponse:
    doc = access_document_by_id(request.user, document_id)
    if not user_can_write(user=request.user, body_id=doc.body_id):
        raise PermissionDenied(READ_ONLY)
    form = AmendmentForm(request.POST)
    if form.is_valid():
        try:
            services.amendment_add(actor=request_user(request), document_id=doc.pk, data=form.data_object())
        except XxgkError as exc:
            messages.error(request, _("未登记修改：%(error)s") % {"error": exc.message})
        else:
            messages.success(request, _("已登记修改"))
    else:
        errors = _("；").join(
            _("%(field)s：%(error)s") % {"field": form.fields[k].label, "error": m} if k in form.fields else str(m)
            for k, msgs in form.errors.items()
            for m in msgs
        )
        messages.error(request, _("未登记修改：%(error)s") % {"error": errors})
    return redirect("registers:document", document_id=doc.pk)


@login_required
@require_POST
def amendment_delete(request: HttpRequest, amendment_id: int) -> HttpResponse:
    row = DocumentAmendment.objects.filter(pk=amendment_id).only("document_id").first()
    if row is None:
        raise Http404(NOT_FOUND)
    doc = access_document_by_id(request.user, row.document_id)
    services.amendment_delete(actor=request_user(request), amendment_id=amendment_id)
    messages.success(request, _("已删除修改记录"))
    return redirect("registers:document", document_id=doc.pk)


@login_required
def year(request: HttpRequest, body_id: int, year: int) -> HttpResponse:
    body = access_body_by_id(request.user, body_id)
    _year(year)
    table = table2_compute(body_id=body.pk, year=year)
    figures = {f.item: f for f in figure_list(body_id=body.pk, year=year)}
    items = [(i, figures.get(i.value)) for i in figure_items(year)]
    return render(
        request,
        "registers/year.html",
        {
            "body": body,
            "year": year,
            "version": table.version,
            "rows": table2_rows(table),
            "items": items,
            "can_write": user_can_write(user=request.user, body_id=body.pk),
            "years": _years(),
        },
    )


@login_required
def cell(request: HttpRequest, body_id: int, year: int, code: str) -> HttpResponse:
    body = access_body_by_id(request.user, body_id)
    _year(year)
    sources = table2_sources(body_id=body.pk, year=year, code=code)
    value = table2_compute(body_id=body.pk, year=year).cells[code]
    return render(
        request,
        "registers/cell.html",
        {
            "body": body,
            "year": year,
            "code": code,
            "label": cell_label(year=year, code=code),
            "value": value,
            "rule": COLUMN_RULES.get(code.rsplit(".", 1)[1], ""),
            "sources": sources,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def figure_edit(request: HttpRequest, body_id: int, year: int, item: str) -> HttpResponse:
    body = access_body_by_id(request.user, body_id)
    _year(year)
    try:
        figure_item = FigureItem(item)
    except ValueError:
        raise Http404(NOT_FOUND) from None
    if not figure_fields(figure_item, year):
        raise Http404(NOT_FOUND)
    existing = YearlyFigure.objects.filter(body=body, year=year, item=figure_item.value).first()
    can_write = user_can_write(user=request.user, body_id=body.pk)
    if request.method == "POST" and not can_write:
        raise PermissionDenied(READ_ONLY)
    form = FigureForm(request.POST or None, item=figure_item, year=year, initial=FigureForm.initial_from(existing))
    if request.method == "POST" and form.is_valid():
        try:
            services.figure_save(actor=request_user(request), body_id=body.pk, data=form.data_object())
        except XxgkError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已保存 %(year)s年「%(item)s」") % {"year": year, "item": figure_item.label})
            return redirect("registers:year", body_id=body.pk, year=year)
    return render(
        request,
        "registers/figure_form.html",
        {
            "body": body,
            "year": year,
            "item": figure_item,
            "form": form,
            "figure": existing,
            "can_write": can_write,
            "audit": audit_list_for_object(object_type=services.FIGURE, object_id=existing.pk) if existing else [],
        },
    )


@login_required
@require_POST
def figure_delete(request: HttpRequest, figure_id: int) -> HttpResponse:
    fig = access_figure_by_id(request.user, figure_id)
    services.figure_delete(actor=request_user(request), figure_id=fig.pk)
    messages.success(request, _("已删除 %(year)s年「%(item)s」") % {"year": fig.year, "item": fig.get_item_display()})
    return redirect("registers:year", body_id=fig.body_id, year=fig.year)


@login_required
@require_http_methods(["GET", "POST"])
def import_view(request: HttpRequest, body_id: int, what: str) -> HttpResponse:
    if what not in KINDS:
        raise Http404(NOT_FOUND)
    body = _writable_body(request, body_id)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        name = str(upload.name or "")
        try:
            table = read_table(name=name, data=upload.read())
            actor = request_user(request)
            if what == "documents":
                summary = services.documents_import(
                    actor=actor, body_id=body.pk, rows=parse_documents(table), filename=name
                )
            else:
                rows = parse_figures(table, latest_year=timezone.localdate().year)
                summary = services.figures_import(actor=actor, body_id=body.pk, rows=rows, filename=name)
        except ImportRejected as exc:
            errors = [str(e) for e in exc.errors]
        except LedgerError as exc:
            errors = [exc.message]
        else:
            messages.success(request, summary.message)
            if what == "documents":
                return redirect("registers:documents", body_id=body.pk)
            return redirect("registers:index")
    return render(
        request,
        "registers/import.html",
        {
            "body": body,
            "what": what,
            "title": _("规章和规范性文件") if what == "documents" else _("年度统计数据"),
            "form": form,
            "errors": errors,
            "columns": DOCUMENT_COLUMNS if what == "documents" else FIGURE_COLUMNS,
        },
    )


def _file(data: bytes, fmt: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def template_download(request: HttpRequest, what: str, fmt: str) -> HttpResponse:
    if what not in KINDS or fmt not in FORMATS:
        raise Http404(NOT_FOUND)
    columns = DOCUMENT_COLUMNS if what == "documents" else FIGURE_COLUMNS
    examples = DOCUMENT_EXAMPLES if what == "documents" else FIGURE_EXAMPLES
    header = [c.label for c in columns]
    data = write_csv(header, examples) if fmt == "csv" else write_xlsx(header, examples, notes=column_notes(columns))
    return _file(data, fmt, f"xxgk-{what}-template")


@login_required
def export(request: HttpRequest, body_id: int, what: str, fmt: str) -> HttpResponse:
    if what not in KINDS or fmt not in FORMATS:
        raise Http404(NOT_FOUND)
    body = access_body_by_id(request.user, body_id)
    if what == "documents":
        columns, rows = DOCUMENT_COLUMNS, [document_row(d) for d in document_list(body_id=body.pk)]
    else:
        columns, rows = FIGURE_COLUMNS, [figure_row(f) for f in figure_list(body_id=body.pk)]
    header = [c.label for c in columns]
    data = write_csv(header, rows) if fmt == "csv" else write_xlsx(header, rows, notes=column_notes(columns))
    return _file(data, fmt, f"xxgk-{what}-{body.code}")
