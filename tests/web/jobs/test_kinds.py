"""The job kinds: batch check (per-file results, summary workbook), report rendering, deadline recomputation
after a calendar change, the digest; each rerun after a crash adds nothing twice."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from openpyxl import load_workbook

from tests.conftest import PUBLISHED
from tests.web.conftest import registration
from tests.web.jobs.conftest import Enqueue, result_of
from xxgk.batch.check import CheckOptions, check_loaded
from xxgk.batch.load import load_bytes
from xxgk.core.calendar import DayKind, add_working_days
from xxgk.web.audit.codes import AuditCode
from xxgk.web.audit.models import AuditEvent
from xxgk.web.cases.digest import DigestResult
from xxgk.web.cases.services import case_register
from xxgk.web.jobs.kinds import SUMMARY_NAME, outcome_from_json, outcome_to_json
from xxgk.web.jobs.models import FileRole, Job, JobFile, JobStatus
from xxgk.web.jobs.runner import run_job
from xxgk.web.jobs.services import JobInput
from xxgk.web.tenancy.models import Body
from xxgk.web.workcalendar.selectors import calendar_get
from xxgk.web.workcalendar.services import calendar_day_save

pytestmark = pytest.mark.django_db

BAQIAO = PUBLISHED / "cq-dadukou-baqiao-2020.txt"
GAJ = PUBLISHED / "pingtan-gaj-2019.html"
HTP = PUBLISHED / "pingtan-htp-2021.html"


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _inputs() -> list[JobInput]:
    archive = _zip(
        {
            "平潭/htp.html": HTP.read_bytes(),
            "平潭/gaj.html": GAJ.read_bytes(),
            "图片.png": b"\x89PNG",
            "inner.zip": _zip({"a.txt": b"x"}),
        }
    )
    return [
        JobInput("八桥镇2020.txt", BAQIAO.read_bytes(), "text/plain"),
        JobInput("平潭.zip", archive, "application/zip"),
        JobInput("坏文件.pdf", b"%PDF-1.4 this is not really a pdf", "application/pdf"),
    ]


def test_batch_check_records_each_report_and_builds_the_summary(enqueue: Enqueue) -> None:
    job = enqueue(kind="batch_check", params={}, inputs=_inputs())
    assert job.status == JobStatus.SUCCEEDED, job.error_detail
    items = list(job.items.order_by("position"))
    assert [i.label for i in items] == [
        "八桥镇2020.txt",
        "平潭.zip!/inner.zip",
        "平潭.zip!/平潭/gaj.html",
        "平潭.zip!/平潭/htp.html",
        "坏文件.pdf",
    ]
    assert [i.ok for i in items] == [True, False, True, True, False]
    assert "压缩包中的压缩包" in result_of(items[1])["error"]
    # the stored result is what the batch engine says about the same bytes
    loaded = load_bytes(BAQIAO.read_bytes(), "八桥镇2020.txt")
    assert loaded.report is not None
    direct = check_loaded(loaded, CheckOptions())
    first = result_of(items[0])
    assert first["cells"] == loaded.report.to_dict()["cells"]
    assert (first["body"], first["year"], first["template"]) == (direct.body, direct.year, direct.template)
    assert [f["code"] for f in first["findings"]] == [f.code for f in direct.findings]
    expected = json.loads(BAQIAO.with_name("cq-dadukou-baqiao-2020.expected.json").read_text(encoding="utf-8"))
    assert first["body"] == expected["body"] and first["year"] == expected["year"]
    assert job.result is not None
    assert (result_of(job)["reports"], result_of(job)["readable"], result_of(job)["unreadable"]) == (5, 3, 2)
    # the summary workbook: one row per report, every finding on the second sheet
    (summary,) = JobFile.objects.filter(job=job, role=FileRole.OUTPUT)
    assert summary.name == SUMMARY_NAME and result_of(job)["summary_file"] == summary.pk
    book = load_workbook(io.BytesIO(bytes(summary.data)), read_only=True)
    rows = list(book["报告"].iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in rows] == [i.label for i in items]
    assert [r[10] for r in rows] == [result_of(i)["status"] for i in items]
    findings = list(book["问题"].iter_rows(min_row=2, values_only=True))
    assert len(findings) == sum(len(result_of(i)["findings"]) for i in items)


def test_a_batch_check_rerun_after_a_crash_checks_only_what_is_left(enqueue: Enqueue, settings: Any) -> None:
    job = enqueue(kind="batch_check", params={}, inputs=_inputs())
    before = {i.key: i.pk for i in job.items.all()}
    # as if the worker had died after three files: the last two items and the summary are missing
    for item in job.items.order_by("-position")[:2]:
        item.delete()
    JobFile.objects.filter(job=job, role=FileRole.OUTPUT).delete()
    Job.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED, done=3, result=None)
    run_job(job.pk, worker="second")
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.done == 5
    after = {i.key: (i.pk, i.worker) for i in job.items.all()}
    assert set(after) == set(before)
    kept = [k for k, (pk, _) in after.items() if before[k] == pk]
    assert len(kept) == 3 and all(after[k][1] != "second" for k in kept)
    assert sorted(w for _, w in after.values()).count("second") == 2
    assert JobFile.objects.filter(job=job, role=FileRole.OUTPUT).count() == 1


def test_outcomes_survive_the_round_trip_through_json() -> None:
    loaded = load_bytes(BAQIAO.read_bytes(), "x.txt")
    outcome = check_loaded(loaded, CheckOptions())
    doc = json.loads(json.dumps(outcome_to_json(outcome)))
    again = outcome_from_json(doc)
    assert again == outcome
    assert [f.source for f in again.findings] == [f.source for f in outcome.findings]


def test_batch_check_without_files_fails_clearly(enqueue: Enqueue) -> None:
    job = enqueue(kind="batch_check", params={})
    assert job.status == JobStatus.FAILED and job.error == "没有上传文件"


def _report_json() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        BAQIAO.with_name("cq-dadukou-baqiao-2020.expected.json").read_text(encoding="utf-8")
    )
    return data


def test_render_report_stores_one_file_per_format_and_reruns_without_duplicates(enqueue: Enqueue) -> None:
    report = _report_json()
    job = enqueue(kind="render_report", params={"report": report, "formats": ["docx", "md"], "filename": "八桥/2020"})
    assert job.status == JobStatus.SUCCEEDED, job.error_detail
    files = {f.name: f for f in JobFile.objects.filter(job=job, role=FileRole.OUTPUT)}
    assert set(files) == {"八桥_2020.docx", "八桥_2020.md"}
    assert bytes(files["八桥_2020.docx"].data)[:2] == b"PK"
    assert report["body"] in bytes(files["八桥_2020.md"].data).decode("utf-8")
    assert job.result is not None and [f["format"] for f in result_of(job)["files"]] == ["docx", "md"]
    Job.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED)  # delivered again
    run_job(job.pk)
    assert JobFile.objects.filter(job=job).count() == 2 and job.items.count() == 2


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"report": {"format": "nope"}}, "报告数据无效"),
        ({"report": _report_json(), "formats": ["exe"]}, "未知的输出格式"),
    ],
)
def test_render_report_failures_are_explained(enqueue: Enqueue, params: dict[str, Any], message: str) -> None:
    job = enqueue(kind="render_report", params=params)
    assert job.status == JobStatus.FAILED and message in job.error


def test_a_calendar_change_queues_the_recomputation(
    users: dict[str, User], org: dict[str, Body], settings: Any
) -> None:
    case = case_register(
        actor=users["bq_clerk"],
        body_id=org["baqiao"].pk,
        registration=registration(submitted_on=date(2026, 12, 21)),
        on=date(2026, 12, 21),
    )
    old_due = case.answer_due
    settings.XXGK_JOBS_MODE = "thread"  # queued on commit: inside the test's transaction it waits
    calendar_day_save(actor=users["qu_admin"], day=date(2027, 1, 4), kind=DayKind.LOCAL_HOLIDAY, name="测试")
    job = Job.objects.get(kind="recompute_deadlines")
    assert job.status == JobStatus.QUEUED and job.started_by == users["qu_admin"] and job.body is None
    assert "2027-01-04" in job.params["reason"]
    case.refresh_from_db()
    assert case.answer_due == old_due  # not recomputed inside the request
    assert AuditEvent.objects.filter(code=AuditCode.CALENDAR_DAY_SAVED).exists()
    assert not AuditEvent.objects.filter(code=AuditCode.DEADLINES_RECOMPUTED).exists()
    run_job(job.pk, worker="w")
    job.refresh_from_db()
    case.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.result == {"cases_changed": 1, "items_changed": 0}
    assert case.answer_due == add_working_days(date(2026, 12, 21), 20, calendar_get()).day != old_due
    event = AuditEvent.objects.get(code=AuditCode.DEADLINES_RECOMPUTED)
    assert event.actor == users["qu_admin"] and event.new is not None
    assert event.new["cases_changed"] == 1 and event.new["job"] == job.pk
    # delivered again: nothing is recomputed or logged twice
    Job.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED)
    run_job(job.pk, worker="w2")
    assert AuditEvent.objects.filter(code=AuditCode.DEADLINES_RECOMPUTED).count() == 1
    assert AuditEvent.objects.filter(code=AuditCode.CASE_DEADLINES_RECOMPUTED, object_id=str(case.pk)).count() == 1


def test_digest_queued_from_the_command_once_a_day(settings: Any, users: dict[str, User]) -> None:
    settings.XXGK_JOBS_MODE = "thread"
    out = StringIO()
    call_command("xxgk_digest", "--queue", "--date", "2026-03-16", stdout=out)
    call_command("xxgk_digest", "--queue", "--date", "2026-03-16", stdout=out)
    (job,) = Job.objects.filter(kind="digest")
    assert job.key == "digest:2026-03-16" and job.params["on"] == "2026-03-16"
    assert out.getvalue().count(f"后台任务 #{job.pk}") == 2
    call_command("xxgk_digest", "--queue", "--date", "2026-03-16", "--force", stdout=out)
    assert Job.objects.filter(kind="digest").count() == 2  # a resend is a new job
    run_job(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.result is not None and result_of(job)["on"] == "2026-03-16"


def test_a_digest_with_failed_mails_fails_and_keeps_its_result(enqueue: Enqueue, monkeypatch: Any) -> None:
    def failing(**kwargs: Any) -> DigestResult:
        return DigestResult(on=date(2026, 3, 16), days=5, dry_run=False, failed=[("bq_clerk", "SMTP 拒绝")])

    monkeypatch.setattr("xxgk.web.cases.digest.digest_send", failing)
    job = enqueue(kind="digest", params={"on": "2026-03-16"}, actor=None, body=None)
    assert job.status == JobStatus.FAILED and job.error == "1 封提醒邮件发送失败：bq_clerk"
    assert job.result is not None and result_of(job)["failed"] == [["bq_clerk", "SMTP 拒绝"]]
    bad = enqueue(kind="digest", params={"on": "16/03/2026"}, actor=None, body=None)
    assert bad.status == JobStatus.FAILED and "YYYY-MM-DD" in bad.error
