"""The Celery application of xxgk: ``celery -A xxgk.web.config.celery worker`` (and ``beat`` for the schedule).

Configuration comes from the Django settings (``CELERY_*``, see ``settings.py``); the broker URL from
``XXGK_CELERY_BROKER_URL``. The tasks live in :mod:`xxgk.web.jobs.tasks`: ``xxgk.run_job`` runs one job row,
``xxgk.jobs_sweep`` re-queues jobs whose worker died and re-sends lost messages, ``xxgk.enqueue_digest`` queues
the daily digest. The beat schedule below runs the sweep every minute and the digest daily at ``XXGK_DIGEST_AT``.
"""

from __future__ import annotations

import os

from celery import Celery  # type: ignore[import-untyped, unused-ignore]
from celery.schedules import crontab  # type: ignore[import-untyped, unused-ignore]

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xxgk.web.config.settings")

app = Celery("xxgk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["xxgk.web.jobs"])


def _digest_time() -> tuple[int, int]:
    raw = os.environ.get("XXGK_DIGEST_AT", "07:30")
    try:
        hour, minute = (int(part) for part in raw.split(":", 1))
    except ValueError:
        return 7, 30
    return hour % 24, minute % 60


_hour, _minute = _digest_time()
app.conf.beat_schedule = {
    "xxgk-jobs-sweep": {"task": "xxgk.jobs_sweep", "schedule": 60.0},
    "xxgk-daily-digest": {"task": "xxgk.enqueue_digest", "schedule": crontab(hour=_hour, minute=_minute)},
}
