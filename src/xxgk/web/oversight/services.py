"""Writes of the oversight app: the published reports of subordinate bodies that do not use xxgk, uploaded by
the supervising body's office (one file, or a ZIP of many bodies' files), and their withdrawal.

Who: the role 管理员 or 审核人 in a body above the report's body (see :mod:`xxgk.web.oversight.selectors`).
Every service reads the file with the report engine first (nothing is written when it cannot be read), then
writes in one transaction: the body's current upload for the year, if any, is ended (replaced) and the new one
added with its digest (:mod:`xxgk.web.oversight.digest`), with an audit event. Rows are never deleted.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from xxgk.batch.archive import ArchiveError, ZipLimits, list_members, read_member
from xxgk.core.model import Report
from xxgk.web.audit.codes import AuditCode
from xxgk.web.audit.services import audit_record
from xxgk.web.oversight import published as lifecycle
from xxgk.web.oversight.digests import digest_save
from xxgk.web.oversight.models import EndReason, ExternalReport
from xxgk.web.oversight.published import PublishedVersion
from xxgk.web.oversight.selectors import (
    UPLOAD_DENIED,
    Tree,
    check_year,
    user_can_upload,
    user_can_upload_for,
)
from xxgk.web.oversight.uploads import (
    MAX_ZIP_BYTES,
    ZIP_LIMIT_TEXT,
    Candidate,
    ReadReport,
    UploadRejected,
    match_body,
    read_upload,
)
from xxgk.web.tenancy.models import Body
from xxgk.web.tenancy.selectors import NOT_FOUND, body_ids_visible

OBJECT_TYPE = "external_report"


def _target(actor: User, body_id: int, tree: Tree) -> None:
    """``body_id`` must be visible to ``actor`` (else 404) and ``actor`` must hold an upload role above it."""
    if body_id not in body_ids_visible(user=actor) or body_id not in tree.bodies:
        raise Http404(NOT_FOUND)
    if not user_can_upload_for(user=actor, body_id=body_id, tree=tree):
        raise PermissionDenied(_(UPLOAD_DENIED))


def _published_message(name: str, year: int, mine: PublishedVersion) -> str:
    if mine.version:
        return _(
            "%(name)s已在本系统发布 %(year)s 年度报告（第%(version)s版），汇总使用系统内发布的版本，无需导入外部文件"
        ) % {"name": name, "year": year, "version": mine.version}
    return _("%(name)s已在本系统发布 %(year)s 年度报告，汇总使用系统内发布的版本，无需导入外部文件") % {
        "name": name,
        "year": year,
    }


def _already_published(body_id: int, year: int, name: str) -> None:
    mine = lifecycle.published_versions(body_ids=[body_id], years=[year]).get((body_id, year))
    if mine is not None:
        raise UploadRejected(_published_message(name, year, mine))


def _snapshot(row: ExternalReport) -> dict[str, object]:
    return {
        "id": row.pk,
        "filename": row.filename,
        "sha256": row.sha256,
        "size": row.size,
        "format": row.format,
        "errors": row.errors,
        "warnings": row.warnings,
        "published_on": row.published_on.isoformat() if row.published_on else None,
    }


def _name_note(read: ReadReport, body: Body) -> None:
    """Note (not refuse: printed names vary) a report whose printed body name is not the body's."""
    printed = (read.report.body or "").strip()
    if not printed:
        return
    found, _why = match_body([printed], [Candidate(body.pk, body.name, body.code)])
    if found is None:
        read.notes.append(f"文件中的机关名称“{printed}”与所选机关“{body.name}”不一致，请核对是否上传错了文件")


def _save(
    *, actor: User, body_id: int, year: int, read: ReadReport, published_on: date | None, note: str
) -> ExternalReport:
    """End the current upload of ``(body_id, year)`` and add ``read`` (inside the caller's transaction)."""
    _name_note(read, Body.objects.get(pk=body_id))
    now = timezone.now()
    old = list(ExternalReport.objects.select_for_update().filter(body_id=body_id, year=year, current=True))
    for row in old:
        row.current = False
        row.ended_at = now
        row.ended_by = actor
        row.ended_reason = EndReason.REPLACED
        row.save(update_fields=["current", "ended_at", "ended_by", "ended_reason"])
    report = read.report
    stored = read.report_json()
    row = ExternalReport.objects.create(
        body_id=body_id,
        year=year,
        filename=read.filename[:255],
        content=read.data,
        size=len(read.data),
        sha256=read.sha256,
        format=read.format,
        report_json=stored,
        template=report.template,
        s2_template=report.template_of("s2"),
        printed_body=(report.body or "")[:300],
        findings=[f.to_dict() for f in read.findings],
        errors=read.errors,
        warnings=read.warnings,
        parse_notes="\n".join(read.notes),
        published_on=published_on,
        note=note,
        uploaded_by=actor,
        uploaded_at=now,
    )
    digest_save(source="external", pk=row.pk, report=Report.from_dict(stored))  # what the pages will read back
    audit_record(
        code=AuditCode.OVERSIGHT_EXTERNAL_UPLOADED,
        actor=actor,
        body=row.body,
        object_type=OBJECT_TYPE,
        object_id=row.pk,
        old=_snapshot(old[0]) if old else None,
        new=_snapshot(row),
        note=f"{year} 年度",
    )
    return row


def external_report_upload(
    *,
    actor: User,
    body_id: int,
    year: int,
    filename: str,
    data: bytes,
    published_on: date | None = None,
    note: str = "",
) -> ExternalReport:
    """Upload the published report of ``body_id`` on ``year`` (replacing the current upload, if any).
    :class:`UploadRejected` when the file cannot be taken (unreadable, another year, no table 3, too large) or
    the body published its report in xxgk; nothing is written then."""
    check_year(year)
    tree = Tree.load()
    _target(actor, body_id, tree)
    name = tree.bodies[body_id].name
    _already_published(body_id, year, name)
    if published_on is not None and published_on < date(year, 1, 1):
        raise UploadRejected(
            _("公开日期 %(date)s 早于 %(year)s 年，请核对") % {"date": published_on.isoformat(), "year": year}
        )
    read = read_upload(data, filename=filename, year=year)
    with transaction.atomic():
        return _save(actor=actor, body_id=body_id, year=year, read=read, published_on=published_on, note=note.strip())


def external_report_withdraw(*, actor: User, report_id: int, reason: str) -> ExternalReport:
    """End the current upload ``report_id`` without a successor (uploaded for the wrong body, say)."""
    reason = reason.strip()
    if not reason:
        raise UploadRejected(_("请填写撤销原因"))
    with transaction.atomic():
        row = ExternalReport.objects.select_for_update().filter(pk=report_id).defer("content").first()
        if row is None or row.body_id not in body_ids_visible(user=actor):
            raise Http404(NOT_FOUND)
        _target(actor, row.body_id, Tree.load())
        if not row.current:
            raise UploadRejected(_("该文件已不是当前有效的版本，无需撤销"))
        row.current = False
        row.ended_at = timezone.now()
        row.ended_by = actor
        row.ended_reason = EndReason.WITHDRAWN
        row.save(update_fields=["current", "ended_at", "ended_by", "ended_reason"])
        audit_record(
            code=AuditCode.OVERSIGHT_EXTERNAL_WITHDRAWN,
            actor=actor,
            body=row.body,
            object_type=OBJECT_TYPE,
            object_id=row.pk,
            old=_snapshot(row),
            note=reason,
        )
    return row


# -- a ZIP of many bodies' reports ---------------------------------------------------------------------


@dataclass
class ZipImport:
    """What a ZIP import did: the uploads saved, and every member that was not, with the reason."""

    saved: list[ExternalReport] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)
    ignored: int = 0


def external_reports_import_zip(*, actor: User, supervisor_id: int, year: int, filename: str, data: bytes) -> ZipImport:
    """Upload the published reports of many bodies below ``supervisor_id`` from one ZIP archive: each report
    file is matched to a body by the body's name or code in the file name (else by the body name printed in
    the report) and read like a single upload. The files read and matched are saved together (one
    transaction); the others are listed with the reason. The archive is read in memory within the batch
    limits (:class:`~xxgk.batch.archive.ZipLimits`: member count, sizes, compression ratio)."""
    check_year(year)
    tree = Tree.load()
    if supervisor_id not in body_ids_visible(user=actor) or not tree.has_children(supervisor_id):
        raise Http404(NOT_FOUND)
    if not user_can_upload(user=actor, supervisor_id=supervisor_id, tree=tree):
        raise PermissionDenied(_(UPLOAD_DENIED))
    name = filename.strip() or "上传的压缩包"
    if len(data) > MAX_ZIP_BYTES:
        raise UploadRejected(
            _("“%(file)s”过大（%(size).1f MB），压缩包不超过 %(limit)s")
            % {"file": name, "size": len(data) / 2**20, "limit": ZIP_LIMIT_TEXT}
        )
    candidates = [
        Candidate(pk, tree.bodies[pk].name, tree.bodies[pk].code) for pk, _depth in tree.descendants(supervisor_id)
    ]
    result = ZipImport()
    matched: dict[int, list[tuple[str, ReadReport]]] = {}
    limits = ZipLimits()
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "upload.zip")
        Path(path).write_bytes(data)
        try:
            listing = list_members(path, limits)
        except ArchiveError as exc:
            raise UploadRejected(_("“%(file)s”无法打开：%(reason)s") % {"file": name, "reason": exc.reason}) from None
        result.ignored = listing.ignored
        for member in listing.members:
            if member.error is not None:
                result.problems.append((member.name, member.error))
                continue
            base = member.name.rsplit("/", 1)[-1]
            try:
                content = read_member(path, member.index, limits)
                read = read_upload(content, filename=base, year=year)
            except ArchiveError as exc:
                result.problems.append((member.name, exc.reason))
                continue
            except UploadRejected as exc:
                result.problems.append((member.name, exc.message))
                continue
            body, why = match_body([member.name, read.report.body or ""], candidates)
            if body is None:
                result.problems.append((member.name, why))
                continue
            matched.setdefault(body.body_id, []).append((member.name, read))
    if not listing.members:
        raise UploadRejected(_("“%(file)s”中没有年报文件（.txt .html .docx .doc .pdf .json）") % {"file": name})
    to_save: list[tuple[int, ReadReport]] = []
    already = lifecycle.published_versions(body_ids=list(matched), years=[year])
    for body_id, files in matched.items():
        body_name = tree.bodies[body_id].name
        if len(files) > 1:
            names = "、".join(n for n, _ in files)
            for member_name, _read in files:
                result.problems.append(
                    (
                        member_name,
                        _("%(name)s有多个文件（%(files)s），请只保留一个") % {"name": body_name, "files": names},
                    )
                )
            continue
        if not user_can_upload_for(user=actor, body_id=body_id, tree=tree):  # pragma: no cover - below the supervisor
            result.problems.append((files[0][0], _(UPLOAD_DENIED)))
            continue
        if (body_id, year) in already:
            result.problems.append((files[0][0], _published_message(body_name, year, already[body_id, year])))
            continue
        to_save.append((body_id, files[0][1]))
    if to_save:
        with transaction.atomic():
            for body_id, read in to_save:
                result.saved.append(
                    _save(
                        actor=actor, body_id=body_id, year=year, read=read, published_on=None, note=f"批量导入：{name}"
                    )
                )
            audit_record(
                code=AuditCode.OVERSIGHT_EXTERNAL_ZIP_IMPORTED,
                actor=actor,
                body=tree.bodies[supervisor_id],
                object_type="external_report_zip",
                object_id=supervisor_id,
                new={"file": name, "saved": [r.pk for r in result.saved], "problems": len(result.problems)},
                note=f"{year} 年度",
            )
    return result
