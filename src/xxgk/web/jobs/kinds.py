"""The job kinds of xxgk. Each is idempotent: run again after a worker died, it skips the items it recorded and
replaces (never duplicates) its files.

* ``batch_check`` — published annual reports uploaded as files or ZIP archives, each read and checked with
  :mod:`xxgk.batch` (per-file results: the parsed cells and the findings), plus the summary workbook
  (``summary.xlsx``, sheets 报告 and 问题) built with :mod:`xxgk.batch.summary`.
* ``digest`` — the daily digest e-mails (:func:`xxgk.web.cases.digest.digest_send`).
* ``recompute_deadlines`` — open deadlines recomputed after a change of the working-day calendar.
* ``render_report`` — a report (its JSON in the parameters) rendered to DOCX/PDF/… (:func:`xxgk.render.render`).
* ``selftest`` — a queue self-test (``manage.py xxgk_jobs selftest``): items that sleep, optionally fail.
"""

from __future__ import annotations

import os
import re
import socket
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext_noop

from xxgk.web.jobs.models import FileRole, Job, JobFile
from xxgk.web.jobs.registry import JobError, job_kind
from xxgk.web.jobs.runner import Progress

if TYPE_CHECKING:
    from xxgk.batch.check import CheckOptions, Outcome
    from xxgk.batch.load import Loaded

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SUMMARY_NAME = "summary.xlsx"

# -- batch_check -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Unit:
    """One report to check: a plain upload, a member of an uploaded archive, or an input refused up front."""

    key: str
    label: str
    file_id: int
    member: int | None = None
    error: str | None = None


def _expand_inputs(
    files: list[JobFile], workdir: Path, data: Callable[[int], bytes]
) -> tuple[list[_Unit], dict[int, Path]]:
    """The units of work of the uploads, in upload order (archive members by name), and the archives written to
    ``workdir`` (ZIP members are read from a file, within the limits of :mod:`xxgk.batch.archive`)."""
    from xxgk.batch.archive import ArchiveError, is_archive_name, list_members
    from xxgk.batch.inputs import member_name

    units: list[_Unit] = []
    archives: dict[int, Path] = {}
    for upload in files:
        if not is_archive_name(upload.name):
            units.append(_Unit(key=f"f{upload.pk}", label=upload.name, file_id=upload.pk))
            continue
        path = workdir / f"{upload.pk}.zip"
        path.write_bytes(data(upload.pk))
        archives[upload.pk] = path
        try:
            listing = list_members(str(path))
        except ArchiveError as exc:
            units.append(_Unit(key=f"f{upload.pk}", label=upload.name, file_id=upload.pk, error=exc.reason))
            continue
        if not listing.members:
            why = "压缩包中没有报告文件（.txt .md .html .docx .doc .wps .pdf .json）"
            units.append(_Unit(key=f"f{upload.pk}", label=upload.name, file_id=upload.pk, error=why))
        for m in listing.members:
            units.append(
                _Unit(
                    key=f"f{upload.pk}:{m.index}",
                    label=member_name(upload.name, m.name),
                    file_id=upload.pk,
                    member=m.index,
                    error=m.error,
                )
            )
    return units, archives


def _load(unit: _Unit, data: Callable[[int], bytes], archives: dict[int, Path]) -> Loaded:
    from xxgk.batch.inputs import Item, Kind
    from xxgk.batch.load import Loaded, load_bytes, load_item

    if unit.error is not None:
        return Loaded(source=unit.label, error=unit.error)
    if unit.member is not None:
        return load_item(Item(unit.label, Kind.MEMBER, str(archives[unit.file_id]), unit.member))
    return load_bytes(data(unit.file_id), unit.label)


def _check(
    unit: _Unit, data: Callable[[int], bytes], archives: dict[int, Path], options: CheckOptions
) -> dict[str, Any]:
    """The JSON result of one unit: the outcome (findings with their provenance) and the parsed cells."""
    from xxgk.batch.check import Outcome, check_loaded

    cells: dict[str, Any] | None = None
    try:
        loaded = _load(unit, data, archives)
        outcome = check_loaded(loaded, options)
        if loaded.report is not None:
            cells = loaded.report.to_dict()["cells"]
    except RecursionError:
        outcome = Outcome(source=unit.label, error="文档结构嵌套过深，无法检查 (nested too deeply)")
    except Exception as exc:  # a bug in one file's processing must not stop the batch
        outcome = Outcome(source=unit.label, error=f"检查时发生内部错误 (internal error): {type(exc).__name__}: {exc}")
    return outcome_to_json(outcome, cells)


def outcome_to_json(outcome: Outcome, cells: dict[str, Any] | None = None) -> dict[str, Any]:
    """An outcome as stored on a job item (the inverse of :func:`outcome_from_json`), with the parsed cells."""
    from xxgk.core.findings import Severity

    counts = outcome.counts
    return {
        "source": outcome.source,
        "error": outcome.error,
        "format": outcome.format,
        "body": outcome.body,
        "year": outcome.year,
        "template": outcome.template,
        "templates": dict(outcome.templates),
        "note": outcome.note,
        "status": outcome.status,
        "counts": {s.value: counts[s] for s in Severity},
        "findings": [
            {
                "code": f.code,
                "severity": f.severity.value,
                "message": f.message,
                "hint": f.hint,
                "cells": list(f.cells),
                "source": f.source.to_dict() if f.source is not None else None,
            }
            for f in outcome.findings
        ],
        "cells": cells,
    }


def outcome_from_json(doc: dict[str, Any]) -> Outcome:
    from xxgk.batch.check import Outcome
    from xxgk.core.findings import Finding, Severity
    from xxgk.core.model import Source

    return Outcome(
        source=str(doc["source"]),
        error=doc.get("error"),
        format=str(doc.get("format") or ""),
        body=doc.get("body"),
        year=doc.get("year"),
        template=doc.get("template"),
        templates=tuple(sorted((doc.get("templates") or {}).items())),
        findings=tuple(
            Finding(
                code=str(f["code"]),
                severity=Severity(f["severity"]),
                message=str(f["message"]),
                hint=str(f.get("hint") or ""),
                cells=tuple(f.get("cells") or ()),
                source=Source.from_dict(f["source"]) if f.get("source") else None,
            )
            for f in doc.get("findings") or ()
        ),
        note=doc.get("note"),
    )


def summary_xlsx(outcomes: list[Outcome], workdir: Path) -> bytes:
    """The batch summary workbook of ``outcomes`` (in batch order)."""
    from xxgk.batch.summary import XlsxSummary

    path = workdir / SUMMARY_NAME
    writer = XlsxSummary(path)
    try:
        for outcome in outcomes:
            writer.add(outcome)
    except BaseException:
        writer.abort()
        raise
    writer.close()
    return path.read_bytes()


@job_kind("batch_check", label=gettext_noop("年报批量检查"), user_startable=True)
def batch_check(job: Job, progress: Progress) -> dict[str, Any]:
    from xxgk.batch.check import CheckOptions

    files = list(JobFile.objects.filter(job=job, role=FileRole.INPUT).order_by("id").defer("data"))
    if not files:
        raise JobError("没有上传文件")
    cache: dict[int, bytes] = {}

    def data(file_id: int) -> bytes:
        if file_id not in cache:
            cache.clear()  # one upload's bytes in memory at a time
            raw = JobFile.objects.filter(pk=file_id).values_list("data", flat=True).get()
            cache[file_id] = bytes(raw)
        return cache[file_id]

    options = CheckOptions()
    with tempfile.TemporaryDirectory(prefix=f"xxgk-job-{job.pk}-") as tmp:
        workdir = Path(tmp)
        units, archives = _expand_inputs(files, workdir, data)
        progress.set_total(len(units), f"共 {len(units)} 份报告，正在检查……")
        done = progress.done_keys()
        for position, unit in enumerate(units):
            if unit.key in done:
                continue
            result = _check(unit, data, archives, options)
            progress.item(
                unit.key,
                label=unit.label,
                ok=result["error"] is None,
                result=result,
                position=position,
                message=f"已检查：{unit.label}",
            )
        progress.note("正在生成汇总表……")
        outcomes = [
            outcome_from_json(doc)
            for doc in job.items.order_by("position", "id").values_list("result", flat=True)
            if isinstance(doc, dict)
        ]
        workbook = summary_xlsx(outcomes, workdir)
    summary = progress.file(SUMMARY_NAME, workbook, content_type=XLSX_CONTENT_TYPE)
    return {
        "reports": len(outcomes),
        "readable": sum(1 for o in outcomes if o.readable),
        "with_errors": sum(1 for o in outcomes if o.readable and o.has_errors),
        "unreadable": sum(1 for o in outcomes if not o.readable),
        "summary_file": summary.pk,
    }


# -- digest --------------------------------------------------------------------------------------------------------


@job_kind("digest", label=gettext_noop("到期提醒邮件"))
def digest(job: Job, progress: Progress) -> dict[str, Any]:
    from xxgk.web.cases.digest import digest_send

    params = job.params or {}
    try:
        on = date.fromisoformat(params["on"]) if params.get("on") else None
    except (TypeError, ValueError):
        raise JobError(f"日期格式应为 YYYY-MM-DD，收到 {params.get('on')!r}") from None
    days = params.get("days")
    result = digest_send(
        on=on,
        days=int(days) if days is not None else None,
        dry_run=bool(params.get("dry_run")),
        force=bool(params.get("force")),
    )
    out = {
        "on": result.on.isoformat(),
        "days": result.days,
        "dry_run": result.dry_run,
        "sent": [m.username for m in result.sent],
        "already_sent": result.already_sent,
        "no_email": result.no_email,
        "failed": [list(pair) for pair in result.failed],
    }
    progress.note(f"已发送 {len(result.sent)} 封，跳过 {len(result.already_sent)} 人，无邮箱 {len(result.no_email)} 人")
    if result.failed:
        names = "、".join(name for name, _ in result.failed)
        raise JobError(f"{len(result.failed)} 封提醒邮件发送失败：{names}", result=out)
    return out


def digest_key(on: date) -> str:
    """The idempotency key of the scheduled digest of ``on``: enqueued twice (two schedulers), it runs once."""
    return f"digest:{on.isoformat()}"


# -- recompute_deadlines ------------------------------------------------------------------------------------------


@job_kind("recompute_deadlines", label=gettext_noop("日历变更后重新计算期限"))
def recompute_deadlines(job: Job, progress: Progress) -> dict[str, Any]:
    """Recompute every open deadline under the calendar as it is now (a later change's job finds nothing left to
    do). The work and its item row commit together, so a rerun after a crash does not log it twice."""
    from xxgk.web.audit.codes import AuditCode
    from xxgk.web.audit.services import audit_record
    from xxgk.web.cases.services import case_deadlines_recompute
    from xxgk.web.proactive.services import item_deadlines_recompute
    from xxgk.web.workcalendar.selectors import calendar_get

    params = job.params or {}
    reason = str(params.get("reason") or "工作日日历变更")
    changes = list(params.get("changes") or [])
    progress.set_total(1, "正在重新计算办理中申请的期限……")
    if "recompute" in progress.done_keys():
        return {"cases_changed": 0, "items_changed": 0, "already_done": True}
    with transaction.atomic():
        calendar = calendar_get()
        changed = case_deadlines_recompute(actor=job.started_by, calendar=calendar, reason=reason)
        items_changed = item_deadlines_recompute(actor=job.started_by, calendar=calendar, reason=reason)
        audit_record(
            code=AuditCode.DEADLINES_RECOMPUTED,
            actor=job.started_by,
            object_type="calendar",
            new={"changes": changes, "cases_changed": changed, "items_changed": items_changed, "job": job.pk},
            note=f"日历变更后重新计算了 {changed} 件办理中申请的期限",
        )
        result = {"cases_changed": changed, "items_changed": items_changed}
        progress.item("recompute", label="重新计算期限", result=result, message=f"{changed} 件申请的期限已更新")
    return result


# -- render_report ------------------------------------------------------------------------------------------------

_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def safe_stem(name: str) -> str:
    """A file-name stem without path separators or characters Windows refuses."""
    stem = _UNSAFE_NAME.sub("_", name).strip(" ._")
    return stem[:120] or "report"


@job_kind("render_report", label=gettext_noop("生成年报文件"))
def render_report(job: Job, progress: Progress) -> dict[str, Any]:
    """Parameters: ``report`` (the report JSON document), ``formats`` (default ``["docx", "pdf"]``), optional
    ``filename`` (the stem of the files). One item and one result file per format."""
    from xxgk.core.errors import RenderError, ReportError
    from xxgk.core.model import Report
    from xxgk.render import get_renderer, render

    params = job.params or {}
    try:
        report = Report.from_dict(params.get("report"))
    except ReportError as exc:
        raise JobError(f"报告数据无效：{exc.message}") from None
    try:
        renderers = [get_renderer(str(fmt)) for fmt in params.get("formats") or ("docx", "pdf")]
    except RenderError as exc:
        raise JobError(exc.message) from None
    default = f"{report.body or '报告'}{report.year or ''}年政府信息公开工作年度报告"
    stem = safe_stem(str(params.get("filename") or default))
    progress.set_total(len(renderers), "正在生成……")
    done = progress.done_keys()
    files: list[dict[str, Any]] = []
    for position, renderer in enumerate(renderers):
        name = f"{stem}{renderer.suffix}"
        if renderer.name not in done:
            try:
                data = render(report, renderer.name)
            except RenderError as exc:
                raise JobError(exc.message) from None
            with transaction.atomic():
                stored = progress.file(name, data, content_type=renderer.media_type)
                progress.item(
                    renderer.name,
                    label=name,
                    result={"file_id": stored.pk, "name": name, "format": renderer.name, "size": len(data)},
                    position=position,
                    message=f"已生成 {name}",
                )
        found = JobFile.objects.filter(job=job, role=FileRole.OUTPUT, name=name).defer("data").first()
        if found is not None:
            files.append({"file_id": found.pk, "name": name, "format": renderer.name, "size": found.size})
    return {"files": files}


# -- selftest -----------------------------------------------------------------------------------------------------


@job_kind("selftest", label=gettext_noop("队列自检"))
def selftest(job: Job, progress: Progress) -> dict[str, Any]:
    """Parameters: ``items`` (default 5), ``seconds`` per item (default 0), ``fail_at`` (an item index at which
    the job fails with a user error), ``crash_at`` (… raises an unexpected exception)."""
    params = job.params or {}
    count = max(0, min(int(params.get("items", 5)), 10_000))
    seconds = max(0.0, min(float(params.get("seconds", 0)), 60.0))
    fail_at = params.get("fail_at")
    crash_at = params.get("crash_at")
    progress.set_total(count, "自检中……")
    done = progress.done_keys()
    for i in range(count):
        key = f"{i:05d}"
        if key in done:
            continue
        if seconds:
            time.sleep(seconds)
        if fail_at is not None and i == int(fail_at):
            raise JobError(f"自检任务按要求在第 {i + 1} 项失败")
        if crash_at is not None and i == int(crash_at):
            raise RuntimeError(f"selftest crash at item {i}")
        progress.item(
            key,
            label=f"第 {i + 1} 项",
            result={"host": socket.gethostname(), "pid": os.getpid()},
            position=i,
        )
    return {"items": count}
