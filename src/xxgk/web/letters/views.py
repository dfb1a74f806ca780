"""Pages of letters and letter templates. Thin: check access, call one service or selector, render or send."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xxgk.core.errors import XxgkError
from xxgk.core.letters import placeholders_for
from xxgk.web.cases.selectors import access_case_by_id
from xxgk.web.letters.defaults import default_template
from xxgk.web.letters.docxfill import DOCX_MIME, MAX_UPLOAD_BYTES, human_size
from xxgk.web.letters.forms import TemplateUploadForm
from xxgk.web.letters.selectors import (
    CANNOT_MANAGE,
    access_letter_by_id,
    access_template_body_by_id,
    slot_or_404,
    template_bodies_managed,
    template_current,
    template_effective,
    template_history,
    template_overview,
    template_version_content,
    user_manages_templates,
)
from xxgk.web.letters.services import letter_generate, letter_template_reset, letter_template_upload
from xxgk.web.tenancy.selectors import NOT_FOUND, request_user


def _docx(content: bytes, filename: str) -> HttpResponse:
    """A DOCX download; the file name may be Chinese (RFC 6266 ``filename*=utf-8''…``)."""
    response = HttpResponse(content, content_type=DOCX_MIME)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename) or ""
    response["Content-Length"] = str(len(content))
    response["Cache-Control"] = "private, no-store"  # letters carry applicants' personal data
    return response


@login_required
@require_GET
def template_list_view(request: HttpRequest) -> HttpResponse:
    sections = [(body, template_overview(body=body)) for body in template_bodies_managed(user=request.user)]
    return render(request, "letters/template_list.html", {"sections": sections})


@login_required
@require_http_methods(["GET", "POST"])
def template_detail_view(request: HttpRequest, body_id: int, slot: str) -> HttpResponse:
    letter_slot = slot_or_404(slot)
    body = access_template_body_by_id(request.user, body_id)
    can_manage = user_manages_templates(user=request.user, body_id=body.pk)
    form = TemplateUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied(CANNOT_MANAGE)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                row = letter_template_upload(
                    actor=request_user(request),
                    body_id=body.pk,
                    slot_code=letter_slot.code,
                    filename=upload.name or "",
                    content=upload.read(MAX_UPLOAD_BYTES + 1),
                )
            except XxgkError as exc:
                form.add_error("file", exc.message)
            else:
                messages.success(
                    request,
                    _("已上传“%(slot)s”模板（第%(version)s版）") % {"slot": letter_slot.label, "version": row.version},
                )
                return redirect("letters:template", body_id=body.pk, slot=letter_slot.code)
    return render(
        request,
        "letters/template_detail.html",
        {
            "body": body,
            "slot": letter_slot,
            "form": form,
            "can_manage": can_manage,
            "current": template_current(body_id=body.pk, slot=letter_slot),
            "history": template_history(body_id=body.pk, slot=letter_slot),
            "placeholders": placeholders_for(letter_slot.kind),
            "max_size": human_size(MAX_UPLOAD_BYTES),
        },
    )


@login_required
@require_GET
def template_download_view(request: HttpRequest, body_id: int, slot: str) -> HttpResponse:
    """The template in use (``?version=N``: an earlier upload)."""
    letter_slot = slot_or_404(slot)
    body = access_template_body_by_id(request.user, body_id)
    version = request.GET.get("version", "")
    if version:
        if not version.isdigit():
            raise Http404(NOT_FOUND)
        content, row = template_version_content(body_id=body.pk, slot=letter_slot, version=int(version))
        return _docx(content, f"{body.name}-{letter_slot.label}-模板第{row.version}版.docx")
    content, current = template_effective(body_id=body.pk, slot=letter_slot)
    if current is None or current.is_default:
        return _docx(content, f"{body.name}-{letter_slot.label}-默认模板.docx")
    return _docx(content, f"{body.name}-{letter_slot.label}-模板第{current.version}版.docx")


@login_required
@require_GET
def template_default_view(request: HttpRequest, body_id: int, slot: str) -> HttpResponse:
    letter_slot = slot_or_404(slot)
    access_template_body_by_id(request.user, body_id)
    return _docx(default_template(letter_slot), f"默认模板-{letter_slot.label}.docx")


@login_required
@require_POST
def template_reset_view(request: HttpRequest, body_id: int, slot: str) -> HttpResponse:
    letter_slot = slot_or_404(slot)
    body = access_template_body_by_id(request.user, body_id, manage=True)
    try:
        letter_template_reset(actor=request_user(request), body_id=body.pk, slot_code=letter_slot.code)
    except XxgkError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("“%(slot)s”已恢复为默认模板") % {"slot": letter_slot.label})
    return redirect("letters:template", body_id=body.pk, slot=letter_slot.code)


@login_required
@require_POST
def letter_generate_view(request: HttpRequest, case_id: int, event_seq: int) -> HttpResponse:
    case = access_case_by_id(request.user, case_id)
    try:
        letters = letter_generate(actor=request_user(request), case_id=case.pk, event_seq=event_seq)
    except XxgkError as exc:
        messages.error(request, _("未能生成文书：%(error)s") % {"error": exc.message})
    else:
        messages.success(request, _("已生成：%(files)s") % {"files": "、".join(letter.filename for letter in letters)})
    return redirect(reverse("cases:detail", kwargs={"case_id": case.pk}) + "#letters")


@login_required
@require_GET
def letter_download_view(request: HttpRequest, letter_id: int) -> HttpResponse:
    letter = access_letter_by_id(request.user, letter_id)
    return _docx(bytes(letter.content), letter.filename)
