"""Notes and reasons saved into the audit trail (and the other free texts the services store with them) are checked
by the services for a NUL character, which PostgreSQL refuses in a text column and in JSON alike (a 500 page, not a
message), and for their length where they have one. Run on PostgreSQL
(``DATABASE_URL=postgres://postgres@127.0.0.1:5432/…``): there an unchecked NUL is a database error, not the
error class the tests expect; on SQLite it would be stored, and the tests fail as well."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import User

from tests.web.cases.conftest import make_registration
from tests.web.litigation.conftest import remedy_data
from xxgk.core.errors import WorkflowError
from xxgk.core.table4 import RemedyError, RemedyResult
from xxgk.core.workflow import Withdrawal
from xxgk.web.audit.codes import AuditCode
from xxgk.web.audit.models import AuditEvent
from xxgk.web.cases import services as s
from xxgk.web.cases.models import Case, CaseEdit, DuplicateFlag
from xxgk.web.litigation.models import RemedyCase
from xxgk.web.litigation.services import (
    CLOSE_NOTE_MAX,
    REOPEN_REASON_MAX,
    remedy_close,
    remedy_create,
    remedy_reopen,
)
from xxgk.web.reports.models import AnnualReport, CellOverride
from xxgk.web.reports.services import (
    MAX_NOTE_CHARS,
    MAX_REASON_CHARS,
    ReportLifecycleError,
    report_narrative_save,
    report_override_set,
    report_start,
    report_submit,
)
from xxgk.web.tenancy.models import Body

pytestmark = pytest.mark.django_db

NUL = "\x00"


def _audited(code: AuditCode) -> int:
    return AuditEvent.objects.filter(code=int(code)).count()


def _remedy(users: dict[str, User], org: dict[str, Body]) -> RemedyCase:
    return remedy_create(actor=users["bq_clerk"], body_id=org["baqiao"].pk, data=remedy_data())


def test_the_litigation_close_note_and_reopen_reason(users: dict[str, User], org: dict[str, Body]) -> None:
    clerk, remedy = users["bq_clerk"], _remedy(users, org)

    def close(note: str) -> RemedyCase:
        return remedy_close(
            actor=clerk,
            remedy_id=remedy.pk,
            result=RemedyResult.CLAIM_REJECTED,
            closed_on=date(2020, 11, 27),
            note=note,
        )

    with pytest.raises(RemedyError, match="结案说明包含不可见的控制字符，请重新输入"):
        close(f"一审{NUL}判决")
    with pytest.raises(RemedyError, match=f"结案说明最多 {CLOSE_NOTE_MAX} 个字（现有 {CLOSE_NOTE_MAX + 1} 个字）"):
        close("判" * (CLOSE_NOTE_MAX + 1))
    remedy.refresh_from_db()
    assert remedy.closed_on is None and _audited(AuditCode.REMEDY_CLOSED) == 0
    close("判" * CLOSE_NOTE_MAX)
    assert AuditEvent.objects.get(code=int(AuditCode.REMEDY_CLOSED)).note == "判" * CLOSE_NOTE_MAX

    with pytest.raises(RemedyError, match="撤销结案登记的原因包含不可见的控制字符"):
        remedy_reopen(actor=clerk, remedy_id=remedy.pk, reason=f"录错{NUL}")
    with pytest.raises(RemedyError, match=f"撤销结案登记的原因最多 {REOPEN_REASON_MAX} 个字"):
        remedy_reopen(actor=clerk, remedy_id=remedy.pk, reason="错" * (REOPEN_REASON_MAX + 1))
    with pytest.raises(RemedyError, match="请说明撤销结案登记的原因"):
        remedy_reopen(actor=clerk, remedy_id=remedy.pk, reason=" ")
    remedy.refresh_from_db()
    assert remedy.closed_on == date(2020, 11, 27) and _audited(AuditCode.REMEDY_REOPENED) == 0
    remedy_reopen(actor=clerk, remedy_id=remedy.pk, reason="结案日期录错")
    assert AuditEvent.objects.get(code=int(AuditCode.REMEDY_REOPENED)).note == "结案日期录错"


def test_report_texts(users: dict[str, User], org: dict[str, Body]) -> None:
    clerk, body = users["bq_clerk"], org["baqiao"].pk
    report_start(actor=clerk, body_id=body, year=2025)
    with pytest.raises(ReportLifecycleError, match="文字部分“五、存在的主要问题及改进情况”包含不可见的控制字符"):
        report_narrative_save(actor=clerk, body_id=body, year=2025, sections={"problems": f"问题{NUL}"})
    assert (AnnualReport.objects.get(body_id=body, year=2025).narrative or {}).get("problems", "") == ""

    def override(reason: str) -> CellOverride:
        return report_override_set(
            actor=clerk, body_id=body, year=2025, code="s3.received.legal", value="2", reason=reason
        )

    with pytest.raises(ReportLifecycleError, match="修改理由包含不可见的控制字符"):
        override(f"台账{NUL}")
    with pytest.raises(ReportLifecycleError, match=f"修改理由最多 {MAX_REASON_CHARS} 个字"):
        override("账" * (MAX_REASON_CHARS + 1))
    with pytest.raises(ReportLifecycleError, match="请填写修改理由"):
        override("  ")
    assert not CellOverride.objects.exists()
    assert override("账" * MAX_REASON_CHARS).reason == "账" * MAX_REASON_CHARS
    with pytest.raises(ReportLifecycleError, match="更正说明包含不可见的控制字符"):
        report_submit(actor=clerk, body_id=body, year=2025, change_note=f"更正{NUL}")
    with pytest.raises(ReportLifecycleError, match=f"更正说明最多 {MAX_NOTE_CHARS} 个字"):
        report_submit(actor=clerk, body_id=body, year=2025, change_note="更" * (MAX_NOTE_CHARS + 1))


def test_case_notes_and_reasons(users: dict[str, User], org: dict[str, Body]) -> None:
    clerk, body = users["bq_clerk"], org["baqiao"].pk
    earlier = s.case_register(actor=clerk, body_id=body, registration=make_registration(), on=date(2026, 3, 2))
    case = s.case_register(actor=clerk, body_id=body, registration=make_registration(), on=date(2026, 3, 3))
    flag = DuplicateFlag.objects.get(case=case, earlier=earlier)
    with pytest.raises(WorkflowError, match="说明包含不可见的控制字符"):
        s.case_duplicate_decide(
            actor=clerk, case_id=case.pk, flag_id=flag.pk, decision="dismissed", note=f"内容不同{NUL}"
        )
    flag.refresh_from_db()
    assert flag.decision == "pending"
    with pytest.raises(WorkflowError, match="修改原因包含不可见的控制字符"):
        s.case_edit_registration(
            actor=clerk, case_id=case.pk, changes={"contact": "13900000000"}, reason=f"申请人更正{NUL}"
        )
    with pytest.raises(WorkflowError, match="联系方式包含不可见的控制字符"):
        s.case_edit_registration(
            actor=clerk, case_id=case.pk, changes={"contact": f"139{NUL}00000000"}, reason="申请人更正"
        )
    assert not CaseEdit.objects.exists()
    # an action's payload is stored as JSON in the event and in the audit trail
    with pytest.raises(WorkflowError, match="“撤回”填写的内容包含不可见的控制字符，请重新输入"):
        s.case_withdraw(actor=clerk, case_id=case.pk, data=Withdrawal(f"不再需要{NUL}"), on=date(2026, 3, 4))
    with pytest.raises(WorkflowError, match="“登记”填写的内容包含不可见的控制字符"):
        s.case_register(
            actor=clerk, body_id=body, registration=make_registration(content=f"文件{NUL}"), on=date(2026, 3, 4)
        )
    assert Case.objects.count() == 2 and Case.objects.get(pk=case.pk).status == "processing"
    withdrawn = s.case_withdraw(actor=clerk, case_id=case.pk, data=Withdrawal("不再需要"), on=date(2026, 3, 4))
    assert withdrawn.status == "closed"
