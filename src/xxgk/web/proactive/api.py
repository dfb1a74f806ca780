"""REST endpoints of proactive disclosure: the django-ninja :class:`~ninja.Router` mounted at ``/api/v1/proactive``.

Mounted in :data:`xxgk.web.api.api.AREAS`: the operations inherit the API's token authentication (the user is
:func:`xxgk.web.api.auth.api_user`) and its error handling (Http404 → 404 alike for missing and not-yours,
PermissionDenied → 403 for a supervising body's writes, WorkflowError → 409 with the Chinese message), and follow
the conventions checked by ``tests/web/api/test_openapi.py``. Three operations are public by design (``auth=None``,
listed in that test's ``PUBLIC_OPERATIONS``): the categories and the two catalogue operations, which return exactly
what the anonymous public site ``/open/`` shows — published 主动公开 items, no staff names.

=======================================  ==========================================================================
``GET  /items``                          the items the caller sees, with the filters of the staff list
``GET  /items/{id}``                     one item: fields, Art 26 deadline, sign-off chain and decisions, files
``POST /items/{id}/signoff``             decide the next step of the item's 保密审查 chain (approve / reject)
``GET  /signoff/tasks``                  the caller's sign-off tasks
``GET  /categories``                     the categories of 条例 Arts 20–21 — no token needed
``GET  /catalogue/{body_code}``          a body's public catalogue (search, category, year) — no token needed
``GET  /catalogue/{body_code}/{id}``     one public item — no token needed
=======================================  ==========================================================================
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.params import functions as param

from xxgk.core.proactive import CATEGORIES, Category
from xxgk.core.signoff import Decision, role_label
from xxgk.web.api.auth import api_user
from xxgk.web.api.schemas import READ_ERRORS, WRITE_ERRORS, ErrorOut, Out, ValidationErrorOut
from xxgk.web.proactive.models import ItemStatus, ProactiveItem
from xxgk.web.proactive.selectors import (
    OBJECT_TYPE,
    VIEWS,
    CatalogueFilters,
    ItemFilters,
    access_item_by_id,
    item_actions,
    item_attachments,
    item_deadline,
    item_list,
    public_body_by_code,
    public_item_by_id,
    public_item_list,
)
from xxgk.web.proactive.services import item_decide
from xxgk.web.proactive.signoff_selectors import signoff_tasks, signoff_view
from xxgk.web.workcalendar.selectors import calendar_get

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


# -- schemas ------------------------------------------------------------------------------------------


class CategoryOut(Out):
    code: str = Field(description="类别代码（存储值）")
    short: str = Field(description="两位代码（用于索引号）")
    label: str = Field(description="类别名称")
    article: str = Field(description="《条例》条款")


class PublishDeadlineOut(Out):  # not "DeadlineOut": that name is the applications' deadline in the document
    """主动公开信息的公开期限（《条例》第二十六条）及其计算过程。"""

    due: date = Field(description="公开期限（第二十六条：形成或变更之日起20个工作日）")
    provisional: bool = Field(description="是否暂定（涉及节假日安排未公布的年份）")
    reason: str = Field(description="暂定的原因")
    steps: list[str] = Field(description="计算过程")


class ItemOut(Out):
    id: int
    body_id: int
    body_name: str
    index_number: str = Field(description="索引号（公开时生成）")
    category: CategoryOut
    title: str
    doc_number: str = Field(description="文号")
    issuer: str = Field(description="发布机构")
    formed_on: date = Field(description="形成或变更日期")
    published_on: date | None = Field(description="公开日期")
    publish_due: date | None = Field(description="公开期限（仅主动公开）")
    due_provisional: bool
    published_late: bool = Field(description="是否逾期公开")
    attribute: str = Field(description="公开属性：public 主动公开、on_request 依申请公开、not_public 不予公开")
    status: str = Field(description="状态：" + "、".join(f"{v}（{label}）" for v, label in ItemStatus.choices))
    important: bool = Field(description="重要信息（须报主要领导审定）")
    drafter: str = Field(description="起草人用户名")
    url: str = Field(description="页面地址")


class ItemPageOut(Out):
    count: int
    limit: int
    offset: int
    items: list[ItemOut]


class StepOut(Out):
    key: str
    name: str
    role: str
    role_label: str
    decision: str | None = Field(description="本轮结论：approve 同意、reject 退回修改；未审为 null")
    reviewer: str | None
    decided_at: datetime | None
    opinion: str | None


class DecisionOut(Out):
    round: int
    step: str
    step_name: str
    decision: str
    reviewer: str
    decided_at: datetime
    opinion: str


class SignoffOut(Out):
    round: int = Field(description="当前轮次（退回后重新提交为新的一轮）")
    phase: str = Field(description="draft 未提交或已退回、in_review 审查中、complete 审查完毕")
    next_step: str | None = Field(description="待审环节代码")
    can_decide: bool = Field(description="调用者现在能否审定待审环节")
    refusal: str | None = Field(description="不能审定的原因")
    steps: list[StepOut]
    history: list[DecisionOut] = Field(description="全部轮次的审查记录")


class AttachmentOut(Out):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str


class ItemDetailOut(ItemOut):
    summary: str
    content: str
    withholding_ground: str
    attribute_reason: str
    source_case_id: int | None = Field(description="依申请转主动时的来源申请")
    deadline: PublishDeadlineOut | None
    signoff: SignoffOut | None
    attachments: list[AttachmentOut]
    allowed: list[str] = Field(description="调用者现在可执行的操作：edit、submit、publish、withdraw")


class DecisionIn(Schema):
    step: str = Field(min_length=1, max_length=30, description="待审环节的代码（见 signoff.next_step）")
    decision: Decision = Field(description="approve 同意；reject 退回修改（须写明理由）")
    opinion: str = Field(default="", max_length=2000, description="审查意见")


class TaskOut(Out):
    subject_type: str
    subject_id: str
    title: str
    body_name: str
    step_name: str
    round: int
    submitted_at: datetime | None
    url: str


class ItemQuery(Schema):
    view: str = Field(default="all", description="列表：" + "、".join(f"{k}（{v}）" for k, v in VIEWS.items()))
    q: str = Field(default="", max_length=100, description="搜索标题、文号、索引号、概述、正文")
    category: str = Field(default="", description="类别代码（见 /categories）")
    status: str = Field(
        default="", description="状态：" + "、".join(f"{v}（{label}）" for v, label in ItemStatus.choices)
    )
    year: int | None = Field(default=None, ge=1900, le=9999, description="形成年度")
    body_id: int | None = Field(default=None, description="只看某一机关")
    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"每页条数（1–{MAX_LIMIT}）")
    offset: int = Field(default=0, ge=0, description="跳过的条数")


class PublicItemOut(Out):
    id: int
    index_number: str
    category: CategoryOut
    title: str
    doc_number: str
    issuer: str
    formed_on: date
    published_on: date
    summary: str
    url: str


class PublicItemDetailOut(PublicItemOut):
    content: str
    attachments: list[AttachmentOut]


class CatalogueOut(Out):
    body_code: str
    body_name: str
    count: int
    limit: int
    offset: int
    items: list[PublicItemOut]


class CatalogueQuery(Schema):
    q: str = Field(default="", max_length=100, description="检索标题、文号、索引号、概述、正文")
    category: str = Field(default="", description="类别代码（见 /categories）")
    year: int | None = Field(default=None, ge=1900, le=9999, description="公开年度")
    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"每页条数（1–{MAX_LIMIT}）")
    offset: int = Field(default=0, ge=0, description="跳过的条数")


# -- presenting -----------------------------------------------------------------------------------------


def _category(code: str) -> dict[str, str]:
    cat: Category | None = CATEGORIES.get(code)
    if cat is None:
        return {"code": code, "short": "", "label": code, "article": ""}
    return {"code": cat.code, "short": cat.short, "label": cat.label, "article": cat.article}


def _item(item: ProactiveItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "body_id": item.body_id,
        "body_name": item.body.name,
        "index_number": item.index_number,
        "category": _category(item.category),
        "title": item.title,
        "doc_number": item.doc_number,
        "issuer": item.issuer,
        "formed_on": item.formed_on,
        "published_on": item.published_on,
        "publish_due": item.publish_due,
        "due_provisional": item.due_provisional,
        "published_late": item.published_late,
        "attribute": item.attribute,
        "status": item.status,
        "important": item.important,
        "drafter": item.drafter.get_username(),
        "url": f"/proactive/{item.pk}/",
    }


def _attachments(item: ProactiveItem) -> list[dict[str, Any]]:
    return [
        {"id": a.pk, "name": a.name, "content_type": a.content_type, "size": a.size, "sha256": a.sha256}
        for a in item_attachments(item=item)
    ]


def _signoff(item: ProactiveItem, user: User | AnonymousUser) -> dict[str, Any] | None:
    view = signoff_view(subject_type=OBJECT_TYPE, subject_id=item.pk, user=user)
    if view is None:
        return None
    nxt = view.state.next_step
    return {
        "round": view.state.round,
        "phase": view.state.phase.value,
        "next_step": nxt.key if nxt else None,
        "can_decide": view.can_decide,
        "refusal": view.refusal,
        "steps": [
            {
                "key": row.step.key,
                "name": row.step.name,
                "role": row.step.role,
                "role_label": role_label(row.step.role),
                "decision": row.decision.decision if row.decision else None,
                "reviewer": row.decision.reviewer.get_username() if row.decision else None,
                "decided_at": row.decision.decided_at if row.decision else None,
                "opinion": row.decision.opinion if row.decision else None,
            }
            for row in view.steps
        ],
        "history": [
            {
                "round": d.round,
                "step": d.step_key,
                "step_name": d.step_name,
                "decision": d.decision,
                "reviewer": d.reviewer.get_username(),
                "decided_at": d.decided_at,
                "opinion": d.opinion,
            }
            for d in view.history
        ],
    }


def _detail(item: ProactiveItem, user: User) -> dict[str, Any]:
    deadline = item_deadline(item=item, calendar=calendar_get())
    actions = item_actions(user=user, item=item)
    return {
        **_item(item),
        "summary": item.summary,
        "content": item.content,
        "withholding_ground": item.withholding_ground,
        "attribute_reason": item.attribute_reason,
        "source_case_id": item.source_case_id,
        "deadline": None
        if deadline is None
        else {
            "due": deadline.due,
            "provisional": deadline.provisional,
            "reason": deadline.reason,
            "steps": list(deadline.steps),
        },
        "signoff": _signoff(item, user),
        "attachments": _attachments(item),
        "allowed": [name for name in ("edit", "submit", "publish", "withdraw") if getattr(actions, name)],
    }


def _public(item: ProactiveItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "index_number": item.index_number,
        "category": _category(item.category),
        "title": item.title,
        "doc_number": item.doc_number,
        "issuer": item.issuer,
        "formed_on": item.formed_on,
        "published_on": item.published_on,
        "summary": item.summary,
        "url": f"/open/{item.body.code}/items/{item.pk}/",
    }


# -- the router -------------------------------------------------------------------------------------------

router = Router(tags=["主动公开"])

ITEM_ID = param.Path(..., description="主动公开信息的 id")
BODY_CODE = param.Path(..., description="机关代码（与公开网站 /open/<机关代码>/ 相同）")

#: Error responses of the public operations (no token: nothing to answer 401 to).
PUBLIC_ERRORS: dict[int, Any] = {404: ErrorOut, 422: ValidationErrorOut}


@router.get(
    "/items",
    response={200: ItemPageOut, 401: ErrorOut, 422: ValidationErrorOut},
    summary="主动公开信息列表",
    operation_id="proactive_item_list",
)
def proactive_item_list(request: HttpRequest, filters: Query[ItemQuery]) -> dict[str, Any]:
    """调用者可见机关（本机关及下级机关，下级机关只读）的主动公开信息，与工作列表相同的筛选条件，分页返回
    （count 为总数）。"""
    user = api_user(request)
    qs = item_list(
        user=user,
        filters=ItemFilters(
            view=filters.view if filters.view in VIEWS else "all",
            q=filters.q.strip(),
            category=filters.category,
            status=filters.status,
            year=filters.year,
            body_id=filters.body_id,
            due_soon_days=settings.XXGK_DUE_SOON_DAYS,
        ),
        calendar=calendar_get(),
    )
    rows = list(qs[filters.offset : filters.offset + filters.limit])
    return {
        "count": qs.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [_item(i) for i in rows],
    }


@router.get(
    "/items/{item_id}",
    response={200: ItemDetailOut, **READ_ERRORS},
    summary="一条主动公开信息",
    operation_id="proactive_item_detail",
)
def proactive_item_detail(request: HttpRequest, item_id: int = ITEM_ID) -> dict[str, Any]:
    """一条主动公开信息：各项内容、公开期限（《条例》第二十六条）及计算过程、保密审查流程及全部审查记录、附件，
    以及调用者现在可以执行的操作。其他机关的信息与不存在的信息一样返回 404。"""
    user = api_user(request)
    return _detail(access_item_by_id(user, item_id), user)


@router.post(
    "/items/{item_id}/signoff",
    response={200: ItemDetailOut, **WRITE_ERRORS},
    summary="保密审查：审定待审环节",
    operation_id="proactive_item_signoff",
)
def proactive_item_signoff(request: HttpRequest, payload: DecisionIn, item_id: int = ITEM_ID) -> dict[str, Any]:
    """审定信息保密审查流程的待审环节：同意（approve）进入下一环节，最后一个环节同意后信息审查完毕；
    退回修改（reject，须写明理由）使信息回到起草人。只能审定待审环节，且须担任该环节要求的角色，否则返回 409；
    上级机关只读，返回 403；其他机关的信息返回 404。返回审定后的信息。"""
    user = api_user(request)
    item = access_item_by_id(user, item_id)
    item = item_decide(
        actor=user, item_id=item.pk, step=payload.step, decision=payload.decision, opinion=payload.opinion
    )
    return _detail(access_item_by_id(user, item.pk), user)


@router.get(
    "/signoff/tasks",
    response={200: list[TaskOut], 401: ErrorOut},
    summary="我的审查任务",
    operation_id="proactive_signoff_tasks",
)
def proactive_signoff_tasks(request: HttpRequest) -> list[dict[str, Any]]:
    """调用者现在可以审定的保密审查任务（待审环节要求的角色由调用者担任），按提交时间先后排序。"""
    user = api_user(request)
    return [
        {
            "subject_type": t.signoff.subject_type,
            "subject_id": t.signoff.subject_id,
            "title": t.signoff.title,
            "body_name": t.signoff.body.name,
            "step_name": t.step_name,
            "round": t.signoff.round,
            "submitted_at": t.signoff.submitted_at,
            "url": t.url,
        }
        for t in signoff_tasks(user=user)
    ]


@router.get(
    "/categories",
    response={200: list[CategoryOut]},
    summary="信息类别（条例第二十、二十一条，无需令牌）",
    operation_id="proactive_category_list",
    auth=None,
)
def proactive_category_list(request: HttpRequest) -> list[dict[str, str]]:
    """主动公开信息的类别（《条例》第二十、二十一条）及其代码、索引号中的两位代码。公开数据，无需令牌。"""
    return [_category(code) for code in CATEGORIES]


@router.get(
    "/catalogue/{body_code}",
    response={200: CatalogueOut, **PUBLIC_ERRORS},
    summary="公开目录（无需令牌）",
    operation_id="proactive_catalogue",
    auth=None,
)
def proactive_catalogue(
    request: HttpRequest, filters: Query[CatalogueQuery], body_code: str = BODY_CODE
) -> dict[str, Any]:
    """某机关的政府信息公开目录：已公开的主动公开信息，与公开网站 /open/ 显示的内容相同（不含经办人员信息），
    可检索、按类别和公开年度筛选，分页返回。无需令牌；机关代码不存在返回 404。"""
    body = public_body_by_code(body_code)
    qs = public_item_list(
        body=body, filters=CatalogueFilters(q=filters.q.strip(), category=filters.category, year=filters.year)
    ).select_related("body")
    rows = list(qs[filters.offset : filters.offset + filters.limit])
    return {
        "body_code": body.code,
        "body_name": body.name,
        "count": qs.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [_public(i) for i in rows],
    }


@router.get(
    "/catalogue/{body_code}/{item_id}",
    response={200: PublicItemDetailOut, **PUBLIC_ERRORS},
    summary="公开目录中的一条信息（无需令牌）",
    operation_id="proactive_catalogue_item",
    auth=None,
)
def proactive_catalogue_item(
    request: HttpRequest, body_code: str = BODY_CODE, item_id: int = ITEM_ID
) -> dict[str, Any]:
    """公开目录中的一条已公开信息：正文及附件，与公开网站 /open/ 显示的内容相同。无需令牌；
    未公开、已撤回或不属于该机关的信息与不存在的信息一样返回 404。"""
    body = public_body_by_code(body_code)
    item = public_item_by_id(body=body, item_id=item_id)
    return {**_public(item), "content": item.content, "attachments": _attachments(item)}
