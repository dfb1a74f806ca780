"""Writes of the annual report's life: start a draft, edit the narratives, type over a cell (with a reason), upload
last year's published report, submit to the sign-off chain, decide a step, publish a version, start a correction,
and cache the rendered files of a version.

Every service takes keyword arguments, runs in one transaction with the report row locked, checks that the actor
may act (Http404 for a body they cannot see, PermissionDenied for a supervisor, who reads only) and writes an
audit event (codes 7xx) on the object ``("report", <report id>)``; the sign-off chain writes its own events on
``("report", "<report id>-v<n>")``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from xxgk.core.errors import ReportError, XxgkError
from xxgk.core.findings import Severity
from xxgk.core.model import NARRATIVE_SECTIONS, Report, coerce_value
from xxgk.core.signoff import Decision, Phase, SignoffError
from xxgk.render import render
from xxgk.web.audit.codes import AuditCode
from xxgk.web.audit.services import audit_record
from xxgk.web.cases.selectors import fees_collected
from xxgk.web.proactive.models import ChainKind
from xxgk.web.proactive.signoff_selectors import signoff_state
from xxgk.web.proactive.signoff_services import SubjectRef, signoff_decide, signoff_submit
from xxgk.web.reports.counting import report_template
from xxgk.web.reports.models import (
    AnnualReport,
    CellOverride,
    PreviousReportUpload,
    RenderFormat,
    ReportRendition,
    ReportState,
    ReportVersion,
)
from xxgk.web.reports.narrative import MAX_SECTION_CHARS, SECTIONS, clean_section, narrative_prefill
from xxgk.web.reports.selectors import (
    FIRST_YEAR,
    LAST_YEAR,
    OBJECT_TYPE,
    UPLOAD_OBJECT_TYPE,
    PreviousKind,
    overrides_active,
    previous_report,
    published_report,
    report_compute,
    report_title,
    report_working,
)
from xxgk.web.tenancy.models import Body, MemberRole
from xxgk.web.tenancy.selectors import NOT_FOUND, body_ids_visible, body_ids_working, roles_in_body
from xxgk.web.textguard import checked_text, refuse, text_problems

READ_ONLY = "您对该机关只有查看权限（上级机关监督），不能修改其年度报告"
DRAFTERS = frozenset({MemberRole.CLERK, MemberRole.REVIEWER, MemberRole.HEAD})
PUBLISHERS = frozenset({MemberRole.HEAD})

#: Formats rendered and cached when a version is published (every download format).
PUBLISH_FORMATS: tuple[str, ...] = tuple(f.value for f in RenderFormat)

#: Largest previous-year report accepted (a long PDF report is a few MB).
MAX_UPLOAD_BYTES = 20 * 2**20
MAX_REASON_CHARS = 1000
MAX_NOTE_CHARS = 2000


class ReportLifecycleError(XxgkError):
    """A move the report's state does not allow, or input the report cannot take (a Chinese message)."""

    default_message = "年度报告操作无效"


def _today(on: date | None) -> date:
    return timezone.localdate() if on is None else on


def _check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= min(LAST_YEAR, timezone.localdate().year):
        raise ReportLifecycleError(f"年度 {year} 超出范围（{FIRST_YEAR} 年至今年）")


def _require_working(actor: User, body_id: int, roles: Iterable[MemberRole], what: str) -> None:
    """Http404 for a body ``actor`` cannot see, PermissionDenied for a supervisor or a role that may not do
    ``what``."""
    if body_id not in body_ids_visible(user=actor):
        raise Http404(NOT_FOUND)
    if body_id not in body_ids_working(user=actor):
        raise PermissionDenied(READ_ONLY)
    allowed = set(roles)
    if not roles_in_body(user=actor, body_id=body_id) & allowed:
        names = "、".join(r.label for r in MemberRole if r in allowed)
        raise PermissionDenied(f"只有本机关的{names}可以{what}")


def _lock(actor: User, body_id: int, year: int, roles: Iterable[MemberRole], what: str) -> AnnualReport:
    _require_working(actor, body_id, roles, what)
    row = (
        AnnualReport.objects.select_for_update(of=("self",))
        .select_related("body")
        .filter(body_id=body_id, year=year)
        .first()
    )
    if row is None:
        raise ReportLifecycleError(f"尚未开始编制 {year} 年度报告")
    return row


def _require_state(annual: AnnualReport, *states: ReportState) -> None:
    if annual.state not in states:
        raise ReportLifecycleError(f"年度报告当前状态为“{annual.get_state_display()}”，不能进行此操作")


def _audit(
    code: AuditCode, actor: User, annual: AnnualReport, *, old: Any = None, new: Any = None, note: str = ""
) -> None:
    audit_record(
        code=code,
        actor=actor,
        body=annual.body,
        object_type=OBJECT_TYPE,
        object_id=annual.pk,
        old=old,
        new=new,
        note=note,
    )


# -- drafting ---------------------------------------------------------------------------------------------


def report_prefill(*, body: Body, year: int) -> dict[str, str]:
    """The narratives a new draft of ``body``'s report on ``year`` starts from: last year's text (the version
    published in xxgk, else the uploaded published report), the year's facts, this year's 信息处理费."""
    last = published_report(body_id=body.pk, year=year - 1)
    if last is None:
        previous = previous_report(body=body, year=year)
        last = previous.report if previous.kind is PreviousKind.UPLOADED else None
    computed = report_compute(body_id=body.pk, year=year, with_previous=False)
    statement = fees_collected(body_id=body.pk, year=year).statement
    return narrative_prefill(report=computed.report, last_year=last, fee_statement=statement)


def report_start(*, actor: User, body_id: int, year: int) -> AnnualReport:
    """Start drafting ``body_id``'s report on ``year`` (idempotent: an existing report is returned as it is).
    The narratives are prefilled (:func:`report_prefill`)."""
    _check_year(year)
    with transaction.atomic():
        _require_working(actor, body_id, DRAFTERS, "编制年度报告")
        existing = AnnualReport.objects.filter(body_id=body_id, year=year).select_related("body").first()
        if existing is not None:
            return existing
        body = Body.objects.get(pk=body_id)
        narrative = report_prefill(body=body, year=year)
        try:
            with transaction.atomic():
                annual = AnnualReport.objects.create(
                    body=body,
                    year=year,
                    template=report_template(year),
                    state=ReportState.DRAFTING,
                    narrative=narrative,
                    created_by=actor,
                )
        except IntegrityError:  # started by someone else meanwhile
            return AnnualReport.objects.select_related("body").get(body_id=body_id, year=year)
        _audit(AuditCode.REPORT_STARTED, actor, annual, new={"year": year, "template": annual.template})
    return annual


def report_narrative_save(*, actor: User, body_id: int, year: int, sections: Mapping[str, str]) -> AnnualReport:
    """Save the narrative sections given (keys of :data:`~xxgk.web.reports.narrative.SECTIONS`; plain text)."""
    unknown = [k for k in sections if k not in SECTIONS]
    if unknown:
        raise ReportLifecycleError(f"未知的文字部分：{'、'.join(unknown)}")
    with transaction.atomic():
        annual = _lock(actor, body_id, year, DRAFTERS, "编制年度报告")
        _require_state(annual, ReportState.DRAFTING)
        current = dict(annual.narrative or {})
        old: dict[str, str] = {}
        new: dict[str, str] = {}
        for key, raw in sections.items():
            text = clean_section(str(raw))
            refuse(text_problems(text, f"文字部分“{NARRATIVE_SECTIONS[key]}”", MAX_SECTION_CHARS), ReportLifecycleError)
            if text != (current.get(key) or ""):
                old[key], new[key] = current.get(key) or "", text
                current[key] = text
        if new:
            annual.narrative = current
            annual.save(update_fields=["narrative", "updated_at"])
            _audit(AuditCode.REPORT_NARRATIVE_SAVED, actor, annual, old=old, new=new)
    return annual


def _override_number(annual: AnnualReport, code: str, value: object) -> Decimal:
    spec = next((s for s in Report.empty(annual.template).specs if s.code == code), None)
    if spec is None:
        raise ReportLifecycleError(f"{code} 不是 {annual.year} 年度报告模板中的单元格")
    try:
        number = coerce_value(spec, value if not isinstance(value, str) else value.strip())
    except ReportError:
        kind = "数字（金额可带小数）" if spec.kind.value == "amount" else "整数"
        raise ReportLifecycleError(f"填报值应为{kind}") from None
    if number < 0:
        raise ReportLifecycleError("填报值不能为负数")
    try:
        return Decimal(number).quantize(Decimal("0.000001"))
    except InvalidOperation:
        raise ReportLifecycleError("填报值过大") from None


def _reason(reason: str, *, what: str = "修改理由") -> str:
    text = reason if isinstance(reason, str) else ""
    return checked_text(text, what, MAX_REASON_CHARS, error=ReportLifecycleError, required=True)


def _plain(value: Decimal | int | None) -> str | None:
    if value is None:
        return None
    return format(Decimal(value).normalize(), "f")


def report_override_set(*, actor: User, body_id: int, year: int, code: str, value: object, reason: str) -> CellOverride:
    """Type over cell ``code`` with ``value`` (a reason is required); the latest override of a code applies.
    The checks show it as a finding against the computed value."""
    text = _reason(reason)
    with transaction.atomic():
        annual = _lock(actor, body_id, year, DRAFTERS, "修改年度报告")
        _require_state(annual, ReportState.DRAFTING)
        number = _override_number(annual, code, value)
        active = overrides_active(annual=annual).get(code)
        computed = report_compute(body_id=body_id, year=year, with_previous=False).report.value(code)
        if active is not None and active.value == number:
            raise ReportLifecycleError("填报值与当前的手工修改相同")
        if active is None and computed is not None and Decimal(computed) == number:
            raise ReportLifecycleError("填报值与按登记数据计算的结果相同，无需手工修改")
        row = CellOverride.objects.create(report=annual, code=code, value=number, reason=text, created_by=actor)
        _audit(
            AuditCode.REPORT_CELL_OVERRIDDEN,
            actor,
            annual,
            old={"code": code, "value": _plain(active.value if active is not None else computed)},
            new={"code": code, "value": _plain(number), "computed": _plain(computed)},
            note=f"理由：{text}",
        )
        annual.save(update_fields=["updated_at"])
    return row


def report_override_remove(*, actor: User, body_id: int, year: int, code: str, reason: str = "") -> CellOverride:
    """Remove the override of ``code`` (an override row without value): the computed value applies again."""
    text = reason.strip() if isinstance(reason, str) and reason.strip() else "撤销手工修改，恢复计算值"
    text = _reason(text)
    with transaction.atomic():
        annual = _lock(actor, body_id, year, DRAFTERS, "修改年度报告")
        _require_state(annual, ReportState.DRAFTING)
        active = overrides_active(annual=annual).get(code)
        if active is None:
            raise ReportLifecycleError(f"{code} 没有手工修改")
        row = CellOverride.objects.create(report=annual, code=code, value=None, reason=text, created_by=actor)
        _audit(
            AuditCode.REPORT_OVERRIDE_REMOVED,
            actor,
            annual,
            old={"code": code, "value": _plain(active.value)},
            new={"code": code, "value": None},
            note=text,
        )
        annual.save(update_fields=["updated_at"])
    return row


def report_previous_upload(*, actor: User, body_id: int, year: int, filename: str, data: bytes) -> PreviousReportUpload:
    """Keep ``data``, the published report of ``body_id`` on ``year - 1`` (made outside xxgk), read by the engine's
    parsers for the cross-year checks of ``year``'s report. A file the parsers cannot read is kept too, with the
    reason (``parse_error``), so the page can say why it is not used."""
    from xxgk.ingest import parse_bytes

    _check_year(year)
    last = year - 1
    if last < FIRST_YEAR:
        raise ReportLifecycleError(f"{year} 年度报告没有可核对的上一年度统一格式年报（{FIRST_YEAR} 年度起）")
    if not data:
        raise ReportLifecycleError("上传的文件是空的")
    if len(data) > MAX_UPLOAD_BYTES:
        raise ReportLifecycleError(f"文件过大（超过 {MAX_UPLOAD_BYTES // 2**20} MB）")
    name = (filename or "上传的文件").strip()[:255]
    refuse(text_problems(name, "文件名"), ReportLifecycleError)
    report_json, error, findings = "", "", []
    try:
        result = parse_bytes(data, source=name)
    except XxgkError as exc:
        error = f"无法读取为年度报告：{getattr(exc, 'reason', None) or exc.message}"
    else:
        report = result.report
        findings = [f.to_dict() for f in result.findings]
        if report.year is None:
            report.year = last
            findings.append(
                {"code": "", "severity": Severity.INFO.value, "message": f"未识别出年度，按 {last} 年度处理"}
            )
        if report.year != last:
            error = f"上传的是 {report.year} 年度的年报，应为上一年度（{last} 年度）的年报"
        report_json = report.to_json()
    with transaction.atomic():
        _require_working(actor, body_id, DRAFTERS, "上传上一年度年报")
        row = PreviousReportUpload.objects.create(
            body_id=body_id,
            year=last,
            filename=name,
            data=data,
            sha256=hashlib.sha256(data).hexdigest(),
            size=len(data),
            report_json=report_json,
            parse_error=error,
            parse_findings=findings,
            uploaded_by=actor,
        )
        audit_record(
            code=AuditCode.REPORT_PREVIOUS_UPLOADED,
            actor=actor,
            body=row.body,
            object_type=UPLOAD_OBJECT_TYPE,
            object_id=row.pk,
            new={"year": last, "filename": name, "sha256": row.sha256, "parsed": row.parsed, "error": error},
        )
    return row


# -- approval ----------------------------------------------------------------------------------------------


def _subject(annual: AnnualReport, drafter: User) -> SubjectRef:
    title = report_title(body=annual.body, year=annual.year)
    if annual.draft_number > 1:
        title += f"（更正版，第{annual.draft_number}版）"
    return SubjectRef(
        type=OBJECT_TYPE,
        id=annual.signoff_subject_id,
        body=annual.body,
        drafter=drafter,
        title=title,
        chain_kind=ChainKind.ITEM,
    )


def report_submit(
    *, actor: User, body_id: int, year: int, change_note: str = "", at: datetime | None = None
) -> AnnualReport:
    """Freeze the draft and submit it to the body's sign-off chain. Refused while the checks find errors (warnings
    do not block), while a narrative section is empty, before the year is over, and for a correction without its
    change note."""
    note = change_note.strip() if isinstance(change_note, str) else ""
    with transaction.atomic():
        annual = _lock(actor, body_id, year, DRAFTERS, "提交年度报告")
        _require_state(annual, ReportState.DRAFTING)
        if year >= timezone.localdate().year:
            raise ReportLifecycleError(f"{year} 年尚未结束，不能提交该年度报告")
        if annual.draft_number > 1 and not note:
            raise ReportLifecycleError("更正版须填写更正说明（更正了什么、为什么更正）")
        refuse(text_problems(note, "更正说明", MAX_NOTE_CHARS), ReportLifecycleError)
        empty = [
            title for key, title in NARRATIVE_SECTIONS.items() if not (annual.narrative or {}).get(key, "").strip()
        ]
        if empty:
            raise ReportLifecycleError(f"请先填写文字部分：{'、'.join(empty)}")
        working = report_working(body=annual.body, year=year)
        errors = working.errors
        if errors:
            listed = "；".join(f"{f.code} {f.message}" for f in errors[:3])
            more = f"等 {len(errors)} 个" if len(errors) > 3 else ""
            raise ReportLifecycleError(f"检查发现错误{more}，改正后才能提交审批：{listed}")
        annual.submitted_json = working.report.to_json()
        annual.submitted_by = actor
        annual.submitted_at = timezone.now() if at is None else at
        annual.change_note = note
        annual.state = ReportState.UNDER_APPROVAL
        signoff_submit(actor=actor, subject=_subject(annual, actor), at=at, note=note)
        annual.save()
        _audit(
            AuditCode.REPORT_SUBMITTED,
            actor,
            annual,
            old={"state": ReportState.DRAFTING.value},
            new={
                "state": annual.state,
                "version": annual.draft_number,
                "warnings": len(working.warnings),
                "overrides": len(working.overrides),
            },
            note=note,
        )
    return annual


def report_decide(
    *,
    actor: User,
    body_id: int,
    year: int,
    step: str,
    decision: Decision | str,
    opinion: str = "",
    at: datetime | None = None,
) -> AnnualReport:
    """A reviewer decides the next step of the report's chain: a rejection returns the draft for editing, the last
    approval makes it ready to publish."""
    with transaction.atomic():
        annual = _lock(actor, body_id, year, MemberRole, "审批年度报告")
        if annual.state != ReportState.UNDER_APPROVAL:
            raise SignoffError(f"年度报告不在审批中（当前状态：{annual.get_state_display()}）")
        state = signoff_decide(
            actor=actor,
            subject_type=OBJECT_TYPE,
            subject_id=annual.signoff_subject_id,
            step=step,
            decision=decision,
            opinion=opinion,
            at=at,
        )
        old = annual.state
        if state.phase is Phase.DRAFT:
            annual.state = ReportState.DRAFTING
            annual.submitted_json = ""
            annual.save()
            _audit(
                AuditCode.REPORT_RETURNED, actor, annual, old={"state": old}, new={"state": annual.state}, note=opinion
            )
        elif state.phase is Phase.COMPLETE:
            annual.state = ReportState.APPROVED
            annual.save()
            _audit(AuditCode.REPORT_APPROVED, actor, annual, old={"state": old}, new={"state": annual.state})
    return annual


# -- publishing --------------------------------------------------------------------------------------------


def _store_rendition(version: ReportVersion, fmt: str, report: Report) -> ReportRendition:
    data = render(report, fmt)
    return ReportRendition.objects.create(
        version=version, fmt=fmt, data=data, sha256=hashlib.sha256(data).hexdigest(), size=len(data)
    )


def report_publish(*, actor: User, body_id: int, year: int, on: date | None = None) -> ReportVersion:
    """The head publishes the approved report: it is frozen as version N (the report as approved), rendered in
    every format (cached with their SHA-256), and listed on the public site."""
    day = _today(on)
    with transaction.atomic():
        annual = _lock(actor, body_id, year, PUBLISHERS, "发布年度报告")
        _require_state(annual, ReportState.APPROVED)
        state = signoff_state(subject_type=OBJECT_TYPE, subject_id=annual.signoff_subject_id)
        if state is None or not state.complete or state.completed_at is None:
            raise SignoffError("审批流程尚未全部完成，不能发布")
        if day > timezone.localdate():
            raise ReportLifecycleError("发布日期不能晚于今天")
        completed = timezone.localdate(state.completed_at)
        if day < completed:
            raise ReportLifecycleError(f"发布日期不能早于审批完成之日 {completed.isoformat()}")
        if not annual.submitted_json:  # pragma: no cover - set at every submission
            raise ReportLifecycleError("没有提交审批的报告")
        report = Report.from_json(annual.submitted_json)
        version = ReportVersion.objects.create(
            report=annual,
            number=annual.draft_number,
            report_json=annual.submitted_json,
            change_note=annual.change_note if annual.draft_number > 1 else "",
            published_by=actor,
            published_at=timezone.now(),
            published_on=day,
        )
        hashes = {fmt: _store_rendition(version, fmt, report).sha256 for fmt in PUBLISH_FORMATS}
        old = annual.state
        annual.state = ReportState.PUBLISHED
        annual.submitted_json = ""
        annual.save()
        _audit(
            AuditCode.REPORT_PUBLISHED,
            actor,
            annual,
            old={"state": old},
            new={"state": annual.state, "version": version.number, "published_on": day.isoformat(), "sha256": hashes},
            note=version.change_note,
        )
    return version


def report_correction_start(*, actor: User, body_id: int, year: int) -> AnnualReport:
    """Start a correction (更正) of the published report: a new draft, version N+1, whose narratives start from
    the latest version; it goes through the chain again and needs a change note."""
    with transaction.atomic():
        annual = _lock(actor, body_id, year, DRAFTERS, "编制年度报告更正版")
        _require_state(annual, ReportState.PUBLISHED)
        latest = annual.versions.order_by("-number").first()
        if latest is None:  # pragma: no cover - published reports have a version
            raise ReportLifecycleError("没有已发布的版本")
        annual.draft_number = latest.number + 1
        annual.narrative = dict(Report.from_json(latest.report_json).narrative)
        annual.change_note = ""
        annual.submitted_json = ""
        annual.state = ReportState.DRAFTING
        annual.save()
        _audit(
            AuditCode.REPORT_CORRECTION_STARTED,
            actor,
            annual,
            old={"state": ReportState.PUBLISHED.value, "version": latest.number},
            new={"state": annual.state, "version": annual.draft_number},
        )
    return annual


@dataclass(frozen=True)
class RenderedFile:
    data: bytes
    sha256: str
    fmt: str


def version_file(*, version: ReportVersion, fmt: str) -> RenderedFile:
    """Version ``version`` in ``fmt``: the file cached at publishing, rendered and cached again if missing. The
    caller has access-checked the version."""
    if fmt not in PUBLISH_FORMATS:
        raise Http404(NOT_FOUND)
    row = ReportRendition.objects.filter(version=version, fmt=fmt).first()
    if row is None:
        report = Report.from_json(version.report_json)
        try:
            with transaction.atomic():
                row = _store_rendition(version, fmt, report)
        except IntegrityError:  # rendered by a concurrent request
            row = ReportRendition.objects.get(version=version, fmt=fmt)
    return RenderedFile(data=bytes(row.data), sha256=row.sha256, fmt=fmt)
