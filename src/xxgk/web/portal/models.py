"""The public portal: online submissions, 查询码 (access codes), per-body settings and the abuse throttle.

* :class:`OnlineSubmission` — an application submitted online (anonymous). It is *not* a case: under Art 31 (三)
  an online application is received on the day the agency confirms it, so the clock starts only when a clerk
  accepts it in the inbox, which registers a :class:`~xxgk.web.cases.models.Case` and links it here.
* :class:`AccessCode` — a 查询码 for a case or a submission. Only the SHA-256 digest of the code is stored, never
  the code; revoked codes stay (``revoked_at``) so that an old code is recognised as invalid, not as unknown.
* :class:`PortalSettings` — whether a body accepts online applications (no row = it does).
* :class:`ThrottleEvent` — counted events of a client (submissions, wrong codes, lockouts) keyed by an HMAC of the
  client's IP address, never the address; see :mod:`xxgk.web.portal.throttle`.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_noop

from xxgk.core.outcomes import ApplicantType, DeliveryMethod, ProvisionForm

APPLICANT_TYPE_CHOICES = [(t.value, t.full_label) for t in ApplicantType]
FORM_CHOICES = [(f.value, f.label) for f in ProvisionForm]
DELIVERY_CHOICES = [(d.value, d.label) for d in DeliveryMethod]


class IdType(models.TextChoices):
    # msgids: the case registered from a submission keeps the Chinese label; the pages translate it
    RESIDENT_ID = "resident_id", gettext_noop("居民身份证")
    PASSPORT = "passport", gettext_noop("护照")
    HMT_PERMIT = "hmt_permit", gettext_noop("港澳台居民来往内地（大陆）通行证或居住证")
    FOREIGN_RESIDENCE = "foreign_residence", gettext_noop("外国人永久居留身份证")
    CREDIT_CODE = "credit_code", gettext_noop("统一社会信用代码")
    OTHER = "other", gettext_noop("其他有效证件")


class SubmissionStatus(models.TextChoices):
    # msgids: the service's messages keep the Chinese label; the pages translate it
    SUBMITTED = "submitted", gettext_noop("待确认")
    ACCEPTED = "accepted", gettext_noop("已确认并登记")
    REJECTED = "rejected", gettext_noop("不予受理（无效提交）")


class PortalSettings(models.Model):
    """Per-body portal settings. A body without a row accepts online applications."""

    body = models.OneToOneField(
        "tenancy.Body", verbose_name="机关", on_delete=models.CASCADE, related_name="portal_settings"
    )
    accepts_online = models.BooleanField("接受网上申请", default=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "网上申请设置"
        verbose_name_plural = "网上申请设置"

    def __str__(self) -> str:
        return f"{self.body_id}: {'接受' if self.accepts_online else '不接受'}网上申请"


class OnlineSubmission(models.Model):
    """An application submitted through the portal, waiting for a clerk to confirm (or reject as spam)."""

    body = models.ForeignKey(
        "tenancy.Body", verbose_name="受理机关", on_delete=models.PROTECT, related_name="online_submissions"
    )
    status = models.CharField(
        "状态", max_length=20, choices=SubmissionStatus.choices, default=SubmissionStatus.SUBMITTED
    )
    applicant_type = models.CharField("申请人类型", max_length=20, choices=APPLICANT_TYPE_CHOICES)
    applicant_name = models.CharField("申请人姓名或名称", max_length=100)
    id_type = models.CharField("证件类型", max_length=20, choices=IdType.choices)
    id_number = models.CharField("证件号码", max_length=50)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    email = models.CharField("电子邮箱", max_length=254, blank=True)
    address = models.CharField("通信地址", max_length=200, blank=True)
    postcode = models.CharField("邮政编码", max_length=10, blank=True)
    agent = models.CharField("委托代理人", max_length=100, blank=True)
    content = models.TextField("所需政府信息的描述")
    requested_form = models.CharField("获取信息的形式", max_length=20, choices=FORM_CHOICES, blank=True)
    requested_delivery = models.CharField("获取信息的方式", max_length=20, choices=DELIVERY_CHOICES, blank=True)
    #: SHA-256 of the signed form token: each form can be submitted once (a reload does not submit twice).
    form_token_digest = models.CharField("表单令牌摘要", max_length=64, unique=True)
    submitted_at = models.DateTimeField("提交时间", default=timezone.now)
    case = models.OneToOneField(
        "cases.Case",
        verbose_name="登记的申请",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="online_submission",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    reject_reason = models.TextField("不予受理的说明", blank=True)

    class Meta:
        verbose_name = "网上申请"
        verbose_name_plural = "网上申请"
        ordering = ("-submitted_at", "-id")
        indexes = (models.Index(fields=("body", "status", "submitted_at"), name="portal_sub_inbox_idx"),)

    def __str__(self) -> str:
        return f"网上申请 #{self.pk}"

    @property
    def submitted_on(self) -> date:
        """The local (Asia/Shanghai) date of submission."""
        return timezone.localdate(self.submitted_at)

    @property
    def contact_text(self) -> str:
        """The contact details as one line (the registration's 联系方式)."""
        parts = []
        if self.phone:
            parts.append(f"电话 {self.phone}")
        if self.email:
            parts.append(f"电子邮箱 {self.email}")
        if self.address:
            parts.append(f"通信地址 {self.address}" + (f"（邮编 {self.postcode}）" if self.postcode else ""))
        return "；".join(parts)


class AccessCode(models.Model):
    """A 查询码 of a case or of an online submission (then also of its case once accepted)."""

    digest = models.CharField("摘要（SHA-256）", max_length=64, unique=True)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name="申请",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="access_codes",
    )
    submission = models.ForeignKey(
        OnlineSubmission,
        verbose_name="网上申请",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="access_codes",
    )
    created_at = models.DateTimeField("生成时间", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="生成人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revoked_at = models.DateTimeField("作废时间", null=True, blank=True)

    class Meta:
        verbose_name = "查询码"
        verbose_name_plural = "查询码"
        ordering = ("-created_at", "-id")
        constraints = (
            models.CheckConstraint(
                condition=models.Q(case__isnull=False) | models.Q(submission__isnull=False),
                name="portal_accesscode_has_target",
            ),
        )
        indexes = (models.Index(fields=("case", "revoked_at"), name="portal_code_case_idx"),)

    def __str__(self) -> str:
        return f"查询码 #{self.pk}"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class ThrottleScope(models.TextChoices):
    SUBMISSION = "submission", "网上提交"
    WRONG_CODE = "wrong_code", "查询码错误"
    LOCK = "lock", "暂停查询"


class ThrottleEvent(models.Model):
    """One counted event of a client. ``key`` is an HMAC-SHA256 (keyed with SECRET_KEY) of the IP address."""

    scope = models.CharField("类型", max_length=20, choices=ThrottleScope.choices)
    key = models.CharField("客户端标识（HMAC）", max_length=64)
    at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "访问限制记录"
        verbose_name_plural = "访问限制记录"
        indexes = (
            models.Index(fields=("scope", "key", "at"), name="portal_throttle_key_idx"),
            models.Index(fields=("scope", "at"), name="portal_throttle_at_idx"),
        )

    def __str__(self) -> str:
        return f"{self.scope} {self.key[:8]} {self.at:%Y-%m-%d %H:%M}"
