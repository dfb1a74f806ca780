"""Pages of the portal: public (no login) — the body chooser, the application form and the status page; staff —
the inbox of online submissions, issuing a 查询码 for a case, and the per-body setting. Views are thin: throttle,
validate, call one service or selector, render. Public pages work without JavaScript."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from xxgk.core.errors import XxgkError
from xxgk.web.cases.selectors import access_case_by_id
from xxgk.web.portal import throttle
from xxgk.web.portal.forms import (
    RejectForm,
    SettingsForm,
    StatusLookupForm,
    SubmissionForm,
    form_token_new,
)
from xxgk.web.portal.models import SubmissionStatus
from xxgk.web.portal.selectors import (
    INBOX_STATES,
    access_code_active_for_case,
    access_code_lookup,
    access_submission_by_id,
    body_get_accepting_online,
    body_list_accepting_online,
    portal_settings_list,
    public_status_for_code,
    submission_inbox,
    user_is_clerk,
)
from xxgk.web.portal.services import (
    access_code_issue,
    portal_settings_set,
    submission_accept,
    submission_create,
    submission_reject,
)
from xxgk.web.tenancy.models import MemberRole
from xxgk.web.tenancy.selectors import membership_list, request_user, workflow_roles_in_body

INBOX_LIMIT = 200


def _refused(request: HttpRequest, refusal: throttle.Refusal, *, what: str) -> HttpResponse:
    response = render(request, "portal/refused.html", {"refusal": refusal, "what": what}, status=429)
    response["Retry-After"] = str(refusal.retry_after)
    return response


# -- public ---------------------------------------------------------------------------------------


def portal_index_view(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/index.html", {"bodies": body_list_accepting_online()})


@never_cache
@require_http_methods(["GET", "POST"])
def portal_apply_view(request: HttpRequest, body_code: str) -> HttpResponse:
    body = body_get_accepting_online(code=body_code)
    form = SubmissionForm(request.POST or None, body_code=body.code)
    if request.method == "POST":
        key = throttle.client_key(request)
        refusal = throttle.submission_refusal(key=key)
        if refusal is not None:
            return _refused(request, refusal, what=_("提交网上申请"))
        if form.is_valid():
            try:
                submission, code = submission_create(
                    body_id=body.pk, data=form.submission_data(), form_token=form.cleaned_data["token"]
                )
            except XxgkError as exc:
                form.add_error(None, exc.message)
            else:
                throttle.submission_count(key=key)
                return render(request, "portal/submitted.html", {"body": body, "submission": submission, "code": code})
        elif form.is_bot:
            throttle.submission_count(key=key)
    status = 400 if request.method == "POST" else 200
    context = {"body": body, "form": form, "token": form_token_new(body_code=body.code)}
    return render(request, "portal/apply.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def portal_status_view(request: HttpRequest) -> HttpResponse:
    """Look up an application by its 查询码 (POST, so the code never appears in a URL or a log)."""
    form = StatusLookupForm(request.POST or None)
    if request.method == "POST":
        key = throttle.client_key(request)
        refusal = throttle.lookup_refusal(key=key)
        if refusal is not None:
            return _refused(request, refusal, what=_("查询办理状态"))
        if form.is_valid():
            code = form.cleaned_data["code"]
            row = access_code_lookup(code=code)
            if row is not None:
                template = "portal/status_print.html" if request.POST.get("print") else "portal/status.html"
                return render(request, template, {"status": public_status_for_code(code=row), "code": code})
            refusal = throttle.lookup_failed(key=key)
            if refusal is not None:
                return _refused(request, refusal, what=_("查询办理状态"))
            form.add_error("code", _("查询码不正确或已作废，请核对后重新输入"))
    return render(request, "portal/status_lookup.html", {"form": form}, status=400 if form.errors else 200)


# -- staff ----------------------------------------------------------------------------------------


@login_required
def inbox_view(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "pending")
    if state not in INBOX_STATES:
        state = "pending"
    rows = list(submission_inbox(user=request.user, state=state)[: INBOX_LIMIT + 1])
    clerk_of = {m.body_id for m in membership_list(user=request.user) if m.role == MemberRole.CLERK}
    return render(
        request,
        "portal/inbox.html",
        {
            "state": state,
            "state_label": _(INBOX_STATES[state]),
            "states": {key: _(label) for key, label in INBOX_STATES.items()},
            "submissions": rows[:INBOX_LIMIT],
            "truncated": len(rows) > INBOX_LIMIT,
            "clerk_of": clerk_of,
        },
    )


@login_required
def submission_detail_view(request: HttpRequest, submission_id: int) -> HttpResponse:
    submission = access_submission_by_id(request.user, submission_id)
    return render(
        request,
        "portal/submission_detail.html",
        {
            "submission": submission,
            "can_decide": submission.status == SubmissionStatus.SUBMITTED
            and user_is_clerk(user=request.user, body_id=submission.body_id),
            "reject_form": RejectForm(),
        },
    )


@login_required
@require_POST
def submission_accept_view(request: HttpRequest, submission_id: int) -> HttpResponse:
    submission = access_submission_by_id(request.user, submission_id)
    try:
        case = submission_accept(actor=request_user(request), submission_id=submission.pk)
    except XxgkError as exc:
        messages.error(request, exc.message)
        return redirect("portal:submission", submission_id=submission.pk)
    messages.success(request, _("已确认并登记：%(number)s（收到申请之日为今天）") % {"number": case.number})
    return redirect("cases:detail", case_id=case.pk)


@login_required
@require_POST
def submission_reject_view(request: HttpRequest, submission_id: int) -> HttpResponse:
    submission = access_submission_by_id(request.user, submission_id)
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            submission_reject(
                actor=request_user(request), submission_id=submission.pk, reason=form.cleaned_data["reason"]
            )
        except XxgkError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已标记为不予受理（无效提交）"))
            return redirect("portal:inbox")
    elif not user_is_clerk(user=request.user, body_id=submission.body_id):
        raise PermissionDenied(_("只有本机关的经办人可以确认或处理网上申请"))
    return render(
        request,
        "portal/submission_detail.html",
        {"submission": submission, "can_decide": True, "reject_form": form},
        status=400,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def case_code_view(request: HttpRequest, case_id: int) -> HttpResponse:
    """A case's 查询码: shows whether one is valid; POST issues a new one (the old one stops working)."""
    case = access_case_by_id(request.user, case_id)
    code = ""
    if request.method == "POST":
        _issued, code = access_code_issue(actor=request_user(request), case_id=case.pk)
    return render(
        request,
        "portal/case_code.html",
        {
            "case": case,
            "code": code,
            "active": access_code_active_for_case(case=case),
            "can_issue": bool(workflow_roles_in_body(user=request.user, body_id=case.body_id)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def settings_view(request: HttpRequest) -> HttpResponse:
    rows = portal_settings_list(user=request.user)
    if not rows:
        raise PermissionDenied(_("只有机关管理员可以设置是否接受网上申请"))
    if request.method == "POST":
        form = SettingsForm(request.POST)
        if form.is_valid():
            portal_settings_set(
                actor=request_user(request),
                body_id=form.cleaned_data["body"],
                accepts_online=form.cleaned_data["accepts_online"],
            )
            messages.success(request, _("已保存网上申请设置"))
        return redirect("portal:settings")
    return render(request, "portal/settings.html", {"rows": rows})
