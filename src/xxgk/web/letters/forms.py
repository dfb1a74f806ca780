"""The template upload form: it checks what can be checked before reading the file (size, file name); the
content is checked by :func:`xxgk.web.letters.docxfill.validate_template` in the service."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from xxgk.web.letters.docxfill import MACROS, MAX_UPLOAD_BYTES, OLE, TOO_LARGE, human_size

NOT_DOCX_NAME = gettext_noop("请上传扩展名为.docx的Word文档")


class TemplateUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("模板文件（.docx）"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".docx,application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("不超过%(limit)s。占位符写成 {{申请人}} 的形式，可用的占位符见下表。") % {
            "limit": human_size(MAX_UPLOAD_BYTES)
        }

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        size = upload.size or 0
        if size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_(TOO_LARGE).format(size=human_size(size), limit=human_size(MAX_UPLOAD_BYTES)))
        name = (upload.name or "").lower()
        if name.endswith((".docm", ".dotm")):
            raise forms.ValidationError(_(MACROS))
        if name.endswith((".doc", ".wps")):
            raise forms.ValidationError(_(OLE))
        if not name.endswith(".docx"):
            raise forms.ValidationError(_(NOT_DOCX_NAME))
        return upload
