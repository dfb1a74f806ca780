from __future__ import annotations

from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "xxgk.web.jobs"
    label = "jobs"
    verbose_name = "后台任务"

    def ready(self) -> None:
        from xxgk.web.jobs import kinds  # noqa: F401 - registers the job kinds
