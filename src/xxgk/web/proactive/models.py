"""Proactive disclosure (主动公开): items, their attachments, the catalogue settings, the disclosure guide, and the
generic 保密审查 sign-off chain (chains per body, a sign-off per subject, its append-only decisions).

Attachments are stored **in the database** (:class:`ItemAttachment.data`), not under MEDIA_ROOT: the project has
no media storage configured or served, an upload then commits or rolls back with the item in one transaction,
one database backup holds everything, and access goes through the same permission checks as the item (staff:
the item's visibility; public: published 主动公开 items only). The size and type limits
(:mod:`xxgk.web.proactive.attachments`: 10 MB, 10 files, PDF/OFD/Office/images/text sniffed by content) keep the
rows small enough for that.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_noop

from xxgk.core.proactive import CATEGORIES, DEFAULT_PATTERN, Attribute, Category, WithholdingGround
from xxgk.core.signoff import Decision, Phase
from xxgk.web.cases.vocabulary import tr

CATEGORY_CHOICES = [(c.code, f"{c.short} {c.label}") for c in CATEGORIES.values()]
ATTRIBUTE_CHOICES = [(a.value, a.label) for a in Attribute]
GROUND_CHOICES = [(g.value, g.full_label) for g in WithholdingGround]
PHASE_CHOICES = [(p.value, tr(p.label)) for p in Phase]
DECISION_CHOICES = [(d.value, tr(d.label)) for d in Decision]

APPEND_ONLY = "审查记录只能追加，不能修改或删除"


class ItemStatus(models.TextChoices):
    # msgids: the services' messages keep the Chinese label; the pages translate it
    DRAFT = "draft", gettext_noop("草稿")
    IN_REVIEW = "in_review", gettext_noop("保密审查中")
    APPROVED = "approved", gettext_noop("审查通过")
    PUBLISHED = "published", gettext_noop("已公开")
    WITHDRAWN = "withdrawn", gettext_noop("已撤回")


#: Statuses of an item not yet published (the Art 26 clock runs for 主动公开 items in these).
UNPUBLISHED_STATUSES = (ItemStatus.DRAFT, ItemStatus.IN_REVIEW, ItemStatus.APPROVED)


class CatalogueSettings(models.Model):
    """Per body: how its catalogue index numbers (索引号) look, and the next sequence number of each year."""

    body = models.OneToOneField(
        "tenancy.Body", verbose_name="机关", on_delete=models.PROTECT, related_name="catalogue_settings"
    )
    body_code = models.CharField(
        "机关代码", max_length=40, blank=True, help_text="索引号中的机关代码，如统一社会信用代码；留空则使用机关代码"
    )
    index_pattern = models.CharField("索引号格式", max_length=200, default=DEFAULT_PATTERN)
    next_sequence = models.JSONField("各年度下一个序号", default=dict, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "公开目录设置"
        verbose_name_plural = "公开目录设置"

    def __str__(self) -> str:
        return f"{self.body_id}: {self.index_pattern}"


class ProactiveItem(models.Model):
    """One piece of government information in the body's catalogue (条例 Arts 12, 19–21, 26)."""

    body = models.ForeignKey(
        "tenancy.Body", verbose_name="机关", on_delete=models.PROTECT, related_name="proactive_items"
    )
    category = models.CharField("信息类别", max_length=40, choices=CATEGORY_CHOICES)
    title = models.CharField("标题", max_length=300)
    doc_number = models.CharField("文号", max_length=100, blank=True)
    issuer = models.CharField("发布机构", max_length=200)
    formed_on = models.DateField("形成或变更日期")
    published_on = models.DateField("公开日期", null=True, blank=True)
    publish_due = models.DateField("公开期限", null=True, blank=True)
    due_provisional = models.BooleanField("期限为暂定值", default=False)
    attribute = models.CharField("公开属性", max_length=20, choices=ATTRIBUTE_CHOICES, default=Attribute.PUBLIC.value)
    withholding_ground = models.CharField("不予公开依据", max_length=30, choices=GROUND_CHOICES, blank=True)
    attribute_reason = models.TextField("不公开理由", blank=True)
    summary = models.TextField("内容概述", blank=True)
    content = models.TextField("正文", blank=True)
    important = models.BooleanField("重要信息（须报主要领导审定）", default=False)
    status = models.CharField("状态", max_length=20, choices=ItemStatus.choices, default=ItemStatus.DRAFT)
    index_number = models.CharField("索引号", max_length=100, blank=True)
    index_year = models.PositiveSmallIntegerField("索引年度", null=True, blank=True)
    index_sequence = models.PositiveIntegerField("索引序号", null=True, blank=True)
    drafter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="起草人", on_delete=models.PROTECT, related_name="proactive_items"
    )
    source_case = models.ForeignKey(
        "cases.Case",
        verbose_name="来源申请（依申请转主动）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proactive_items",
    )
    withdrawn_on = models.DateField("撤回日期", null=True, blank=True)
    withdrawn_reason = models.TextField("撤回理由", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "主动公开信息"
        verbose_name_plural = "主动公开信息"
        ordering = ("-formed_on", "-id")
        constraints = (
            models.UniqueConstraint(
                fields=("body", "index_number"), condition=~Q(index_number=""), name="proactive_index_unique_per_body"
            ),
        )
        indexes = (
            models.Index(fields=("body", "status"), name="proactive_body_status_idx"),
            models.Index(fields=("body", "publish_due"), name="proactive_body_due_idx"),
            models.Index(fields=("body", "published_on"), name="proactive_body_pub_idx"),
        )

    def __str__(self) -> str:
        return self.title

    @property
    def category_obj(self) -> Category | None:
        return CATEGORIES.get(self.category)

    @property
    def is_public(self) -> bool:
        return self.attribute == Attribute.PUBLIC.value

    @property
    def published_late(self) -> bool:
        return bool(self.published_on and self.publish_due and self.published_on > self.publish_due)


class ItemAttachment(models.Model):
    """A file of an item, stored in the database (see the module docstring for why)."""

    item = models.ForeignKey(ProactiveItem, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("类型", max_length=100)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    data = models.BinaryField("内容")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ("item", "id")

    def __str__(self) -> str:
        return self.name


class DisclosureGuide(models.Model):
    """The body's 政府信息公开指南 (Art 12; channels per 国办公开办函〔2017〕19号). Text sections are plain text with
    a little Markdown (paragraphs, ``## `` headings, ``- `` lists), always rendered escaped."""

    body = models.OneToOneField(
        "tenancy.Body", verbose_name="机关", on_delete=models.PROTECT, related_name="disclosure_guide"
    )
    office_name = models.CharField("政府信息公开工作机构", max_length=200)
    address = models.CharField("办公地址", max_length=300)
    postcode = models.CharField("邮政编码", max_length=10, blank=True)
    office_hours = models.CharField("办公时间", max_length=200)
    phone = models.CharField("联系电话", max_length=100)
    fax = models.CharField("传真", max_length=100, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    accepted_channels = models.JSONField("受理申请的渠道", default=list)
    online_portal = models.BooleanField("接受网上申请（本系统“网上申请”页面）", default=True)
    classification = models.TextField("信息分类与编排体系", blank=True)
    proactive_access = models.TextField("主动公开信息的获取方式", blank=True)
    application_guide = models.TextField("依申请公开的办理流程与注意事项", blank=True)
    fees = models.TextField("信息处理费", blank=True)
    remedies = models.TextField("监督方式和救济途径", blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "政府信息公开指南"
        verbose_name_plural = "政府信息公开指南"

    def __str__(self) -> str:
        return f"{self.body_id} 公开指南"


# -- the generic sign-off chain ------------------------------------------------------------------------


class ChainKind(models.TextChoices):
    """What a chain signs off: proactive items, or the replies to applications (条例 Art 17 covers both)."""

    # msgids: the audit notes keep the Chinese label; the pages translate it
    ITEM = "item", gettext_noop("主动公开信息")
    REPLY = "reply", gettext_noop("依申请公开答复")


class SignoffChain(models.Model):
    """A body's 保密审查 chain for one kind of subject (``definition`` is
    :meth:`xxgk.core.signoff.Chain.to_dict`); without a row the kind's default applies
    (:func:`xxgk.web.proactive.signoff_selectors.default_chain`)."""

    body = models.ForeignKey(
        "tenancy.Body", verbose_name="机关", on_delete=models.PROTECT, related_name="signoff_chains"
    )
    kind = models.CharField("适用对象", max_length=20, choices=ChainKind.choices, default=ChainKind.ITEM)
    definition = models.JSONField("审查流程")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "保密审查流程"
        verbose_name_plural = "保密审查流程"
        constraints = (models.UniqueConstraint(fields=("body", "kind"), name="signoff_chain_one_per_body_kind"),)

    def __str__(self) -> str:
        return f"{self.body_id} {self.get_kind_display()}审查流程"


class Signoff(models.Model):
    """The review of one subject (``subject_type`` + ``subject_id``: a proactive item, later an application's
    reply). ``chain`` is the snapshot taken at the latest submission; ``round``/``phase`` cache the core state."""

    subject_type = models.CharField("对象类型", max_length=40)
    subject_id = models.CharField("对象", max_length=64)
    title = models.CharField("标题", max_length=300, blank=True)
    body = models.ForeignKey("tenancy.Body", verbose_name="机关", on_delete=models.PROTECT, related_name="signoffs")
    drafter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="起草人", on_delete=models.PROTECT, related_name="+"
    )
    important = models.BooleanField("重要信息", default=False)
    round = models.PositiveIntegerField("轮次", default=0)
    phase = models.CharField("审查状态", max_length=20, choices=PHASE_CHOICES, default=Phase.DRAFT.value)
    chain = models.JSONField("审查流程（提交时）")
    next_step = models.CharField("待审环节", max_length=30, blank=True)
    next_role = models.CharField("待审角色", max_length=20, blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "保密审查"
        verbose_name_plural = "保密审查"
        constraints = (models.UniqueConstraint(fields=("subject_type", "subject_id"), name="signoff_one_per_subject"),)
        indexes = (models.Index(fields=("body", "phase"), name="signoff_body_phase_idx"),)

    def __str__(self) -> str:
        return f"{self.subject_type}#{self.subject_id} 第{self.round}轮"


class SignoffAppendOnlyError(Exception):
    """An attempt to change or delete a recorded sign-off decision."""

    def __init__(self) -> None:
        super().__init__(APPEND_ONLY)


class SignoffDecisionQuerySet(models.QuerySet["SignoffDecision"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise SignoffAppendOnlyError

    def delete(self) -> NoReturn:
        raise SignoffAppendOnlyError

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise SignoffAppendOnlyError


SignoffDecisionManager = models.Manager.from_queryset(SignoffDecisionQuerySet)


class SignoffDecision(models.Model):
    """One decision of one step in one round (append-only: the history of every round is kept)."""

    signoff = models.ForeignKey(Signoff, on_delete=models.PROTECT, related_name="decisions")
    round = models.PositiveIntegerField("轮次")
    step_key = models.CharField("环节代码", max_length=30)
    step_name = models.CharField("环节", max_length=50)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="审查人", on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField("结论", max_length=10, choices=DECISION_CHOICES)
    opinion = models.TextField("意见", blank=True)
    decided_at = models.DateTimeField("审查时间")

    objects = SignoffDecisionManager()

    class Meta:
        verbose_name = "审查意见"
        verbose_name_plural = "审查意见"
        ordering = ("signoff", "id")
        constraints = (
            models.UniqueConstraint(fields=("signoff", "round", "step_key"), name="signoff_one_decision_per_step"),
        )

    def __str__(self) -> str:
        return f"{self.signoff_id} 第{self.round}轮 {self.step_name}：{self.get_decision_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise SignoffAppendOnlyError
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise SignoffAppendOnlyError
