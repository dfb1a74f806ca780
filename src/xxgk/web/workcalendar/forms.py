from __future__ import annotations

from django import forms

from xxgk.core.calendar import DayKind
from xxgk.web.workcalendar.services import NAME_MAX, SOURCE_MAX, YEAR_SOURCE_MAX

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
#: Field errors in plain Chinese (Django's own say 确保该变量包含不超过 50 字符).
TEXT_MESSAGES = {"max_length": "最多 %(limit_value)d 个字（现有 %(show_value)d 个字）"}


class CalendarDayForm(forms.Form):
    day = forms.DateField(label="日期", widget=DATE_WIDGET)
    kind = forms.ChoiceField(label="类型", choices=[(k.value, k.label) for k in DayKind])
    name = forms.CharField(label="名称（如 国庆节）", max_length=NAME_MAX, required=False, error_messages=TEXT_MESSAGES)
    source = forms.CharField(label="来源通知", max_length=SOURCE_MAX, required=False, error_messages=TEXT_MESSAGES)

    def __init__(self, *args: object, year: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.year = year

    def clean_day(self) -> object:
        day = self.cleaned_data["day"]
        if day.year != self.year:
            raise forms.ValidationError(f"日期须在 {self.year} 年内")
        return day


class CalendarYearForm(forms.Form):
    announced = forms.BooleanField(label="节假日安排已公布并录入", required=False)
    source = forms.CharField(
        label="依据（国务院办公厅通知）", max_length=YEAR_SOURCE_MAX, required=False, error_messages=TEXT_MESSAGES
    )


class NewYearForm(forms.Form):
    year = forms.IntegerField(label="年份", min_value=1900, max_value=2200)


def form_errors(form: forms.Form) -> list[str]:
    """Every error of ``form``, each with its field's label (``名称（如 国庆节）：最多 50 个字（现有 51 个字）``)."""
    out: list[str] = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = str(field.label) if field is not None and field.label else ""
        out.extend(f"{label}：{error}" if label else str(error) for error in errors)
    return out
