"""Checking one input of a batch, in a worker process: read, parse, run the rules, return a compact result.

An :class:`Outcome` holds what a summary needs (file, body, year, template, findings) and nothing else: no
report, no provenance of the cells, so that results stay small however large the batch is.
:func:`check_item` never raises.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from xxgk.batch.archive import ZipLimits
from xxgk.batch.fetch import FetchLimits
from xxgk.batch.inputs import Item
from xxgk.batch.load import Loaded, load_item
from xxgk.core.findings import Finding, Severity
from xxgk.core.model import Report
from xxgk.rules import check

SEVERITY_ZH = {Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.INFO: "提示"}

STATUS_OK = "通过"
STATUS_ERRORS = "有错误"
STATUS_UNREADABLE = "无法读取"


@dataclass(frozen=True)
class CheckOptions:
    """What to check. ``select``/``ignore`` hold rule codes and parser codes (``P…``) or their prefixes."""

    previous: Report | None = None
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    fetch: FetchLimits = field(default_factory=FetchLimits)
    zip: ZipLimits = field(default_factory=ZipLimits)

    @property
    def rule_select(self) -> list[str] | None:
        return [c for c in self.select if not c.startswith("P")] if self.select else None

    @property
    def rule_ignore(self) -> list[str] | None:
        return [c for c in self.ignore if not c.startswith("P")] if self.ignore else None

    @property
    def run_rules(self) -> bool:
        """Selecting only parser codes runs no rule."""
        return not self.select or bool(self.rule_select)

    def wants_parser_code(self, code: str) -> bool:
        if self.select and not any(code.startswith(s) for s in self.select):
            return False
        return not (self.ignore and any(code.startswith(i) for i in self.ignore))


@dataclass(frozen=True, slots=True)
class Outcome:
    """The compact result of checking one input."""

    source: str
    error: str | None = None
    format: str = ""
    body: str | None = None
    year: int | None = None
    #: Version of table 3 (the report's template), ``None`` when unreadable.
    template: str | None = None
    #: Per-table versions when the report prints tables of different versions (``(("s2", "2021"),)``).
    templates: tuple[tuple[str, str], ...] = ()
    findings: tuple[Finding, ...] = ()
    note: str | None = None

    @property
    def readable(self) -> bool:
        return self.error is None

    @property
    def counts(self) -> dict[Severity, int]:
        out = dict.fromkeys(Severity, 0)
        for f in self.findings:
            out[f.severity] += 1
        return out

    @property
    def has_errors(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.findings)

    @property
    def status(self) -> str:
        if self.error is not None:
            return STATUS_UNREADABLE
        return STATUS_ERRORS if self.has_errors else STATUS_OK

    @property
    def s2_template(self) -> str | None:
        return dict(self.templates).get("s2", self.template)

    @property
    def is_mixed(self) -> bool:
        return self.s2_template != self.template

    def describe(self) -> str:
        """``机关 2023年 模板2021`` (mixed templates: ``模板s2:2021/s3:2019``)."""
        if self.error is not None:
            return ""
        tmpl = self.template or "?"
        if self.is_mixed:
            tmpl = f"s2:{self.s2_template}/s3:{self.template}"
        year = f"{self.year}年" if self.year is not None else "年份未知"
        return f"{self.body or '机关未知'} {year} 模板{tmpl}"

    def to_dict(self) -> dict[str, Any]:
        """The ``xxgk check --format json`` document of this input."""
        doc: dict[str, Any] = {"source": self.source}
        if self.error is not None:
            doc["error"] = self.error
            return doc
        doc.update(
            {
                "format": self.format,
                "body": self.body,
                "year": self.year,
                "template": self.template,
                "counts": {s.value: n for s, n in self.counts.items()},
                "findings": [f.to_dict() for f in self.findings],
            }
        )
        if self.templates:
            doc["templates"] = dict(self.templates)
        if self.note:
            doc["note"] = self.note
        return doc


def check_loaded(loaded: Loaded, options: CheckOptions) -> Outcome:
    """Run the parser-finding filter and the rules on a loaded input."""
    report = loaded.report
    if report is None:
        return Outcome(source=loaded.source, error=loaded.error or "无法读取", note=loaded.note)
    findings = [f for f in loaded.parse_findings if options.wants_parser_code(f.code)]
    if options.run_rules:
        findings += check(report, previous=options.previous, select=options.rule_select, ignore=options.rule_ignore)
    return Outcome(
        source=loaded.source,
        format=loaded.format,
        body=report.body,
        year=report.year,
        template=report.template,
        templates=tuple(sorted(report.templates.items())),
        findings=tuple(findings),
        note=loaded.note,
    )


def check_item(item: Item, options: CheckOptions) -> Outcome:
    """Read and check one work item; any failure becomes an unreadable :class:`Outcome`, never an exception."""
    try:
        loaded = load_item(item, fetch_limits=options.fetch, zip_limits=options.zip)
        return check_loaded(loaded, options)
    except RecursionError:
        return Outcome(source=item.name, error="文档结构嵌套过深，无法检查 (nested too deeply)")
    except Exception as exc:  # a bug in one file's processing must not stop the batch
        return Outcome(source=item.name, error=f"检查时发生内部错误 (internal error): {type(exc).__name__}: {exc}")


def crashed(item: Item, reason: str) -> Outcome:
    """The outcome of an item whose worker process died (a crash in a native library, out of memory)."""
    return Outcome(source=item.name, error=f"处理此文件的进程异常退出 (worker crashed): {reason}")
