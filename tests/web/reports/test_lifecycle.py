"""The report's life through the services: start, narratives, overrides, submission blocked by errors, the sign-off
chain, publishing a frozen version, a correction as version 2, and who may do what."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from tests.web.reports.conftest import NARRATIVE, AddCases, CaseSpec, approve_all, publish_through_chain
from xxgk.core.model import Report
from xxgk.core.signoff import SignoffError
from xxgk.web.audit.codes import AuditCode
from xxgk.web.audit.models import AuditEvent
from xxgk.web.proactive.signoff_selectors import signoff_tasks
from xxgk.web.reports.models import AnnualReport, AppendOnlyError, CellOverride, ReportState, ReportVersion
from xxgk.web.reports.selectors import (
    OBJECT_TYPE,
    OVERRIDE_FINDING,
    ReportStatus,
    WorkingSource,
    published_report,
    report_status_map,
    report_working,
)
from xxgk.web.reports.services import (
    ReportLifecycleError,
    report_correction_start,
    report_decide,
    report_narrative_save,
    report_override_remove,
    report_override_set,
    report_publish,
    report_start,
    report_submit,
)
from xxgk.web.tenancy.models import Body

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quick_render")]


@pytest.fixture
def cases_2024(org: dict[str, Body], add_cases: AddCases) -> None:
    add_cases(
        org["baqiao"],
        CaseSpec("natural", date(2024, 3, 1), date(2024, 3, 10), "granted"),
        CaseSpec("business", date(2024, 6, 1), date(2024, 6, 20), "partial"),
        CaseSpec("natural", date(2024, 12, 20)),  # carried over to 2025
    )


def _codes(body: Body, year: int) -> list[int]:
    annual = AnnualReport.objects.get(body=body, year=year)
    own = AuditEvent.objects.filter(object_type=OBJECT_TYPE, object_id=str(annual.pk))
    return list(own.order_by("id").values_list("code", flat=True))


def test_start_is_idempotent_and_prefills_the_narrative(
    users: dict[str, User], org: dict[str, Body], cases_2024: None
) -> None:
    body = org["baqiao"]
    annual = report_start(actor=users["bq_clerk"], body_id=body.pk, year=2024)
    again = report_start(actor=users["bq_head"], body_id=body.pk, year=2024)
    assert again.pk == annual.pk and AnnualReport.objects.count() == 1
    assert annual.state == ReportState.DRAFTING and annual.template == "2021" and annual.draft_number == 1
    assert "共收到政府信息公开申请3件" in annual.narrative["overall"]
    assert "结转下年度继续办理1件" in annual.narrative["overall"]
    assert annual.narrative["other"] == "2024年，本机关未收取信息处理费。"
    assert _codes(body, 2024) == [AuditCode.REPORT_STARTED]


def test_a_future_year_cannot_be_started(users: dict[str, User], org: dict[str, Body]) -> None:
    with pytest.raises(ReportLifecycleError, match="超出范围"):
        report_start(actor=users["bq_clerk"], body_id=org["baqiao"].pk, year=timezone.localdate().year + 1)


def test_the_whole_life_of_a_report(users: dict[str, User], org: dict[str, Body], cases_2024: None) -> None:
    body, clerk = org["baqiao"], users["bq_clerk"]
    report_start(actor=clerk, body_id=body.pk, year=2024)
    with pytest.raises(ReportLifecycleError, match="请先填写文字部分：五、存在的主要问题及改进情况"):
        report_submit(actor=clerk, body_id=body.pk, year=2024)
    report_narrative_save(actor=clerk, body_id=body.pk, year=2024, sections=NARRATIVE)

    # a cell typed over by hand that breaks a sum: the checks find errors and block the submission
    report_override_set(actor=clerk, body_id=body.pk, year=2024, code="s3.received.legal", value="2", reason="台账")
    working = report_working(body=body, year=2024)
    assert working.source is WorkingSource.DRAFT and working.report.value("s3.received.legal") == 2
    assert working.errors and any(f.code == OVERRIDE_FINDING for f in working.warnings)
    with pytest.raises(ReportLifecycleError, match="检查发现错误"):
        report_submit(actor=clerk, body_id=body.pk, year=2024)
    assert AnnualReport.objects.get(body=body, year=2024).state == ReportState.DRAFTING
    report_override_remove(actor=clerk, body_id=body.pk, year=2024, code="s3.received.legal")
    assert not report_working(body=body, year=2024).errors

    annual = report_submit(actor=clerk, body_id=body.pk, year=2024)
    assert annual.state == ReportState.UNDER_APPROVAL
    frozen = Report.from_json(annual.submitted_json)
    assert frozen.narrative == NARRATIVE and frozen.value("s3.received.total") == 3
    assert frozen.title == "大渡口区八桥镇人民政府2024年政府信息公开工作年度报告"
    statuses = report_status_map(body_ids=[body.pk], year=2024)
    assert statuses[body.pk].status is ReportStatus.UNDER_APPROVAL
    [task] = signoff_tasks(user=users["bq_reviewer"])
    assert (task.kind, task.url) == ("政府信息公开工作年度报告", f"/reports/{body.pk}/2024/")
    assert not signoff_tasks(user=users["bq_head"])  # the head decides the second step
    with pytest.raises(ReportLifecycleError, match="不能进行此操作"):
        report_narrative_save(actor=clerk, body_id=body.pk, year=2024, sections={"other": "改"})
    with pytest.raises(ReportLifecycleError):
        report_publish(actor=users["bq_head"], body_id=body.pk, year=2024)

    approve_all(users=users, body=body, year=2024)
    assert AnnualReport.objects.get(body=body, year=2024).state == ReportState.APPROVED
    with pytest.raises(PermissionDenied, match="负责人"):
        report_publish(actor=clerk, body_id=body.pk, year=2024)
    version = report_publish(actor=users["bq_head"], body_id=body.pk, year=2024)
    assert version.number == 1 and version.published_on == timezone.localdate() and version.change_note == ""
    assert version.report_json == frozen.to_json()
    assert sorted(version.renditions.values_list("fmt", flat=True)) == ["html", "json"]
    assert AnnualReport.objects.get(body=body, year=2024).state == ReportState.PUBLISHED
    published = published_report(body_id=body.pk, year=2024)
    assert published is not None and published.numbers() == frozen.numbers()
    assert report_working(body=body, year=2024).source is WorkingSource.PUBLISHED
    assert _codes(body, 2024) == [
        AuditCode.REPORT_STARTED,
        AuditCode.REPORT_NARRATIVE_SAVED,
        AuditCode.REPORT_CELL_OVERRIDDEN,
        AuditCode.REPORT_OVERRIDE_REMOVED,
        AuditCode.REPORT_SUBMITTED,
        AuditCode.REPORT_APPROVED,
        AuditCode.REPORT_PUBLISHED,
    ]
    chain_events = AuditEvent.objects.filter(object_type=OBJECT_TYPE, object_id=f"{annual.pk}-v1")
    assert set(chain_events.values_list("code", flat=True)) == {
        AuditCode.SIGNOFF_SUBMITTED,
        AuditCode.SIGNOFF_APPROVED,
        AuditCode.SIGNOFF_COMPLETED,
    }
    assert not signoff_tasks(user=users["bq_reviewer"])


def test_a_rejection_returns_the_draft_and_a_new_round_follows(
    users: dict[str, User], org: dict[str, Body], cases_2024: None
) -> None:
    body, clerk = org["baqiao"], users["bq_clerk"]
    report_start(actor=clerk, body_id=body.pk, year=2024)
    report_narrative_save(actor=clerk, body_id=body.pk, year=2024, sections=NARRATIVE)
    report_submit(actor=clerk, body_id=body.pk, year=2024)
    with pytest.raises(SignoffError):
        report_decide(actor=users["bq_reviewer"], body_id=body.pk, year=2024, step="department", decision="reject")
    annual = report_decide(
        actor=users["bq_reviewer"],
        body_id=body.pk,
        year=2024,
        step="department",
        decision="reject",
        opinion="第五部分过于简单",
    )
    assert annual.state == ReportState.DRAFTING and annual.submitted_json == ""
    report_narrative_save(
        actor=clerk, body_id=body.pk, year=2024, sections={"problems": NARRATIVE["problems"] + "另：培训不足。"}
    )
    report_submit(actor=clerk, body_id=body.pk, year=2024)
    approve_all(users=users, body=body, year=2024)
    version = report_publish(actor=users["bq_head"], body_id=body.pk, year=2024)
    assert "培训不足" in Report.from_json(version.report_json).narrative["problems"]
    assert AuditCode.REPORT_RETURNED in _codes(body, 2024)


def test_a_correction_is_version_2_with_its_change_note(
    users: dict[str, User], org: dict[str, Body], cases_2024: None, add_cases: AddCases
) -> None:
    body, clerk = org["baqiao"], users["bq_clerk"]
    first = publish_through_chain(users=users, body=body, year=2024, on=date(2025, 1, 20))
    assert first.published_on == date(2025, 1, 20)
    add_cases(body, CaseSpec("research", date(2024, 7, 1), date(2024, 7, 9), "granted"))  # recorded late
    working = report_working(body=body, year=2024)
    assert working.source is WorkingSource.PUBLISHED and "s3.received.total" in working.changed_since

    annual = report_correction_start(actor=clerk, body_id=body.pk, year=2024)
    assert annual.state == ReportState.DRAFTING and annual.draft_number == 2
    assert annual.narrative == NARRATIVE
    status = report_status_map(body_ids=[body.pk], year=2024)[body.pk]
    assert status.status is ReportStatus.PUBLISHED and status.correcting and status.version == 1
    with pytest.raises(ReportLifecycleError, match="更正说明"):
        report_submit(actor=clerk, body_id=body.pk, year=2024)
    report_submit(actor=clerk, body_id=body.pk, year=2024, change_note="补录一件科研机构申请，表三相应更正。")
    approve_all(users=users, body=body, year=2024)
    second = report_publish(actor=users["bq_head"], body_id=body.pk, year=2024)
    assert second.number == 2 and second.change_note == "补录一件科研机构申请，表三相应更正。"
    assert Report.from_json(first.report_json).value("s3.received.total") == 3
    assert Report.from_json(second.report_json).value("s3.received.total") == 4
    assert list(ReportVersion.objects.filter(report=annual).values_list("number", flat=True)) == [1, 2]
    status = report_status_map(body_ids=[body.pk], year=2024)[body.pk]
    assert (status.version, status.published_on, status.correcting) == (2, date(2025, 1, 20), False)
    assert not status.late
    assert AuditCode.REPORT_CORRECTION_STARTED in _codes(body, 2024)


def test_versions_and_overrides_are_append_only(users: dict[str, User], org: dict[str, Body], cases_2024: None) -> None:
    body = org["baqiao"]
    version = publish_through_chain(users=users, body=body, year=2024)
    version.change_note = "改"
    with pytest.raises(AppendOnlyError):
        version.save()
    with pytest.raises(AppendOnlyError):
        ReportVersion.objects.filter(pk=version.pk).update(change_note="改")
    with pytest.raises(AppendOnlyError):
        version.delete()
    report_correction_start(actor=users["bq_clerk"], body_id=body.pk, year=2024)
    row = report_override_set(
        actor=users["bq_clerk"], body_id=body.pk, year=2024, code="s2.fees.amount", value="1.5", reason="收费台账"
    )
    assert row.value == Decimal("1.5")
    with pytest.raises(AppendOnlyError):
        CellOverride.objects.filter(pk=row.pk).delete()
    with pytest.raises(AppendOnlyError):
        row.save()


@pytest.mark.parametrize(
    ("code", "value", "reason", "message"),
    [
        ("s3.received.natural", "1.5", "台账", "整数"),
        ("s3.received.natural", "-1", "台账", "负数"),
        ("s3.received.natural", "abc", "台账", "整数"),
        ("s3.nope", "1", "台账", "不是"),
        ("s3.received.natural", "2", "  ", "修改理由"),
        ("s3.received.natural", "2", "台账", "计算的结果相同"),
    ],
)
def test_bad_overrides_are_refused_and_nothing_is_stored(
    users: dict[str, User], org: dict[str, Body], cases_2024: None, *, code: str, value: str, reason: str, message: str
) -> None:
    body = org["baqiao"]
    report_start(actor=users["bq_clerk"], body_id=body.pk, year=2024)
    with pytest.raises(ReportLifecycleError, match=message):
        report_override_set(actor=users["bq_clerk"], body_id=body.pk, year=2024, code=code, value=value, reason=reason)
    assert not CellOverride.objects.exists()


def test_the_latest_override_of_a_code_applies(users: dict[str, User], org: dict[str, Body], cases_2024: None) -> None:
    body, clerk = org["baqiao"], users["bq_clerk"]
    report_start(actor=clerk, body_id=body.pk, year=2024)
    report_override_set(actor=clerk, body_id=body.pk, year=2024, code="s2.fees.amount", value="3", reason="a")
    report_override_set(actor=clerk, body_id=body.pk, year=2024, code="s2.fees.amount", value="2.25", reason="b")
    with pytest.raises(ReportLifecycleError, match="相同"):
        report_override_set(actor=clerk, body_id=body.pk, year=2024, code="s2.fees.amount", value="2.250", reason="c")
    working = report_working(body=body, year=2024)
    assert working.report.value("s2.fees.amount") == Decimal("2.25")
    [finding] = [f for f in working.findings if f.code == OVERRIDE_FINDING]
    computed = working.computed.report.value("s2.fees.amount")
    assert finding.message == f"手工修改：计算值 {computed}，填报值 2.25，理由：b"
    assert finding.cells == ("s2.fees.amount",)
    report_override_remove(actor=clerk, body_id=body.pk, year=2024, code="s2.fees.amount", reason="核对后无误")
    assert report_working(body=body, year=2024).report.value("s2.fees.amount") == computed
    with pytest.raises(ReportLifecycleError, match="没有手工修改"):
        report_override_remove(actor=clerk, body_id=body.pk, year=2024, code="s2.fees.amount")
    assert list(CellOverride.objects.values_list("reason", flat=True)) == ["a", "b", "核对后无误"]


def test_supervisors_read_only_and_other_bodies_404(
    users: dict[str, User], org: dict[str, Body], cases_2024: None
) -> None:
    body = org["baqiao"]
    with pytest.raises(PermissionDenied):
        report_start(actor=users["qu_viewer"], body_id=body.pk, year=2024)
    with pytest.raises(Http404):
        report_start(actor=users["td_clerk"], body_id=body.pk, year=2024)
    with pytest.raises(Http404):
        report_start(actor=users["nobody"], body_id=body.pk, year=2024)
    report_start(actor=users["bq_clerk"], body_id=body.pk, year=2024)
    report_narrative_save(actor=users["bq_clerk"], body_id=body.pk, year=2024, sections=NARRATIVE)
    for actor, error in ((users["qu_viewer"], PermissionDenied), (users["td_clerk"], Http404)):
        with pytest.raises(error):
            report_narrative_save(actor=actor, body_id=body.pk, year=2024, sections={"other": "x"})
        with pytest.raises(error):
            report_override_set(actor=actor, body_id=body.pk, year=2024, code="s2.fees.amount", value=1, reason="x")
        with pytest.raises(error):
            report_submit(actor=actor, body_id=body.pk, year=2024)
    report_submit(actor=users["bq_clerk"], body_id=body.pk, year=2024)
    with pytest.raises(PermissionDenied):
        report_decide(actor=users["qu_viewer"], body_id=body.pk, year=2024, step="department", decision="approve")
    assert AnnualReport.objects.get(body=body).narrative == NARRATIVE


def test_a_submission_needs_the_year_to_be_over(users: dict[str, User], org: dict[str, Body]) -> None:
    this_year = timezone.localdate().year
    body, clerk = org["baqiao"], users["bq_clerk"]
    report_start(actor=clerk, body_id=body.pk, year=this_year)
    report_narrative_save(actor=clerk, body_id=body.pk, year=this_year, sections=NARRATIVE)
    with pytest.raises(ReportLifecycleError, match="尚未结束"):
        report_submit(actor=clerk, body_id=body.pk, year=this_year)


def test_publishing_checks_the_date(users: dict[str, User], org: dict[str, Body], cases_2024: None) -> None:
    body, clerk = org["baqiao"], users["bq_clerk"]
    report_start(actor=clerk, body_id=body.pk, year=2024)
    report_narrative_save(actor=clerk, body_id=body.pk, year=2024, sections=NARRATIVE)
    report_submit(actor=clerk, body_id=body.pk, year=2024)
    approve_all(users=users, body=body, year=2024)
    with pytest.raises(ReportLifecycleError, match="晚于今天"):
        report_publish(actor=users["bq_head"], body_id=body.pk, year=2024, on=date(2999, 1, 1))
    with pytest.raises(ReportLifecycleError, match="早于审批完成"):
        report_publish(actor=users["bq_head"], body_id=body.pk, year=2024, on=date(2024, 1, 1))
    assert not ReportVersion.objects.exists()
