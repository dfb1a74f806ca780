"""Abuse limits: submissions per client per hour and per day, wrong 查询码 lock-out, keyed hashes instead of IP
addresses, purging, and friendly HTTP 429 refusals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client, RequestFactory, override_settings
from django.utils import timezone

from tests.web.conftest import registration
from tests.web.portal.conftest import Submit
from xxgk.web.audit.codes import AuditCode
from xxgk.web.audit.models import AuditEvent
from xxgk.web.cases.services import case_register
from xxgk.web.portal import throttle
from xxgk.web.portal.models import OnlineSubmission, ThrottleEvent, ThrottleScope
from xxgk.web.portal.services import access_code_issue
from xxgk.web.tenancy.models import Body

pytestmark = pytest.mark.django_db

IP = "203.0.113.77"


def _client(ip: str = IP) -> Client:
    return Client(REMOTE_ADDR=ip)


def test_sixth_submission_in_an_hour_is_refused_with_429(submit: Submit, org: dict[str, Body]) -> None:
    client = _client()
    for _ in range(5):
        assert submit(org["baqiao"], client=client).status_code == 200
    refused = submit(org["baqiao"], client=client)
    html = refused.content.decode()
    assert refused.status_code == 429 and "请稍后再试" in html and "1 小时内最多提交 5 件" in html
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert OnlineSubmission.objects.count() == 5
    # another client is not affected
    assert submit(org["baqiao"], client=_client("198.51.100.1")).status_code == 200


def test_daily_limit(submit: Submit, org: dict[str, Body]) -> None:
    key = throttle.client_key(RequestFactory().get("/", REMOTE_ADDR=IP))
    now = timezone.now()
    for hours in range(2, 22):  # 20 submissions spread over the last day, none in the last hour
        ThrottleEvent.objects.create(scope=ThrottleScope.SUBMISSION, key=key, at=now - timedelta(hours=hours))
    refused = submit(org["baqiao"], client=_client())
    assert refused.status_code == 429 and "24 小时内最多提交 20 件" in refused.content.decode()
    retry = int(refused["Retry-After"])
    assert 3 * 3600 - 60 < retry <= 3 * 3600  # the oldest one (21 h ago) leaves the 24-hour window in 3 h
    assert not OnlineSubmission.objects.exists()


def test_the_window_slides(org: dict[str, Body]) -> None:
    now = timezone.now()
    for minutes in (70, 65, 50, 40, 30):
        throttle.submission_count(key="k", now=now - timedelta(minutes=minutes))
    assert throttle.submission_refusal(key="k", now=now) is None  # only 3 in the last hour
    throttle.submission_count(key="k", now=now)
    throttle.submission_count(key="k", now=now)
    refusal = throttle.submission_refusal(key="k", now=now)
    assert refusal is not None and refusal.retry_after == 10 * 60  # when the one of 50 minutes ago leaves


def test_invalid_forms_do_not_count_but_bots_do(submit: Submit, org: dict[str, Body]) -> None:
    client = _client()
    for _ in range(6):
        assert submit(org["baqiao"], client=client, content="").status_code == 400
    assert not ThrottleEvent.objects.exists()
    for _ in range(5):
        assert submit(org["baqiao"], client=client, homepage="x").status_code == 400
    assert submit(org["baqiao"], client=client).status_code == 429


def _case_code(users: dict[str, User], org: dict[str, Body]) -> str:
    case = case_register(actor=users["bq_clerk"], body_id=org["baqiao"].pk, registration=registration())
    return access_code_issue(actor=users["bq_clerk"], case_id=case.pk)[1]


def test_twenty_wrong_codes_lock_the_client_for_an_hour(users: dict[str, User], org: dict[str, Body]) -> None:
    good = _case_code(users, org)
    client = _client()
    wrong = "ABCD-EFGH-JKMN-PQRS"
    for i in range(throttle.WRONG_CODE_LIMIT - 1):
        response = client.post("/portal/status/", {"code": wrong})
        assert response.status_code == 400, i
    locked = client.post("/portal/status/", {"code": wrong})
    assert locked.status_code == 429 and "查询码输入错误次数过多" in locked.content.decode()
    assert 3500 < int(locked["Retry-After"]) <= 3600
    # even the right code is refused while locked, and nothing reveals whether it was right
    refused = client.post("/portal/status/", {"code": good})
    assert refused.status_code == 429 and "办理中" not in refused.content.decode()
    assert ThrottleEvent.objects.filter(scope=ThrottleScope.WRONG_CODE).count() == throttle.WRONG_CODE_LIMIT
    assert AuditEvent.objects.filter(code=AuditCode.PORTAL_LOOKUP_LOCKED).count() == 1
    # another client still looks up
    assert _client("198.51.100.2").post("/portal/status/", {"code": good}).status_code == 200


def test_the_lock_ends_after_an_hour(users: dict[str, User], org: dict[str, Body]) -> None:
    start = timezone.now() - timedelta(minutes=61)
    key = "client"
    for _ in range(throttle.WRONG_CODE_LIMIT):
        refusal = throttle.lookup_failed(key=key, now=start)
    assert refusal is not None
    assert throttle.lookup_refusal(key=key, now=start + timedelta(minutes=59)) is not None
    assert throttle.lookup_refusal(key=key, now=start + timedelta(minutes=61)) is None
    assert throttle.lookup_failed(key=key, now=start + timedelta(minutes=61)) is None  # the count started over


def test_right_codes_do_not_count(users: dict[str, User], org: dict[str, Body]) -> None:
    good = _case_code(users, org)
    client = _client()
    for _ in range(throttle.WRONG_CODE_LIMIT + 5):
        assert client.post("/portal/status/", {"code": good}).status_code == 200
    assert not ThrottleEvent.objects.exists()


def test_ip_addresses_are_stored_only_as_keyed_hashes(submit: Submit, org: dict[str, Body]) -> None:
    submit(org["baqiao"], client=_client())
    _client().post("/portal/status/", {"code": "ABCD-EFGH-JKMN-PQRS"})
    keys = set(ThrottleEvent.objects.values_list("key", flat=True))
    assert len(keys) == 1
    (key,) = keys
    assert IP not in repr(list(ThrottleEvent.objects.values_list())) and len(key) == 64
    with override_settings(SECRET_KEY="another-key"):
        assert throttle.client_key(RequestFactory().get("/", REMOTE_ADDR=IP)) != key  # keyed, not a plain hash
    assert throttle.client_key(RequestFactory().get("/", REMOTE_ADDR=IP)) == key


def test_rows_are_purged_after_their_window() -> None:
    now = timezone.now()
    ThrottleEvent.objects.create(scope=ThrottleScope.SUBMISSION, key="a", at=now - timedelta(hours=25))
    ThrottleEvent.objects.create(scope=ThrottleScope.SUBMISSION, key="a", at=now - timedelta(hours=23))
    ThrottleEvent.objects.create(scope=ThrottleScope.WRONG_CODE, key="a", at=now - timedelta(minutes=61))
    ThrottleEvent.objects.create(scope=ThrottleScope.WRONG_CODE, key="a", at=now - timedelta(minutes=59))
    ThrottleEvent.objects.create(scope=ThrottleScope.LOCK, key="a", at=now - timedelta(minutes=61))
    assert throttle.throttle_purge(now=now) == 3
    assert ThrottleEvent.objects.count() == 2
    # recording purges the expired rows of its kind as it goes
    ThrottleEvent.objects.create(scope=ThrottleScope.SUBMISSION, key="b", at=now - timedelta(days=2))
    throttle.submission_count(key="c", now=now)
    assert not ThrottleEvent.objects.filter(key="b").exists()


def test_client_ip_behind_trusted_proxies() -> None:
    rf = RequestFactory()
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.9")
    assert throttle.client_ip(request) == "10.0.0.1"  # no proxy configured: the header is not trusted
    with override_settings(XXGK_PORTAL_PROXY_COUNT=1):
        assert throttle.client_ip(request) == "198.51.100.9"  # the address our proxy saw, not a forged one
    assert throttle.client_ip(rf.get("/", REMOTE_ADDR="not-an-ip")) == "unknown"
