"""The annual report's life in the system: the report of a body and year being drafted (narratives, cell overrides,
the snapshot under approval), its published versions with their rendered files, and previous-year reports the
office uploaded to check against.

Tables 2, 3 and 4 are never stored while drafting: they are computed from the records
(:func:`xxgk.web.reports.selectors.report_compute`) every time, with the overrides applied on top. At submission
the full report (cells, overrides, narratives) is frozen in :attr:`AnnualReport.submitted_json`; that snapshot is
what the chain approves and what publishing stores as a :class:`ReportVersion`. A correction (更正) is a new draft
of the same :class:`AnnualReport`, published as version N+1; every version stays.

:class:`CellOverride` and :class:`ReportVersion` are append-only.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

APPEND_ONLY_OVERRIDE = "手工修改记录只能追加，不能修改或删除"
APPEND_ONLY_VERSION = "已发布的版本不能修改或删除"


class ReportState(models.TextChoices):
    """Where the report of a year stands (stored on :class:`AnnualReport`)."""

    DRAFTING = "drafting", _("编制中")
    UNDER_APPROVAL = "under_approval", _("审批中")
    APPROVED = "approved", _("审批通过，待发布")
    PUBLISHED = "published", _("已发布")


class RenderFormat(models.TextChoices):
    DOCX = "docx", _("Word（DOCX）")
    PDF = "pdf", "PDF"
    HTML = "html", _("网页（HTML）")
    XLSX = "xlsx", _("表格（XLSX）")
    JSON = "json", _("数据（JSON）")


class AppendOnlyError(Exception):
    """An attempt to change or delete an append-only row."""


class OverrideQuerySet(models.QuerySet["CellOverride"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(APPEND_ONLY_OVERRIDE)

    def delete(self) -> NoReturn:
        raise AppendOnlyError(APPEND_ONLY_OVERRIDE)

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(APPEND_ONLY_OVERRIDE)


class VersionQuerySet(models.QuerySet["ReportVersion"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(APPEND_ONLY_VERSION)

    def delete(self) -> NoReturn:
        raise AppendOnlyError(APPEND_ONLY_VERSION)

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(APPEND_ONLY_VERSION)


OverrideManager = models.Manager.from_queryset(OverrideQuerySet)
VersionManager = models.Manager.from_queryset(VersionQuerySet)


class AnnualReport(models.Model):
    """The annual report (年度报告) of ``body`` on ``year``; its draft state lives here too: the narratives being
    edited, the change note of a correction, and the snapshot taken at submission."""

    body = models.ForeignKey(
        "tenancy.Body", verbose_name="机关", on_delete=models.PROTECT, related_name="annual_reports"
    )
    year = models.PositiveIntegerField("年度")
    template = models.CharField("模板版本", max_length=10)
    state = models.CharField("状态", max_length=20, choices=ReportState.choices, default=ReportState.DRAFTING)
    #: The number the draft becomes when published: 1, or N+1 for a correction of version N.
    draft_number = models.PositiveIntegerField("草稿版本号", default=1)
    narrative = models.JSONField("文字部分（草稿）", default=dict, blank=True)
    change_note = models.TextField("更正说明（草稿）", blank=True)
    submitted_json = models.TextField("提交审批的报告（JSON）", blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提交人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "年度报告"
        verbose_name_plural = "年度报告"
        ordering = ("body", "-year")
        constraints = (models.UniqueConstraint(fields=("body", "year"), name="annual_report_one_per_body_year"),)
        indexes = (models.Index(fields=("year", "body"), name="annual_report_year_body_idx"),)

    def __str__(self) -> str:
        return f"{self.body_id} {self.year}年度报告"

    @property
    def signoff_subject_id(self) -> str:
        """The sign-off chain's subject id of the current draft: each version goes through the chain once."""
        return f"{self.pk}-v{self.draft_number}"


class CellOverride(models.Model):
    """A cell typed over by hand: append-only; the latest row per ``code`` applies, a row with ``value`` null
    removes the override (the computed value applies again)."""

    report = models.ForeignKey(
        AnnualReport, verbose_name="年度报告", on_delete=models.PROTECT, related_name="overrides"
    )
    code = models.CharField("单元格", max_length=40)
    value = models.DecimalField("填报值", max_digits=24, decimal_places=6, null=True, blank=True)
    reason = models.TextField("理由")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="修改人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("修改时间", auto_now_add=True)

    objects = OverrideManager()

    class Meta:
        verbose_name = "手工修改"
        verbose_name_plural = "手工修改"
        ordering = ("report", "id")
        indexes = (models.Index(fields=("report", "code"), name="cell_override_report_code_idx"),)

    def __str__(self) -> str:
        return f"{self.report_id} {self.code} = {self.value}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(APPEND_ONLY_OVERRIDE)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(APPEND_ONLY_OVERRIDE)


class ReportVersion(models.Model):
    """A published version of the report, frozen: ``report_json`` is :meth:`xxgk.core.model.Report.to_json` of the
    report as approved (cells with overrides applied, narratives). Version 1 is the report; every later version
    is a correction and carries its change note."""

    report = models.ForeignKey(AnnualReport, verbose_name="年度报告", on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField("版本")
    report_json = models.TextField("报告（JSON）")
    change_note = models.TextField("更正说明", blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发布人", on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField("发布时间")
    published_on = models.DateField("发布日期")

    objects = VersionManager()

    class Meta:
        verbose_name = "年度报告版本"
        verbose_name_plural = "年度报告版本"
        ordering = ("report", "number")
        constraints = (models.UniqueConstraint(fields=("report", "number"), name="report_version_unique_number"),)

    def __str__(self) -> str:
        return f"{self.report_id} 第{self.number}版"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(APPEND_ONLY_VERSION)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(APPEND_ONLY_VERSION)


class ReportRendition(models.Model):
    """A version rendered in one format (cached at publishing; rendered again on demand if missing)."""

    version = models.ForeignKey(ReportVersion, verbose_name="版本", on_delete=models.CASCADE, related_name="renditions")
    fmt = models.CharField("格式", max_length=10, choices=RenderFormat.choices)
    data = models.BinaryField("内容")
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveIntegerField("大小（字节）")
    created_at = models.DateTimeField("生成时间", auto_now_add=True)

    class Meta:
        verbose_name = "年度报告文件"
        verbose_name_plural = "年度报告文件"
        constraints = (models.UniqueConstraint(fields=("version", "fmt"), name="report_rendition_one_per_format"),)

    def __str__(self) -> str:
        return f"{self.version_id}.{self.fmt}"


class PreviousReportUpload(models.Model):
    """A published report of ``body`` on ``year`` (usually last year's, made outside xxgk) uploaded to check
    this year's report against (the cross-year rules). The file is kept as uploaded; ``report_json`` holds what
    the engine's parsers read from it, ``parse_error`` why they could not. The latest upload per body and year
    applies."""

    body = models.ForeignKey(
        "tenancy.Body", verbose_name="机关", on_delete=models.PROTECT, related_name="previous_report_uploads"
    )
    year = models.PositiveIntegerField("报告年度")
    filename = models.CharField("文件名", max_length=255)
    data = models.BinaryField("原始文件")
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveIntegerField("大小（字节）")
    report_json = models.TextField("读取结果（JSON）", blank=True)
    parse_error = models.TextField("读取错误", blank=True)
    #: What the parser said about the file (:meth:`xxgk.core.findings.Finding.to_dict` items, codes P0xx).
    parse_findings = models.JSONField("读取时的提示", default=list, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "上年度报告（上传）"
        verbose_name_plural = "上年度报告（上传）"
        ordering = ("body", "year", "id")
        indexes = (models.Index(fields=("body", "year"), name="previous_upload_body_year_idx"),)

    def __str__(self) -> str:
        return f"{self.body_id} {self.year} {self.filename}"

    @property
    def parsed(self) -> bool:
        return bool(self.report_json) and not self.parse_error
