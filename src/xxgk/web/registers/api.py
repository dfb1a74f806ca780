"""/api/v1/registers: the registers behind table 2 (read-only) and the computed table-2 cells with their sources.

Mount with ``api.add_router("/v1/registers", router)``; the API's token authentication and JSON error handling
apply (another body's object answers 404 exactly like a missing one).
"""

from __future__ import annotations

from datetime import date

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router

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


@router.get("/documents", response={200: list[DocumentOut], **READ_ERRORS}, summary="规章和规范性文件")
def documents(request: HttpRequest, query: Query[DocumentQuery]) -> list[DocumentOut]:
    """某机关登记的规章和行政规范性文件（含修改记录），按制发日期倒序。"""
    body = access_body_by_id(api_user(request), query.body_id)
    filters = DocumentFilters(kind=query.kind, state=query.state, q=query.q.strip(), on=timezone.localdate())
    return [_document(d) for d in document_list(body_id=body.pk, filters=filters)]


@router.get("/documents/{document_id}", response={200: DocumentOut, **READ_ERRORS}, summary="一件文件")
def document(request: HttpRequest, document_id: int) -> DocumentOut:
    doc = access_document_by_id(api_user(request), document_id)
    return _document(document_list(body_id=doc.body_id).get(pk=doc.pk))


@router.get("/figures", response={200: list[FigureOut], **READ_ERRORS}, summary="年度统计数据")
def figures(request: HttpRequest, body_id: int, year: int | None = None) -> list[FigureOut]:
    """某机关录入的年度统计数据（可按年度筛选）。"""
    body = access_body_by_id(api_user(request), body_id)
    return [_figure(f) for f in figure_list(body_id=body.pk, year=year)]


@router.get("/table2", response={200: Table2Out, **READ_ERRORS}, summary="表二（计算结果）")
def table2(request: HttpRequest, body_id: int, year: int) -> Table2Out:
    """表二的全部单元格：文件按生命周期计数，其他项目取录入的年度数据。"""
    body = access_body_by_id(api_user(request), body_id)
    table = table2_compute(body_id=body.pk, year=_year(year))
    return Table2Out(
        body_id=body.pk,
        year=year,
        template=table.version,
        cells=values_as_numbers(table.values()),
        not_entered=[code for code, cell in table.cells.items() if not cell.entered],
    )


@router.get("/table2/sources", response={200: list[SourceOut], **READ_ERRORS}, summary="表二单元格的来源记录")
def table2_cell_sources(request: HttpRequest, body_id: int, year: int, code: str) -> list[SourceOut]:
    """计入某个单元格的文件或年度数据。"""
    body = access_body_by_id(api_user(request), body_id)
    return [
        SourceOut(kind=s.kind, object_id=s.object_id, title=s.title, detail=s.detail, url=s.url)
        for s in table2_sources(body_id=body.pk, year=_year(year), code=code)
    ]
