"""Reading an uploaded published report with the report engine, and matching files to bodies (no database).

:func:`read_upload` turns the bytes of one file into a :class:`ReadReport` — the report, the parser's and the
rules' findings, and what the engine could not read — or raises :class:`UploadRejected` with a message (in the
request's language; the engine's own reasons inside it stay Chinese) that names the file and says what was
wrong. :func:`match_body` finds which subordinate body a file of a ZIP batch belongs to, by the body's code or
name in the file name, else by the body name printed in the report.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.utils.translation import gettext as _

from xxgk.batch.load import has_tables, looks_like_report_json
from xxgk.core.errors import XxgkError
from xxgk.core.findings import Finding, Severity
from xxgk.core.model import Report
from xxgk.rules import check
from xxgk.web.reports.counting import report_template

#: Largest report file accepted (a long PDF report is a few MB).
MAX_UPLOAD_BYTES = 20 * 2**20
#: Largest ZIP of many bodies' reports accepted: below the whole-request ceiling (``XXGK_MAX_REQUEST_MB``, 110 MB by
#: default, and nginx's ``client_max_body_size`` in deploy/), so the form's own clear error is what users see; a
#: province's reports go up in several ZIPs, or through the batch-check job.
MAX_ZIP_BYTES = 100 * 2**20
SIZE_LIMIT_TEXT = "20 MB"
ZIP_LIMIT_TEXT = "100 MB"

_SPACE = re.compile(r"[\s\u3000]+")
#: Endings of body names left out when matching (大渡口区八桥镇人民政府 is also 大渡口区八桥镇).
_NAME_ENDINGS = ("人民政府办公室", "人民政府", "办事处")
#: Keys shorter than this are not matched (a one-character key would match anything).
_MIN_KEY = 2


class UploadRejected(XxgkError):
    """An uploaded file cannot be taken as the body's published report; ``message`` says why (translated when
    raised: it is shown, never stored)."""


@dataclass
class ReadReport:
    """One file read by the engine."""

    filename: str
    data: bytes
    report: Report
    format: str
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.WARNING)

    def report_json(self) -> dict[str, Any]:
        """The report JSON to keep: without cell provenance (large, and not needed to sum or show)."""
        slim = self.report.copy()
        slim.cells = {code: replace(c, source=None) if c.source is not None else c for code, c in slim.cells.items()}
        slim.extra_rows = [replace(row, source=None) for row in slim.extra_rows]
        return slim.to_dict()


def _parse(data: bytes, filename: str) -> tuple[Report, str, list[Finding]]:
    from xxgk.ingest import parse_bytes

    if looks_like_report_json(data):
        try:
            return Report.from_json(data), "json", []
        except XxgkError as exc:
            raise UploadRejected(
                _("“%(file)s”不是有效的年报 JSON：%(reason)s") % {"file": filename, "reason": exc.message}
            ) from None
    try:
        result = parse_bytes(data, source=filename)
    except XxgkError as exc:
        reason = getattr(exc, "reason", None) or exc.message
        raise UploadRejected(
            _("“%(file)s”无法读取为年度报告：%(reason)s") % {"file": filename, "reason": reason}
        ) from None
    except RecursionError:
        raise UploadRejected(_("“%(file)s”无法读取为年度报告：文档结构嵌套过深") % {"file": filename}) from None
    return result.report, result.format, list(result.findings)


def read_upload(data: bytes, *, filename: str, year: int) -> ReadReport:
    """Read ``data`` (the file ``filename``) as the published report on ``year``; :class:`UploadRejected` when it
    is too large, unreadable, of another year or without table 3. A report that names no year is taken as
    ``year`` (said in the notes); a template version that is not the year's is accepted and noted (such a report
    is left out of the combined report, which sums one template only)."""
    filename = filename.strip() or "上传的文件"
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadRejected(
            _("“%(file)s”过大（%(size).1f MB），单个文件不超过 %(limit)s")
            % {"file": filename, "size": len(data) / 2**20, "limit": SIZE_LIMIT_TEXT}
        )
    report, fmt, parse_findings = _parse(data, filename)
    notes: list[str] = []
    if report.year is None:
        report.year = year
        notes.append(f"文件中未写明年度，按 {year} 年度处理")
    elif report.year != year:
        raise UploadRejected(
            _("“%(file)s”是 %(found)s 年度的年报，不是 %(year)s 年度的年报")
            % {"file": filename, "found": report.year, "year": year}
        )
    if not has_tables(report):
        raise UploadRejected(_("“%(file)s”中没有找到年报表三（收到和处理政府信息公开申请情况）") % {"file": filename})
    expected = report_template(year)
    if report.template != expected or report.template_of("s2") != expected:
        notes.append(
            f"该年报使用的模板（表二 {report.template_of('s2')} 版、表三 {report.template} 版）与 {year} 年度应使用的"
            f" {expected} 版不同，汇总时不计入"
        )
    unreadable = [f for f in parse_findings if f.severity is not Severity.INFO]
    if unreadable:
        notes.append(f"解析时有 {len(unreadable)} 处问题：" + "；".join(f.message for f in unreadable[:5]))
    findings = parse_findings + check(report)
    return ReadReport(filename=filename, data=data, report=report, format=fmt, findings=findings, notes=notes)


# -- matching files of a ZIP batch to bodies ---------------------------------------------------------


def normalize(text: str) -> str:
    return _SPACE.sub("", text).lower()


def name_keys(name: str, code: str) -> tuple[str, ...]:
    """The texts that identify a body in a file name or a printed body name: its code, its name, the name
    without 人民政府/办事处, and the part after the last 省/市/区/县 (八桥镇)."""
    keys = {normalize(code), normalize(name)}
    short = normalize(name)
    for ending in _NAME_ENDINGS:
        if short.endswith(ending) and len(short) > len(ending):
            short = short[: -len(ending)]
            break
    keys.add(short)
    tail = re.split(r"[省市区县]", short)[-1]
    if tail:
        keys.add(tail)
    return tuple(sorted((k for k in keys if len(k) >= _MIN_KEY), key=len, reverse=True))


@dataclass(frozen=True, slots=True)
class Candidate:
    """A body a file may belong to."""

    body_id: int
    name: str
    code: str


def match_body(texts: Sequence[str], candidates: Sequence[Candidate]) -> tuple[Candidate | None, str]:
    """The one body whose longest key occurs in the first of ``texts`` that matches any (file name, then
    printed body name); ``(None, reason)`` when none does or two match equally well (the reason translated)."""
    for text in texts:
        haystack = normalize(text)
        if not haystack:
            continue
        best: list[tuple[int, Candidate]] = []
        for candidate in candidates:
            length = max((len(k) for k in name_keys(candidate.name, candidate.code) if k in haystack), default=0)
            if length:
                best.append((length, candidate))
        if not best:
            continue
        top = max(length for length, _ in best)
        winners = [c for length, c in best if length == top]
        if len(winners) == 1:
            return winners[0], ""
        names = "、".join(c.name for c in winners[:4])
        return None, _("无法确定属于哪个机关（可能是：%(names)s）") % {"names": names}
    return None, _("文件名和文件内容都没有写明属于哪个下级机关（请在文件名中写上机关名称或代码）")
