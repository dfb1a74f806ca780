from __future__ import annotations

from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "xxgk.web.letters"
    label = "letters"
    verbose_name = "文书"
