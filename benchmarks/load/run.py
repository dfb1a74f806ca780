"""Load benchmark: the pages people use most, under gunicorn on loopback, against a trivial view of the same server.

``python -m benchmarks.load.run --scale 1`` (see docs/performance.md §5):

1. uses the benchmark database ``xxgk_load`` when an earlier ``--keep`` run left one of the same scale and seed
   (applying the migrations written since), else generates it (:mod:`benchmarks.load.generate`: 500 bodies,
   1,000,000 applications and 200,000 proactive items at scale 1);
2. collects the static files and starts gunicorn on 127.0.0.1 (sync workers, one per core, ``--preload``,
   persistent database connections);
3. signs in through the login page as the 经办人 of the body with the most applications (and, for the
   supervisor's list, as the province's administrator) and keeps the session cookies;
4. for each page: checks it answers 200 with the expected content, warms it up, then drives it with ``wrk``
   (``--connections`` concurrent connections for ``--duration`` seconds; a Lua ``done`` hook reports p50/p90/p95/
   p99) — or, without wrk (or with ``--tool python``), a small threaded ``http.client`` load generator;
5. measures the trivial view ``/healthz/`` before every page and after the last one (``--trivial-duration``
   seconds each) and prints every page's throughput, latency and server CPU per request as ratios to the trivial
   runs just before and after it (the machine may be shared: pairing keeps both under the same load):
   ``req/s ratio`` = trivial req/s ÷ page req/s, ``p50 ratio`` = page p50 ÷ trivial p50, ``CPU ratio`` = page
   CPU ÷ trivial CPU per request (all "how many times slower"); the server CPU per request is read from /proc
   (gunicorn workers and their PostgreSQL backends); writes everything as JSON (``--json``);
6. stops gunicorn and drops the database unless ``--keep``.

With ``--indexes`` the pages are measured a second time after creating the indexes proposed in the report
(:data:`PROPOSED_INDEXES`, none at present: the migrations make them) in the benchmark database only. ``--only TEXT``
measures only the pages whose name contains ``TEXT`` (with the trivial view before and after each), for iterating.
"""

from __future__ import annotations

import argparse
import contextlib
import html
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from benchmarks.load.common import (
    PASSWORD,
    Meta,
    database_drop,
    database_url,
    is_postgres,
    libpq_url,
    meta_read,
)

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
WORK_DIR = Path(tempfile.gettempdir()) / "xxgk-load"
HOST = "127.0.0.1"
TRIVIAL = "trivial view /healthz/"

#: Indexes proposed for the pages' queries at this scale but not (yet) made by the migrations: created with
#: ``--indexes`` in the benchmark database only, to measure what they would bring. name -> (table, columns). Empty:
#: the three proposed in the first report (``case_body_registered_idx``, ``case_registered_idx``,
#: ``case_report_idx``) are made by ``cases/0006``. A name here must never be one the migrations make (the first
#: phase drops these to measure the migrations' schema).
PROPOSED_INDEXES: dict[str, tuple[str, str]] = {}

WRK_SCRIPT = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'XXGK-JSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"min":%d,"mean":%.1f,"max":%d,"p50":%d,"p90":%d,"p95":%d,"p99":%d}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.min, latency.mean, latency.max,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99)))
end
"""


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    session: str  # "" (anonymous), "handler" or "supervisor"
    expect: str  # a text the page must contain (checked before and after the run)


@dataclass
class Result:
    name: str
    path: str
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p90_ms: float
    p95_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float
    errors: int
    bytes_per_response: int
    phase: str = ""
    app_cpu_ms: float = 0.0  # CPU of the gunicorn workers per request
    db_cpu_ms: float = 0.0  # CPU of their PostgreSQL backends per request
    trivial_rps: float = 0.0  # the trivial view measured just before and after this page (mean)
    ratio_rps: float = 0.0
    ratio_p50: float = 0.0
    ratio_cpu: float = 0.0

    @property
    def cpu_ms(self) -> float:
        return self.app_cpu_ms + self.db_cpu_ms


@dataclass
class Run:
    started: str
    machine: dict[str, Any]
    meta: dict[str, Any]
    settings: dict[str, Any]
    results: list[Result] = field(default_factory=list)
    trivial: list[Result] = field(default_factory=list)  # every trivial run, in order
    notes: list[str] = field(default_factory=list)


# -- the server ---------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def server_env(url: str, static_root: Path, conn_max_age: int) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("XXGK_DEBUG", "XXGK_HTTPS", "XXGK_BEHIND_PROXY", "XXGK_CELERY_BROKER_URL", "CELERY_BROKER_URL"):
        env.pop(name, None)
    env.update(
        {
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "xxgk.web.config.settings",
            "XXGK_SECRET_KEY": env.get("XXGK_SECRET_KEY", "xxgk-load-benchmark-only"),
            "XXGK_ALLOWED_HOSTS": f"{HOST},localhost",
            "XXGK_STATIC_ROOT": str(static_root),
            "XXGK_CONN_MAX_AGE": str(conn_max_age),
            "XXGK_LOG_LEVEL": "WARNING",
            "XXGK_ACCESS_LOG": "0",
            "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT / "src"), env.get("PYTHONPATH", "")) if p),
        }
    )
    return env


def collectstatic(env: dict[str, str]) -> None:
    subprocess.run(
        [str(VENV_BIN / "python"), str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v", "0"],
        env=env,
        check=True,
        cwd=ROOT,
    )


@contextlib.contextmanager
def gunicorn(env: dict[str, str], *, workers: int, port: int, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """gunicorn serving the application on ``HOST:port`` until the block ends (SIGTERM to our own process)."""
    command = [
        str(VENV_BIN / "gunicorn"),
        "xxgk.web.config.wsgi:application",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--preload",
        "--timeout",
        "120",
        "--error-logfile",
        str(log),
        "--log-level",
        "warning",
    ]
    with log.open("ab") as out:
        proc = subprocess.Popen(command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise SystemExit(f"gunicorn exited with {proc.returncode}; see {log}")
            try:
                if fetch(port, "/healthz/", {}).status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not answer /healthz/ within 60 s; see {log}")
            time.sleep(0.3)
        yield proc
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# -- HTTP ---------------------------------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    body: str
    cookies: dict[str, str]
    location: str


def fetch(port: int, path: str, cookies: dict[str, str], *, form: dict[str, str] | None = None) -> Reply:
    conn = http.client.HTTPConnection(HOST, port, timeout=120)
    headers = {"Host": f"{HOST}:{port}"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    body = None
    if form is not None:
        body = urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Referer"] = f"http://{HOST}:{port}{path}"
    try:
        conn.request("POST" if form is not None else "GET", path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read().decode("utf-8", "replace")
        jar: dict[str, str] = {}
        for header in response.headers.get_all("Set-Cookie") or []:
            parsed = SimpleCookie()
            parsed.load(header)
            jar.update({k: m.value for k, m in parsed.items()})
        return Reply(response.status, data, jar, response.getheader("Location") or "")
    finally:
        conn.close()


def login(port: int, username: str) -> dict[str, str]:
    """Sign in through the login page; the session and CSRF cookies."""
    page = fetch(port, "/accounts/login/", {})
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
    if page.status != 200 or match is None:
        raise SystemExit(f"login page: status {page.status}, no CSRF token")
    cookies = dict(page.cookies)
    form = {"csrfmiddlewaretoken": match.group(1), "username": username, "password": PASSWORD}
    reply = fetch(port, "/accounts/login/", cookies, form=form)
    cookies.update(reply.cookies)
    if reply.status != 302 or "sessionid" not in cookies:
        raise SystemExit(f"sign-in of {username} failed: status {reply.status}")
    return cookies


# -- load generators ----------------------------------------------------------------------------------


def run_wrk(
    port: int, path: str, cookies: dict[str, str], args: argparse.Namespace, *, script: Path, duration: int
) -> dict[str, Any]:
    command = [
        "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{duration}s",
        "--timeout",
        "60s",
        "-s",
        str(script),
    ]
    if cookies:
        command += ["-H", "Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items())]
    command.append(f"http://{HOST}:{port}{path}")
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next((x for x in out.splitlines() if x.startswith("XXGK-JSON ")), None)
    if line is None:
        raise SystemExit(f"wrk printed no summary:\n{out}")
    data: dict[str, Any] = json.loads(line.removeprefix("XXGK-JSON "))
    return data


def run_python(
    port: int, path: str, cookies: dict[str, str], args: argparse.Namespace, duration: int
) -> dict[str, Any]:
    """A small closed-loop load generator (``--connections`` threads, one request at a time each, a new
    connection per request as gunicorn's sync workers close them), in the same format as the wrk hook."""
    stop = time.monotonic() + duration
    latencies: list[float] = []
    errors = 0
    size = 0
    lock = threading.Lock()

    def worker() -> None:
        nonlocal errors, size
        while time.monotonic() < stop:
            start = time.perf_counter()
            try:
                reply = fetch(port, path, cookies)
                ok = reply.status < 400
                n = len(reply.body.encode())
            except OSError:
                ok, n = False, 0
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)
                errors += 0 if ok else 1
                size += n

    began = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(args.connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    ordered = sorted(latencies) or [0.0]

    def pct(p: float) -> int:
        return round(ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1e6)

    return {
        "requests": len(latencies),
        "duration_us": round(elapsed * 1e6),
        "bytes": size,
        "errors": {"connect": 0, "read": 0, "write": 0, "status": errors, "timeout": 0},
        "latency_us": {
            "min": round(ordered[0] * 1e6),
            "mean": statistics.fmean(ordered) * 1e6,
            "max": round(ordered[-1] * 1e6),
            "p50": pct(50),
            "p90": pct(90),
            "p95": pct(95),
            "p99": pct(99),
        },
    }


# -- server CPU per request ------------------------------------------------------------------------------
#
# On a shared machine the throughput of a page and of the trivial view vary with what else runs; the CPU time the
# server spends per request does much less. It is read from /proc: the gunicorn workers (children of the master)
# and the PostgreSQL backends serving the benchmark database (persistent connections, see --conn-max-age).

_TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rfind(")") + 2 :].split()  # fields from the 3rd (state) on


def _cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        fields = _stat(pid)
        if fields is not None:
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / _TICK


def _children(parent: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields is not None and int(fields[1]) == parent:
                out.append(int(entry.name))
    return out


@dataclass
class Server:
    """What the CPU accounting needs: gunicorn's master pid and the benchmark database's URL."""

    master: int
    url: str

    def pids(self) -> tuple[list[int], list[int]]:
        import psycopg

        with psycopg.connect(libpq_url(self.url), autocommit=True) as conn:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).fetchall()
        return _children(self.master), [int(r[0]) for r in rows]


def measure(
    server: Server,
    page: Page,
    cookies: dict[str, str],
    args: argparse.Namespace,
    *,
    port: int,
    script: Path,
    phase: str,
    duration: int,
) -> Result:
    check(port, page, cookies)  # the first warm-up request
    started = time.monotonic()
    for _ in range(args.warmup - 1):
        if time.monotonic() - started > 10:  # slow pages: enough
            break
        fetch(port, page.path, cookies)
    workers, backends = server.pids()
    app_before, db_before = _cpu_seconds(workers), _cpu_seconds(backends)
    if args.tool == "wrk":
        data = run_wrk(port, page.path, cookies, args, script=script, duration=duration)
    else:
        data = run_python(port, page.path, cookies, args, duration)
    app_cpu, db_cpu = _cpu_seconds(workers) - app_before, _cpu_seconds(backends) - db_before
    check(port, page, cookies)
    lat = data["latency_us"]
    seconds = data["duration_us"] / 1e6
    errors = sum(data["errors"].values())
    result = Result(
        name=page.name,
        path=page.path,
        requests=int(data["requests"]),
        seconds=round(seconds, 2),
        rps=data["requests"] / seconds if seconds else 0.0,
        p50_ms=lat["p50"] / 1e3,
        p90_ms=lat["p90"] / 1e3,
        p95_ms=lat["p95"] / 1e3,
        p99_ms=lat["p99"] / 1e3,
        mean_ms=lat["mean"] / 1e3,
        max_ms=lat["max"] / 1e3,
        errors=errors,
        bytes_per_response=round(data["bytes"] / max(1, data["requests"])),
        phase=phase,
        app_cpu_ms=app_cpu * 1e3 / max(1, data["requests"]),
        db_cpu_ms=db_cpu * 1e3 / max(1, data["requests"]),
    )
    print(
        f"  {page.name:<48} {result.rps:8.1f} req/s  p50 {result.p50_ms:8.1f} ms  p95 {result.p95_ms:8.1f} ms"
        f"  p99 {result.p99_ms:8.1f} ms  CPU {result.app_cpu_ms:6.1f} + {result.db_cpu_ms:6.1f} ms  errors {errors}",
        file=sys.stderr,
        flush=True,
    )
    return result


def check(port: int, page: Page, cookies: dict[str, str]) -> None:
    reply = fetch(port, page.path, cookies)
    if reply.status != 200:
        raise SystemExit(f"{page.path}: status {reply.status} {reply.location}")
    if page.expect and page.expect not in html.unescape(reply.body):
        raise SystemExit(f"{page.path}: the page does not show {page.expect!r}")


def pages(meta: Meta, supervisor: bool) -> list[Page]:
    body, year = meta.handler_body_id, meta.report_year
    term = quote(meta.search_term)
    out = [
        Page("work list /cases/ (handler of the largest body)", "/cases/", "handler", "经办人"),
        Page("case page /cases/<id>/", f"/cases/{meta.case_id}/", "handler", "办理记录"),
        Page("public catalogue /open/<code>/catalogue/", f"/open/{meta.catalogue_code}/catalogue/", "", "索引号"),
        Page(
            f"public catalogue, search ?q={meta.search_term}",
            f"/open/{meta.catalogue_code}/catalogue/?q={term}",
            "",
            meta.search_term,
        ),
        Page(
            f"report drill-down {meta.report_cell}",
            f"/reports/{body}/{year}/cells/{meta.report_cell}/",
            "handler",
            "",
        ),
        Page("computed report /reports/<body>/<year>/computed/", f"/reports/{body}/{year}/computed/", "handler", ""),
    ]
    if supervisor:
        out.append(Page("work list /cases/ (province supervisor: all bodies)", "/cases/", "supervisor", "经办人"))
    return out


# -- reporting ----------------------------------------------------------------------------------------


def with_ratios(result: Result, trivial: list[Result]) -> None:
    """The ratios of ``result`` to the trivial runs measured just before and after it."""
    rps = statistics.fmean(t.rps for t in trivial)
    p50 = statistics.fmean(t.p50_ms for t in trivial)
    cpu = statistics.fmean(t.cpu_ms for t in trivial)
    result.trivial_rps = rps
    result.ratio_rps = rps / result.rps if result.rps else float("inf")
    result.ratio_p50 = result.p50_ms / p50 if p50 else float("inf")
    result.ratio_cpu = result.cpu_ms / cpu if cpu else float("inf")


def trivial_summary(runs: list[Result]) -> Result:
    """All the trivial runs of a phase as one row (totals; medians of the rates and percentiles)."""
    requests = sum(r.requests for r in runs)
    seconds = sum(r.seconds for r in runs)

    def median(name: str) -> float:
        return float(statistics.median(getattr(r, name) for r in runs))

    row = Result(
        name=f"{TRIVIAL} ({len(runs)} runs: median)",
        path="/healthz/",
        requests=requests,
        seconds=round(seconds, 2),
        rps=median("rps"),
        p50_ms=median("p50_ms"),
        p90_ms=median("p90_ms"),
        p95_ms=median("p95_ms"),
        p99_ms=median("p99_ms"),
        mean_ms=median("mean_ms"),
        max_ms=max(r.max_ms for r in runs),
        errors=sum(r.errors for r in runs),
        bytes_per_response=runs[0].bytes_per_response,
        phase=runs[0].phase,
        app_cpu_ms=median("app_cpu_ms"),
        db_cpu_ms=median("db_cpu_ms"),
    )
    with_ratios(row, runs)
    row.trivial_rps = row.rps
    return row


def table(results: list[Result]) -> str:
    lines = [
        "| page | requests | req/s | p50 (ms) | p95 (ms) | p99 (ms) | server CPU/request (ms): app + db "
        "| trivial req/s (paired) | req/s ratio | p50 ratio | CPU ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    phase = ""
    for r in results:
        if r.phase != phase:
            phase = r.phase
            lines.append(f"| **{phase}** | | | | | | | | | | |")
        lines.append(
            f"| {r.name} | {r.requests:,} | {r.rps:,.1f} | {r.p50_ms:,.1f} | {r.p95_ms:,.1f} | {r.p99_ms:,.1f} | "
            f"{r.app_cpu_ms:,.1f} + {r.db_cpu_ms:,.1f} | {r.trivial_rps:,.0f} | {r.ratio_rps:,.2f}× | "
            f"{r.ratio_p50:,.2f}× | {r.ratio_cpu:,.2f}× |"
        )
    return "\n".join(lines)


def machine_info(url: str) -> dict[str, Any]:
    import django
    import psycopg

    with psycopg.connect(libpq_url(url)) as conn:
        row = conn.execute("SHOW server_version").fetchone()
        buffers = conn.execute("SHOW shared_buffers").fetchone()
    cpu = ""
    with contextlib.suppress(OSError):
        cpu = next(
            (
                ln.split(":", 1)[1].strip()
                for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if "model name" in ln
            ),
            "",
        )
    wrk = ""
    if shutil.which("wrk"):
        probe = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
        wrk = (probe.stdout or probe.stderr).split("\n")[0].strip()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgresql": row[0] if row else "?",
        "shared_buffers": buffers[0] if buffers else "?",
        "wrk": wrk,
        "load_average_before": os.getloadavg(),
    }


def create_indexes(url: str) -> list[str]:
    import psycopg

    made = []
    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        for name, (tbl, cols) in PROPOSED_INDEXES.items():
            conn.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {tbl} ({cols})")
            made.append(f"{name} ON {tbl} ({cols})")
        conn.execute("ANALYZE")
    return made


def drop_indexes(url: str) -> None:
    import psycopg

    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        for name in PROPOSED_INDEXES:
            conn.execute(f"DROP INDEX IF EXISTS {name}")
        conn.execute("ANALYZE")


# -- main ---------------------------------------------------------------------------------------------


def migrate(url: str) -> None:
    """Apply the migrations written since the database was generated (new indexes, new columns)."""
    env = dict(
        os.environ, DATABASE_URL=url, XXGK_SECRET_KEY=os.environ.get("XXGK_SECRET_KEY", "xxgk-load-benchmark-only")
    )
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT / "src"), env.get("PYTHONPATH", "")) if p)
    subprocess.run(
        [str(VENV_BIN / "python"), str(ROOT / "manage.py"), "migrate", "--noinput", "-v", "0"],
        env=env,
        check=True,
        cwd=ROOT,
    )


def ensure_data(url: str, args: argparse.Namespace) -> Meta:
    meta = meta_read(url)
    wanted = meta is not None and meta.scale == args.scale and meta.seed == args.seed and meta.bodies == args.bodies
    if meta is not None and wanted and not args.regenerate:
        print(f"reusing {url} ({meta.cases:,} applications, generated {meta.created}); migrating", file=sys.stderr)
        migrate(url)
        return meta
    command = [
        str(VENV_BIN / "python"),
        "-m",
        "benchmarks.load.generate",
        "--scale",
        str(args.scale),
        "--seed",
        str(args.seed),
        "--bodies",
        str(args.bodies),
        "--database-url",
        url,
    ]
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    generated = meta_read(url)
    if generated is None:
        raise SystemExit("generation left no metadata")
    return generated


def main(argv: list[str] | None = None) -> None:
    doc = __doc__ or ""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load.run", description=doc.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="dataset scale (1.0: 1,000,000 applications)")
    parser.add_argument("--bodies", type=int, default=500)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database", default="xxgk_load")
    parser.add_argument("--database-url", default="", help="PostgreSQL URL instead of the local xxgk_load")
    parser.add_argument("--regenerate", action="store_true", help="generate even if a matching database exists")
    parser.add_argument("--keep", action="store_true", help="keep the database for a later run")
    parser.add_argument("--duration", type=int, default=20, help="seconds per page")
    parser.add_argument("--trivial-duration", type=int, default=5, help="seconds of each trivial run")
    parser.add_argument("--connections", type=int, default=4, help="concurrent connections")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--warmup", type=int, default=3, help="requests per page before measuring")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="gunicorn workers (default: cores)")
    parser.add_argument("--conn-max-age", type=int, default=600, help="XXGK_CONN_MAX_AGE of the server")
    parser.add_argument("--tool", choices=("wrk", "python"), default="wrk" if shutil.which("wrk") else "python")
    parser.add_argument("--no-supervisor", action="store_true", help="skip the province supervisor's work list")
    parser.add_argument("--indexes", action="store_true", help="measure again with PROPOSED_INDEXES created")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="TEXT",
        help="measure only the pages whose name contains TEXT (repeatable; for iterating on one page)",
    )
    parser.add_argument("--json", type=Path, default=None, help="where to write the results (JSON)")
    args = parser.parse_args(argv)

    url = database_url(args.database_url, args.database)
    if not is_postgres(url):
        raise SystemExit("the load benchmark needs PostgreSQL")
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    try:
        run(url, args)
    finally:
        if not args.keep:
            database_drop(url)
            print(f"dropped {url} (use --keep to keep it)", file=sys.stderr)


def run(url: str, args: argparse.Namespace) -> None:
    meta = ensure_data(url, args)
    drop_indexes(url)  # measure the schema the migrations make first
    env = server_env(url, WORK_DIR / "static", args.conn_max_age)
    collectstatic(env)
    script = WORK_DIR / "summary.lua"
    script.write_text(WRK_SCRIPT)
    port = free_port()
    record = Run(
        started=time.strftime("%Y-%m-%d %H:%M:%S %z"),
        machine=machine_info(url),
        meta=asdict(meta),
        settings={
            "tool": args.tool,
            "duration_s": args.duration,
            "trivial_duration_s": args.trivial_duration,
            "connections": args.connections,
            "threads": args.threads,
            "workers": args.workers,
            "worker_class": "sync",
            "preload": True,
            "conn_max_age": args.conn_max_age,
        },
    )
    if args.indexes and not PROPOSED_INDEXES:
        print("--indexes: no index is proposed beyond the migrations' (PROPOSED_INDEXES is empty)", file=sys.stderr)
    phases = ["migrations' indexes"] + (["with proposed indexes"] if args.indexes and PROPOSED_INDEXES else [])
    for phase in phases:
        if phase != phases[0]:
            record.notes += [f"created: {x}" for x in create_indexes(url)]
        with gunicorn(env, workers=args.workers, port=port, log=WORK_DIR / "gunicorn.log") as proc:
            server = Server(master=proc.pid, url=url)
            sessions = {"": {}, "handler": login(port, meta.handler)}
            if not args.no_supervisor:
                sessions["supervisor"] = login(port, "prov-admin")
            print(f"{phase}: {args.tool}, {args.connections} connections, {args.duration} s per page", file=sys.stderr)
            trivial_page = Page(TRIVIAL, "/healthz/", "", '"ok"')
            common: dict[str, Any] = {"port": port, "script": script, "phase": phase}
            trivial_runs: list[Result] = []
            results: list[Result] = []
            chosen = [
                p for p in pages(meta, not args.no_supervisor) if not args.only or any(t in p.name for t in args.only)
            ]
            if not chosen:
                raise SystemExit(f"no page matches --only {args.only}")
            for page in chosen:
                trivial_runs.append(measure(server, trivial_page, {}, args, duration=args.trivial_duration, **common))
                results.append(measure(server, page, sessions[page.session], args, duration=args.duration, **common))
            trivial_runs.append(measure(server, trivial_page, {}, args, duration=args.trivial_duration, **common))
            for i, result in enumerate(results):
                with_ratios(result, trivial_runs[i : i + 2])
            record.trivial += trivial_runs
            record.results += [trivial_summary(trivial_runs), *results]
    record.machine["load_average_after"] = os.getloadavg()
    out = args.json or WORK_DIR / f"results-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(asdict(record), ensure_ascii=False, indent=1))
    m = record.machine
    print(
        f"\n{m['cpu']} ({m['cores']} cores, {m['memory_gib']} GiB), Python {m['python']}, Django {m['django']}, "
        f"PostgreSQL {m['postgresql']} (shared_buffers {m['shared_buffers']}), {m['wrk'] or args.tool}; "
        f"load average before {m['load_average_before'][0]:.2f}, after {m['load_average_after'][0]:.2f}"
    )
    print(
        f"data: {meta.bodies} bodies, {meta.users:,} users, {meta.cases:,} applications ({meta.events:,} events), "
        f"{meta.items:,} proactive items (scale {meta.scale}); handler {meta.handler} of a body with "
        f"{meta.handler_body_cases:,} applications; catalogue of {meta.catalogue_code} ({meta.catalogue_items:,} "
        f"published items)"
    )
    print(
        f"gunicorn: {args.workers} sync workers, --preload, CONN_MAX_AGE {args.conn_max_age}; {args.tool}: "
        f"{args.connections} connections, {args.duration} s per page\n"
    )
    print(table(record.results))
    for phase in phases:
        work = next(
            (r for r in record.results if r.phase == phase and r.name.startswith("work list /cases/ (handler")), None
        )
        if work is None:
            continue
        verdict = "met" if work.ratio_rps <= 5 else "NOT met"
        print(
            f"\n{phase}: work list at {work.ratio_rps:.2f}× the trivial view's req/s (target ≤ 5×: {verdict}); "
            f"{work.ratio_cpu:.1f}× its server CPU per request"
        )
    for note in record.notes:
        print(f"note: {note}")
    print(f"\nresults written to {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
