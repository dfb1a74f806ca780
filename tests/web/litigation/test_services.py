"""Review and litigation services: create, edit, close, reopen, hearings — checks, scoping, audit."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from tests.web.conftest import registration
from tests.web.litigation.conftest import new_of, old_of, remedy_data
from xxgk.core.table4 import RemedyError, RemedyKind, RemedyResult
from xxgk.web.audit.codes import AuditCode
from xxgk.web.audit.models import AuditEvent
from xxgk.web.cases.models import Case
from xxgk.web.cases.services import case_register
from xxgk.web.litigation.models import Hearing, RemedyCase
from xxgk.web.litigation.selectors import remedies_for_case
from xxgk.web.litigation.services import (
    hearing_add,
    hearing_delete,
    remedy_close,
    remedy_create,
    remedy_reopen,
    remedy_update,
)
from xxgk.web.tenancy.models import Body

pytestmark = pytest.mark.django_db


def test_create_links_the_application_and_audits(remedy: RemedyCase, application: Case, users: dict[str, User]) -> None:
    assert list(remedy.cases.all()) == [application]
    assert remedies_for_case(case=application) == [remedy]
    event = AuditEvent.objects.get(code=AuditCode.REMEDY_CREATED)
    assert new_of(event)["cases"] == [application.number] and event.actor == users["bq_clerk"]


def test_linking_another_bodys_application_is_refused(users: dict[str, User], org: dict[str, Body]) -> None:
    other = case_register(
        actor=users["td_clerk"],
        body_id=org["tiaodeng"].pk,
        registration=registration(submitted_on=date(2020, 5, 11)),
        on=date(2020, 5, 11),
    )
    with pytest.raises(Http404):  # not visible to a 八桥镇 clerk: the same answer as a missing application
        remedy_create(actor=users["bq_clerk"], body_id=org["baqiao"].pk, data=remedy_data(case_ids=(other.pk,)))
    with pytest.raises(Http404):
        remedy_create(actor=users["bq_clerk"], body_id=org["baqiao"].pk, data=remedy_data(case_ids=(999999,)))
    # the district admin works in the district and sees 跳磴镇's application, but it is not the district's
    with pytest.raises(RemedyError, match="不属于本机关"):
        remedy_create(actor=users["qu_admin"], body_id=org["district"].pk, data=remedy_data(case_ids=(other.pk,)))
    assert not RemedyCase.objects.exists()


def test_scoping_of_writes(remedy: RemedyCase, users: dict[str, User], org: dict[str, Body]) -> None:
    with pytest.raises(Http404):
        remedy_create(actor=users["td_clerk"], body_id=org["baqiao"].pk, data=remedy_data())
    with pytest.raises(PermissionDenied):
        remedy_create(actor=users["qu_viewer"], body_id=org["baqiao"].pk, data=remedy_data())
    with pytest.raises(Http404):
        remedy_close(
            actor=users["td_clerk"], remedy_id=remedy.pk, result=RemedyResult.UPHELD, closed_on=date(2020, 9, 1)
        )
    with pytest.raises(PermissionDenied):
        remedy_update(actor=users["qu_viewer"], remedy_id=remedy.pk, data=remedy_data(forum="改"))
    with pytest.raises(PermissionDenied):
        hearing_add(actor=users["qu_viewer"], remedy_id=remedy.pk, on=date(2020, 8, 1))
    remedy.refresh_from_db()
    assert remedy.forum == "重庆铁路运输法院" and remedy.closed_on is None


def test_checks(users: dict[str, User], org: dict[str, Body], remedy: RemedyCase) -> None:
    clerk, body = users["bq_clerk"], org["baqiao"].pk
    future = timezone.localdate() + timedelta(days=1)
    with pytest.raises(RemedyError, match="申请（立案）日期不能晚于今天"):
        remedy_create(actor=clerk, body_id=body, data=remedy_data(filed_on=future))
    with pytest.raises(RemedyError, match="请填写复议机关或法院"):
        remedy_create(actor=clerk, body_id=body, data=remedy_data(forum=" "))
    with pytest.raises(RemedyError, match="不适用于行政诉讼"):
        remedy_close(
            actor=clerk, remedy_id=remedy.pk, result=RemedyResult.REVIEW_REQUEST_REJECTED, closed_on=date(2020, 9, 1)
        )
    with pytest.raises(RemedyError, match="结案日期不能早于"):
        remedy_close(actor=clerk, remedy_id=remedy.pk, result=RemedyResult.CLAIM_REJECTED, closed_on=date(2020, 1, 1))
    with pytest.raises(RemedyError, match="开庭（听证）日期不能早于"):
        hearing_add(actor=clerk, remedy_id=remedy.pk, on=date(2020, 1, 1))
    remedy.refresh_from_db()
    assert remedy.closed_on is None and remedy.result == ""


def test_close_reopen_and_hearings(users: dict[str, User], remedy: RemedyCase) -> None:
    clerk = users["bq_clerk"]
    h = hearing_add(actor=clerk, remedy_id=remedy.pk, on=date(2020, 9, 15), note="一审开庭")
    remedy_close(
        actor=clerk,
        remedy_id=remedy.pk,
        result=RemedyResult.CLAIM_REJECTED,
        result_on=date(2020, 11, 10),
        closed_on=date(2020, 11, 27),
    )
    with pytest.raises(RemedyError, match="已结案"):
        remedy_close(actor=clerk, remedy_id=remedy.pk, result=RemedyResult.REVOKED, closed_on=date(2020, 12, 1))
    with pytest.raises(RemedyError, match="请说明"):
        remedy_reopen(actor=clerk, remedy_id=remedy.pk, reason=" ")
    remedy_reopen(actor=users["bq_head"], remedy_id=remedy.pk, reason="结案日期录错")
    remedy.refresh_from_db()
    assert remedy.closed_on is None and remedy.result == RemedyResult.CLAIM_REJECTED
    with pytest.raises(RemedyError, match="尚未结案"):
        remedy_reopen(actor=clerk, remedy_id=remedy.pk, reason="x")
    hearing_delete(actor=clerk, hearing_id=h.pk)
    assert not Hearing.objects.exists()
    codes = list(AuditEvent.objects.filter(object_type="remedy").order_by("id").values_list("code", flat=True))
    assert codes == [
        AuditCode.REMEDY_CREATED,
        AuditCode.REMEDY_HEARING_ADDED,
        AuditCode.REMEDY_CLOSED,
        AuditCode.REMEDY_REOPENED,
        AuditCode.REMEDY_HEARING_DELETED,
    ]
    closed = AuditEvent.objects.get(code=AuditCode.REMEDY_CLOSED)
    assert old_of(closed)["closed_on"] is None and new_of(closed)["closed_on"] == "2020-11-27"


def test_update_changes_kind_and_links(users: dict[str, User], remedy: RemedyCase, application: Case) -> None:
    remedy_update(
        actor=users["bq_clerk"], remedy_id=remedy.pk, data=remedy_data(kind=RemedyKind.SUIT_AFTER_REVIEW, case_ids=())
    )
    remedy.refresh_from_db()
    assert remedy.kind == RemedyKind.SUIT_AFTER_REVIEW and not remedy.cases.exists()
    event = AuditEvent.objects.get(code=AuditCode.REMEDY_EDITED)
    assert old_of(event)["cases"] == [application.number] and new_of(event)["cases"] == []
