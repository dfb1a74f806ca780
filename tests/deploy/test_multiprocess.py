"""Two application servers (gunicorn) and two Celery workers against one PostgreSQL database and one Redis: jobs
submitted through both servers are shared by both workers, and every job runs exactly once, nothing lost."""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from functools import partial

import pytest

from tests.conftest import PUBLISHED
from tests.deploy.conftest import PASSWORD, Browser, Deployment, wait_ready, wait_until

pytestmark = pytest.mark.slow

JOBS = 20
FILES = [
    ("八桥镇2020.txt", (PUBLISHED / "cq-dadukou-baqiao-2020.txt").read_bytes()),
    ("平潭公安2019.html", (PUBLISHED / "pingtan-gaj-2019.html").read_bytes()),
]


def _answers_ready(browser: Browser, base: str) -> bool:
    return browser.get(f"{base}/readyz/")[0] == 200


def _submit(browser: Browser, base: str, body_id: str, token: str | None = None) -> tuple[int, str]:
    status, _, html = browser.get(f"{base}/jobs/batch-check/new/")
    assert status == 200, html[:500]
    found = re.search(rb'name="submission" value="([0-9a-f]+)"', html)
    assert found
    fields = {
        "csrfmiddlewaretoken": browser.csrf(html),
        "body": body_id,
        "submission": token or found.group(1).decode(),
    }
    status, _headers, page = browser.post_multipart(
        f"{base}/jobs/batch-check/new/", fields, [("reports", name, data) for name, data in FILES]
    )
    assert status == 200, page[:800]
    job = re.search(rb"/jobs/(\d+)/progress\.json|<small>#(\d+)</small>", page)
    assert job, page[:800]
    return int(job.group(1) or job.group(2)), fields["submission"]


def test_two_servers_and_two_workers_share_the_work_and_run_each_job_once(deployment: Deployment) -> None:
    started = time.monotonic()
    workers = [deployment.start_worker(f"worker{i}") for i in (1, 2)]  # they boot while the rest is prepared
    deployment.prepare()
    webs = [deployment.start_web(f"web{i}") for i in (1, 2)]
    for proc, _ in webs:
        wait_ready(proc, r"Booting worker", 30, deployment)
    for worker in workers:
        wait_ready(worker, r"ready\.", 60, deployment)
    bases = [base for _, base in webs]
    browser = Browser()
    for base in bases:
        wait_until(f"{base}/readyz/", partial(_answers_ready, browser, base), 30, deployment)
        ready = browser.json(f"{base}/readyz/")
        assert ready["checks"]["broker"]["ok"] and ready["checks"]["static"]["ok"]
    browser.login(bases[0], "clerk", PASSWORD)  # one login: the session is in the database, both servers know it
    (body_id,) = deployment.sql("SELECT id FROM tenancy_body WHERE code = 'test-town'")[0]

    submitted: list[tuple[int, str, str]] = []
    first_submit = time.monotonic()
    for n in range(JOBS):
        base = bases[n % 2]
        job_id, token = _submit(browser, base, str(body_id))
        submitted.append((job_id, token, base))
    # the same form sent again to the other server (a resend after a time-out): the same job, not a new one
    again, _ = _submit(browser, bases[1], str(body_id), token=submitted[0][1])
    assert again == submitted[0][0]
    ids = [job_id for job_id, _, _ in submitted]
    assert len(set(ids)) == JOBS

    def all_finished() -> bool:
        rows = deployment.sql("SELECT count(*) FROM jobs_job WHERE status IN ('succeeded', 'failed', 'cancelled')")
        return int(rows[0][0]) >= JOBS

    submit_seconds = time.monotonic() - first_submit
    wait_until("every job to finish", all_finished, 90, deployment)
    done_seconds = time.monotonic() - first_submit
    # progress as each server reports it: the job's state is in the database, any server answers for any job
    for job_id, _, base in submitted:
        other = bases[1] if base == bases[0] else bases[0]
        progress = browser.json(f"{other}/jobs/{job_id}/progress.json")
        assert progress["status"] == "succeeded" and progress["done"] == len(FILES) == progress["total"]

    jobs = deployment.sql("SELECT id, status, attempts, worker, done FROM jobs_job ORDER BY id")
    assert len(jobs) == JOBS  # nothing added
    assert {j[0] for j in jobs} == set(ids)
    assert all(status == "succeeded" and attempts == 1 and done == len(FILES) for _, status, attempts, _, done in jobs)
    per_worker = Counter(worker.split("@")[0] for *_, worker, _ in jobs)
    assert set(per_worker) == {"worker1", "worker2"}, per_worker  # both did some of the work
    items = deployment.sql(
        "SELECT i.job_id, i.key, i.worker, i.attempt, j.worker FROM jobs_jobitem i JOIN jobs_job j ON j.id = i.job_id"
    )
    assert len(items) == JOBS * len(FILES)
    assert len({(job_id, key) for job_id, key, *_ in items}) == len(items)  # no item twice
    assert all(worker == job_worker and attempt == 1 for _, _, worker, attempt, job_worker in items)
    summaries = deployment.sql("SELECT count(*) FROM jobs_jobfile WHERE role = 'output' AND name = 'summary.xlsx'")
    assert summaries[0][0] == JOBS

    # both servers answered, and logged each request as a JSON line with its request id
    for proc, _ in webs:
        lines = [json.loads(line) for line in proc.log.read_text(encoding="utf-8").splitlines() if line.startswith("{")]
        uploads = [r for r in lines if r.get("path") == "/jobs/batch-check/new/" and r.get("method") == "POST"]
        assert len(uploads) >= JOBS // 2, proc.name
        assert all(len(r["request_id"]) == 32 and r["user_id"] for r in uploads)
    # the workers' log lines name the job they ran
    ran = [
        json.loads(line)
        for worker in workers
        for line in worker.log.read_text(encoding="utf-8").splitlines()
        if line.startswith("{") and "succeeded" in line
    ]
    assert sorted(r["job_id"] for r in ran if r.get("logger") == "xxgk.jobs") == sorted(ids)
    print(  # shown with -s: the figures of docs/operations.md
        f"\ndeploy-test: {JOBS} jobs x {len(FILES)} reports through 2 servers; submitted in {submit_seconds:.1f} s, "
        f"all done {done_seconds:.1f} s after the first submission; per worker {dict(per_worker)}; "
        f"processes up to last check {time.monotonic() - started:.1f} s"
    )
    assert time.monotonic() - started < 120
