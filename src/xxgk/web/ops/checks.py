"""Readiness checks: each returns a :class:`Check`; :func:`readiness` runs them all.

* ``database`` — one query;
* ``migrations`` — no unapplied migration (cached once they are all applied: they do not come undone);
* ``broker`` — the Celery broker answers (only when one is configured);
* ``media`` — a file can be created under ``MEDIA_ROOT`` (the shared storage);
* ``static`` — the static files manifest exists when the hashed storage is on (``collectstatic`` ran).

A failing check carries a short reason for the operator; details (exceptions) go to the log, not the response,
which is public.
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection

log = logging.getLogger("xxgk.ops")

_migrations_applied = False


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str = ""
    ms: float = 0.0

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"ok": self.ok, "ms": round(self.ms, 1)}
        if self.detail:
            out["detail"] = self.detail
        return out


def check_database() -> tuple[bool, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        row = cursor.fetchone()
    return (row is not None and row[0] == 1), ""


def check_migrations() -> tuple[bool, str]:
    global _migrations_applied  # noqa: PLW0603 - a per-process cache of a fact that does not revert
    if _migrations_applied:
        return True, ""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        return False, f"{len(plan)} 个数据库迁移尚未执行（manage.py migrate）"
    _migrations_applied = True
    return True, ""


def broker_url() -> str:
    return str(getattr(settings, "CELERY_BROKER_URL", "") or "")


def check_broker() -> tuple[bool, str]:
    url = broker_url()
    if url.startswith(("redis://", "rediss://", "unix://")):
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        try:
            return bool(client.ping()), ""
        finally:
            client.close()
    from kombu.connection import Connection

    with Connection(url, connect_timeout=2) as conn:  # type: ignore[no-untyped-call, unused-ignore]
        conn.ensure_connection(max_retries=1)
    return True, ""


def check_media() -> tuple[bool, str]:
    root = Path(settings.MEDIA_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=root, prefix=".readyz-", delete=True) as handle:
        handle.write(b"ok")
        handle.flush()
    return True, ""


def check_static() -> tuple[bool, str]:
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.is_file():
        return True, ""
    return False, "静态文件清单不存在（manage.py collectstatic）"


def _run(name: str, fn: Callable[[], tuple[bool, str]]) -> Check:
    start = time.perf_counter()
    try:
        ok, detail = fn()
    except Exception as exc:
        log.warning("readiness check %s failed: %s: %s", name, type(exc).__name__, exc)
        ok, detail = False, f"检查失败（{type(exc).__name__}）"
    return Check(name, ok, detail, (time.perf_counter() - start) * 1000)


def readiness() -> list[Check]:
    checks: list[tuple[str, Callable[[], tuple[bool, str]]]] = [
        ("database", check_database),
        ("migrations", check_migrations),
    ]
    if broker_url():
        checks.append(("broker", check_broker))
    checks.append(("media", check_media))
    if getattr(settings, "XXGK_STATIC_MANIFEST", False):
        checks.append(("static", check_static))
    return [_run(name, fn) for name, fn in checks]
