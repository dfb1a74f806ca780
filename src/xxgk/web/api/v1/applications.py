"""/api/v1/applications: the work list, one application, registering, and one operation per workflow action.

Every operation is scoped exactly like the pages: cases are fetched through
:func:`xxgk.web.cases.selectors.access_case_by_id` (another body's case is a 404 identical to a missing one) and
written through the services of :mod:`xxgk.web.cases.services` (a supervising body's user gets 403).

Optimistic locking is HTTP's own (RFC 9110 §8.8.3, §13.1.1): an application's ``ETag`` is its version
(``"7"``; also the ``version`` field of the body), answered by GET, registration and every action; an action sent
with ``If-Match`` runs only while the application is still at that version
(:func:`xxgk.web.cases.concurrency.case_write_if_current`, the pages' check), else 409 ``version_conflict`` and
nothing is written. Without ``If-Match`` the action runs unconditionally, as before (docs/api.md says why).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import ValidationError
from ninja.params import functions as param
from ninja.responses import Status
from pydantic import field_validator

from xxgk.core.calendar import WorkCalendar
from xxgk.core.deadlines import Deadline
from xxgk.core.outcomes import ApplicantType, Channel, Outcome
from xxgk.core.receipt import ReceiptDate
from xxgk.core.workflow import TRANSITIONS, Action, Registration, Role, Transition
from xxgk.core.workflow import Case as CoreCase
from xxgk.core.workflow import Status as CaseStatus
from xxgk.web.api.auth import api_user
from xxgk.web.api.schemas import READ_ERRORS, WRITE_ERRORS, ErrorOut, ValidationErrorOut
from xxgk.web.api.v1.application_schemas import (
    ACTION_SCHEMAS,
    ActionIn,
    AllowedActionOut,
    ApplicantOut,
    ApplicationDetailOut,
    ApplicationOut,
    ApplicationPageOut,
    BodyRefOut,
    DeadlineOut,
    EventOut,
    OutcomeResultOut,
    ReceiptFactsOut,
    ReceiptOut,
    RegistrationIn,
    RegistrationOut,
)
from xxgk.web.api.v1.labels import choices, label_of
from xxgk.web.cases.concurrency import case_write_if_current
from xxgk.web.cases.models import Case, CaseEvent
from xxgk.web.cases.selectors import (
    READ_ONLY,
    VIEWS,
    CaseFilters,
    access_case_by_id,
    case_actions_offered,
    case_core,
    case_events,
    case_list,
    user_can_act,
)
from xxgk.web.cases.services import SERVICES, case_register
from xxgk.web.tenancy.selectors import AnyUser, access_body_by_id, body_ids_working
from xxgk.web.workcalendar.selectors import calendar_get

router = Router(tags=["依申请公开"])

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
TEMPLATES = ("2019", "2021")
ID = param.Path(..., description="申请的 id")

IF_MATCH_DESCRIPTION = (
    '乐观锁：读取申请（GET）时响应头 ETag 的值，如 "7"（即 version 字段加引号）。'
    "申请自那以后已被他人办理或修改的，返回 409 version_conflict，不执行本操作。"
    "可列出多个（以逗号分隔），或为 *（不比较）；省略时不比较版本（兼容旧调用方，不建议）。"
)
IF_MATCH_INVALID = '应为读取申请时响应头 ETag 的值，如 "7"（可列出多个，以逗号分隔；或为 *）'
IF_MATCH_WEAK = '不接受弱 ETag（W/…）：请使用读取申请时响应头 ETag 的值，如 "7"'
ETAG_HEADER = {
    "ETag": {
        "description": '申请的当前版本（加引号的 version，如 "7"）；办理时放在请求头 If-Match 中',
        "schema": {"type": "string"},
    }
}
IF_MATCH = param.Header(None, alias="If-Match", description=IF_MATCH_DESCRIPTION)
_ENTITY_TAG = re.compile(r'(W/)?"(\d{1,18})"|(\d{1,18})')


class ApplicationFilters(Schema):
    """工作列表的筛选条件（均可省略）。"""

    view: str = Field(
        default="all",
        description="列表：" + "、".join(f"{k}（{v}）" for k, v in VIEWS.items()),
        json_schema_extra={"enum": list(VIEWS)},
    )
    q: str = Field(default="", max_length=100, description="搜索申请人、申请内容、编号")
    status: CaseStatus | None = Field(default=None, description="状态：" + choices(CaseStatus))
    outcome: Outcome | None = Field(default=None, description="办理结果（见 GET /api/v1/outcomes）")
    applicant_type: ApplicantType | None = Field(default=None, description="申请人类型：" + choices(ApplicantType))
    body_id: int | None = Field(default=None, description="只看某一机关（须为可见机关）")
    received_from: date | None = Field(default=None, description="收到申请之日不早于")
    received_to: date | None = Field(default=None, description="收到申请之日不晚于")
    due_soon_days: int | None = Field(default=None, ge=1, le=60, description="“即将到期”的范围（工作日），默认系统设置")

    @field_validator("view")
    @classmethod
    def _known_view(cls, value: str) -> str:
        if value not in VIEWS:
            raise ValueError("取值无效，可选：" + ", ".join(VIEWS))
        return value

    def to_filters(self) -> CaseFilters:
        return CaseFilters(
            view=self.view,
            q=self.q.strip(),
            status=self.status.value if self.status else "",
            outcome=self.outcome.value if self.outcome else "",
            body_id=self.body_id,
            received_from=self.received_from,
            received_to=self.received_to,
            due_soon_days=self.due_soon_days or settings.XXGK_DUE_SOON_DAYS,
        )


# -- presenting ----------------------------------------------------------------------------------


def _detail_url(case_id: int) -> str:
    return reverse("api:application_detail", kwargs={"id": case_id})


def _action_url(case_id: int, action: Action) -> str:
    return reverse(f"api:application_{action.value}", kwargs={"id": case_id})


def _summary_fields(case: Case) -> dict[str, Any]:
    handler = case.handler
    outcome = Outcome(case.outcome) if case.outcome else None
    return {
        "id": case.pk,
        "number": case.number,
        "url": _detail_url(case.pk),
        "body": BodyRefOut(id=case.body.pk, code=case.body.code, name=case.body.name),
        "status": CaseStatus(case.status),
        "status_label": case.status_enum.label,
        "channel": Channel(case.channel),
        "channel_label": Channel(case.channel).label,
        "applicant_type": ApplicantType(case.applicant_type),
        "applicant_type_label": ApplicantType(case.applicant_type).full_label,
        "applicant_name": case.applicant_name,
        "content": case.content,
        "registered_on": case.registered_on,
        "received_on": case.received_on,
        "answer_due": case.answer_due,
        "next_due": case.next_due,
        "next_due_label": case.next_due_label,
        "due_provisional": case.due_provisional,
        "outcome": outcome,
        "outcome_label": label_of(outcome),
        "closed_on": case.closed_on,
        "handler": handler.get_username(),
        "handler_name": handler.get_full_name() or handler.get_username(),
        "version": case.version,
    }


def etag(case: Case) -> str:
    """The ``ETag`` of ``case``: its version, quoted (a strong entity tag of the stored application)."""
    return f'"{case.version}"'


def if_match_versions(value: str | None) -> frozenset[int] | None:
    """The versions an ``If-Match`` header accepts; ``None`` when there is nothing to compare (no header, or
    ``*``: the application exists, which the access check establishes anyway). A malformed header, or a weak tag
    (which never matches under If-Match's strong comparison), is a 422 naming the header."""
    if value is None or value.strip() == "*":
        return None
    versions: set[int] = set()
    for part in value.split(","):
        match = _ENTITY_TAG.fullmatch(part.strip())
        if match is None or match.group(1):
            message = IF_MATCH_WEAK if match is not None else IF_MATCH_INVALID
            raise ValidationError([{"type": "if_match", "loc": ("header", "If-Match"), "msg": message}])
        versions.add(int(match.group(2) or match.group(3)))
    return frozenset(versions)


def application_out(case: Case) -> ApplicationOut:
    return ApplicationOut(**_summary_fields(case))


def _registration_out(reg: Registration | None) -> RegistrationOut | None:
    if reg is None:
        return None
    r, a = reg.receipt, reg.applicant
    return RegistrationOut(
        channel=reg.channel,
        channel_label=reg.channel.label,
        applicant=ApplicantOut(
            type=a.type,
            type_label=a.type.full_label,
            name=a.name,
            id_document=a.id_document,
            contact=a.contact,
            agent=a.agent,
        ),
        content=reg.content,
        receipt=ReceiptFactsOut(
            submitted_on=r.submitted_on,
            signed_for_on=r.signed_for_on,
            arrived_on=r.arrived_on,
            confirmed_on=r.confirmed_on,
            mailbox_received_on=r.mailbox_received_on,
            ordinary_mail=r.ordinary_mail,
            addressed_elsewhere=r.addressed_elsewhere,
        ),
        requested_form=reg.requested_form,
        requested_form_label=label_of(reg.requested_form),
        requested_delivery=reg.requested_delivery,
        requested_delivery_label=label_of(reg.requested_delivery),
        transcribed_by=reg.transcribed_by,
        applicant_confirmed=reg.applicant_confirmed,
    )


def _receipt_out(receipt: ReceiptDate | None) -> ReceiptOut | None:
    if receipt is None:
        return None
    return ReceiptOut(
        day=receipt.day,
        pending=receipt.pending,
        basis=receipt.basis,
        note=receipt.note,
        description=receipt.describe(),
    )


def _result_out(core: CoreCase) -> OutcomeResultOut | None:
    outcome = core.outcome
    if outcome is None:
        return None
    spec = outcome.spec
    cells = {t: cell for t in TEMPLATES if (cell := core.report_cell(t)) is not None}
    return OutcomeResultOut(
        code=outcome,
        label=spec.label,
        group=spec.group.value,
        group_label=spec.group.label,
        basis=spec.basis,
        report_cells=cells,
    )


def _deadline_out(deadline: Deadline, *, today: date, calendar: WorkCalendar) -> DeadlineOut:
    return DeadlineOut(
        kind=deadline.kind.value,
        label=deadline.kind.label,
        due=deadline.due,
        start=deadline.start,
        days=deadline.days,
        paused_days=deadline.paused_days,
        extension_days=deadline.extension_days,
        provisional=deadline.provisional,
        provisional_reason=deadline.reason,
        unannounced_years=list(deadline.unannounced_years),
        suspended=deadline.suspended,
        steps=list(deadline.steps),
        warnings=list(deadline.warnings),
        explanation=deadline.explanation,
        overdue=deadline.is_overdue(today),
        remaining_working_days=deadline.remaining_working_days(today, calendar),
    )


def _event_out(row: CaseEvent) -> EventOut:
    stored = row.payload if isinstance(row.payload, dict) else None
    action, role = Action(row.action), Role(row.role)
    return EventOut(
        seq=row.seq,
        action=action,
        action_label=action.label,
        on=row.on,
        role=role,
        role_label=role.label,
        actor=row.actor.get_username() if row.actor is not None else None,
        payload_type=str(stored["type"]) if stored else None,
        payload=stored.get("data") if stored else None,
        recorded_at=row.created_at,
    )


def action_rule(action: Action) -> Transition:
    """The transition-table entry of ``action`` (roles, payload type and requirement are the same in every
    status the action is allowed in)."""
    return next(t for (_s, a), t in TRANSITIONS.items() if a is action)


def _allowed_out(
    user: AnyUser, case: Case, *, core: CoreCase, calendar: WorkCalendar, today: date
) -> list[AllowedActionOut]:
    """What ``user`` can do now: only actions that can succeed (role, sign-off step and the guards' part that does
    not depend on the request body, for a step dated up to ``today``)."""
    out: list[AllowedActionOut] = []
    for action, role in case_actions_offered(user=user, case=case, core=core, calendar=calendar, today=today):
        if action not in SERVICES:  # pragma: no cover - registration is not an action on a case
            continue
        rule = action_rule(action)
        out.append(
            AllowedActionOut(
                action=action,
                label=action.label,
                role=role,
                role_label=role.label,
                url=_action_url(case.pk, action),
                payload=ACTION_SCHEMAS[rule.payload].__name__,
                requirement=rule.guard,
            )
        )
    return out


def application_detail_out(user: AnyUser, case: Case) -> ApplicationDetailOut:
    """Everything about ``case`` as ``user`` may see it (the case must come from ``access_case_by_id``)."""
    events = case_events(case=case)
    core = case_core(case=case, events=events)
    calendar = calendar_get()
    today = timezone.localdate()
    return ApplicationDetailOut(
        **_summary_fields(case),
        can_act=user_can_act(user=user, case=case),
        registration=_registration_out(core.registration),
        receipt=_receipt_out(core.receipt),
        result=_result_out(core),
        deadlines=[_deadline_out(d, today=today, calendar=calendar) for d in core.deadlines(calendar)],
        events=[_event_out(e) for e in events],
        allowed_actions=_allowed_out(user, case, core=core, calendar=calendar, today=today),
    )


# -- operations ----------------------------------------------------------------------------------


@router.get(
    "",
    response={200: ApplicationPageOut, 401: ErrorOut, 422: ValidationErrorOut},
    summary="申请列表",
    operation_id="application_list",
)
def application_list(
    request: HttpRequest,
    filters: Query[ApplicationFilters],
    limit: int = param.Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"每页条数（1–{MAX_LIMIT}）"),
    offset: int = param.Query(0, ge=0, description="跳过的条数"),
) -> ApplicationPageOut:
    """调用者可见机关（本机关及下级机关）的申请，按筛选条件过滤，稳定排序（到期类列表按最近期限，其余按登记日期倒序），
    分页返回并给出总数。"""
    user = api_user(request)
    qs = case_list(user=user, filters=filters.to_filters(), calendar=calendar_get())
    if filters.applicant_type is not None:
        qs = qs.filter(applicant_type=filters.applicant_type.value)
    count = qs.count()
    items = [application_out(c) for c in qs[offset : offset + limit]]
    return ApplicationPageOut(count=count, limit=limit, offset=offset, items=items)


@router.get(
    "/{id}",
    response={200: ApplicationDetailOut, **READ_ERRORS},
    summary="申请详情",
    operation_id="application_detail",
    openapi_extra={"responses": {200: {"headers": ETAG_HEADER}}},
)
def application_detail(request: HttpRequest, response: HttpResponse, id: int = ID) -> ApplicationDetailOut:
    """登记信息、状态、办理结果及其表三单元格、各项期限及计算过程、办理记录，以及调用者现在可以执行的操作。
    其他机关的申请与不存在的申请一样返回 404。响应头 ETag 为申请的当前版本，办理时放在请求头 If-Match 中。"""
    user = api_user(request)
    case = access_case_by_id(user, id)
    response["ETag"] = etag(case)
    return application_detail_out(user, case)


@router.post(
    "",
    response={201: ApplicationDetailOut, **WRITE_ERRORS},
    summary="登记申请",
    operation_id="application_register",
    openapi_extra={"responses": {201: {"headers": ETAG_HEADER}}},
)
def application_register(request: HttpRequest, payload: RegistrationIn, response: HttpResponse) -> Status[Any]:
    """由受理机关的经办人登记一件申请（收到申请之日尚不能确定的，登记为“收到日期待确认”）。
    登记信息不完整（《条例》第二十九条）等由业务规则拒绝的，返回 409。"""
    user = api_user(request)
    body = access_body_by_id(user, payload.body_id)
    if body.pk not in body_ids_working(user=user):
        raise PermissionDenied(READ_ONLY)
    case = case_register(actor=user, body_id=body.pk, registration=payload.to_core(), on=payload.on)
    case = access_case_by_id(user, case.pk)
    response["Location"] = request.build_absolute_uri(_detail_url(case.pk))
    response["ETag"] = etag(case)
    return Status(201, application_detail_out(user, case))


def _perform(
    request: HttpRequest,
    response: HttpResponse,
    *,
    case_id: int,
    action: Action,
    payload: ActionIn,
    if_match: str | None,
) -> ApplicationDetailOut:
    user = api_user(request)
    versions = if_match_versions(if_match)
    case = access_case_by_id(user, case_id)
    if not user_can_act(user=user, case=case):
        raise PermissionDenied(READ_ONLY)
    kwargs: dict[str, Any] = {"actor": user, "case_id": case.pk, "on": payload.on}
    data = payload.to_core()
    if data is not None:
        kwargs["data"] = data
    service = SERVICES[action]
    case_write_if_current(actor=user, case_id=case.pk, version=versions, write=lambda: service(**kwargs))
    case = access_case_by_id(user, case.pk)
    response["ETag"] = etag(case)
    return application_detail_out(user, case)


def _all_optional(schema: type[ActionIn]) -> bool:
    return not any(f.is_required() for f in schema.model_fields.values())


def _action_operation(action: Action, schema: type[ActionIn]) -> Callable[..., ApplicationDetailOut]:
    """A view function for ``action`` whose signature carries the action's own request schema, so that the
    OpenAPI document describes each action's body exactly."""

    def operation(
        request: HttpRequest, response: HttpResponse, id: int, payload: ActionIn | None, if_match: str | None = None
    ) -> ApplicationDetailOut:
        body = schema() if payload is None else payload
        return _perform(request, response, case_id=id, action=action, payload=body, if_match=if_match)

    # a body whose fields are all optional may be left out altogether (e.g. ``send_reply`` with no body)
    body_default = schema() if _all_optional(schema) else inspect.Parameter.empty

    operation.__name__ = operation.__qualname__ = f"application_{action.value}"
    operation.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=HttpRequest),
            inspect.Parameter("response", inspect.Parameter.KEYWORD_ONLY, annotation=HttpResponse),
            inspect.Parameter("id", inspect.Parameter.KEYWORD_ONLY, annotation=int, default=ID),
            inspect.Parameter("payload", inspect.Parameter.KEYWORD_ONLY, annotation=schema, default=body_default),
            inspect.Parameter("if_match", inspect.Parameter.KEYWORD_ONLY, annotation=str | None, default=IF_MATCH),
        ],
        return_annotation=ApplicationDetailOut,
    )
    return operation


def _describe(action: Action, rule: Transition, schema: type[ActionIn]) -> str:
    roles = "、".join(r.label for r in Role if r in rule.roles and r is not Role.SYSTEM)
    sources = "、".join(s.label for (s, a) in TRANSITIONS if a is action)
    return (
        f"执行“{action.label}”。\n\n执行条件：{rule.guard}。\n\n可执行的状态：{sources}；执行角色：{roles}。\n\n"
        f"请求体：{schema.__name__}（{(schema.__doc__ or '').strip()}）。业务规则不允许时返回 409，"
        "上级机关只能查看（403），没有相应角色的返回 403。\n\n"
        "乐观锁：请求头 If-Match 带上读取申请时的 ETag；申请已被他人办理或修改的返回 409 version_conflict，"
        "不执行本操作。成功时响应头 ETag 为新的版本。"
    )


for _action in SERVICES:
    _rule = action_rule(_action)
    _schema = ACTION_SCHEMAS[_rule.payload]
    router.post(
        f"/{{id}}/actions/{_action.value}",
        response={200: ApplicationDetailOut, **WRITE_ERRORS},
        summary=_action.label,
        description=_describe(_action, _rule, _schema),
        operation_id=f"application_{_action.value}",
        openapi_extra={
            "responses": {
                200: {"headers": ETAG_HEADER},
                409: {"description": "业务规则不允许（workflow），或 If-Match 中的版本已过期（version_conflict）"},
            }
        },
    )(_action_operation(_action, _schema))


@router.post("/{id}/actions/{action}", response={404: ErrorOut}, include_in_schema=False)
def application_unknown_action(request: HttpRequest, id: int, action: str) -> Any:
    """Any other action name: the same 404 as a missing case."""
    api_user(request)
    raise Http404
