"""The form of the token page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from xxgk.web.api.services import MAX_DAYS, MAX_NAME_LENGTH


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("名称"),
        max_length=MAX_NAME_LENGTH,
        help_text=gettext_lazy("用途或调用系统的名称，便于以后识别和撤销"),
    )
    days = forms.IntegerField(
        label=gettext_lazy("有效期（天）"),
        min_value=1,
        max_value=MAX_DAYS,
        required=False,
        initial=365,
        help_text=gettext_lazy("留空表示长期有效（直到撤销）"),
    )
