"""The one interface every renderer implements."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from xxgk.core.errors import RenderError
from xxgk.core.model import Report


class Renderer(Protocol):
    """Turns a report into the bytes of one file format.

    ``name`` is the format's key in ``RENDERERS`` (``"html"``), ``suffix`` the file-name suffix (``".html"``),
    ``media_type`` the HTTP content type. ``render`` is pure: the same report gives the same bytes.
    """

    @property
    def name(self) -> str: ...

    @property
    def suffix(self) -> str: ...

    @property
    def media_type(self) -> str: ...

    def render(self, report: Report) -> bytes: ...


@dataclass(frozen=True, slots=True)
class FunctionRenderer:
    """A renderer made of a pure ``Report -> bytes`` function and its format's names."""

    name: str
    suffix: str
    media_type: str
    function: Callable[[Report], bytes]

    def render(self, report: Report) -> bytes:
        check_renderable(report)
        return self.function(report)


def check_renderable(report: Report) -> None:
    """Refuse, with a clear message, what no renderer can write. Cell values need no check here: the model
    itself only admits ``int`` and finite ``Decimal`` values."""
    if not isinstance(report, Report):
        raise RenderError(f"只能输出年度报告（Report），收到的是 {type(report).__name__}")
