"""Staff pages of proactive disclosure (under ``/proactive/``). Thin: parse, check access, call one service or
selector, render. Service errors (:class:`~xxgk.core.errors.XxgkError`) become form errors or messages."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from xxgk.core.errors import XxgkError
from xxgk.core.outcomes import Outcome as CoreOutcome
from xxgk.core.outcomes import OutcomeGroup
from xxgk.core.proactive import pattern_example
from xxgk.web.audit.selectors import audit_list_for_object
from xxgk.web.cases.selectors import access_case_by_id
from xxgk.web.proactive.attachments import MAX_ATTACHMENT_BYTES
from xxgk.web.proactive.forms import (
    AttachmentForm,
    CatalogueSettingsForm,
    ChainForm,
    DecisionForm,
    GuideForm,
    ItemFilterForm,
    ItemForm,
    PublishForm,
    WithdrawForm,
)
from xxgk.web.proactive.models import ChainKind, ItemAttachment, ProactiveItem
from xxgk.web.proactive.selectors import (
    OBJECT_TYPE,
    READ_ONLY,
    VIEWS,
    access_attachment,
    access_body_for_settings,
    access_item_by_id,
    body_categories,
    catalogue_settings_get,
    editable_bodies,
    guide_get,
    item_actions,
    item_attachments,
    item_deadline,
    item_list,
    item_years,
    user_can_act,
)
from xxgk.web.proactive.services import (
    GUIDE_EDITORS,
    SETTINGS_EDITORS,
    catalogue_settings_save,
    guide_save,
    item_attach,
    item_create,
    item_decide,
    item_detach,
    item_from_case,
    item_publish,
    item_submit,
    item_update,
    item_withdraw,
)
from xxgk.web.proactive.signoff_selectors import chain_for_body, chain_is_default, signoff_tasks, signoff_view
from xxgk.web.proactive.signoff_services import CHAIN_EDITORS, signoff_chain_save
from xxgk.web.tenancy.models import Body, MemberRole
from xxgk.web.tenancy.selectors import membership_list, request_user
from xxgk.web.workcalendar.selectors import calendar_get

LIST_LIMIT = 200


def _require_write(request: HttpRequest, item: ProactiveItem) -> None:
    """Refuse a supervising body's user (read-only) before looking at the submitted data."""
    if not user_can_act(user=request.user, item=item):
        raise PermissionDenied(READ_ONLY)


def _clerk_bodies(request: HttpRequest) -> list[Body]:
    return [m.body for m in membership_list(user=request.user) if m.role == MemberRole.CLERK]


@login_required
def item_list_view(request: HttpRequest) -> HttpResponse:
    form = ItemFilterForm(request.GET or None, years=item_years(user=request.user))
    filters = form.filters(default_days=settings.XXGK_DUE_SOON_DAYS)
    calendar = calendar_get()
    items = list(item_list(user=request.user, filters=filters, calendar=calendar)[: LIST_LIMIT + 1])
    return render(
        request,
        "proactive/item_list.html",
        {
            "form": form,
            "filters": filters,
            "view_label": _(VIEWS[filters.view]) if filters.view in VIEWS else "",
            "items": items[:LIST_LIMIT],
            "truncated": len(items) > LIST_LIMIT,
            "today": timezone.localdate(),
            "can_create": bool(_clerk_bodies(request)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_create_view(request: HttpRequest) -> HttpResponse:
    bodies = _clerk_bodies(request)
    if not bodies:
        raise PermissionDenied(_("只有经办人可以起草主动公开信息"))
    form = ItemForm(request.POST or None, bodies=[(b.pk, b.name) for b in bodies])
    if request.method == "POST" and form.is_valid():
        try:
            item = item_create(actor=request_user(request), body_id=form.cleaned_data["body"], data=form.item_data())
        except XxgkError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已保存草稿"))
            return redirect("proactive:detail", item_id=item.pk)
    return render(request, "proactive/item_form.html", {"form": form, "item": None})


@login_required
@require_http_methods(["GET", "POST"])
def item_edit_view(request: HttpRequest, item_id: int) -> HttpResponse:
    item = access_item_by_id(request.user, item_id)
    if not item_actions(user=request.user, item=item).edit:
        raise PermissionDenied(_("只有起草人可以修改草稿"))
    initial = {
        "body": item.body_id,
        "category": item.category,
        "title": item.title,
        "doc_number": item.doc_number,
        "issuer": item.issuer,
        "formed_on": item.formed_on,
        "attribute": item.attribute,
        "withholding_ground": item.withholding_ground,
        "attribute_reason": item.attribute_reason,
        "summary": item.summary,
        "content": item.content,
        "important": item.important,
    }
    form = ItemForm(
        request.POST or None,
        initial=initial,
        bodies=[(item.body_id, item.body.name)],
        categories=body_categories(item.body),
        fixed_body=True,
    )
    if request.method == "POST" and form.is_valid():
        try:
            item_update(actor=request_user(request), item_id=item.pk, data=form.item_data())
        except XxgkError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已保存"))
            return redirect("proactive:detail", item_id=item.pk)
    return render(request, "proactive/item_form.html", {"form": form, "item": item})


def _detail(request: HttpRequest, item: ProactiveItem, *, decision_form: DecisionForm | None = None) -> HttpResponse:
    calendar = calendar_get()
    today = timezone.localdate()
    deadline = item_deadline(item=item, calendar=calendar)
    review = signoff_view(subject_type=OBJECT_TYPE, subject_id=item.pk, user=request.user)
    if decision_form is None and review is not None and review.can_decide and review.state.next_step is not None:
        decision_form = DecisionForm(initial={"step": review.state.next_step.key, "decision": "approve"})
    actions = item_actions(user=request.user, item=item)
    return render(
        request,
        "proactive/item_detail.html",
        {
            "item": item,
            "deadline": deadline,
            "overdue": deadline is not None and item.published_on is None and deadline.is_overdue(today),
            "remaining": deadline.remaining_working_days(today, calendar)
            if deadline and not item.published_on
            else None,
            "review": review,
            "decision_form": decision_form if review is not None and review.can_decide else None,
            "actions": actions,
            "attachments": item_attachments(item=item),
            "attach_form": AttachmentForm() if actions.edit else None,
            "publish_form": PublishForm() if actions.publish else None,
            "audit": audit_list_for_object(object_type=OBJECT_TYPE, object_id=item.pk),
        },
    )


@login_required
def item_detail_view(request: HttpRequest, item_id: int) -> HttpResponse:
    return _detail(request, access_item_by_id(request.user, item_id))


@login_required
@require_POST
def item_submit_view(request: HttpRequest, item_id: int) -> HttpResponse:
    item = access_item_by_id(request.user, item_id)
    _require_write(request, item)
    try:
        item_submit(actor=request_user(request), item_id=item.pk)
    except XxgkError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已提交保密审查"))
    return redirect("proactive:detail", item_id=item.pk)


@login_required
@require_POST
def item_decide_view(request: HttpRequest, item_id: int) -> HttpResponse:
    item = access_item_by_id(request.user, item_id)
    _require_write(request, item)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            item_decide(
                actor=request_user(request),
                item_id=item.pk,
                step=form.cleaned_data["step"],
                decision=form.cleaned_data["decision"],
                opinion=form.cleaned_data.get("opinion") or "",
            )
        except XxgkError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已记录审查意见"))
            return redirect("proactive:detail", item_id=item.pk)
    item = access_item_by_id(request.user, item_id)
    return _detail(request, item, decision_form=form)


@login_required
@require_POST
def item_publish_view(request: HttpRequest, item_id: int) -> HttpResponse:
    item = access_item_by_id(request.user, item_id)
    _require_write(request, item)
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写有效的公开日期"))
        return redirect("proactive:detail", item_id=item.pk)
    try:
        item = item_publish(actor=request_user(request), item_id=item.pk, on=form.cleaned_data["on"])
    except XxgkError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已公开，索引号：%(number)s") % {"number": item.index_number})
    return redirect("proactive:detail", item_id=item.pk)


@login_required
@require_http_methods(["GET", "POST"])
def item_withdraw_view(request: HttpRequest, item_id: int) -> HttpResponse:
    item = access_item_by_id(request.user, item_id)
    if not item_actions(user=request.user, item=item).withdraw:
        raise PermissionDenied(_("您不能撤回该信息"))
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item_withdraw(actor=request_user(request), item_id=item.pk, reason=form.cleaned_data["reason"])
        except XxgkError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已撤回"))
            return redirect("proactive:detail", item_id=item.pk)
    return render(request, "proactive/item_withdraw.html", {"item": item, "form": form})


@login_required
@require_POST
def item_attach_view(request: HttpRequest, item_id: int) -> HttpResponse:
    item = access_item_by_id(request.user, item_id)
    _require_write(request, item)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("proactive:detail", item_id=item.pk)
    upload = form.cleaned_data["file"]
    if upload.size is not None and upload.size > MAX_ATTACHMENT_BYTES:
        messages.error(
            request,
            _("附件“%(name)s”超过 %(limit)s MB")
            % {"name": upload.name, "limit": MAX_ATTACHMENT_BYTES // (1024 * 1024)},
        )
        return redirect("proactive:detail", item_id=item.pk)
    try:
        attachment = item_attach(
            actor=request_user(request), item_id=item.pk, name=upload.name or "", data=upload.read()
        )
    except XxgkError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已上传：%(name)s") % {"name": attachment.name})
    return redirect("proactive:detail", item_id=item.pk)


@login_required
@require_POST
def item_detach_view(request: HttpRequest, item_id: int, attachment_id: int) -> HttpResponse:
    item = access_item_by_id(request.user, item_id)
    _require_write(request, item)
    try:
        item_detach(actor=request_user(request), item_id=item.pk, attachment_id=attachment_id)
    except XxgkError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已删除附件"))
    return redirect("proactive:detail", item_id=item.pk)


def attachment_response(attachment: ItemAttachment) -> HttpResponse:
    """The file as a download that the browser never renders inline or sniffs."""
    response = HttpResponse(bytes(attachment.data), content_type=attachment.content_type)
    disposition = content_disposition_header(True, attachment.name) or "attachment"
    response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Content-Length"] = str(attachment.size)
    return response


@login_required
def attachment_view(request: HttpRequest, item_id: int, attachment_id: int) -> HttpResponse:
    return attachment_response(access_attachment(request.user, item_id, attachment_id))


@login_required
@require_http_methods(["GET", "POST"])
def item_from_case_view(request: HttpRequest, case_id: int) -> HttpResponse:
    case = access_case_by_id(request.user, case_id)
    error = ""
    if request.method == "POST":
        try:
            item = item_from_case(actor=request_user(request), case_id=case.pk)
        except XxgkError as exc:
            error = exc.message
        else:
            messages.success(request, _("已生成主动公开信息草稿，请补充类别、标题和内容概述后提交保密审查"))
            return redirect("proactive:edit", item_id=item.pk)
    outcome = CoreOutcome(case.outcome) if case.outcome else None
    convertible = (
        outcome is not None
        and outcome is not CoreOutcome.GRANTED_PUBLISHED
        and outcome.spec.group in (OutcomeGroup.GRANTED, OutcomeGroup.PARTIAL)
    )
    return render(
        request,
        "proactive/from_case.html",
        {
            "case": case,
            "outcome": outcome,
            "convertible": convertible,
            "error": error,
            "existing": case.proactive_items.all(),
        },
    )


@login_required
def tasks_view(request: HttpRequest) -> HttpResponse:
    return render(request, "proactive/tasks.html", {"tasks": signoff_tasks(user=request.user)})


# -- per-body settings ---------------------------------------------------------------------------------


@login_required
def settings_index_view(request: HttpRequest) -> HttpResponse:
    chain_bodies = {b.pk for b in editable_bodies(user=request.user, roles=CHAIN_EDITORS)}
    settings_bodies = {b.pk for b in editable_bodies(user=request.user, roles=SETTINGS_EDITORS)}
    guide_bodies = editable_bodies(user=request.user, roles=GUIDE_EDITORS)
    rows = [
        {
            "body": body,
            "chain": body.pk in chain_bodies,
            "settings": body.pk in settings_bodies,
            "guide": True,
            "steps": " → ".join(s.name for s in chain_for_body(body_id=body.pk).steps),
            "reply_steps": " → ".join(s.name for s in chain_for_body(body_id=body.pk, kind=ChainKind.REPLY).steps),
        }
        for body in sorted(
            {b.pk: b for b in [*guide_bodies, *editable_bodies(user=request.user, roles=CHAIN_EDITORS)]}.values(),
            key=lambda b: b.code,
        )
    ]
    return render(request, "proactive/settings_index.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def chain_edit_view(request: HttpRequest, body_id: int) -> HttpResponse:
    """Both chains of the body (proactive items, replies to applications), each its own form; a POST names the
    chain it saves in ``kind`` (default: the items' chain) and binds only that form."""
    body = access_body_for_settings(request.user, body_id, CHAIN_EDITORS)
    posted = request.POST.get("kind", ChainKind.ITEM.value) if request.method == "POST" else None
    if posted is not None and posted not in ChainKind.values:
        raise BadRequest(_("未知的审查流程类型"))
    sections = []
    for kind in ChainKind:
        current = chain_for_body(body_id=body.pk, kind=kind)
        data = request.POST if posted == kind.value else None
        form = ChainForm(data, chain=current, kind=kind, prefix=None if kind is ChainKind.ITEM else kind.value)
        if data is not None and form.is_valid():
            try:
                signoff_chain_save(actor=request_user(request), body_id=body.pk, chain=form.chain(), kind=kind)
            except XxgkError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _("已保存%(kind)s的保密审查流程；新流程自下一次提交审查起适用") % {"kind": _(kind.label)},
                )
                return redirect("proactive:settings")
        sections.append(
            {
                "kind": kind,
                "form": form,
                "chain": current,
                "is_default": chain_is_default(body_id=body.pk, kind=kind),
            }
        )
    return render(request, "proactive/chain_form.html", {"body": body, "sections": sections})


@login_required
@require_http_methods(["GET", "POST"])
def catalogue_settings_view(request: HttpRequest, body_id: int) -> HttpResponse:
    body = access_body_for_settings(request.user, body_id, SETTINGS_EDITORS)
    current = catalogue_settings_get(body=body)
    form = CatalogueSettingsForm(
        request.POST or None, initial={"body_code": current.body_code, "index_pattern": current.index_pattern}
    )
    if request.method == "POST" and form.is_valid():
        try:
            catalogue_settings_save(
                actor=request_user(request),
                body_id=body.pk,
                body_code=form.cleaned_data.get("body_code") or "",
                index_pattern=form.cleaned_data["index_pattern"],
            )
        except XxgkError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已保存公开目录设置"))
            return redirect("proactive:settings")
    try:
        example = pattern_example(current.index_pattern, body_code=current.body_code or body.code)
    except XxgkError:
        example = ""
    return render(
        request,
        "proactive/catalogue_settings.html",
        {"body": body, "form": form, "example": example, "sequences": sorted((current.next_sequence or {}).items())},
    )


@login_required
@require_http_methods(["GET", "POST"])
def guide_edit_view(request: HttpRequest, body_id: int) -> HttpResponse:
    body = access_body_for_settings(request.user, body_id, GUIDE_EDITORS)
    guide = guide_get(body=body)
    initial: dict[str, Any] = {}
    if guide is not None:
        initial = {
            name: getattr(guide, name)
            for name in (
                "office_name",
                "address",
                "postcode",
                "office_hours",
                "phone",
                "fax",
                "email",
                "accepted_channels",
                "online_portal",
                "classification",
                "proactive_access",
                "application_guide",
                "fees",
                "remedies",
            )
        }
    else:
        initial = {"office_name": f"{body.name}办公室", "online_portal": True}
    form = GuideForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            guide_save(actor=request_user(request), body_id=body.pk, data=form.guide_data())
        except XxgkError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已保存公开指南"))
            return redirect("public:guide", body_code=body.code)
    return render(request, "proactive/guide_form.html", {"body": body, "form": form})
