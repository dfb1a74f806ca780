"""The checks: a registry of small pure rules over an annual report (Django system checks / ruff style).

Public API (the CLI and the web layer use exactly this)::

    all_rules() -> list[Rule]                 # sorted by code
    get_rule(code) -> Rule                    # ReportError for unknown codes
    check(report, *, previous=None, select=None, ignore=None) -> list[Finding]
    rules_markdown() -> str                   # the content of docs/rules.md

Codes are grouped by area with reserved gaps and never reused: T0xx structure, V1xx value types,
B2xx blanks, S2xx table 2, S3xx table 3, S4xx table 4, N5xx narrative vs tables, X6xx cross-year.
``python -m xxgk.rules.docs`` regenerates ``docs/rules.md``.
"""

from __future__ import annotations

# Importing the rule modules registers their rules.
from xxgk.rules import blanks, crossyear, narrative, structure, table2, table3, table4, values
from xxgk.rules.markdown import rules_markdown
from xxgk.rules.registry import (
    AREAS,
    RETIRED,
    CheckContext,
    Issue,
    Rule,
    all_rules,
    check,
    get_rule,
    rule,
    select_rules,
)

__all__ = [
    "AREAS",
    "RETIRED",
    "CheckContext",
    "Issue",
    "Rule",
    "all_rules",
    "blanks",
    "check",
    "crossyear",
    "get_rule",
    "narrative",
    "rule",
    "rules_markdown",
    "select_rules",
    "structure",
    "table2",
    "table3",
    "table4",
    "values",
]
