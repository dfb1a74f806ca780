from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xxgk.core.calendar import DayKind
from xxgk.web.cases.vocabulary import tr
from xxgk.web.workcalendar.services import NAME_MAX, SOURCE_MAX, YEAR_SOURCE_MAX

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
#: Field errors in plain Chinese (Django's own say 确保该变量包含不超过 50 字符).
TEXT_MESSAGES = {"max_length": gettext_lazy("最多 %(limit_value)d 个字（现有 %(show_value)d 个字）")}


class CalendarDayForm(forms.Form):
    day = forms.DateField(label=gettext_lazy("日期"), widget=DATE_WIDGET)
    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=[(k.value, tr(k.label)) for k in DayKind])
    name = forms.CharField(
        label=gettext_lazy("名称（如 国庆节）"), max_length=NAME_MAX, required=False, error_messages=TEXT_MESSAGES
    )
    source = forms.CharField(
        label=gettext_lazy("来源通知"), max_length=SOURCE_MAX, required=False, error_messages=TEXT_MESSAGES
    )

    def __init__(self, *args: object, year: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.year = year

    def clean_day(self) -> object:
        day = self.cleaned_data["day"]
        if day.year != self.year:
            raise forms.ValidationError(_("日期须在 %(year)s 年内") % {"year": self.year})
        return day


class CalendarYearForm(forms.Form):
    announced = forms.BooleanField(label=gettext_lazy("节假日安排已公布并录入"), required=False)
    source = forms.CharField(
        label=gettext_lazy("依据（国务院办公厅通知）"),
        max_length=YEAR_SOURCE_MAX,
        required=False,
        error_messages=TEXT_MESSAGES,
    )


class NewYearForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("年份"), min_value=1900, max_value=2200)


def form_errors(form: forms.Form) -> list[str]:
    """Every error of ``form``, each with its field's label (``名称（如 国庆节）：最多 50 个字（现有 51 个字）``)."""
    out: list[str] = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = str(field.label) if field is not None and field.label else ""
        out.extend(
            _("%(field)s：%(error)s") % {"field": label, "error": error} if label else str(error) for error in errors
        )
    return out
