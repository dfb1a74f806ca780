"""Letter templates per body (versioned, append-only) and the letters generated for cases (kept with the case).

A body's template for a slot is the LATEST :class:`LetterTemplate` row of ``(body, slot)``: an uploaded DOCX, or a
row with ``is_default`` set when an administrator restored the built-in template. No row means the built-in
template. Rows are never changed or deleted, so every letter can name the template version it was made from.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from xxgk.core.letters import LetterError, slot_from_code


class LetterTemplate(models.Model):
    body = models.ForeignKey(
        "tenancy.Body", verbose_name="机关", on_delete=models.PROTECT, related_name="letter_templates"
    )
    slot = models.CharField("文书类型", max_length=60)  # LetterSlot.code (no choices: the vocabulary is code)
    version = models.PositiveIntegerField("版本")
    is_default = models.BooleanField("恢复为默认模板", default=False)
    content = models.BinaryField("模板文件", blank=True, default=b"")
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    size = models.PositiveIntegerField("大小（字节）", default=0)
    filename = models.CharField("上传的文件名", max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "文书模板"
        verbose_name_plural = "文书模板"
        ordering = ("body", "slot", "-version")
        constraints = (
            models.UniqueConstraint(fields=("body", "slot", "version"), name="lettertemplate_version_unique"),
        )

    def __str__(self) -> str:
        return f"{self.body_id} {self.slot} v{self.version}"


class Letter(models.Model):
    """A generated letter: the DOCX bytes as sent, which step of the case it belongs to, the template used."""

    case = models.ForeignKey("cases.Case", verbose_name="申请", on_delete=models.PROTECT, related_name="letters")
    event_seq = models.PositiveIntegerField("办理步骤序号")
    slot = models.CharField("文书类型", max_length=60)  # LetterSlot.code (no choices: the vocabulary is code)
    party = models.CharField("收件方", max_length=200, blank=True)
    version = models.PositiveIntegerField("版本")
    template = models.ForeignKey(
        LetterTemplate,
        verbose_name="所用模板",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="letters",
    )
    template_version = models.PositiveIntegerField("所用模板版本", default=0)  # 0: the built-in template
    filename = models.CharField("文件名", max_length=255)
    content = models.BinaryField("文件")
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveIntegerField("大小（字节）")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="生成人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("生成时间", auto_now_add=True)

    class Meta:
        verbose_name = "文书"
        verbose_name_plural = "文书"
        ordering = ("case", "event_seq", "slot", "party", "-version")
        constraints = (
            models.UniqueConstraint(
                fields=("case", "event_seq", "slot", "party", "version"), name="letter_version_unique"
            ),
        )

    def __str__(self) -> str:
        return self.filename

    @property
    def slot_label(self) -> str:
        try:
            return slot_from_code(self.slot).label
        except LetterError:
            return self.slot

    @property
    def template_label(self) -> str:
        """Which template the letter was made from (select ``template`` with the letter to avoid a query each)."""
        if self.template is None or self.template.is_default:
            return "默认模板"
        return f"本机关模板第{self.template_version}版"
