"""The job pages: who sees which job (starter and staff of its body; others 404 as for a missing job), progress,
downloads, cancel and retry, the batch check upload with its limits, and the failure notice on the next page."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.conftest import PUBLISHED
from tests.web.jobs.conftest import Enqueue, result_of
from xxgk.web.jobs.models import FileRole, Job, JobFile, JobStatus

pytestmark = pytest.mark.django_db

Login = Callable[[str], Client]
BAQIAO = PUBLISHED / "cq-dadukou-baqiao-2020.txt"


def _pages(job: Job) -> list[str]:
    output = JobFile.objects.filter(job=job).first()
    pages = [f"/jobs/{job.pk}/", f"/jobs/{job.pk}/progress.json"]
    if output is not None:
        pages.append(f"/jobs/{job.pk}/files/{output.pk}/")
    return pages


def test_the_starter_and_the_bodys_staff_see_the_job(enqueue: Enqueue, login: Login) -> None:
    job = enqueue(kind="render_report", params={"report": _report(), "formats": ["md"]})
    assert job.status == JobStatus.SUCCEEDED
    for name in ("bq_clerk", "bq_reviewer", "bq_head"):
        client = login(name)
        for url in _pages(job):
            assert client.get(url).status_code == 200, (name, url)
        assert f'href="/jobs/{job.pk}/"' in client.get("/jobs/").content.decode()


@pytest.mark.parametrize("name", ["td_clerk", "qu_viewer", "qu_admin", "nobody"])
def test_everyone_else_gets_404_like_a_missing_job(enqueue: Enqueue, login: Login, name: str) -> None:
    job = enqueue(kind="render_report", params={"report": _report(), "formats": ["md"]})
    client = login(name)
    for url in [*_pages(job), f"/jobs/{job.pk + 1000}/"]:
        assert client.get(url).status_code == 404, url
    for url in (f"/jobs/{job.pk}/cancel/", f"/jobs/{job.pk}/retry/"):
        assert client.post(url).status_code == 404
    assert f"/jobs/{job.pk}/" not in client.get("/jobs/").content.decode()


def test_anonymous_users_are_sent_to_login(enqueue: Enqueue, client: Client) -> None:
    job = enqueue()
    for url in ["/jobs/", "/jobs/batch-check/new/", *_pages(job)]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    response = client.post(f"/jobs/{job.pk}/cancel/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_system_job_is_seen_only_by_its_starter(enqueue: Enqueue, login: Login) -> None:
    job = enqueue(body=None)
    assert login("bq_clerk").get(f"/jobs/{job.pk}/").status_code == 200
    assert login("bq_reviewer").get(f"/jobs/{job.pk}/").status_code == 404


def _report() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        BAQIAO.with_name("cq-dadukou-baqiao-2020.expected.json").read_text(encoding="utf-8")
    )
    return data


def test_progress_json_and_the_page_of_a_running_job(enqueue: Enqueue, login: Login, thread_mode: None) -> None:
    job = enqueue(params={"items": 4})
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, done=1, total=4, message="第 1 项")
    client = login("bq_reviewer")
    data = client.get(f"/jobs/{job.pk}/progress.json").json()
    assert data["status"] == "running" and data["status_label"] == "运行中"
    assert (data["done"], data["total"], data["percent"], data["finished"]) == (1, 4, 25, False)
    page = client.get(f"/jobs/{job.pk}/")
    assert page["Refresh"] == "3"
    html = page.content.decode()
    assert 'value="25"' in html and "取消任务" in html and "第 1 项" in html


def test_a_finished_job_page_has_its_downloads_and_no_refresh(enqueue: Enqueue, login: Login) -> None:
    job = enqueue(kind="render_report", params={"report": _report(), "formats": ["md"], "filename": "报告"})
    client = login("bq_clerk")
    page = client.get(f"/jobs/{job.pk}/")
    assert "Refresh" not in page
    output = JobFile.objects.get(job=job, role=FileRole.OUTPUT)
    assert f'href="/jobs/{job.pk}/files/{output.pk}/"' in page.content.decode()
    download = client.get(f"/jobs/{job.pk}/files/{output.pk}/")
    assert download["Content-Disposition"] == "attachment; filename*=UTF-8''%E6%8A%A5%E5%91%8A.md"
    assert download.content == bytes(output.data)
    other = enqueue(kind="render_report", params={"report": _report(), "formats": ["md"]}, actor=None, body=None)
    foreign = JobFile.objects.get(job=other)
    assert client.get(f"/jobs/{job.pk}/files/{foreign.pk}/").status_code == 404  # not this job's file


def test_cancel_and_retry_through_the_pages(enqueue: Enqueue, login: Login, settings: Any) -> None:
    settings.XXGK_JOBS_MODE = "thread"
    job = enqueue()
    client = login("bq_head")
    response = client.post(f"/jobs/{job.pk}/cancel/", follow=True)
    assert "任务已取消" in response.content.decode()
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED
    response = client.post(f"/jobs/{job.pk}/cancel/", follow=True)
    assert "任务已结束，无法取消" in response.content.decode()
    settings.XXGK_JOBS_MODE = "eager"
    response = client.post(f"/jobs/{job.pk}/retry/", follow=True)
    assert "任务已重新排队" in response.content.decode()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert client.get(f"/jobs/{job.pk}/cancel/").status_code == 405


def test_the_failure_is_shown_once_on_the_starters_next_page(enqueue: Enqueue, login: Login) -> None:
    job = enqueue(params={"items": 2, "fail_at": 0})
    assert job.status == JobStatus.FAILED
    reviewer = login("bq_reviewer")  # staff of the body see it in the list, but are not "told"
    assert "自检任务按要求在第 1 项失败" in reviewer.get("/jobs/").content.decode()
    job.refresh_from_db()
    assert not job.failure_seen
    client = login("bq_clerk")
    html = client.get("/cases/").content.decode()
    assert f"后台任务「队列自检」（#{job.pk}）未能完成：自检任务按要求在第 1 项失败" in html
    assert Job.objects.get(pk=job.pk).failure_seen
    assert "未能完成" not in client.get("/cases/").content.decode()


def _upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_batch_check_upload_queues_one_job_per_submission(login: Login, users: dict[str, User]) -> None:
    client = login("bq_clerk")
    page = client.get("/jobs/batch-check/new/")
    assert page.status_code == 200
    token = page.context["form"].initial["submission"]
    data = {"body": users["bq_clerk"].memberships.get().body_id, "submission": token}
    response = client.post(
        "/jobs/batch-check/new/", {**data, "reports": [_upload("a.txt", BAQIAO.read_bytes())]}, follow=True
    )
    job = Job.objects.get()
    assert response.redirect_chain[-1][0] == f"/jobs/{job.pk}/"
    assert job.kind == "batch_check" and job.status == JobStatus.SUCCEEDED
    assert job.started_by == users["bq_clerk"] and job.body_id == data["body"]
    assert "summary.xlsx" in response.content.decode()
    # the same form sent twice (a double click, a resend after a time-out): the same job
    client.post("/jobs/batch-check/new/", {**data, "reports": [_upload("a.txt", BAQIAO.read_bytes())]})
    assert Job.objects.count() == 1


def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([("a.exe", b"MZ")], "a.exe：不是年报文件或 ZIP 压缩包"),
        ([("bad.zip", b"PK\x03\x04 not a zip")], "bad.zip：不是有效的 ZIP 压缩包"),
        ([("empty.zip", _zip({"x.png": b"1"}))], "empty.zip：压缩包中没有报告文件"),
    ],
)
def test_batch_check_refuses_bad_uploads_before_queueing(
    login: Login, users: dict[str, User], files: list[tuple[str, bytes]], message: str
) -> None:
    client = login("bq_clerk")
    body = users["bq_clerk"].memberships.get().body_id
    response = client.post(
        "/jobs/batch-check/new/",
        {"body": body, "submission": "abc123", "reports": [_upload(n, d) for n, d in files]},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Job.objects.count() == 0


def test_batch_check_limits_the_number_and_size_of_files(login: Login, users: dict[str, User], settings: Any) -> None:
    settings.XXGK_JOBS_MAX_FILES = 2
    settings.XXGK_JOBS_MAX_UPLOAD_MB = 1
    client = login("bq_clerk")
    body = users["bq_clerk"].memberships.get().body_id
    three = [_upload(f"{i}.txt", b"x") for i in range(3)]
    html = client.post("/jobs/batch-check/new/", {"body": body, "submission": "s1", "reports": three}).content.decode()
    assert "一次最多上传 2 个文件，本次 3 个" in html
    big = [_upload("big.txt", b"x" * (2**20 + 1))]
    html = client.post("/jobs/batch-check/new/", {"body": body, "submission": "s2", "reports": big}).content.decode()
    assert "超过上限 1.0 MB" in html
    assert Job.objects.count() == 0


def test_batch_check_only_in_the_users_own_bodies(login: Login, org: dict[str, Any]) -> None:
    client = login("bq_clerk")
    response = client.post(
        "/jobs/batch-check/new/",
        {"body": org["tiaodeng"].pk, "submission": "s", "reports": [_upload("a.txt", BAQIAO.read_bytes())]},
    )
    assert response.status_code == 200 and Job.objects.count() == 0
    assert login("nobody").get("/jobs/batch-check/new/").status_code == 403


def test_a_bomb_like_member_is_listed_as_unreadable_not_decompressed(login: Login, users: dict[str, User]) -> None:
    archive = _zip({"a.txt": b"0" * (3 * 2**20), "b.txt": BAQIAO.read_bytes()})
    client = login("bq_clerk")
    body = users["bq_clerk"].memberships.get().body_id
    client.post("/jobs/batch-check/new/", {"body": body, "submission": "s", "reports": [_upload("r.zip", archive)]})
    job = Job.objects.get()
    assert job.status == JobStatus.SUCCEEDED
    bomb, report = job.items.order_by("position")
    assert not bomb.ok and "疑似压缩炸弹" in result_of(bomb)["error"]
    assert report.ok and result_of(report)["year"] == 2020
