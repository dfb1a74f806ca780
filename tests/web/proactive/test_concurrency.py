"""Concurrent publications of one body get distinct, consecutive index numbers (the settings row is locked with
``select_for_update``). Needs real concurrent transactions: PostgreSQL only (SQLite serialises whole-database
writes, and its in-memory test database is not shared between threads)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.db import connection, connections
from django.utils import timezone

from xxgk.web.proactive import services as s
from xxgk.web.proactive.models import CatalogueSettings, ProactiveItem
from xxgk.web.tenancy.models import Body

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent transactions need PostgreSQL"),
]

N = 8


def test_concurrent_publications_get_consecutive_unique_numbers(
    make_item: Callable[..., ProactiveItem],
    approve_chain: Callable[[ProactiveItem], ProactiveItem],
    users: dict[str, User],
    org: dict[str, Body],
) -> None:
    items = [approve_chain(make_item(title=f"信息{i}")) for i in range(N)]
    barrier = threading.Barrier(N)
    errors: list[BaseException] = []

    def publish(item_id: int) -> None:
        try:
            barrier.wait(timeout=30)
            s.item_publish(actor=users["bq_clerk"], item_id=item_id)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=publish, args=(item.pk,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    year = timezone.localdate().year
    rows = ProactiveItem.objects.filter(body=org["baqiao"]).values_list("index_sequence", "index_number")
    assert sorted(seq or 0 for seq, _ in rows) == list(range(1, N + 1))
    assert len({number for _, number in rows}) == N
    assert CatalogueSettings.objects.get(body=org["baqiao"]).next_sequence == {str(year): N + 1}
