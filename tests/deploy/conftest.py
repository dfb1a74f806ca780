"""Helpers of the deployment tests: a fresh PostgreSQL database, a dedicated Redis database and queue, and
gunicorn and Celery worker processes started as a real installation runs them (see docs/operations.md).

The tests skip when PostgreSQL (127.0.0.1:5432) or Redis (127.0.0.1:6379) does not answer, except under ``CI``,
where they fail: CI must run them.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PG_HOST, PG_PORT = "127.0.0.1", 5432
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
PG_ADMIN_URL = os.environ.get("XXGK_TEST_PG_URL", f"postgres://postgres@{PG_HOST}:{PG_PORT}/postgres")
#: Redis database used by these tests (queues are unique per run inside it).
REDIS_DB = 14
PASSWORD = "deploy-test-pass-123"
SECRET_KEY = "deploy-test-" + "k" * 50


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def require_services() -> None:
    missing = [
        name
        for name, host, port in (("PostgreSQL", PG_HOST, PG_PORT), ("Redis", REDIS_HOST, REDIS_PORT))
        if not _answers(host, port)
    ]
    if not missing:
        return
    message = f"{' and '.join(missing)} not reachable on 127.0.0.1"
    if os.environ.get("CI"):
        pytest.fail(f"{message}: CI must run the deployment tests")
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Proc:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path
    #: gunicorn stops gracefully on SIGTERM; a Celery worker stops at once on SIGQUIT (its work is done).
    stop_signal: int = signal.SIGTERM

    def tail(self, lines: int = 40) -> str:
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Signal the whole process group (gunicorn's or Celery's workers too)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, sig)


@dataclass
class Deployment:
    """One installation on this machine: its database, environment and processes."""

    workdir: Path
    database: str
    queue: str
    env: dict[str, str]
    procs: list[Proc] = field(default_factory=list)

    # -- processes ------------------------------------------------------------------------------------------
    def _start(self, name: str, argv: list[str], stop_signal: int = signal.SIGTERM) -> Proc:
        log = self.workdir / f"{name}.log"
        handle = log.open("wb")
        popen = subprocess.Popen(
            argv, cwd=REPO, env=self.env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
        )
        handle.close()
        proc = Proc(name, popen, log, stop_signal)
        self.procs.append(proc)
        return proc

    def manage(self, *args: str, timeout: float = 120) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if result.returncode != 0:
            raise AssertionError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def start_web(self, name: str) -> tuple[Proc, str]:
        port = free_port()
        proc = self._start(
            name,
            [
                str(BIN / "gunicorn"),
                "-c",
                "deploy/gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "xxgk.web.config.wsgi",
            ],
        )
        return proc, f"http://127.0.0.1:{port}"

    def start_worker(self, name: str) -> Proc:
        return self._start(
            name,
            [
                str(BIN / "celery"),
                "-A",
                "xxgk.web.config.celery",
                "worker",
                "--concurrency",
                "1",
                "-n",
                f"{name}@%h",
                "-Q",
                self.queue,
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel",
                "INFO",
            ],
            stop_signal=signal.SIGQUIT,
        )

    def prepare(self) -> None:
        """Collect the static files and add the clerk (one process: start-up time counts here)."""
        self.manage("shell", "-c", SEED.format(password=PASSWORD))

    def stop_all(self) -> None:
        """Stop every process at once (SIGTERM, then SIGKILL after a few seconds)."""
        for proc in self.procs:
            if proc.popen.poll() is None:
                proc.kill(proc.stop_signal)
        deadline = time.monotonic() + 5
        for proc in self.procs:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.popen.wait(timeout=max(0.1, deadline - time.monotonic()))
            proc.kill(signal.SIGKILL)  # whatever is left of the group (children of a dead parent too)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.popen.wait(timeout=5)

    def diagnostics(self) -> str:
        return "\n".join(f"== {p.name} (exit {p.popen.poll()})\n{p.tail()}" for p in self.procs)

    # -- database ---------------------------------------------------------------------------------------------
    def sql(self, query: str, *params: Any) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(self.env["DATABASE_URL"], autocommit=True) as conn:
            return list(conn.execute(query, params).fetchall())


def wait_until(what: str, check: Callable[[], bool], timeout: float, deployment: Deployment | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    extra = f"\n{deployment.diagnostics()}" if deployment is not None else ""
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}{extra}")


def wait_ready(proc: Proc, pattern: str, timeout: float, deployment: Deployment) -> None:
    regex = re.compile(pattern)

    def ready() -> bool:
        if proc.popen.poll() is not None:
            raise AssertionError(f"{proc.name} exited:\n{proc.tail()}")
        return bool(regex.search(proc.log.read_text(encoding="utf-8", errors="replace")))

    wait_until(f"{proc.name} to be ready", ready, timeout, deployment)


SEED = """
from django.contrib.auth.models import User
from django.core.management import call_command
from xxgk.web.tenancy.models import Body, BodyKind, MemberRole, Membership
call_command("collectstatic", "--noinput", "-v", "0")
town = Body.objects.create(name="测试镇人民政府", code="test-town", kind=BodyKind.TOWN)
user = User.objects.create_user(username="clerk", password={password!r}, email="clerk@example.org")
Membership.objects.create(user=user, body=town, role=MemberRole.CLERK)
print("seeded", town.pk)
"""


@pytest.fixture
def deployment(tmp_path: Path) -> Iterator[Deployment]:
    """A migrated database and an environment for the processes (call :meth:`Deployment.prepare` for the static
    files and the clerk ``clerk``); everything is removed afterwards (processes stopped, database dropped, the
    Redis keys of the queue deleted)."""
    require_services()
    import psycopg

    database = f"xxgk_deploy_test_{uuid.uuid4().hex[:12]}"
    queue = f"xxgk-test-{uuid.uuid4().hex[:12]}"
    broker = f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}"
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("XXGK_", "DATABASE_URL", "CELERY_", "DJANGO_"))}
    env = {
        **keep,
        "PYTHONUNBUFFERED": "1",
        "DATABASE_URL": f"{base}/{database}",
        "XXGK_SECRET_KEY": SECRET_KEY,
        "XXGK_DEBUG": "0",
        "XXGK_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "XXGK_VAR_DIR": str(tmp_path / "var"),
        "XXGK_STATIC_ROOT": str(tmp_path / "static"),
        "XXGK_MEDIA_ROOT": str(tmp_path / "media"),
        "XXGK_CELERY_BROKER_URL": broker,
        "XXGK_CELERY_QUEUE": queue,
        "XXGK_JOBS_EAGER": "0",
        "XXGK_LOG_FORMAT": "json",
        "XXGK_JOBS_HEARTBEAT_SECONDS": "1",
        "XXGK_JOBS_STALE_SECONDS": "4",
        "XXGK_CELERY_VISIBILITY_TIMEOUT": "5",
        "XXGK_EMAIL_HOST": "",
        "GUNICORN_ACCESS_LOG": "",
    }
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{database}"')
    deployment = Deployment(workdir=tmp_path, database=database, queue=queue, env=env)
    try:
        deployment.manage("migrate", "--noinput", "-v", "0")
        yield deployment
    finally:
        deployment.stop_all()
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        _redis_cleanup(broker, queue)


def _redis_cleanup(broker: str, queue: str) -> None:
    """Remove the queue's keys and its messages left unacknowledged (retries waiting for their time, a killed
    worker's message), so that no other consumer of this Redis database restores them later."""
    import redis

    client = redis.Redis.from_url(broker)
    try:
        for key in client.scan_iter(match=f"*{queue}*"):
            client.delete(key)
        for tag, raw in client.hgetall("unacked").items():
            with contextlib.suppress(ValueError, TypeError, IndexError, KeyError):
                message = json.loads(raw)[0]
                if message["properties"]["delivery_info"]["routing_key"] == queue:
                    client.hdel("unacked", tag)
                    client.zrem("unacked_index", tag)
    finally:
        client.close()


class Browser:
    """A person's browser against one or more servers: one cookie jar, CSRF tokens from the forms."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def open(
        self, url: str, data: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, Any, bytes]:
        request = urllib.request.Request(url, data=data, headers=headers or {})
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers, exc.read()

    def get(self, url: str) -> tuple[int, Any, bytes]:
        return self.open(url)

    def csrf(self, html: bytes) -> str:
        found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        assert found, "no CSRF token in the form"
        return found.group(1).decode()

    def login(self, base: str, username: str, password: str) -> None:
        status, _, html = self.get(f"{base}/accounts/login/")
        assert status == 200, html[:500]
        form = urllib.parse.urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": self.csrf(html)}
        ).encode()
        status, _, body = self.open(
            f"{base}/accounts/login/", form, {"Content-Type": "application/x-www-form-urlencoded"}
        )
        assert status == 200 and b"csrfmiddlewaretoken" in body, "login failed"
        assert any(c.name == "sessionid" for c in self.jar), "no session cookie after login"

    def post_multipart(
        self, url: str, fields: dict[str, str], files: list[tuple[str, str, bytes]]
    ) -> tuple[int, Any, bytes]:
        boundary = uuid.uuid4().hex
        parts: list[bytes] = []
        for name, value in fields.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        for name, filename, data in files:
            head = (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
            )
            parts.append(head.encode() + data + b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode())
        return self.open(url, b"".join(parts), {"Content-Type": f"multipart/form-data; boundary={boundary}"})

    def json(self, url: str) -> dict[str, Any]:
        status, _, body = self.get(url)
        assert status == 200, (url, status, body[:300])
        data: dict[str, Any] = json.loads(body)
        return data
