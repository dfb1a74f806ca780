"""Writes of the registers: normative documents, their amendments, yearly figures and the two importers.

Every service runs in one transaction, requires a working role in the record's body (a supervising body reads
only), re-validates the record with :mod:`xxgk.core.table2` (forms validate first; this is the last line), and
appends an audit event. The importers write all rows or none.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404

from xxgk.core.table2 import FigureField, LedgerError, document_errors, figure_errors
from xxgk.web.audit.codes import AuditCode
from xxgk.web.audit.services import audit_record
from xxgk.web.registers.data import (
    AmendmentData,
    DocumentData,
    FigureData,
    ImportRejected,
    ImportSummary,
    RowError,
)
from xxgk.web.registers.models import DocumentAmendment, NormativeDocument, YearlyFigure
from xxgk.web.tenancy.models import Body
from xxgk.web.tenancy.selectors import NOT_FOUND, body_ids_visible, body_ids_working
from xxgk.web.textguard import field_problems, refuse

READ_ONLY = "您对该机关只有查看权限（上级机关监督），不能修改台账"
DOCUMENT = "normative_document"
FIGURE = "yearly_figure"


def _d(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _body_for_write(actor: User, body_id: int) -> Body:
    if body_id not in body_ids_visible(user=actor):
        raise Http404(NOT_FOUND)
    if body_id not in body_ids_working(user=actor):
        raise PermissionDenied(READ_ONLY)
    return Body.objects.get(pk=body_id)


def _document_for_update(actor: User, document_id: int) -> NormativeDocument:
    try:
        doc = (
            NormativeDocument.objects.select_for_update()
            .select_related("body")
            .get(pk=document_id, body_id__in=body_ids_visible(user=actor))
        )
    except NormativeDocument.DoesNotExist:
        raise Http404(NOT_FOUND) from None
    if doc.body_id not in body_ids_working(user=actor):
        raise PermissionDenied(READ_ONLY)
    return doc


def document_snapshot(doc: NormativeDocument) -> dict[str, Any]:
    return {
        "kind": doc.kind,
        "title": doc.title,
        "doc_number": doc.doc_number,
        "issued_on": _d(doc.issued_on),
        "published_on": _d(doc.published_on),
        "effective_on": _d(doc.effective_on),
        "expires_on": _d(doc.expires_on),
        "repealed_on": _d(doc.repealed_on),
        "proactive_item_id": doc.proactive_item_id,
        "note": doc.note,
    }


def amendment_data_of(doc: NormativeDocument) -> tuple[AmendmentData, ...]:
    return tuple(
        AmendmentData(amended_on=a.amended_on, doc_number=a.doc_number, published_on=a.published_on, note=a.note)
        for a in doc.amendments.order_by("amended_on")
    )


def _check_texts(model: type[NormativeDocument | DocumentAmendment | YearlyFigure], values: dict[str, str]) -> None:
    """:class:`LedgerError` when a text, as stored (stripped), is longer than its column or holds a NUL character
    (PostgreSQL would refuse it: a 500)."""
    refuse(field_problems(model, {name: value.strip() for name, value in values.items()}, quoted=True), LedgerError)


def _check_document(data: DocumentData, amendments: tuple[AmendmentData, ...]) -> None:
    if not data.title.strip():
        raise LedgerError("请填写标题")
    if not data.doc_number.strip():
        raise LedgerError("请填写文号")
    _check_texts(NormativeDocument, {"title": data.title, "doc_number": data.doc_number, "note": data.note})
    for amendment in amendments:
        _check_texts(DocumentAmendment, {"doc_number": amendment.doc_number, "note": amendment.note})
    errors = document_errors(data.core(amendments))
    if errors:
        raise LedgerError("；".join(message for _field, message in errors))


def _check_number_free(body_id: int, doc_number: str, *, exclude: int | None = None) -> None:
    qs = NormativeDocument.objects.filter(body_id=body_id, doc_number=doc_number.strip())
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    if qs.exists():
        raise LedgerError(f"本机关已登记文号为「{doc_number.strip()}」的文件")


def _apply(doc: NormativeDocument, data: DocumentData) -> None:
    doc.kind = data.kind.value
    doc.title = data.title.strip()
    doc.doc_number = data.doc_number.strip()
    doc.issued_on = data.issued_on
    doc.published_on = data.published_on
    doc.effective_on = data.effective_on
    doc.expires_on = data.expires_on
    doc.repealed_on = data.repealed_on
    doc.proactive_item_id = data.proactive_item_id
    doc.note = data.note.strip()


def _create_amendment(doc: NormativeDocument, a: AmendmentData) -> DocumentAmendment:
    return DocumentAmendment.objects.create(
        document=doc,
        amended_on=a.amended_on,
        doc_number=a.doc_number.strip(),
        published_on=a.published_on,
        note=a.note.strip(),
    )


def _create_document(actor: User, body: Body, data: DocumentData, note: str = "") -> NormativeDocument:
    _check_document(data, data.amendments)
    _check_number_free(body.pk, data.doc_number)
    doc = NormativeDocument(body=body, created_by=actor)
    _apply(doc, data)
    doc.save()
    for a in data.amendments:
        _create_amendment(doc, a)
    audit_record(
        code=AuditCode.REGISTER_DOCUMENT_CREATED,
        actor=actor,
        body=body,
        object_type=DOCUMENT,
        object_id=doc.pk,
        new={**document_snapshot(doc), "amendments": [_d(a.amended_on) for a in data.amendments]},
        note=note,
    )
    return doc


def document_create(*, actor: User, body_id: int, data: DocumentData) -> NormativeDocument:
    """Register a 规章 or 行政规范性文件 of ``body_id`` (its 文号 must be new in the body)."""
    with transaction.atomic():
        body = _body_for_write(actor, body_id)
        return _create_document(actor, body, data)


def _update_document(actor: User, doc: NormativeDocument, data: DocumentData, note: str = "") -> bool:
    """Apply ``data`` (and add its amendments not yet recorded); False when nothing changed."""
    known = amendment_data_of(doc)
    known_days = {a.amended_on for a in known}
    new_rows = tuple(a for a in data.amendments if a.amended_on not in known_days)
    _check_document(data, known + new_rows)
    _check_number_free(doc.body_id, data.doc_number, exclude=doc.pk)
    old = document_snapshot(doc)
    _apply(doc, data)
    new = document_snapshot(doc)
    if old == new and not new_rows:
        return False
    doc.save()
    for a in new_rows:
        _create_amendment(doc, a)
    extra = {"amendments_added": [_d(a.amended_on) for a in new_rows]} if new_rows else {}
    audit_record(
        code=AuditCode.REGISTER_DOCUMENT_EDITED,
        actor=actor,
        body=doc.body,
        object_type=DOCUMENT,
        object_id=doc.pk,
        old=old,
        new={**new, **extra},
        note=note,
    )
    return True


def document_update(*, actor: User, document_id: int, data: DocumentData) -> NormativeDocument:
    with transaction.atomic():
        doc = _document_for_update(actor, document_id)
        _update_document(actor, doc, data)
        return doc


def document_delete(*, actor: User, document_id: int) -> None:
    """Delete a document entered by mistake (with its amendments); the audit trail keeps what it was."""
    with transaction.atomic():
        doc = _document_for_update(actor, document_id)
        old = {**document_snapshot(doc), "amendments": [_d(a.amended_on) for a in amendment_data_of(doc)]}
        body, pk = doc.body, doc.pk
        doc.delete()
        audit_record(
            code=AuditCode.REGISTER_DOCUMENT_DELETED,
            actor=actor,
            body=body,
            object_type=DOCUMENT,
            object_id=pk,
            old=old,
        )


def amendment_add(*, actor: User, document_id: int, data: AmendmentData) -> DocumentAmendment:
    """Record an amendment of a document (validated against the whole lifecycle)."""
    with transaction.atomic():
        doc = _document_for_update(actor, document_id)
        known = amendment_data_of(doc)
        if any(a.amended_on == data.amended_on for a in known):
            raise LedgerError(f"已登记 {data.amended_on.isoformat()} 的修改")
        current = DocumentData(
            kind=doc.kind_enum,
            title=doc.title,
            doc_number=doc.doc_number,
            issued_on=doc.issued_on,
            published_on=doc.published_on,
            expires_on=doc.expires_on,
            repealed_on=doc.repealed_on,
        )
        _check_document(current, (*known, data))
        row = _create_amendment(doc, data)
        audit_record(
            code=AuditCode.REGISTER_AMENDMENT_ADDED,
            actor=actor,
            body=doc.body,
            object_type=DOCUMENT,
            object_id=doc.pk,
            new={
                "amended_on": _d(row.amended_on),
                "doc_number": row.doc_number,
                "published_on": _d(row.published_on),
                "note": row.note,
            },
        )
        return row


def amendment_delete(*, actor: User, amendment_id: int) -> None:
    with transaction.atomic():
        try:
            row = DocumentAmendment.objects.select_related("document").get(
                pk=amendment_id, document__body_id__in=body_ids_visible(user=actor)
            )
        except DocumentAmendment.DoesNotExist:
            raise Http404(NOT_FOUND) from None
        doc = _document_for_update(actor, row.document_id)
        old = {"amended_on": _d(row.amended_on), "doc_number": row.doc_number, "published_on": _d(row.published_on)}
        row.delete()
        audit_record(
            code=AuditCode.REGISTER_AMENDMENT_DELETED,
            actor=actor,
            body=doc.body,
            object_type=DOCUMENT,
            object_id=doc.pk,
            old=old,
        )


# -- yearly figures ---------------------------------------------------------------------------------------------


def figure_snapshot(fig: YearlyFigure) -> dict[str, Any]:
    return {
        "year": fig.year,
        "item": fig.item,
        "prev_items": fig.prev_items,
        "change": fig.change,
        "decisions": fig.decisions,
        "projects": fig.projects,
        "amount": None if fig.amount is None else str(Decimal(fig.amount).normalize()),
        "source": fig.source,
    }


def _check_figure(data: FigureData) -> None:
    _check_texts(YearlyFigure, {"source": data.source})
    errors = figure_errors(data.core())
    if errors:
        parts = []
        for field, message in errors:
            label = FigureField(field).label_for(data.item, data.year) if field in set(FigureField) else ""
            parts.append(f"「{label}」{message}" if label else message)
        raise LedgerError("；".join(parts))


def _save_figure(actor: User, body: Body, data: FigureData, note: str = "") -> tuple[YearlyFigure, str]:
    """Create or replace the figure; returns it with ``"created"``, ``"updated"`` or ``"unchanged"``."""
    _check_figure(data)
    fig = YearlyFigure.objects.select_for_update().filter(body=body, year=data.year, item=data.item.value).first()
    created = fig is None
    if fig is None:
        fig = YearlyFigure(body=body, year=data.year, item=data.item.value, entered_by=actor)
    old = None if created else figure_snapshot(fig)
    fig.prev_items = data.prev_items
    fig.change = data.change
    fig.decisions = data.decisions
    fig.projects = data.projects
    fig.amount = data.amount
    fig.source = data.source.strip()
    if old is not None and old == figure_snapshot(fig):
        return fig, "unchanged"
    fig.entered_by = actor
    fig.save()
    audit_record(
        code=AuditCode.REGISTER_FIGURE_SAVED,
        actor=actor,
        body=body,
        object_type=FIGURE,
        object_id=fig.pk,
        old=old,
        new=figure_snapshot(fig),
        note=note,
    )
    return fig, "created" if created else "updated"


def figure_save(*, actor: User, body_id: int, data: FigureData) -> YearlyFigure:
    """Enter (or correct) the numbers of one item for one year, with their source."""
    with transaction.atomic():
        body = _body_for_write(actor, body_id)
        fig, _created = _save_figure(actor, body, data)
        return fig


def figure_delete(*, actor: User, figure_id: int) -> None:
    with transaction.atomic():
        try:
            fig = YearlyFigure.objects.select_for_update().get(pk=figure_id, body_id__in=body_ids_visible(user=actor))
        except YearlyFigure.DoesNotExist:
            raise Http404(NOT_FOUND) from None
        if fig.body_id not in body_ids_working(user=actor):
            raise PermissionDenied(READ_ONLY)
        old, body, pk = figure_snapshot(fig), fig.body, fig.pk
        fig.delete()
        audit_record(
            code=AuditCode.REGISTER_FIGURE_DELETED, actor=actor, body=body, object_type=FIGURE, object_id=pk, old=old
        )


# -- imports ----------------------------------------------------------------------------------------------------


def documents_import(
    *, actor: User, body_id: int, rows: Sequence[tuple[int, DocumentData]], filename: str = ""
) -> ImportSummary:
    """Import documents (``(spreadsheet row, data)`` pairs, already parsed): a 文号 already registered in the body
    updates that document (amendments not yet recorded are added), a new 文号 creates one. All or nothing: any
    row that fails raises :class:`ImportRejected` naming every failing row, and nothing is written."""
    note = f"导入文件 {filename}".strip()
    with transaction.atomic():
        body = _body_for_write(actor, body_id)
        existing = {
            d.doc_number: d
            for d in NormativeDocument.objects.select_for_update().filter(
                body=body, doc_number__in=[r.doc_number.strip() for _n, r in rows]
            )
        }
        errors: list[RowError] = []
        created = updated = 0
        for line, data in rows:
            try:
                doc = existing.get(data.doc_number.strip())
                if doc is None:
                    _create_document(actor, body, data, note)
                    created += 1
                elif _update_document(actor, doc, data, note):
                    updated += 1
            except LedgerError as exc:
                errors.append(RowError(line, "", exc.message))
        if errors:
            raise ImportRejected(errors)  # the atomic block rolls every row back
        audit_record(
            code=AuditCode.REGISTER_DOCUMENTS_IMPORTED,
            actor=actor,
            body=body,
            object_type="body",
            object_id=body.pk,
            new={"file": filename, "rows": len(rows), "created": created, "updated": updated},
        )
        return ImportSummary(created=created, updated=updated)


def figures_import(
    *, actor: User, body_id: int, rows: Sequence[tuple[int, FigureData]], filename: str = ""
) -> ImportSummary:
    """Import yearly figures (``(spreadsheet row, data)`` pairs): an item/year already entered is replaced. All or
    nothing, as :func:`documents_import`."""
    note = f"导入文件 {filename}".strip()
    with transaction.atomic():
        body = _body_for_write(actor, body_id)
        errors: list[RowError] = []
        created = updated = 0
        for line, data in rows:
            try:
                _fig, status = _save_figure(actor, body, data, note)
                created += status == "created"
                updated += status == "updated"
            except LedgerError as exc:
                errors.append(RowError(line, "", exc.message))
        if errors:
            raise ImportRejected(errors)  # the atomic block rolls every row back
        audit_record(
            code=AuditCode.REGISTER_FIGURES_IMPORTED,
            actor=actor,
            body=body,
            object_type="body",
            object_id=body.pk,
            new={"file": filename, "rows": len(rows), "created": created, "updated": updated},
        )
        return ImportSummary(created=created, updated=updated)
