"""/api/v1/registers: the registers behind table 2 (read-only) and the computed table-2 cells with their sources.

Mounted in :data:`xxgk.web.api.api.AREAS` at ``/v1/registers``: every operation inherits the API's token authentication
and JSON error handling (another body's object answers 404 exactly like a missing one) and follows the conventions
checked by ``tests/web/api/test_openapi.py`` (an operation id, Chinese summary and description, declared errors).
"""

from __future__ import annotations

from datetime import date

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router
from ninja.params import functions as param

from xxgk.core.table2 import DocKind, FigureItem, format_number
from xxgk.core.templates import template_for_year
from xxgk.web.api.auth import api_user
from xxgk.web.api.schemas import READ_ERRORS, Out
from xxgk.web.registers.models import NormativeDocument, YearlyFigure
from xxgk.web.registers.selectors import (
    DocumentFilters,
    access_document_by_id,
    document_list,
    figure_list,
    table2_compute,
    table2_sources,
    values_as_numbers,
)
from xxgk.web.tenancy.selectors import NOT_FOUND, access_body_by_id

router = Router(tags=["公开统计台账（表二）"])

BODY_ID = param.Query(..., description="机关 id（须为调用者可见的机关）")
YEAR = param.Query(..., description="年度（2019年起，不晚于今年）")
DOCUMENT_ID = param.Path(..., description="文件的 id")


class AmendmentOut(Out):
    amended_on: date = Field(description="修改日期")
    doc_number: str = Field(description="修改文号")
    published_on: date | None = Field(description="修改后公开日期")


class DocumentOut(Out):
    """一件规章或行政规范性文件及其生命周期。"""

    id: int
    body_id: int
    kind: str = Field(description="类别：" + "、".join(f"{k.value}（{k.label}）" for k in DocKind))
    kind_label: str
    title: str
    doc_number: str = Field(description="文号")
    issued_on: date = Field(description="制发日期")
    published_on: date | None = Field(description="公开日期")
    effective_on: date | None = Field(description="施行日期")
    expires_on: date | None = Field(description="有效期至（含当日）")
    repealed_on: date | None = Field(description="废止生效日期")
    proactive_item_id: int | None = Field(description="主动公开信息编号")
    amendments: list[AmendmentOut]


class FigureOut(Out):
    """一个年度统计项目的数据（来自其他系统），金额单位万元。"""

    id: int
    body_id: int
    year: int
    item: str = Field(description="项目：" + "、".join(f"{i.value}（{i.label}）" for i in FigureItem))
    item_label: str
    prev_items: int | None = Field(description="上一年项目数量")
    change: int | None = Field(description="本年增/减")
    decisions: int | None = Field(description="处理决定数量")
    projects: int | None = Field(description="采购项目数量")
    amount: str | None = Field(description="金额（万元），十进制字符串")
    source: str = Field(description="数据来源")
    entered_by: str = Field(description="录入人用户名")


class Table2Out(Out):
    """某机关某年度的表二，按该年度适用的格式计算。"""

    body_id: int
    year: int
    template: str = Field(description="格式版本：2019（2019、2020年度）或 2021（2021年起）")
    cells: dict[str, int | float] = Field(description="单元格代码 → 数值（见 docs/cell-codes.md；金额单位万元）")
    not_entered: list[str] = Field(description="尚无录入数据的单元格代码（数值按 0 计）")


class SourceOut(Out):
    kind: str = Field(description="document（文件）或 figure（年度数据）")
    object_id: int
    title: str
    detail: str
    url: str = Field(description="页面地址")


class DocumentQuery(Out):
    body_id: int = Field(description="机关 id")
    kind: str = Field("", description="类别：regulation 或 normative；为空表示全部")
    state: str = Field("", description="in_force（今天有效）、ended（已废止或失效）；为空表示全部")
    q: str = Field("", description="标题或文号包含的文字")


def _document(doc: NormativeDocument) -> DocumentOut:
    return DocumentOut(
        id=doc.pk,
        body_id=doc.body_id,
        kind=doc.kind,
        kind_label=DocKind(doc.kind).label,
        title=doc.title,
        doc_number=doc.doc_number,
        issued_on=doc.issued_on,
        published_on=doc.published_on,
        effective_on=doc.effective_on,
        expires_on=doc.expires_on,
        repealed_on=doc.repealed_on,
        proactive_item_id=doc.proactive_item_id,
        amendments=[
            AmendmentOut(amended_on=a.amended_on, doc_number=a.doc_number, published_on=a.published_on)
            for a in doc.amendments.all()
        ],
    )


def _figure(fig: YearlyFigure) -> FigureOut:
    return FigureOut(
        id=fig.pk,
        body_id=fig.body_id,
        year=fig.year,
        item=fig.item,
        item_label=FigureItem(fig.item).label,
        prev_items=fig.prev_items,
        change=fig.change,
        decisions=fig.decisions,
        projects=fig.projects,
        amount=None if fig.amount is None else format_number(fig.amount),
        source=fig.source,
        entered_by=fig.entered_by.get_username(),
    )


def _year(year: int) -> int:
    if template_for_year(year) is None or year > timezone.localdate().year:
        raise Http404(NOT_FOUND)
    return year


@router.get(
    "/documents",
    response={200: list[DocumentOut], **READ_ERRORS},
    summary="规章和规范性文件",
    operation_id="registers_document_list",
)
def registers_document_list(request: HttpRequest, query: Query[DocumentQuery]) -> list[DocumentOut]:
    """某机关登记的规章和行政规范性文件（含修改记录），按制发日期倒序；可按类别、今天是否有效、标题或文号筛选。
    机关须为调用者可见的机关（本机关或下级机关），否则与不存在的机关一样返回 404。"""
    body = access_body_by_id(api_user(request), query.body_id)
    filters = DocumentFilters(kind=query.kind, state=query.state, q=query.q.strip(), on=timezone.localdate())
    return [_document(d) for d in document_list(body_id=body.pk, filters=filters)]


@router.get(
    "/documents/{document_id}",
    response={200: DocumentOut, **READ_ERRORS},
    summary="一件文件",
    operation_id="registers_document_detail",
)
def registers_document_detail(request: HttpRequest, document_id: int = DOCUMENT_ID) -> DocumentOut:
    """一件规章或行政规范性文件：文号、制发、公开、施行、失效、废止日期及修改记录。
    其他机关的文件与不存在的文件一样返回 404。"""
    doc = access_document_by_id(api_user(request), document_id)
    return _document(document_list(body_id=doc.body_id).get(pk=doc.pk))


@router.get(
    "/figures",
    response={200: list[FigureOut], **READ_ERRORS},
    summary="年度统计数据",
    operation_id="registers_figure_list",
)
def registers_figure_list(
    request: HttpRequest,
    body_id: int = BODY_ID,
    year: int | None = param.Query(None, description="年度；省略表示全部年度"),
) -> list[FigureOut]:
    """某机关录入的年度统计数据（行政许可、行政处罚、行政强制、行政事业性收费、政府集中采购等，来自其他系统），
    按年度倒序；可按年度筛选。"""
    body = access_body_by_id(api_user(request), body_id)
    return [_figure(f) for f in figure_list(body_id=body.pk, year=year)]


@router.get(
    "/table2",
    response={200: Table2Out, **READ_ERRORS},
    summary="表二（计算结果）",
    operation_id="registers_table2",
)
def registers_table2(request: HttpRequest, body_id: int = BODY_ID, year: int = YEAR) -> Table2Out:
    """年报表二（主动公开政府信息情况）的全部单元格，按该年度适用的格式计算：规章和规范性文件按生命周期计数，
    其他项目取录入的年度数据。早于2019年或晚于今年的年度返回 404。"""
    body = access_body_by_id(api_user(request), body_id)
    table = table2_compute(body_id=body.pk, year=_year(year))
    return Table2Out(
        body_id=body.pk,
        year=year,
        template=table.version,
        cells=values_as_numbers(table.values()),
        not_entered=[code for code, cell in table.cells.items() if not cell.entered],
    )


@router.get(
    "/table2/sources",
    response={200: list[SourceOut], **READ_ERRORS},
    summary="表二单元格的来源记录",
    operation_id="registers_table2_sources",
)
def registers_table2_sources(
    request: HttpRequest,
    body_id: int = BODY_ID,
    year: int = YEAR,
    code: str = param.Query(..., description="表二单元格代码，如 s2.normative_docs.issued（见 docs/cell-codes.md）"),
) -> list[SourceOut]:
    """计入表二某个单元格的文件或年度数据，及其页面地址。该年度格式中没有的单元格代码返回 404。"""
    body = access_body_by_id(api_user(request), body_id)
    return [
        SourceOut(kind=s.kind, object_id=s.object_id, title=s.title, detail=s.detail, url=s.url)
        for s in table2_sources(body_id=body.pk, year=_year(year), code=code)
    ]
