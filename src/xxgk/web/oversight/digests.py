"""The stored digests of published reports (:class:`~xxgk.web.oversight.models.PublishedDigest`): read in one query,
computed and stored on the way when missing or stale — a cache keyed by the version's or the upload's id, whose
source rows never change.

An upload's digest is written with the upload (:func:`digest_save`); a version published in xxgk gets its digest
the first time an oversight page reads it (the migration that added the table computed those published before).
Either way a page runs the same fixed number of queries whatever the number of bodies: one read, and when some
digests are missing, one read of their reports' JSON and one write.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from typing import Literal

from django.db import transaction

from xxgk.core.model import Report
from xxgk.web.oversight.digest import Digest, decode_cells, digest_basis, digest_of, encode_cells
from xxgk.web.oversight.models import PublishedDigest

Source = Literal["version", "external"]
#: Reads the reports of the given ids: ``(id, report)`` pairs.
Loader = Callable[[list[int]], Iterable[tuple[int, Report]]]


#: The columns a digest is read from (without building model instances: thousands are read at a time).
_COLUMNS = ("basis", "template", "s2_template", "cells", "errors", "warnings")


def _row(source: Source, pk: int, digest: Digest) -> PublishedDigest:
    return PublishedDigest(
        **{f"{source}_id": pk},
        basis=digest_basis(),
        template=digest.template,
        s2_template=digest.s2_template,
        cells=encode_cells(digest.cells),
        errors=digest.errors,
        warnings=digest.warnings,
    )


def _save(source: Source, digests: dict[int, Digest]) -> None:
    """Store ``digests`` (id → digest), replacing rows of another basis; a row a concurrent request stored first
    is kept (same source, same result)."""
    if not digests:
        return
    field = f"{source}_id"
    with transaction.atomic():
        PublishedDigest.objects.filter(**{f"{field}__in": list(digests)}).exclude(basis=digest_basis()).delete()
        PublishedDigest.objects.bulk_create(
            [_row(source, pk, digest) for pk, digest in digests.items()], ignore_conflicts=True
        )


def digest_save(*, source: Source, pk: int, report: Report) -> Digest:
    """Compute and store the digest of version or upload ``pk`` whose report is ``report`` (inside the caller's
    transaction when there is one)."""
    digest = digest_of(report)
    _save(source, {pk: digest})
    return digest


def digests_read(*, source: Source, ids: Collection[int], load: Loader) -> dict[int, Digest]:
    """Id → digest for every id of ``ids`` (versions or uploads): stored ones in one query; the missing or stale
    ones computed from the reports ``load`` reads (one query) and stored."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    basis = digest_basis()
    field = f"{source}_id"
    out: dict[int, Digest] = {}
    rows = PublishedDigest.objects.filter(**{f"{field}__in": wanted}).values_list(field, *_COLUMNS)
    for pk, row_basis, template, s2_template, cells, errors, warnings in rows:
        if row_basis == basis:
            out[pk] = Digest(template, s2_template, decode_cells(cells), errors, warnings)
    missing = [pk for pk in wanted if pk not in out]
    if missing:
        computed = {pk: digest_of(report) for pk, report in load(missing)}
        _save(source, computed)
        out.update(computed)
    return out
