"""Column values to JSON and back, by the field's type.

Dates and times are ISO 8601 (aware datetimes keep their offset), decimals are strings (no float rounding),
binary data is base64, durations are ISO 8601 durations, JSON columns stay JSON, file fields keep the stored
name (the file itself goes under ``media/``). Decoding goes through ``field.to_python`` so that every value is
checked the way a form would check it.
"""

from __future__ import annotations

import base64
import datetime
import uuid
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils.duration import duration_iso_string

from xxgk.core.errors import XxgkError


class BackupError(XxgkError):
    """A backup could not be written, or an archive cannot be restored (the message says why, in Chinese)."""

    default_message = "备份或恢复失败"


Json = Any


def encode(field: models.Field[Any, Any], value: Any) -> Json:
    """The JSON form of ``value`` read from ``field``'s column."""
    if value is None:
        return None
    if isinstance(field, models.JSONField):
        return value
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return duration_iso_string(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name
    raise BackupError(f"无法备份字段 {field.model._meta.label_lower}.{field.name} 的值（类型 {type(value).__name__}）")


def decode(field: models.Field[Any, Any], value: Json) -> Any:
    """The Python value of ``field`` for the JSON form ``value`` (:class:`BackupError` if it does not fit)."""
    if value is None:
        return None
    if isinstance(field, models.JSONField):
        return value
    if isinstance(field, models.FileField):
        return str(value)
    try:
        return field.to_python(value)
    except (ValidationError, ValueError, TypeError) as exc:
        raise BackupError(f"备份中字段 {field.model._meta.label_lower}.{field.name} 的值无效：{value!r:.80}") from exc
