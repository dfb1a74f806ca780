"""What the oversight pages read from the reports app (the report lifecycle): each body's report status for a
year, the latest published versions of many bodies and years at once — without their reports
(:func:`published_versions`), with their digests (:func:`version_digests`, see :mod:`xxgk.web.oversight.digest`)
or with their reports read back (:func:`published_reports`, for the combined report of one year).

The reports app owns the lifecycle; this module is the one place that knows its names, so that the overview and
the combined report do not depend on its internals.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from xxgk.core.model import Report
from xxgk.web.oversight.digest import Digest
from xxgk.web.oversight.digests import digests_read


class LifecycleStatus(StrEnum):
    """A body's report in xxgk (the values of ``xxgk.web.reports.selectors.ReportStatus``)."""

    NOT_STARTED = "not_started"
    DRAFTING = "drafting"
    UNDER_APPROVAL = "under_approval"
    PUBLISHED = "published"


@dataclass(frozen=True, slots=True)
class StatusInfo:
    status: LifecycleStatus
    published_on: date | None = None
    version: int | None = None
    late: bool = False


@dataclass(frozen=True, slots=True)
class Published:
    """The latest published version of a body's report on a year, made in xxgk: ``published_on`` is the day the
    report was first published (the deadline is judged by it), ``latest_on`` the day of this version."""

    body_id: int
    year: int
    report: Report
    version: int | None
    published_on: date | None
    latest_on: date | None = None


@dataclass(frozen=True, slots=True)
class PublishedVersion:
    """The latest published version of a body's report on a year, without its report: ``version_id`` the row,
    ``version`` its number, ``published_on`` the day the report was first published, ``latest_on`` this version's."""

    body_id: int
    year: int
    version_id: int
    version: int
    published_on: date
    latest_on: date


def status_map(*, body_ids: Collection[int], year: int) -> dict[int, StatusInfo]:
    """Body id → the status of its report on ``year`` (bodies without a report may be absent)."""
    from xxgk.web.reports.selectors import report_status_map

    return {
        pk: StatusInfo(
            status=LifecycleStatus(str(info.status.value)),
            published_on=info.published_on,
            version=info.version,
            late=info.late,
        )
        for pk, info in report_status_map(body_ids=list(body_ids), year=year).items()
    }


def published_reports(*, body_ids: Collection[int], years: Collection[int]) -> dict[tuple[int, int], Published]:
    """``(body_id, year)`` → the latest published version, for every published report of ``body_ids`` on
    ``years`` (a fixed number of queries, whatever the number of bodies)."""
    from xxgk.web.reports.selectors import published_reports_bulk

    out: dict[tuple[int, int], Published] = {}
    for (body_id, year), item in published_reports_bulk(body_ids=body_ids, years=years).items():
        out[body_id, year] = Published(
            body_id=body_id,
            year=year,
            report=item.report,
            version=item.version,
            published_on=item.first_published_on,
            latest_on=item.published_on,
        )
    return out


def published_versions(*, body_ids: Collection[int], years: Collection[int]) -> dict[tuple[int, int], PublishedVersion]:
    """``(body_id, year)`` → the latest published version (without its report) of every report of ``body_ids`` on
    ``years`` published in xxgk: two queries whatever the number of bodies. The caller has access-checked."""
    from xxgk.web.reports.selectors import latest_published_rows

    firsts, rows = latest_published_rows(
        body_ids=body_ids,
        years=years,
        fields=("pk", "report_id", "report__body_id", "report__year", "number", "published_on"),
    )
    return {
        (body_id, year): PublishedVersion(
            body_id=body_id,
            year=year,
            version_id=pk,
            version=number,
            published_on=firsts.get(report_id, on),
            latest_on=on,
        )
        for pk, report_id, body_id, year, number, on in rows
    }


def version_digests(version_ids: Collection[int]) -> dict[int, Digest]:
    """Version id → the digest of its report (stored; computed from the version's JSON the first time)."""
    from xxgk.web.reports.models import ReportVersion

    def load(ids: list[int]) -> Iterator[tuple[int, Report]]:
        for pk, text in ReportVersion.objects.filter(pk__in=ids).values_list("pk", "report_json"):
            yield pk, Report.from_json(text)

    return digests_read(source="version", ids=version_ids, load=load)
