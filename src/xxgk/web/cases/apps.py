from __future__ import annotations

from collections.abc import Iterable

from django.apps import AppConfig
from django.utils.translation import gettext_noop


def _reply_url(subject_id: str) -> str:
    from django.urls import reverse

    return reverse("cases:detail", kwargs={"case_id": int(subject_id)})


def _replies_in_review(subject_ids: list[str]) -> Iterable[int]:
    """The cases among ``subject_ids`` whose reply still waits for its sign-off (not withdrawn meanwhile)."""
    from xxgk.core.workflow import Status
    from xxgk.web.cases.models import Case

    ids = [int(i) for i in subject_ids if i.isdigit()]
    return Case.objects.filter(pk__in=ids, status=Status.REPLY_REVIEW.value).values_list("pk", flat=True)


class CasesConfig(AppConfig):
    name = "xxgk.web.cases"
    label = "cases"
    verbose_name = "依申请公开"

    def ready(self) -> None:
        from xxgk.web.cases.services import REPLY_SUBJECT
        from xxgk.web.proactive.signoff_selectors import register_subject_type

        register_subject_type(
            REPLY_SUBJECT, label=gettext_noop("依申请公开答复"), url=_reply_url, awaiting=_replies_in_review
        )
