"""Two handlers editing the same case at once: the second is told, nothing is overwritten silently.

Every save of a case raises its version; the edit and action pages carry the version they were shown at and the
write is refused (``该申请已被他人修改，请刷新后重试``) when the case changed in between.
"""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client

from tests.web.conftest import registration
from xxgk.core.workflow import Action
from xxgk.web.cases.concurrency import STALE_MESSAGE, StaleCaseError, case_write_if_current, parse_version
from xxgk.web.cases.models import Case, CaseEdit, CaseEvent
from xxgk.web.cases.services import case_edit_registration, case_register
from xxgk.web.tenancy.models import Body, MemberRole, Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(users: dict[str, User], org: dict[str, Body]) -> Case:
    return case_register(
        actor=users["bq_clerk"], body_id=org["baqiao"].pk, registration=registration(), on=date(2026, 3, 2)
    )


@pytest.fixture
def second_clerk(users: dict[str, User], org: dict[str, Body]) -> User:
    user = User.objects.create_user(username="bq_clerk2", password="x-pass-123")
    Membership.objects.create(user=user, body=org["baqiao"], role=MemberRole.CLERK)
    return user


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _edit_form(client: Client, case: Case) -> dict[str, str]:
    """The registration edit form as the page shows it (its hidden version included)."""
    page = client.get(f"/cases/{case.pk}/edit/")
    assert page.status_code == 200
    form = page.context["form"]
    data = {name: str(form[name].value() or "") for name in form.fields}
    data["version"] = page.context["version"]
    assert f'name="version" value="{data["version"]}"' in page.content.decode()
    return data


def test_every_save_raises_the_version_and_a_stale_copy_never_lowers_it(case: Case, users: dict[str, User]) -> None:
    start = Case.objects.get(pk=case.pk).version
    stale = Case.objects.get(pk=case.pk)
    case_edit_registration(actor=users["bq_clerk"], case_id=case.pk, changes={"agent": "李律师"}, reason="补充")
    assert Case.objects.get(pk=case.pk).version == start + 1
    stale.save(update_fields=["next_due"])  # an unlocked save from an old copy
    assert stale.version == start + 2 == Case.objects.get(pk=case.pk).version


def test_the_second_registration_edit_is_refused_and_the_first_kept(
    case: Case, users: dict[str, User], second_clerk: User
) -> None:
    first, second = _client(users["bq_clerk"]), _client(second_clerk)
    form_a = _edit_form(first, case)
    form_b = _edit_form(second, case)
    assert form_a["version"] == form_b["version"]

    saved = first.post(f"/cases/{case.pk}/edit/", {**form_a, "applicant_name": "张三丰", "reason": "更正姓名"})
    assert saved.status_code == 302

    refused = second.post(f"/cases/{case.pk}/edit/", {**form_b, "content": "另一份文件", "reason": "补充内容"})
    assert refused.status_code == 200
    assert STALE_MESSAGE in refused.content.decode()
    case.refresh_from_db()
    assert (case.applicant_name, case.content) == ("张三丰", registration().content)
    assert CaseEdit.objects.filter(case=case).count() == 1
    # submitting the refused page again is refused again: it still carries the old version
    again = second.post(f"/cases/{case.pk}/edit/", {**form_b, "content": "另一份文件", "reason": "补充内容"})
    assert STALE_MESSAGE in again.content.decode()
    assert CaseEdit.objects.filter(case=case).count() == 1
    # after reloading the page the second handler sees the first's change and may save theirs
    fresh = _edit_form(second, case)
    assert fresh["applicant_name"] == "张三丰"
    done = second.post(f"/cases/{case.pk}/edit/", {**fresh, "content": "另一份文件", "reason": "补充内容"})
    assert done.status_code == 302
    case.refresh_from_db()
    assert (case.applicant_name, case.content) == ("张三丰", "另一份文件")


def test_a_stale_action_form_is_refused(case: Case, users: dict[str, User], second_clerk: User) -> None:
    first, second = _client(users["bq_clerk"]), _client(second_clerk)
    page_a = first.get(f"/cases/{case.pk}/act/{Action.START_CONSULTATION.value}/")
    page_b = second.get(f"/cases/{case.pk}/act/{Action.REQUEST_CORRECTION.value}/")
    version = page_a.context["version"]
    assert page_b.context["version"] == version
    consult = {"on": "2026-03-04", "kind": "third_party", "parties": "某建筑公司", "version": version}
    assert first.post(f"/cases/{case.pk}/act/{Action.START_CONSULTATION.value}/", consult).status_code == 302
    events = CaseEvent.objects.filter(case=case).count()
    correction = {"on": "2026-03-04", "items": "请写明文件名称", "due": "2026-04-10", "version": version}
    refused = second.post(f"/cases/{case.pk}/act/{Action.REQUEST_CORRECTION.value}/", correction)
    assert refused.status_code in (200, 403)
    if refused.status_code == 200:
        assert STALE_MESSAGE in refused.content.decode()
    assert CaseEvent.objects.filter(case=case).count() == events
    case.refresh_from_db()
    assert case.status == "consulting"


def test_a_stale_form_of_an_action_still_allowed_is_refused(
    case: Case, users: dict[str, User], second_clerk: User
) -> None:
    """The first handler edits the registration; the second's withdrawal form (still a legal move) was shown
    before: it is refused, not applied to a case its author has not seen."""
    second = _client(second_clerk)
    version = second.get(f"/cases/{case.pk}/act/{Action.WITHDRAW.value}/").context["version"]
    case_edit_registration(actor=users["bq_clerk"], case_id=case.pk, changes={"agent": "李律师"}, reason="补充")
    data = {"on": "2026-03-04", "reason": "申请人电话撤回", "version": version}
    refused = second.post(f"/cases/{case.pk}/act/{Action.WITHDRAW.value}/", data)
    assert refused.status_code == 200 and STALE_MESSAGE in refused.content.decode()
    case.refresh_from_db()
    assert case.status == "processing"
    fresh = second.get(f"/cases/{case.pk}/act/{Action.WITHDRAW.value}/").context["version"]
    assert second.post(f"/cases/{case.pk}/act/{Action.WITHDRAW.value}/", {**data, "version": fresh}).status_code == 302
    case.refresh_from_db()
    assert case.status == "closed" and case.outcome == "withdrawn"


def test_a_form_without_version_and_a_tampered_version(case: Case, users: dict[str, User]) -> None:
    """Callers that show no version (the API, older pages) are not compared; a garbled version never matches."""
    assert parse_version(None) is None and parse_version("") is None
    assert parse_version("7") == 7 and parse_version("x") == -1
    with pytest.raises(StaleCaseError, match=STALE_MESSAGE):
        case_write_if_current(actor=users["bq_clerk"], case_id=case.pk, version=-1, write=lambda: None)
    client = _client(users["bq_clerk"])
    data = {"on": "2026-03-04", "kind": "third_party", "parties": "某建筑公司"}
    assert client.post(f"/cases/{case.pk}/act/{Action.START_CONSULTATION.value}/", data).status_code == 302


def test_the_check_keeps_the_access_rules(case: Case, users: dict[str, User]) -> None:
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    version = Case.objects.get(pk=case.pk).version
    with pytest.raises(Http404):
        case_write_if_current(actor=users["td_clerk"], case_id=case.pk, version=version, write=lambda: None)
    with pytest.raises(PermissionDenied):
        case_write_if_current(actor=users["qu_viewer"], case_id=case.pk, version=version, write=lambda: None)


@pytest.mark.django_db(transaction=True)
def test_two_writers_at_the_same_moment(users: dict[str, User], org: dict[str, Body], second_clerk: User) -> None:
    """Real concurrency (PostgreSQL: row locks across connections): both start from the same version at once;
    exactly one write lands, the other is told."""
    if connection.vendor != "postgresql":
        pytest.skip("needs a database with row locks across connections (PostgreSQL)")
    case = case_register(
        actor=users["bq_clerk"], body_id=org["baqiao"].pk, registration=registration(), on=date(2026, 3, 2)
    )
    version = Case.objects.get(pk=case.pk).version
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def writer(actor: User, agent: str) -> None:
        try:
            barrier.wait()
            case_write_if_current(
                actor=actor,
                case_id=case.pk,
                version=version,
                write=lambda: case_edit_registration(
                    actor=actor, case_id=case.pk, changes={"agent": agent}, reason="补充代理人"
                ),
            )
            outcomes.append("saved")
        except StaleCaseError:
            outcomes.append("stale")
        except Exception as exc:  # pragma: no cover - reported by the assertion below
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=writer, args=(users["bq_clerk"], "李律师")),
        threading.Thread(target=writer, args=(second_clerk, "王律师")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["saved", "stale"]
    assert CaseEdit.objects.filter(case=case).count() == 1
