"""信息处理费 totals per body and year (section 六 of the annual report): cached fee columns, aggregates, page."""

from __future__ import annotations

import importlib
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.web.cases.conftest import Register
from xxgk.core.fees import FeeMethod
from xxgk.core.workflow import FeeNotice, Payment
from xxgk.web.cases import services as s
from xxgk.web.cases.models import Case
from xxgk.web.cases.selectors import fee_totals_by_year, fees_collected

pytestmark = pytest.mark.django_db


def _notice(users: dict[str, User], case: Case, amount: int, on: date, clerk: str = "bq_clerk") -> Case:
    data = FeeNotice(FeeMethod.BY_ITEM, Decimal(amount), on + timedelta(days=1), ("本月第11件",))
    return s.case_send_fee_notice(actor=users[clerk], case_id=case.pk, data=data, on=on)


def _pay(users: dict[str, User], case: Case, amount: int, on: date, clerk: str = "bq_clerk") -> Case:
    return s.case_record_payment(actor=users[clerk], case_id=case.pk, data=Payment(Decimal(amount)), on=on)


@pytest.fixture
def fee_history(register: Register, users: dict[str, User]) -> dict[str, Case]:
    """2025: one fee paid in 2025 (100), one notice sent in December and paid in January 2026 (200), one left
    unpaid until it expired in 2026; 跳磴镇 collects 300 in 2025."""
    paid_2025 = register(on=date(2025, 3, 3), content="事项一")
    _notice(users, paid_2025, 100, date(2025, 3, 4))
    paid_2025 = _pay(users, paid_2025, 100, date(2025, 3, 10))
    paid_2026 = register(on=date(2025, 12, 15), content="事项二")
    _notice(users, paid_2026, 200, date(2025, 12, 16))
    paid_2026 = _pay(users, paid_2026, 200, date(2026, 1, 5))
    unpaid = register(on=date(2025, 12, 1), content="事项三")
    _notice(users, unpaid, 300, date(2025, 12, 2))
    unpaid = s.case_fee_overdue(actor=users["bq_clerk"], case_id=unpaid.pk, on=date(2026, 1, 20))
    td = register(on=date(2025, 5, 6), body="tiaodeng", clerk="td_clerk", content="事项四")
    _notice(users, td, 300, date(2025, 5, 7), clerk="td_clerk")
    td = _pay(users, td, 300, date(2025, 5, 8), clerk="td_clerk")
    return {"paid_2025": paid_2025, "paid_2026": paid_2026, "unpaid": unpaid, "td": td}


def test_payment_service_writes_the_cached_fee_columns(fee_history: dict[str, Case]) -> None:
    case = fee_history["paid_2026"]
    assert (case.fee_amount, case.fee_notice_on, case.fee_paid_on) == (
        Decimal("200.00"),
        date(2025, 12, 16),
        date(2026, 1, 5),
    )
    unpaid = fee_history["unpaid"]
    assert unpaid.fee_amount == Decimal("300.00") and unpaid.fee_paid_on is None and unpaid.outcome == "no_fee"


def test_fees_collected_counts_by_the_payment_year(fee_history: dict[str, Case], org: dict[str, object]) -> None:
    baqiao = fee_history["paid_2025"].body_id
    y2025 = fees_collected(body_id=baqiao, year=2025)
    assert (y2025.amount, y2025.cases_paid, y2025.notices_sent, y2025.unpaid_expired) == (Decimal("100.00"), 1, 3, 0)
    assert y2025.statement == "2025年，本机关依据《政府信息公开信息处理费管理办法》收取信息处理费100.00元。"
    y2026 = fees_collected(body_id=baqiao, year=2026)
    assert (y2026.amount, y2026.cases_paid, y2026.notices_sent, y2026.unpaid_expired) == (Decimal("200.00"), 1, 0, 1)
    none = fees_collected(body_id=baqiao, year=2024)
    assert none.amount == Decimal("0.00") and none.statement == "2024年，本机关未收取信息处理费。"
    td = fees_collected(body_id=fee_history["td"].body_id, year=2025)
    assert td.amount == Decimal("300.00") and td.cases_paid == 1
    with CaptureQueriesContext(connection) as ctx:
        fees_collected(body_id=baqiao, year=2025)
    assert len(ctx.captured_queries) == 1


def test_totals_by_year_match_the_per_year_selector(fee_history: dict[str, Case]) -> None:
    bodies = {c.body_id for c in fee_history.values()}
    with CaptureQueriesContext(connection) as ctx:
        totals = fee_totals_by_year(body_ids=bodies)
    assert len(ctx.captured_queries) == 3
    for body_id, years in totals.items():
        assert [t.year for t in years] == sorted((t.year for t in years), reverse=True)
        for t in years:
            assert t == fees_collected(body_id=body_id, year=t.year)
    assert [t.year for t in totals[fee_history["paid_2025"].body_id]] == [2026, 2025]


def test_data_migration_fills_the_columns_from_the_events(fee_history: dict[str, Case]) -> None:
    before = {
        c.pk: (c.fee_amount, c.fee_notice_on, c.fee_paid_on, c.applicant_name_key, c.applicant_contact_key)
        for c in Case.objects.all()
    }
    Case.objects.update(
        fee_amount=None, fee_notice_on=None, fee_paid_on=None, applicant_name_key="", applicant_contact_key=""
    )
    migration = importlib.import_module("xxgk.web.cases.migrations.0003_fill_applicant_keys_and_fees")

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection  # type: ignore[attr-defined]
    migration.forwards(django_apps, editor)
    after = {
        c.pk: (c.fee_amount, c.fee_notice_on, c.fee_paid_on, c.applicant_name_key, c.applicant_contact_key)
        for c in Case.objects.all()
    }
    assert after == before
    assert before[fee_history["paid_2026"].pk][2] == date(2026, 1, 5)


def test_fees_page_lists_visible_bodies_only(login: object, fee_history: dict[str, Case], client: Client) -> None:
    anonymous = client.get("/cases/fees/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    clerk: Client = login("bq_clerk")  # type: ignore[operator]
    page = clerk.get("/cases/fees/").content.decode()
    assert "八桥镇" in page and "跳磴镇" not in page
    assert 'data-year="2026"' in page and "200.00" in page and "300.00" not in page
    viewer: Client = login("qu_viewer")  # type: ignore[operator]
    page = viewer.get("/cases/fees/").content.decode()
    assert "八桥镇" in page and "跳磴镇" in page and "300.00" in page  # the supervisor sees both towns
    nobody: Client = login("nobody")  # type: ignore[operator]
    page = nobody.get("/cases/fees/").content.decode()
    assert "八桥镇" not in page and "100.00" not in page
