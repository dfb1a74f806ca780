"""Forms of the report pages."""

from __future__ import annotations

from typing import Any

from django import forms

from xxgk.core.errors import XxgkError
from xxgk.core.model import Report

#: Largest published report accepted for comparison (a long PDF report is a few MB).
MAX_UPLOAD_BYTES = 20 * 2**20


class PublishedReportForm(forms.Form):
    """Last year's published report (网页、文本、Word 或 PDF), read by the report engine."""

    file = forms.FileField(
        label="上一年度已公布的年报文件",
        help_text="网页（.html）、文本（.txt）、Word（.docx）或 PDF，不超过 20 MB。仅用于核对，不会保存。",
    )

    def __init__(self, *args: Any, year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.year = year
        self.report: Report | None = None
        self.assumed_year = False

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("文件过大（超过 20 MB）")
        data = upload.read()
        from xxgk.ingest import parse_bytes

        try:
            result = parse_bytes(data, source=upload.name or "上传的文件")
        except XxgkError as exc:
            reason = getattr(exc, "reason", None) or exc.message
            raise forms.ValidationError(f"无法读取为年度报告：{reason}") from None
        report = result.report
        previous = self.year - 1
        if report.year is None:
            report.year = previous
            self.assumed_year = True
        elif report.year != previous:
            raise forms.ValidationError(f"上传的是 {report.year} 年度的年报，应为上一年度（{previous} 年度）的年报")
        self.report = report
        return upload
