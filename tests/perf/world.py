"""A small installation that can be grown: N of everything the list pages show, built through the services.

``World.build()`` makes the organisation (大渡口区 supervising 八桥镇 and 跳磴镇) and its users; ``grow(n)`` then
adds records until there are ``n`` of each kind: subordinate towns, applications of 八桥镇 (every third one
answered, so that the report cells have records), registration edits of one application, published and in-review
proactive items, register documents with amendments, review/litigation cases with hearings, online submissions,
and 八桥镇's annual reports waiting for the reviewer (one per past year from 2019, so the reviewers' task lists
grow too, up to the number of past years). The query-count tests render every page once at ``n = 3`` and once at
``n = 30``.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from tests.web.conftest import registration
from xxgk.core.model import NARRATIVE_SECTIONS
from xxgk.core.outcomes import ApplicantType, DeliveryMethod, Outcome, ProvisionForm
from xxgk.core.signoff import SignoffError
from xxgk.core.table2 import DocKind
from xxgk.core.table4 import RemedyKind
from xxgk.core.workflow import Reply
from xxgk.web.api.services import api_token_create
from xxgk.web.cases import services as case_services
from xxgk.web.cases.models import Case
from xxgk.web.litigation.services import RemedyData, hearing_add, remedy_create
from xxgk.web.portal.models import IdType
from xxgk.web.portal.services import SubmissionData, submission_create
from xxgk.web.proactive import services as item_services
from xxgk.web.proactive.models import ItemStatus, ProactiveItem
from xxgk.web.proactive.signoff_selectors import signoff_state
from xxgk.web.registers.data import AmendmentData, DocumentData
from xxgk.web.registers.services import amendment_add, document_create
from xxgk.web.reports.selectors import FIRST_YEAR
from xxgk.web.reports.services import report_narrative_save, report_start, report_submit
from xxgk.web.tenancy.models import Body, BodyKind, MemberRole, Membership

#: The search term of the catalogue and list searches (every item title contains it).
TERM = "预算"
PASSWORD = "perf-pass-123"

#: Who decides a sign-off step of each role (a second person of the same role when one may not decide twice).
DECIDERS = {"reviewer": ("bq_reviewer", "bq_reviewer2"), "head": ("bq_head", "bq_head2")}


def _user(username: str, body: Body | None, *roles: MemberRole) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, first_name=username)
    for role in roles:
        assert body is not None
        Membership.objects.create(user=user, body=body, role=role)
    return user


@dataclass
class World:
    bodies: dict[str, Body]
    users: dict[str, User]
    year: int
    cases: list[Case] = field(default_factory=list)
    items: list[ProactiveItem] = field(default_factory=list)
    edited: Case | None = None
    token: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    _serial: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @classmethod
    def build(cls) -> World:
        district = Body.objects.create(name="重庆市大渡口区人民政府", code="ddk", kind=BodyKind.GOVERNMENT)
        baqiao = Body.objects.create(
            name="大渡口区八桥镇人民政府", code="ddk-baqiao", kind=BodyKind.TOWN, parent=district
        )
        tiaodeng = Body.objects.create(
            name="大渡口区跳磴镇人民政府", code="ddk-tiaodeng", kind=BodyKind.TOWN, parent=district
        )
        users = {
            "bq_clerk": _user("bq_clerk", baqiao, MemberRole.CLERK),
            "bq_reviewer": _user("bq_reviewer", baqiao, MemberRole.REVIEWER),
            "bq_reviewer2": _user("bq_reviewer2", baqiao, MemberRole.REVIEWER),
            "bq_head": _user("bq_head", baqiao, MemberRole.HEAD),
            "bq_head2": _user("bq_head2", baqiao, MemberRole.HEAD),
            "bq_admin": _user("bq_admin", baqiao, MemberRole.ADMIN),
            "td_clerk": _user("td_clerk", tiaodeng, MemberRole.CLERK),
            "qu_viewer": _user("qu_viewer", district, MemberRole.REVIEWER),
            "qu_admin": _user("qu_admin", district, MemberRole.ADMIN),
        }
        world = cls(
            bodies={"district": district, "baqiao": baqiao, "tiaodeng": tiaodeng},
            users=users,
            year=timezone.localdate().year,
        )
        _row, world.token = api_token_create(user=users["bq_clerk"], name="perf", days=30, actor=users["bq_clerk"])
        return world

    # -- growing ------------------------------------------------------------------------------------

    def grow(self, n: int) -> None:
        """Add records until there are ``n`` of every kind."""
        start = time.perf_counter()
        self._towns(n)
        self._cases(n)
        self._edits(n)
        self._items(n)
        self._documents(n)
        self._remedies(n)
        self._submissions(n)
        self._reports(n)
        self.counts["seconds"] = round(time.perf_counter() - start)

    def _more(self, kind: str, n: int) -> range:
        have = self.counts.get(kind, 0)
        self.counts[kind] = max(have, n)
        return range(have, n)

    def _towns(self, n: int) -> None:
        district = self.bodies["district"]
        for i in self._more("towns", n):
            town = Body.objects.create(
                name=f"大渡口区第{i + 1}街道办事处",
                code=f"ddk-t{i + 1:02d}",
                kind=BodyKind.SUBDISTRICT,
                parent=district,
            )
            _user(f"t{i + 1:02d}_clerk", town, MemberRole.CLERK)
            self.bodies[town.code] = town

    def _day(self, i: int) -> date:
        """Registration days in the first months of this year, never in the future."""
        return min(date(self.year, 1, 5) + timedelta(days=i * 3), timezone.localdate())

    def _cases(self, n: int) -> None:
        clerk = self.users["bq_clerk"]
        for i in self._more("cases", n):
            on = self._day(i)
            case = case_services.case_register(
                actor=clerk,
                body_id=self.bodies["baqiao"].pk,
                registration=registration(
                    name=f"申请人{i}号",
                    content=f"第{i}项：{['财政预算', '规划许可', '征收补偿'][i % 3]}相关文件（编号{i:04d}）",
                    submitted_on=on,
                    applicant_type=[ApplicantType.NATURAL, ApplicantType.BUSINESS, ApplicantType.LEGAL][i % 3],
                ),
                on=on,
            )
            if i % 3 == 0:
                case = self._answer(case, on + timedelta(days=2))
            self.cases.append(case)

    def _answer(self, case: Case, on: date) -> Case:
        reply = Reply(outcome=Outcome.GRANTED, form=ProvisionForm.ELECTRONIC, delivery=DeliveryMethod.EMAIL)
        case_services.case_draft_reply(actor=self.users["bq_clerk"], case_id=case.pk, data=reply, on=on)
        for _ in range(8):
            state = signoff_state(subject_type=case_services.REPLY_SUBJECT, subject_id=case.pk)
            step = state.next_step if state is not None else None
            if step is None:
                break
            self._decide(step.role, lambda user: case_services.case_approve_reply(actor=user, case_id=case.pk, on=on))
        return case_services.case_send_reply(actor=self.users["bq_clerk"], case_id=case.pk, on=on)

    def _decide(self, role: str, act: Any) -> None:
        error: SignoffError | None = None
        for name in DECIDERS.get(role, DECIDERS["reviewer"]):
            try:
                act(self.users[name])
                return
            except SignoffError as exc:  # e.g. one person may not decide two steps of a round
                error = exc
        assert error is not None
        raise error

    def _edits(self, n: int) -> None:
        """``n`` registration edits of one open application (its page lists them and their audit events)."""
        if self.edited is None:
            self.edited = next(c for c in self.cases if c.status_enum.is_open)
        for i in self._more("edits", n):
            case_services.case_edit_registration(
                actor=self.users["bq_clerk"],
                case_id=self.edited.pk,
                changes={"contact": f"1390000{i:04d}"},
                reason=f"申请人更正联系电话（第{i + 1}次）",
            )

    def _items(self, n: int) -> None:
        clerk = self.users["bq_clerk"]
        today = timezone.localdate()
        for i in self._more("items", n):
            item = item_services.item_create(
                actor=clerk,
                body_id=self.bodies["baqiao"].pk,
                data=item_services.ItemData(
                    category="a20.07",
                    title=f"八桥镇{TERM}公开（第{i + 1}号）",
                    formed_on=today - timedelta(days=3),
                    doc_number=f"八桥府发〔{self.year}〕{i + 1}号",
                    summary=f"公开八桥镇{TERM}情况（{i + 1}）",
                    content="一、收入预算……二、支出预算……",
                ),
            )
            item = item_services.item_submit(actor=clerk, item_id=item.pk)
            if i % 5 != 1:  # one in five stays in review (the reviewers' task lists), from the second on
                item = self._approve_item(item)
                item = item_services.item_publish(actor=clerk, item_id=item.pk)
            self.items.append(item)

    def _approve_item(self, item: ProactiveItem) -> ProactiveItem:
        for _ in range(8):
            state = signoff_state(subject_type="proactive_item", subject_id=item.pk)
            step = state.next_step if state is not None else None
            if step is None:
                break
            key = step.key

            def decide(user: User, key: str = key) -> None:
                item_services.item_decide(actor=user, item_id=item.pk, step=key, decision="approve")

            self._decide(step.role, decide)
        item.refresh_from_db()
        assert item.status == ItemStatus.APPROVED, item.status
        return item

    def _documents(self, n: int) -> None:
        clerk = self.users["bq_clerk"]
        for i in self._more("documents", n):
            doc = document_create(
                actor=clerk,
                body_id=self.bodies["baqiao"].pk,
                data=DocumentData(
                    kind=DocKind.NORMATIVE,
                    title=f"关于印发八桥镇{TERM}管理办法的通知（{i + 1}）",
                    doc_number=f"八桥府规〔{self.year - 1}〕{i + 1}号",
                    issued_on=date(self.year - 1, 3, 1) + timedelta(days=i),
                    published_on=date(self.year - 1, 3, 5) + timedelta(days=i),
                ),
            )
            amendment_add(
                actor=clerk,
                document_id=doc.pk,
                data=AmendmentData(amended_on=date(self.year, 2, 1) + timedelta(days=i), note="修改部分条款"),
            )

    def _remedies(self, n: int) -> None:
        clerk = self.users["bq_clerk"]
        for i in self._more("remedies", n):
            remedy = remedy_create(
                actor=clerk,
                body_id=self.bodies["baqiao"].pk,
                data=RemedyData(
                    kind=RemedyKind.REVIEW if i % 2 else RemedyKind.SUIT_DIRECT,
                    forum="大渡口区人民政府" if i % 2 else "重庆铁路运输法院",
                    applicant=f"申请人{i}号",
                    filed_on=date(self.year, 2, 1) + timedelta(days=i),
                    number=f"（{self.year}）渝8601行初{i + 1}号",
                    case_ids=(self.cases[i % len(self.cases)].pk,),
                ),
            )
            hearing_add(actor=clerk, remedy_id=remedy.pk, on=date(self.year, 6, 1) + timedelta(days=i))

    def _submissions(self, n: int) -> None:
        for i in self._more("submissions", n):
            submission_create(
                body_id=self.bodies["baqiao"].pk,
                data=SubmissionData(
                    applicant_type=ApplicantType.NATURAL,
                    applicant_name=f"网上申请人{i}号",
                    id_type=IdType.RESIDENT_ID,
                    id_number="11010519491231002X",
                    content=f"八桥镇{TERM}执行情况（{i + 1}）",
                    phone="13800001111",
                ),
                form_token=f"perf-token-{next(self._serial)}-{i}",
            )

    def _reports(self, n: int) -> None:
        """八桥镇's reports on the ``n`` latest past years (from 2019 on) submitted to the sign-off chain: each waits
        for the reviewer's first step."""
        clerk, body_id = self.users["bq_clerk"], self.bodies["baqiao"].pk
        years = range(self.year - 1, FIRST_YEAR - 1, -1)
        for i in self._more("reports", min(n, len(years))):
            year = years[i]
            report_start(actor=clerk, body_id=body_id, year=year)
            sections = {key: f"八桥镇{year}年度报告：{title}。" for key, title in NARRATIVE_SECTIONS.items()}
            report_narrative_save(actor=clerk, body_id=body_id, year=year, sections=sections)
            report_submit(actor=clerk, body_id=body_id, year=year)
