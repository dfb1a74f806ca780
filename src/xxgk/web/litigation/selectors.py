"""Reads of review and litigation cases and the computed table 4 (with drill-down).

For the annual report: :func:`table4_cells` (the fifteen ``s4.*`` values of a body's year) and
:func:`table4_sources` (the cases behind one cell). For the application page: :func:`remedies_for_case`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.http import Http404

from xxgk.core.table2 import ComputedCell
from xxgk.core.table4 import COLUMN_RULES, Remedy, RemedyKind, RemedyResult, compute_table4
from xxgk.core.templates import S4_COLUMN_LABELS, S4_COLUMNS, S4_GROUP_LABELS, S4_GROUPS
from xxgk.web.cases.models import Case
from xxgk.web.cases.selectors import access_case_by_id
from xxgk.web.litigation.models import RemedyCase
from xxgk.web.tenancy.selectors import NOT_FOUND, AnyUser, body_ids_visible, body_ids_working

FIRST_YEAR = 2019


def access_remedy_by_id(user: AnyUser, remedy_id: int) -> RemedyCase:
    """The case if ``user`` may see its body; Http404 alike for missing and not-yours."""
    try:
        return RemedyCase.objects.select_related("body", "created_by").get(
            pk=remedy_id, body_id__in=body_ids_visible(user=user)
        )
    except RemedyCase.DoesNotExist:
        raise Http404(NOT_FOUND) from None


def user_can_write(*, user: AnyUser, body_id: int) -> bool:
    return body_id in body_ids_working(user=user)


@dataclass(frozen=True)
class RemedyFilters:
    body_id: int | None = None
    kind: str = ""
    state: str = ""  # "" | open | closed
    q: str = ""


def remedy_list(*, user: AnyUser, filters: RemedyFilters | None = None) -> QuerySet[RemedyCase]:
    f = filters or RemedyFilters()
    qs = RemedyCase.objects.filter(body_id__in=body_ids_visible(user=user)).select_related("body")
    if f.body_id is not None:
        qs = qs.filter(body_id=f.body_id)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.state == "open":
        qs = qs.filter(closed_on__isnull=True)
    elif f.state == "closed":
        qs = qs.filter(closed_on__isnull=False)
    if f.q:
        qs = qs.filter(Q(applicant__icontains=f.q) | Q(number__icontains=f.q) | Q(forum__icontains=f.q))
    return qs.prefetch_related("cases").order_by("-filed_on", "-id")


def remedies_for_case(*, case: Case) -> list[RemedyCase]:
    """The review and litigation cases linked to an application (the caller has access to ``case``)."""
    return list(RemedyCase.objects.filter(cases=case).select_related("body").order_by("filed_on", "id"))


def cases_by_numbers(*, user: AnyUser, body_id: int, numbers: list[str]) -> tuple[list[Case], list[str]]:
    """The applications of ``body_id`` with these 编号 that ``user`` may see, and the numbers not found."""
    found = {c.number: c for c in Case.objects.filter(body_id=body_id, number__in=numbers)}
    cases, missing = [], []
    for number in numbers:
        case = found.get(number)
        if case is None:
            missing.append(number)
            continue
        try:
            cases.append(access_case_by_id(user, case.pk))
        except Http404:
            missing.append(number)
    return cases, missing


def core_remedy(remedy: RemedyCase) -> Remedy:
    return Remedy(
        kind=RemedyKind(remedy.kind),
        filed_on=remedy.filed_on,
        closed_on=remedy.closed_on,
        result=RemedyResult(remedy.result) if remedy.result else None,
        result_on=remedy.result_on,
        ref=remedy.pk,
    )


def _counted_q(year: int) -> Q:
    """The cases that can be counted in ``year``: filed by its end and not closed before it."""
    return Q(filed_on__lte=date(year, 12, 31)) & (Q(closed_on__isnull=True) | Q(closed_on__gte=date(year, 1, 1)))


def _counted(body_id: int, year: int) -> QuerySet[RemedyCase]:
    return RemedyCase.objects.filter(_counted_q(year), body_id=body_id).order_by("filed_on", "id")


def table4_compute(*, body_id: int, year: int) -> dict[str, ComputedCell]:
    return compute_table4(year=year, remedies=[core_remedy(r) for r in _counted(body_id, year)])


def table4_cells(*, body_id: int, year: int) -> dict[str, int]:
    """The fifteen ``s4.*`` values of ``body_id`` for ``year`` (identical in both template versions): cases closed
    in the year by result (维持 / 纠正 / 其他), cases open on 31 December as 尚未审结, and 总计. One query."""
    return {code: int(cell.value) for code, cell in table4_compute(body_id=body_id, year=year).items()}


def table4_sources(*, body_id: int, year: int, code: str) -> list[RemedyCase]:
    """The cases behind cell ``code`` (Http404 for an unknown code)."""
    cell = table4_compute(body_id=body_id, year=year).get(code)
    if cell is None:
        raise Http404(NOT_FOUND)
    ids = [int(r) for r in cell.sources]
    rows = RemedyCase.objects.filter(pk__in=ids).select_related("body").prefetch_related("hearings", "cases")
    by_id = {r.pk: r for r in rows}
    return [by_id[i] for i in ids]


def _counted_by_body(ids: Collection[int], year: int) -> dict[int, list[RemedyCase]]:
    rows: dict[int, list[RemedyCase]] = defaultdict(list)
    for row in RemedyCase.objects.filter(_counted_q(year), body_id__in=ids).order_by("filed_on", "id"):
        rows[row.body_id].append(row)
    return rows


def table4_cells_by_body(*, body_ids: Collection[int], year: int) -> dict[int, dict[str, int]]:
    """:func:`table4_cells` of several bodies at once (a supervisor's 汇总): the same values from one query
    whatever the number of bodies."""
    ids = sorted(set(body_ids))
    rows = _counted_by_body(ids, year)
    out: dict[int, dict[str, int]] = {}
    for body_id in ids:
        cells = compute_table4(year=year, remedies=[core_remedy(r) for r in rows.get(body_id, [])])
        out[body_id] = {code: int(cell.value) for code, cell in cells.items()}
    return out


def table4_sources_by_body(*, body_ids: Collection[int], year: int, code: str) -> list[RemedyCase]:
    """:func:`table4_sources` of several bodies, one body after the other in id order (a supervisor's 汇总
    drill-down), from four queries whatever the number of bodies (the cases, their bodies, hearings and
    applications)."""
    ids = sorted(set(body_ids))
    rows = _counted_by_body(ids, year)
    wanted: list[int] = []
    for body_id in ids:
        cell = compute_table4(year=year, remedies=[core_remedy(r) for r in rows.get(body_id, [])]).get(code)
        if cell is None:
            raise Http404(NOT_FOUND)
        wanted += [int(r) for r in cell.sources]
    found = RemedyCase.objects.filter(pk__in=wanted).select_related("body").prefetch_related("hearings", "cases")
    by_id = {r.pk: r for r in found}
    return [by_id[i] for i in wanted]


@dataclass(frozen=True)
class GroupView:
    group: str
    label: str
    cells: list[tuple[str, str, int]]  # (code, column label, value)


def table4_rows(cells: dict[str, ComputedCell]) -> list[GroupView]:
    return [
        GroupView(
            group=g,
            label=S4_GROUP_LABELS[g],
            cells=[(f"s4.{g}.{c}", S4_COLUMN_LABELS[c], int(cells[f"s4.{g}.{c}"].value)) for c in S4_COLUMNS],
        )
        for g in S4_GROUPS
    ]


def cell_text(code: str) -> tuple[str, str]:
    """The printed label of ``code`` and how it is computed."""
    try:
        _s4, group, column = code.split(".")
        return f"{S4_GROUP_LABELS[group]}·{S4_COLUMN_LABELS[column]}", COLUMN_RULES[column]
    except (ValueError, KeyError):
        raise Http404(NOT_FOUND) from None
