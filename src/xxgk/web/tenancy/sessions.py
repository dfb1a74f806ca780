"""The session engine (``SESSION_ENGINE``): Django's database sessions, read with SQL written once per process.

Sessions stay in the database (a sign-out on any server ends the session everywhere; docs/performance.md §5). Only
the read of a session on each request changes: the ORM's ``objects.get(session_key=…, expire_date__gt=now)`` is
replaced by the same select in :func:`xxgk.web.tenancy.rows.session_row` (0.5 ms → 0.15 ms of Python per page).
Creating, saving, rotating and deleting sessions are Django's own.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils import timezone

from xxgk.web.tenancy.rows import session_row


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self) -> Any:
        if self.session_key is None:
            return None
        found = session_row(self.model, self.session_key, timezone.now(), using=self.model.objects.db)
        if found is None:
            self._session_key = None  # as Django's: an unknown or expired key is never reused
        return found
