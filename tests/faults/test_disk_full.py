"""A full disk while saving an upload: the user gets a clear message (no traceback), nothing is half-saved.

Two places an upload can hit a full disk:

* Django spools an upload larger than ``FILE_UPLOAD_MAX_MEMORY_SIZE`` to a temporary file while reading the
  request: the write fails with ``OSError(ENOSPC)`` before any view code runs;
* the upload is stored in the database (attachments, letter templates, job inputs and reports are rows), which
  fails with PostgreSQL's "could not extend file …: No space left on device" inside the service's transaction.
"""

from __future__ import annotations

import errno
import tempfile
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.test import Client, override_settings
from django.utils import timezone

from xxgk.web.audit.models import AuditEvent
from xxgk.web.proactive import services as p
from xxgk.web.proactive.models import ItemAttachment, ProactiveItem
from xxgk.web.security.errors import DATABASE_DOWN, DISK_FULL, INTERNAL, classify
from xxgk.web.tenancy.models import Body

pytestmark = pytest.mark.django_db
HANDLER_URLS = "tests.faults.urls_with_handler"


@pytest.fixture
def item(users: dict[str, User], org: dict[str, Body]) -> ProactiveItem:
    return p.item_create(
        actor=users["bq_clerk"],
        body_id=org["baqiao"].pk,
        data=p.ItemData(
            category="a20.07", title="八桥镇2026年预算", formed_on=timezone.localdate() - timedelta(days=2)
        ),
    )


def clerk_client(users: dict[str, User]) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(users["bq_clerk"])
    return client


def assert_clean_failure(response: Any, status: int) -> str:
    page: str = response.content.decode()
    assert response.status_code == status
    assert "存储空间" in page or "数据库" in page
    for leak in ("Traceback", 'File "', "OperationalError", "OSError", "Errno", "/work/", "site-packages"):
        assert leak not in page, leak
    return page


class FullDiskFile:
    """A temporary file on a disk that is full: opening works, writing fails (as on a real full disk)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 - closed with the upload, like the real one
        self.name = "/tmp/full-disk.upload"

    def write(self, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._file, name)


@override_settings(ROOT_URLCONF=HANDLER_URLS)
def test_an_upload_spooled_to_a_full_disk(
    monkeypatch: pytest.MonkeyPatch, users: dict[str, User], item: ProactiveItem
) -> None:
    monkeypatch.setattr("django.core.files.uploadedfile.tempfile.NamedTemporaryFile", FullDiskFile)
    audits = AuditEvent.objects.count()
    big = b"%PDF-1.4\n" + b"0" * (settings.FILE_UPLOAD_MAX_MEMORY_SIZE + 1024)  # spooled to disk, not memory
    upload = SimpleUploadedFile("预算表.pdf", big, content_type="application/pdf")
    response = clerk_client(users).post(f"/proactive/{item.pk}/files/", {"file": upload})
    page = assert_clean_failure(response, DISK_FULL.status)
    assert "没有保存" in page
    assert ItemAttachment.objects.filter(item=item).count() == 0
    assert AuditEvent.objects.count() == audits


@override_settings(ROOT_URLCONF=HANDLER_URLS)
def test_the_database_full_while_storing_the_upload(
    monkeypatch: pytest.MonkeyPatch, users: dict[str, User], item: ProactiveItem
) -> None:
    def full(*args: Any, **kwargs: Any) -> None:
        raise OperationalError('could not extend file "base/16384/24601": No space left on device')

    monkeypatch.setattr(ItemAttachment, "save", full)
    audits = AuditEvent.objects.count()
    upload = SimpleUploadedFile("预算表.pdf", b"%PDF-1.4\n1 0 obj", content_type="application/pdf")
    response = clerk_client(users).post(f"/proactive/{item.pk}/files/", {"file": upload})
    assert_clean_failure(response, DISK_FULL.status)
    monkeypatch.undo()
    assert ItemAttachment.objects.filter(item=item).count() == 0
    assert AuditEvent.objects.count() == audits
    item.refresh_from_db()
    # and once there is room again the same upload goes through
    upload = SimpleUploadedFile("预算表.pdf", b"%PDF-1.4\n1 0 obj", content_type="application/pdf")
    assert clerk_client(users).post(f"/proactive/{item.pk}/files/", {"file": upload}).status_code == 302
    assert ItemAttachment.objects.filter(item=item).count() == 1


@override_settings(ROOT_URLCONF=HANDLER_URLS)
def test_the_failure_pages(monkeypatch: pytest.MonkeyPatch, users: dict[str, User]) -> None:
    """Any other unexpected error: a plain Chinese page with the request id, status 500; a lost database: 503
    with Retry-After."""
    from xxgk.web.cases import views

    def broken(*args: Any, **kwargs: Any) -> None:
        raise ValueError("internal detail that must not be shown")

    monkeypatch.setattr(views, "case_list", broken)
    response = clerk_client(users).get("/cases/")
    page = response.content.decode()
    assert response.status_code == 500 and INTERNAL.title in page
    assert "internal detail" not in page and "Traceback" not in page
    assert response["X-Request-ID"] in page  # the reference to quote to the administrator

    def lost(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(views, "case_list", lost)
    response = clerk_client(users).get("/cases/")
    assert_clean_failure(response, 503)
    assert response["Retry-After"] == str(DATABASE_DOWN.retry_after)


def test_classify() -> None:
    assert classify(OSError(errno.ENOSPC, "full")) is DISK_FULL
    assert classify(OSError(errno.EDQUOT, "quota")) is DISK_FULL
    assert classify(OperationalError("database or disk is full")) is DISK_FULL
    assert classify(OperationalError("connection refused")) is DATABASE_DOWN
    assert classify(OSError(errno.EACCES, "denied")) is INTERNAL
    assert classify(None) is INTERNAL
    try:
        try:
            raise OSError(errno.ENOSPC, "full")
        except OSError as inner:
            raise RuntimeError("wrapped") from inner
    except RuntimeError as outer:
        assert classify(outer) is DISK_FULL
