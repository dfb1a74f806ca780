"""Administrative review (行政复议) and litigation (行政诉讼) cases about the body's disclosure work (table 4).

The table itself is never stored: :mod:`xxgk.web.litigation.selectors` computes it with :mod:`xxgk.core.table4`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from xxgk.core.table4 import RemedyKind, RemedyResult
from xxgk.web.cases.vocabulary import tr, tr_result

KIND_CHOICES = [(k.value, tr(k.label)) for k in RemedyKind]
RESULT_CHOICES = [(r.value, tr_result(r.label)) for r in RemedyResult]


class RemedyCase(models.Model):
    """One 复议 or 诉讼 case in which the body is the respondent/defendant, linked to the applications it concerns."""

    body = models.ForeignKey("tenancy.Body", verbose_name="机关", on_delete=models.PROTECT, related_name="remedies")
    kind = models.CharField("类型", max_length=20, choices=KIND_CHOICES)
    forum = models.CharField("复议机关或法院", max_length=200)
    number = models.CharField("案号", max_length=100, blank=True)
    applicant = models.CharField("申请人或原告", max_length=200)
    filed_on = models.DateField("申请（立案）日期")
    result = models.CharField("结果", max_length=30, choices=RESULT_CHOICES, blank=True)
    result_on = models.DateField("结果日期", null=True, blank=True)
    closed_on = models.DateField("结案日期", null=True, blank=True)
    note = models.TextField("备注", blank=True)
    cases = models.ManyToManyField("cases.Case", verbose_name="涉及的申请", related_name="remedies", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "行政复议、行政诉讼案件"
        verbose_name_plural = "行政复议、行政诉讼案件"
        ordering = ("-filed_on", "-id")
        constraints = (
            models.CheckConstraint(
                condition=models.Q(closed_on__isnull=True) | ~models.Q(result=""), name="remedy_closed_has_result"
            ),
        )
        indexes = (models.Index(fields=("body", "kind"), name="remedy_body_kind_idx"),)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number or self.applicant}"

    @property
    def kind_enum(self) -> RemedyKind:
        return RemedyKind(self.kind)

    @property
    def result_enum(self) -> RemedyResult | None:
        return RemedyResult(self.result) if self.result else None

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class Hearing(models.Model):
    """A hearing (开庭、听证) or other dated step of a case."""

    remedy = models.ForeignKey(RemedyCase, on_delete=models.CASCADE, related_name="hearings")
    on = models.DateField("日期")
    note = models.CharField("说明", max_length=200, blank=True, help_text="如 一审开庭、听证、二审开庭")

    class Meta:
        verbose_name = "开庭（听证）"
        verbose_name_plural = "开庭（听证）"
        ordering = ("remedy", "on", "id")

    def __str__(self) -> str:
        return f"{self.remedy_id} {self.on.isoformat()}"
