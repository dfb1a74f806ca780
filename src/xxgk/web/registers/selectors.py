"""Reads of the registers and the computed table 2 (with drill-down to the records behind every number).

For the annual-report pages: :func:`table2_cells` gives the cell values of a body's year in the codes of that
year's template version, :func:`table2_sources` the records behind one cell.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import reverse

from xxgk.core.table2 import (
    COLUMN_RULES,
    Amendment,
    ComputedCell,
    DocKind,
    Document,
    Figure,
    FigureItem,
    Number,
    Table2,
    compute_table2,
    format_number,
)
from xxgk.core.templates import get_template, template_for_year
from xxgk.web.registers.models import DocumentAmendment, NormativeDocument, YearlyFigure
from xxgk.web.tenancy.selectors import NOT_FOUND, AnyUser, body_ids_visible, body_ids_working

FIRST_YEAR = 2019


def access_document_by_id(user: AnyUser, document_id: int) -> NormativeDocument:
    """The document if ``user`` may see its body; Http404 alike for missing and not-yours."""
    try:
        return NormativeDocument.objects.select_related("body", "created_by").get(
            pk=document_id, body_id__in=body_ids_visible(user=user)
        )
    except NormativeDocument.DoesNotExist:
        raise Http404(NOT_FOUND) from None


def access_figure_by_id(user: AnyUser, figure_id: int) -> YearlyFigure:
    try:
        return YearlyFigure.objects.select_related("body", "entered_by").get(
            pk=figure_id, body_id__in=body_ids_visible(user=user)
        )
    except YearlyFigure.DoesNotExist:
        raise Http404(NOT_FOUND) from None


def user_can_write(*, user: AnyUser, body_id: int) -> bool:
    return body_id in body_ids_working(user=user)


@dataclass(frozen=True)
class DocumentFilters:
    kind: str = ""
    state: str = ""  # "" | in_force | ended
    q: str = ""
    on: date | None = None  # the day "in force" is judged on (today by default)


def document_list(*, body_id: int, filters: DocumentFilters | None = None) -> QuerySet[NormativeDocument]:
    """The documents of one body (the caller checked access), amendments prefetched."""
    f = filters or DocumentFilters()
    qs = NormativeDocument.objects.filter(body_id=body_id).prefetch_related(
        Prefetch("amendments", queryset=DocumentAmendment.objects.order_by("amended_on"))
    )
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.q:
        qs = qs.filter(Q(title__icontains=f.q) | Q(doc_number__icontains=f.q))
    if f.state and f.on is not None:
        day = f.on
        live = Q(issued_on__lte=day) & (Q(repealed_on__isnull=True) | Q(repealed_on__gt=day))
        live &= Q(expires_on__isnull=True) | Q(expires_on__gte=day)
        qs = qs.filter(live) if f.state == "in_force" else qs.exclude(live)
    return qs.order_by("-issued_on", "-id")


def core_document(doc: NormativeDocument) -> Document:
    """The core lifecycle of a document (its amendments should be prefetched)."""
    return Document(
        kind=DocKind(doc.kind),
        issued_on=doc.issued_on,
        published_on=doc.published_on,
        repealed_on=doc.repealed_on,
        expires_on=doc.expires_on,
        amendments=tuple(Amendment(amended_on=a.amended_on, published_on=a.published_on) for a in doc.amendments.all()),
        ref=doc.pk,
    )


def core_figure(fig: YearlyFigure) -> Figure:
    return Figure(
        item=FigureItem(fig.item),
        year=fig.year,
        prev_items=fig.prev_items,
        change=fig.change,
        decisions=fig.decisions,
        projects=fig.projects,
        amount=None if fig.amount is None else Decimal(fig.amount),
        source=fig.source,
        ref=fig.pk,
    )


def figure_list(*, body_id: int, year: int | None = None) -> QuerySet[YearlyFigure]:
    qs = YearlyFigure.objects.filter(body_id=body_id).select_related("entered_by")
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "item")


def figure_years(*, body_id: int) -> list[int]:
    return sorted(set(YearlyFigure.objects.filter(body_id=body_id).values_list("year", flat=True)), reverse=True)


def table2_compute(*, body_id: int, year: int) -> Table2:
    """The full table 2 of ``body_id`` for ``year`` (LedgerError before 2019). Two queries."""
    documents = [core_document(d) for d in document_list(body_id=body_id)]
    figures = [core_figure(f) for f in figure_list(body_id=body_id, year=year)]
    return compute_table2(year=year, documents=documents, figures=figures)


def table2_cells(*, body_id: int, year: int) -> dict[str, int | Decimal]:
    """The table-2 values of ``body_id`` for ``year`` in the codes of that year's template version (2019 template
    for 2019–2020, 2021 template from 2021); amounts are Decimal in 万元. Empty for years before 2019."""
    if template_for_year(year) is None:
        return {}
    return table2_compute(body_id=body_id, year=year).values()


@dataclass(frozen=True)
class _Registers:
    """The register rows of several bodies (documents with their amendments, one year's figures), by body."""

    documents: dict[int, list[NormativeDocument]]
    figures: dict[int, list[YearlyFigure]]

    def table(self, body_id: int, year: int) -> Table2:
        return compute_table2(
            year=year,
            documents=[core_document(d) for d in self.documents.get(body_id, [])],
            figures=[core_figure(f) for f in self.figures.get(body_id, [])],
        )


def _registers_of(ids: Collection[int], year: int) -> _Registers:
    """Three queries whatever the number of bodies (in the orders of :func:`document_list` and
    :func:`figure_list`, so that every table is computed exactly as for one body)."""
    documents: dict[int, list[NormativeDocument]] = defaultdict(list)
    rows = NormativeDocument.objects.filter(body_id__in=ids).prefetch_related(
        Prefetch("amendments", queryset=DocumentAmendment.objects.order_by("amended_on"))
    )
    for doc in rows.order_by("-issued_on", "-id"):
        documents[doc.body_id].append(doc)
    figures: dict[int, list[YearlyFigure]] = defaultdict(list)
    for fig in YearlyFigure.objects.filter(body_id__in=ids, year=year).select_related("entered_by").order_by("item"):
        figures[fig.body_id].append(fig)
    return _Registers(documents=documents, figures=figures)


def table2_cells_by_body(*, body_ids: Collection[int], year: int) -> dict[int, dict[str, int | Decimal]]:
    """:func:`table2_cells` of several bodies at once (a supervisor's 汇总): the same values, from three queries
    whatever the number of bodies (documents, their amendments, the year's figures) instead of three per body."""
    ids = sorted(set(body_ids))
    if template_for_year(year) is None:
        return {body_id: {} for body_id in ids}
    registers = _registers_of(ids, year)
    return {body_id: registers.table(body_id, year).values() for body_id in ids}


@dataclass(frozen=True)
class Source:
    """One record behind a table cell, for drill-down pages (here and in the annual report)."""

    kind: str  # "document" | "figure"
    object_id: int
    title: str
    detail: str
    url: str


def _document_source(doc: NormativeDocument) -> Source:
    dates = [f"制发 {doc.issued_on.isoformat()}"]
    if doc.published_on:
        dates.append(f"公开 {doc.published_on.isoformat()}")
    if doc.repealed_on:
        dates.append(f"废止 {doc.repealed_on.isoformat()}")
    if doc.expires_on:
        dates.append(f"有效期至 {doc.expires_on.isoformat()}")
    amended = [a.amended_on.isoformat() for a in doc.amendments.all()]
    if amended:
        dates.append("修改 " + "、".join(amended))
    return Source(
        kind="document",
        object_id=doc.pk,
        title=f"{doc.title}（{doc.doc_number}）",
        detail="；".join(dates),
        url=reverse("registers:document", args=[doc.pk]),
    )


def _figure_source(fig: YearlyFigure, code: str) -> Source:
    field = code.rsplit(".", 1)[1]
    value = getattr(fig, field)
    shown = format_number(Decimal(value)) if isinstance(value, Decimal) else str(value)
    who = fig.entered_by.get_full_name() or fig.entered_by.get_username()
    return Source(
        kind="figure",
        object_id=fig.pk,
        title=f"{fig.year}年 {FigureItem(fig.item).label}：{shown}",
        detail=f"来源：{fig.source}；录入：{who} {fig.entered_at:%Y-%m-%d %H:%M}",
        url=reverse("registers:figure_edit", args=[fig.body_id, fig.year, fig.item]),
    )


def table2_sources(*, body_id: int, year: int, code: str) -> list[Source]:
    """The records behind cell ``code`` of ``body_id``'s table 2 for ``year`` (documents counted, or the figures
    whose numbers were added up); Http404 for a code that the year's template does not have."""
    if template_for_year(year) is None:
        raise Http404(NOT_FOUND)
    table = table2_compute(body_id=body_id, year=year)
    cell = table.cells.get(code)
    if cell is None:
        raise Http404(NOT_FOUND)
    ids = [int(r) for r in cell.sources]
    if code.split(".")[1] in (k.item for k in DocKind):
        docs = {d.pk: d for d in document_list(body_id=body_id).filter(pk__in=ids)}
        return [_document_source(docs[i]) for i in ids]
    figs = {f.pk: f for f in figure_list(body_id=body_id).filter(pk__in=ids)}
    return [_figure_source(figs[i], code) for i in ids]


def table2_sources_by_body(*, body_ids: Collection[int], year: int, code: str) -> list[Source]:
    """:func:`table2_sources` of several bodies, one body after the other in id order (a supervisor's 汇总
    drill-down), from three queries whatever the number of bodies."""
    version = template_for_year(year)
    if version is None or code not in get_template(version).by_code:
        raise Http404(NOT_FOUND)
    ids = sorted(set(body_ids))
    registers = _registers_of(ids, year)
    is_document = code.split(".")[1] in (k.item for k in DocKind)
    out: list[Source] = []
    for body_id in ids:
        cell = registers.table(body_id, year).cells.get(code)
        if cell is None:
            raise Http404(NOT_FOUND)
        sources = {int(r) for r in cell.sources}
        if is_document:
            docs = {d.pk: d for d in registers.documents.get(body_id, []) if d.pk in sources}
            out += [_document_source(docs[int(r)]) for r in cell.sources]
        else:
            figs = {f.pk: f for f in registers.figures.get(body_id, []) if f.pk in sources}
            out += [_figure_source(figs[int(r)], code) for r in cell.sources]
    return out


@dataclass(frozen=True)
class CellView:
    code: str
    label: str
    value: str
    entered: bool
    rule: str


@dataclass(frozen=True)
class RowView:
    block: str
    item: str
    label: str
    cells: Sequence[CellView]
    is_figure: bool


def table2_rows(table: Table2) -> list[RowView]:
    """The computed table laid out as the template prints it (block, row label, columns)."""
    template = get_template(table.version)
    rows: list[RowView] = []
    for item in template.s2_items:
        cells = []
        for column in template.s2_columns(item):
            code = f"s2.{item}.{column}"
            cell: ComputedCell = table.cells[code]
            cells.append(
                CellView(
                    code=code,
                    label=template.s2_column_label(item, column),
                    value=format_number(cell.value),
                    entered=cell.entered,
                    rule=COLUMN_RULES.get(column, ""),
                )
            )
        rows.append(
            RowView(
                block=template.s2_block_label(item),
                item=item,
                label=template.s2_item_label(item),
                cells=cells,
                is_figure=item not in (k.item for k in DocKind),
            )
        )
    return rows


def cell_label(*, year: int, code: str) -> str:
    version = template_for_year(year)
    if version is None:
        return code
    spec = get_template(version).by_code.get(code)
    return spec.label if spec is not None else code


def values_as_numbers(values: dict[str, Number]) -> dict[str, int | float]:
    """Cell values for JSON (amounts as float numbers of 万元)."""
    return {k: float(v) if isinstance(v, Decimal) else v for k, v in values.items()}
