"""Applications processed through the real services, across a year end, counted as the rules say."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import User

from tests.web.conftest import registration
from xxgk.core.model import Number
from xxgk.core.outcomes import ApplicantType, Channel, Outcome
from xxgk.core.receipt import ReceiptFacts
from xxgk.core.workflow import CorrectionRequest, ReceiptConfirmation, Reply, ReviewNote, Withdrawal
from xxgk.web.cases import services as s
from xxgk.web.cases.models import Case
from xxgk.web.reports.counting import Uncounted
from xxgk.web.reports.selectors import report_cell_sources, report_compute
from xxgk.web.tenancy.models import Body

pytestmark = pytest.mark.django_db


def _nonzero(cells: dict[str, Number | None]) -> dict[str, Number | None]:
    return {k: v for k, v in cells.items() if k.startswith("s3.") and v}


def test_a_year_end_through_the_services(users: dict[str, User], org: dict[str, Body]) -> None:
    clerk, reviewer = users["bq_clerk"], users["bq_reviewer"]
    body = org["baqiao"].pk

    def register(on: date, **kwargs: object) -> Case:
        return s.case_register(actor=clerk, body_id=body, registration=registration(**kwargs), on=on)  # type: ignore[arg-type]

    def answer(case: Case, outcome: Outcome, on: date) -> Case:
        s.case_draft_reply(actor=clerk, case_id=case.pk, data=Reply(outcome=outcome), on=on)
        s.case_approve_reply(actor=reviewer, case_id=case.pk, data=ReviewNote("同意"), on=on)
        return s.case_send_reply(actor=clerk, case_id=case.pk, on=on)

    # on the spot, June 2025: 予以公开 (已主动公开)
    spot = register(date(2025, 6, 2), submitted_on=date(2025, 6, 2))
    s.case_reply_on_the_spot(
        actor=clerk, case_id=spot.pk, data=Reply(outcome=Outcome.GRANTED_PUBLISHED), on=date(2025, 6, 2)
    )
    # 补正 never came: 视为放弃, recorded 1 December 2025
    lapsed = register(date(2025, 11, 3), submitted_on=date(2025, 11, 3))
    s.case_request_correction(
        actor=clerk,
        case_id=lapsed.pk,
        data=CorrectionRequest(("请写明文号",), date(2025, 11, 20)),
        on=date(2025, 11, 5),
    )
    s.case_correction_overdue(actor=clerk, case_id=lapsed.pk, on=date(2025, 12, 1))
    # withdrawn in December 2025
    withdrawn = register(date(2025, 12, 15), submitted_on=date(2025, 12, 15))
    s.case_withdraw(actor=clerk, case_id=withdrawn.pk, data=Withdrawal("书面撤回"), on=date(2025, 12, 20))
    # received 29 December 2025, answered 6 January 2026: carried over
    carried = register(date(2025, 12, 29), submitted_on=date(2025, 12, 29))
    # online on 30 December 2025, confirmed with the applicant only on 4 January 2026
    online = register(date(2025, 12, 30), channel=Channel.ONLINE, receipt=ReceiptFacts(arrived_on=date(2025, 12, 30)))
    assert online.received_on is None

    before = report_compute(body_id=body, year=2025)
    assert before.uncounted[Uncounted.PENDING_RECEIPT] == 1
    assert before.report.value("s3.received.total") == 4

    s.case_confirm_receipt(
        actor=clerk,
        case_id=online.pk,
        data=ReceiptConfirmation(ReceiptFacts(arrived_on=date(2025, 12, 30), confirmed_on=date(2026, 1, 4))),
        on=date(2026, 1, 4),
    )
    answer(carried, Outcome.GRANTED, date(2026, 1, 6))
    business = register(
        date(2026, 1, 5), submitted_on=date(2026, 1, 5), applicant_type=ApplicantType.BUSINESS, name="某公司"
    )

    y2025 = report_compute(body_id=body, year=2025)
    assert not y2025.errors and y2025.report.template == "2021"
    assert _nonzero(y2025.report.numbers()) == {
        "s3.received.natural": 4,
        "s3.received.total": 4,
        "s3.granted.natural": 1,
        "s3.granted.total": 1,
        "s3.other.no_correction.natural": 1,
        "s3.other.no_correction.total": 1,
        "s3.other.other.natural": 1,
        "s3.other.other.total": 1,
        "s3.total.natural": 3,
        "s3.total.total": 3,
        "s3.carried_out.natural": 1,
        "s3.carried_out.total": 1,
    }
    assert y2025.uncounted[Uncounted.PENDING_RECEIPT] == 0
    assert [c.pk for c in report_cell_sources(body_ids=[body], year=2025, code="s3.other.other.natural")] == [
        withdrawn.pk
    ]
    assert [c.pk for c in report_cell_sources(body_ids=[body], year=2025, code="s3.carried_out.total")] == [carried.pk]

    y2026 = report_compute(body_id=body, year=2026)
    assert not y2026.errors
    assert _nonzero(y2026.report.numbers()) == {
        "s3.carried_in.natural": 1,
        "s3.carried_in.total": 1,
        "s3.received.natural": 1,
        "s3.received.business": 1,
        "s3.received.total": 2,
        "s3.granted.natural": 1,
        "s3.granted.total": 1,
        "s3.total.natural": 1,
        "s3.total.total": 1,
        "s3.carried_out.natural": 1,
        "s3.carried_out.business": 1,
        "s3.carried_out.total": 2,
    }
    assert {c.pk for c in report_cell_sources(body_ids=[body], year=2026, code="s3.carried_out.total")} == {
        online.pk,
        business.pk,
    }
