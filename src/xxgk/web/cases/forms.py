"""Forms: the registration form and one form per workflow action, each turning its cleaned data into the core
payload the action needs (the core validates the substance; the forms only parse)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone

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
    Withdrawal,
)
from xxgk.web.cases.models import OUTCOME_CHOICES, STATUS_CHOICES
from xxgk.web.cases.selectors import VIEWS, CaseFilters

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
FUTURE_DATE = "操作日期不能晚于今天"


def _date(label: str, *, required: bool = False, help_text: str = "") -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DATE_WIDGET, help_text=help_text)


def _lines(value: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in value.splitlines() if line.strip())


def _blank_choice(choices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [("", "—"), *choices]


class ActionForm(forms.Form):
    """Base of every action form: the date the step happened (today by default, never in the future)."""

    on = _date("操作日期", required=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()

    def clean_on(self) -> date:
        value: date = self.cleaned_data["on"]
        if value > timezone.localdate():
            raise forms.ValidationError(FUTURE_DATE)
        return value

    def payload(self) -> Payload | None:
        return None


class ReceiptFieldsMixin(forms.Form):
    submitted_on = _date("提交日期", help_text="当面、口头提交的日期")
    signed_for_on = _date("签收日期", help_text="邮寄：本机关签收之日")
    arrived_on = _date("实际收到日期", help_text="平常信函或寄至其他部门：工作机构实际收到之日")
    confirmed_on = _date("确认日期", help_text="与申请人确认之日（平常信函、网络、传真、电子邮件）")
    mailbox_received_on = _date("邮箱收到日期", help_text="电子邮件：公布的邮箱收到之日")
    ordinary_mail = forms.BooleanField(label="平常信函（无需签收）", required=False)
    addressed_elsewhere = forms.BooleanField(label="寄至本机关其他部门", required=False)

    def receipt_facts(self) -> ReceiptFacts:
        c = self.cleaned_data
        return ReceiptFacts(
            submitted_on=c.get("submitted_on"),
            signed_for_on=c.get("signed_for_on"),
            arrived_on=c.get("arrived_on"),
            confirmed_on=c.get("confirmed_on"),
            mailbox_received_on=c.get("mailbox_received_on"),
            ordinary_mail=bool(c.get("ordinary_mail")),
            addressed_elsewhere=bool(c.get("addressed_elsewhere")),
        )


class RegistrationForm(ReceiptFieldsMixin, ActionForm):
    body = forms.TypedChoiceField(label="受理机关", coerce=int)
    channel = forms.ChoiceField(label="申请渠道", choices=[(c.value, c.label) for c in Channel])
    applicant_type = forms.ChoiceField(label="申请人类型", choices=[(t.value, t.full_label) for t in ApplicantType])
    applicant_name = forms.CharField(label="申请人姓名或名称", max_length=200)
    id_document = forms.CharField(label="身份证明", max_length=200)
    contact = forms.CharField(label="联系方式", max_length=200)
    agent = forms.CharField(label="委托代理人", max_length=200, required=False)
    content = forms.CharField(label="所需政府信息的名称、文号或特征性描述", widget=forms.Textarea(attrs={"rows": 4}))
    requested_form = forms.ChoiceField(
        label="获取信息的形式", required=False, choices=_blank_choice([(f.value, f.label) for f in ProvisionForm])
    )
    requested_delivery = forms.ChoiceField(
        label="获取信息的方式", required=False, choices=_blank_choice([(d.value, d.label) for d in DeliveryMethod])
    )
    transcribed_by = forms.CharField(label="代为填写的工作人员（口头申请）", max_length=100, required=False)
    applicant_confirmed = forms.BooleanField(label="申请人已确认记录内容（口头申请）", required=False)

    field_order = (
        "body",
        "on",
        "channel",
        "applicant_type",
        "applicant_name",
        "id_document",
        "contact",
        "agent",
        "content",
        "requested_form",
        "requested_delivery",
    )

    def __init__(self, *args: Any, bodies: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"].label = "登记日期"
        field = self.fields["body"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = bodies
        if len(bodies) == 1:
            field.initial = bodies[0][0]

    def registration(self) -> Registration:
        c = self.cleaned_data
        return Registration(
            channel=Channel(c["channel"]),
            applicant=Applicant(
                type=ApplicantType(c["applicant_type"]),
                name=c["applicant_name"],
                id_document=c["id_document"],
                contact=c["contact"],
                agent=c.get("agent") or "",
            ),
            content=c["content"],
            receipt=self.receipt_facts(),
            requested_form=ProvisionForm(c["requested_form"]) if c.get("requested_form") else None,
            requested_delivery=DeliveryMethod(c["requested_delivery"]) if c.get("requested_delivery") else None,
            transcribed_by=c.get("transcribed_by") or "",
            applicant_confirmed=bool(c.get("applicant_confirmed")),
        )


class ConfirmReceiptForm(ReceiptFieldsMixin, ActionForm):
    def payload(self) -> Payload:
        return ReceiptConfirmation(receipt=self.receipt_facts())


REPLY_OUTCOMES = [(o.value, s.label) for o, s in OUTCOMES.items() if s.by_reply]


class ReplyForm(ActionForm):
    outcome = forms.ChoiceField(label="办理结果", choices=REPLY_OUTCOMES)
    legal_ground = forms.CharField(label="法律依据", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reasons = forms.CharField(label="理由", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    withheld_parts = forms.CharField(
        label="不予公开的部分（每行一项，部分公开时填写）", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    form = forms.ChoiceField(
        label="提供形式", required=False, choices=_blank_choice([(f.value, f.label) for f in ProvisionForm])
    )
    delivery = forms.ChoiceField(
        label="提供方式", required=False, choices=_blank_choice([(d.value, d.label) for d in DeliveryMethod])
    )

    def payload(self) -> Payload:
        c = self.cleaned_data
        return Reply(
            outcome=Outcome(c["outcome"]),
            legal_ground=c.get("legal_ground") or "",
            reasons=c.get("reasons") or "",
            withheld_parts=_lines(c.get("withheld_parts") or ""),
            form=ProvisionForm(c["form"]) if c.get("form") else None,
            delivery=DeliveryMethod(c["delivery"]) if c.get("delivery") else None,
        )


class CorrectionRequestForm(ActionForm):
    items = forms.CharField(label="需要补正的事项（每行一项，一次性告知）", widget=forms.Textarea(attrs={"rows": 4}))
    due = _date("补正期限", required=True)

    def payload(self) -> Payload:
        return CorrectionRequest(items=_lines(self.cleaned_data["items"]), due=self.cleaned_data["due"])


class CorrectionReceiptForm(ActionForm):
    received_on = _date("补正后申请的收到日期", help_text="留空则为操作日期")
    late_reason = forms.CharField(label="逾期补正的正当理由", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def payload(self) -> Payload:
        c = self.cleaned_data
        return CorrectionReceipt(received_on=c.get("received_on"), late_reason=c.get("late_reason") or "")


class ConsultationForm(ActionForm):
    kind = forms.ChoiceField(label="类型", choices=[(k.value, k.label) for k in ConsultationKind])
    parties = forms.CharField(label="被征求意见方（每行一个）", widget=forms.Textarea(attrs={"rows": 3}))
    party_received_on = _date("对方收到征求意见书的日期")

    def payload(self) -> Payload:
        c = self.cleaned_data
        return Consultation(
            kind=ConsultationKind(c["kind"]), parties=_lines(c["parties"]), party_received_on=c.get("party_received_on")
        )


class ConsultationEndForm(ActionForm):
    result = forms.ChoiceField(label="意见", choices=[(r.value, r.label) for r in ConsultationResult])
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def payload(self) -> Payload:
        c = self.cleaned_data
        return ConsultationEnd(result=ConsultationResult(c["result"]), note=c.get("note") or "")


class ExtensionForm(ActionForm):
    days = forms.IntegerField(label="延长工作日数", min_value=1, max_value=20, initial=20)
    approved_by = forms.CharField(label="批准人（工作机构负责人）", max_length=100)
    notified_on = _date("告知申请人日期", required=True)
    reason = forms.CharField(label="延期理由", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def payload(self) -> Payload:
        c = self.cleaned_data
        return Extension(
            days=c["days"], approved_by=c["approved_by"], notified_on=c["notified_on"], reason=c.get("reason") or ""
        )


class ReasonsForm(ActionForm):
    reasons = forms.CharField(
        label="申请人说明的理由（未说明的留空）", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def payload(self) -> Payload:
        return ReasonsRecord(reasons=self.cleaned_data.get("reasons") or "")


class CustomDeadlineForm(ActionForm):
    due = _date("延迟答复期限", required=True)
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 2}))
    notified_on = _date("告知申请人日期", required=True)

    def payload(self) -> Payload:
        c = self.cleaned_data
        return CustomDeadline(due=c["due"], reason=c["reason"], notified_on=c["notified_on"])


class FeeNoticeForm(ActionForm):
    method = forms.ChoiceField(label="计费方式", choices=[(m.value, m.label) for m in FeeMethod])
    amount = forms.DecimalField(label="金额（元）", min_value=Decimal("0.01"), decimal_places=2, max_digits=12)
    served_on = _date("申请人收到通知日期", required=True)
    breakdown = forms.CharField(label="计费明细（每行一项）", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def payload(self) -> Payload:
        c = self.cleaned_data
        return FeeNotice(
            method=FeeMethod(c["method"]),
            amount=c["amount"],
            served_on=c["served_on"],
            breakdown=_lines(c.get("breakdown") or ""),
        )


class PaymentForm(ActionForm):
    amount = forms.DecimalField(label="缴费金额（元）", min_value=Decimal("0.01"), decimal_places=2, max_digits=12)

    def payload(self) -> Payload:
        return Payment(amount=self.cleaned_data["amount"])


class ReviewForm(ActionForm):
    comment = forms.CharField(label="审核意见", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def payload(self) -> Payload:
        return ReviewNote(comment=self.cleaned_data.get("comment") or "")


class WithdrawalForm(ActionForm):
    reason = forms.CharField(label="撤回说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def payload(self) -> Payload:
        return Withdrawal(reason=self.cleaned_data.get("reason") or "")


ACTION_FORMS: dict[Action, type[ActionForm]] = {
    Action.CONFIRM_RECEIPT: ConfirmReceiptForm,
    Action.REPLY_ON_THE_SPOT: ReplyForm,
    Action.REQUEST_CORRECTION: CorrectionRequestForm,
    Action.RECEIVE_CORRECTION: CorrectionReceiptForm,
    Action.CORRECTION_OVERDUE: ActionForm,
    Action.START_CONSULTATION: ConsultationForm,
    Action.END_CONSULTATION: ConsultationEndForm,
    Action.EXTEND: ExtensionForm,
    Action.REQUEST_REASONS: ActionForm,
    Action.RECORD_REASONS: ReasonsForm,
    Action.SET_CUSTOM_DEADLINE: CustomDeadlineForm,
    Action.SEND_FEE_NOTICE: FeeNoticeForm,
    Action.RECORD_PAYMENT: PaymentForm,
    Action.FEE_OVERDUE: ActionForm,
    Action.DRAFT_REPLY: ReplyForm,
    Action.RETURN_REPLY: ReviewForm,
    Action.APPROVE_REPLY: ReviewForm,
    Action.SEND_REPLY: ActionForm,
    Action.WITHDRAW: WithdrawalForm,
    Action.ARCHIVE: ActionForm,
}


class CaseFilterForm(forms.Form):
    view = forms.ChoiceField(label="列表", choices=list(VIEWS.items()), required=False)
    q = forms.CharField(label="搜索（申请人、内容、编号）", required=False, max_length=100)
    status = forms.ChoiceField(label="状态", choices=_blank_choice(STATUS_CHOICES), required=False)
    outcome = forms.ChoiceField(label="办理结果", choices=_blank_choice(OUTCOME_CHOICES), required=False)
    received_from = _date("收到日期从")
    received_to = _date("至")
    due_soon_days = forms.IntegerField(label="即将到期（工作日）", min_value=1, max_value=60, required=False)

    def filters(self, *, default_days: int) -> CaseFilters:
        c: dict[str, Any] = self.cleaned_data if self.is_valid() else {}
        return CaseFilters(
            view=c.get("view") or "all",
            q=(c.get("q") or "").strip(),
            status=c.get("status") or "",
            outcome=c.get("outcome") or "",
            received_from=c.get("received_from"),
            received_to=c.get("received_to"),
            due_soon_days=c.get("due_soon_days") or default_days,
        )
