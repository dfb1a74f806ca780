"""/api/v1/litigation: review and litigation cases (read-only) and the computed table-4 cells with their sources.

Mounted in :data:`xxgk.web.api.api.AREAS` at ``/v1/litigation``: every operation inherits the API's token
authentication and JSON error handling (another body's case answers 404 exactly like a missing one) and follows the
conventions checked by ``tests/web/api/test_openapi.py`` (an operation id, Chinese summary and description, declared
errors).
"""

from __future__ import annotations

from datetime import date

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router
from ninja.params import functions as param

from xxgk.core.table4 import RemedyKind, RemedyResult
from xxgk.web.api.auth import api_user
from xxgk.web.api.schemas import READ_ERRORS, Out
from xxgk.web.litigation.models import RemedyCase
from xxgk.web.litigation.selectors import (
    FIRST_YEAR,
    RemedyFilters,
    access_remedy_by_id,
    remedy_list,
    table4_cells,
    table4_sources,
)
from xxgk.web.tenancy.selectors import NOT_FOUND, access_body_by_id

router = Router(tags=["行政复议和行政诉讼（表四）"])

BODY_ID = param.Query(..., description="机关 id（须为调用者可见的机关）")
YEAR = param.Query(..., description=f"年度（{FIRST_YEAR}年起，不晚于今年）")
REMEDY_ID = param.Path(..., description="案件的 id")


class RemedyOut(Out):
    """一件因政府信息公开工作被申请行政复议或提起行政诉讼的案件。"""

    id: int
    body_id: int
    kind: str = Field(description="类型：" + "、".join(f"{k.value}（{k.label}）" for k in RemedyKind))
    kind_label: str
    forum: str = Field(description="复议机关或法院")
    number: str = Field(description="案号")
    applicant: str = Field(description="申请人或原告")
    filed_on: date = Field(description="申请（立案）日期")
    result: str | None = Field(description="结果：" + "、".join(f"{r.value}（{r.label}）" for r in RemedyResult))
    result_label: str | None
    result_column: str | None = Field(description="结果计入的表四列：upheld、corrected、other")
    result_on: date | None
    closed_on: date | None = Field(description="结案日期；为空表示尚未审结")
    hearings: list[date] = Field(description="开庭（听证）日期")
    application_ids: list[int] = Field(description="涉及的政府信息公开申请 id")


class Table4Out(Out):
    body_id: int
    year: int
    cells: dict[str, int] = Field(description="s4.* 单元格代码 → 件数（两版格式相同）")


class RemedyQuery(Out):
    body_id: int | None = Field(None, description="机关 id；为空表示全部可见机关")
    kind: str = Field("", description="类型：review、suit_direct、suit_after_review")
    state: str = Field("", description="open（未结案）或 closed（已结案）；为空表示全部")


def _remedy(r: RemedyCase) -> RemedyOut:
    result = r.result_enum
    return RemedyOut(
        id=r.pk,
        body_id=r.body_id,
        kind=r.kind,
        kind_label=r.kind_enum.label,
        forum=r.forum,
        number=r.number,
        applicant=r.applicant,
        filed_on=r.filed_on,
        result=result.value if result else None,
        result_label=result.label if result else None,
        result_column=result.column.value if result else None,
        result_on=r.result_on,
        closed_on=r.closed_on,
        hearings=[h.on for h in r.hearings.all()],
        application_ids=sorted(c.pk for c in r.cases.all()),
    )


def _year(year: int) -> int:
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise Http404(NOT_FOUND)
    return year


@router.get(
    "/remedies",
    response={200: list[RemedyOut], **READ_ERRORS},
    summary="复议和诉讼案件",
    operation_id="litigation_remedy_list",
)
def litigation_remedy_list(request: HttpRequest, query: Query[RemedyQuery]) -> list[RemedyOut]:
    """调用者可见机关（本机关及下级机关）因政府信息公开工作被申请行政复议、提起行政诉讼的案件，按申请（立案）日期倒序；
    可按机关、类型、是否结案筛选。指定的机关不可见时与不存在的机关一样返回 404。"""
    user = api_user(request)
    if query.body_id is not None:
        access_body_by_id(user, query.body_id)
    filters = RemedyFilters(body_id=query.body_id, kind=query.kind, state=query.state)
    return [_remedy(r) for r in remedy_list(user=user, filters=filters).prefetch_related("hearings")]


@router.get(
    "/remedies/{remedy_id}",
    response={200: RemedyOut, **READ_ERRORS},
    summary="一件案件",
    operation_id="litigation_remedy_detail",
)
def litigation_remedy_detail(request: HttpRequest, remedy_id: int = REMEDY_ID) -> RemedyOut:
    """一件行政复议或行政诉讼案件：复议机关或法院、案号、申请人、结果及其计入的表四列、开庭日期、涉及的申请。
    其他机关的案件与不存在的案件一样返回 404。"""
    return _remedy(access_remedy_by_id(api_user(request), remedy_id))


@router.get(
    "/table4",
    response={200: Table4Out, **READ_ERRORS},
    summary="表四（计算结果）",
    operation_id="litigation_table4",
)
def litigation_table4(request: HttpRequest, body_id: int = BODY_ID, year: int = YEAR) -> Table4Out:
    """年报表四（政府信息公开行政复议、行政诉讼情况）的 15 个单元格：本年结案的按结果计入维持/纠正/其他，
    12月31日未结案的计入尚未审结。早于2019年或晚于今年的年度返回 404。"""
    body = access_body_by_id(api_user(request), body_id)
    return Table4Out(body_id=body.pk, year=year, cells=table4_cells(body_id=body.pk, year=_year(year)))


@router.get(
    "/table4/sources",
    response={200: list[RemedyOut], **READ_ERRORS},
    summary="表四单元格的来源案件",
    operation_id="litigation_table4_sources",
)
def litigation_table4_sources(
    request: HttpRequest,
    body_id: int = BODY_ID,
    year: int = YEAR,
    code: str = param.Query(..., description="表四单元格代码，如 s4.review.upheld（见 docs/cell-codes.md）"),
) -> list[RemedyOut]:
    """计入表四某个单元格的案件。不存在的单元格代码返回 404。"""
    body = access_body_by_id(api_user(request), body_id)
    return [_remedy(r) for r in table4_sources(body_id=body.pk, year=_year(year), code=code)]
