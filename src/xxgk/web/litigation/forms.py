"""Forms of review and litigation cases: they parse and check; the services write."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from xxgk.core.table4 import RemedyKind, RemedyResult, results_for
from xxgk.web.cases.vocabulary import tr, tr_result
from xxgk.web.litigation.selectors import cases_by_numbers
from xxgk.web.litigation.services import RemedyData

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
FUTURE = gettext_lazy("不能晚于今天")


def _date(label: StrOrPromise, *, required: bool = False, help_text: StrOrPromise = "") -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DATE_WIDGET, help_text=help_text)


def _not_future(form: forms.Form, name: str) -> None:
    value = form.cleaned_data.get(name)
    if value is not None and value > timezone.localdate():
        form.add_error(name, FUTURE)


class RemedyForm(forms.Form):
    body = forms.TypedChoiceField(label=gettext_lazy("被申请人（被告）机关"), coerce=int)
    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=[(k.value, tr(k.label)) for k in RemedyKind])
    forum = forms.CharField(
        label=gettext_lazy("复议机关或法院"), max_length=200, help_text=gettext_lazy("如 重庆市大渡口区人民法院")
    )
    number = forms.CharField(
        label=gettext_lazy("案号"), max_length=100, required=False, help_text=gettext_lazy("如 （2020）渝0104行初123号")
    )
    applicant = forms.CharField(label=gettext_lazy("申请人或原告"), max_length=200)
    filed_on = _date(gettext_lazy("申请（立案）日期"), required=True)
    case_numbers = forms.CharField(
        label=gettext_lazy("涉及的申请编号"),
        required=False,
        help_text=gettext_lazy("本机关政府信息公开申请的编号，多个用逗号或空格分隔，如 2020-0001"),
    )
    note = forms.CharField(label=gettext_lazy("备注"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(
        self, *args: Any, user: User, bodies: list[tuple[int, str]], fixed_body: int | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.case_ids: tuple[int, ...] = ()
        body_field = self.fields["body"]
        assert isinstance(body_field, forms.TypedChoiceField)
        body_field.choices = bodies
        if fixed_body is not None:
            body_field.initial = fixed_body
            body_field.disabled = True

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _not_future(self, "filed_on")
        numbers = [n for n in re.split(r"[\s,，、;；]+", cleaned.get("case_numbers") or "") if n]
        body_id = cleaned.get("body")
        if numbers and body_id is not None:
            cases, missing = cases_by_numbers(user=self.user, body_id=body_id, numbers=list(dict.fromkeys(numbers)))
            if missing:
                self.add_error(
                    "case_numbers", _("本机关没有编号为 %(numbers)s 的申请") % {"numbers": "、".join(missing)}
                )
            self.case_ids = tuple(c.pk for c in cases)
        return cleaned

    def data_object(self) -> RemedyData:
        c = self.cleaned_data
        return RemedyData(
            kind=RemedyKind(c["kind"]),
            forum=c["forum"],
            number=c.get("number") or "",
            applicant=c["applicant"],
            filed_on=c["filed_on"],
            note=c.get("note") or "",
            case_ids=self.case_ids,
        )


class CloseForm(forms.Form):
    result = forms.ChoiceField(label=gettext_lazy("结果"))
    result_on = _date(gettext_lazy("结果日期"), help_text=gettext_lazy("复议决定书、判决书或裁定书的日期"))
    closed_on = _date(
        gettext_lazy("结案日期"), required=True, help_text=gettext_lazy("结果确定（生效）之日：计入该年度的表四")
    )
    note = forms.CharField(label=gettext_lazy("说明"), required=False, max_length=500)

    def __init__(self, *args: Any, kind: RemedyKind, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        result = self.fields["result"]
        assert isinstance(result, forms.ChoiceField)
        result.choices = [
            (r.value, _("%(result)s（计入“%(column)s”）") % {"result": tr_result(r.label), "column": r.column.label})
            for r in results_for(kind)
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _not_future(self, "closed_on")
        _not_future(self, "result_on")
        return cleaned

    @property
    def chosen_result(self) -> RemedyResult:
        return RemedyResult(self.cleaned_data["result"])


class ReopenForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("撤销结案登记的原因"), max_length=500)


class HearingForm(forms.Form):
    on = _date(gettext_lazy("日期"), required=True)
    note = forms.CharField(
        label=gettext_lazy("说明"), max_length=200, required=False, help_text=gettext_lazy("如 一审开庭、听证")
    )


class RemedyFilterForm(forms.Form):
    body = forms.TypedChoiceField(label=gettext_lazy("机关"), coerce=int, required=False, empty_value=None)
    kind = forms.ChoiceField(
        label=gettext_lazy("类型"),
        required=False,
        choices=[("", gettext_lazy("全部")), *[(k.value, tr(k.label)) for k in RemedyKind]],
    )
    state = forms.ChoiceField(
        label=gettext_lazy("状态"),
        required=False,
        choices=[("", gettext_lazy("全部")), ("open", gettext_lazy("未结案")), ("closed", gettext_lazy("已结案"))],
    )
    q = forms.CharField(label=gettext_lazy("当事人、案号或机关"), required=False)

    def __init__(self, *args: Any, bodies: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        body = self.fields["body"]
        assert isinstance(body, forms.TypedChoiceField)
        body.choices = [("", _("全部")), *bodies]
