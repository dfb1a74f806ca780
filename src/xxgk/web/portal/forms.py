"""Forms of the portal. The public submission form validates every field (with maximum lengths), carries a
honeypot field and a signed form token (the time it was issued, :mod:`django.core.signing`) that enforces a
minimum fill time and a maximum age."""

from __future__ import annotations

import re
import secrets
import time
from typing import Any

from django import forms
from django.core import signing
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from xxgk.core.outcomes import ApplicantType, DeliveryMethod, ProvisionForm
from xxgk.web.cases.vocabulary import tr
from xxgk.web.portal.accesscode import code_normalize
from xxgk.web.portal.models import IdType
from xxgk.web.portal.services import REASON_MAX, SubmissionData

TOKEN_SALT = "xxgk.web.portal.apply"
#: Seconds a human needs at least to fill in the form (a bot posts at once).
MIN_FILL_SECONDS = 3
#: Seconds after which a form must be reloaded (its token expires).
TOKEN_MAX_AGE = 4 * 3600
HONEYPOT = "homepage"

# The form's refusals: msgids, translated when raised (:meth:`SubmissionForm.clean`).
BOT_MESSAGE = gettext_noop("提交未通过校验，请刷新页面后重新填写。")
TOO_FAST = gettext_noop("提交过快。请核对所填内容后再次点击“提交申请”。")
EXPIRED = gettext_noop("表单已打开超过 4 小时，为安全起见请核对内容后重新提交。")
BAD_TOKEN = gettext_noop("表单已失效，请核对内容后重新提交。")
NEED_CONTACT = gettext_noop("请至少填写联系电话或电子邮箱中的一项，以便受理机关与您确认。")
NEED_ADDRESS = gettext_noop("选择邮寄方式的，请填写通信地址。")
NEED_EMAIL = gettext_noop("选择电子邮件方式的，请填写电子邮箱。")

FIELD_MESSAGES = {
    "required": gettext_lazy("请填写此项"),
    "max_length": gettext_lazy("最多 %(limit_value)d 个字（现有 %(show_value)d 个字）"),
    "min_length": gettext_lazy("至少 %(limit_value)d 个字（现有 %(show_value)d 个字）"),
    "invalid_choice": gettext_lazy("请从列表中选择"),
    "invalid": gettext_lazy("格式不正确"),
}
_OWN_MESSAGES = {
    "declaration": {"required": gettext_lazy("请阅读并勾选承诺")},
    "email": {"invalid": gettext_lazy("电子邮箱格式不正确")},
}

_PHONE = re.compile(r"^[0-9+\-() ]{5,30}$")
_POSTCODE = re.compile(r"^[0-9]{6}$")
_RESIDENT_ID = re.compile(r"^[0-9]{17}[0-9X]$")
_CREDIT_CODE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{18}$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def resident_id_valid(number: str) -> bool:
    """A mainland 居民身份证 number: 18 characters with a valid GB 11643 check digit."""
    if not _RESIDENT_ID.match(number):
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17]


def form_token_new(*, body_code: str, now: float | None = None) -> str:
    """A signed token stating when (and for which body) the form was issued; a nonce makes each one unique."""
    issued = time.time() if now is None else now
    return signing.dumps({"b": body_code, "t": int(issued), "n": secrets.token_hex(8)}, salt=TOKEN_SALT)


def form_token_problem(token: str, *, body_code: str, now: float | None = None) -> str:
    """Why the token is not acceptable ("" when it is)."""
    at = time.time() if now is None else now
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        return EXPIRED
    except signing.BadSignature:
        return BAD_TOKEN
    if not isinstance(data, dict) or data.get("b") != body_code or not isinstance(data.get("t"), int):
        return BAD_TOKEN
    elapsed = at - data["t"]
    if elapsed > TOKEN_MAX_AGE:
        return EXPIRED
    if elapsed < MIN_FILL_SECONDS:
        return TOO_FAST
    return ""


def _choices_with_blank(choices: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", gettext_lazy("（请选择）")), *choices]


APPLICANT_TYPE_GROUPS: list[tuple[Any, Any]] = [
    (gettext_lazy("自然人"), [(ApplicantType.NATURAL.value, tr(ApplicantType.NATURAL.label))]),
    (
        gettext_lazy("法人或其他组织"),
        [(t.value, tr(t.full_label)) for t in ApplicantType if t is not ApplicantType.NATURAL],
    ),
]


class SubmissionForm(forms.Form):
    """The online application (Art 29): who applies, what information, in which form and how to receive it."""

    applicant_type = forms.ChoiceField(label=gettext_lazy("申请人类型"), choices=APPLICANT_TYPE_GROUPS)
    applicant_name = forms.CharField(
        label=gettext_lazy("姓名或名称"),
        max_length=100,
        help_text=gettext_lazy("自然人填写姓名；法人或其他组织填写全称"),
    )
    id_type = forms.ChoiceField(
        label=gettext_lazy("身份证明类型"), choices=[(t.value, gettext_lazy(t.label)) for t in IdType]
    )
    id_number = forms.CharField(label=gettext_lazy("证件号码"), max_length=50)
    agent = forms.CharField(label=gettext_lazy("委托代理人（如有）"), max_length=100, required=False)
    phone = forms.CharField(label=gettext_lazy("联系电话"), max_length=30, required=False)
    email = forms.EmailField(label=gettext_lazy("电子邮箱"), max_length=254, required=False)
    address = forms.CharField(
        label=gettext_lazy("通信地址"), max_length=200, required=False, help_text=gettext_lazy("选择邮寄方式的必填")
    )
    postcode = forms.CharField(label=gettext_lazy("邮政编码"), max_length=6, required=False)
    content = forms.CharField(
        label=gettext_lazy("所需政府信息的名称、文号或便于查询的其他特征性描述"),
        max_length=2000,
        min_length=4,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("请尽量写明文件名称、文号、制作机关、时间范围等，最多 2000 字"),
    )
    requested_form = forms.ChoiceField(
        label=gettext_lazy("获取信息的形式"),
        required=False,
        choices=_choices_with_blank([(f.value, tr(f.label)) for f in ProvisionForm]),
    )
    requested_delivery = forms.ChoiceField(
        label=gettext_lazy("获取信息的方式"),
        required=False,
        choices=_choices_with_blank([(d.value, tr(d.label)) for d in DeliveryMethod]),
    )
    declaration = forms.BooleanField(
        label=gettext_lazy("本人承诺所填信息真实、有效，并知悉网上提交的申请以受理机关与本人确认之日为收到申请之日"),
    )
    homepage = forms.CharField(label=gettext_lazy("个人主页（请勿填写）"), max_length=200, required=False)
    token = forms.CharField(widget=forms.HiddenInput, max_length=400)

    FIELDSETS: tuple[tuple[Any, tuple[str, ...]], ...] = (
        (gettext_lazy("申请人信息"), ("applicant_type", "applicant_name", "id_type", "id_number", "agent")),
        (gettext_lazy("联系方式"), ("phone", "email", "address", "postcode")),
        (gettext_lazy("所需信息"), ("content", "requested_form", "requested_delivery")),
        (gettext_lazy("承诺"), ("declaration",)),
    )

    def __init__(self, *args: Any, body_code: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.body_code = body_code
        self.is_bot = False
        for name, field in self.fields.items():
            field.error_messages = {**field.error_messages, **FIELD_MESSAGES, **_OWN_MESSAGES.get(name, {})}
        self.fields["id_number"].widget.attrs["autocomplete"] = "off"
        self.fields["phone"].widget.attrs.update({"type": "tel", "autocomplete": "tel"})
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields[HONEYPOT].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def fieldsets(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [(legend, [self[name] for name in names]) for legend, names in self.FIELDSETS]

    def clean_applicant_name(self) -> str:
        return str(self.cleaned_data["applicant_name"]).strip()

    def clean_id_number(self) -> str:
        return re.sub(r"\s+", "", str(self.cleaned_data["id_number"])).upper()

    def clean_phone(self) -> str:
        value = str(self.cleaned_data.get("phone") or "").strip()
        if value and (not _PHONE.match(value) or sum(c.isdigit() for c in value) < 5):
            raise forms.ValidationError(_("联系电话格式不正确（只能包含数字、空格、+、-、括号）"))
        return value

    def clean_postcode(self) -> str:
        value = str(self.cleaned_data.get("postcode") or "").strip()
        if value and not _POSTCODE.match(value):
            raise forms.ValidationError(_("邮政编码应为6位数字"))
        return value

    def clean_content(self) -> str:
        return str(self.cleaned_data["content"]).strip()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (self.data.get(HONEYPOT) or "").strip():
            self.is_bot = True
            raise forms.ValidationError(_(BOT_MESSAGE))
        problem = form_token_problem(str(self.data.get("token") or ""), body_code=self.body_code)
        if problem:
            raise forms.ValidationError(_(problem))
        id_type, number = cleaned.get("id_type"), cleaned.get("id_number")
        if number and id_type == IdType.RESIDENT_ID and not resident_id_valid(number):
            self.add_error("id_number", _("居民身份证号码格式不正确（18位，末位校验码须正确）"))
        if number and id_type == IdType.CREDIT_CODE and not _CREDIT_CODE.match(number):
            self.add_error("id_number", _("统一社会信用代码应为18位数字或大写字母"))
        if number and len(number) < 4:
            self.add_error("id_number", _("证件号码过短"))
        phone, email = cleaned.get("phone"), cleaned.get("email")
        if not phone and not email and "phone" not in self.errors and "email" not in self.errors:
            raise forms.ValidationError(_(NEED_CONTACT))
        delivery = cleaned.get("requested_delivery")
        if delivery == DeliveryMethod.MAIL and not cleaned.get("address"):
            self.add_error("address", _(NEED_ADDRESS))
        if delivery == DeliveryMethod.EMAIL and not email and "email" not in self.errors:
            self.add_error("email", _(NEED_EMAIL))
        return cleaned

    def submission_data(self) -> SubmissionData:
        c = self.cleaned_data
        return SubmissionData(
            applicant_type=ApplicantType(c["applicant_type"]),
            applicant_name=c["applicant_name"],
            id_type=IdType(c["id_type"]),
            id_number=c["id_number"],
            content=c["content"],
            phone=c.get("phone") or "",
            email=c.get("email") or "",
            address=(c.get("address") or "").strip(),
            postcode=c.get("postcode") or "",
            agent=(c.get("agent") or "").strip(),
            requested_form=ProvisionForm(c["requested_form"]) if c.get("requested_form") else None,
            requested_delivery=DeliveryMethod(c["requested_delivery"]) if c.get("requested_delivery") else None,
        )


class StatusLookupForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("查询码"),
        max_length=40,
        help_text=gettext_lazy("16位字母和数字，如 ABCD-EFGH-JKMN-PQRS（不区分大小写，可不输入短横线）"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def clean_code(self) -> str:
        value = str(self.cleaned_data["code"])
        if code_normalize(value) is None:
            raise forms.ValidationError(_("查询码应为16位字母和数字，请核对后重新输入"))
        return value


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("不予受理的说明（申请人凭查询码可见）"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": gettext_lazy("请填写不予受理的说明"),
            "max_length": gettext_lazy("最多 %(limit_value)d 个字"),
        },
    )


class SettingsForm(forms.Form):
    body = forms.IntegerField(widget=forms.HiddenInput)
    accepts_online = forms.BooleanField(label=gettext_lazy("接受网上申请"), required=False)
