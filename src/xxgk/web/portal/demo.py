"""Demo data of the portal: a few online submissions waiting in the inboxes of 八桥镇 and 跳磴镇 (through the
services, idempotent: each demo submission has its own fixed form token, which can be used only once)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from xxgk.core.outcomes import ApplicantType, DeliveryMethod, ProvisionForm
from xxgk.web.portal.models import IdType, OnlineSubmission
from xxgk.web.portal.selectors import body_accepts_online
from xxgk.web.portal.services import SubmissionData, form_token_digest, submission_create
from xxgk.web.tenancy.models import Body

#: body code, days ago, the submission
SUBMISSIONS: list[tuple[str, int, SubmissionData]] = [
    (
        "ddk-baqiao",
        2,
        SubmissionData(
            applicant_type=ApplicantType.NATURAL,
            applicant_name="周晓燕",
            id_type=IdType.RESIDENT_ID,
            id_number="11010519491231002X",
            content="八桥镇2026年城镇老旧小区改造计划及各小区改造内容清单",
            phone="13983000001",
            requested_form=ProvisionForm.ELECTRONIC,
            requested_delivery=DeliveryMethod.ONLINE,
        ),
    ),
    (
        "ddk-baqiao",
        1,
        SubmissionData(
            applicant_type=ApplicantType.BUSINESS,
            applicant_name="重庆某物业管理有限公司",
            id_type=IdType.CREDIT_CODE,
            id_number="91500104MA5U1234XK",
            content="八桥镇辖区2025年度物业服务企业信用评价结果",
            email="office@example.cn",
            address="重庆市大渡口区八桥镇某路1号",
            requested_form=ProvisionForm.PAPER,
            requested_delivery=DeliveryMethod.MAIL,
        ),
    ),
    (
        "ddk-tiaodeng",
        0,
        SubmissionData(
            applicant_type=ApplicantType.NATURAL,
            applicant_name="唐建华",
            id_type=IdType.RESIDENT_ID,
            id_number="11010519491231002X",
            content="跳磴镇某村2024年集体土地征收补偿安置方案",
            phone="13983000002",
            address="重庆市大渡口区跳磴镇某村3组",
            requested_form=ProvisionForm.PAPER,
            requested_delivery=DeliveryMethod.PICKUP,
        ),
    ),
]


def seed(*, bodies: dict[str, Body], users: dict[str, User]) -> None:
    """Create the demo submissions that do not exist yet (their 查询码 are not kept: staff can issue new ones
    for the cases once the submissions are accepted)."""
    now = timezone.now()
    for i, (code, days_ago, data) in enumerate(SUBMISSIONS, 1):
        body = bodies.get(code)
        token = f"xxgk-demo-portal-{i}"
        if body is None or not body_accepts_online(body_id=body.pk):
            continue
        if OnlineSubmission.objects.filter(form_token_digest=form_token_digest(token)).exists():
            continue
        submission_create(body_id=body.pk, data=data, form_token=token, now=now - timedelta(days=days_ago))
