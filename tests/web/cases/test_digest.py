"""The daily digest: one e-mail per handler with their overdue and due-soon cases; idempotent per day."""

from __future__ import annotations

from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import CommandError, call_command
from django.test import override_settings

from tests.web.cases.conftest import Register
from xxgk.core.calendar import add_working_days
from xxgk.core.workflow import Withdrawal
from xxgk.web.audit.codes import AuditCode
from xxgk.web.audit.models import AuditEvent
from xxgk.web.cases import services as s
from xxgk.web.cases.digest import digest_send
from xxgk.web.cases.models import Case, DigestLog
from xxgk.web.tenancy.models import Membership
from xxgk.web.workcalendar.selectors import calendar_get

pytestmark = pytest.mark.django_db


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Any) -> int:
        raise OSError("SMTP 服务器拒绝连接")


@pytest.fixture
def cases(register: Register, users: dict[str, User]) -> dict[str, Case]:
    """For bq_clerk: one case overdue on ``ON`` and one due within 5 working days, one far away, one closed;
    one case of td_clerk (who has no e-mail address)."""
    users["bq_clerk"].email = "bq@example.org"
    users["bq_clerk"].save()
    return {
        "overdue": register(on=date(2026, 3, 2), content="事项一", contact="13900000001"),
        "soon": register(on=date(2026, 3, 10), content="事项二", contact="13900000002"),
        "far": register(on=date(2026, 3, 16), content="事项三", contact="13900000003"),
        "closed": s.case_withdraw(
            actor=users["bq_clerk"],
            case_id=register(on=date(2026, 3, 2), content="事项四", contact="13900000004").pk,
            data=Withdrawal(),
            on=date(2026, 3, 3),
        ),
        "td": register(on=date(2026, 3, 2), body="tiaodeng", clerk="td_clerk", content="事项五"),
    }


ON = date(2026, 3, 16)


def test_the_fixture_dates_are_what_the_tests_say(cases: dict[str, Case]) -> None:
    horizon = add_working_days(ON, 5, calendar_get()).day
    overdue, soon, far = cases["overdue"].next_due, cases["soon"].next_due, cases["far"].next_due
    assert overdue is not None and overdue < ON
    assert soon is not None and ON <= soon <= horizon
    assert far is not None and far > horizon


@override_settings(XXGK_BASE_URL="https://xxgk.example.gov.cn/")
def test_one_message_per_handler_with_links(cases: dict[str, Case], users: dict[str, User]) -> None:
    result = digest_send(on=ON, days=5)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["bq@example.org"]
    assert "已逾期 1 件" in message.subject and "即将到期 1 件" in message.subject and "2026-03-16" in message.subject
    body = message.body
    for key in ("overdue", "soon"):
        assert cases[key].number in body
        assert f"https://xxgk.example.gov.cn/cases/{cases[key].pk}/" in body
    assert f"/cases/{cases['far'].pk}/" not in body and f"/cases/{cases['closed'].pk}/" not in body
    assert body.index(f"/cases/{cases['overdue'].pk}/") < body.index(f"/cases/{cases['soon'].pk}/")
    assert isinstance(message, EmailMultiAlternatives)
    html, mimetype = message.alternatives[0]
    assert (
        isinstance(html, str)
        and mimetype == "text/html"
        and f'href="https://xxgk.example.gov.cn/cases/{cases["soon"].pk}/"' in html
    )
    assert [m.username for m in result.sent] == ["bq_clerk"] and result.no_email == ["td_clerk"]
    log = DigestLog.objects.get(user=users["bq_clerk"], on=ON)
    assert (log.overdue, log.due_soon, log.sends, log.email) == (1, 1, 1, "bq@example.org")
    audit = AuditEvent.objects.get(code=AuditCode.DIGEST_SENT)
    assert isinstance(audit.new, dict) and audit.new["cases"] == [cases["overdue"].number, cases["soon"].number]


def test_html_escapes_applicant_names(register: Register, users: dict[str, User]) -> None:
    users["bq_clerk"].email = "bq@example.org"
    users["bq_clerk"].save()
    register(on=date(2026, 3, 2), name="<b>张三</b>")
    digest_send(on=ON, days=5)
    message = mail.outbox[0]
    assert isinstance(message, EmailMultiAlternatives)
    html = str(message.alternatives[0][0])
    assert "<b>张三</b>" not in html and "&lt;b&gt;张三&lt;/b&gt;" in html
    assert "<b>张三</b>" in mail.outbox[0].body  # the plain-text part is not HTML-escaped


def test_running_twice_sends_nothing_twice_unless_forced(cases: dict[str, Case], users: dict[str, User]) -> None:
    digest_send(on=ON, days=5)
    again = digest_send(on=ON, days=5)
    assert len(mail.outbox) == 1 and again.sent == [] and again.already_sent == ["bq_clerk"]
    forced = digest_send(on=ON, days=5, force=True)
    assert len(mail.outbox) == 2 and [m.username for m in forced.sent] == ["bq_clerk"]
    assert DigestLog.objects.get(user=users["bq_clerk"], on=ON).sends == 2
    next_day = digest_send(on=date(2026, 3, 17), days=5)
    assert len(mail.outbox) == 3 and len(next_day.sent) == 1


def test_dry_run_sends_and_records_nothing(cases: dict[str, Case]) -> None:
    result = digest_send(on=ON, days=5, dry_run=True)
    assert [m.numbers for m in result.sent] == [(cases["overdue"].number, cases["soon"].number)]
    assert mail.outbox == [] and not DigestLog.objects.exists() and not AuditEvent.objects.filter(code=901).exists()


def test_the_horizon_follows_days(cases: dict[str, Case]) -> None:
    result = digest_send(on=ON, days=0, dry_run=True)
    assert result.sent[0].numbers == (cases["overdue"].number,)
    far = cases["far"].next_due
    assert far is not None
    wide = digest_send(on=ON, days=30, dry_run=True)
    assert cases["far"].number in wide.sent[0].numbers


def test_handlers_who_left_the_body_or_are_inactive_get_nothing(cases: dict[str, Case], users: dict[str, User]) -> None:
    Membership.objects.filter(user=users["bq_clerk"]).delete()
    assert digest_send(on=ON, days=5).sent == [] and mail.outbox == []
    users["td_clerk"].email = "td@example.org"
    users["td_clerk"].is_active = False
    users["td_clerk"].save()
    assert digest_send(on=ON, days=5).sent == []


def test_a_failing_backend_is_reported_and_nothing_is_recorded(cases: dict[str, Case]) -> None:
    with override_settings(EMAIL_BACKEND="tests.web.cases.test_digest.FailingBackend"):
        result = digest_send(on=ON, days=5)
        assert result.sent == [] and result.failed == [("bq_clerk", "SMTP 服务器拒绝连接")]
        assert not DigestLog.objects.exists() and not AuditEvent.objects.filter(code=901).exists()
        err = StringIO()
        with pytest.raises(CommandError, match="1 封邮件发送失败"):
            call_command("xxgk_digest", "--date", "2026-03-16", stdout=StringIO(), stderr=err)
        assert "SMTP 服务器拒绝连接" in err.getvalue()
    assert len(digest_send(on=ON, days=5).sent) == 1  # the next run retries


def test_command_reports_and_is_idempotent(cases: dict[str, Case]) -> None:
    out = StringIO()
    call_command("xxgk_digest", "--date", "2026-03-16", "--days", "5", stdout=out)
    text = out.getvalue()
    assert "已发送：bq_clerk <bq@example.org>" in text and cases["overdue"].number in text
    assert "没有电子邮件地址，未发送：td_clerk" in text
    out = StringIO()
    call_command("xxgk_digest", "--date", "2026-03-16", "--days", "5", stdout=out)
    assert "今天已发送过，跳过：bq_clerk" in out.getvalue() and len(mail.outbox) == 1
    out = StringIO()
    call_command("xxgk_digest", "--date", "2026-03-16", "--dry-run", "--force", stdout=out)
    assert "将发送：bq_clerk" in out.getvalue() and len(mail.outbox) == 1


@pytest.mark.parametrize(("args", "message"), [(["--date", "16/03/2026"], "YYYY-MM-DD"), (["--days", "99"], "0 到 60")])
def test_command_refuses_bad_arguments(args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("xxgk_digest", *args, stdout=StringIO())
