from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_noop


class ProactiveConfig(AppConfig):
    name = "xxgk.web.proactive"
    label = "proactive"
    verbose_name = "主动公开"

    def ready(self) -> None:
        from django.urls import reverse

        from xxgk.web.proactive.selectors import OBJECT_TYPE
        from xxgk.web.proactive.signoff_selectors import register_subject_type

        register_subject_type(
            OBJECT_TYPE,
            label=gettext_noop("主动公开信息"),
            url=lambda subject_id: reverse("proactive:detail", kwargs={"item_id": int(subject_id)}),
        )
