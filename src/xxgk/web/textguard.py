"""Free text checked by the services before it is saved: one place for the checks and their Chinese messages.

PostgreSQL refuses a text longer than its column and a NUL character in any text with a database error (a 500
page, a failed import), not a message. The forms check the same, but the services are also called by the API, the
importers and the demo data, so every service checks the texts it stores and raises its own error class with
these messages::

    标题最多 300 个字（现有 301 个字）
    标题包含不可见的控制字符，请重新输入

The label and the limit come from a model field (its ``verbose_name`` and, for a ``CharField``, its
``max_length``: :func:`field_problems`) or are given (:func:`text_problems`, :func:`checked_text`). The check itself
is the core's (:func:`xxgk.core.textcheck.text_problems`, which the pure core uses too).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db.models import CharField, Model

from xxgk.core.errors import XxgkError
from xxgk.core.textcheck import text_problems

__all__ = ["checked_text", "column", "field_problems", "refuse", "text_problems"]


def column(model: type[Model], name: str) -> tuple[str, int | None]:
    """The label (``verbose_name``) of the field ``name`` of ``model`` and its length limit (``max_length`` of a
    ``CharField``; ``None`` for a text without limit)."""
    field = model._meta.get_field(name)
    label = str(getattr(field, "verbose_name", name))
    return label, field.max_length if isinstance(field, CharField) else None


def field_problems(model: type[Model], values: Mapping[str, str], *, quoted: bool = False) -> list[str]:
    """:func:`text_problems` of each of ``values`` (a field of ``model`` → its text as it will be stored), labelled
    and limited by the field; ``quoted`` puts the label in 「」."""
    problems = []
    for name, text in values.items():
        label, limit = column(model, name)
        problems.extend(text_problems(text, f"「{label}」" if quoted else label, limit))
    return problems


def refuse(problems: Iterable[str], error: type[XxgkError]) -> None:
    """Raise ``error`` with every problem, joined by "；", when there is any."""
    message = "；".join(problems)
    if message:
        raise error(message)


def checked_text(
    value: str | None, label: str, limit: int | None, *, error: type[XxgkError], required: bool = False
) -> str:
    """``value`` stripped, or ``error`` when it is empty but ``required`` ("请填写…") or cannot be stored
    (:func:`text_problems`)."""
    text = (value or "").strip()
    if required and not text:
        raise error(f"请填写{label}")
    refuse(text_problems(text, label, limit), error)
    return text
