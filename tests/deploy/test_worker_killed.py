"""A Celery worker killed (SIGKILL, the whole process group) in the middle of a job: the message was not
acknowledged, so Redis hands it to another worker, which takes the job over once the dead worker's heartbeat is
stale and finishes it: every item exactly once, the items done before the kill kept."""

from __future__ import annotations

import re
import signal
from collections import Counter

import pytest

from tests.deploy.conftest import Deployment, wait_ready, wait_until

pytestmark = pytest.mark.slow

ITEMS = 12


def test_a_killed_workers_job_is_redelivered_and_completes_once(deployment: Deployment) -> None:
    doomed = deployment.start_worker("doomed")
    wait_ready(doomed, r"ready\.", 60, deployment)
    out = deployment.manage("xxgk_jobs", "selftest", "--items", str(ITEMS), "--seconds", "0.4", "--wait", "0")
    found = re.search(r"自检任务 #(\d+)（运行方式：celery）", out)
    assert found, out
    job_id = int(found.group(1))

    def items_done() -> int:
        return int(deployment.sql("SELECT count(*) FROM jobs_jobitem WHERE job_id = %s", job_id)[0][0])

    wait_until("the first items", lambda: items_done() >= 3, 60, deployment)
    doomed.kill(signal.SIGKILL)  # the main process and its pool child: no acknowledgement, no clean-up
    doomed.popen.wait(timeout=10)
    before = items_done()
    assert before < ITEMS
    status, worker = deployment.sql("SELECT status, worker FROM jobs_job WHERE id = %s", job_id)[0]
    assert status == "running" and worker.startswith("doomed@")

    survivor = deployment.start_worker("survivor")
    wait_ready(survivor, r"ready\.", 60, deployment)

    wait_until(
        "the job to finish on the other worker",
        lambda: deployment.sql("SELECT status FROM jobs_job WHERE id = %s", job_id)[0][0] == "succeeded",
        90,
        deployment,
    )
    status, attempts, done, worker = deployment.sql(
        "SELECT status, attempts, done, worker FROM jobs_job WHERE id = %s", job_id
    )[0]
    assert (status, attempts, done) == ("succeeded", 2, ITEMS)
    assert worker.startswith("survivor@")
    items = deployment.sql("SELECT key, worker, attempt FROM jobs_jobitem WHERE job_id = %s ORDER BY key", job_id)
    assert [key for key, _, _ in items] == [f"{i:05d}" for i in range(ITEMS)]  # each item once, none lost
    by_worker = Counter(w.split("@")[0] for _, w, _ in items)
    assert by_worker["doomed"] >= before >= 3 and by_worker["survivor"] == ITEMS - by_worker["doomed"]
    assert {a for _, w, a in items if w.startswith("doomed@")} == {1}
    assert {a for _, w, a in items if w.startswith("survivor@")} == {2}
