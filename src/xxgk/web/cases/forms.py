"""Forms: the registration form and one form per workflow action, each turning its cleaned data into the core
payload the action needs (the core validates the substance; the forms only parse)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

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
from xxgk.web.cases.models import OUTCOME_CHOICES, STATUS_CHOICES, DuplicateDecision
from xxgk.web.cases.selectors import VIEWS, CaseFilters
from xxgk.web.cases.vocabulary import tr

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
FUTURE_DATE = _("操作日期不能晚于今天")


def _date(label: StrOrPromise, *, required: bool = False, help_text: StrOrPromise = "") -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DATE_WIDGET, help_text=help_text)


def _lines(value: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in value.splitlines() if line.strip())


def _blank_choice(choices: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", "—"), *choices]


class ActionForm(forms.Form):
    """Base of every action form: the date the step happened (today by default, never in the future)."""

    on = _date(_("操作日期"), required=True)

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
    submitted_on = _date(_("提交日期"), help_text=_("当面、口头提交的日期"))
    signed_for_on = _date(_("签收日期"), help_text=_("邮寄：本机关签收之日"))
    arrived_on = _date(_("实际收到日期"), help_text=_("平常信函或寄至其他部门：工作机构实际收到之日"))
    confirmed_on = _date(_("确认日期"), help_text=_("与申请人确认之日（平常信函、网络、传真、电子邮件）"))
    mailbox_received_on = _date(_("邮箱收到日期"), help_text=_("电子邮件：公布的邮箱收到之日"))
    ordinary_mail = forms.BooleanField(label=_("平常信函（无需签收）"), required=False)
    addressed_elsewhere = forms.BooleanField(label=_("寄至本机关其他部门"), required=False)

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
    body = forms.TypedChoiceField(label=_("受理机关"), coerce=int)
    channel = forms.ChoiceField(label=_("申请渠道"), choices=[(c.value, tr(c.label)) for c in Channel])
    applicant_type = forms.ChoiceField(
        label=_("申请人类型"), choices=[(t.value, tr(t.full_label)) for t in ApplicantType]
    )
    applicant_name = forms.CharField(label=_("申请人姓名或名称"), max_length=200)
    id_document = forms.CharField(label=_("身份证明"), max_length=200)
    contact = forms.CharField(label=_("联系方式"), max_length=200)
    agent = forms.CharField(label=_("委托代理人"), max_length=200, required=False)
    content = forms.CharField(label=_("所需政府信息的名称、文号或特征性描述"), widget=forms.Textarea(attrs={"rows": 4}))
    requested_form = forms.ChoiceField(
        label=_("获取信息的形式"),
        required=False,
        choices=_blank_choice([(f.value, tr(f.label)) for f in ProvisionForm]),
    )
    requested_delivery = forms.ChoiceField(
        label=_("获取信息的方式"),
        required=False,
        choices=_blank_choice([(d.value, tr(d.label)) for d in DeliveryMethod]),
    )
    transcribed_by = forms.CharField(label=_("代为填写的工作人员（口头申请）"), max_length=100, required=False)
    applicant_confirmed = forms.BooleanField(label=_("申请人已确认记录内容（口头申请）"), required=False)

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
        self.fields["on"].label = _("登记日期")
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


REPLY_OUTCOMES = [(o.value, tr(s.label)) for o, s in OUTCOMES.items() if s.by_reply]


class ReplyForm(ActionForm):
    outcome = forms.ChoiceField(label=_("办理结果"), choices=REPLY_OUTCOMES)
    legal_ground = forms.CharField(label=_("法律依据"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reasons = forms.CharField(label=_("理由"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    withheld_parts = forms.CharField(
        label=_("不予公开的部分（每行一项，部分公开时填写）"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    form = forms.ChoiceField(
        label=_("提供形式"), required=False, choices=_blank_choice([(f.value, tr(f.label)) for f in ProvisionForm])
    )
    delivery = forms.ChoiceField(
        label=_("提供方式"), required=False, choices=_blank_choice([(d.value, tr(d.label)) for d in DeliveryMethod])
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
    items = forms.CharField(label=_("需要补正的事项（每行一项，一次性告知）"), widget=forms.Textarea(attrs={"rows": 4}))
    due = _date(_("补正期限"), required=True)

    def payload(self) -> Payload:
        return CorrectionRequest(items=_lines(self.cleaned_data["items"]), due=self.cleaned_data["due"])


class CorrectionReceiptForm(ActionForm):
    received_on = _date(_("补正后申请的收到日期"), help_text=_("留空则为操作日期"))
    late_reason = forms.CharField(
        label=_("逾期补正的正当理由"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def payload(self) -> Payload:
        c = self.cleaned_data
        return CorrectionReceipt(received_on=c.get("received_on"), late_reason=c.get("late_reason") or "")


class ConsultationForm(ActionForm):
    kind = forms.ChoiceField(label=_("类型"), choices=[(k.value, tr(k.label)) for k in ConsultationKind])
    parties = forms.CharField(label=_("被征求意见方（每行一个）"), widget=forms.Textarea(attrs={"rows": 3}))
    party_received_on = _date(_("对方收到征求意见书的日期"))

    def payload(self) -> Payload:
        c = self.cleaned_data
        return Consultation(
            kind=ConsultationKind(c["kind"]), parties=_lines(c["parties"]), party_received_on=c.get("party_received_on")
        )


class ConsultationEndForm(ActionForm):
    result = forms.ChoiceField(label=_("意见"), choices=[(r.value, tr(r.label)) for r in ConsultationResult])
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def payload(self) -> Payload:
        c = self.cleaned_data
        return ConsultationEnd(result=ConsultationResult(c["result"]), note=c.get("note") or "")


class ExtensionForm(ActionForm):
    days = forms.IntegerField(label=_("延长工作日数"), min_value=1, max_value=20, initial=20)
    approved_by = forms.CharField(label=_("批准人（工作机构负责人）"), max_length=100)
    notified_on = _date(_("告知申请人日期"), required=True)
    reason = forms.CharField(label=_("延期理由"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def payload(self) -> Payload:
        c = self.cleaned_data
        return Extension(
            days=c["days"], approved_by=c["approved_by"], notified_on=c["notified_on"], reason=c.get("reason") or ""
        )


class ReasonsForm(ActionForm):
    reasons = forms.CharField(
        label=_("申请人说明的理由（未说明的留空）"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def payload(self) -> Payload:
        return ReasonsRecord(reasons=self.cleaned_data.get("reasons") or "")


class CustomDeadlineForm(ActionForm):
    due = _date(_("延迟答复期限"), required=True)
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 2}))
    notified_on = _date(_("告知申请人日期"), required=True)

    def payload(self) -> Payload:
        c = self.cleaned_data
        return CustomDeadline(due=c["due"], reason=c["reason"], notified_on=c["notified_on"])


class FeeNoticeForm(ActionForm):
    method = forms.ChoiceField(label=_("计费方式"), choices=[(m.value, tr(m.label)) for m in FeeMethod])
    amount = forms.DecimalField(label=_("金额（元）"), min_value=Decimal("0.01"), decimal_places=2, max_digits=12)
    served_on = _date(_("申请人收到通知日期"), required=True)
    breakdown = forms.CharField(
        label=_("计费明细（每行一项）"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def payload(self) -> Payload:
        c = self.cleaned_data
        return FeeNotice(
            method=FeeMethod(c["method"]),
            amount=c["amount"],
            served_on=c["served_on"],
            breakdown=_lines(c.get("breakdown") or ""),
        )


class PaymentForm(ActionForm):
    amount = forms.DecimalField(label=_("缴费金额（元）"), min_value=Decimal("0.01"), decimal_places=2, max_digits=12)

    def payload(self) -> Payload:
        return Payment(amount=self.cleaned_data["amount"])


class ReviewForm(ActionForm):
    comment = forms.CharField(label=_("审核意见"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def payload(self) -> Payload:
        return ReviewNote(comment=self.cleaned_data.get("comment") or "")


class WithdrawalForm(ActionForm):
    reason = forms.CharField(label=_("撤回说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

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


class RegistrationEditForm(forms.Form):
    """Correction of an open case's registration: the editable fields (prefilled with the effective values) and
    the required reason. The channel and the receipt dates are not here: they change through 确认收到申请."""

    applicant_type = forms.ChoiceField(
        label=_("申请人类型"), choices=[(t.value, tr(t.full_label)) for t in ApplicantType]
    )
    applicant_name = forms.CharField(label=_("申请人姓名或名称"), max_length=200)
    id_document = forms.CharField(label=_("身份证明"), max_length=200)
    contact = forms.CharField(label=_("联系方式"), max_length=200)
    agent = forms.CharField(label=_("委托代理人"), max_length=200, required=False)
    content = forms.CharField(label=_("所需政府信息的名称、文号或特征性描述"), widget=forms.Textarea(attrs={"rows": 4}))
    requested_form = forms.ChoiceField(
        label=_("获取信息的形式"),
        required=False,
        choices=_blank_choice([(f.value, tr(f.label)) for f in ProvisionForm]),
    )
    requested_delivery = forms.ChoiceField(
        label=_("获取信息的方式"),
        required=False,
        choices=_blank_choice([(d.value, tr(d.label)) for d in DeliveryMethod]),
    )
    reason = forms.CharField(
        label=_("修改原因"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("例如：登记时录入错误，经与申请人核实更正"),
    )

    EDITABLE = (
        "applicant_type",
        "applicant_name",
        "id_document",
        "contact",
        "agent",
        "content",
        "requested_form",
        "requested_delivery",
    )

    def changes(self) -> dict[str, str]:
        """The submitted values of the editable fields (the service keeps only those that differ)."""
        return {name: self.cleaned_data.get(name) or "" for name in self.EDITABLE}


class DuplicateDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("判断"), choices=[(d.value, d.label) for d in DuplicateDecision if d != DuplicateDecision.PENDING]
    )
    note = forms.CharField(label=_("说明"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class CaseFilterForm(forms.Form):
    view = forms.ChoiceField(label=_("列表"), choices=list(VIEWS.items()), required=False)
    q = forms.CharField(label=_("搜索（申请人、内容、编号）"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("状态"), choices=_blank_choice(STATUS_CHOICES), required=False)
    outcome = forms.ChoiceField(label=_("办理结果"), choices=_blank_choice(OUTCOME_CHOICES), required=False)
    received_from = _date(_("收到日期从"))
    received_to = _date(_("至"))
    due_soon_days = forms.IntegerField(label=_("即将到期（工作日）"), min_value=1, max_value=60, required=False)

    def filters(self, *, default_days: int) -> CaseFilters:
        """The filters of the valid fields (an invalid one is left out and shows its error; the others still apply);
        the defaults for an unbound form."""
        self.is_valid()
        c: dict[str, Any] = getattr(self, "cleaned_data", {})
        return CaseFilters(
            view=c.get("view") or "all",
            q=(c.get("q") or "").strip(),
            status=c.get("status") or "",
            outcome=c.get("outcome") or "",
            received_from=c.get("received_from"),
            received_to=c.get("received_to"),
            due_soon_days=c.get("due_soon_days") or default_days,
        )


def case_filters(data: QueryDict, *, default_days: int) -> tuple[CaseFilterForm | None, CaseFilters]:
    """The work-list filters chosen in ``data`` (the query string) with their bound form; no form when none is
    chosen (the list as first opened, or only ``page``): the default filters, without building a form."""
    if not data.keys() - {"page"}:
        return None, CaseFilters(due_soon_days=default_days)
    form = CaseFilterForm(data)
    return form, form.filters(default_days=default_days)
