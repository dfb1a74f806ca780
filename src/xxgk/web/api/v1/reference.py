"""/api/v1/outcomes, /api/v1/calendar/{year}, /api/v1/vocabularies: reference data for clients (cheap, the same
for every caller)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router
from ninja.params import functions as param

from xxgk.core.calendar import DayKind, provisional_reason
from xxgk.core.fees import FeeMethod
from xxgk.core.outcomes import OUTCOMES, ApplicantType, Channel, DeliveryMethod, ProvisionForm, report_cell
from xxgk.core.workflow import TRANSITIONS, ConsultationKind, ConsultationResult, Role, Status
from xxgk.web.api.schemas import ErrorOut, Out, ValidationErrorOut
from xxgk.web.api.v1.application_schemas import ACTION_SCHEMAS
from xxgk.web.api.v1.applications import action_rule
from xxgk.web.cases.selectors import VIEWS
from xxgk.web.cases.services import SERVICES
from xxgk.web.workcalendar.selectors import calendar_get, calendar_year_list

router = Router(tags=["参考数据"])

TEMPLATES = ("2019", "2021")


class OutcomeOut(Out):
    """办理结果目录的一项。"""

    code: str = Field(description="办理结果代码")
    label: str
    group: str = Field(description="表三分组：granted、partial、denied、unable、not_processed、other")
    group_label: str
    basis: str = Field(description="依据")
    requires_legal_ground: bool = Field(description="答复须写明法律依据")
    requires_reasons: bool = Field(description="答复须说明理由")
    lists_withheld_parts: bool = Field(description="答复须列明不予公开的部分（部分公开）")
    by_reply: bool = Field(description="可作为答复结果；否则只由撤回、逾期不补正或逾期未缴费产生")
    rows: dict[str, str] = Field(description="表三的行代码，按模板版本（2019、2021）")
    cells: dict[str, dict[str, str]] = Field(
        description='表三的单元格代码，按模板版本和申请人类型，如 cells["2021"]["natural"] = "s3.granted.natural"'
    )


@router.get(
    "/outcomes", response={200: list[OutcomeOut], 401: ErrorOut}, summary="办理结果目录", operation_id="outcome_list"
)
def outcome_list(request: HttpRequest) -> list[OutcomeOut]:
    """每一种办理结果（《条例》第三十、三十五至三十九条，国办函〔2020〕109号），按年报表三的顺序，
    及其在2019年版、2021年版模板表三中的行和单元格代码（见 docs/cell-codes.md）。"""
    return [
        OutcomeOut(
            code=o.value,
            label=s.label,
            group=s.group.value,
            group_label=s.group.label,
            basis=s.basis,
            requires_legal_ground=s.requires_legal_ground,
            requires_reasons=s.requires_reasons,
            lists_withheld_parts=s.lists_withheld_parts,
            by_reply=s.by_reply,
            rows={t: s.row(t) for t in TEMPLATES},
            cells={t: {a.value: report_cell(o, a, t) for a in ApplicantType} for t in TEMPLATES},
        )
        for o, s in OUTCOMES.items()
    ]


class CalendarDayOut(Out):
    day: date = Field(description="日期")
    working: bool = Field(description="是否工作日")
    kind: str = Field(description="类型：" + "、".join(f"{k.value}（{k.label}）" for k in DayKind))
    kind_label: str
    name: str = Field(description="节日名称")
    source: str = Field(description="来源通知")


class CalendarYearOut(Out):
    """一年的工作日。"""

    year: int
    announced: bool = Field(description="该年节假日安排已公布并录入；否则按周一至周五暂定计算")
    source: str = Field(description="依据（国务院办公厅通知）")
    provisional_reason: str = Field(description="未公布时，期限为暂定值的说明")
    calendar: str = Field(description="所用日历的说明")
    working_day_count: int = Field(description="全年工作日数")
    working_days: list[date] = Field(description="全年的工作日")
    overrides: list[CalendarDayOut] = Field(description="不同于周一至周五规则的日期（节假日、调休放假、调休上班日等）")


@router.get(
    "/calendar/{year}",
    response={200: CalendarYearOut, 401: ErrorOut, 422: ValidationErrorOut},
    summary="某年的工作日",
    operation_id="calendar_year",
)
def calendar_year(
    request: HttpRequest, year: int = param.Path(..., ge=1900, le=2200, description="年份")
) -> CalendarYearOut:
    """该年的工作日（本系统的工作日日历：周一至周五，除去法定节假日和调休放假，加上调休上班日），
    以及该年的节假日安排是否已公布。"""
    calendar = calendar_get()
    first = date(year, 1, 1)
    days = [first + timedelta(days=i) for i in range((date(year + 1, 1, 1) - first).days)]
    working = [d for d in days if calendar.is_working_day(d)]
    row = next((y for y in calendar_year_list() if y.year == year), None)
    announced = calendar.is_announced(year)
    return CalendarYearOut(
        year=year,
        announced=announced,
        source=row.source if row is not None else "",
        provisional_reason="" if announced else provisional_reason([year]),
        calendar=calendar.describe(),
        working_day_count=len(working),
        working_days=working,
        overrides=[
            CalendarDayOut(
                day=o.day, working=o.working, kind=o.kind.value, kind_label=o.kind.label, name=o.name, source=o.source
            )
            for o in calendar.overrides_in(year)
        ],
    )


class TermOut(Out):
    code: str
    label: str


class ActionTermOut(Out):
    code: str
    label: str
    roles: list[str] = Field(description="可执行的角色")
    from_statuses: list[str] = Field(description="可执行的状态")
    payload: str = Field(description="请求体的 schema 名称")
    requirement: str = Field(description="执行条件")


class VocabulariesOut(Out):
    """接口中使用的代码及其中文名称。"""

    channels: list[TermOut]
    applicant_types: list[TermOut]
    provision_forms: list[TermOut]
    delivery_methods: list[TermOut]
    statuses: list[TermOut]
    roles: list[TermOut]
    views: list[TermOut]
    fee_methods: list[TermOut]
    consultation_kinds: list[TermOut]
    consultation_results: list[TermOut]
    actions: list[ActionTermOut]


def _terms(members: Any) -> list[TermOut]:
    return [TermOut(code=m.value, label=str(m.label)) for m in members]


@router.get(
    "/vocabularies", response={200: VocabulariesOut, 401: ErrorOut}, summary="代码表", operation_id="vocabularies"
)
def vocabularies(request: HttpRequest) -> VocabulariesOut:
    """申请渠道、申请人类型、状态、角色、操作等代码及其中文名称；操作还列出执行角色、可执行的状态和执行条件。"""
    actions: list[ActionTermOut] = []
    for action in SERVICES:
        rule = action_rule(action)
        actions.append(
            ActionTermOut(
                code=action.value,
                label=action.label,
                roles=[r.value for r in Role if r in rule.roles],
                from_statuses=[s.value for (s, a) in TRANSITIONS if a is action],
                payload=ACTION_SCHEMAS[rule.payload].__name__,
                requirement=rule.guard,
            )
        )
    return VocabulariesOut(
        channels=_terms(Channel),
        applicant_types=[TermOut(code=t.value, label=t.full_label) for t in ApplicantType],
        provision_forms=_terms(ProvisionForm),
        delivery_methods=_terms(DeliveryMethod),
        statuses=_terms(Status),
        roles=_terms(Role),
        views=[TermOut(code=k, label=str(v)) for k, v in VIEWS.items()],
        fee_methods=_terms(FeeMethod),
        consultation_kinds=_terms(ConsultationKind),
        consultation_results=_terms(ConsultationResult),
        actions=actions,
    )
