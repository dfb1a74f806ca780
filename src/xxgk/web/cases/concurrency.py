"""Optimistic locking of applications: two handlers editing the same case at once.

Every save of a :class:`~xxgk.web.cases.models.Case` raises its ``version``. A page that changes a case (an action
form, the registration edit form) carries the version it was shown at; :func:`case_write_if_current` runs the write
in one transaction with the case row locked, and refuses it with :data:`STALE_MESSAGE` when the case has changed
since — so the second of two handlers is told, and nothing the first one saved is overwritten silently.

The REST API does the same with HTTP's own optimistic locking: a GET of an application answers its version as the
``ETag``, and a write sent with ``If-Match`` is checked here (:mod:`xxgk.web.api.v1.applications`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import TypeVar

from django.contrib.auth.models import User
from django.db import transaction

from xxgk.core.errors import WorkflowError
from xxgk.web.cases.selectors import access_case_for_update

T = TypeVar("T")

STALE_MESSAGE = "该申请已被他人修改，请刷新后重试"


class StaleCaseError(WorkflowError):
    """The case changed after the form was shown (another handler saved first)."""

    default_message = STALE_MESSAGE


def parse_version(value: object) -> int | None:
    """The version a form posted: ``None`` when none was posted; an unreadable value is never current (``-1``)."""
    if value is None or value == "":
        return None
    try:
        return int(str(value))
    except ValueError:
        return -1


def case_write_if_current(
    *, actor: User, case_id: int, version: int | Collection[int] | None, write: Callable[[], T]
) -> T:
    """Run ``write`` (one service call on the case) in a transaction holding the case's row lock, if the case is
    still at ``version`` — or at one of the versions given (an HTTP ``If-Match`` may list several); ``None``: the
    caller shows no version, nothing to compare. Raises :class:`StaleCaseError` otherwise; the access rules are
    those of the write (404 / 403 as usual)."""
    expected = None if version is None else {version} if isinstance(version, int) else set(version)
    with transaction.atomic():
        case = access_case_for_update(actor, case_id)
        if expected is not None and case.version not in expected:
            raise StaleCaseError(STALE_MESSAGE)
        return write()
