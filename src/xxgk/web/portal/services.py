"""Writes of the portal: storing an online submission with its 查询码, accepting it as a case (Art 31 (三): received
on the day the agency confirms it) or rejecting it as spam, issuing a new 查询码 for a case, and the per-body
setting. Every service runs in one transaction and appends an audit event."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from xxgk.core.errors import XxgkError
from xxgk.core.outcomes import ApplicantType, Channel, DeliveryMethod, ProvisionForm
from xxgk.core.receipt import ReceiptFacts
from xxgk.core.workflow import Applicant, Registration, Role
from xxgk.web.audit.codes import AuditCode
from xxgk.web.audit.services import audit_record
from xxgk.web.cases.models import Case
from xxgk.web.cases.selectors import access_case_for_update
from xxgk.web.cases.services import OBJECT_TYPE as CASE_OBJECT_TYPE
from xxgk.web.cases.services import case_register
from xxgk.web.portal.accesscode import code_digest, code_generate
from xxgk.web.portal.models import AccessCode, IdType, OnlineSubmission, PortalSettings, SubmissionStatus
from xxgk.web.portal.selectors import body_accepts_online, body_ids_administered
from xxgk.web.tenancy.models import Body
from xxgk.web.tenancy.selectors import NOT_FOUND, body_ids_visible, workflow_roles_in_body
from xxgk.web.textguard import field_problems, refuse, text_problems

SUBMISSION_OBJECT_TYPE = "portal_submission"
ALREADY_SUBMITTED = (
    "这份申请表已经提交过，不会重复提交。查询码只在提交成功时显示一次；如未记下查询码，请联系受理机关，"
    "由工作人员在确认登记后为您重新生成。"
)
NOT_ACCEPTING = "该机关暂不接受网上申请，请通过当面、邮寄等其他渠道提交。"
ONLY_CLERK = "只有本机关的经办人可以确认或处理网上申请"
ONLY_STAFF = "只有本机关办理申请的工作人员（经办人、审核人、负责人）可以生成查询码"
REASON_MAX = 500
#: The free texts of a submission, as stored (stripped) in these columns of :class:`OnlineSubmission`.
SUBMISSION_TEXTS = ("applicant_name", "id_number", "phone", "email", "address", "postcode", "agent", "content")


class PortalError(XxgkError):
    """A portal write that cannot be done (the message is for the user)."""

    default_message = "网上申请处理失败"


@dataclass(frozen=True)
class SubmissionData:
    """What an applicant submits online (validated by the form)."""

    applicant_type: ApplicantType
    applicant_name: str
    id_type: IdType
    id_number: str
    content: str
    phone: str = ""
    email: str = ""
    address: str = ""
    postcode: str = ""
    agent: str = ""
    requested_form: ProvisionForm | None = None
    requested_delivery: DeliveryMethod | None = None


def form_token_digest(token: str) -> str:
    """The stored digest of a form token (tokens are single-use)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def submission_create(
    *, body_id: int, data: SubmissionData, form_token: str, now: datetime | None = None
) -> tuple[OnlineSubmission, str]:
    """Store an online submission of ``body_id`` and issue its 查询码. Returns the submission and the code, which
    is shown once and never stored (only its digest). A form token is accepted once (no double submission).
    :class:`PortalError` when a text does not fit its column or holds a NUL character (the public form checks the
    same, but the service is also called directly: the demo data, other callers)."""
    at = timezone.now() if now is None else now
    digest = form_token_digest(form_token)
    texts = {name: str(getattr(data, name)).strip() for name in SUBMISSION_TEXTS}
    refuse(field_problems(OnlineSubmission, texts), PortalError)
    with transaction.atomic():
        body = Body.objects.filter(pk=body_id).first()
        if body is None or not body_accepts_online(body_id=body_id):
            raise PortalError(NOT_ACCEPTING)
        if OnlineSubmission.objects.filter(form_token_digest=digest).exists():
            raise PortalError(ALREADY_SUBMITTED)
        try:
            with transaction.atomic():
                submission = OnlineSubmission.objects.create(
                    body=body,
                    applicant_type=data.applicant_type.value,
                    applicant_name=texts["applicant_name"],
                    id_type=data.id_type.value,
                    id_number=texts["id_number"],
                    phone=texts["phone"],
                    email=texts["email"],
                    address=texts["address"],
                    postcode=texts["postcode"],
                    agent=texts["agent"],
                    content=texts["content"],
                    requested_form=data.requested_form.value if data.requested_form else "",
                    requested_delivery=data.requested_delivery.value if data.requested_delivery else "",
                    form_token_digest=digest,
                    submitted_at=at,
                )
        except IntegrityError:
            raise PortalError(ALREADY_SUBMITTED) from None
        code = code_generate()
        AccessCode.objects.create(digest=code_digest(code), submission=submission, created_at=at)
        audit_record(
            code=AuditCode.PORTAL_SUBMISSION_RECEIVED,
            actor=None,
            body=body,
            object_type=SUBMISSION_OBJECT_TYPE,
            object_id=submission.pk,
            new={"status": submission.status, "submitted_at": at.isoformat()},
        )
    return submission, code


def submission_registration(submission: OnlineSubmission, *, confirmed_on: date) -> Registration:
    """The registration of an online submission confirmed on ``confirmed_on``: channel 网络, received on the day
    both sides confirm (Art 31 (三)); the submission day is the day the agency's system received it."""
    id_label = IdType(submission.id_type).label
    return Registration(
        channel=Channel.ONLINE,
        applicant=Applicant(
            type=ApplicantType(submission.applicant_type),
            name=submission.applicant_name,
            id_document=f"{id_label} {submission.id_number}",
            contact=submission.contact_text,
            agent=submission.agent,
        ),
        content=submission.content,
        receipt=ReceiptFacts(arrived_on=submission.submitted_on, confirmed_on=confirmed_on),
        requested_form=ProvisionForm(submission.requested_form) if submission.requested_form else None,
        requested_delivery=DeliveryMethod(submission.requested_delivery) if submission.requested_delivery else None,
    )


def _submission_for_decision(actor: User, submission_id: int) -> OnlineSubmission:
    """The submission locked for a decision by ``actor``: Http404 alike for missing and not-visible;
    PermissionDenied unless the actor is a 经办人 of its body (supervisors and other roles read only)."""
    try:
        submission = OnlineSubmission.objects.select_for_update().get(
            pk=submission_id, body_id__in=body_ids_visible(user=actor)
        )
    except OnlineSubmission.DoesNotExist:
        raise Http404(NOT_FOUND) from None
    if Role.CLERK not in workflow_roles_in_body(user=actor, body_id=submission.body_id):
        raise PermissionDenied(ONLY_CLERK)
    if submission.status != SubmissionStatus.SUBMITTED:
        raise PortalError(f"该网上申请已处理（{submission.get_status_display()}）")
    return submission


def submission_accept(*, actor: User, submission_id: int, on: date | None = None) -> Case:
    """Confirm an online submission: register it as a case of its body (channel 网络, 收到申请之日 = ``on``, today by
    default) with the actor as handler, link it, and let its 查询码 follow the case."""
    day = timezone.localdate() if on is None else on
    with transaction.atomic():
        submission = _submission_for_decision(actor, submission_id)
        if day < submission.submitted_on:
            raise PortalError("确认日期不能早于网上提交日期")
        registration = submission_registration(submission, confirmed_on=day)
        case = case_register(actor=actor, body_id=submission.body_id, registration=registration, on=day)
        submission.status = SubmissionStatus.ACCEPTED
        submission.case = case
        submission.decided_by = actor
        submission.decided_at = timezone.now()
        submission.save(update_fields=["status", "case", "decided_by", "decided_at"])
        AccessCode.objects.filter(submission=submission, revoked_at__isnull=True).update(case=case)
        audit_record(
            code=AuditCode.PORTAL_SUBMISSION_ACCEPTED,
            actor=actor,
            body=case.body,
            object_type=SUBMISSION_OBJECT_TYPE,
            object_id=submission.pk,
            old={"status": SubmissionStatus.SUBMITTED.value},
            new={"status": submission.status, "case_id": case.pk, "case_number": case.number},
        )
    return case


def submission_reject(*, actor: User, submission_id: int, reason: str) -> OnlineSubmission:
    """Reject an online submission as spam or invalid (not a refusal under the 条例: nothing was registered);
    the reason is shown to whoever holds its 查询码."""
    text = reason.strip()
    if not text:
        raise PortalError("请写明不予受理的说明（申请人凭查询码可以看到）")
    if len(text) > REASON_MAX:
        raise PortalError(f"说明不能超过 {REASON_MAX} 字")
    refuse(text_problems(text, "说明"), PortalError)  # a NUL character
    with transaction.atomic():
        submission = _submission_for_decision(actor, submission_id)
        submission.status = SubmissionStatus.REJECTED
        submission.reject_reason = text
        submission.decided_by = actor
        submission.decided_at = timezone.now()
        submission.save(update_fields=["status", "reject_reason", "decided_by", "decided_at"])
        audit_record(
            code=AuditCode.PORTAL_SUBMISSION_REJECTED,
            actor=actor,
            body=Body.objects.get(pk=submission.body_id),
            object_type=SUBMISSION_OBJECT_TYPE,
            object_id=submission.pk,
            old={"status": SubmissionStatus.SUBMITTED.value},
            new={"status": submission.status},
            note=text,
        )
    return submission


def access_code_issue(*, actor: User, case_id: int) -> tuple[AccessCode, str]:
    """Issue a new 查询码 for a case (e.g. for the 登记回执 of an application registered by staff); every earlier
    code of the case stops working. Returns the row and the code (shown once, never stored)."""
    with transaction.atomic():
        case = access_case_for_update(actor, case_id)
        if not workflow_roles_in_body(user=actor, body_id=case.body_id):
            raise PermissionDenied(ONLY_STAFF)
        now = timezone.now()
        revoked = AccessCode.objects.filter(case=case, revoked_at__isnull=True).update(revoked_at=now)
        code = code_generate()
        row = AccessCode.objects.create(digest=code_digest(code), case=case, created_by=actor, created_at=now)
        audit_record(
            code=AuditCode.PORTAL_CODE_ISSUED,
            actor=actor,
            body=case.body,
            object_type=CASE_OBJECT_TYPE,
            object_id=case.pk,
            old={"active_codes": revoked},
            new={"active_codes": 1, "access_code_id": row.pk},
        )
    return row, code


def portal_settings_set(*, actor: User, body_id: int, accepts_online: bool) -> PortalSettings:
    """Whether ``body_id`` accepts online applications; only its 管理员 (or one of a body above) may change it."""
    with transaction.atomic():
        if body_id not in body_ids_administered(user=actor):
            raise Http404(NOT_FOUND)
        body = Body.objects.get(pk=body_id)
        row, _ = PortalSettings.objects.select_for_update().get_or_create(body=body)
        old = row.accepts_online
        row.accepts_online = accepts_online
        row.save()
        audit_record(
            code=AuditCode.PORTAL_SETTINGS_CHANGED,
            actor=actor,
            body=body,
            object_type="portal_settings",
            object_id=body.pk,
            old={"accepts_online": old},
            new={"accepts_online": accepts_online},
        )
    return row
