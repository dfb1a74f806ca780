"""Forms of the oversight pages: filters of the overview, the upload of a body's published report (one file or
a ZIP), the withdrawal of an upload. The report engine reads the file in the service (which also checks the
year); the forms check what can be checked without it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from xxgk.web.oversight.selectors import LATE, OverviewStatus
from xxgk.web.oversight.uploads import MAX_UPLOAD_BYTES, MAX_ZIP_BYTES, SIZE_LIMIT_TEXT, ZIP_LIMIT_TEXT
from xxgk.web.tenancy.models import Body, BodyKind

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("状态"),
        required=False,
        choices=[
            ("", gettext_lazy("全部")),
            *((s.value, gettext_lazy(s.label)) for s in OverviewStatus),
            (LATE, gettext_lazy("逾期")),
        ],
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("机关类型"),
        required=False,
        choices=[("", gettext_lazy("全部")), *((k.value, gettext_lazy(k.label)) for k in BodyKind)],
    )


class ExternalUploadForm(forms.Form):
    body = forms.TypedChoiceField(
        label=pgettext_lazy("one body", "机关"), coerce=int, help_text=gettext_lazy("不使用本系统编制年报的下级机关")
    )
    file = forms.FileField(label=gettext_lazy("已公开的年报文件"))
    published_on = forms.DateField(
        label=gettext_lazy("公开日期"),
        required=False,
        widget=DATE_WIDGET,
        help_text=gettext_lazy("该机关在网站上公开年报的日期，用于判断是否逾期"),
    )
    note = forms.CharField(
        label=gettext_lazy("备注"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, bodies: Sequence[Body] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        body_field = self.fields["body"]
        assert isinstance(body_field, forms.TypedChoiceField)
        body_field.choices = [("", _("请选择")), *((b.pk, f"{b.name}（{b.code}）") for b in bodies)]
        self.fields["file"].help_text = _(
            "网页（.html）、文本（.txt）、Word（.docx/.doc）、PDF 或年报 JSON，不超过 %(limit)s。"
            "重新上传会取代之前上传的文件（历史记录保留）。"
        ) % {"limit": SIZE_LIMIT_TEXT}

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("“%(name)s”过大，单个文件不超过 %(limit)s") % {"name": upload.name, "limit": SIZE_LIMIT_TEXT}
            )
        return upload


class ZipUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("压缩包（.zip）"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "包含多个下级机关已公开年报的 ZIP 文件，不超过 %(limit)s。"
            "每个文件的文件名中请写上机关名称（如“八桥镇2020年报.pdf”）或机关代码；"
            "文件名中没有的，按年报中印的机关名称匹配。"
        ) % {"limit": ZIP_LIMIT_TEXT}

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_ZIP_BYTES:
            raise forms.ValidationError(
                _("“%(name)s”过大，压缩包不超过 %(limit)s") % {"name": upload.name, "limit": ZIP_LIMIT_TEXT}
            )
        if not (upload.name or "").lower().endswith(".zip"):
            raise forms.ValidationError(_("“%(name)s”不是 ZIP 压缩包（.zip）") % {"name": upload.name})
        return upload


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("撤销原因"), max_length=500, help_text=gettext_lazy("如：上传错了机关或年度")
    )
