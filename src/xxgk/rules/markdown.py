"""The content of ``docs/rules.md``, generated from the rule registry (``python -m xxgk.rules.docs`` writes it)."""

from __future__ import annotations

import re

from xxgk.core.templates import TEMPLATE_VERSIONS
from xxgk.rules.registry import AREAS, RETIRED, Rule, all_rules

_SECTION = re.compile(r"^(Why|Example|Fix):", re.MULTILINE)

_SEVERITY_ZH = {"error": "error 错误", "warning": "warning 警告", "info": "info 提示"}

_INTRO = """\
# 检查规则 — the rules of `xxgk.rules`

<!-- Generated from the rule registry by `python -m xxgk.rules.docs`; do not edit by hand.
     tests/rules/test_docs.py fails when this file is stale. -->

Every rule is a small pure function registered with `@rule(...)` in `src/xxgk/rules/`. It has a stable code,
a severity, a one-line Chinese summary and hint, the template versions it applies to, and a docstring stating what
it checks, why (its basis in the template or the 条例), an example and the fix. Findings carry a concrete Chinese
message (which cells, which numbers) and the cell codes concerned (`Finding.cells`).

Severities:

- **error** — the published table is wrong (or was misread): an identity the template implies or prints fails,
  a count is negative, a cell of table 3/4 is blank, the template does not match the year.
- **warning** — probably wrong or incomplete, but real reports break it legitimately (plausibility bounds,
  narrative vs table, soft cross-year chains, table-2 blanks).
- **info** — worth knowing, not a defect.

**Unverifiable identities are said as such.** When a cell an identity needs is blank, unreadable or absent, the
rule does not skip it and never reads blank as 0: it emits one finding *under its own code* with severity
**warning** and the message `无法核对…：<cell>为空`. The blank cell itself is reported by B201/B202 (T006/T007 for
absent cells, B203 for unreadable ones).

**Selecting rules.** `check(report, select=..., ignore=...)` (CLI: `--select`, `--ignore`) accepts full codes
(`S301`) or prefixes (`S3`, `X`); an unknown code or prefix is an error. Cross-year rules (X6xx) run only when
the previous year's report is given (`previous=`, CLI `--previous`).

**Codes are stable.** They are grouped by area with reserved gaps and never reused; a retired code stays listed
below with the reason.
"""


def _templates(r: Rule) -> str:
    if tuple(r.templates) == TEMPLATE_VERSIONS:
        return "2019, 2021"
    table = "table 2" if r.table == "s2" else "table 3"
    return f"{', '.join(r.templates)} only ({table})"


def _doc_body(doc: str) -> str:
    return _SECTION.sub(lambda m: f"**{m.group(1)}:**", doc.strip())


def _rule_section(r: Rule) -> str:
    lines = [
        f"### {r.code} `{r.name}`",
        "",
        f"- **Severity:** {_SEVERITY_ZH[r.severity.value]}",
        f"- **Templates:** {_templates(r)}",
        f"- **Needs the previous report:** {'yes' if r.needs_previous else 'no'}",
        f"- **Summary:** {r.message}",
        f"- **Hint:** {r.hint}",
        "",
        _doc_body(r.doc),
        "",
    ]
    return "\n".join(lines)


def rules_markdown() -> str:
    """The content of ``docs/rules.md``, generated from the registry (deterministic)."""
    rules = all_rules()
    out = [
        _INTRO,
        "## Summary",
        "",
        "| code | name | severity | templates | needs previous | summary |",
        "|---|---|---|---|---|---|",
    ]
    ordered = [r for area in AREAS for r in rules if r.area == area]
    for r in ordered:
        prev = "yes" if r.needs_previous else ""
        out.append(f"| {r.code} | `{r.name}` | {r.severity.value} | {_templates(r)} | {prev} | {r.message} |")
    out.append("")
    for area, (title, description) in AREAS.items():
        members = [r for r in rules if r.area == area]
        if not members:
            continue
        out += [f"## {title}", "", f"{description[0].upper()}{description[1:]}.", ""]
        out += [_rule_section(r) for r in members]
    out += ["## Retired codes", ""]
    if RETIRED:
        out += [f"- **{code}** — {why}" for code, why in sorted(RETIRED.items())]
    else:
        out.append("None yet. Retired codes are listed here and never reused.")
    out.append("")
    return "\n".join(out)
