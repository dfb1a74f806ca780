"""The append-only audit trail.

Rows are only ever inserted (through :func:`xxgk.web.audit.services.audit_record`). The model refuses
``save()`` of an existing row and ``delete()``; its queryset refuses ``update()`` and ``delete()``; and a database
trigger (created by migration 0002 on SQLite and PostgreSQL) aborts any UPDATE or DELETE issued by raw SQL.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext

from xxgk.web.audit.codes import AuditCode

APPEND_ONLY = "审计记录只能追加，不能修改或删除"


class AppendOnlyError(Exception):
    """An attempt to change or delete an audit row."""

    def __init__(self) -> None:
        super().__init__(APPEND_ONLY)


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError

    def delete(self) -> NoReturn:
        raise AppendOnlyError

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError

    def update_or_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError

    def for_object(self, object_type: str, object_id: int | str) -> AuditEventQuerySet:
        return self.filter(object_type=object_type, object_id=str(object_id))


AuditEventManager = models.Manager.from_queryset(AuditEventQuerySet)


class AuditEvent(models.Model):
    """One audited change: what (``code``), who (``actor``), where (``body``), on what object, when, old/new."""

    code = models.PositiveIntegerField("代码", choices=[(c.value, c.label) for c in AuditCode])
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    body = models.ForeignKey(
        "tenancy.Body", verbose_name="机关", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    object_type = models.CharField("对象类型", max_length=50, blank=True)
    object_id = models.CharField("对象", max_length=64, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now, editable=False)
    old = models.JSONField("原值", null=True, blank=True)
    new = models.JSONField("新值", null=True, blank=True)
    note = models.TextField("说明", blank=True)

    objects = AuditEventManager()

    class Meta:
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        ordering = ("created_at", "id")
        indexes = (models.Index(fields=("object_type", "object_id", "created_at"), name="audit_object_idx"),)

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.code_label}"

    @property
    def code_label(self) -> str:
        """What happened, in the active language (the code's Chinese label translated)."""
        try:
            return gettext(AuditCode(self.code).label)
        except ValueError:
            return str(self.code)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError
