"""The registers behind table 2: normative documents with their lifecycle, and yearly figures from other systems.

The table itself is never stored: :mod:`xxgk.web.registers.selectors` computes it with :mod:`xxgk.core.table2`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from xxgk.core.table2 import DocKind, FigureItem

DOC_KIND_CHOICES = [(k.value, k.label) for k in DocKind]
FIGURE_ITEM_CHOICES = [(i.value, i.label) for i in FigureItem]


class NormativeDocument(models.Model):
    """A 规章 or 行政规范性文件 of a body (第二十条第（一）项), identified within the body by its 文号."""

    body = models.ForeignKey(
        "tenancy.Body", verbose_name="机关", on_delete=models.PROTECT, related_name="normative_documents"
    )
    kind = models.CharField("类别", max_length=20, choices=DOC_KIND_CHOICES, default=DocKind.NORMATIVE.value)
    title = models.CharField("标题", max_length=300)
    doc_number = models.CharField("文号", max_length=100)
    issued_on = models.DateField("制发日期")
    published_on = models.DateField("公开日期", null=True, blank=True)
    effective_on = models.DateField("施行日期", null=True, blank=True)
    expires_on = models.DateField("有效期至", null=True, blank=True)
    repealed_on = models.DateField("废止日期", null=True, blank=True)
    #: The proactive-disclosure item that published it (``xxgk.web.proactive``), kept as a plain id on purpose.
    proactive_item_id = models.PositiveBigIntegerField("主动公开信息编号", null=True, blank=True)
    note = models.TextField("备注", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "规章和规范性文件"
        verbose_name_plural = "规章和规范性文件"
        ordering = ("-issued_on", "-id")
        constraints = (
            models.UniqueConstraint(fields=("body", "doc_number"), name="normativedoc_number_unique_per_body"),
        )
        indexes = (models.Index(fields=("body", "kind"), name="normativedoc_body_kind_idx"),)

    def __str__(self) -> str:
        return f"{self.title}（{self.doc_number}）"

    @property
    def kind_enum(self) -> DocKind:
        return DocKind(self.kind)


class DocumentAmendment(models.Model):
    """One amendment of a document (修改/修订/修正): when it was made, under which 文号, when it was published."""

    document = models.ForeignKey(NormativeDocument, on_delete=models.CASCADE, related_name="amendments")
    amended_on = models.DateField("修改日期")
    doc_number = models.CharField("修改文号", max_length=100, blank=True)
    published_on = models.DateField("修改后公开日期", null=True, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "文件修改记录"
        verbose_name_plural = "文件修改记录"
        ordering = ("document", "amended_on")
        constraints = (models.UniqueConstraint(fields=("document", "amended_on"), name="amendment_unique_per_day"),)

    def __str__(self) -> str:
        return f"{self.document_id} {self.amended_on.isoformat()}"


class YearlyFigure(models.Model):
    """The numbers of one table-2 item for one year, from another system, with their source (one per item/year).

    Amounts are in 万元. Which numbers an item has depends on the year's template
    (:func:`xxgk.core.table2.figure_fields`); the others stay empty.
    """

    body = models.ForeignKey("tenancy.Body", verbose_name="机关", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    item = models.CharField("项目", max_length=20, choices=FIGURE_ITEM_CHOICES)
    prev_items = models.PositiveIntegerField("上一年项目数量", null=True, blank=True)
    change = models.IntegerField("本年增/减", null=True, blank=True)
    decisions = models.PositiveIntegerField("处理决定数量", null=True, blank=True)
    projects = models.PositiveIntegerField("采购项目数量", null=True, blank=True)
    amount = models.DecimalField("金额（万元）", max_digits=20, decimal_places=6, null=True, blank=True)
    source = models.TextField("数据来源")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField("录入时间", auto_now=True)

    class Meta:
        verbose_name = "年度统计数据"
        verbose_name_plural = "年度统计数据"
        ordering = ("body", "-year", "item")
        constraints = (
            models.UniqueConstraint(fields=("body", "year", "item"), name="yearlyfigure_unique_item_per_year"),
            models.CheckConstraint(condition=~models.Q(source=""), name="yearlyfigure_source_required"),
        )

    def __str__(self) -> str:
        return f"{self.year} {self.get_item_display()}"

    @property
    def item_enum(self) -> FigureItem:
        return FigureItem(self.item)
