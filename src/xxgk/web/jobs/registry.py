"""The registry of job kinds: ``@job_kind("name", label="…")`` registers a function ``(job, progress)`` that does
the work and returns the job's result (JSON-serialisable, or ``None``).

A kind function must be idempotent: it may run again after its worker died. It records per-item results through
``progress.item(key, …)`` (an item already recorded by an earlier attempt is skipped: see ``progress.done_keys()``),
stores files through ``progress.file(…)`` (replaced, not duplicated) and raises :class:`JobError` with a message
for the user (Simplified Chinese) when the job cannot be done.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from xxgk.core.errors import XxgkError

if TYPE_CHECKING:
    from xxgk.web.jobs.models import Job
    from xxgk.web.jobs.runner import Progress

KindFunction = Callable[["Job", "Progress"], Any]


class JobError(XxgkError):
    """A job cannot be done; ``message`` is shown to the user (and e-mailed to the starter). ``result`` is kept
    on the job as its (partial) result."""

    def __init__(self, message: str, *, result: Any = None) -> None:
        super().__init__(message)
        self.result = result


class JobCancelled(Exception):
    """Raised inside a running job when its cancellation was requested (by ``progress`` calls)."""


class JobLost(Exception):
    """Raised inside a running job when another runner took it over (this one was taken for dead)."""


@dataclass(frozen=True)
class KindSpec:
    name: str
    label: str
    function: KindFunction
    #: Users may start it from the pages (others are started by the system or by commands).
    user_startable: bool = False


KINDS: dict[str, KindSpec] = {}


def job_kind(name: str, *, label: str, user_startable: bool = False) -> Callable[[KindFunction], KindFunction]:
    """Register the decorated function as the job kind ``name`` (labelled ``label`` in the pages)."""

    def register(function: KindFunction) -> KindFunction:
        existing = KINDS.get(name)
        if existing is not None and existing.function is not function:
            qualname = getattr(existing.function, "__qualname__", repr(existing.function))
            raise ValueError(f"job kind {name!r} is already registered by {qualname}")
        KINDS[name] = KindSpec(name=name, label=label, function=function, user_startable=user_startable)
        return function

    return register


def kind_get(name: str) -> KindSpec | None:
    return KINDS.get(name)


def kind_label(name: str) -> str:
    spec = KINDS.get(name)
    return spec.label if spec is not None else name
