"""Bodies (行政机关) in a hierarchy and the roles users hold in them.

The labels of :class:`BodyKind` and :class:`MemberRole` are Chinese msgids (``gettext_noop``): the audit notes,
the oversight exports and the API keep them Chinese, and the templates translate them where shown
(``{% translate body.get_kind_display %}``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_noop

from xxgk.core.workflow import Role


class BodyKind(models.TextChoices):
    GOVERNMENT = "government", gettext_noop("人民政府")
    DEPARTMENT = "department", gettext_noop("政府工作部门")
    TOWN = "town", gettext_noop("乡镇人民政府")
    SUBDISTRICT = "subdistrict", gettext_noop("街道办事处")
    OFFICE = "office", gettext_noop("政务公开办公室（监督机构）")
    OTHER = "other", gettext_noop("其他")


class Body(models.Model):
    """A 行政机关; ``parent`` is the body that supervises it (a district above its towns and departments)."""

    name = models.CharField("名称", max_length=200)
    code = models.SlugField("代码", max_length=64, unique=True)
    kind = models.CharField("类型", max_length=20, choices=BodyKind.choices, default=BodyKind.OTHER)
    parent = models.ForeignKey(
        "self", verbose_name="上级机关", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        verbose_name = "行政机关"
        verbose_name_plural = "行政机关"
        ordering = ("code",)

    def __str__(self) -> str:
        return self.name


class MemberRole(models.TextChoices):
    CLERK = "clerk", gettext_noop("经办人")
    REVIEWER = "reviewer", gettext_noop("审核人")
    HEAD = "head", gettext_noop("信息公开工作机构负责人")
    ADMIN = "admin", gettext_noop("管理员")

    @property
    def workflow_role(self) -> Role | None:
        """The core workflow role this membership acts in (administrators have none)."""
        return {"clerk": Role.CLERK, "reviewer": Role.REVIEWER, "head": Role.HEAD}.get(self.value)


class Membership(models.Model):
    """``user`` holds ``role`` in ``body``. A user may hold several roles, in several bodies."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField("角色", max_length=20, choices=MemberRole.choices)

    class Meta:
        verbose_name = "角色"
        verbose_name_plural = "角色"
        constraints = (models.UniqueConstraint(fields=("user", "body", "role"), name="membership_unique_role"),)

    def __str__(self) -> str:
        return f"{self.user} @ {self.body}: {self.get_role_display()}"
