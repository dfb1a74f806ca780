"""The batch check upload form: several files or ZIP archives of published reports, within limits checked before
anything is queued (number of files, total size, report-like names, archives judged by their central directory
with the limits of :mod:`xxgk.batch.archive`)."""

from __future__ import annotations

import io
import uuid
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from xxgk.batch.archive import (
    ARCHIVE_SUFFIXES,
    REPORT_SUFFIXES,
    ArchiveError,
    ZipLimits,
    is_archive_name,
    is_report_name,
)
from xxgk.web.jobs.services import JobInput

ACCEPT = ",".join(REPORT_SUFFIXES + ARCHIVE_SUFFIXES)


def human_size(size: int) -> str:
    if size >= 2**20:
        return f"{size / 2**20:.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def max_files() -> int:
    return int(getattr(settings, "XXGK_JOBS_MAX_FILES", 100))


def max_bytes() -> int:
    return int(getattr(settings, "XXGK_JOBS_MAX_UPLOAD_MB", 100)) * 2**20


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that takes several files (Django's documented recipe)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)]


def archive_problem(data: bytes, limits: ZipLimits | None = None) -> str | None:
    """Why an uploaded archive is refused before queueing (bad ZIP, too many members, zip bomb), else None."""
    from xxgk.batch.archive import list_members

    try:  # zipfile reads a file object as well as a path: nothing is written to disk for the check
        listing = list_members(io.BytesIO(data), limits)  # type: ignore[arg-type]
    except ArchiveError as exc:
        return exc.reason
    if not listing.members:
        return _("压缩包中没有报告文件（.txt .md .html .docx .doc .wps .pdf .json）")
    return None


class BatchCheckForm(forms.Form):
    body = forms.TypedChoiceField(label=pgettext_lazy("one body", "机关"), coerce=int)
    reports = MultipleFileField(label=gettext_lazy("年报文件"))
    submission = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, bodies: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].choices = bodies  # type: ignore[attr-defined]
        if len(bodies) == 1:
            self.fields["body"].initial = bodies[0][0]
        self.fields["reports"].help_text = _(
            "可选择多个文件或 ZIP 压缩包（.txt .md .html .docx .doc .wps .pdf .json .zip）；"
            "每次最多 %(files)s 个文件，合计不超过 %(size)s。"
        ) % {"files": max_files(), "size": human_size(max_bytes())}
        if not self.is_bound:
            self.initial["submission"] = uuid.uuid4().hex

    def clean_submission(self) -> str:
        value: str = self.cleaned_data["submission"]
        if not value.isalnum():
            raise forms.ValidationError(_("表单已失效，请刷新页面后重新提交"))
        return value

    def clean_reports(self) -> list[UploadedFile]:
        uploads: list[UploadedFile] = self.cleaned_data["reports"]
        if len(uploads) > max_files():
            raise forms.ValidationError(
                ngettext(
                    "一次最多上传 %(max)s 个文件，本次 %(n)s 个",
                    "一次最多上传 %(max)s 个文件，本次 %(n)s 个",
                    len(uploads),
                )
                % {"max": max_files(), "n": len(uploads)}
            )
        total = sum(u.size or 0 for u in uploads)
        if total > max_bytes():
            raise forms.ValidationError(
                _("文件合计 %(total)s，超过上限 %(limit)s")
                % {"total": human_size(total), "limit": human_size(max_bytes())}
            )
        errors: list[str] = []
        for upload in uploads:
            name = upload.name or ""
            if not (is_report_name(name) or is_archive_name(name)):
                errors.append(_("%(name)s：不是年报文件或 ZIP 压缩包") % {"name": name})
        if errors:
            raise forms.ValidationError(errors)
        return uploads

    def inputs(self) -> list[JobInput]:
        """The uploads read into memory, archives checked (a refused archive is a form error)."""
        out: list[JobInput] = []
        problems: list[str] = []
        for upload in self.cleaned_data["reports"]:
            data = upload.read()
            name = upload.name or "file"
            if is_archive_name(name):
                problem = archive_problem(data)
                if problem is not None:
                    problems.append(_("%(name)s：%(problem)s") % {"name": name, "problem": problem})
                    continue
            out.append(JobInput(name=name, data=data, content_type=upload.content_type or "application/octet-stream"))
        if problems:
            for problem in problems:
                self.add_error("reports", problem)
            return []
        return out
