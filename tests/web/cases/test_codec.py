"""Stored payloads round-trip exactly; damaged rows give a clear WorkflowError."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.web.conftest import registration
from xxgk.core.errors import WorkflowError
from xxgk.core.fees import FeeMethod
from xxgk.core.outcomes import Channel, DeliveryMethod, Outcome, ProvisionForm
from xxgk.core.receipt import ReceiptFacts
from xxgk.core.workflow import (
    Consultation,
    ConsultationEnd,
    ConsultationKind,
    ConsultationResult,
    CorrectionReceipt,
    CorrectionRequest,
    CustomDeadline,
    Extension,
    FeeNotice,
    Payload,
    Payment,
    ReasonsRecord,
    ReceiptConfirmation,
    Reply,
    ReviewNote,
    Withdrawal,
)
from xxgk.web.cases.codec import PAYLOAD_TYPES, payload_decode, payload_encode

SAMPLES: list[Payload] = [
    registration(channel=Channel.MAIL, receipt=ReceiptFacts(arrived_on=date(2026, 1, 5), ordinary_mail=True)),
    ReceiptConfirmation(ReceiptFacts(confirmed_on=date(2026, 1, 6))),
    CorrectionRequest(("一", "二"), date(2026, 2, 1)),
    CorrectionReceipt(date(2026, 2, 3), "邮路延误"),
    Consultation(ConsultationKind.CO_PRODUCER, ("区财政局",), date(2026, 2, 4)),
    ConsultationEnd(ConsultationResult.NO_REPLY, ""),
    Extension(20, "王主任", date(2026, 3, 1), "材料多"),
    ReasonsRecord("研究需要"),
    CustomDeadline(date(2026, 6, 1), "数量大", date(2026, 3, 2)),
    FeeNotice(FeeMethod.BY_PAGE, Decimal("123.40"), date(2026, 3, 3), ("31–100页",)),
    Payment(Decimal("123.40")),
    Reply(Outcome.PARTIAL, "第十五条", "商业秘密", ("报价",), ProvisionForm.PAPER, DeliveryMethod.MAIL),
    ReviewNote("同意"),
    Withdrawal(""),
]


def test_samples_cover_every_payload_type() -> None:
    assert {type(s).__name__ for s in SAMPLES} == set(PAYLOAD_TYPES)


@pytest.mark.parametrize("payload", SAMPLES, ids=lambda p: type(p).__name__)
def test_round_trip(payload: Payload) -> None:
    stored = payload_encode(payload)
    assert payload_decode(stored) == payload


def test_none() -> None:
    assert payload_encode(None) is None and payload_decode(None) is None


@pytest.mark.parametrize(
    "stored",
    [
        {"type": "Nope", "data": {}},
        {"type": "Payment", "data": {"amount": "abc"}},
        {"type": "Extension", "data": {"days": "20", "approved_by": "x", "notified_on": "2026-01-01"}},
        {"type": "CorrectionRequest", "data": {"items": ["a"], "due": "not a date"}},
        {"data": {}},
    ],
)
def test_damaged_rows_raise_a_workflow_error(stored: dict[str, object]) -> None:
    with pytest.raises(WorkflowError, match="无法读取已保存的操作数据"):
        payload_decode(stored)
