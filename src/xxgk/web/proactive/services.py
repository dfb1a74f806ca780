"""Writes of proactive disclosure: items (draft → 保密审查 → approved → published / withdrawn), attachments,
依申请转主动, the catalogue settings and the disclosure guide.

Every service runs in one transaction, locks what it changes (scoped to the actor's bodies: Http404 for another
body's object, PermissionDenied for a supervising body), validates through the pure core
(:mod:`xxgk.core.proactive`, :mod:`xxgk.core.signoff`; their errors are Chinese :class:`~xxgk.core.errors.XxgkError`
messages) and appends an audit event.

Index numbers (索引号) are assigned **at publication**: the public catalogue then has no gaps (a draft that is
rejected or withdrawn never consumes a number) and numbers follow the order in which the catalogue grows; the
year in the number is the year of publication. The body's :class:`~xxgk.web.proactive.models.CatalogueSettings`
row is locked (``select_for_update``) while the next number is taken, so concurrent publications get distinct,
consecutive numbers; the unique constraint on (body, index number) backs this up.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from xxgk.core.calendar import WorkCalendar
from xxgk.core.outcomes import Channel, OutcomeGroup
from xxgk.core.outcomes import Outcome as CoreOutcome
from xxgk.core.proactive import (
    OTHER_CATEGORY,
    Attribute,
    ProactiveError,
    category,
    check_attribute,
    format_index,
    parse_pattern,
    publish_deadline,
)
from xxgk.core.signoff import Decision, Phase, SignoffError
from xxgk.web.audit.codes import AuditCode
from xxgk.web.audit.services import audit_record
from xxgk.web.cases.models import Case
from xxgk.web.cases.selectors import access_case_by_id
from xxgk.web.proactive.attachments import check_file
from xxgk.web.proactive.models import (
    UNPUBLISHED_STATUSES,
    CatalogueSettings,
    DisclosureGuide,
    ItemAttachment,
    ItemStatus,
    ProactiveItem,
)
from xxgk.web.proactive.selectors import (
    BASIC_CHANNELS,
    OBJECT_TYPE,
    access_body_for_settings,
    access_item_for_update,
    body_categories,
)
from xxgk.web.proactive.signoff_selectors import signoff_state
from xxgk.web.proactive.signoff_services import SubjectRef, signoff_decide, signoff_submit
from xxgk.web.tenancy.models import Body, MemberRole
from xxgk.web.tenancy.selectors import NOT_FOUND, body_ids_visible, body_ids_working, roles_in_body
from xxgk.web.textguard import checked_text
from xxgk.web.workcalendar.selectors import calendar_get

SETTINGS_OBJECT_TYPE = "catalogue_settings"
GUIDE_OBJECT_TYPE = "disclosure_guide"
SETTINGS_EDITORS = (MemberRole.HEAD, MemberRole.ADMIN)
GUIDE_EDITORS = (MemberRole.CLERK, MemberRole.HEAD, MemberRole.ADMIN)
PUBLISHERS = (MemberRole.CLERK, MemberRole.HEAD)
WITHDRAWERS = (MemberRole.CLERK, MemberRole.HEAD, MemberRole.ADMIN)
ONLY_DRAFTER = "只有起草人可以修改或提交该信息"
#: Outcomes whose information may be turned into a proactive item (Art 44): information was provided.
CONVERTIBLE_GROUPS = (OutcomeGroup.GRANTED, OutcomeGroup.PARTIAL)


@dataclass(frozen=True)
class ItemData:
    """The editable fields of an item."""

    category: str
    title: str
    formed_on: date
    attribute: str = Attribute.PUBLIC.value
    doc_number: str = ""
    issuer: str = ""
    withholding_ground: str = ""
    attribute_reason: str = ""
    summary: str = ""
    content: str = ""
    important: bool = False


@dataclass(frozen=True)
class GuideData:
    office_name: str
    address: str
    office_hours: str
    phone: str
    postcode: str = ""
    fax: str = ""
    email: str = ""
    accepted_channels: tuple[str, ...] = field(default=BASIC_CHANNELS)
    online_portal: bool = True
    classification: str = ""
    proactive_access: str = ""
    application_guide: str = ""
    fees: str = ""
    remedies: str = ""


def _today(on: date | None) -> date:
    return timezone.localdate() if on is None else on


def _d(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _snapshot(item: ProactiveItem) -> dict[str, Any]:
    return {
        "status": item.status,
        "category": item.category,
        "title": item.title,
        "doc_number": item.doc_number,
        "issuer": item.issuer,
        "formed_on": _d(item.formed_on),
        "attribute": item.attribute,
        "withholding_ground": item.withholding_ground,
        "attribute_reason": item.attribute_reason,
        "summary": item.summary,
        "content": item.content,
        "important": item.important,
        "publish_due": _d(item.publish_due),
        "published_on": _d(item.published_on),
        "index_number": item.index_number,
    }


def _audit(
    code: AuditCode, actor: User, item: ProactiveItem, *, old: Any = None, new: Any = None, note: str = ""
) -> None:
    audit_record(
        code=code, actor=actor, body=item.body, object_type=OBJECT_TYPE, object_id=item.pk, old=old, new=new, note=note
    )


def _require_roles(actor: User, body_id: int, roles: tuple[MemberRole, ...], what: str) -> set[MemberRole]:
    held = roles_in_body(user=actor, body_id=body_id)
    if not held & set(roles):
        labels = "、".join(r.label for r in roles)
        raise PermissionDenied(f"{what}须由本机关的{labels}操作")
    return held


def _working_body(actor: User, body_id: int) -> Body:
    """The body ``actor`` writes in: Http404 when they cannot see it, PermissionDenied when only supervising."""
    if body_id not in body_ids_visible(user=actor):
        raise Http404(NOT_FOUND)
    if body_id not in body_ids_working(user=actor):
        raise PermissionDenied("您对该机关只有查看权限（上级机关监督），不能修改")
    return Body.objects.get(pk=body_id)


def _check_text(value: str, label: str, limit: int, *, required: bool = False) -> str:
    """``value`` stripped; :class:`ProactiveError` when it is required and empty, too long or holds a NUL
    character."""
    return checked_text(value, label, limit, error=ProactiveError, required=required)


def _apply(item: ProactiveItem, body: Body, data: ItemData, calendar: WorkCalendar) -> None:
    """Validate ``data`` for ``body`` and copy it onto ``item`` (not saved)."""
    cat = category(data.category)
    if cat not in body_categories(body):
        raise ProactiveError(f"类别“{cat.label}”（{cat.article}）不适用于{body.name}")
    if not isinstance(data.formed_on, date):
        raise ProactiveError("请填写形成或变更日期")
    if data.formed_on > timezone.localdate():
        raise ProactiveError("形成或变更日期不能晚于今天")
    ground = data.withholding_ground or ""
    check_attribute(data.attribute, ground or None, data.attribute_reason)
    item.category = cat.code
    item.title = _check_text(data.title, "标题", 300, required=True)
    item.doc_number = _check_text(data.doc_number, "文号", 100)
    item.issuer = _check_text(data.issuer, "发布机构", 200) or body.name
    item.formed_on = data.formed_on
    item.attribute = Attribute(data.attribute).value
    item.withholding_ground = ground
    item.attribute_reason = _check_text(data.attribute_reason, "理由", 2000)
    item.summary = _check_text(data.summary, "内容概述", 2000)
    item.content = _check_text(data.content, "正文", 200_000)
    item.important = bool(data.important)
    _refresh_due(item, calendar)


def _refresh_due(item: ProactiveItem, calendar: WorkCalendar) -> None:
    if item.attribute == Attribute.PUBLIC.value:
        deadline = publish_deadline(item.formed_on, calendar)
        item.publish_due, item.due_provisional = deadline.due, deadline.provisional
    else:
        item.publish_due, item.due_provisional = None, False


# -- items -----------------------------------------------------------------------------------------------


def item_create(*, actor: User, body_id: int, data: ItemData) -> ProactiveItem:
    """A new draft in ``body_id``; the actor (a 经办人 there) becomes its drafter."""
    with transaction.atomic():
        body = _working_body(actor, body_id)
        _require_roles(actor, body_id, (MemberRole.CLERK,), "起草主动公开信息")
        item = ProactiveItem(body=body, drafter=actor, status=ItemStatus.DRAFT)
        _apply(item, body, data, calendar_get())
        item.save()
        _audit(AuditCode.PROACTIVE_ITEM_CREATED, actor, item, new=_snapshot(item))
    return item


def _lock_draft(actor: User, item_id: int) -> ProactiveItem:
    item = access_item_for_update(actor, item_id)
    if item.status != ItemStatus.DRAFT:
        raise ProactiveError(f"只有草稿（含退回修改的）可以修改，当前状态：{item.get_status_display()}")
    if item.drafter_id != actor.pk:
        raise PermissionDenied(ONLY_DRAFTER)
    return item


def item_update(*, actor: User, item_id: int, data: ItemData) -> ProactiveItem:
    with transaction.atomic():
        item = _lock_draft(actor, item_id)
        old = _snapshot(item)
        _apply(item, item.body, data, calendar_get())
        item.save()
        new = _snapshot(item)
        if new != old:
            changed = [k for k in new if new[k] != old[k]]
            _audit(
                AuditCode.PROACTIVE_ITEM_EDITED,
                actor,
                item,
                old={k: old[k] for k in changed},
                new={k: new[k] for k in changed},
            )
    return item


def item_attach(*, actor: User, item_id: int, name: str, data: bytes) -> ItemAttachment:
    """Add a file to a draft (limits and type checks: :func:`xxgk.web.proactive.attachments.check_file`)."""
    with transaction.atomic():
        item = _lock_draft(actor, item_id)
        checked = check_file(name, data, existing=item.attachments.count())
        attachment = ItemAttachment.objects.create(
            item=item,
            name=checked.name,
            content_type=checked.content_type,
            size=len(checked.data),
            sha256=hashlib.sha256(checked.data).hexdigest(),
            data=checked.data,
            uploaded_by=actor,
        )
        _audit(
            AuditCode.PROACTIVE_ATTACHMENT_ADDED,
            actor,
            item,
            new={"name": attachment.name, "size": attachment.size, "sha256": attachment.sha256},
        )
    return attachment


def item_detach(*, actor: User, item_id: int, attachment_id: int) -> None:
    with transaction.atomic():
        item = _lock_draft(actor, item_id)
        attachment = item.attachments.filter(pk=attachment_id).defer("data").first()
        if attachment is None:
            raise Http404(NOT_FOUND)
        old = {"name": attachment.name, "size": attachment.size, "sha256": attachment.sha256}
        attachment.delete()
        _audit(AuditCode.PROACTIVE_ATTACHMENT_REMOVED, actor, item, old=old)


def _subject(item: ProactiveItem) -> SubjectRef:
    return SubjectRef(
        type=OBJECT_TYPE,
        id=str(item.pk),
        body=item.body,
        drafter=item.drafter,
        title=item.title,
        important=item.important,
    )


def item_submit(*, actor: User, item_id: int, at: datetime | None = None) -> ProactiveItem:
    """The drafter submits a draft for 保密审查 (again after a rejection: a new round)."""
    with transaction.atomic():
        item = _lock_draft(actor, item_id)
        if not item.summary.strip():
            raise ProactiveError("提交审查前请填写内容概述（公开目录须载明内容概述）")
        signoff_submit(actor=actor, subject=_subject(item), at=at)
        old = item.status
        item.status = ItemStatus.IN_REVIEW
        item.save(update_fields=["status", "updated_at"])
        _audit(AuditCode.PROACTIVE_ITEM_EDITED, actor, item, old={"status": old}, new={"status": item.status})
    return item


def item_decide(
    *,
    actor: User,
    item_id: int,
    step: str,
    decision: Decision | str,
    opinion: str = "",
    at: datetime | None = None,
) -> ProactiveItem:
    """A reviewer decides the next step of the item's chain; a rejection returns the item to its drafter
    (status draft), the last approval makes it approved."""
    with transaction.atomic():
        item = access_item_for_update(actor, item_id)
        if item.status != ItemStatus.IN_REVIEW:
            raise SignoffError(f"该信息不在审查中（当前状态：{item.get_status_display()}）")
        state = signoff_decide(
            actor=actor,
            subject_type=OBJECT_TYPE,
            subject_id=item.pk,
            step=step,
            decision=decision,
            opinion=opinion,
            at=at,
        )
        old = item.status
        if state.phase is Phase.DRAFT:
            item.status = ItemStatus.DRAFT
        elif state.phase is Phase.COMPLETE:
            item.status = ItemStatus.APPROVED
        if item.status != old:
            item.save(update_fields=["status", "updated_at"])
            _audit(AuditCode.PROACTIVE_ITEM_EDITED, actor, item, old={"status": old}, new={"status": item.status})
    return item


def _next_index(item: ProactiveItem, on: date) -> tuple[str, int]:
    """Take the next index number of the item's body for the year of ``on`` (settings row locked)."""
    CatalogueSettings.objects.get_or_create(body=item.body)
    settings_row = CatalogueSettings.objects.select_for_update().get(body=item.body)
    pattern = parse_pattern(settings_row.index_pattern)
    counters = dict(settings_row.next_sequence or {})
    key = str(on.year)
    sequence = int(counters.get(key, 1))
    body_code = settings_row.body_code or item.body.code
    short = category(item.category).short
    taken = ProactiveItem.objects.filter(body=item.body).exclude(index_number="")
    while True:
        number = format_index(
            pattern, body_code=body_code, year=on.year, month=on.month, category_short=short, sequence=sequence
        )
        if not taken.filter(index_number=number).exists():
            break
        sequence += 1
    counters[key] = sequence + 1
    settings_row.next_sequence = counters
    settings_row.save(update_fields=["next_sequence", "updated_at"])
    return number, sequence


def item_publish(*, actor: User, item_id: int, on: date | None = None) -> ProactiveItem:
    """Publish an approved 主动公开 item on ``on`` (today by default): only when its chain is complete; assigns its
    index number."""
    day = _today(on)
    with transaction.atomic():
        item = access_item_for_update(actor, item_id)
        _require_roles(actor, item.body_id, PUBLISHERS, "发布")
        if item.status != ItemStatus.APPROVED:
            raise ProactiveError(f"保密审查尚未完成，不能公开（当前状态：{item.get_status_display()}）")
        if not item.is_public:
            raise ProactiveError(f"公开属性为“{item.get_attribute_display()}”的信息不能主动公开")
        state = signoff_state(subject_type=OBJECT_TYPE, subject_id=item.pk)
        if state is None or not state.complete or state.completed_at is None:
            raise SignoffError("保密审查流程尚未全部完成，不能公开")
        completed = timezone.localdate(state.completed_at)
        if day > timezone.localdate():
            raise ProactiveError("公开日期不能晚于今天")
        if day < item.formed_on:
            raise ProactiveError(f"公开日期不能早于形成或变更日期 {item.formed_on.isoformat()}")
        if day < completed:
            raise ProactiveError(f"公开日期不能早于保密审查完成之日 {completed.isoformat()}")
        old = _snapshot(item)
        item.index_number, item.index_sequence = _next_index(item, day)
        item.index_year = day.year
        item.published_on = day
        item.status = ItemStatus.PUBLISHED
        item.save()
        _audit(
            AuditCode.PROACTIVE_ITEM_PUBLISHED,
            actor,
            item,
            old={"status": old["status"], "published_on": None, "index_number": ""},
            new={
                "status": item.status,
                "published_on": _d(day),
                "index_number": item.index_number,
                "publish_due": _d(item.publish_due),
                "published_late": item.published_late,
            },
        )
    return item


def item_withdraw(*, actor: User, item_id: int, reason: str, on: date | None = None) -> ProactiveItem:
    """Withdraw a draft, an approved or a published item (it leaves the public catalogue; its index number is
    never reused). Items in review must be returned by a reviewer first."""
    day = _today(on)
    with transaction.atomic():
        item = access_item_for_update(actor, item_id)
        _require_roles(actor, item.body_id, WITHDRAWERS, "撤回")
        if item.status == ItemStatus.IN_REVIEW:
            raise ProactiveError("审查中的信息不能撤回；请审查人退回后再撤回")
        if item.status == ItemStatus.WITHDRAWN:
            raise ProactiveError("该信息已撤回")
        text = _check_text(reason, "撤回理由", 2000, required=True)
        if day > timezone.localdate():
            raise ProactiveError("撤回日期不能晚于今天")
        old = item.status
        item.status = ItemStatus.WITHDRAWN
        item.withdrawn_on = day
        item.withdrawn_reason = text
        item.save()
        _audit(
            AuditCode.PROACTIVE_ITEM_WITHDRAWN,
            actor,
            item,
            old={"status": old},
            new={"status": item.status, "withdrawn_on": _d(day), "reason": text},
        )
    return item


def item_from_case(*, actor: User, case_id: int) -> ProactiveItem:
    """依申请转主动 (Art 44): a draft item from an answered application whose information was provided. The
    applicant's identity is not copied; the drafter completes category, title and summary before review."""
    with transaction.atomic():
        case = access_case_by_id(actor, case_id)
        body = _working_body(actor, case.body_id)
        _require_roles(actor, body.pk, (MemberRole.CLERK,), "依申请公开转主动公开")
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.status not in ("closed", "archived") or not case.outcome:
            raise ProactiveError("只有已答复办结的申请才能转为主动公开")
        outcome = CoreOutcome(case.outcome)
        if outcome is CoreOutcome.GRANTED_PUBLISHED:
            raise ProactiveError("该申请所涉信息已经主动公开，无需转为主动公开")
        if outcome.spec.group not in CONVERTIBLE_GROUPS:
            raise ProactiveError(f"办理结果为“{outcome.label}”，未提供政府信息，不能转为主动公开")
        existing = case.proactive_items.exclude(status=ItemStatus.WITHDRAWN).first()
        if existing is not None:
            raise ProactiveError(f"该申请已转为主动公开信息（“{existing.title}”）")
        title = " ".join(case.content.split())[:300] or f"依申请公开转主动公开（{case.number}）"
        item = ProactiveItem(
            body=body,
            drafter=actor,
            status=ItemStatus.DRAFT,
            category=OTHER_CATEGORY,
            title=title,
            issuer=body.name,
            formed_on=timezone.localdate(),
            attribute=Attribute.PUBLIC.value,
            source_case=case,
            summary="",
        )
        _refresh_due(item, calendar_get())
        item.save()
        link = {"case_id": case.pk, "case_number": case.number, "outcome": case.outcome, "item_id": item.pk}
        _audit(AuditCode.PROACTIVE_ITEM_FROM_CASE, actor, item, new={**_snapshot(item), **link})
        audit_record(
            code=AuditCode.PROACTIVE_ITEM_FROM_CASE,
            actor=actor,
            body=body,
            object_type="case",
            object_id=case.pk,
            new=link,
            note=f"已转为主动公开信息草稿 #{item.pk}",
        )
    return item


def item_deadlines_recompute(*, actor: User | None, calendar: WorkCalendar, reason: str) -> int:
    """Recompute the cached Art 26 deadlines of unpublished 主动公开 items under ``calendar`` (after a calendar
    change); audit each change. Returns the number of items changed."""
    changed = 0
    items = ProactiveItem.objects.filter(
        attribute=Attribute.PUBLIC.value, status__in=[s.value for s in UNPUBLISHED_STATUSES]
    ).select_related("body")
    for item in items:
        old = (item.publish_due, item.due_provisional)
        _refresh_due(item, calendar)
        if (item.publish_due, item.due_provisional) != old:
            item.save(update_fields=["publish_due", "due_provisional", "updated_at"])
            audit_record(
                code=AuditCode.PROACTIVE_DEADLINES_RECOMPUTED,
                actor=actor,
                body=item.body,
                object_type=OBJECT_TYPE,
                object_id=item.pk,
                old={"publish_due": _d(old[0]), "due_provisional": old[1]},
                new={"publish_due": _d(item.publish_due), "due_provisional": item.due_provisional},
                note=reason,
            )
            changed += 1
    return changed


# -- catalogue settings and guide -------------------------------------------------------------------------


def catalogue_settings_save(*, actor: User, body_id: int, body_code: str, index_pattern: str) -> CatalogueSettings:
    """Set the index-number pattern and the body code used in it (head or administrator). Numbers already
    assigned keep their value; the yearly sequences continue."""
    with transaction.atomic():
        body = access_body_for_settings(actor, body_id, SETTINGS_EDITORS)
        pattern = parse_pattern(index_pattern.strip())
        code = _check_text(body_code, "机关代码", 40)
        format_index(pattern, body_code=code or body.code, year=2026, month=1, category_short="01", sequence=1)
        CatalogueSettings.objects.get_or_create(body=body)
        row = CatalogueSettings.objects.select_for_update().get(body=body)
        old = {"body_code": row.body_code, "index_pattern": row.index_pattern}
        row.body_code = code
        row.index_pattern = pattern.source
        row.save()
        audit_record(
            code=AuditCode.CATALOGUE_SETTINGS_CHANGED,
            actor=actor,
            body=body,
            object_type=SETTINGS_OBJECT_TYPE,
            object_id=body.pk,
            old=old,
            new={"body_code": row.body_code, "index_pattern": row.index_pattern},
        )
    return row


def _guide_snapshot(guide: DisclosureGuide) -> dict[str, Any]:
    return {
        name: getattr(guide, name)
        for name in (
            "office_name",
            "address",
            "postcode",
            "office_hours",
            "phone",
            "fax",
            "email",
            "accepted_channels",
            "online_portal",
            "classification",
            "proactive_access",
            "application_guide",
            "fees",
            "remedies",
        )
    }


def guide_save(*, actor: User, body_id: int, data: GuideData) -> DisclosureGuide:
    """Save the body's 公开指南 (its office: 经办人, 负责人 or administrator). 当面 and 邮寄 are always accepted
    (国办公开办函〔2017〕19号)."""
    with transaction.atomic():
        body = access_body_for_settings(actor, body_id, GUIDE_EDITORS)
        channels: list[str] = []
        for value in data.accepted_channels:
            try:
                channels.append(Channel(value).value)
            except ValueError:
                raise ProactiveError(f"未知的申请渠道 {value!r}") from None
        missing = [Channel(c).label for c in BASIC_CHANNELS if c not in channels]
        if missing:
            raise ProactiveError(
                f"当面提交和邮政寄送是基本渠道，不得拒绝（国办公开办函〔2017〕19号）；请勾选：{'、'.join(missing)}"
            )
        ordered = [c.value for c in Channel if c.value in channels]
        guide = DisclosureGuide.objects.select_for_update().filter(body=body).first()
        old = None if guide is None else _guide_snapshot(guide)
        if guide is None:
            guide = DisclosureGuide(body=body)
        guide.office_name = _check_text(data.office_name, "工作机构名称", 200, required=True)
        guide.address = _check_text(data.address, "办公地址", 300, required=True)
        guide.postcode = _check_text(data.postcode, "邮政编码", 10)
        guide.office_hours = _check_text(data.office_hours, "办公时间", 200, required=True)
        guide.phone = _check_text(data.phone, "联系电话", 100, required=True)
        guide.fax = _check_text(data.fax, "传真", 100)
        guide.email = _check_text(data.email, "电子邮箱", 254)
        guide.accepted_channels = ordered
        guide.online_portal = bool(data.online_portal)
        for name, label in (
            ("classification", "信息分类与编排体系"),
            ("proactive_access", "主动公开信息的获取方式"),
            ("application_guide", "依申请公开的办理流程"),
            ("fees", "信息处理费"),
            ("remedies", "监督方式和救济途径"),
        ):
            setattr(guide, name, _check_text(getattr(data, name), label, 20_000))
        guide.save()
        new = _guide_snapshot(guide)
        changed = [k for k in new if old is None or new[k] != old[k]]
        audit_record(
            code=AuditCode.DISCLOSURE_GUIDE_CHANGED,
            actor=actor,
            body=body,
            object_type=GUIDE_OBJECT_TYPE,
            object_id=body.pk,
            old=None if old is None else {k: old[k] for k in changed},
            new={k: new[k] for k in changed},
        )
    return guide
