from __future__ import annotations

from django import forms

from xxgk.core.calendar import DayKind

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CalendarDayForm(forms.Form):
    day = forms.DateField(label="日期", widget=DATE_WIDGET)
    kind = forms.ChoiceField(label="类型", choices=[(k.value, k.label) for k in DayKind])
    name = forms.CharField(label="名称（如 国庆节）", max_length=50, required=False)
    source = forms.CharField(label="来源通知", max_length=300, required=False)

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
    source = forms.CharField(label="依据（国务院办公厅通知）", max_length=300, required=False)


class NewYearForm(forms.Form):
    year = forms.IntegerField(label="年份", min_value=1900, max_value=2200)
