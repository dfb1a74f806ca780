from __future__ import annotations

from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "xxgk.web.security"
    label = "security"
    verbose_name = "安全"

    def ready(self) -> None:
        from xxgk.web.security import checks  # noqa: F401 - registers the deployment checks
