"""Health and readiness endpoints, request ids, structured (JSON) logs and the access log."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from xxgk.web.ops.logging import JsonFormatter, RequestContextFilter, request_id_var, user_id_var

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_touching_the_database(client: Client) -> None:
    client.cookies["sessionid"] = "whatever"  # not even a session lookup
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/healthz/")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert len(ctx.captured_queries) == 0
    assert "no-cache" in response["Cache-Control"]
    assert client.head("/healthz/").status_code == 200
    assert client.post("/healthz/").status_code == 405


def test_readyz_reports_each_check(client: Client, settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CELERY_BROKER_URL = ""
    response = client.get("/readyz/")
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "ok"
    assert set(data["checks"]) == {"database", "migrations", "media"}
    assert all(c["ok"] for c in data["checks"].values())
    assert list((tmp_path / "media").iterdir()) == []  # the probe file is removed


def test_readyz_fails_when_the_broker_is_down(client: Client, settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/readyz/")
    assert response.status_code == 503
    data = response.json()
    assert data["status"] == "fail" and not data["checks"]["broker"]["ok"]
    assert data["checks"]["database"]["ok"]
    assert "127.0.0.1" not in response.content.decode()  # no connection details in a public response


def test_readyz_fails_when_media_is_not_writable(client: Client, settings: Any, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    settings.MEDIA_ROOT = blocker / "media"
    settings.CELERY_BROKER_URL = ""
    response = client.get("/readyz/")
    assert response.status_code == 503 and not response.json()["checks"]["media"]["ok"]


def test_readyz_wants_collected_static_files_with_the_hashed_storage(
    client: Client, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CELERY_BROKER_URL = ""
    settings.XXGK_STATIC_MANIFEST = True
    settings.STATIC_ROOT = tmp_path / "static"
    response = client.get("/readyz/")
    assert response.status_code == 503
    assert "collectstatic" in response.json()["checks"]["static"]["detail"]
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "staticfiles.json").write_text("{}")
    assert client.get("/readyz/").status_code == 200


def test_readyz_fails_with_unapplied_migrations(
    client: Client, settings: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    from django.db.migrations.executor import MigrationExecutor

    from xxgk.web.ops import checks

    settings.MEDIA_ROOT = tmp_path
    settings.CELERY_BROKER_URL = ""
    monkeypatch.setattr(checks, "_migrations_applied", False)
    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("jobs", "0002_future")])
    data = client.get("/readyz/").json()
    assert not data["checks"]["migrations"]["ok"] and "1 个数据库迁移尚未执行" in data["checks"]["migrations"]["detail"]


def test_every_response_has_a_request_id(client: Client, settings: Any) -> None:
    first = client.get("/healthz/")["X-Request-ID"]
    second = client.get("/healthz/")["X-Request-ID"]
    assert len(first) == 32 and first != second
    settings.XXGK_BEHIND_PROXY = False
    assert client.get("/healthz/", HTTP_X_REQUEST_ID="from-the-client-1")["X-Request-ID"] != "from-the-client-1"
    settings.XXGK_BEHIND_PROXY = True
    assert client.get("/healthz/", HTTP_X_REQUEST_ID="nginx-req-0001")["X-Request-ID"] == "nginx-req-0001"
    bad = client.get("/healthz/", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"]
    assert bad != "<script>" and len(bad) == 32


def test_the_access_log_has_request_id_user_path_status_duration(
    client: Client, users: dict[str, User], settings: Any, caplog: Any
) -> None:
    settings.XXGK_ACCESS_LOG = True
    client.force_login(users["bq_clerk"])
    with caplog.at_level(logging.INFO, logger="xxgk.request"):
        response = client.get("/jobs/")
    (record,) = [r for r in caplog.records if r.name == "xxgk.request"]
    fields = record.__dict__
    assert (fields["status"], fields["path"], fields["method"]) == (200, "/jobs/", "GET")
    assert fields["user_id"] == str(users["bq_clerk"].pk) and fields["duration_ms"] >= 0
    line = json.loads(JsonFormatter().format(_filtered(record)))
    assert line["request_id"] == response["X-Request-ID"]
    assert (line["path"], line["status"], line["user_id"]) == ("/jobs/", 200, str(users["bq_clerk"].pk))
    settings.XXGK_ACCESS_LOG = False
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="xxgk.request"):
        client.get("/jobs/")
    assert not [r for r in caplog.records if r.name == "xxgk.request"]


def _filtered(record: logging.LogRecord) -> logging.LogRecord:
    RequestContextFilter().filter(record)
    return record


def test_json_lines_carry_the_context_and_the_traceback() -> None:
    rid = request_id_var.set("req-42")
    uid = user_id_var.set("7")
    try:
        try:
            raise ValueError("坏了")
        except ValueError:
            record = logging.getLogger("xxgk.test").makeRecord(
                "xxgk.test", logging.ERROR, __file__, 1, "处理 %s 失败", ("文件",), sys.exc_info(), extra={"job_id": 5}
            )
        line = JsonFormatter().format(_filtered(record))
    finally:
        user_id_var.reset(uid)
        request_id_var.reset(rid)
    doc = json.loads(line)
    assert (doc["level"], doc["logger"], doc["message"]) == ("ERROR", "xxgk.test", "处理 文件 失败")
    assert (doc["request_id"], doc["user_id"], doc["job_id"]) == ("req-42", "7", 5)
    assert "ValueError: 坏了" in doc["exc"] and doc["ts"].endswith("+00:00")
    assert "\n" not in line


def test_job_log_lines_carry_the_job_as_request_id(users: dict[str, User], org: dict[str, Any], caplog: Any) -> None:
    from xxgk.web.jobs.services import job_enqueue

    with caplog.at_level(logging.INFO, logger="xxgk.jobs"):
        job = job_enqueue(kind="selftest", params={"items": 1}, actor=users["bq_clerk"], body=org["baqiao"])
    started = next(r for r in caplog.records if r.name == "xxgk.jobs" and "started" in r.getMessage())
    _filtered(started)
    fields = started.__dict__
    assert fields["request_id"] == f"job-{job.pk}" and fields["job_id"] == job.pk
    assert fields["user_id"] == str(users["bq_clerk"].pk)
