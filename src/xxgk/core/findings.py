"""Findings: what a rule (or a parser) says about a report."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from xxgk.core.model import Source


class Severity(StrEnum):
    """How serious a finding is. ``ERROR``: the published table is wrong (or was misread);
    ``WARNING``: probably wrong or incomplete, but real reports break it legitimately;
    ``INFO``: worth knowing, not a defect."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 2, "warning": 1, "info": 0}[self.value]


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    severity: Severity
    message: str
    hint: str = ""
    cells: tuple[str, ...] = ()
    source: Source | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "hint": self.hint,
            "cells": list(self.cells),
        }
        if self.source is not None:
            out["source"] = self.source.describe()
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        return cls(
            code=str(data["code"]),
            severity=Severity(data["severity"]),
            message=str(data["message"]),
            hint=str(data.get("hint", "")),
            cells=tuple(data.get("cells", ())),
        )


def worst(findings: list[Finding] | tuple[Finding, ...]) -> Severity | None:
    """The highest severity among ``findings`` (``None`` when there are none)."""
    if not findings:
        return None
    return max((f.severity for f in findings), key=lambda s: s.rank)
