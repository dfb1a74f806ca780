"""Annual reports of subordinate bodies that do not use xxgk, uploaded by their supervising body.

The supervising body's office collects the published file (网页、文本、Word、PDF) of each body that makes its
report elsewhere; the report engine reads it, and the parsed report then counts as published (外部导入) in the
overview and in the combined report. The row keeps the original bytes and what the engine read.

History: at most one row per ``(body, year)`` is *current*. A re-upload ends the current row (``ended_reason``
``replaced``) and adds a new one; a withdrawal ends it without a successor. Rows are never deleted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy


class EndReason(models.TextChoices):
    REPLACED = "replaced", gettext_lazy("已被重新上传的文件取代")
    WITHDRAWN = "withdrawn", gettext_lazy("已撤销")


class ExternalReport(models.Model):
    body = models.ForeignKey(
        "tenancy.Body", verbose_name="机关", on_delete=models.PROTECT, related_name="external_reports"
    )
    year = models.PositiveSmallIntegerField("年度")
    filename = models.CharField("文件名", max_length=255)
    content = models.BinaryField("原始文件")
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    format = models.CharField("文件格式", max_length=20)  # the parser's name: text, html, docx, pdf, json
    #: The report as the engine read it (report JSON without cell provenance; narrative kept).
    report_json = models.JSONField("解析结果")
    template = models.CharField("表三模板版本", max_length=4)
    s2_template = models.CharField("表二模板版本", max_length=4)
    printed_body = models.CharField("文件中的机关名称", max_length=300, blank=True)
    #: The parser's findings and the rules' findings (``Finding.to_dict`` each).
    findings = models.JSONField("检查结果", default=list)
    errors = models.PositiveIntegerField("错误数", default=0)
    warnings = models.PositiveIntegerField("警告数", default=0)
    #: What the engine could not read without guessing, in words (empty when everything was read).
    parse_notes = models.TextField("解析说明", blank=True)
    published_on = models.DateField("公开日期", null=True, blank=True)
    note = models.TextField("备注", blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)
    current = models.BooleanField("当前有效", default=True)
    ended_at = models.DateTimeField("失效时间", null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    ended_reason = models.CharField("失效原因", max_length=20, choices=EndReason.choices, blank=True)

    class Meta:
        verbose_name = "外部导入的年度报告"
        verbose_name_plural = "外部导入的年度报告"
        ordering = ("body", "-year", "-uploaded_at", "-pk")
        constraints = (
            models.UniqueConstraint(
                fields=("body", "year"), condition=models.Q(current=True), name="externalreport_one_current"
            ),
        )
        indexes = (models.Index(fields=("year", "current"), name="externalreport_year_current"),)

    def __str__(self) -> str:
        return f"{self.body_id} {self.year} {self.filename}"


class PublishedDigest(models.Model):
    """The digest of a published report (:mod:`xxgk.web.oversight.digest`): the numbers of tables 3 and 4, the
    template versions and the rules' counts, read once from a version published in xxgk (``version``) or from an
    upload (``external``) — both never change — so that the overview and the figures over the years read one row
    instead of parsing every report. Derived data, a cache: written when the version is published or the file
    uploaded (and by the migration for the rows before it), computed again when read if missing or made with other
    rules (``basis``). Not audited: it records no decision."""

    version = models.OneToOneField(
        "reports.ReportVersion", verbose_name="本系统发布的版本", null=True, blank=True, on_delete=models.CASCADE,
        related_name="+",
    )  # fmt: skip
    external = models.OneToOneField(
        ExternalReport, verbose_name="外部导入的报告", null=True, blank=True, on_delete=models.CASCADE,
        related_name="+",
    )  # fmt: skip
    #: :func:`~xxgk.web.oversight.digest.digest_basis` of the code that computed the row.
    basis = models.CharField("计算依据", max_length=64)
    template = models.CharField("表三模板版本", max_length=4)
    s2_template = models.CharField("表二模板版本", max_length=4)
    #: Code → number (a ``Decimal`` as text) or null, every cell of tables 3 and 4.
    cells = models.JSONField("表三、表四数据")
    errors = models.PositiveIntegerField("错误数")
    warnings = models.PositiveIntegerField("警告数")
    computed_at = models.DateTimeField("计算时间", default=timezone.now)

    class Meta:
        verbose_name = "已发布年报摘要"
        verbose_name_plural = "已发布年报摘要"
        constraints = (
            models.CheckConstraint(
                condition=models.Q(version__isnull=False, external__isnull=True)
                | models.Q(version__isnull=True, external__isnull=False),
                name="publisheddigest_one_source",
            ),
        )

    def __str__(self) -> str:
        source = f"version {self.version_id}" if self.version_id else f"upload {self.external_id}"
        return f"digest of {source}"
