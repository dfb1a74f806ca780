"""Fixtures of the proactive-disclosure tests: item data, a helper running an item through the default chain, and
a closed application whose information was provided (for 依申请转主动)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from tests.web.conftest import registration
from xxgk.core.outcomes import DeliveryMethod, Outcome, ProvisionForm
from xxgk.core.workflow import Reply
from xxgk.web.cases import services as case_services
from xxgk.web.cases.models import Case
from xxgk.web.proactive import services as s
from xxgk.web.proactive.models import ProactiveItem
from xxgk.web.tenancy.models import Body

#: The default chain of a non-important item: step key -> the fixture user who decides it.
DEFAULT_DECIDERS = (("department", "bq_reviewer"), ("leader", "bq_head"), ("office", "bq_reviewer"))


def item_data(**overrides: Any) -> s.ItemData:
    values: dict[str, Any] = {
        "category": "a20.07",
        "title": "八桥镇2026年镇级财政预算",
        "formed_on": timezone.localdate() - timedelta(days=3),
        "doc_number": "八桥府发〔2026〕3号",
        "summary": "公开八桥镇2026年镇级一般公共预算收支情况",
        "content": "一、收入预算……二、支出预算……",
    }
    values.update(overrides)
    return s.ItemData(**values)


@pytest.fixture
def make_item(users: dict[str, User], org: dict[str, Body]) -> Callable[..., ProactiveItem]:
    def make(*, by: str = "bq_clerk", body: str = "baqiao", **overrides: Any) -> ProactiveItem:
        return s.item_create(actor=users[by], body_id=org[body].pk, data=item_data(**overrides))

    return make


@pytest.fixture
def approve_chain(users: dict[str, User]) -> Callable[[ProactiveItem], ProactiveItem]:
    """Submit (by the drafter) and approve every step of the default chain; returns the approved item."""

    def run(item: ProactiveItem) -> ProactiveItem:
        item = s.item_submit(actor=users["bq_clerk"], item_id=item.pk)
        deciders = list(DEFAULT_DECIDERS)
        if item.important:
            deciders.append(("principal", "bq_head"))
        for step, who in deciders:
            item = s.item_decide(actor=users[who], item_id=item.pk, step=step, decision="approve")
        return item

    return run


@pytest.fixture
def published(
    make_item: Callable[..., ProactiveItem],
    approve_chain: Callable[[ProactiveItem], ProactiveItem],
    users: dict[str, User],
) -> Callable[..., ProactiveItem]:
    def run(**overrides: Any) -> ProactiveItem:
        item = approve_chain(make_item(**overrides))
        return s.item_publish(actor=users["bq_clerk"], item_id=item.pk)

    return run


@pytest.fixture
def answered_case(users: dict[str, User], org: dict[str, Body]) -> Callable[[Outcome], Case]:
    """A closed application of 八桥镇 answered with ``outcome``."""

    def make(outcome: Outcome = Outcome.GRANTED) -> Case:
        spec = outcome.spec
        case = case_services.case_register(
            actor=users["bq_clerk"], body_id=org["baqiao"].pk, registration=registration(), on=date(2026, 3, 2)
        )
        reply = Reply(
            outcome=outcome,
            legal_ground="《中华人民共和国政府信息公开条例》第十四条" if spec.requires_legal_ground else "",
            reasons="经审查依法答复" if spec.requires_reasons else "",
            withheld_parts=("第三方商业秘密部分",) if spec.lists_withheld_parts else (),
            form=ProvisionForm.ELECTRONIC if spec.provides_information else None,
            delivery=DeliveryMethod.EMAIL if spec.provides_information else None,
        )
        case_services.case_draft_reply(actor=users["bq_clerk"], case_id=case.pk, data=reply, on=date(2026, 3, 3))
        case_services.case_approve_reply(actor=users["bq_reviewer"], case_id=case.pk, on=date(2026, 3, 4))
        return case_services.case_send_reply(actor=users["bq_clerk"], case_id=case.pk, on=date(2026, 3, 5))

    return make
