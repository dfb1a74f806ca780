"""Free text saved into a column of bounded length is refused with a Chinese message by the service itself, not
only by the form in front of it: on PostgreSQL a longer value is a DataError (a 500 page, or a failed import), and
so is a NUL character in any text (the checks and messages: :mod:`xxgk.web.textguard`). Run
on PostgreSQL with ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres`` (the limits are those of the
columns, read from the models). The working-day calendar's own tests are in ``tests/web/workcalendar``."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import User

from tests.web.litigation.conftest import remedy_data
from tests.web.portal.conftest import DISTINCT
from tests.web.proactive.conftest import item_data
from tests.web.registers.conftest import doc_data, procurement
from xxgk.core.errors import CalendarError
from xxgk.core.outcomes import ApplicantType
from xxgk.core.proactive import ProactiveError
from xxgk.core.table2 import LedgerError
from xxgk.core.table4 import RemedyError
from xxgk.web.litigation.models import Hearing, RemedyCase
from xxgk.web.litigation.services import hearing_add, remedy_create, remedy_update
from xxgk.web.portal.models import IdType, OnlineSubmission, SubmissionStatus
from xxgk.web.portal.services import (
    REASON_MAX,
    PortalError,
    SubmissionData,
    submission_accept,
    submission_create,
    submission_reject,
)
from xxgk.web.proactive.models import ProactiveItem
from xxgk.web.proactive.services import item_create
from xxgk.web.registers.data import AmendmentData
from xxgk.web.registers.models import DocumentAmendment, NormativeDocument, YearlyFigure
from xxgk.web.registers.services import amendment_add, document_create, document_update, figure_save
from xxgk.web.tenancy.models import Body
from xxgk.web.textguard import checked_text, field_problems, text_problems

pytestmark = pytest.mark.django_db


def limit(model: type, name: str) -> int:
    value = model._meta.get_field(name).max_length  # type: ignore[attr-defined]
    assert isinstance(value, int)
    return value


def test_remedy_texts(users: dict[str, User], org: dict[str, Body]) -> None:
    clerk, body = users["bq_clerk"], org["baqiao"].pk
    forum, number, applicant = limit(RemedyCase, "forum"), limit(RemedyCase, "number"), limit(RemedyCase, "applicant")
    with pytest.raises(RemedyError, match=f"复议机关或法院最多 {forum} 个字（现有 {forum + 1} 个字）"):
        remedy_create(actor=clerk, body_id=body, data=remedy_data(forum="法" * (forum + 1)))
    with pytest.raises(RemedyError, match=f"案号最多 {number} 个字"):
        remedy_create(actor=clerk, body_id=body, data=remedy_data(number="号" * (number + 1)))
    assert not RemedyCase.objects.exists()
    remedy = remedy_create(
        actor=clerk,
        body_id=body,
        data=remedy_data(forum="法" * forum, number="号" * number, applicant="人" * applicant),
    )
    with pytest.raises(RemedyError, match=f"申请人或原告最多 {applicant} 个字"):
        remedy_update(actor=clerk, remedy_id=remedy.pk, data=remedy_data(applicant="人" * (applicant + 1)))
    remedy.refresh_from_db()
    assert (remedy.forum, remedy.applicant) == ("法" * forum, "人" * applicant)
    note = limit(Hearing, "note")
    with pytest.raises(RemedyError, match=f"说明最多 {note} 个字"):
        hearing_add(actor=clerk, remedy_id=remedy.pk, on=date(2020, 9, 1), note="庭" * (note + 1))
    assert not Hearing.objects.exists()
    assert hearing_add(actor=clerk, remedy_id=remedy.pk, on=date(2020, 9, 1), note="庭" * note).note == "庭" * note


def test_document_texts(users: dict[str, User], org: dict[str, Body]) -> None:
    clerk, body = users["bq_clerk"], org["baqiao"].pk
    title, number = limit(NormativeDocument, "title"), limit(NormativeDocument, "doc_number")
    with pytest.raises(LedgerError, match=f"「标题」最多 {title} 个字（现有 {title + 1} 个字）"):
        document_create(actor=clerk, body_id=body, data=doc_data(title="题" * (title + 1)))
    with pytest.raises(LedgerError, match=f"「文号」最多 {number} 个字"):
        document_create(actor=clerk, body_id=body, data=doc_data(number="号" * (number + 1)))
    assert not NormativeDocument.objects.exists()
    doc = document_create(actor=clerk, body_id=body, data=doc_data(title="题" * title, number="号" * number))
    with pytest.raises(LedgerError, match=f"「标题」最多 {title} 个字"):
        document_update(actor=clerk, document_id=doc.pk, data=doc_data(title="题" * (title + 1)))
    amended_number, note = limit(DocumentAmendment, "doc_number"), limit(DocumentAmendment, "note")
    with pytest.raises(LedgerError, match=f"「说明」最多 {note} 个字"):
        amendment_add(
            actor=clerk, document_id=doc.pk, data=AmendmentData(amended_on=date(2020, 6, 1), note="改" * (note + 1))
        )
    with pytest.raises(LedgerError, match=f"「修改文号」最多 {amended_number} 个字"):
        amendment_add(
            actor=clerk,
            document_id=doc.pk,
            data=AmendmentData(amended_on=date(2020, 6, 1), doc_number="号" * (amended_number + 1)),
        )
    assert not DocumentAmendment.objects.exists()
    row = amendment_add(
        actor=clerk,
        document_id=doc.pk,
        data=AmendmentData(amended_on=date(2020, 6, 1), doc_number="号" * amended_number, note="改" * note),
    )
    assert (row.doc_number, row.note) == ("号" * amended_number, "改" * note)


#: The bounded free texts of an online submission, with a character to fill each.
PORTAL_TEXTS = {
    "applicant_name": ("申请人姓名或名称", "名"),
    "id_number": ("证件号码", "9"),
    "phone": ("联系电话", "1"),
    "email": ("电子邮箱", "e"),
    "address": ("通信地址", "址"),
    "postcode": ("邮政编码", "4"),
    "agent": ("委托代理人", "代"),
}


def submission(**texts: str) -> SubmissionData:
    values = {
        "applicant_type": ApplicantType.NATURAL,
        "applicant_name": "李四",
        "id_type": IdType.OTHER,
        "id_number": DISTINCT["id_number"],
        "content": "八桥镇2025年老旧小区改造项目的立项批复文件",
        "phone": DISTINCT["phone"],
    }
    values.update(texts)
    return SubmissionData(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", list(PORTAL_TEXTS))
def test_portal_submission_text_too_long(org: dict[str, Body], name: str) -> None:
    label, fill = PORTAL_TEXTS[name]
    n = limit(OnlineSubmission, name)
    with pytest.raises(PortalError, match=f"^{label}最多 {n} 个字（现有 {n + 1} 个字）$"):
        submission_create(body_id=org["baqiao"].pk, data=submission(**{name: fill * (n + 1)}), form_token="t")
    with pytest.raises(PortalError, match=f"{label}最多 {n} 个字"):  # the stored (stripped) text counts
        submission_create(body_id=org["baqiao"].pk, data=submission(**{name: f" {fill * (n + 1)} "}), form_token="t")
    assert not OnlineSubmission.objects.exists()


def test_portal_submission_reports_every_problem_and_takes_texts_at_the_limit(
    users: dict[str, User], org: dict[str, Body]
) -> None:
    body = org["baqiao"].pk
    over = {name: fill * (limit(OnlineSubmission, name) + 1) for name, (_label, fill) in PORTAL_TEXTS.items()}
    with pytest.raises(PortalError) as refused:
        submission_create(body_id=body, data=submission(**over), form_token="t")
    assert refused.value.message.count("；") == len(PORTAL_TEXTS) - 1
    assert all(f"{label}最多" in refused.value.message for label, _fill in PORTAL_TEXTS.values())
    full = {name: fill * limit(OnlineSubmission, name) for name, (_label, fill) in PORTAL_TEXTS.items()}
    row, _code = submission_create(
        body_id=body, data=submission(**{k: f" {v} " for k, v in full.items()}), form_token="t"
    )
    row.refresh_from_db()
    assert {name: getattr(row, name) for name in full} == full
    case = submission_accept(actor=users["bq_clerk"], submission_id=row.pk)  # the texts fit the case too
    assert case.applicant_name == full["applicant_name"]


@pytest.mark.parametrize("name", [*PORTAL_TEXTS, "content"])
def test_portal_submission_refuses_nul(org: dict[str, Body], name: str) -> None:
    label = PORTAL_TEXTS[name][0] if name in PORTAL_TEXTS else "所需政府信息的描述"
    with pytest.raises(PortalError, match=f"^{label}包含不可见的控制字符，请重新输入$"):
        submission_create(body_id=org["baqiao"].pk, data=submission(**{name: "12\x0034"}), form_token="t")
    assert not OnlineSubmission.objects.exists()


def test_portal_reject_reason(users: dict[str, User], org: dict[str, Body]) -> None:
    clerk = users["bq_clerk"]
    row, _code = submission_create(body_id=org["baqiao"].pk, data=submission(), form_token="t")
    with pytest.raises(PortalError, match="说明包含不可见的控制字符"):
        submission_reject(actor=clerk, submission_id=row.pk, reason="广告\x00信息")
    with pytest.raises(PortalError, match=f"说明不能超过 {REASON_MAX} 字"):
        submission_reject(actor=clerk, submission_id=row.pk, reason="广" * (REASON_MAX + 1))
    row.refresh_from_db()
    assert row.status == SubmissionStatus.SUBMITTED and row.reject_reason == ""
    submission_reject(actor=clerk, submission_id=row.pk, reason="广" * REASON_MAX)
    row.refresh_from_db()
    assert row.status == SubmissionStatus.REJECTED and row.reject_reason == "广" * REASON_MAX


NUL = "\x00"


def test_the_guard_counts_characters_and_reports_every_problem() -> None:
    assert text_problems("字" * 5, "标题", 5) == []
    assert text_problems("字" * 6, "标题", 5) == ["标题最多 5 个字（现有 6 个字）"]
    assert text_problems(f"字{NUL}字" * 2, "标题", 5) == [
        "标题最多 5 个字（现有 6 个字）",
        "标题包含不可见的控制字符，请重新输入",
    ]
    assert text_problems("字" * 10_000, "正文") == []  # no limit
    assert field_problems(NormativeDocument, {"title": "题" * 301, "note": NUL}, quoted=True) == [
        f"「标题」最多 {limit(NormativeDocument, 'title')} 个字（现有 301 个字）",
        "「备注」包含不可见的控制字符，请重新输入",
    ]
    assert checked_text("  名  ", "名称", 1, error=CalendarError) == "名"  # stored stripped: the spaces do not count
    with pytest.raises(CalendarError, match=r"^请填写名称$"):
        checked_text("  ", "名称", 1, error=CalendarError, required=True)
    with pytest.raises(CalendarError, match=r"^名称最多 1 个字（现有 2 个字）；名称包含不可见的控制字符，请重新输入$"):
        checked_text(f"名{NUL}", "名称", 1, error=CalendarError)


def test_remedy_texts_refuse_nul(users: dict[str, User], org: dict[str, Body]) -> None:
    clerk, body = users["bq_clerk"], org["baqiao"].pk
    with pytest.raises(RemedyError, match=r"^复议机关或法院包含不可见的控制字符，请重新输入$"):
        remedy_create(actor=clerk, body_id=body, data=remedy_data(forum=f"重庆{NUL}法院"))
    with pytest.raises(RemedyError, match=r"^备注包含不可见的控制字符，请重新输入$"):
        remedy_create(actor=clerk, body_id=body, data=remedy_data(note=f"备{NUL}注"))
    assert not RemedyCase.objects.exists()
    remedy = remedy_create(actor=clerk, body_id=body, data=remedy_data(note="备注"))
    with pytest.raises(RemedyError, match=r"^申请人或原告包含不可见的控制字符"):
        remedy_update(actor=clerk, remedy_id=remedy.pk, data=remedy_data(applicant=f"何{NUL}"))
    with pytest.raises(RemedyError, match=r"^说明包含不可见的控制字符"):
        hearing_add(actor=clerk, remedy_id=remedy.pk, on=date(2020, 9, 1), note=f"开庭{NUL}")
    remedy.refresh_from_db()
    assert remedy.applicant == "何建国" and not Hearing.objects.exists()


def test_register_texts_refuse_nul_and_report_every_problem(users: dict[str, User], org: dict[str, Body]) -> None:
    clerk, body = users["bq_clerk"], org["baqiao"].pk
    title = limit(NormativeDocument, "title")
    with pytest.raises(LedgerError) as refused:
        document_create(actor=clerk, body_id=body, data=doc_data(f"号{NUL}", title="题" * (title + 1), note=NUL))
    assert refused.value.message == (
        f"「标题」最多 {title} 个字（现有 {title + 1} 个字）；「文号」包含不可见的控制字符，请重新输入；"
        "「备注」包含不可见的控制字符，请重新输入"
    )
    assert not NormativeDocument.objects.exists()
    doc = document_create(actor=clerk, body_id=body, data=doc_data())
    with pytest.raises(LedgerError, match=r"^「说明」包含不可见的控制字符"):
        amendment_add(actor=clerk, document_id=doc.pk, data=AmendmentData(amended_on=date(2020, 6, 1), note=NUL))
    assert not DocumentAmendment.objects.exists()
    with pytest.raises(LedgerError, match=r"^「数据来源」包含不可见的控制字符"):
        figure_save(actor=clerk, body_id=body, data=procurement(source=f"采购{NUL}平台"))
    assert not YearlyFigure.objects.exists()


def test_proactive_texts(users: dict[str, User], org: dict[str, Body]) -> None:
    clerk, body = users["bq_clerk"], org["baqiao"].pk
    title = limit(ProactiveItem, "title")
    with pytest.raises(ProactiveError, match=f"^标题最多 {title} 个字（现有 {title + 1} 个字）$"):
        item_create(actor=clerk, body_id=body, data=item_data(title="题" * (title + 1)))
    with pytest.raises(ProactiveError, match=r"^正文包含不可见的控制字符，请重新输入$"):
        item_create(actor=clerk, body_id=body, data=item_data(content=f"一、{NUL}"))
    assert not ProactiveItem.objects.exists()
    item = item_create(actor=clerk, body_id=body, data=item_data(title=f" {'题' * title} "))
    assert item.title == "题" * title
