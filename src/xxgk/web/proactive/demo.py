"""Demo data of proactive disclosure: items of 八桥镇, 跳磴镇 and 规划和自然资源局 across 2020–2026 in every state
(published on time and late, in review, rejected and resubmitted, overdue, not public, withdrawn), a disclosure
guide for each body, and 八桥镇's own index-number pattern. Everything goes through the services, with the
sign-off decisions dated when they happened. Running :func:`seed` again changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from xxgk.web.proactive import services as s
from xxgk.web.proactive.models import CatalogueSettings, DisclosureGuide, ProactiveItem
from xxgk.web.tenancy.models import Body

#: body code -> the username prefix of its clerk (jbr), reviewer (shr) and head (fzr) in the demo command
STAFF = {"ddk-baqiao": "baqiao", "ddk-tiaodeng": "tiaodeng", "ddk-ghzy": "ghzy"}


@dataclass(frozen=True)
class DemoItem:
    body: str
    title: str
    category: str
    formed_on: date
    published_on: date | None = None  # None: not published
    state: str = "published"  # published | draft | review | returned_resubmitted | approved | withdrawn
    doc_number: str = ""
    summary: str = ""
    important: bool = False
    attribute: str = "public"
    ground: str = ""
    reason: str = ""


def _recent(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)


def _items() -> list[DemoItem]:
    bq, td, gh = "ddk-baqiao", "ddk-tiaodeng", "ddk-ghzy"
    return [
        # 八桥镇 (town)
        DemoItem(
            bq,
            "八桥镇2020年镇级部门预算",
            "a20.07",
            date(2020, 2, 20),
            date(2020, 3, 5),
            doc_number="八桥府发〔2020〕8号",
        ),
        DemoItem(
            bq,
            "八桥镇2020年农村人居环境整治实施方案",
            "a21.agriculture_policy",
            date(2020, 4, 10),
            date(2020, 4, 20),
            doc_number="八桥府发〔2020〕15号",
        ),
        DemoItem(
            bq, "八桥镇2020年财政决算", "a20.07", date(2021, 7, 15), date(2021, 8, 2), doc_number="八桥府发〔2021〕21号"
        ),
        DemoItem(
            bq,
            "八桥镇突发地质灾害应急预案（2021年修订）",
            "a20.12",
            date(2021, 5, 8),
            date(2021, 5, 20),
            doc_number="八桥府发〔2021〕12号",
            important=True,
        ),
        DemoItem(
            bq,
            "八桥镇2022年第一季度城乡居民最低生活保障资金发放情况",
            "a21.social_assistance",
            date(2022, 4, 6),
            date(2022, 5, 20),  # 公开晚于第二十六条的期限：逾期公开
        ),
        DemoItem(
            bq, "八桥镇宅基地使用审核结果公示（2023年第一批）", "a21.homestead", date(2023, 3, 1), date(2023, 3, 10)
        ),
        DemoItem(
            bq,
            "八桥镇2023年征地补偿标准",
            "a21.land_expropriation",
            date(2023, 6, 2),
            date(2023, 6, 15),
            state="withdrawn",
            doc_number="八桥府发〔2023〕9号",
        ),
        DemoItem(
            bq,
            "八桥镇2024年镇级财政预算",
            "a20.07",
            date(2024, 2, 5),
            date(2024, 2, 26),
            doc_number="八桥府发〔2024〕4号",
        ),
        DemoItem(bq, "八桥镇机构职能、办公地址及负责人信息", "a20.02", date(2024, 6, 3), date(2024, 6, 7)),
        DemoItem(bq, "八桥镇2025年安全生产监督检查情况", "a20.13", date(2025, 9, 1), date(2025, 9, 12)),
        DemoItem(bq, "八桥镇老旧小区改造项目批复及实施情况", "a20.10", date(2025, 11, 3), date(2025, 11, 14)),
        DemoItem(
            bq,
            "八桥镇2026年镇级财政预算",
            "a20.07",
            date(2026, 2, 9),
            date(2026, 2, 27),
            doc_number="八桥府发〔2026〕3号",
        ),
        DemoItem(
            bq,
            "八桥镇2026年农田水利设施维修项目实施情况",
            "a21.irrigation",
            _recent(6),
            state="review",
        ),
        DemoItem(
            bq,
            "八桥镇2026年农村土地承包经营权流转情况",
            "a21.land_contract",
            _recent(12),
            state="returned_resubmitted",
        ),
        DemoItem(
            bq,
            "八桥镇2026年第三季度社会救助资金发放情况",
            "a21.social_assistance",
            _recent(60),  # 已超过第二十六条的期限仍未公开
            state="draft",
        ),
        DemoItem(bq, "八桥镇2026年度政府信息公开工作要点", "a20.15", _recent(2), state="draft"),
        DemoItem(
            bq,
            "八桥镇党委会议纪要（2026年第10次）",
            "a20.15",
            _recent(20),
            state="approved",
            attribute="not_public",
            ground="process",
            reason="属于讨论记录等过程性信息（《条例》第十六条第二款）",
        ),
        # 跳磴镇 (town)
        DemoItem(td, "跳磴镇2022年镇级部门预算", "a20.07", date(2022, 2, 14), date(2022, 2, 28)),
        DemoItem(td, "跳磴镇2023年筹资筹劳项目情况", "a21.fundraising", date(2023, 8, 7), date(2023, 8, 18)),
        DemoItem(td, "跳磴镇2025年房屋征收补偿方案", "a21.housing_expropriation", date(2025, 5, 12), date(2025, 5, 23)),
        DemoItem(td, "跳磴镇2026年镇级财政预算", "a20.07", date(2026, 2, 10), date(2026, 3, 2)),
        DemoItem(td, "跳磴镇2026年社会救助对象名单公示", "a21.social_assistance", _recent(4), state="review"),
        # 规划和自然资源局 (department of the district: the county list of Art 21)
        DemoItem(
            gh,
            "大渡口区国土空间总体规划（2021—2035年）草案公示",
            "a20.03",
            date(2023, 4, 3),
            date(2023, 4, 14),
            important=True,
        ),
        DemoItem(gh, "建设工程规划许可证批后公布（2025年第8期）", "a20.05", date(2025, 8, 4), date(2025, 8, 8)),
        DemoItem(gh, "跳磴片区控制性详细规划局部修改", "a21.municipal", _recent(9), state="review", important=True),
    ]


GUIDE_TEXT = {
    "classification": "## 分类\n本机关主动公开的政府信息按《条例》第二十条、第二十一条规定的类别编排。\n\n"
    "- 机关职能、机构设置、办公地址、办公时间、联系方式、负责人姓名\n- 规范性文件\n"
    "- 财政预算、决算信息\n- 其他应当主动公开的信息",
    "proactive_access": "通过本系统“政府信息公开目录”查阅、检索、下载；也可到本机关政府信息公开查阅点现场查阅。",
    "application_guide": "## 申请方式\n申请人可以当面提交、邮政寄送或通过本指南列明的其他渠道提出申请，"
    "并填写《政府信息公开申请表》。\n\n"
    "## 办理期限\n能够当场答复的当场答复；不能当场答复的，自收到申请之日起20个工作日内答复；需要延长的，"
    "经政府信息公开工作机构负责人同意并告知申请人，延长期限最长不超过20个工作日。",
    "fees": "行政机关依申请提供政府信息，不收取费用；申请人申请公开政府信息的数量、频次明显超过合理范围的，"
    "按照《政府信息公开信息处理费管理办法》收取信息处理费。",
    "remedies": "公民、法人或者其他组织认为本机关在政府信息公开工作中侵犯其合法权益的，可以向上一级行政机关或者"
    "政府信息公开工作主管部门投诉、举报，也可以依法申请行政复议或者提起行政诉讼。",
}

GUIDES = {
    "ddk": ("大渡口区人民政府办公室", "重庆市大渡口区文体路126号", "400084", "023-68800000", "qu_admin"),
    "ddk-baqiao": ("八桥镇党政办公室", "重庆市大渡口区八桥镇新华路1号", "400084", "023-68900001", "baqiao_jbr"),
    "ddk-tiaodeng": ("跳磴镇党政办公室", "重庆市大渡口区跳磴镇跳磴路88号", "400085", "023-68900002", "tiaodeng_jbr"),
    "ddk-ghzy": ("大渡口区规划和自然资源局办公室", "重庆市大渡口区松青路1029号", "400084", "023-68900003", "ghzy_jbr"),
}


def _at(day: date, minutes: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(9, 0)) + timedelta(minutes=minutes))


def _approve_all(item: ProactiveItem, staff: dict[str, User], *, at: datetime | None, start: int = 1) -> ProactiveItem:
    steps = [("department", "shr"), ("leader", "fzr"), ("office", "shr")]
    if item.important:
        steps.append(("principal", "fzr"))
    for n, (step, who) in enumerate(steps, start):
        when = None if at is None else at + timedelta(minutes=n)
        item = s.item_decide(
            actor=staff[who],
            item_id=item.pk,
            step=step,
            decision="approve",
            opinion="经审查，无涉密内容，同意",
            at=when,
        )
    return item


def _one(spec: DemoItem, body: Body, staff: dict[str, User]) -> None:
    clerk = staff["jbr"]
    item = s.item_create(
        actor=clerk,
        body_id=body.pk,
        data=s.ItemData(
            category=spec.category,
            title=spec.title,
            formed_on=spec.formed_on,
            attribute=spec.attribute,
            doc_number=spec.doc_number,
            withholding_ground=spec.ground,
            attribute_reason=spec.reason,
            summary=spec.summary or f"{spec.title}。",
            content=f"{spec.title}\n\n（正文略）",
            important=spec.important,
        ),
    )
    past = spec.state in ("published", "withdrawn")
    at = _at(spec.formed_on + timedelta(days=1), 0) if past else None
    if spec.state == "draft":
        return
    if spec.state == "returned_resubmitted":
        item = s.item_submit(actor=clerk, item_id=item.pk)
        s.item_decide(actor=staff["shr"], item_id=item.pk, step="department", decision="approve", opinion="同意")
        s.item_decide(
            actor=staff["fzr"],
            item_id=item.pk,
            step="leader",
            decision="reject",
            opinion="流转合同附件中含农户身份证号码和联系电话，属个人信息，须删除后再报",
        )
        s.item_update(
            actor=clerk,
            item_id=item.pk,
            data=s.ItemData(
                category=spec.category,
                title=spec.title,
                formed_on=spec.formed_on,
                summary=f"{spec.title}（已删除个人信息）。",
                content=f"{spec.title}\n\n（正文略；已删除农户个人信息）",
            ),
        )
        item = s.item_submit(actor=clerk, item_id=item.pk)
        s.item_decide(
            actor=staff["shr"], item_id=item.pk, step="department", decision="approve", opinion="已删除，同意"
        )
        return
    item = s.item_submit(actor=clerk, item_id=item.pk, at=at)
    if spec.state == "review":
        s.item_decide(actor=staff["shr"], item_id=item.pk, step="department", decision="approve", opinion="同意")
        return
    item = _approve_all(item, staff, at=at)
    if spec.state == "approved":
        return
    item = s.item_publish(actor=clerk, item_id=item.pk, on=spec.published_on)
    if spec.state == "withdrawn":
        s.item_withdraw(actor=staff["fzr"], item_id=item.pk, reason="该标准已被2024年新标准替代，原信息撤回")


def seed(*, bodies: dict[str, Body], users: dict[str, User]) -> None:
    """Load the demo (idempotent: items are recognised by body and title, guides by body)."""
    baqiao = bodies.get("ddk-baqiao")
    if baqiao is not None and not CatalogueSettings.objects.filter(body=baqiao).exists():
        s.catalogue_settings_save(
            actor=users["baqiao_fzr"],
            body_id=baqiao.pk,
            body_code="11500104MB0000001P",
            index_pattern="{机关代码}/{年}-{序号:05d}",
        )
    specs = sorted(_items(), key=lambda d: (d.published_on or date.max, d.formed_on))
    for spec in specs:
        body = bodies.get(spec.body)
        if body is None or ProactiveItem.objects.filter(body=body, title=spec.title).exists():
            continue
        prefix = STAFF[spec.body]
        staff = {role: users[f"{prefix}_{role}"] for role in ("jbr", "shr", "fzr")}
        _one(spec, body, staff)
    for code, (office, address, postcode, phone, editor) in GUIDES.items():
        body = bodies.get(code)
        if body is None or editor not in users or DisclosureGuide.objects.filter(body=body).exists():
            continue
        s.guide_save(
            actor=users[editor],
            body_id=body.pk,
            data=s.GuideData(
                office_name=office,
                address=address,
                postcode=postcode,
                office_hours="工作日上午9:00—12:00，下午14:00—17:30（法定节假日除外）",
                phone=phone,
                fax=phone,
                email=f"xxgk-{code}@example.gov.cn",
                accepted_channels=("in_person", "mail", "fax", "email", "online"),
                online_portal=True,
                **GUIDE_TEXT,
            ),
        )
