"""JSON encoding of the core's event payloads (frozen dataclasses) for storage in ``CaseEvent.payload``.

Encoding is generic over the dataclass fields: dates become ISO strings, decimals strings, enums their values,
tuples lists, nested dataclasses objects. Decoding follows the type hints of the payload class, so a stored row
rebuilds exactly the value the core validated.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import Enum
from functools import cache
from typing import Any

from xxgk.core.errors import WorkflowError
from xxgk.core.workflow import (
    Consultation,
    ConsultationEnd,
    CorrectionReceipt,
    CorrectionRequest,
    CustomDeadline,
    Extension,
    FeeNotice,
    Payload,
    Payment,
    ReasonsRecord,
    ReceiptConfirmation,
    Registration,
    Reply,
    ReviewNote,
    Withdrawal,
)

PAYLOAD_TYPES: dict[str, type[Any]] = {
    cls.__name__: cls
    for cls in (
        Registration,
        ReceiptConfirmation,
        CorrectionRequest,
        CorrectionReceipt,
        Consultation,
        ConsultationEnd,
        Extension,
        ReasonsRecord,
        CustomDeadline,
        FeeNotice,
        Payment,
        Reply,
        ReviewNote,
        Withdrawal,
    )
}


def encode_value(value: object) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value.value if isinstance(value, Enum) else value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple | list):
        return [encode_value(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode_value(getattr(value, f.name)) for f in dataclasses.fields(value)}
    raise TypeError(f"cannot encode {type(value).__name__}")


def payload_encode(data: Payload | None) -> dict[str, Any] | None:
    """``{"type": "Registration", "data": {...}}`` or ``None``."""
    if data is None:
        return None
    return {"type": type(data).__name__, "data": encode_value(data)}


@cache
def _hints(cls: type[Any]) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _decode(tp: Any, raw: Any) -> Any:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if raw is None:
            return None
        return _decode(args[0], raw)
    if origin is tuple:
        (item, *_rest) = typing.get_args(tp)
        return tuple(_decode(item, v) for v in raw)
    if isinstance(tp, type):
        if issubclass(tp, Enum):
            return tp(raw)
        if tp is date:
            return date.fromisoformat(raw)
        if tp is Decimal:
            return Decimal(raw)
        if tp in (str, int, bool):
            if not isinstance(raw, tp):
                raise TypeError(f"expected {tp.__name__}, got {raw!r}")
            return raw
        if dataclasses.is_dataclass(tp):
            hints = _hints(tp)
            kwargs = {f.name: _decode(hints[f.name], raw[f.name]) for f in dataclasses.fields(tp) if f.name in raw}
            return tp(**kwargs)
    raise TypeError(f"cannot decode {tp!r}")


def payload_decode(stored: dict[str, Any] | None) -> Payload | None:
    """The payload stored by :func:`payload_encode`; :class:`WorkflowError` when the row is damaged."""
    if stored is None:
        return None
    try:
        cls = PAYLOAD_TYPES[stored["type"]]
        value: Payload = _decode(cls, stored["data"])
    except (KeyError, TypeError, ValueError, InvalidOperation) as exc:
        raise WorkflowError(f"无法读取已保存的操作数据：{exc}") from None
    return value
