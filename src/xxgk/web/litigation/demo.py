"""Demo review and litigation cases, through the services.

八桥镇 2020: the one lawsuit of its published 2020 report — 未经复议直接起诉, the court rejected the claim (维持) —
brought by the applicant of its 2020 application and linked to it. Other bodies: a review corrected, a lawsuit
withdrawn, a review spanning 2023–2024 and a lawsuit after review still pending. Running :func:`seed` again
changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from django.contrib.auth.models import User

from xxgk.core.table4 import RemedyKind, RemedyResult
from xxgk.web.cases.models import Case
from xxgk.web.litigation.models import RemedyCase
from xxgk.web.litigation.services import RemedyData, hearing_add, remedy_close, remedy_create
from xxgk.web.tenancy.models import Body

CLERKS = {"ddk-baqiao": "baqiao_jbr", "ddk-tiaodeng": "tiaodeng_jbr", "ddk-ghzy": "ghzy_jbr"}


@dataclass(frozen=True)
class DemoRemedy:
    body: str
    data: RemedyData
    hearings: tuple[tuple[date, str], ...] = ()
    result: RemedyResult | None = None
    result_on: date | None = None
    closed_on: date | None = None
    #: link the body's application of this applicant registered in this year, if the demo has it
    link: tuple[str, int] | None = None


REMEDIES: list[DemoRemedy] = [
    DemoRemedy(
        "ddk-baqiao",
        RemedyData(
            kind=RemedyKind.SUIT_DIRECT,
            forum="重庆铁路运输法院",
            number="（2020）渝8601行初215号",
            applicant="何建国",
            filed_on=date(2020, 7, 20),
            note="原告诉称被告答复“本机关不掌握相关政府信息”未尽检索义务。",
        ),
        hearings=((date(2020, 9, 15), "一审开庭"),),
        result=RemedyResult.CLAIM_REJECTED,
        result_on=date(2020, 11, 10),
        closed_on=date(2020, 11, 27),
        link=("何建国", 2020),
    ),
    DemoRemedy(
        "ddk-tiaodeng",
        RemedyData(
            kind=RemedyKind.REVIEW,
            forum="重庆市大渡口区人民政府",
            number="大渡口府复〔2021〕16号",
            applicant="罗晓梅",
            filed_on=date(2021, 5, 10),
        ),
        result=RemedyResult.REVOKED,
        result_on=date(2021, 7, 1),
        closed_on=date(2021, 7, 1),
    ),
    DemoRemedy(
        "ddk-tiaodeng",
        RemedyData(
            kind=RemedyKind.SUIT_DIRECT,
            forum="重庆铁路运输法院",
            number="（2022）渝8601行初88号",
            applicant="杨帆",
            filed_on=date(2022, 3, 14),
        ),
        result=RemedyResult.WITHDRAWN,
        result_on=date(2022, 5, 6),
        closed_on=date(2022, 5, 6),
    ),
    DemoRemedy(
        "ddk-ghzy",
        RemedyData(
            kind=RemedyKind.REVIEW,
            forum="重庆市大渡口区人民政府",
            number="大渡口府复〔2023〕41号",
            applicant="重庆渝钢建材有限公司",
            filed_on=date(2023, 11, 20),
        ),
        hearings=((date(2024, 1, 9), "听证"),),
        result=RemedyResult.CONFIRMED_UNLAWFUL,
        result_on=date(2024, 2, 20),
        closed_on=date(2024, 2, 20),
    ),
    DemoRemedy(
        "ddk-ghzy",
        RemedyData(
            kind=RemedyKind.SUIT_AFTER_REVIEW,
            forum="重庆铁路运输法院",
            number="（2024）渝8601行初57号",
            applicant="重庆渝钢建材有限公司",
            filed_on=date(2024, 3, 5),
            note="不服大渡口府复〔2023〕41号复议决定起诉。",
        ),
        hearings=((date(2024, 6, 18), "一审开庭"),),
    ),
]


def seed(*, bodies: dict[str, Body], users: dict[str, User]) -> None:
    """Load the demo cases (idempotent: a case number already registered in the body is left alone)."""
    for demo in REMEDIES:
        body, actor = bodies.get(demo.body), users.get(CLERKS[demo.body])
        if body is None or actor is None:
            continue
        if RemedyCase.objects.filter(body=body, number=demo.data.number).exists():
            continue
        data = demo.data
        if demo.link is not None:
            name, year = demo.link
            linked = Case.objects.filter(body=body, applicant_name=name, registered_on__year=year).order_by("id")
            data = replace(data, case_ids=tuple(linked.values_list("pk", flat=True)[:1]))
        remedy = remedy_create(actor=actor, body_id=body.pk, data=data)
        for on, note in demo.hearings:
            hearing_add(actor=actor, remedy_id=remedy.pk, on=on, note=note)
        if demo.result is not None and demo.closed_on is not None:
            remedy_close(
                actor=actor,
                remedy_id=remedy.pk,
                result=demo.result,
                closed_on=demo.closed_on,
                result_on=demo.result_on,
            )
