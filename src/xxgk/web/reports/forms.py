"""Forms of the report pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xxgk.core.errors import XxgkError
from xxgk.core.model import NARRATIVE_SECTIONS, Report
from xxgk.web.reports.narrative import MAX_SECTION_CHARS, SECTION_HINTS

#: Largest published report accepted for comparison (a long PDF report is a few MB).
MAX_UPLOAD_BYTES = 20 * 2**20


class PublishedReportForm(forms.Form):
    """Last year's published report (网页、文本、Word 或 PDF), read by the report engine."""

    file = forms.FileField(
        label=gettext_lazy("上一年度已公布的年报文件"),
        help_text=gettext_lazy(
            "网页（.html）、文本（.txt）、Word（.docx）或 PDF，不超过 20 MB。仅用于核对，不会保存。"
        ),
    )

    def __init__(self, *args: Any, year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.year = year
        self.report: Report | None = None
        self.assumed_year = False

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("文件过大（超过 20 MB）"))
        data = upload.read()
        from xxgk.ingest import parse_bytes

        try:
            result = parse_bytes(data, source=upload.name or "上传的文件")
        except XxgkError as exc:
            reason = getattr(exc, "reason", None) or exc.message
            raise forms.ValidationError(_("无法读取为年度报告：%(reason)s") % {"reason": reason}) from None
        report = result.report
        previous = self.year - 1
        if report.year is None:
            report.year = previous
            self.assumed_year = True
        elif report.year != previous:
            raise forms.ValidationError(
                _("上传的是 %(year)s 年度的年报，应为上一年度（%(previous)s 年度）的年报")
                % {"year": report.year, "previous": previous}
            )
        self.report = report
        return upload


# -- the report's life ----------------------------------------------------------------------------------


class NarrativeForm(forms.Form):
    """The three narrative sections (plain text; shown escaped, line breaks kept)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, title in NARRATIVE_SECTIONS.items():
            self.fields[key] = forms.CharField(
                label=title,
                required=False,
                max_length=MAX_SECTION_CHARS,
                strip=False,
                widget=forms.Textarea(attrs={"rows": 12 if key == "overall" else 6, "class": "narrative"}),
                help_text=_(SECTION_HINTS[key]),
            )

    def sections(self) -> dict[str, str]:
        return {key: str(self.cleaned_data.get(key) or "") for key in NARRATIVE_SECTIONS}


class OverrideForm(forms.Form):
    """Type over one cell: its code, the value, and the reason (required)."""

    code = forms.ChoiceField(label=gettext_lazy("单元格"))
    value = forms.CharField(
        label=gettext_lazy("填报值"), max_length=30, help_text=gettext_lazy("件数填整数；金额（万元）可带小数")
    )
    reason = forms.CharField(
        label=gettext_lazy("修改理由"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("说明为何不采用按登记数据计算的结果（例如：登记前的纸质台账中另有记录）"),
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = choices  # type: ignore[attr-defined]


class OverrideRemoveForm(forms.Form):
    code = forms.CharField(widget=forms.HiddenInput, max_length=40)
    reason = forms.CharField(label=gettext_lazy("撤销理由"), required=False, max_length=1000)


class PreviousUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("上一年度已公布的年报文件"),
        help_text=gettext_lazy(
            "网页（.html）、文本（.txt）、Word（.docx）或 PDF，不超过 20 MB。文件将保存，用于跨年度核对。"
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("文件过大（超过 20 MB）"))
        return upload


class SubmitForm(forms.Form):
    change_note = forms.CharField(
        label=gettext_lazy("更正说明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("更正版必填：更正了哪些内容、为什么更正。将随更正版一并公开。"),
    )

    def __init__(self, *args: Any, correction: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["change_note"].required = correction
        if not correction:
            self.fields["change_note"].widget = forms.HiddenInput()


class ReportPublishForm(forms.Form):
    on = forms.DateField(
        label=gettext_lazy("发布日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()
