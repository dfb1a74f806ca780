from __future__ import annotations

from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "xxgk.web.jobs"
    label = "jobs"
    verbose_name = "后台任务"
