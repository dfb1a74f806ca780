"""Applications (依申请公开): the registration, the event history and cached status and due dates.

The history (``CaseEvent`` rows) is the truth; ``status``, ``outcome``, ``received_on``, ``answer_due``,
``next_due``, the fee columns … on :class:`Case` are caches written by the services after the core accepted a
move, so that work lists and report figures filter, sort and aggregate in the database.

Corrections of the registration are their own append-only rows (:class:`CaseEdit`): the registration event is
never rewritten; the case's *effective* registration is the registration event with the edits applied in order
(``applicant_name``, ``applicant_type``, ``content`` and the applicant keys on :class:`Case` cache it).
:class:`DuplicateFlag` records a possible 重复申请 and the handler's decision; :class:`DigestLog` makes the daily
digest e-mail idempotent.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xxgk.core.outcomes import ApplicantType, Channel, Outcome
from xxgk.core.workflow import Action, Role, Status
from xxgk.web.cases.vocabulary import tr

#: Choices with the core's Chinese labels, translated lazily (see :mod:`xxgk.web.cases.vocabulary`).
STATUS_CHOICES = [(s.value, tr(s.label)) for s in Status]
ACTION_CHOICES = [(a.value, tr(a.label)) for a in Action]
ROLE_CHOICES = [(r.value, tr(r.label)) for r in Role]
CHANNEL_CHOICES = [(c.value, tr(c.label)) for c in Channel]
APPLICANT_TYPE_CHOICES = [(t.value, tr(t.full_label)) for t in ApplicantType]
OUTCOME_CHOICES = [(o.value, tr(o.label)) for o in Outcome]

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
    # normalised applicant identity (xxgk.core.duplicates.ApplicantKeys) to narrow duplicate candidates in SQL
    applicant_name_key = models.CharField("申请人（比对用）", max_length=200, blank=True)
    applicant_id_key = models.CharField("身份证明（比对用）", max_length=200, blank=True)
    applicant_contact_key = models.CharField("联系方式（比对用）", max_length=200, blank=True)
    # 信息处理费 (the fee notice and its payment), for section 六 of the annual report
    fee_amount = models.DecimalField("收费金额（元）", max_digits=12, decimal_places=2, null=True, blank=True)
    fee_notice_on = models.DateField("收费通知发出日期", null=True, blank=True)
    fee_paid_on = models.DateField("缴费日期", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    #: Optimistic lock: raised by every save of the row. A form carries the version it was shown at and the write
    #: is refused when the case has changed since (:mod:`xxgk.web.cases.concurrency`).
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "政府信息公开申请"
        verbose_name_plural = "政府信息公开申请"
        ordering = ("-registered_on", "-id")
        constraints = (models.UniqueConstraint(fields=("body", "number"), name="case_number_unique_per_body"),)
        indexes = (
            models.Index(fields=("body", "status"), name="case_body_status_idx"),
            models.Index(fields=("body", "next_due"), name="case_body_due_idx"),
            models.Index(fields=("body", "-registered_on", "-id"), name="case_body_registered_idx"),
            models.Index(fields=("-registered_on", "-id"), name="case_registered_idx"),
            models.Index(
                fields=("body", "received_on", "closed_on", "applicant_type", "outcome"), name="case_report_idx"
            ),
            models.Index(fields=("body", "applicant_name_key"), name="case_body_applicant_idx"),
            models.Index(fields=("body", "applicant_contact_key"), name="case_body_contact_idx"),
            models.Index(fields=("body", "fee_paid_on"), name="case_body_fee_paid_idx"),
            # "my cases" (the handler's open applications): every condition in the index, none read from the rows
            models.Index(fields=("handler", "status", "body"), name="case_handler_status_idx"),
        )

    def __str__(self) -> str:
        return f"{self.number} {self.applicant_name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save; an existing row's :attr:`version` is raised by one in the database (``version = version + 1``, so
        a save from a stale copy never lowers it) and read back."""
        if self._state.adding:
            super().save(*args, **kwargs)
            return
        self.version = models.F("version") + 1
        fields = kwargs.get("update_fields")
        if fields is not None:
            kwargs["update_fields"] = {*fields, "version"}
        super().save(*args, **kwargs)
        self.refresh_from_db(fields=["version"])

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


class AppendOnlyError(Exception):
    """An attempt to change or delete a registration edit (edits are append-only)."""

    def __init__(self) -> None:
        super().__init__("登记信息修改记录只能追加，不能修改或删除")


class CaseEditQuerySet(models.QuerySet["CaseEdit"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError

    def delete(self) -> NoReturn:
        raise AppendOnlyError

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError

    def update_or_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError


CaseEditManager = models.Manager.from_queryset(CaseEditQuerySet)


class CaseEdit(models.Model):
    """One correction of a case's registration (append-only, numbered per case): the fields changed with their
    values before (``old``) and after (``new``), encoded like event payloads, and the reason."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="edits")
    seq = models.PositiveIntegerField("序号")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="修改人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("修改时间", default=timezone.now, editable=False)
    reason = models.TextField("修改原因")
    old = models.JSONField("原值")
    new = models.JSONField("新值")

    objects = CaseEditManager()

    class Meta:
        verbose_name = "登记信息修改"
        verbose_name_plural = "登记信息修改"
        ordering = ("case", "seq")
        constraints = (models.UniqueConstraint(fields=("case", "seq"), name="caseedit_seq_unique"),)

    def __str__(self) -> str:
        return f"{self.case_id}#edit{self.seq}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError


class DuplicateDecision(models.TextChoices):
    PENDING = "pending", _("待判断")
    CONFIRMED = "confirmed", _("确认为重复申请")
    DISMISSED = "dismissed", _("不属于重复申请")


class DuplicateFlag(models.Model):
    """``case`` may repeat the earlier application ``earlier`` of the same applicant (score and reasons from
    :func:`xxgk.core.duplicates.find_possible_duplicates`); the handler confirms or dismisses it."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="duplicate_flags")
    earlier = models.ForeignKey(
        Case, verbose_name="此前的申请", on_delete=models.PROTECT, related_name="later_duplicate_flags"
    )
    score = models.FloatField("内容相似度")
    reasons = models.JSONField("提示理由", default=list)
    decision = models.CharField(
        "判断", max_length=20, choices=DuplicateDecision.choices, default=DuplicateDecision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="判断人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField("判断时间", null=True, blank=True)
    note = models.TextField("说明", blank=True)
    created_at = models.DateTimeField("提示时间", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "疑似重复申请"
        verbose_name_plural = "疑似重复申请"
        ordering = ("case", "-score", "earlier")
        constraints = (
            models.UniqueConstraint(fields=("case", "earlier"), name="duplicateflag_pair_unique"),
            models.CheckConstraint(condition=~models.Q(case=models.F("earlier")), name="duplicateflag_not_self"),
        )
        indexes = (models.Index(fields=("case", "decision"), name="duplicateflag_case_idx"),)

    def __str__(self) -> str:
        return f"{self.case_id}~{self.earlier_id} {self.score:.2f}"


class DigestLog(models.Model):
    """The daily digest e-mail sent to ``user`` for ``on`` (one row per user and day: a second run that day sends
    nothing unless forced)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    on = models.DateField("提醒日期")
    sent_at = models.DateTimeField("发送时间", default=timezone.now)
    email = models.CharField("收件地址", max_length=254)
    overdue = models.PositiveIntegerField("已逾期件数", default=0)
    due_soon = models.PositiveIntegerField("即将到期件数", default=0)
    sends = models.PositiveIntegerField("发送次数", default=1)

    class Meta:
        verbose_name = "到期提醒邮件"
        verbose_name_plural = "到期提醒邮件"
        ordering = ("-on", "user")
        constraints = (models.UniqueConstraint(fields=("user", "on"), name="digestlog_user_day_unique"),)

    def __str__(self) -> str:
        return f"{self.user_id} {self.on}"
