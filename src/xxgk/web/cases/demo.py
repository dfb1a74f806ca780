"""Demo data of the work-list features: e-mail addresses for the digest, a possible duplicate with its earlier
application, a corrected registration, and a paid 信息处理费 (for the fees page and section 六).

:func:`seed` goes through the services, is idempotent (a second run changes nothing) and never touches 八桥镇's
2020 applications (its published report must stay reproducible).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.models import User
from django.utils import timezone

from xxgk.core.fees import FeeMethod
from xxgk.core.outcomes import ApplicantType, Channel, DeliveryMethod, Outcome, ProvisionForm
from xxgk.core.receipt import ReceiptFacts
from xxgk.core.workflow import Applicant, FeeNotice, Payment, Registration, Reply, ReviewNote
from xxgk.web.cases import services as s
from xxgk.web.cases.models import Case
from xxgk.web.tenancy.models import Body

EMAIL_DOMAIN = "example.gov.cn"
DUPLICATE_CONTENT = "八桥镇2024年度农村人居环境整治项目的资金安排及验收报告"
DUPLICATE_AGAIN = "八桥镇二〇二四年度农村人居环境整治项目资金安排、验收报告。"
FEE_CONTENT = "大渡口区2024年度国有建设用地供应计划执行情况及逐宗地块出让合同（共86页）"


def _registration(name: str, contact: str, content: str, on: date, kind: ApplicantType) -> Registration:
    return Registration(
        channel=Channel.IN_PERSON,
        applicant=Applicant(type=kind, name=name, id_document="居民身份证 500104198805051234", contact=contact),
        content=content,
        receipt=ReceiptFacts(submitted_on=on),
        requested_form=ProvisionForm.ELECTRONIC,
        requested_delivery=DeliveryMethod.EMAIL,
    )


def _answer(*, clerk: User, reviewer: User, case: Case, on: date) -> Case:
    reply = Reply(Outcome.GRANTED, form=ProvisionForm.ELECTRONIC, delivery=DeliveryMethod.EMAIL)
    s.case_draft_reply(actor=clerk, case_id=case.pk, data=reply, on=on)
    s.case_approve_reply(actor=reviewer, case_id=case.pk, data=ReviewNote("同意"), on=on + timedelta(days=1))
    return s.case_send_reply(actor=clerk, case_id=case.pk, on=on + timedelta(days=2))


def seed(*, bodies: dict[str, Body], users: dict[str, User], today: date | None = None) -> None:
    """Load the demo data (see the module docstring); ``today`` defaults to the current date."""
    day = today or timezone.localdate()
    for username, user in users.items():
        if not user.email:
            user.email = f"{username}@{EMAIL_DOMAIN}"
            user.save(update_fields=["email"])
    if Case.objects.filter(content=DUPLICATE_CONTENT).exists():
        return
    baqiao = bodies["ddk-baqiao"].pk
    clerk, reviewer = users["baqiao_jbr"], users["baqiao_shr"]
    # 罗晓梅 asked last month and was answered; she asks again for the same information (a possible 重复申请)
    first_on = day - timedelta(days=40)
    first = s.case_register(
        actor=clerk,
        body_id=baqiao,
        registration=_registration("罗晓梅", "13700001111", DUPLICATE_CONTENT, first_on, ApplicantType.NATURAL),
        on=first_on,
    )
    _answer(clerk=clerk, reviewer=reviewer, case=first, on=first_on + timedelta(days=5))
    again_on = day - timedelta(days=2)
    again = s.case_register(
        actor=clerk,
        body_id=baqiao,
        registration=_registration("罗晓梅", "13700001111", DUPLICATE_AGAIN, again_on, ApplicantType.NATURAL),
        on=again_on,
    )
    # the clerk typed the phone number wrongly at registration and corrects it
    s.case_edit_registration(
        actor=clerk,
        case_id=again.pk,
        changes={"contact": "13700001112"},
        reason="登记时电话号码录入错误，经电话核实更正",
    )
    # 规划和自然资源局 charged a fee by pages in 2025, paid in time, then answered
    g_clerk, g_reviewer = users["ghzy_jbr"], users["ghzy_shr"]
    on = date(2025, 6, 3)
    fee_case = s.case_register(
        actor=g_clerk,
        body_id=bodies["ddk-ghzy"].pk,
        registration=_registration("重庆某律师事务所", "023-68880000", FEE_CONTENT, on, ApplicantType.LEGAL),
        on=on,
    )
    notice = FeeNotice(FeeMethod.BY_PAGE, Decimal(560), on + timedelta(days=2), ("第31–86页，56页 × 10元/页",))
    s.case_send_fee_notice(actor=g_clerk, case_id=fee_case.pk, data=notice, on=on + timedelta(days=1))
    s.case_record_payment(actor=g_clerk, case_id=fee_case.pk, data=Payment(Decimal(560)), on=on + timedelta(days=7))
    _answer(clerk=g_clerk, reviewer=g_reviewer, case=fee_case, on=on + timedelta(days=9))
