"""Free text that a database can store: one check and its Chinese messages, for the core and the web alike.

PostgreSQL refuses a text longer than its column and a NUL character in any text (in JSON too) with a database
error, not a message. Whatever stores text a user typed checks it here first and raises its own error class with
these messages::

    标题最多 300 个字（现有 301 个字）
    标题包含不可见的控制字符，请重新输入

Pure: the web layer adds the model-field lookups and the raising (:mod:`xxgk.web.textguard`).
"""

from __future__ import annotations


def text_problems(text: str, label: str, limit: int | None = None) -> list[str]:
    """A Chinese message for each reason ``text`` cannot be stored: longer than ``limit`` characters (no limit:
    ``None``), or holding a NUL character."""
    problems = []
    if limit is not None and len(text) > limit:
        problems.append(f"{label}最多 {limit} 个字（现有 {len(text)} 个字）")
    if "\x00" in text:
        problems.append(f"{label}包含不可见的控制字符，请重新输入")
    return problems
