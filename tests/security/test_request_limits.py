"""The ceiling on request bodies: a request larger than any upload page accepts is refused (413, in Chinese)
before its body is read, so it can neither fill the disk with a spooled upload nor reach a view."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings

from xxgk.web.audit.models import AuditEvent
from xxgk.web.security.checks import SIZE_MIDDLEWARE
from xxgk.web.security.limits import RequestSizeLimitMiddleware, max_request_bytes

pytestmark = pytest.mark.django_db
MIDDLEWARE = [SIZE_MIDDLEWARE, *(m for m in settings.MIDDLEWARE if m != SIZE_MIDDLEWARE)]


@override_settings(MIDDLEWARE=MIDDLEWARE, XXGK_MAX_REQUEST_MB=1)
def test_a_request_over_the_ceiling_is_refused_unread(users: dict[str, User]) -> None:
    client = Client()
    client.force_login(users["td_clerk"])
    audits = AuditEvent.objects.count()
    upload = SimpleUploadedFile("大文件.txt", b"0" * (1024 * 1024 + 1))
    response = client.post("/jobs/batch-check/new/", {"files": upload})
    page = response.content.decode()
    assert response.status_code == 413
    assert "提交的内容过大" in page and "上限 1 MB" in page
    assert AuditEvent.objects.count() == audits
    small = client.post("/jobs/batch-check/new/", {"files": SimpleUploadedFile("a.txt", b"0" * 1000)})
    assert small.status_code != 413


def test_the_ceiling_is_read_from_the_settings() -> None:
    assert max_request_bytes() == 110 * 1024 * 1024
    with override_settings(XXGK_MAX_REQUEST_MB=2.5):
        assert max_request_bytes() == int(2.5 * 1024 * 1024)


def test_a_garbled_content_length_is_left_to_django() -> None:
    from django.test import RequestFactory

    seen: list[Any] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(request)
        return HttpResponse("ok")

    request = RequestFactory().post("/", data=b"x", content_type="text/plain", CONTENT_LENGTH="not-a-number")
    assert RequestSizeLimitMiddleware(view)(request).status_code == 200
    assert seen == [request]
