"""Item services: drafting, the sign-off chain through the services, publication with index numbers, withdrawal,
依申请转主动, attachments, the Art 26 lists, settings and guide — each checked against the rows and the audit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from tests.web.proactive.conftest import DEFAULT_DECIDERS, item_data
from xxgk.core.calendar import add_working_days
from xxgk.core.errors import XxgkError
from xxgk.core.outcomes import Outcome
from xxgk.core.proactive import ProactiveError
from xxgk.core.signoff import DEFAULT_CHAIN, Chain, Phase, SignoffError, Step
from xxgk.web.audit.codes import AuditCode
from xxgk.web.audit.models import AuditEvent
from xxgk.web.cases.models import Case
from xxgk.web.proactive import services as s
from xxgk.web.proactive.attachments import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, AttachmentError
from xxgk.web.proactive.models import (
    CatalogueSettings,
    ItemAttachment,
    ItemStatus,
    ProactiveItem,
    Signoff,
    SignoffAppendOnlyError,
    SignoffDecision,
)
from xxgk.web.proactive.selectors import ItemFilters, item_list
from xxgk.web.proactive.signoff_selectors import chain_for_body, signoff_state, signoff_tasks
from xxgk.web.proactive.signoff_services import signoff_chain_save
from xxgk.web.tenancy.models import Body
from xxgk.web.workcalendar.selectors import calendar_get

pytestmark = pytest.mark.django_db

MakeItem = Callable[..., ProactiveItem]
Approve = Callable[[ProactiveItem], ProactiveItem]


def J(value: object) -> dict[str, Any]:
    """An audit row's ``old``/``new`` as the dict it must be."""
    assert isinstance(value, dict)
    return value


def _codes(item: ProactiveItem) -> list[int]:
    return list(
        AuditEvent.objects.for_object("proactive_item", item.pk)
        .order_by("created_at", "id")
        .values_list("code", flat=True)
    )


# -- drafting ---------------------------------------------------------------------------------------------


def test_create_stores_a_draft_with_its_art26_deadline_and_audits(
    make_item: MakeItem, users: dict[str, User], org: dict[str, Body]
) -> None:
    item = make_item()
    assert item.status == ItemStatus.DRAFT and item.drafter == users["bq_clerk"]
    assert item.issuer == org["baqiao"].name  # blank issuer → the body's name
    assert item.publish_due == add_working_days(item.formed_on, 20, calendar_get()).day
    assert item.index_number == "" and item.published_on is None
    event = AuditEvent.objects.get(object_type="proactive_item", object_id=str(item.pk))
    assert event.code == AuditCode.PROACTIVE_ITEM_CREATED and event.actor == users["bq_clerk"]
    assert J(event.new)["title"] == item.title and event.body == org["baqiao"]


def test_create_validates_through_the_core(make_item: MakeItem) -> None:
    with pytest.raises(ProactiveError, match="不适用于"):
        make_item(category="a21.municipal")  # a county item, 八桥镇 is a town
    assert make_item(category="a21.homestead").category == "a21.homestead"
    with pytest.raises(ProactiveError, match="须选择法律依据"):
        make_item(attribute="not_public", attribute_reason="涉密")
    with pytest.raises(ProactiveError, match="不能晚于今天"):
        make_item(formed_on=timezone.localdate() + timedelta(days=1))
    with pytest.raises(ProactiveError, match="请填写标题"):
        make_item(title="  ")
    not_public = make_item(attribute="not_public", withholding_ground="process", attribute_reason="内部讨论稿")
    assert not_public.publish_due is None  # the Art 26 clock only runs for 主动公开 items
    assert ProactiveItem.objects.count() == 2


def test_only_clerks_of_the_body_create(make_item: MakeItem) -> None:
    with pytest.raises(PermissionDenied, match="经办人"):
        make_item(by="bq_reviewer")
    with pytest.raises(Http404):
        make_item(by="td_clerk")  # 跳磴镇 cannot see 八桥镇
    with pytest.raises(PermissionDenied, match="只有查看权限"):
        make_item(by="qu_viewer")  # the district supervises 八桥镇 read-only
    assert ProactiveItem.objects.count() == 0


def test_only_the_drafter_edits_and_only_drafts(
    make_item: MakeItem, users: dict[str, User], approve_chain: Approve
) -> None:
    item = make_item()
    updated = s.item_update(actor=users["bq_clerk"], item_id=item.pk, data=item_data(title="新标题", important=True))
    assert updated.title == "新标题" and updated.important
    edit = AuditEvent.objects.filter(code=AuditCode.PROACTIVE_ITEM_EDITED).get()
    assert edit.old == {"title": "八桥镇2026年镇级财政预算", "important": False}
    assert edit.new == {"title": "新标题", "important": True}
    with pytest.raises(PermissionDenied, match="只有起草人"):
        s.item_update(actor=users["bq_head"], item_id=item.pk, data=item_data())
    with pytest.raises(Http404):
        s.item_update(actor=users["td_clerk"], item_id=item.pk, data=item_data())
    with pytest.raises(PermissionDenied):
        s.item_update(actor=users["qu_viewer"], item_id=item.pk, data=item_data())
    s.item_update(actor=users["bq_clerk"], item_id=item.pk, data=item_data())  # back to not important
    approve_chain(ProactiveItem.objects.get(pk=item.pk))
    with pytest.raises(ProactiveError, match="只有草稿"):
        s.item_update(actor=users["bq_clerk"], item_id=item.pk, data=item_data(title="再改"))
    assert ProactiveItem.objects.get(pk=item.pk).title == "八桥镇2026年镇级财政预算"


# -- the sign-off chain through the services ---------------------------------------------------------------


def test_the_full_chain_then_publication(make_item: MakeItem, users: dict[str, User], org: dict[str, Body]) -> None:
    item = make_item()
    item = s.item_submit(actor=users["bq_clerk"], item_id=item.pk)
    assert item.status == ItemStatus.IN_REVIEW
    signoff = Signoff.objects.get(subject_type="proactive_item", subject_id=str(item.pk))
    assert (signoff.round, signoff.phase, signoff.next_step, signoff.next_role) == (
        1,
        "in_review",
        "department",
        "reviewer",
    )
    assert signoff.chain == DEFAULT_CHAIN.to_dict()
    for step, who in DEFAULT_DECIDERS:
        with pytest.raises(ProactiveError, match="保密审查尚未完成"):
            s.item_publish(actor=users["bq_clerk"], item_id=item.pk)
        item = s.item_decide(actor=users[who], item_id=item.pk, step=step, decision="approve", opinion="同意")
    assert item.status == ItemStatus.APPROVED
    state = signoff_state(subject_type="proactive_item", subject_id=item.pk)
    assert state is not None and state.phase is Phase.COMPLETE
    item = s.item_publish(actor=users["bq_clerk"], item_id=item.pk)
    year = timezone.localdate().year
    assert item.status == ItemStatus.PUBLISHED and item.published_on == timezone.localdate()
    assert item.index_number == f"ddk-baqiao-{year}-07-0001" and (item.index_year, item.index_sequence) == (year, 1)
    decisions = list(
        SignoffDecision.objects.filter(signoff__subject_id=str(item.pk)).values_list("step_key", "reviewer")
    )
    assert decisions == [(k, users[w].pk) for k, w in DEFAULT_DECIDERS]
    assert _codes(item) == [
        AuditCode.PROACTIVE_ITEM_CREATED,
        AuditCode.SIGNOFF_SUBMITTED,
        AuditCode.PROACTIVE_ITEM_EDITED,  # status draft → in review
        AuditCode.SIGNOFF_APPROVED,
        AuditCode.SIGNOFF_APPROVED,
        AuditCode.SIGNOFF_APPROVED,
        AuditCode.SIGNOFF_COMPLETED,
        AuditCode.PROACTIVE_ITEM_EDITED,  # in review → approved
        AuditCode.PROACTIVE_ITEM_PUBLISHED,
    ]
    published = AuditEvent.objects.get(code=AuditCode.PROACTIVE_ITEM_PUBLISHED)
    assert J(published.new)["index_number"] == item.index_number and J(published.new)["published_late"] is False


def test_important_items_go_to_the_principal(make_item: MakeItem, users: dict[str, User]) -> None:
    item = s.item_submit(actor=users["bq_clerk"], item_id=make_item(important=True).pk)
    for step, who in DEFAULT_DECIDERS:
        item = s.item_decide(actor=users[who], item_id=item.pk, step=step, decision="approve")
    assert item.status == ItemStatus.IN_REVIEW
    item = s.item_decide(actor=users["bq_head"], item_id=item.pk, step="principal", decision="approve")
    assert item.status == ItemStatus.APPROVED


def test_chain_order_wrong_reviewer_and_self_approval(
    make_item: MakeItem, users: dict[str, User], org: dict[str, Body]
) -> None:
    # bq_clerk also holds a reviewer role: still may not review their own item
    from xxgk.web.tenancy.models import MemberRole, Membership

    Membership.objects.create(user=users["bq_clerk"], body=org["baqiao"], role=MemberRole.REVIEWER)
    item = s.item_submit(actor=users["bq_clerk"], item_id=make_item().pk)
    with pytest.raises(SignoffError, match="须按顺序审查"):
        s.item_decide(actor=users["bq_head"], item_id=item.pk, step="leader", decision="approve")
    with pytest.raises(SignoffError, match="审核人审定"):
        s.item_decide(actor=users["bq_head"], item_id=item.pk, step="department", decision="approve")
    with pytest.raises(SignoffError, match="起草人不能审查本人起草的事项"):
        s.item_decide(actor=users["bq_clerk"], item_id=item.pk, step="department", decision="approve")
    with pytest.raises(PermissionDenied):
        s.item_decide(actor=users["qu_viewer"], item_id=item.pk, step="department", decision="approve")
    with pytest.raises(Http404):
        s.item_decide(actor=users["td_clerk"], item_id=item.pk, step="department", decision="approve")
    assert SignoffDecision.objects.count() == 0
    assert ProactiveItem.objects.get(pk=item.pk).status == ItemStatus.IN_REVIEW


def test_rejection_returns_to_the_drafter_and_a_new_round_keeps_the_history(
    make_item: MakeItem, users: dict[str, User]
) -> None:
    item = s.item_submit(actor=users["bq_clerk"], item_id=make_item().pk)
    item = s.item_decide(actor=users["bq_reviewer"], item_id=item.pk, step="department", decision="approve")
    with pytest.raises(SignoffError, match="退回修改须写明理由"):
        s.item_decide(actor=users["bq_head"], item_id=item.pk, step="leader", decision="reject")
    item = s.item_decide(
        actor=users["bq_head"], item_id=item.pk, step="leader", decision="reject", opinion="附件含个人身份证号，须删除"
    )
    assert item.status == ItemStatus.DRAFT
    state = signoff_state(subject_type="proactive_item", subject_id=item.pk)
    assert state is not None and state.returned is not None and state.returned.opinion == "附件含个人身份证号，须删除"
    with pytest.raises(SignoffError, match="不在审查中"):
        s.item_decide(actor=users["bq_reviewer"], item_id=item.pk, step="office", decision="approve")
    # the drafter edits and resubmits: round 2 from the first step
    s.item_update(actor=users["bq_clerk"], item_id=item.pk, data=item_data(content="已删除个人信息"))
    item = s.item_submit(actor=users["bq_clerk"], item_id=item.pk)
    signoff = Signoff.objects.get(subject_id=str(item.pk))
    assert (signoff.round, signoff.next_step) == (2, "department")
    for step, who in DEFAULT_DECIDERS:
        item = s.item_decide(actor=users[who], item_id=item.pk, step=step, decision="approve")
    assert item.status == ItemStatus.APPROVED
    rows = list(SignoffDecision.objects.filter(signoff=signoff).values_list("round", "step_key", "decision"))
    assert rows == [
        (1, "department", "approve"),
        (1, "leader", "reject"),
        (2, "department", "approve"),
        (2, "leader", "approve"),
        (2, "office", "approve"),
    ]
    assert (
        J(AuditEvent.objects.filter(code=AuditCode.SIGNOFF_REJECTED).get().new)["opinion"]
        == "附件含个人身份证号，须删除"
    )
    assert AuditEvent.objects.filter(code=AuditCode.SIGNOFF_SUBMITTED).count() == 2


def test_only_the_drafter_submits_and_a_summary_is_required(make_item: MakeItem, users: dict[str, User]) -> None:
    item = make_item(summary="")
    with pytest.raises(ProactiveError, match="内容概述"):
        s.item_submit(actor=users["bq_clerk"], item_id=item.pk)
    s.item_update(actor=users["bq_clerk"], item_id=item.pk, data=item_data())
    with pytest.raises(PermissionDenied, match="只有起草人"):
        s.item_submit(actor=users["bq_head"], item_id=item.pk)
    s.item_submit(actor=users["bq_clerk"], item_id=item.pk)
    with pytest.raises(ProactiveError, match="只有草稿"):
        s.item_submit(actor=users["bq_clerk"], item_id=item.pk)  # one submission per round


def test_decisions_are_append_only(make_item: MakeItem, users: dict[str, User]) -> None:
    item = s.item_submit(actor=users["bq_clerk"], item_id=make_item().pk)
    s.item_decide(actor=users["bq_reviewer"], item_id=item.pk, step="department", decision="approve")
    row = SignoffDecision.objects.get()
    row.opinion = "改写"
    with pytest.raises(SignoffAppendOnlyError):
        row.save()
    with pytest.raises(SignoffAppendOnlyError):
        row.delete()
    with pytest.raises(SignoffAppendOnlyError):
        SignoffDecision.objects.all().update(opinion="x")
    with pytest.raises(SignoffAppendOnlyError):
        SignoffDecision.objects.all().delete()


def test_the_chain_snapshot_is_taken_at_submission(
    make_item: MakeItem, users: dict[str, User], org: dict[str, Body]
) -> None:
    short = Chain(steps=(Step("check", "办公室审核", "reviewer"), Step("sign", "负责人签发", "head")))
    item = s.item_submit(actor=users["bq_clerk"], item_id=make_item().pk)
    from xxgk.web.tenancy.models import MemberRole, Membership

    with pytest.raises(PermissionDenied, match="负责人或管理员"):
        signoff_chain_save(actor=users["bq_reviewer"], body_id=org["baqiao"].pk, chain=short)
    with pytest.raises(Http404):
        signoff_chain_save(actor=users["td_clerk"], body_id=org["baqiao"].pk, chain=short)
    with pytest.raises(PermissionDenied):
        signoff_chain_save(actor=users["qu_viewer"], body_id=org["baqiao"].pk, chain=short)
    signoff_chain_save(actor=users["bq_head"], body_id=org["baqiao"].pk, chain=short)
    assert chain_for_body(body_id=org["baqiao"].pk) == short
    assert chain_for_body(body_id=org["tiaodeng"].pk) == DEFAULT_CHAIN
    change = AuditEvent.objects.get(code=AuditCode.SIGNOFF_CHAIN_CHANGED)
    assert "承办科室审核" in J(change.old)["steps"] and "负责人签发" in J(change.new)["steps"]
    # the running round keeps the default chain
    for step, who in DEFAULT_DECIDERS:
        item = s.item_decide(actor=users[who], item_id=item.pk, step=step, decision="approve")
    assert item.status == ItemStatus.APPROVED
    # a new item runs the new chain
    Membership.objects.create(user=users["qu_admin"], body=org["baqiao"], role=MemberRole.ADMIN)
    second = s.item_submit(actor=users["bq_clerk"], item_id=make_item(title="第二条").pk)
    s.item_decide(actor=users["bq_reviewer"], item_id=second.pk, step="check", decision="approve")
    second = s.item_decide(actor=users["bq_head"], item_id=second.pk, step="sign", decision="approve")
    assert second.status == ItemStatus.APPROVED


def test_my_signoff_tasks(make_item: MakeItem, users: dict[str, User]) -> None:
    item = s.item_submit(actor=users["bq_clerk"], item_id=make_item().pk)
    make_item(title="草稿不在任务中")
    reviewer_tasks = signoff_tasks(user=users["bq_reviewer"])
    assert [(t.signoff.subject_id, t.step_name, t.kind) for t in reviewer_tasks] == [
        (str(item.pk), "承办科室审核", "主动公开信息")
    ]
    assert reviewer_tasks[0].url == f"/proactive/{item.pk}/"
    assert signoff_tasks(user=users["bq_head"]) == []
    assert signoff_tasks(user=users["bq_clerk"]) == []
    assert signoff_tasks(user=users["qu_viewer"]) == []  # supervisors never decide
    assert signoff_tasks(user=users["td_clerk"]) == []
    s.item_decide(actor=users["bq_reviewer"], item_id=item.pk, step="department", decision="approve")
    assert signoff_tasks(user=users["bq_reviewer"]) == []
    assert [t.step_name for t in signoff_tasks(user=users["bq_head"])] == ["分管领导审定"]


# -- publication and index numbers -------------------------------------------------------------------------


def test_index_numbers_are_sequential_per_body_and_year(
    published: Callable[..., ProactiveItem], users: dict[str, User], org: dict[str, Body], approve_chain: Approve
) -> None:
    year = timezone.localdate().year
    first = published()
    second = published(title="第二条", category="a20.02")
    assert [first.index_sequence, second.index_sequence] == [1, 2]
    assert second.index_number == f"ddk-baqiao-{year}-02-0002"
    # another body numbers on its own
    other = s.item_create(actor=users["td_clerk"], body_id=org["tiaodeng"].pk, data=item_data())
    assert other.pk
    # a publication dated in the previous year (recorded afterwards, decisions dated then) has its own sequence
    formed = date(year - 1, 12, 1)
    old = s.item_create(actor=users["bq_clerk"], body_id=org["baqiao"].pk, data=item_data(formed_on=formed))
    at = datetime(year - 1, 12, 2, 9, tzinfo=UTC)
    s.item_submit(actor=users["bq_clerk"], item_id=old.pk, at=at)
    for minute, (step, who) in enumerate(DEFAULT_DECIDERS, 1):
        s.item_decide(
            actor=users[who], item_id=old.pk, step=step, decision="approve", at=at + timedelta(minutes=minute)
        )
    with pytest.raises(ProactiveError, match="不能早于保密审查完成之日"):
        s.item_publish(actor=users["bq_clerk"], item_id=old.pk, on=date(year - 1, 12, 1))
    old = s.item_publish(actor=users["bq_clerk"], item_id=old.pk, on=date(year - 1, 12, 20))
    assert old.index_number == f"ddk-baqiao-{year - 1}-07-0001" and old.index_year == year - 1
    third = published(title="第三条")
    assert third.index_sequence == 3
    settings_row = CatalogueSettings.objects.get(body=org["baqiao"])
    assert settings_row.next_sequence == {str(year): 4, str(year - 1): 2}
    assert not CatalogueSettings.objects.filter(body=org["tiaodeng"]).exists()


def test_pattern_change_and_collisions_never_repeat_a_number(
    published: Callable[..., ProactiveItem], users: dict[str, User], org: dict[str, Body]
) -> None:
    first = published()
    s.catalogue_settings_save(
        actor=users["bq_head"], body_id=org["baqiao"].pk, body_code="11500104X", index_pattern="{年}-{序号}"
    )
    settings_row = CatalogueSettings.objects.get(body=org["baqiao"])
    year = timezone.localdate().year
    settings_row.next_sequence = {str(year): 1}  # e.g. restored from an old backup
    settings_row.save()
    ProactiveItem.objects.filter(pk=first.pk).update(index_number=f"{year}-1")
    second = published(title="第二条")
    assert second.index_number == f"{year}-2"  # 1 is taken: skipped, never duplicated
    assert AuditEvent.objects.get(code=AuditCode.CATALOGUE_SETTINGS_CHANGED).new == {
        "body_code": "11500104X",
        "index_pattern": "{年}-{序号}",
    }


def test_catalogue_settings_are_validated_and_restricted(users: dict[str, User], org: dict[str, Body]) -> None:
    with pytest.raises(ProactiveError, match=r"必须包含 \{序号\}"):
        s.catalogue_settings_save(actor=users["bq_head"], body_id=org["baqiao"].pk, body_code="", index_pattern="{年}")
    with pytest.raises(ProactiveError, match="不能包含"):
        s.catalogue_settings_save(
            actor=users["bq_head"], body_id=org["baqiao"].pk, body_code="a b", index_pattern="{机关代码}-{年}-{序号}"
        )
    with pytest.raises(PermissionDenied):
        s.catalogue_settings_save(
            actor=users["bq_clerk"], body_id=org["baqiao"].pk, body_code="", index_pattern="{年}-{序号}"
        )
    with pytest.raises(Http404):
        s.catalogue_settings_save(
            actor=users["td_clerk"], body_id=org["baqiao"].pk, body_code="", index_pattern="{年}-{序号}"
        )
    assert not CatalogueSettings.objects.exists()


def test_publish_rules(make_item: MakeItem, approve_chain: Approve, users: dict[str, User]) -> None:
    on_request = approve_chain(make_item(attribute="on_request", attribute_reason="仅涉及特定当事人"))
    assert on_request.status == ItemStatus.APPROVED
    with pytest.raises(ProactiveError, match="依申请公开"):
        s.item_publish(actor=users["bq_clerk"], item_id=on_request.pk)
    item = approve_chain(make_item())
    with pytest.raises(PermissionDenied):
        s.item_publish(actor=users["bq_reviewer"], item_id=item.pk)
    with pytest.raises(PermissionDenied):
        s.item_publish(actor=users["qu_viewer"], item_id=item.pk)
    with pytest.raises(ProactiveError, match="不能晚于今天"):
        s.item_publish(actor=users["bq_clerk"], item_id=item.pk, on=timezone.localdate() + timedelta(days=1))
    with pytest.raises(ProactiveError, match="不能早于形成或变更日期"):
        s.item_publish(actor=users["bq_clerk"], item_id=item.pk, on=item.formed_on - timedelta(days=1))
    item = s.item_publish(actor=users["bq_head"], item_id=item.pk)
    with pytest.raises(ProactiveError, match="保密审查尚未完成"):
        s.item_publish(actor=users["bq_clerk"], item_id=item.pk)


def test_publish_refused_when_the_chain_is_not_complete_even_if_status_says_approved(
    make_item: MakeItem, users: dict[str, User]
) -> None:
    item = s.item_submit(actor=users["bq_clerk"], item_id=make_item().pk)
    ProactiveItem.objects.filter(pk=item.pk).update(status=ItemStatus.APPROVED)  # a damaged cache
    with pytest.raises(SignoffError, match="尚未全部完成"):
        s.item_publish(actor=users["bq_clerk"], item_id=item.pk)
    assert ProactiveItem.objects.get(pk=item.pk).index_number == ""


def test_publication_with_past_decisions_and_late_flag(make_item: MakeItem, users: dict[str, User]) -> None:
    formed = timezone.localdate() - timedelta(days=90)
    item = make_item(formed_on=formed)
    start = datetime.combine(formed + timedelta(days=1), datetime.min.time(), tzinfo=UTC) + timedelta(hours=2)
    s.item_submit(actor=users["bq_clerk"], item_id=item.pk, at=start)
    for minute, (step, who) in enumerate(DEFAULT_DECIDERS, 1):
        s.item_decide(
            actor=users[who], item_id=item.pk, step=step, decision="approve", at=start + timedelta(minutes=minute)
        )
    late_day = formed + timedelta(days=60)
    item = s.item_publish(actor=users["bq_clerk"], item_id=item.pk, on=late_day)
    assert item.published_on == late_day and item.published_late
    assert item.index_year == late_day.year


# -- withdrawal -----------------------------------------------------------------------------------------------


def test_withdraw(make_item: MakeItem, published: Callable[..., ProactiveItem], users: dict[str, User]) -> None:
    item = published()
    with pytest.raises(ProactiveError, match="请填写撤回理由"):
        s.item_withdraw(actor=users["bq_clerk"], item_id=item.pk, reason=" ")
    with pytest.raises(PermissionDenied):
        s.item_withdraw(actor=users["bq_reviewer"], item_id=item.pk, reason="x")
    item = s.item_withdraw(actor=users["bq_head"], item_id=item.pk, reason="政策已废止")
    assert item.status == ItemStatus.WITHDRAWN and item.withdrawn_reason == "政策已废止"
    assert item.index_number  # kept, never reused
    with pytest.raises(ProactiveError, match="已撤回"):
        s.item_withdraw(actor=users["bq_head"], item_id=item.pk, reason="再次")
    reviewing = s.item_submit(actor=users["bq_clerk"], item_id=make_item().pk)
    with pytest.raises(ProactiveError, match="审查中的信息不能撤回"):
        s.item_withdraw(actor=users["bq_clerk"], item_id=reviewing.pk, reason="x")
    event = AuditEvent.objects.get(code=AuditCode.PROACTIVE_ITEM_WITHDRAWN)
    assert event.old == {"status": "published"} and J(event.new)["reason"] == "政策已废止"


# -- 依申请转主动 ------------------------------------------------------------------------------------------------


def test_from_case_creates_a_linked_draft_without_the_applicant(
    answered_case: Callable[[Outcome], Case], users: dict[str, User]
) -> None:
    case = answered_case(Outcome.GRANTED)
    item = s.item_from_case(actor=users["bq_clerk"], case_id=case.pk)
    assert item.status == ItemStatus.DRAFT and item.source_case == case and item.body_id == case.body_id
    assert item.title == case.content and item.category == "a20.15"
    assert case.applicant_name not in f"{item.title}{item.summary}{item.content}"
    assert (
        J(AuditEvent.objects.get(code=AuditCode.PROACTIVE_ITEM_FROM_CASE, object_type="case").new)["item_id"] == item.pk
    )
    assert (
        J(AuditEvent.objects.get(code=AuditCode.PROACTIVE_ITEM_FROM_CASE, object_type="proactive_item").new)[
            "case_number"
        ]
        == case.number
    )
    with pytest.raises(ProactiveError, match="已转为主动公开信息"):
        s.item_from_case(actor=users["bq_clerk"], case_id=case.pk)
    s.item_withdraw(actor=users["bq_clerk"], item_id=item.pk, reason="重新起草")
    assert s.item_from_case(actor=users["bq_clerk"], case_id=case.pk).pk != item.pk


@pytest.mark.parametrize(
    ("outcome", "message"),
    [
        (Outcome.GRANTED_PUBLISHED, "已经主动公开"),
        (Outcome.UNABLE_NOT_FOUND, "未提供政府信息"),
        (Outcome.DENIED_THIRD_PARTY, "未提供政府信息"),
    ],
)
def test_from_case_needs_information_provided(
    answered_case: Callable[[Outcome], Case], users: dict[str, User], outcome: Outcome, message: str
) -> None:
    case = answered_case(outcome)
    with pytest.raises(ProactiveError, match=message):
        s.item_from_case(actor=users["bq_clerk"], case_id=case.pk)


def test_from_case_partial_is_allowed_and_access_is_checked(
    answered_case: Callable[[Outcome], Case], users: dict[str, User], org: dict[str, Body]
) -> None:
    case = answered_case(Outcome.PARTIAL)
    with pytest.raises(Http404):
        s.item_from_case(actor=users["td_clerk"], case_id=case.pk)
    with pytest.raises(PermissionDenied):
        s.item_from_case(actor=users["qu_viewer"], case_id=case.pk)
    with pytest.raises(PermissionDenied):
        s.item_from_case(actor=users["bq_reviewer"], case_id=case.pk)
    assert s.item_from_case(actor=users["bq_clerk"], case_id=case.pk).source_case_id == case.pk


def test_from_case_refuses_an_open_case(users: dict[str, User], org: dict[str, Body]) -> None:
    from tests.web.conftest import registration
    from xxgk.web.cases.services import case_register

    case = case_register(
        actor=users["bq_clerk"], body_id=org["baqiao"].pk, registration=registration(), on=date(2026, 3, 2)
    )
    with pytest.raises(ProactiveError, match="已答复办结"):
        s.item_from_case(actor=users["bq_clerk"], case_id=case.pk)


# -- attachments ------------------------------------------------------------------------------------------------

PDF = b"%PDF-1.7\n% test\n"


def test_attachments_are_checked_stored_and_audited(make_item: MakeItem, users: dict[str, User]) -> None:
    item = make_item()
    attachment = s.item_attach(actor=users["bq_clerk"], item_id=item.pk, name="../../预算表.pdf", data=PDF)
    assert (attachment.name, attachment.content_type, attachment.size) == ("预算表.pdf", "application/pdf", len(PDF))
    assert bytes(ItemAttachment.objects.get().data) == PDF
    with pytest.raises(AttachmentError, match="内容与扩展名"):
        s.item_attach(actor=users["bq_clerk"], item_id=item.pk, name="x.pdf", data=b"<html>")
    with pytest.raises(AttachmentError, match="不支持的附件类型"):
        s.item_attach(actor=users["bq_clerk"], item_id=item.pk, name="x.exe", data=b"MZ")
    with pytest.raises(AttachmentError, match="超过"):
        s.item_attach(actor=users["bq_clerk"], item_id=item.pk, name="big.pdf", data=PDF + bytes(MAX_ATTACHMENT_BYTES))
    with pytest.raises(AttachmentError, match="UTF-8"):
        s.item_attach(actor=users["bq_clerk"], item_id=item.pk, name="a.txt", data="说明".encode("gbk"))
    with pytest.raises(PermissionDenied):
        s.item_attach(actor=users["bq_head"], item_id=item.pk, name="a.pdf", data=PDF)
    s.item_detach(actor=users["bq_clerk"], item_id=item.pk, attachment_id=attachment.pk)
    assert not ItemAttachment.objects.exists()
    assert _codes(item)[-2:] == [AuditCode.PROACTIVE_ATTACHMENT_ADDED, AuditCode.PROACTIVE_ATTACHMENT_REMOVED]
    for i in range(MAX_ATTACHMENTS):
        s.item_attach(actor=users["bq_clerk"], item_id=item.pk, name=f"{i}.txt", data=b"ok")
    with pytest.raises(AttachmentError, match="最多"):
        s.item_attach(actor=users["bq_clerk"], item_id=item.pk, name="more.txt", data=b"ok")
    assert isinstance(AttachmentError("x"), XxgkError)


# -- the Art 26 lists ------------------------------------------------------------------------------------------


def test_due_soon_overdue_and_late_lists(
    make_item: MakeItem, users: dict[str, User], approve_chain: Approve, published: Callable[..., ProactiveItem]
) -> None:
    calendar = calendar_get()
    today = timezone.localdate()
    # formed long ago → overdue; formed so that the due date is within 5 working days → due soon; fresh → neither
    overdue = make_item(title="逾期", formed_on=today - timedelta(days=60))
    soon_start = today
    while add_working_days(soon_start, 20, calendar).day > add_working_days(today, 3, calendar).day:
        soon_start -= timedelta(days=1)
    soon = make_item(title="即将到期", formed_on=soon_start)
    fresh = make_item(title="刚形成", formed_on=today)
    not_public = make_item(
        title="不公开",
        formed_on=today - timedelta(days=60),
        attribute="not_public",
        withholding_ground="internal",
        attribute_reason="内部",
    )
    done = published(title="已公开", formed_on=today - timedelta(days=60))  # published late

    def names(view: str) -> set[str]:
        return {i.title for i in item_list(user=users["bq_clerk"], filters=ItemFilters(view=view), calendar=calendar)}

    assert names("overdue") == {"逾期"}
    assert names("due_soon") == {"即将到期"}
    assert names("late") == {"已公开"}
    assert names("published") == {"已公开"}
    assert fresh.publish_due is not None and fresh.publish_due > add_working_days(today, 5, calendar).day
    assert not_public.publish_due is None and done.published_late and overdue.pk and soon.pk
    # supervisors see the same lists of their towns, other towns see nothing
    assert {
        i.title for i in item_list(user=users["qu_viewer"], filters=ItemFilters(view="overdue"), calendar=calendar)
    } == {"逾期"}
    assert names("all") >= {"逾期", "即将到期", "刚形成", "不公开", "已公开"}
    assert not item_list(user=users["td_clerk"], filters=ItemFilters(), calendar=calendar).exists()
    # text, category, status, year filters
    found = item_list(user=users["bq_clerk"], filters=ItemFilters(q="八桥府发"), calendar=calendar)
    assert found.count() == 5
    assert item_list(user=users["bq_clerk"], filters=ItemFilters(status="published"), calendar=calendar).get() == done
    assert not item_list(user=users["bq_clerk"], filters=ItemFilters(category="a20.01"), calendar=calendar).exists()
    assert item_list(user=users["bq_clerk"], filters=ItemFilters(year=today.year - 5), calendar=calendar).count() == 0
    mine = item_list(user=users["bq_clerk"], filters=ItemFilters(view="mine"), calendar=calendar)
    assert mine.count() == 5


def test_deadlines_recompute_after_a_calendar_change(make_item: MakeItem, users: dict[str, User]) -> None:
    from xxgk.core.calendar import DayKind, DayOverride

    item = make_item(formed_on=timezone.localdate() - timedelta(days=2))
    calendar = calendar_get()
    holiday = item.formed_on + timedelta(days=1)
    while not calendar.is_working_day(holiday):
        holiday += timedelta(days=1)
    changed = calendar.with_overrides([DayOverride(holiday, DayKind.LOCAL_HOLIDAY, "测试假日")])
    assert s.item_deadlines_recompute(actor=None, calendar=changed, reason="测试") == 1
    item.refresh_from_db()
    assert item.publish_due == add_working_days(item.formed_on, 20, changed).day
    assert s.item_deadlines_recompute(actor=None, calendar=changed, reason="测试") == 0
    assert AuditEvent.objects.filter(code=AuditCode.PROACTIVE_DEADLINES_RECOMPUTED).count() == 1


# -- guide -----------------------------------------------------------------------------------------------------


def _guide(**overrides: object) -> s.GuideData:
    values: dict[str, object] = {
        "office_name": "八桥镇党政办公室",
        "address": "重庆市大渡口区八桥镇新华路1号",
        "office_hours": "工作日 9:00–12:00，14:00–17:30",
        "phone": "023-68000000",
        "accepted_channels": ("in_person", "mail", "email"),
        "email": "xxgk@example.gov.cn",
    }
    values.update(overrides)
    return s.GuideData(**values)  # type: ignore[arg-type]


def test_guide_save_requires_the_basic_channels_and_audits(users: dict[str, User], org: dict[str, Body]) -> None:
    with pytest.raises(ProactiveError, match="基本渠道"):
        s.guide_save(actor=users["bq_clerk"], body_id=org["baqiao"].pk, data=_guide(accepted_channels=("email",)))
    with pytest.raises(ProactiveError, match="未知的申请渠道"):
        s.guide_save(
            actor=users["bq_clerk"],
            body_id=org["baqiao"].pk,
            data=_guide(accepted_channels=("in_person", "mail", "pigeon")),
        )
    with pytest.raises(ProactiveError, match="请填写办公地址"):
        s.guide_save(actor=users["bq_clerk"], body_id=org["baqiao"].pk, data=_guide(address=""))
    with pytest.raises(PermissionDenied):
        s.guide_save(actor=users["bq_reviewer"], body_id=org["baqiao"].pk, data=_guide())
    with pytest.raises(PermissionDenied):
        s.guide_save(actor=users["qu_viewer"], body_id=org["baqiao"].pk, data=_guide())
    with pytest.raises(Http404):
        s.guide_save(actor=users["td_clerk"], body_id=org["baqiao"].pk, data=_guide())
    guide = s.guide_save(
        actor=users["bq_clerk"], body_id=org["baqiao"].pk, data=_guide(accepted_channels=("email", "mail", "in_person"))
    )
    assert guide.accepted_channels == ["in_person", "mail", "email"]  # stored in a stable order
    s.guide_save(actor=users["bq_head"], body_id=org["baqiao"].pk, data=_guide(phone="023-68111111"))
    events = list(AuditEvent.objects.filter(code=AuditCode.DISCLOSURE_GUIDE_CHANGED).order_by("id"))
    assert events[0].old is None and J(events[0].new)["office_name"] == "八桥镇党政办公室"
    assert events[1].old == {"phone": "023-68000000"} and events[1].new == {"phone": "023-68111111"}
