"""Request and response bodies of /api/v1/applications: one request schema per payload dataclass of
:mod:`xxgk.core.workflow` (``to_core()`` builds the dataclass; the core validates the substance, the schemas the
shape), and the read models of a case."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, ClassVar

from django.utils import timezone
from ninja import Field
from pydantic import field_validator

from xxgk.core.deadlines import MAX_EXTENSION_DAYS
from xxgk.core.fees import FeeMethod
from xxgk.core.outcomes import OUTCOMES, ApplicantType, Channel, DeliveryMethod, Outcome, ProvisionForm
from xxgk.core.receipt import ReceiptFacts
from xxgk.core.workflow import (
    Action,
    Applicant,
    Consultation,
    ConsultationEnd,
    ConsultationKind,
    ConsultationResult,
    CorrectionReceipt,
    CorrectionRequest,
    CustomDeadline,
    Extension,
    FeeNotice,
    Payload,
    Payment,
    ReasonsRecord,
    ReceiptConfirmation,
    Registration,
    Reply,
    ReviewNote,
    Role,
    Status,
    Withdrawal,
)
from xxgk.web.api.schemas import In, Line, LongText, Name, Out, RequiredLongText, ShortText, Signature, Text
from xxgk.web.api.v1.labels import choices
from xxgk.web.cases.codec import PAYLOAD_TYPES

FUTURE_DATE = "操作日期不能晚于今天"
NOT_BY_REPLY = "该办理结果不能作为答复结果（只由撤回、逾期不补正或逾期未缴费产生）"
ON_DESCRIPTION = "操作日期（YYYY-MM-DD），省略时为今天；不能晚于今天，也不能早于上一操作日期"

Amount = Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=2)]


def _not_future(value: date | None) -> date | None:
    if value is not None and value > timezone.localdate():
        raise ValueError(FUTURE_DATE)
    return value


# -- request bodies ------------------------------------------------------------------------------


class ReceiptFactsIn(In):
    """收到申请的有关日期（《条例》第三十一条）：只需填写申请渠道所需的项目。"""

    submitted_on: date | None = Field(default=None, description="当面、口头提交的日期")
    signed_for_on: date | None = Field(default=None, description="邮寄：本机关签收之日")
    arrived_on: date | None = Field(default=None, description="平常信函或寄至其他部门：工作机构实际收到之日")
    confirmed_on: date | None = Field(default=None, description="与申请人确认之日（平常信函、网络、传真、电子邮件）")
    mailbox_received_on: date | None = Field(default=None, description="电子邮件：公布的邮箱收到之日")
    ordinary_mail: bool = Field(default=False, description="平常信函（无需签收）")
    addressed_elsewhere: bool = Field(default=False, description="寄至本机关其他部门")

    def to_core(self) -> ReceiptFacts:
        return ReceiptFacts(
            submitted_on=self.submitted_on,
            signed_for_on=self.signed_for_on,
            arrived_on=self.arrived_on,
            confirmed_on=self.confirmed_on,
            mailbox_received_on=self.mailbox_received_on,
            ordinary_mail=self.ordinary_mail,
            addressed_elsewhere=self.addressed_elsewhere,
        )


class ApplicantIn(In):
    """申请人（《条例》第二十九条第（一）项）。"""

    type: ApplicantType = Field(description="申请人类型（即年报表三的列）：" + choices(ApplicantType))
    name: Name = Field(description="申请人姓名或者名称")
    id_document: Name = Field(description="身份证明")
    contact: Name = Field(description="联系方式")
    agent: ShortText = Field(default="", description="委托代理人（如有）")

    def to_core(self) -> Applicant:
        return Applicant(
            type=self.type, name=self.name, id_document=self.id_document, contact=self.contact, agent=self.agent
        )


class RegistrationIn(In):
    """登记一件政府信息公开申请。收到申请之日尚不能确定的（如网络申请尚未与申请人确认），登记为“收到日期待确认”，
    确认后再执行 confirm_receipt。"""

    body_id: int = Field(description="受理机关的 id（见 GET /api/v1/bodies；调用者须为该机关的经办人）")
    on: date | None = Field(default=None, description="登记日期（YYYY-MM-DD），省略时为今天；不能晚于今天")
    channel: Channel = Field(description="申请渠道：" + choices(Channel))
    applicant: ApplicantIn
    content: RequiredLongText = Field(
        description="所需政府信息的名称、文号或者便于查询的其他特征性描述（《条例》第二十九条第（二）项）"
    )
    receipt: ReceiptFactsIn = Field(description="收到申请的有关日期；可为 {}（登记为收到日期待确认）")
    requested_form: ProvisionForm | None = Field(default=None, description="获取信息的形式：" + choices(ProvisionForm))
    requested_delivery: DeliveryMethod | None = Field(
        default=None, description="获取信息的方式：" + choices(DeliveryMethod)
    )
    transcribed_by: ShortText = Field(default="", description="口头申请：代为填写的工作人员")
    applicant_confirmed: bool = Field(default=False, description="口头申请：申请人已确认记录内容")

    check_on = field_validator("on")(_not_future)

    def to_core(self) -> Registration:
        return Registration(
            channel=self.channel,
            applicant=self.applicant.to_core(),
            content=self.content,
            receipt=self.receipt.to_core(),
            requested_form=self.requested_form,
            requested_delivery=self.requested_delivery,
            transcribed_by=self.transcribed_by,
            applicant_confirmed=self.applicant_confirmed,
        )


class ActionIn(In):
    """An action without payload (逾期未补正、要求说明理由、逾期未缴费、答复、归档): only the date."""

    payload_class: ClassVar[type | None] = None

    on: date | None = Field(default=None, description=ON_DESCRIPTION)

    check_on = field_validator("on")(_not_future)

    def to_core(self) -> Payload | None:
        return None


class ReceiptConfirmationIn(ActionIn):
    """确认收到申请：补充足以依第三十一条确定收到申请之日的信息。"""

    payload_class = ReceiptConfirmation
    receipt: ReceiptFactsIn

    def to_core(self) -> ReceiptConfirmation:
        return ReceiptConfirmation(receipt=self.receipt.to_core())


class CorrectionRequestIn(ActionIn):
    """补正告知（《条例》第三十条）：一次性列明全部补正事项，并给出补正期限。"""

    payload_class = CorrectionRequest
    items: list[Line] = Field(min_length=1, description="需要补正的事项，每项一条")
    due: date = Field(description="补正期限（晚于告知日期）")

    def to_core(self) -> CorrectionRequest:
        return CorrectionRequest(items=tuple(self.items), due=self.due)


class CorrectionReceiptIn(ActionIn):
    """收到补正后的申请；答复期限自收到之日重新起算。"""

    payload_class = CorrectionReceipt
    received_on: date | None = Field(default=None, description="补正后申请的收到日期，省略时为操作日期")
    late_reason: LongText = Field(default="", description="逾期补正的正当理由（逾期时必填）")

    def to_core(self) -> CorrectionReceipt:
        return CorrectionReceipt(received_on=self.received_on, late_reason=self.late_reason)


class ConsultationIn(ActionIn):
    """书面征求第三方（第三十二条）或其他机关（第三十四条）意见；征求意见时间不计入答复期限。"""

    payload_class = Consultation
    kind: ConsultationKind = Field(description="类型：" + choices(ConsultationKind))
    parties: list[Line] = Field(min_length=1, description="被征求意见的第三方或机关")
    party_received_on: date | None = Field(default=None, description="对方收到征求意见书的日期")

    def to_core(self) -> Consultation:
        return Consultation(kind=self.kind, parties=tuple(self.parties), party_received_on=self.party_received_on)


class ConsultationEndIn(ActionIn):
    """结束征求意见。"""

    payload_class = ConsultationEnd
    result: ConsultationResult = Field(description="意见：" + choices(ConsultationResult))
    note: LongText = Field(default="", description="说明")

    def to_core(self) -> ConsultationEnd:
        return ConsultationEnd(result=self.result, note=self.note)


class ExtensionIn(ActionIn):
    """延长答复期限（第三十三条第二款）：经工作机构负责人同意，只能延长一次，不超过20个工作日。"""

    payload_class = Extension
    days: int = Field(ge=1, le=MAX_EXTENSION_DAYS, description=f"延长的工作日数（1–{MAX_EXTENSION_DAYS}）")
    approved_by: Signature = Field(description="批准人（工作机构负责人）")
    notified_on: date = Field(description="告知申请人的日期")
    reason: LongText = Field(default="", description="延期理由")

    def to_core(self) -> Extension:
        return Extension(days=self.days, approved_by=self.approved_by, notified_on=self.notified_on, reason=self.reason)


class ReasonsRecordIn(ActionIn):
    """记录申请人说明的理由（第三十五条；未说明的留空）。"""

    payload_class = ReasonsRecord
    reasons: LongText = Field(default="", description="申请人说明的理由")

    def to_core(self) -> ReasonsRecord:
        return ReasonsRecord(reasons=self.reasons)


class CustomDeadlineIn(ActionIn):
    """确定延迟答复的合理期限（第三十五条）。"""

    payload_class = CustomDeadline
    due: date = Field(description="延迟答复期限")
    reason: Text = Field(description="理由")
    notified_on: date = Field(description="告知申请人的日期")

    def to_core(self) -> CustomDeadline:
        return CustomDeadline(due=self.due, reason=self.reason, notified_on=self.notified_on)


class FeeNoticeIn(ActionIn):
    """发出收费通知（国办函〔2020〕109号）；自发出至缴费的时间不计入答复期限。"""

    payload_class = FeeNotice
    method: FeeMethod = Field(description="计费方式：" + choices(FeeMethod))
    amount: Amount = Field(description='金额（元），如 "50.00"')
    served_on: date = Field(description="申请人收到通知的日期")
    breakdown: list[Line] = Field(default_factory=list, description="计费明细，每项一条")

    def to_core(self) -> FeeNotice:
        return FeeNotice(
            method=self.method,
            amount=self.amount,
            served_on=self.served_on,
            breakdown=tuple(self.breakdown),
        )


class PaymentIn(ActionIn):
    """记录缴费：金额须与收费通知一致。"""

    payload_class = Payment
    amount: Amount = Field(description="缴费金额（元）")

    def to_core(self) -> Payment:
        return Payment(amount=self.amount)


class ReplyIn(ActionIn):
    """答复（拟定答复或当场答复）：一个办理结果；拒绝类结果写明法律依据和理由，部分公开列明不予公开的部分。"""

    payload_class = Reply
    outcome: Outcome = Field(
        description="办理结果（见 GET /api/v1/outcomes 中 by_reply 为 true 的项）："
        + "、".join(f"{o.value}（{s.label}）" for o, s in OUTCOMES.items() if s.by_reply)
    )
    legal_ground: LongText = Field(default="", description="法律依据")
    reasons: LongText = Field(default="", description="理由")
    withheld_parts: list[Line] = Field(default_factory=list, description="不予公开的部分（部分公开时填写）")
    form: ProvisionForm | None = Field(default=None, description="提供形式：" + choices(ProvisionForm))
    delivery: DeliveryMethod | None = Field(default=None, description="提供方式：" + choices(DeliveryMethod))

    @field_validator("outcome")
    @classmethod
    def _by_reply(cls, value: Outcome) -> Outcome:
        if not value.spec.by_reply:
            raise ValueError(NOT_BY_REPLY)
        return value

    def to_core(self) -> Reply:
        return Reply(
            outcome=self.outcome,
            legal_ground=self.legal_ground,
            reasons=self.reasons,
            withheld_parts=tuple(self.withheld_parts),
            form=self.form,
            delivery=self.delivery,
        )


class ReviewNoteIn(ActionIn):
    """审核意见（退回修改时必填）。"""

    payload_class = ReviewNote
    comment: LongText = Field(default="", description="审核意见")

    def to_core(self) -> ReviewNote:
        return ReviewNote(comment=self.comment)


class WithdrawalIn(ActionIn):
    """申请人撤回申请。"""

    payload_class = Withdrawal
    reason: LongText = Field(default="", description="撤回说明")

    def to_core(self) -> Withdrawal:
        return Withdrawal(reason=self.reason)


def _action_schemas() -> dict[type | None, type[ActionIn]]:
    """Payload dataclass of the core -> its request schema (``None``: the action takes no payload).

    Derived, not listed: the payload types are those the case store knows (:data:`xxgk.web.cases.codec.
    PAYLOAD_TYPES`, the one table of them), each schema names the dataclass it builds (``payload_class``). A payload
    type without a schema, with two, or a schema of a type the store cannot read back fails at import."""
    declared: dict[type, type[ActionIn]] = {}
    twice: list[str] = []
    pending = list(ActionIn.__subclasses__())
    while pending:
        schema = pending.pop(0)
        pending.extend(schema.__subclasses__())
        if schema.payload_class is not None:
            if schema.payload_class in declared:
                twice.append(schema.payload_class.__name__)
            declared[schema.payload_class] = schema
    stored = [cls for cls in PAYLOAD_TYPES.values() if cls is not Registration]
    missing = [cls.__name__ for cls in stored if cls not in declared]
    unknown = [cls.__name__ for cls in declared if cls not in stored]
    if missing or unknown or twice:
        raise TypeError(
            f"request schemas do not match the stored payload types: missing {missing}, unknown {unknown}, "
            f"twice {twice}"
        )
    return {None: ActionIn, **{cls: declared[cls] for cls in stored}}


ACTION_SCHEMAS: dict[type | None, type[ActionIn]] = _action_schemas()


# -- responses -----------------------------------------------------------------------------------


class BodyRefOut(Out):
    id: int
    code: str = Field(description="机关代码")
    name: str = Field(description="机关名称")


class ApplicationOut(Out):
    """一件申请的概要（工作列表的一行）。"""

    id: int
    number: str = Field(description="编号（机关内唯一）")
    url: str = Field(description="本申请在接口中的路径")
    body: BodyRefOut
    status: Status = Field(description="状态：" + choices(Status))
    status_label: str
    channel: Channel
    channel_label: str
    applicant_type: ApplicantType = Field(description="申请人类型（年报表三的列）")
    applicant_type_label: str
    applicant_name: str
    content: str
    registered_on: date = Field(description="登记日期")
    received_on: date | None = Field(description="收到申请之日（尚未确定时为 null）")
    answer_due: date | None = Field(description="答复期限")
    next_due: date | None = Field(description="最近的期限")
    next_due_label: str = Field(description="最近期限的类型")
    due_provisional: bool = Field(description="期限为暂定值（涉及节假日安排尚未公布的年份）")
    outcome: Outcome | None = Field(description="办理结果（办结后）")
    outcome_label: str
    closed_on: date | None = Field(description="办结日期")
    handler: str = Field(description="经办人用户名")
    handler_name: str = Field(description="经办人姓名")
    version: int = Field(
        description='版本：每次办理或修改登记信息都会增加；与响应头 ETag 相同（ETag 为加引号的版本，如 "7"），'
        "办理时放在请求头 If-Match 中，以免覆盖他人同时所做的办理"
    )


class ApplicationPageOut(Out):
    count: int = Field(description="符合条件的申请总数")
    limit: int
    offset: int
    items: list[ApplicationOut]


class ApplicantOut(Out):
    type: ApplicantType
    type_label: str
    name: str
    id_document: str
    contact: str
    agent: str


class ReceiptFactsOut(Out):
    submitted_on: date | None
    signed_for_on: date | None
    arrived_on: date | None
    confirmed_on: date | None
    mailbox_received_on: date | None
    ordinary_mail: bool
    addressed_elsewhere: bool


class RegistrationOut(Out):
    """登记的内容（以登记时记录的为准）。"""

    channel: Channel
    channel_label: str
    applicant: ApplicantOut
    content: str
    receipt: ReceiptFactsOut
    requested_form: ProvisionForm | None
    requested_form_label: str
    requested_delivery: DeliveryMethod | None
    requested_delivery_label: str
    transcribed_by: str
    applicant_confirmed: bool


class ReceiptOut(Out):
    """收到申请之日及其依据（《条例》第三十一条）。"""

    day: date | None = Field(description="收到申请之日（待确认时为 null）")
    pending: bool = Field(description="尚待确认")
    basis: str = Field(description="依据")
    note: str
    description: str = Field(description="完整说明")


class OutcomeResultOut(Out):
    """办理结果及其在年报表三中的位置。"""

    code: Outcome
    label: str
    group: str = Field(description="表三的分组，如 granted、denied")
    group_label: str
    basis: str = Field(description="法律依据")
    report_cells: dict[str, str] = Field(
        description='按年报模板版本（2019、2021）计入的表三单元格代码，如 {"2021": "s3.granted.natural"}'
    )


class DeadlineOut(Out):
    """一个正在计算的期限及其计算过程。"""

    kind: str = Field(description="answer、correction_notice、correction、consultation、fee_payment")
    label: str
    due: date | None = Field(description="期限（最后一日）；暂停且无上限时为 null")
    start: date | None = Field(description="起算日（第0日）")
    days: int = Field(description="法定工作日数")
    paused_days: int = Field(description="暂停计算的工作日数（征求意见、缴费等）")
    extension_days: int = Field(description="延长的工作日数")
    provisional: bool = Field(description="暂定：计算涉及节假日安排尚未公布的年份")
    provisional_reason: str = Field(description="暂定的原因")
    unannounced_years: list[int]
    suspended: str = Field(description="暂停计算的原因（正在暂停时）")
    steps: list[str] = Field(description="计算步骤")
    warnings: list[str]
    explanation: str = Field(description="完整的中文说明")
    overdue: bool = Field(description="今天已超过期限")
    remaining_working_days: int | None = Field(description="剩余工作日数（到期日为0，逾期为负数）")


class EventOut(Out):
    """办理记录的一步。"""

    seq: int
    action: Action
    action_label: str
    on: date
    role: Role
    role_label: str
    actor: str | None = Field(description="操作人用户名")
    payload_type: str | None = Field(description="附带信息的类型，如 CorrectionRequest")
    payload: dict[str, Any] | None = Field(description="附带信息（日期为 ISO 字符串，金额为字符串）")
    recorded_at: datetime


class AllowedActionOut(Out):
    """调用者现在可以执行的操作。"""

    action: Action
    label: str
    role: Role = Field(description="以何种角色执行")
    role_label: str
    url: str = Field(description="POST 到此路径执行")
    payload: str = Field(description="请求体的 schema 名称")
    requirement: str = Field(description="执行条件（《条例》的要求）")


class ApplicationDetailOut(ApplicationOut):
    """一件申请的全部信息。"""

    can_act: bool = Field(description="调用者在该机关有办理角色（上级机关只能查看）")
    registration: RegistrationOut | None
    receipt: ReceiptOut | None
    result: OutcomeResultOut | None = Field(description="办理结果及表三单元格（办结后）")
    deadlines: list[DeadlineOut]
    events: list[EventOut]
    allowed_actions: list[AllowedActionOut]
