from __future__ import annotations

from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "xxgk.web.cases"
    label = "cases"
    verbose_name = "依申请公开"
