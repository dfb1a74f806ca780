"""One object of every kind the web application stores, for 八桥镇, created through the services.

Every free-text field holds :func:`text`: a label, the private :data:`MARK` (text that must never reach a user of
another body or the public) and two XSS vectors (that must only ever reach a page escaped). What 八桥镇 publishes
on purpose (a published proactive item, its guide) carries :data:`PUBLIC_MARK` instead of :data:`MARK`.

The users of the other body (跳磴镇) hold each role: ``td_clerk`` (from the shared fixtures), ``td_reviewer``,
``td_head`` and ``td_admin``; ``bq_admin`` administers 八桥镇.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from tests.web.conftest import PASSWORD, registration
from xxgk.core.outcomes import ApplicantType, DeliveryMethod, Outcome, ProvisionForm
from xxgk.core.table2 import DocKind, FigureItem
from xxgk.core.table4 import RemedyKind, RemedyResult
from xxgk.core.workflow import CorrectionRequest, Reply, ReviewNote
from xxgk.web.tenancy.models import Body, MemberRole, Membership

#: Private text of 八桥镇: must never appear in a response to another body's user or to the public. Its ASCII part
#: (:data:`MARK_TOKEN`) is what responses are searched for: it survives HTML escaping, JSON's ``\\uXXXX`` escapes
#: and CSV/XLSX/DOCX encodings alike.
MARK_TOKEN = "Q7XJ9"
MARK = f"八桥保密{MARK_TOKEN}"
#: Text 八桥镇 publishes on purpose (public pages may show it), and the national calendar's (shared) text.
PUBLIC_TOKEN = "P3ZK8"
PUBLIC_MARK = f"八桥公开{PUBLIC_TOKEN}"
XSS_SCRIPT = "<script>alert(1)</script>"
XSS_ATTR = '"><img src=x onerror=alert(1)>'
#: Raw markup that must never appear in an HTML response (the vectors unescaped).
RAW_VECTORS = ("<script>alert(1)", "<img src=x onerror=alert(1)>", "onerror=alert(1)>")

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def text(label: str, *, mark: str = MARK) -> str:
    """A free-text value: label, marker and both XSS vectors."""
    return f"{label}{mark}{XSS_SCRIPT}{XSS_ATTR}"


def hostile_report() -> bytes:
    """八桥镇's real 2020 report (text) with the XSS vectors in its title line, two narrative sections and a table
    row's label: parsed report text that pages show must be escaped as well."""
    source = (FIXTURES / "published" / "cq-dadukou-baqiao-2020.txt").read_text(encoding="utf-8")
    vectors = XSS_SCRIPT + XSS_ATTR
    source = source.replace("重庆市大渡口区八桥镇\n", f"重庆市大渡口区八桥镇{vectors}\n", 1)
    source = source.replace("一、总体情况\n", f"一、总体情况\n{vectors}总体情况说明。\n", 1)
    source = source.replace("六、其他需要报告的事项\n", f"六、其他需要报告的事项\n{vectors}其他事项。\n", 1)
    # a row of table 2 outside the template (shown as an extra row, label and all)
    source = source.replace("\t规范性文件\n", f"\t{XSS_SCRIPT}其他文件{XSS_ATTR}\n\t0\n\t0\n\t0\n\n\t规范性文件\n", 1)
    assert source.count(vectors) == 3 and source.count(XSS_SCRIPT) == 4
    return source.encode("utf-8")


@dataclass
class World:
    org: dict[str, Body]
    users: dict[str, User]
    ids: dict[str, int] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)
    #: API tokens by user name.
    tokens: dict[str, str] = field(default_factory=dict)


OTHER_BODY_ROLES = {
    "td_reviewer": MemberRole.REVIEWER,
    "td_head": MemberRole.HEAD,
    "td_admin": MemberRole.ADMIN,
}


def _member(username: str, body: Body, role: MemberRole) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, first_name=username)
    Membership.objects.create(user=user, body=body, role=role)
    return user


def build_world(org: dict[str, Body], users: dict[str, User]) -> World:
    """Create everything (see the module docstring); returns the ids by kind."""
    world = World(org, users)
    for name, role in OTHER_BODY_ROLES.items():
        users[name] = _member(name, org["tiaodeng"], role)
    users["bq_admin"] = _member("bq_admin", org["baqiao"], MemberRole.ADMIN)
    _cases(world)
    _letters(world)
    _portal(world)
    _proactive(world)
    _registers(world)
    _litigation(world)
    _jobs(world)
    _oversight(world)
    _api(world)
    _calendar(world)
    _lockout(world)
    _reports(world)
    return world


# -- applications ------------------------------------------------------------------------------------------------


def _cases(w: World) -> None:
    from xxgk.web.cases import services as s
    from xxgk.web.cases.models import DuplicateFlag

    clerk, body = w.users["bq_clerk"], w.org["baqiao"].pk
    reg = registration(name=text("申请人")[:190], content=text("申请内容"), submitted_on=date(2026, 3, 2))
    case = s.case_register(actor=clerk, body_id=body, registration=reg, on=date(2026, 3, 2))
    s.case_edit_registration(
        actor=clerk,
        case_id=case.pk,
        changes={"agent": text("代理人")[:190], "contact": text("联系方式")[:190]},
        reason=text("修改原因"),
    )
    s.case_request_correction(
        actor=clerk,
        case_id=case.pk,
        data=CorrectionRequest((text("补正事项"), "请写明年份"), date(2026, 3, 16)),
        on=date(2026, 3, 4),
    )
    w.ids["case"] = case.pk
    w.ids["correction_seq"] = case.events.get(action="request_correction").seq
    w.values["case_number"] = case.number
    # a later application of the same applicant: flagged as a possible duplicate, decided with a note
    again = s.case_register(actor=clerk, body_id=body, registration=reg, on=date(2026, 3, 5))
    flag = DuplicateFlag.objects.filter(case=again).first()
    assert flag is not None, "the second application should be flagged as a possible duplicate"
    s.case_duplicate_decide(
        actor=clerk, case_id=again.pk, flag_id=flag.pk, decision="dismissed", note=text("排除重复说明")
    )
    w.ids["case_again"] = again.pk
    w.ids["flag"] = flag.pk
    # an answered and closed application (granted): for 依申请转主动, remedies, letters of the reply
    closed = s.case_register(
        actor=clerk,
        body_id=body,
        registration=registration(
            name=text("已办结申请人")[:190], content=text("已办结申请内容"), submitted_on=date(2026, 3, 2)
        ),
        on=date(2026, 3, 2),
    )
    reply = Reply(
        outcome=Outcome.GRANTED,
        reasons=text("答复理由"),
        form=ProvisionForm.ELECTRONIC,
        delivery=DeliveryMethod.ONLINE,
    )
    s.case_draft_reply(actor=clerk, case_id=closed.pk, data=reply, on=date(2026, 3, 6))
    s.case_approve_reply(
        actor=w.users["bq_reviewer"], case_id=closed.pk, data=ReviewNote(text("审核意见")), on=date(2026, 3, 9)
    )
    s.case_send_reply(actor=clerk, case_id=closed.pk, on=date(2026, 3, 10))
    w.ids["case_closed"] = closed.pk


# -- letters -----------------------------------------------------------------------------------------------------


def _letters(w: World) -> None:
    from xxgk.web.letters.models import Letter
    from xxgk.web.letters.services import letter_generate, letter_template_upload

    letters = letter_generate(actor=w.users["bq_clerk"], case_id=w.ids["case"], event_seq=w.ids["correction_seq"])
    assert letters, "the correction request should produce a letter"
    w.ids["letter"] = letters[0].pk
    w.values["slot"] = "correction"
    letter_template_upload(
        actor=w.users["bq_admin"],
        body_id=w.org["baqiao"].pk,
        slot_code="correction",
        filename=text("模板") + ".docx",
        content=_template_docx(),
    )
    assert Letter.objects.filter(pk=w.ids["letter"]).exists()


def _template_docx() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("{{申请人}}：")
    document.add_paragraph("请于{{补正期限}}前补正：{{补正事项}}")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# -- the public portal ------------------------------------------------------------------------------------------


def _portal(w: World) -> None:
    from xxgk.web.portal.forms import form_token_new
    from xxgk.web.portal.models import IdType
    from xxgk.web.portal.services import SubmissionData, access_code_issue, submission_create

    body = w.org["baqiao"]
    data = SubmissionData(
        applicant_type=ApplicantType.NATURAL,
        applicant_name=text("网上申请人")[:100],
        id_type=IdType.RESIDENT_ID,
        id_number="11010519491231002X",
        content=text("网上申请内容"),
        address=text("地址")[:200],
        agent=text("网上代理人")[:100],
    )
    submission, _ = submission_create(
        body_id=body.pk, data=data, form_token=form_token_new(body_code=body.code, now=time.time() - 60)
    )
    w.ids["submission"] = submission.pk
    access_code_issue(actor=w.users["bq_clerk"], case_id=w.ids["case"])


# -- proactive disclosure ---------------------------------------------------------------------------------------


def _proactive(w: World) -> None:
    from xxgk.web.proactive import services as p

    clerk, body = w.users["bq_clerk"], w.org["baqiao"].pk
    formed = timezone.localdate() - timedelta(days=3)
    draft = p.item_create(
        actor=clerk,
        body_id=body,
        data=p.ItemData(
            category="a20.07",
            title=text("草稿标题")[:200],
            formed_on=formed,
            doc_number=text("文号")[:60],
            summary=text("摘要"),
            content=text("正文"),
        ),
    )
    attachment = p.item_attach(actor=clerk, item_id=draft.pk, name=text("附件")[:80] + ".txt", data=b"attachment")
    w.ids["item"] = draft.pk
    w.ids["attachment"] = attachment.pk
    # a published item (public on purpose)
    published = p.item_create(
        actor=clerk,
        body_id=body,
        data=p.ItemData(
            category="a20.07",
            title=text("公开标题", mark=PUBLIC_MARK)[:200],
            formed_on=formed,
            summary=text("公开摘要", mark=PUBLIC_MARK),
            content=text("公开正文", mark=PUBLIC_MARK),
        ),
    )
    public_file = p.item_attach(actor=clerk, item_id=published.pk, name="公开附件.txt", data=b"public")
    published = p.item_submit(actor=clerk, item_id=published.pk)
    for step, who in (("department", "bq_reviewer"), ("leader", "bq_head"), ("office", "bq_reviewer")):
        published = p.item_decide(
            actor=w.users[who], item_id=published.pk, step=step, decision="approve", opinion=text("审查意见")
        )
    published = p.item_publish(actor=clerk, item_id=published.pk)
    w.ids["published_item"] = published.pk
    w.ids["published_attachment"] = public_file.pk
    p.guide_save(
        actor=w.users["bq_admin"],
        body_id=body,
        data=p.GuideData(
            office_name=text("工作机构", mark=PUBLIC_MARK)[:100],
            address=text("办公地址", mark=PUBLIC_MARK)[:200],
            office_hours="工作日 9:00-17:00",
            phone="023-12345678",
            classification=text("分类说明", mark=PUBLIC_MARK),
            application_guide=text("申请指南", mark=PUBLIC_MARK),
        ),
    )


# -- registers and litigation ------------------------------------------------------------------------------------


def _registers(w: World) -> None:
    from xxgk.web.registers.data import AmendmentData, DocumentData, FigureData
    from xxgk.web.registers.services import amendment_add, document_create, figure_save

    clerk, body = w.users["bq_clerk"], w.org["baqiao"].pk
    document = document_create(
        actor=clerk,
        body_id=body,
        data=DocumentData(
            kind=DocKind.NORMATIVE,
            title=text("规范性文件标题")[:200],
            doc_number="八桥府发〔2026〕1号",
            issued_on=date(2026, 1, 5),
            note=text("文件备注"),
        ),
    )
    amendment = amendment_add(
        actor=clerk, document_id=document.pk, data=AmendmentData(date(2026, 2, 1), note=text("修改备注"))
    )
    figure = figure_save(
        actor=clerk,
        body_id=body,
        data=FigureData(
            year=2020, item=FigureItem.PROCUREMENT, projects=3, amount=Decimal("12.5"), source=text("数据来源")
        ),
    )
    w.ids.update(document=document.pk, amendment=amendment.pk, figure=figure.pk)


def _litigation(w: World) -> None:
    from xxgk.web.litigation.services import RemedyData, hearing_add, remedy_close, remedy_create

    clerk, body = w.users["bq_clerk"], w.org["baqiao"].pk
    remedy = remedy_create(
        actor=clerk,
        body_id=body,
        data=RemedyData(
            kind=RemedyKind.REVIEW,
            forum=text("复议机关")[:100],
            applicant=text("复议申请人")[:100],
            filed_on=date(2026, 4, 1),
            number=text("案号")[:60],
            note=text("复议备注"),
            case_ids=(w.ids["case_closed"],),
        ),
    )
    hearing = hearing_add(actor=clerk, remedy_id=remedy.pk, on=date(2026, 5, 6), note=text("开庭备注"))
    closed = remedy_create(
        actor=clerk,
        body_id=body,
        data=RemedyData(
            kind=RemedyKind.SUIT_DIRECT, forum="重庆铁路运输法院", applicant="某人", filed_on=date(2026, 4, 2)
        ),
    )
    remedy_close(
        actor=clerk, remedy_id=closed.pk, result=RemedyResult.UPHELD, closed_on=date(2026, 6, 1), note=text("结案说明")
    )
    w.ids.update(remedy=remedy.pk, hearing=hearing.pk)


# -- jobs, oversight uploads, API tokens, the calendar ------------------------------------------------------------


def _jobs(w: World) -> None:
    from xxgk.web.jobs.models import JobFile
    from xxgk.web.jobs.services import JobInput, job_enqueue

    report = hostile_report()
    job = job_enqueue(
        kind="batch_check",
        params={"note": text("任务参数")},
        actor=w.users["bq_clerk"],
        body=w.org["baqiao"],
        inputs=[JobInput(name=text("上传文件")[:100] + ".txt", data=report)],
    )
    w.ids["job"] = job.pk
    file = JobFile.objects.filter(job=job).order_by("pk").first()
    assert file is not None
    w.ids["job_file"] = file.pk


def _oversight(w: World) -> None:
    from xxgk.web.oversight.services import external_report_upload

    report = hostile_report()
    upload = external_report_upload(
        actor=w.users["qu_admin"],
        body_id=w.org["baqiao"].pk,
        year=2020,
        filename=text("外部报告")[:80] + ".txt",
        data=report,
        note=text("上传备注"),
    )
    w.ids["external_report"] = upload.pk


def _api(w: World) -> None:
    from xxgk.web.api.services import api_token_create

    token, _ = api_token_create(user=w.users["bq_clerk"], name=text("令牌")[:60], days=30, actor=w.users["bq_clerk"])
    w.ids["api_token"] = token.pk
    for name in ("td_clerk", *OTHER_BODY_ROLES, "nobody"):
        _, secret = api_token_create(user=w.users[name], name="matrix", days=1, actor=w.users[name])
        w.tokens[name] = secret


def _calendar(w: World) -> None:
    from xxgk.core.calendar import DayKind
    from xxgk.web.workcalendar.services import calendar_day_save

    calendar_day_save(
        actor=w.users["qu_admin"], day=date(2026, 10, 9), kind=DayKind.HOLIDAY, name=text("假日", mark=PUBLIC_MARK)[:50]
    )


def _reports(w: World) -> None:
    """A draft annual report of 八桥镇 on 2026 with its narrative typed in, a cell typed over, and the previous
    year's published report uploaded (the hostile one)."""
    from xxgk.web.reports import services as r
    from xxgk.web.reports.narrative import SECTIONS

    clerk, body = w.users["bq_clerk"], w.org["baqiao"].pk
    r.report_start(actor=clerk, body_id=body, year=2026)
    r.report_narrative_save(
        actor=clerk, body_id=body, year=2026, sections={key: text(f"年报{key}") for key in SECTIONS}
    )
    r.report_override_set(
        actor=clerk, body_id=body, year=2026, code="s3.received.natural", value=99, reason=text("手工修改理由")
    )
    r.report_previous_upload(
        actor=clerk, body_id=body, year=2026, filename=text("上年报告")[:80] + ".txt", data=hostile_report()
    )
    w.values["report_year"] = "2026"


def _lockout(w: World) -> None:
    from xxgk.web.security.models import LoginThrottle
    from xxgk.web.security.services import login_failure_record

    for _ in range(5):
        login_failure_record(username="bq_clerk", address="192.0.2.10", user=w.users["bq_clerk"])
    w.ids["throttle"] = LoginThrottle.objects.get(username="bq_clerk").pk


def snapshot_counts() -> dict[str, int]:
    """Row counts of every model: a request that changed any of them wrote something."""
    from django.apps import apps

    counts: dict[str, Any] = {}
    for model in apps.get_models():
        if model._meta.app_label in ("sessions", "contenttypes", "auth"):
            continue
        counts[model._meta.label] = model._default_manager.count()
    return counts
