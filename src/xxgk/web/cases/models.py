"""Applications (依申请公开): the registration, the event history and cached status and due dates.

The history (``CaseEvent`` rows) is the truth; ``status``, ``outcome``, ``received_on``, ``answer_due``,
``next_due`` … on :class:`Case` are caches written by the services after the core accepted a move, so that
work lists filter and sort in the database.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from xxgk.core.outcomes import ApplicantType, Channel, Outcome
from xxgk.core.workflow import Action, Role, Status

STATUS_CHOICES = [(s.value, s.label) for s in Status]
ACTION_CHOICES = [(a.value, a.label) for a in Action]
ROLE_CHOICES = [(r.value, r.label) for r in Role]
CHANNEL_CHOICES = [(c.value, c.label) for c in Channel]
APPLICANT_TYPE_CHOICES = [(t.value, t.full_label) for t in ApplicantType]
OUTCOME_CHOICES = [(o.value, o.label) for o in Outcome]

#: Statuses in which the answer clock is stopped (the work list "paused").
PAUSED_STATUSES = (
    Status.AWAITING_RECEIPT.value,
    Status.AWAITING_CORRECTION.value,
    Status.CONSULTING.value,
    Status.AWAITING_REASONS.value,
    Status.AWAITING_PAYMENT.value,
)
OPEN_STATUSES = tuple(s.value for s in Status if s.is_open)


class Case(models.Model):
    body = models.ForeignKey("tenancy.Body", verbose_name="机关", on_delete=models.PROTECT, related_name="cases")
    number = models.CharField("编号", max_length=40)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="经办人", on_delete=models.PROTECT, related_name="handled_cases"
    )
    status = models.CharField("状态", max_length=30, choices=STATUS_CHOICES, default=Status.NEW.value)
    channel = models.CharField("申请渠道", max_length=20, choices=CHANNEL_CHOICES)
    applicant_type = models.CharField("申请人类型", max_length=20, choices=APPLICANT_TYPE_CHOICES)
    applicant_name = models.CharField("申请人", max_length=200)
    content = models.TextField("申请内容")
    registered_on = models.DateField("登记日期")
    received_on = models.DateField("收到申请之日", null=True, blank=True)
    answer_due = models.DateField("答复期限", null=True, blank=True)
    next_due = models.DateField("最近期限", null=True, blank=True)
    next_due_label = models.CharField("最近期限类型", max_length=30, blank=True)
    due_provisional = models.BooleanField("期限为暂定值", default=False)
    outcome = models.CharField("办理结果", max_length=40, choices=OUTCOME_CHOICES, blank=True)
    closed_on = models.DateField("办结日期", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "政府信息公开申请"
        verbose_name_plural = "政府信息公开申请"
        ordering = ("-registered_on", "-id")
        constraints = (models.UniqueConstraint(fields=("body", "number"), name="case_number_unique_per_body"),)
        indexes = (
            models.Index(fields=("body", "status"), name="case_body_status_idx"),
            models.Index(fields=("body", "next_due"), name="case_body_due_idx"),
        )

    def __str__(self) -> str:
        return f"{self.number} {self.applicant_name}"

    @property
    def status_enum(self) -> Status:
        return Status(self.status)


class CaseEvent(models.Model):
    """One step of a case's history as the core validated it (append-only, numbered per case)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField("序号")
    action = models.CharField("操作", max_length=30, choices=ACTION_CHOICES)
    on = models.DateField("操作日期")
    role = models.CharField("角色", max_length=20, choices=ROLE_CHOICES)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    payload = models.JSONField("内容", null=True, blank=True)
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"
        ordering = ("case", "seq")
        constraints = (models.UniqueConstraint(fields=("case", "seq"), name="caseevent_seq_unique"),)

    def __str__(self) -> str:
        return f"{self.case_id}#{self.seq} {self.get_action_display()}"
