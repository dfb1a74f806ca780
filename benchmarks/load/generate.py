"""Generate a province-scale dataset for the load benchmark.

``python -m benchmarks.load.generate [--scale 1.0]`` (re)creates the PostgreSQL database ``xxgk_load`` on the local
server (``--database-url`` for another), migrates it and loads, at scale 1:

* 500 bodies in a hierarchy: a province government with 19 departments and 15 cities; each city with 5
  departments and 6 districts/counties; the remaining 300 bodies (towns, 街道, district departments) spread under
  the 90 districts;
* three users per body (经办人 ``<code>-clerk``, 审核人 ``<code>-reviewer``, 负责人 ``<code>-head``; password
  :data:`benchmarks.load.common.PASSWORD`) and an administrator of the province (``prov-admin``);
* 1,000,000 applications registered 2020-01-01 … today (volume growing ~15 % a year, few on weekends), spread
  over the bodies log-normally (a few bodies receive most), 78 % natural persons, outcomes in published-report
  proportions, answered in 1–40 working days; those not yet answered are open (处理中 / 答复待审核 / 答复已审核,
  a few awaiting the receipt date); 70 % of those answered over two months ago archived. Every application has
  its whole, consistent event history (登记 → 拟定答复 → 审核通过 → 答复 → 归档, or 补正/收费/撤回 closings):
  about 4.3 events per application;
* 200,000 proactive items spread log-normally over the bodies, formed 2020 … today: 88 % published 主动公开 with
  index numbers (per body and year, in publication order; the catalogue settings continue the sequences), the
  rest drafts, in review, approved, withdrawn or 依申请公开/不予公开.

``--scale`` multiplies the applications and the items (``--scale 0.01``: 10,000 and 2,000) but not the bodies.
Rows are written with PostgreSQL ``COPY`` in chronological order (ids grow with time, as in production); the
cached columns (status, outcome, receipt and closing dates, the answer due date, fee columns) are those the
services would have written, which the generator checks on a sample by replaying the stored events through the
core. Finally ``VACUUM ANALYZE`` and the facts the runner needs go to the table ``xxgk_load_meta``.
"""

from __future__ import annotations

import argparse
import bisect
import json
import math
import os
import random
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from benchmarks.counting import APPLICANT_TYPES, APPLICANT_WEIGHTS, OUTCOME_WEIGHTS
from benchmarks.load.common import (
    META_TABLE,
    PASSWORD,
    Meta,
    database_create,
    database_url,
    is_postgres,
    libpq_url,
)
from xxgk.core.calendar import WorkCalendar, add_working_days
from xxgk.core.fees import FeeMethod
from xxgk.core.outcomes import ApplicantType, Channel, DeliveryMethod, Outcome, ProvisionForm
from xxgk.core.receipt import ReceiptFacts
from xxgk.core.workflow import (
    Applicant,
    CorrectionRequest,
    FeeNotice,
    Payload,
    Registration,
    Reply,
    ReviewNote,
    Withdrawal,
)
from xxgk.web.cases.codec import payload_encode

if TYPE_CHECKING:
    from django.db.models import Model

FIRST_DAY = date(2020, 1, 1)
TZ = ZoneInfo("Asia/Shanghai")
CASES_AT_SCALE_1 = 1_000_000
ITEMS_AT_SCALE_1 = 200_000
SEARCH_TERM = "预算"
REPORT_CELL = "s3.received.total"
CHUNK = 20_000

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国文德志海波宁鹏飞云"
SUBJECTS = (
    "老旧小区改造项目的立项批复文件",
    "征地补偿安置方案及补偿标准",
    "农村集体土地征收的批准文件",
    "城市更新项目的规划许可证",
    "建设项目环境影响评价批复",
    "道路拓宽工程的拆迁补偿协议范本",
    "年度财政预算和决算报告",
    "低保对象的认定标准和审批程序",
    "行政处罚决定书",
    "房屋征收决定及公告",
    "政府采购项目的中标公告和合同",
    "学校划片招生的依据文件",
    "河道整治工程的验收报告",
    "企业安全生产检查记录",
    "信访事项的处理意见书",
)
TOPICS = (
    "2026年部门预算",
    "2025年部门决算",
    "财政预算执行情况",
    "政府工作报告",
    "国民经济和社会发展统计公报",
    "老旧小区改造实施方案",
    "城乡低保标准调整",
    "重大建设项目批准和实施情况",
    "政府采购意向",
    "行政事业性收费目录清单",
    "安全生产专项整治行动方案",
    "防汛抗旱应急预案",
    "义务教育阶段招生入学工作",
    "基本医疗保险政策调整",
    "就业创业补贴申领指南",
    "环境质量状况公报",
    "食品安全抽检信息",
    "征地补偿标准",
    "权责清单动态调整",
    "规范性文件清理结果",
)
FORMS = ("关于{}的通知", "关于印发{}的通知", "{}", "关于公布{}的公告", "关于{}的公示")

ITEM_STATUS_WEIGHTS = {"published": 880, "draft": 30, "in_review": 25, "approved": 10, "withdrawn": 15}


# -- rows and COPY -------------------------------------------------------------------------------------


class Table:
    """The columns of a model in table order, with the defaults of the fields a generator does not set (so that
    a field added later with a default does not break the generator)."""

    def __init__(self, model: type[Model]) -> None:
        from django.db.models import NOT_PROVIDED

        self.model = model
        self.name = model._meta.db_table
        self.attnames: list[str] = []
        self.columns: list[str] = []
        self.defaults: dict[str, Any] = {}
        for f in model._meta.concrete_fields:
            self.attnames.append(f.attname)
            self.columns.append(f.column)
            if f.default is not NOT_PROVIDED:
                self.defaults[f.attname] = f.get_default()
            elif f.null:
                self.defaults[f.attname] = None
            elif getattr(f, "blank", False) and f.get_internal_type() in {"CharField", "TextField", "SlugField"}:
                self.defaults[f.attname] = ""

    def row(self, values: dict[str, Any]) -> tuple[Any, ...]:
        """The values in column order (JSON columns take their text)."""
        defaults = self.defaults
        return tuple(values[name] if name in values else defaults[name] for name in self.attnames)


class Copier:
    """Buffered ``COPY … FROM STDIN`` of rows into one table through Django's psycopg connection."""

    def __init__(self, table: Table, size: int = 50_000, *, after: Copier | None = None) -> None:
        self.table = table
        self.size = size
        self.after = after  # flushed first (the rows this table's foreign keys point to)
        self.buffer: list[tuple[Any, ...]] = []
        self.count = 0

    def add(self, values: dict[str, Any]) -> None:
        self.buffer.append(self.table.row(values))
        self.count += 1
        if len(self.buffer) >= self.size:
            self.flush()

    def flush(self) -> None:
        if self.after is not None:
            self.after.flush()
        if not self.buffer:
            return
        from django.db import connection

        connection.ensure_connection()
        raw = connection.connection
        cols = ", ".join(f'"{c}"' for c in self.table.columns)
        with raw.cursor() as cursor, cursor.copy(f'COPY "{self.table.name}" ({cols}) FROM STDIN') as copy:
            for row in self.buffer:
                copy.write_row(row)
        self.buffer = []


def reset_sequences(*tables: Table) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for t in tables:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{t.name}\"', 'id'), "
                f'GREATEST((SELECT MAX(id) FROM "{t.name}"), 1))'
            )


# -- bodies and users ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class BodyInfo:
    pk: int
    code: str
    kind: str
    clerk: int
    reviewer: int
    head: int


def make_bodies(total: int) -> list[tuple[str, str, str, str | None]]:
    """``(code, name, kind, parent code)`` of ``total`` bodies (at least 35), parents first."""
    out: list[tuple[str, str, str, str | None]] = [("prov", "某省人民政府", "government", None)]
    depts = ("发展和改革委员会", "教育厅", "公安厅", "民政厅", "财政厅", "人力资源和社会保障厅", "自然资源厅")
    for i in range(19):
        out.append((f"prov-d{i + 1:02d}", f"某省{depts[i % len(depts)]}（{i + 1}）", "department", "prov"))
    cities = [f"c{i + 1:02d}" for i in range(15)]
    out += [(c, f"第{i + 1}市人民政府", "government", "prov") for i, c in enumerate(cities)]
    districts: list[str] = []
    for i, c in enumerate(cities):
        out += [(f"{c}-d{j + 1}", f"第{i + 1}市第{j + 1}局", "department", c) for j in range(5)]
        for j in range(6):
            code = f"{c}-x{j + 1}"
            districts.append(code)
            out.append((code, f"第{i + 1}市第{j + 1}区人民政府", "government", c))
    rest = max(0, total - len(out))
    kinds = ("town", "town", "subdistrict", "department")
    for k in range(rest):
        parent = districts[k % len(districts)]
        kind = kinds[(k // len(districts)) % len(kinds)]
        label = {"town": "镇人民政府", "subdistrict": "街道办事处", "department": "局"}[kind]
        out.append(
            (f"{parent}-t{k // len(districts) + 1}", f"{parent}第{k // len(districts) + 1}{label}", kind, parent)
        )
    return out[: max(total, 1)]


def load_bodies(total: int) -> list[BodyInfo]:
    """Bodies, three users each, their memberships, and the province administrator."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User

    from xxgk.web.tenancy.models import Body, MemberRole, Membership

    specs = make_bodies(total)
    by_code: dict[str, Body] = {}
    for code, name, kind, parent in specs:  # few hundred rows; parents first
        by_code[code] = Body(code=code, name=name, kind=kind, parent=by_code[parent] if parent else None)
    for level in range(4):  # bulk per level so that parents have ids
        rows = [b for b in by_code.values() if _depth(b) == level and b.pk is None]
        Body.objects.bulk_create(rows)
    hashed = make_password(PASSWORD)
    roles = (MemberRole.CLERK, MemberRole.REVIEWER, MemberRole.HEAD)
    users = [
        User(username=f"{code}-{r.value}", first_name=f"{code}{r.label}", password=hashed, email="")
        for code in by_code
        for r in roles
    ]
    users.append(User(username="prov-admin", first_name="省管理员", password=hashed))
    User.objects.bulk_create(users, batch_size=2000)
    ids = dict(User.objects.values_list("username", "id"))
    memberships = [
        Membership(user_id=ids[f"{code}-{r.value}"], body=body, role=r.value)
        for code, body in by_code.items()
        for r in roles
    ]
    memberships.append(Membership(user_id=ids["prov-admin"], body=by_code["prov"], role=MemberRole.ADMIN.value))
    Membership.objects.bulk_create(memberships, batch_size=2000)
    return [
        BodyInfo(
            pk=int(b.pk),
            code=code,
            kind=b.kind,
            clerk=ids[f"{code}-clerk"],
            reviewer=ids[f"{code}-reviewer"],
            head=ids[f"{code}-head"],
        )
        for code, b in by_code.items()
    ]


def _depth(body: Any) -> int:
    depth = 0
    while body.parent is not None:
        body = body.parent
        depth += 1
    return depth


# -- applications -------------------------------------------------------------------------------------


def daily_volumes(total: int, last: date, rng: random.Random) -> list[tuple[date, int]]:
    """How many applications are registered each day from :data:`FIRST_DAY` to ``last`` (growing ~15 % a year,
    a tenth on weekends), summing to ``total``."""
    days = [FIRST_DAY + timedelta(days=i) for i in range((last - FIRST_DAY).days + 1)]
    weights = [(1.15 ** ((d - FIRST_DAY).days / 365.25)) * (0.1 if d.weekday() >= 5 else 1.0) for d in days]
    scale = total / sum(weights)
    counts = [int(w * scale) for w in weights]
    for i in rng.sample(range(len(days)), total - sum(counts)):
        counts[i] += 1
    return list(zip(days, counts, strict=True))


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")


@dataclass
class CaseGen:
    """Writes applications and their events; counts what it wrote."""

    bodies: list[BodyInfo]
    calendar: WorkCalendar
    today: date
    rng: random.Random
    cases: Copier
    events: Copier
    case_id: int = 0
    event_id: int = 0

    def __post_init__(self) -> None:
        self.weights = list(_cumulative([self.rng.lognormvariate(0.0, 1.1) for _ in self.bodies]))
        self.outcomes = [Outcome(o) for o in OUTCOME_WEIGHTS]
        self.outcome_cum = list(_cumulative(list(OUTCOME_WEIGHTS.values())))
        self.type_cum = list(_cumulative(APPLICANT_WEIGHTS))
        self.numbers: Counter[tuple[int, int]] = Counter()
        self.per_body: Counter[int] = Counter()
        self.answered_per_body: dict[int, int] = {}
        # working days from well before the first application to well after today, for O(1) look-ups
        first, last = FIRST_DAY - timedelta(days=60), self.today + timedelta(days=400)
        days = (first + timedelta(days=i) for i in range((last - first).days))
        self._workdays = [d for d in days if self.calendar.is_working_day(d)]
        self._index = {d: i for i, d in enumerate(self._workdays)}
        self._payloads: dict[object, str] = {}
        self._reg_doc: dict[str, Any] | None = None
        self._checked = 0
        for i in range(0, (self.today - FIRST_DAY).days, 17):  # the look-up agrees with the calendar
            start = FIRST_DAY + timedelta(days=i)
            for n in (1, 3, 20, 40):
                if self.working_days(start, n) != add_working_days(start, n, self.calendar).day:
                    raise SystemExit(f"working-day look-up differs from the calendar at {start} + {n}")

    def working_days(self, start: date, n: int) -> date:
        """``add_working_days(start, n).day`` (n ≥ 1) from the precomputed list of working days."""
        i = bisect.bisect_right(self._workdays, start)
        return self._workdays[i + n - 1]

    def encode(self, data: Payload | None) -> str | None:
        """The JSON text the codec stores for ``data`` (registrations filled into a template, others cached);
        the first few of each kind are compared with :func:`payload_encode` itself."""
        if data is None:
            return None
        if isinstance(data, Registration):
            text = self._registration(data)
        else:
            cached = self._payloads.get(data)
            if cached is None:
                cached = self._payloads[data] = json.dumps(payload_encode(data), ensure_ascii=False)
            text = cached
        if self._checked < 200:
            self._checked += 1
            if json.loads(text) != payload_encode(data):
                raise SystemExit(f"payload encoding differs from the codec: {text}")
        return text

    def _registration(self, reg: Registration) -> str:
        doc = self._reg_doc
        if doc is None:
            doc = self._reg_doc = payload_encode(reg)
            assert doc is not None
        base = doc["data"]
        r = reg.receipt
        receipt = {
            **base["receipt"],
            "submitted_on": _iso(r.submitted_on),
            "signed_for_on": _iso(r.signed_for_on),
            "arrived_on": _iso(r.arrived_on),
            "confirmed_on": _iso(r.confirmed_on),
        }
        a = reg.applicant
        applicant = {
            **base["applicant"],
            "type": a.type.value,
            "name": a.name,
            "id_document": a.id_document,
            "contact": a.contact,
        }
        data = {
            **base,
            "channel": reg.channel.value,
            "applicant": applicant,
            "content": reg.content,
            "receipt": receipt,
        }
        return json.dumps({"type": doc["type"], "data": data}, ensure_ascii=False)

    def add_day(self, day: date, n: int) -> None:
        bodies = self.rng.choices(self.bodies, cum_weights=self.weights, k=n)
        for body in bodies:
            self.add_case(day, body)

    def add_case(self, registered: date, body: BodyInfo) -> None:
        rng = self.rng
        self.case_id += 1
        cid = self.case_id
        kind = ApplicantType(APPLICANT_TYPES[_pick(rng, self.type_cum)])
        roll = rng.random()
        channel = Channel.IN_PERSON if roll < 0.35 else Channel.ONLINE if roll < 0.75 else Channel.MAIL
        pending = channel is Channel.ONLINE and (self.today - registered).days < 45 and rng.random() < 0.05
        received: date | None = registered
        if channel is Channel.IN_PERSON:
            facts = ReceiptFacts(submitted_on=registered)
        elif channel is Channel.MAIL:
            received = registered - timedelta(days=rng.choice((0, 0, 1, 2)))
            facts = ReceiptFacts(signed_for_on=received)
        elif pending:
            facts = ReceiptFacts(arrived_on=registered)
            received = None
        else:
            facts = ReceiptFacts(arrived_on=registered, confirmed_on=registered)
        if kind is ApplicantType.NATURAL:
            name = _name(rng)
        else:
            name = f"某某{rng.choice(('科技', '建设', '咨询', '律师事务所', '研究院'))}{cid % 97}"
        content = f"{rng.choice(SUBJECTS)}（{registered.year}年）"
        id_key, contact = f"5001{cid:014d}", f"139{cid % 10**8:08d}"
        registration = Registration(
            channel=channel,
            applicant=Applicant(type=kind, name=name, id_document=f"身份证 {id_key}", contact=contact),
            content=content,
            receipt=facts,
        )
        year = registered.year
        self.numbers[(body.pk, year)] += 1
        self.per_body[body.pk] += 1
        events: list[tuple[str, date, str, int, Payload | None]] = []

        def push(action: str, on: date, role: str, actor: int, data: Payload | None = None) -> date:
            """Append an event no earlier than the one before; returns its date."""
            day = max(on, events[-1][1]) if events else on
            events.append((action, day, role, actor, data))
            return day

        push("register_pending" if pending else "register", registered, "clerk", body.clerk, registration)
        status = "awaiting_receipt" if pending else "processing"
        outcome = ""
        closed: date | None = None
        answer_due = None if received is None else self.working_days(received, 20)
        fee_amount: Decimal | None = None
        fee_notice_on: date | None = None
        if received is not None:
            work = rng.choice((rng.randint(1, 10), rng.randint(5, 20), rng.randint(10, 20), rng.randint(15, 40)))
            finish = max(registered, self.working_days(received, work))
            chosen = self.outcomes[_pick(rng, self.outcome_cum)]
            if finish <= self.today:
                status, outcome = "closed", chosen.value
                if chosen is Outcome.NO_CORRECTION:
                    due = self.working_days(received, 3)
                    push(
                        "request_correction", received, "clerk", body.clerk, CorrectionRequest(("所需信息不明确",), due)
                    )
                    closed = push("correction_overdue", max(finish, due + timedelta(days=1)), "clerk", body.clerk)
                elif chosen is Outcome.NO_FEE:
                    fee_amount = Decimal(rng.choice(("100.00", "200.00", "320.00")))
                    fee_notice_on = push(
                        "send_fee_notice",
                        self.working_days(received, 3),
                        "clerk",
                        body.clerk,
                        FeeNotice(FeeMethod.BY_PAGE, fee_amount, self.working_days(received, 3)),
                    )
                    closed = push("fee_overdue", self.working_days(fee_notice_on, 21), "clerk", body.clerk)
                elif chosen is Outcome.WITHDRAWN:
                    closed = push("withdraw", finish, "clerk", body.clerk, Withdrawal("申请人撤回申请"))
                else:
                    drafted = push("draft_reply", finish - timedelta(days=2), "clerk", body.clerk, self.reply(chosen))
                    push("approve_reply", drafted + timedelta(days=1), "reviewer", body.reviewer, ReviewNote(""))
                    closed = push("send_reply", finish, "clerk", body.clerk)
                if closed > self.today:  # the closing would lie in the future: still open instead
                    del events[1:]
                    status, outcome, closed, fee_amount, fee_notice_on = "processing", "", None, None, None
                elif (self.today - closed).days > 60 and rng.random() < 0.7:
                    push("archive", min(self.today, closed + timedelta(days=rng.randint(7, 60))), "clerk", body.clerk)
                    status = "archived"
            else:
                roll = rng.random()
                if roll < 0.22:
                    drafted = push(
                        "draft_reply",
                        min(self.today, received + timedelta(days=rng.randint(1, 10))),
                        "clerk",
                        body.clerk,
                        self.reply(Outcome.GRANTED),
                    )
                    status = "reply_review"
                if roll < 0.07:
                    push("approve_reply", min(self.today, drafted + timedelta(days=1)), "reviewer", body.reviewer)
                    status = "reply_approved"
        if closed is not None:
            self.answered_per_body[body.pk] = cid
        self.cases.add(
            {
                "id": cid,
                "body_id": body.pk,
                "number": f"{year}-{self.numbers[(body.pk, year)]:04d}",
                "handler_id": body.clerk,
                "status": status,
                "channel": channel.value,
                "applicant_type": kind.value,
                "applicant_name": name,
                "content": content,
                "registered_on": registered,
                "received_on": received,
                "answer_due": answer_due,
                "next_due": answer_due if closed is None else None,
                "next_due_label": "答复期限" if closed is None and answer_due is not None else "",
                "due_provisional": False,
                "outcome": outcome,
                "closed_on": closed,
                "applicant_name_key": name,
                "applicant_id_key": id_key,
                "applicant_contact_key": contact,
                "fee_amount": fee_amount,
                "fee_notice_on": fee_notice_on,
                "fee_paid_on": None,
                "created_at": _at(registered, 9),
                "updated_at": _at(events[-1][1], 16),
            }
        )
        for seq, (action, on, role, actor, data) in enumerate(events, start=1):
            self.event_id += 1
            self.events.add(
                {
                    "id": self.event_id,
                    "case_id": cid,
                    "seq": seq,
                    "action": action,
                    "on": on,
                    "role": role,
                    "actor_id": actor,
                    "payload": self.encode(data),
                    "created_at": _at(on, 10),
                }
            )

    @staticmethod
    def reply(outcome: Outcome) -> Reply:
        spec = outcome.spec
        gives = spec.provides_information
        return Reply(
            outcome=outcome,
            legal_ground="《中华人民共和国政府信息公开条例》第十四条" if spec.requires_legal_ground else "",
            reasons="经审查依法答复" if spec.requires_reasons else "",
            withheld_parts=("涉及第三方的部分",) if spec.lists_withheld_parts else (),
            form=ProvisionForm.ELECTRONIC if gives else None,
            delivery=DeliveryMethod.EMAIL if gives else None,
        )


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


def _cumulative(weights: Sequence[float]) -> Iterator[float]:
    total = 0.0
    for w in weights:
        total += w
        yield total


def _pick(rng: random.Random, cum: list[float]) -> int:
    """Index drawn with cumulative weights ``cum``."""
    return bisect.bisect_right(cum, rng.random() * cum[-1])


# -- proactive items ----------------------------------------------------------------------------------


def load_items(n: int, bodies: list[BodyInfo], today: date, rng: random.Random, calendar: WorkCalendar) -> Counter[int]:
    """``n`` items, formed in chronological order; returns published items per body."""
    from xxgk.core.proactive import DEFAULT_PATTERN, category, format_index, parse_pattern
    from xxgk.web.proactive.models import CatalogueSettings, ProactiveItem
    from xxgk.web.proactive.selectors import body_categories
    from xxgk.web.tenancy.models import Body

    body_rows = {b.pk: b for b in Body.objects.all()}
    cats = {b.pk: [c.code for c in body_categories(body_rows[b.pk])] for b in bodies}
    cum = list(_cumulative([rng.lognormvariate(0.0, 1.0) for _ in bodies]))
    statuses = list(ITEM_STATUS_WEIGHTS)
    status_cum = list(_cumulative(list(ITEM_STATUS_WEIGHTS.values())))
    span = (today - FIRST_DAY).days
    rows: list[dict[str, Any]] = []
    for _ in range(n):
        body = bodies[_pick(rng, cum)]
        formed = FIRST_DAY + timedelta(days=int(span * rng.random() ** 0.85))
        status = statuses[_pick(rng, status_cum)]
        attribute = "public"
        if status == "published" and rng.random() < 0.02:
            status, attribute = "approved", rng.choice(("on_request", "not_public"))
        if status in ("draft", "in_review", "approved") and (today - formed).days > 120 and attribute == "public":
            status = "published"  # old items are not left unpublished
        topic = rng.choice(TOPICS)
        title = rng.choice(FORMS).format(topic)
        published = min(today, formed + timedelta(days=rng.choice((0, 1, 2, 5, 10, 15, 25))))
        due = add_working_days(formed, 20, calendar).day
        rows.append(
            {
                "body_id": body.pk,
                "category": rng.choice(cats[body.pk]),
                "title": f"{title}（{formed.year}）",
                "doc_number": f"{body.code}发〔{formed.year}〕{rng.randint(1, 300)}号" if rng.random() < 0.5 else "",
                "issuer": f"机关{body.code}",
                "formed_on": formed,
                "published_on": published if status in ("published", "withdrawn") else None,
                "publish_due": due if attribute == "public" else None,
                "attribute": attribute,
                "withholding_ground": "",
                "attribute_reason": "依申请公开" if attribute != "public" else "",
                "summary": f"本条信息公开{topic}的有关内容。",
                "content": f"{title}。"
                + "根据有关规定，现将有关事项公布如下：一、总体情况；二、主要内容；三、其他事项。" * 3,
                "important": rng.random() < 0.05,
                "status": status,
                "drafter_id": body.clerk,
                "withdrawn_on": min(today, published + timedelta(days=30)) if status == "withdrawn" else None,
                "withdrawn_reason": "信息已失效" if status == "withdrawn" else "",
                "created_at": datetime.combine(formed, datetime.min.time(), tzinfo=TZ) + timedelta(hours=9),
                "updated_at": datetime.combine(published, datetime.min.time(), tzinfo=TZ) + timedelta(hours=15),
            }
        )
    rows.sort(key=lambda r: (r["formed_on"], r["body_id"]))
    # index numbers per body and year of publication, in publication order
    pattern = parse_pattern(DEFAULT_PATTERN)
    sequences: Counter[tuple[int, int]] = Counter()
    codes = {b.pk: b.code for b in bodies}
    published_per_body: Counter[int] = Counter()
    for r in sorted(
        (r for r in rows if r["published_on"] is not None), key=lambda r: (r["published_on"], r["formed_on"])
    ):
        key = (r["body_id"], r["published_on"].year)
        sequences[key] += 1
        r["index_year"] = key[1]
        r["index_sequence"] = sequences[key]
        r["index_number"] = format_index(
            pattern,
            body_code=codes[r["body_id"]],
            year=key[1],
            month=r["published_on"].month,
            category_short=category(r["category"]).short,
            sequence=sequences[key],
        )
        if r["status"] == "published":
            published_per_body[r["body_id"]] += 1
    table = Table(ProactiveItem)
    copier = Copier(table)
    for i, r in enumerate(rows, start=1):
        copier.add({"id": i, **r})
    copier.flush()
    reset_sequences(table)
    counters: dict[int, dict[str, int]] = defaultdict(dict)
    for (body_id, year), last in sequences.items():
        counters[body_id][str(year)] = last + 1
    CatalogueSettings.objects.bulk_create(
        [
            CatalogueSettings(
                body_id=b.pk, body_code="", index_pattern=DEFAULT_PATTERN, next_sequence=counters.get(b.pk, {})
            )
            for b in bodies
        ]
    )
    return published_per_body


# -- checks -------------------------------------------------------------------------------------------


def check_sample(ids: list[int], calendar: WorkCalendar) -> None:
    """Replay the stored events of the sampled applications through the core and compare the cached columns."""
    from xxgk.web.cases.models import Case
    from xxgk.web.cases.selectors import case_core

    for case in Case.objects.filter(pk__in=ids).select_related("body"):
        core = case_core(case=case)
        expected = {
            "status": core.status.value,
            "outcome": core.outcome.value if core.outcome is not None else "",
            "received_on": core.received_on,
            "closed_on": core.closed_on,
        }
        got = {k: getattr(case, k) for k in expected}
        if got != expected:
            raise SystemExit(f"generated application {case.pk} is inconsistent: cached {got}, replayed {expected}")
        answer = next((d for d in core.deadlines(calendar) if d.kind.value == "answer"), None)
        if case.status in ("processing", "reply_review", "reply_approved") and (
            answer is None or answer.due != case.answer_due
        ):
            raise SystemExit(f"generated application {case.pk}: answer due {case.answer_due} ≠ {answer}")


# -- main ---------------------------------------------------------------------------------------------


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("XXGK_SECRET_KEY", "xxgk-load-benchmark-only")
    os.environ["DJANGO_SETTINGS_MODULE"] = "xxgk.web.config.settings"
    os.environ.pop("XXGK_DEBUG", None)
    import django

    django.setup()


def generate(url: str, *, scale: float, bodies: int, seed: int, log: Callable[[str], None]) -> Meta:
    """Create the database ``url`` afresh and load it (see the module docstring)."""
    start = time.perf_counter()
    database_create(url)
    setup_django(url)
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from xxgk.web.cases.models import Case, CaseEvent
    from xxgk.web.workcalendar.selectors import calendar_get

    call_command("migrate", verbosity=0, interactive=False)
    log(f"migrated in {time.perf_counter() - start:.0f} s")
    rng = random.Random(seed)
    today = timezone.localdate()
    infos = load_bodies(bodies)
    log(f"{len(infos)} bodies, {3 * len(infos) + 1} users")
    calendar = calendar_get()
    n_cases = max(1, round(CASES_AT_SCALE_1 * scale))
    n_items = max(1, round(ITEMS_AT_SCALE_1 * scale))
    cases = Copier(Table(Case))
    gen = CaseGen(
        bodies=infos,
        calendar=calendar,
        today=today,
        rng=rng,
        cases=cases,
        events=Copier(Table(CaseEvent), after=cases),
    )
    t0 = time.perf_counter()
    done = 0
    for day, n in daily_volumes(n_cases, today, rng):
        gen.add_day(day, n)
        done += n
        if done // 100_000 != (done - n) // 100_000:
            gen.cases.flush()
            gen.events.flush()
            log(f"  {done:,} applications, {gen.event_id:,} events ({time.perf_counter() - t0:.0f} s)")
    gen.cases.flush()
    gen.events.flush()
    reset_sequences(gen.cases.table, gen.events.table)
    log(f"{gen.case_id:,} applications, {gen.event_id:,} events in {time.perf_counter() - t0:.0f} s")
    t0 = time.perf_counter()
    published = load_items(n_items, infos, today, rng, calendar)
    log(f"{n_items:,} proactive items ({sum(published.values()):,} published) in {time.perf_counter() - t0:.0f} s")
    t0 = time.perf_counter()
    connection.close()
    import psycopg

    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    log(f"VACUUM ANALYZE in {time.perf_counter() - t0:.0f} s")
    sample = rng.sample(range(1, gen.case_id + 1), min(300, gen.case_id))
    check_sample(sample, calendar)
    biggest = max(infos, key=lambda b: gen.per_body[b.pk])
    catalogue = max(infos, key=lambda b: published[b.pk])
    meta = Meta(
        scale=scale,
        seed=seed,
        bodies=len(infos),
        users=3 * len(infos) + 1,
        cases=gen.case_id,
        events=gen.event_id,
        items=n_items,
        seconds=round(time.perf_counter() - start, 1),
        handler=f"{biggest.code}-clerk",
        handler_body_id=biggest.pk,
        handler_body_code=biggest.code,
        handler_body_cases=gen.per_body[biggest.pk],
        case_id=gen.answered_per_body.get(biggest.pk, 1),
        catalogue_code=catalogue.code,
        catalogue_items=published[catalogue.pk],
        search_term=SEARCH_TERM,
        report_year=today.year - 1,
        report_cell=REPORT_CELL,
        created=timezone.now().isoformat(timespec="seconds"),
        extra={
            "median_body_cases": sorted(gen.per_body[b.pk] for b in infos)[len(infos) // 2],
            "today": today.isoformat(),
        },
    )
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {META_TABLE} (doc jsonb NOT NULL)")
        cursor.execute(f"INSERT INTO {META_TABLE} (doc) VALUES (%s)", [meta.to_json()])
    connection.close()
    log(f"done in {meta.seconds:.0f} s")
    return meta


def main(argv: list[str] | None = None) -> None:
    doc = __doc__ or ""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load.generate", description=doc.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0: 1,000,000 applications, 200,000 items")
    parser.add_argument("--bodies", type=int, default=500)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database", default="xxgk_load", help="database name on the local server")
    parser.add_argument("--database-url", default="", help="full PostgreSQL URL instead (dropped and recreated!)")
    args = parser.parse_args(argv)
    url = database_url(args.database_url, args.database)
    if not is_postgres(url):
        raise SystemExit("the load benchmark needs PostgreSQL (COPY); give a postgres:// URL")
    if not math.isfinite(args.scale) or args.scale <= 0:
        raise SystemExit("--scale must be positive")

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    meta = generate(url, scale=args.scale, bodies=args.bodies, seed=args.seed, log=log)
    print(meta.to_json())


if __name__ == "__main__":
    main()
