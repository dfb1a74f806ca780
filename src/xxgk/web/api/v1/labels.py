"""Describing the core's vocabularies (codes with Chinese labels) in schema descriptions and responses."""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from typing import Protocol


class _Labelled(Protocol):
    @property
    def value(self) -> str: ...

    @property
    def label(self) -> str: ...


def choices(members: Iterable[_Labelled]) -> str:
    """``in_person（当面）、mail（邮寄）…`` for a schema description."""
    return "、".join(f"{m.value}（{m.label}）" for m in members)


def label_of(member: Enum | None) -> str:
    """The Chinese label of an enum member of the core ("" for ``None``)."""
    if member is None:
        return ""
    label = getattr(member, "label", None)
    return str(label) if label is not None else str(member.value)
