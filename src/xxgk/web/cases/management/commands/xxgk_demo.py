"""``manage.py xxgk_demo``: load demo data (大渡口区, its towns and a department, named users, applications
2020–2026 in every state) through the same services the pages use. Running it again changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from xxgk.core.fees import FeeMethod
from xxgk.core.outcomes import ApplicantType, Channel, DeliveryMethod, Outcome, ProvisionForm
from xxgk.core.receipt import ReceiptFacts
from xxgk.core.workflow import (
    Applicant,
    Consultation,
    ConsultationEnd,
    ConsultationKind,
    ConsultationResult,
    CorrectionReceipt,
    CorrectionRequest,
    Extension,
    FeeNotice,
    Registration,
    Reply,
    ReviewNote,
    Withdrawal,
)
from xxgk.web.cases import demo as cases_demo
from xxgk.web.cases import services as s
from xxgk.web.cases.models import Case
from xxgk.web.litigation import demo as litigation_demo
from xxgk.web.portal import demo as portal_demo
from xxgk.web.proactive import demo as proactive_demo
from xxgk.web.registers import demo as registers_demo
from xxgk.web.reports import demo as reports_demo
from xxgk.web.tenancy.models import Body, BodyKind, MemberRole, Membership

DEMO_PASSWORD = "xxgk-demo-2026"

BODIES: list[tuple[str, str, str, str | None]] = [
    ("ddk", "重庆市大渡口区人民政府", BodyKind.GOVERNMENT, None),
    ("ddk-baqiao", "大渡口区八桥镇人民政府", BodyKind.TOWN, "ddk"),
    ("ddk-tiaodeng", "大渡口区跳磴镇人民政府", BodyKind.TOWN, "ddk"),
    ("ddk-ghzy", "大渡口区规划和自然资源局", BodyKind.DEPARTMENT, "ddk"),
]

#: username, full name, body code, role
USERS: list[tuple[str, str, str, MemberRole]] = [
    ("qu_admin", "区政务公开办 管理员", "ddk", MemberRole.ADMIN),
    ("qu_jiandu", "区政务公开办 周敏（监督）", "ddk", MemberRole.REVIEWER),
    ("baqiao_jbr", "八桥镇 刘洋（经办人）", "ddk-baqiao", MemberRole.CLERK),
    ("baqiao_shr", "八桥镇 陈静（审核人）", "ddk-baqiao", MemberRole.REVIEWER),
    ("baqiao_fzr", "八桥镇 王强（负责人）", "ddk-baqiao", MemberRole.HEAD),
    ("tiaodeng_jbr", "跳磴镇 李娜（经办人）", "ddk-tiaodeng", MemberRole.CLERK),
    ("tiaodeng_shr", "跳磴镇 张伟（审核人）", "ddk-tiaodeng", MemberRole.REVIEWER),
    ("tiaodeng_fzr", "跳磴镇 赵磊（负责人）", "ddk-tiaodeng", MemberRole.HEAD),
    ("ghzy_jbr", "规划自然资源局 孙丽（经办人）", "ddk-ghzy", MemberRole.CLERK),
    ("ghzy_shr", "规划自然资源局 吴刚（审核人）", "ddk-ghzy", MemberRole.REVIEWER),
    ("ghzy_fzr", "规划自然资源局 郑华（负责人）", "ddk-ghzy", MemberRole.HEAD),
]

APPLICANTS = [
    ("何建国", ApplicantType.NATURAL),
    ("重庆渝钢建材有限公司", ApplicantType.BUSINESS),
    ("罗晓梅", ApplicantType.NATURAL),
    ("重庆某律师事务所", ApplicantType.LEGAL),
    ("西南某大学城市规划研究所", ApplicantType.RESEARCH),
    ("杨帆", ApplicantType.NATURAL),
    ("某环保公益组织", ApplicantType.NONPROFIT),
]
CONTENTS = [
    "八桥镇老旧小区改造项目的立项批复及资金使用情况",
    "本辖区2019年征地补偿安置方案及批复文件",
    "某路段道路拓宽工程的规划许可证及附图",
    "2022年度镇级财政预算执行情况",
    "本人房屋所在地块的控制性详细规划",
    "辖区内河道整治工程的环境影响评价批复",
    "农村集体土地征收公告及补偿标准",
]

REPLY_OUTCOMES: list[Outcome] = [
    Outcome.GRANTED,
    Outcome.GRANTED_PUBLISHED,
    Outcome.UNABLE_NOT_FOUND,
    Outcome.DENIED_PROCESS,
    Outcome.UNABLE_NOT_RESPONSIBLE,
    Outcome.NOT_PROCESSED_COMPLAINT,
    Outcome.DENIED_THIRD_PARTY,
    Outcome.UNABLE_NEEDS_CREATION,
]


def _reply(outcome: Outcome) -> Reply:
    spec = outcome.spec
    provides = spec.provides_information
    return Reply(
        outcome=outcome,
        legal_ground=f"《中华人民共和国政府信息公开条例》{spec.basis}" if spec.requires_legal_ground else "",
        reasons="经检索、核实，依法作出本答复。" if spec.requires_reasons else "",
        withheld_parts=("涉及第三方商业秘密的报价明细",) if spec.lists_withheld_parts else (),
        form=ProvisionForm.ELECTRONIC if provides else None,
        delivery=DeliveryMethod.EMAIL if provides else None,
    )


class Demo:
    def __init__(self) -> None:
        self.bodies: dict[str, Body] = {}
        self.users: dict[str, User] = {}
        self.counter = 0

    def setup_org(self) -> None:
        for code, name, kind, parent in BODIES:
            self.bodies[code] = Body.objects.create(
                code=code, name=name, kind=kind, parent=self.bodies[parent] if parent else None
            )
        for username, full_name, body, role in USERS:
            user = User.objects.create_user(username=username, password=DEMO_PASSWORD, first_name=full_name)
            Membership.objects.create(user=user, body=self.bodies[body], role=role)
            self.users[username] = user

    def staff(self, body: str) -> tuple[User, User, User]:
        prefix = {"ddk-baqiao": "baqiao", "ddk-tiaodeng": "tiaodeng", "ddk-ghzy": "ghzy"}[body]
        return self.users[f"{prefix}_jbr"], self.users[f"{prefix}_shr"], self.users[f"{prefix}_fzr"]

    def register(
        self,
        body: str,
        on: date,
        *,
        applicant: tuple[str, ApplicantType] | None = None,
        content: str | None = None,
        channel: Channel = Channel.IN_PERSON,
        receipt: ReceiptFacts | None = None,
    ) -> Case:
        self.counter += 1
        name, kind = applicant or APPLICANTS[self.counter % len(APPLICANTS)]
        registration = Registration(
            channel=channel,
            applicant=Applicant(
                type=kind,
                name=name,
                id_document="统一社会信用代码 91500104MA5U000000"
                if kind is not ApplicantType.NATURAL
                else "居民身份证",
                contact=f"1380000{self.counter:04d}",
            ),
            content=content or CONTENTS[self.counter % len(CONTENTS)],
            receipt=receipt if receipt is not None else ReceiptFacts(submitted_on=on),
        )
        clerk, _reviewer, _head = self.staff(body)
        return s.case_register(actor=clerk, body_id=self.bodies[body].pk, registration=registration, on=on)

    def answered(self, body: str, on: date, outcome: Outcome, *, archive: bool = False, **kwargs: Any) -> Case:
        clerk, reviewer, _head = self.staff(body)
        case = self.register(body, on, **kwargs)
        s.case_draft_reply(actor=clerk, case_id=case.pk, data=_reply(outcome), on=on + timedelta(days=5))
        s.case_approve_reply(actor=reviewer, case_id=case.pk, data=ReviewNote("同意"), on=on + timedelta(days=6))
        case = s.case_send_reply(actor=clerk, case_id=case.pk, on=on + timedelta(days=7))
        if archive:
            case = s.case_archive(actor=reviewer, case_id=case.pk, on=on + timedelta(days=10))
        return case

    def history(self) -> None:
        # 八桥镇 2020: exactly the one application its published 2020 report counts — a natural person,
        # answered 本机关不掌握 (无法提供·本机关不掌握相关政府信息).
        self.answered(
            "ddk-baqiao",
            date(2020, 5, 11),
            Outcome.UNABLE_NOT_FOUND,
            archive=True,
            applicant=("何建国", ApplicantType.NATURAL),
            content="八桥镇某村2015年土地流转合同及审批材料",
        )
        others = ("ddk-tiaodeng", "ddk-ghzy")
        for i, year in enumerate(range(2020, 2026)):
            for j, body in enumerate(others if year == 2020 else ("ddk-baqiao", *others)):
                outcome = REPLY_OUTCOMES[(i + j) % len(REPLY_OUTCOMES)]
                self.answered(body, date(year, 4, 8 + j), outcome, archive=year < 2024)
            self.withdrawn("ddk-tiaodeng", date(year, 6, 2))
        self.full_story("ddk-ghzy", date(2025, 9, 1))
        self.correction_overdue("ddk-tiaodeng", date(2024, 8, 5))
        self.fee_overdue("ddk-ghzy", date(2025, 3, 3))

    def withdrawn(self, body: str, on: date) -> Case:
        clerk, _r, _h = self.staff(body)
        case = self.register(body, on)
        return s.case_withdraw(
            actor=clerk, case_id=case.pk, data=Withdrawal("申请人书面撤回申请"), on=on + timedelta(days=3)
        )

    def correction_overdue(self, body: str, on: date) -> Case:
        clerk, _r, _h = self.staff(body)
        case = self.register(body, on)
        s.case_request_correction(
            actor=clerk,
            case_id=case.pk,
            data=CorrectionRequest(("请明确所需信息的名称或文号",), on + timedelta(days=12)),
            on=on + timedelta(days=2),
        )
        return s.case_correction_overdue(actor=clerk, case_id=case.pk, on=on + timedelta(days=30))

    def fee_overdue(self, body: str, on: date) -> Case:
        clerk, _r, _h = self.staff(body)
        case = self.register(body, on)
        s.case_send_fee_notice(
            actor=clerk,
            case_id=case.pk,
            data=FeeNotice(FeeMethod.BY_ITEM, Decimal(100), on + timedelta(days=3), ("本月第11件，按件计收100元",)),
            on=on + timedelta(days=2),
        )
        return s.case_fee_overdue(actor=clerk, case_id=case.pk, on=on + timedelta(days=60))

    def full_story(self, body: str, on: date) -> Case:
        """补正 → 收到补正 → 征求第三方意见 → 负责人批准延期 → 部分公开 → 归档."""
        clerk, reviewer, head = self.staff(body)
        case = self.register(body, on, applicant=("重庆渝钢建材有限公司", ApplicantType.BUSINESS))
        d = on
        s.case_request_correction(
            actor=clerk,
            case_id=case.pk,
            data=CorrectionRequest(("请写明项目名称",), d + timedelta(days=14)),
            on=d + timedelta(days=2),
        )
        s.case_receive_correction(actor=clerk, case_id=case.pk, data=CorrectionReceipt(), on=d + timedelta(days=8))
        s.case_consult(
            actor=clerk,
            case_id=case.pk,
            data=Consultation(ConsultationKind.THIRD_PARTY, ("重庆某建设工程有限公司",), d + timedelta(days=10)),
            on=d + timedelta(days=9),
        )
        s.case_end_consultation(
            actor=clerk,
            case_id=case.pk,
            data=ConsultationEnd(ConsultationResult.OBJECTION, "第三方认为涉及商业秘密"),
            on=d + timedelta(days=20),
        )
        s.case_extend(
            actor=head,
            case_id=case.pk,
            data=Extension(20, head.first_name, d + timedelta(days=22), "需进一步核实"),
            on=d + timedelta(days=22),
        )
        s.case_draft_reply(actor=clerk, case_id=case.pk, data=_reply(Outcome.PARTIAL), on=d + timedelta(days=40))
        s.case_approve_reply(actor=reviewer, case_id=case.pk, data=ReviewNote("同意"), on=d + timedelta(days=41))
        s.case_send_reply(actor=clerk, case_id=case.pk, on=d + timedelta(days=42))
        return s.case_archive(actor=clerk, case_id=case.pk, on=d + timedelta(days=45))

    def open_cases(self, today: date) -> None:
        """One case in every open state, dated shortly before ``today``."""
        ago: Callable[[int], date] = lambda n: today - timedelta(days=n)  # noqa: E731
        bq_clerk, bq_reviewer, bq_head = self.staff("ddk-baqiao")
        self.register("ddk-baqiao", ago(1), channel=Channel.ONLINE, receipt=ReceiptFacts(arrived_on=ago(1)))
        self.register("ddk-baqiao", ago(3))
        c = self.register("ddk-baqiao", ago(6))
        s.case_request_correction(
            actor=bq_clerk,
            case_id=c.pk,
            data=CorrectionRequest(("请提供身份证明",), ago(6) + timedelta(days=15)),
            on=ago(5),
        )
        c = self.register("ddk-tiaodeng", ago(10))
        clerk, reviewer, _head = self.staff("ddk-tiaodeng")
        s.case_consult(
            actor=clerk, case_id=c.pk, data=Consultation(ConsultationKind.CO_PRODUCER, ("大渡口区财政局",)), on=ago(8)
        )
        c = self.register("ddk-ghzy", ago(5))
        g_clerk, g_reviewer, _gh = self.staff("ddk-ghzy")
        s.case_request_reasons(actor=g_clerk, case_id=c.pk, on=ago(4))
        c = self.register("ddk-ghzy", ago(12))
        s.case_send_fee_notice(
            actor=g_clerk,
            case_id=c.pk,
            data=FeeNotice(FeeMethod.BY_PAGE, Decimal(300), ago(9), ("第31–60页，每页10元",)),
            on=ago(10),
        )
        c = self.register("ddk-baqiao", ago(15))
        s.case_draft_reply(actor=bq_clerk, case_id=c.pk, data=_reply(Outcome.GRANTED), on=ago(2))
        c = self.register("ddk-baqiao", ago(14))
        s.case_draft_reply(actor=bq_clerk, case_id=c.pk, data=_reply(Outcome.DENIED_INTERNAL), on=ago(3))
        s.case_approve_reply(actor=bq_reviewer, case_id=c.pk, data=ReviewNote("同意"), on=ago(2))
        c = self.register("ddk-tiaodeng", ago(30))  # overdue: nobody acted in time
        c = self.register("ddk-baqiao", ago(9))
        s.case_extend(
            actor=bq_head, case_id=c.pk, data=Extension(15, bq_head.first_name, ago(1), "材料较多"), on=ago(2)
        )
        del reviewer, g_reviewer


class Command(BaseCommand):
    help = "载入演示数据：大渡口区、八桥镇等机关，各角色演示账号，2020–2026 年各状态的申请"

    def handle(self, *args: Any, **options: Any) -> None:
        if Body.objects.filter(code="ddk").exists():
            self.stdout.write("演示数据已存在，未作改动。")
        else:
            with transaction.atomic():
                demo = Demo()
                demo.setup_org()
                demo.history()
                demo.open_cases(timezone.localdate())
                for seed in (
                    registers_demo.seed,
                    litigation_demo.seed,
                    portal_demo.seed,
                    cases_demo.seed,
                    proactive_demo.seed,
                    reports_demo.seed,
                ):
                    seed(bodies=demo.bodies, users=demo.users)
            self.stdout.write(self.style.SUCCESS(f"已载入演示数据：{Case.objects.count()} 件申请。"))
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for username, full_name, _body, _role in USERS:
            self.stdout.write(f"  {username:<14} {full_name}")
