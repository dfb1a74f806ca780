"""Register services: documents, amendments, figures — validation, scoping, audit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404

from tests.web.registers.conftest import doc_data, new_of, old_of, procurement
from xxgk.core.table2 import FigureItem, LedgerError
from xxgk.web.audit.codes import AuditCode
from xxgk.web.audit.models import AuditEvent
from xxgk.web.registers.data import AmendmentData, FigureData
from xxgk.web.registers.models import DocumentAmendment, NormativeDocument, YearlyFigure
from xxgk.web.registers.services import (
    amendment_add,
    amendment_delete,
    document_create,
    document_delete,
    document_update,
    figure_delete,
    figure_save,
)
from xxgk.web.tenancy.models import Body

pytestmark = pytest.mark.django_db


def test_create_document_is_audited(document: NormativeDocument, users: dict[str, User]) -> None:
    event = AuditEvent.objects.get(code=AuditCode.REGISTER_DOCUMENT_CREATED)
    assert event.object_id == str(document.pk) and event.actor == users["bq_clerk"]
    assert new_of(event)["doc_number"] == "八桥府发〔2020〕1号" and event.body_id == document.body_id


def test_document_number_is_unique_per_body(
    document: NormativeDocument, users: dict[str, User], org: dict[str, Body]
) -> None:
    with pytest.raises(LedgerError, match="已登记文号"):
        document_create(actor=users["bq_head"], body_id=org["baqiao"].pk, data=doc_data())
    # the same 文号 in another body is another document
    document_create(actor=users["td_clerk"], body_id=org["tiaodeng"].pk, data=doc_data())
    assert NormativeDocument.objects.count() == 2


def test_inconsistent_lifecycle_is_refused(users: dict[str, User], org: dict[str, Body]) -> None:
    bad = doc_data(published_on=date(2020, 1, 1), repealed_on=date(2020, 3, 1))
    with pytest.raises(LedgerError, match="公开日期不能早于制发日期；废止日期应晚于制发日期"):
        document_create(actor=users["bq_clerk"], body_id=org["baqiao"].pk, data=bad)
    with pytest.raises(LedgerError, match="请填写标题"):
        document_create(actor=users["bq_clerk"], body_id=org["baqiao"].pk, data=doc_data(title=" "))
    assert not NormativeDocument.objects.exists() and not AuditEvent.objects.exists()


def test_scoping_of_document_writes(users: dict[str, User], org: dict[str, Body], document: NormativeDocument) -> None:
    with pytest.raises(Http404):
        document_create(actor=users["td_clerk"], body_id=org["baqiao"].pk, data=doc_data("x"))
    with pytest.raises(PermissionDenied):
        document_create(actor=users["qu_viewer"], body_id=org["baqiao"].pk, data=doc_data("x"))
    with pytest.raises(Http404):
        document_update(actor=users["td_clerk"], document_id=document.pk, data=doc_data(title="改"))
    with pytest.raises(PermissionDenied):
        document_update(actor=users["qu_viewer"], document_id=document.pk, data=doc_data(title="改"))
    with pytest.raises(PermissionDenied):
        document_delete(actor=users["qu_viewer"], document_id=document.pk)
    with pytest.raises(Http404):
        amendment_add(actor=users["nobody"], document_id=document.pk, data=AmendmentData(date(2021, 1, 1)))
    document.refresh_from_db()
    assert document.title == "关于印发某某办法的通知"


def test_update_records_old_and_new(users: dict[str, User], document: NormativeDocument) -> None:
    document_update(actor=users["bq_reviewer"], document_id=document.pk, data=doc_data(repealed_on=date(2023, 6, 1)))
    document.refresh_from_db()
    assert document.repealed_on == date(2023, 6, 1)
    event = AuditEvent.objects.get(code=AuditCode.REGISTER_DOCUMENT_EDITED)
    assert old_of(event)["repealed_on"] is None and new_of(event)["repealed_on"] == "2023-06-01"
    # saving the same data again changes nothing and audits nothing
    document_update(actor=users["bq_reviewer"], document_id=document.pk, data=doc_data(repealed_on=date(2023, 6, 1)))
    assert AuditEvent.objects.filter(code=AuditCode.REGISTER_DOCUMENT_EDITED).count() == 1


def test_amendments_are_checked_against_the_lifecycle(users: dict[str, User], document: NormativeDocument) -> None:
    clerk = users["bq_clerk"]
    row = amendment_add(
        actor=clerk, document_id=document.pk, data=AmendmentData(date(2021, 5, 1), "八桥府发〔2021〕3号")
    )
    with pytest.raises(LedgerError, match="已登记 2021-05-01 的修改"):
        amendment_add(actor=clerk, document_id=document.pk, data=AmendmentData(date(2021, 5, 1)))
    with pytest.raises(LedgerError, match="应晚于制发日期"):
        amendment_add(actor=clerk, document_id=document.pk, data=AmendmentData(date(2019, 5, 1)))
    # a repeal before the amendment is now inconsistent
    with pytest.raises(LedgerError, match="应早于废止日期"):
        document_update(actor=clerk, document_id=document.pk, data=doc_data(repealed_on=date(2021, 1, 1)))
    amendment_delete(actor=clerk, amendment_id=row.pk)
    assert not DocumentAmendment.objects.exists()
    codes = list(AuditEvent.objects.order_by("id").values_list("code", flat=True))
    assert codes[-2:] == [AuditCode.REGISTER_AMENDMENT_ADDED, AuditCode.REGISTER_AMENDMENT_DELETED]


def test_delete_document_keeps_the_audit(users: dict[str, User], document: NormativeDocument) -> None:
    amendment_add(actor=users["bq_clerk"], document_id=document.pk, data=AmendmentData(date(2021, 5, 1)))
    document_delete(actor=users["bq_clerk"], document_id=document.pk)
    assert not NormativeDocument.objects.exists() and not DocumentAmendment.objects.exists()
    event = AuditEvent.objects.get(code=AuditCode.REGISTER_DOCUMENT_DELETED)
    assert old_of(event)["title"] == "关于印发某某办法的通知" and old_of(event)["amendments"] == ["2021-05-01"]


def test_figure_save_upserts_one_per_item_and_year(users: dict[str, User], org: dict[str, Body]) -> None:
    body = org["baqiao"].pk
    first = figure_save(actor=users["bq_clerk"], body_id=body, data=procurement())
    second = figure_save(actor=users["bq_head"], body_id=body, data=procurement(projects=96, source="更正"))
    assert first.pk == second.pk and YearlyFigure.objects.count() == 1
    second.refresh_from_db()
    assert (second.projects, second.amount, second.entered_by) == (96, Decimal("589.08"), users["bq_head"])
    events = list(AuditEvent.objects.filter(code=AuditCode.REGISTER_FIGURE_SAVED).order_by("id"))
    assert events[0].old is None and old_of(events[1])["projects"] == 95 and new_of(events[1])["projects"] == 96
    assert new_of(events[1])["amount"] == "589.08"
    figure_save(actor=users["bq_head"], body_id=body, data=procurement(projects=96, source="更正"))
    assert AuditEvent.objects.filter(code=AuditCode.REGISTER_FIGURE_SAVED).count() == 2  # unchanged: no event


def test_figure_validation_follows_the_years_template(users: dict[str, User], org: dict[str, Body]) -> None:
    body = org["baqiao"].pk
    with pytest.raises(LedgerError, match="2021年起的年度报告模板没有「政府集中采购」"):
        figure_save(actor=users["bq_clerk"], body_id=body, data=procurement(year=2021))
    with pytest.raises(LedgerError, match="「处理决定数量」不能为空"):
        figure_save(
            actor=users["bq_clerk"],
            body_id=body,
            data=FigureData(year=2020, item=FigureItem.LICENSING, prev_items=1, change=0, source="s"),
        )
    with pytest.raises(LedgerError, match="请注明数据来源"):
        figure_save(actor=users["bq_clerk"], body_id=body, data=procurement(source="  "))
    with pytest.raises(PermissionDenied):
        figure_save(actor=users["qu_viewer"], body_id=body, data=procurement())
    with pytest.raises(Http404):
        figure_save(actor=users["td_clerk"], body_id=body, data=procurement())
    assert not YearlyFigure.objects.exists()


def test_figure_delete_scoping(users: dict[str, User], org: dict[str, Body]) -> None:
    fig = figure_save(actor=users["bq_clerk"], body_id=org["baqiao"].pk, data=procurement())
    with pytest.raises(Http404):
        figure_delete(actor=users["td_clerk"], figure_id=fig.pk)
    with pytest.raises(PermissionDenied):
        figure_delete(actor=users["qu_viewer"], figure_id=fig.pk)
    figure_delete(actor=users["bq_reviewer"], figure_id=fig.pk)
    assert not YearlyFigure.objects.exists()
    assert old_of(AuditEvent.objects.get(code=AuditCode.REGISTER_FIGURE_DELETED))["projects"] == 95
