from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.utils.translation import gettext_noop

if TYPE_CHECKING:
    from xxgk.web.proactive.selectors import PublishedReport
    from xxgk.web.tenancy.models import Body


def published_reports_for_public(body: Body) -> list[PublishedReport]:
    """The public site's list of ``body``'s annual reports published in xxgk (one per year, linking to the page
    with the latest version and the earlier ones)."""
    from django.urls import reverse

    from xxgk.web.proactive.selectors import PublishedReport
    from xxgk.web.reports.selectors import published_report_list

    return [
        PublishedReport(
            year=year,
            title=title,
            url=reverse("reports:public_report", args=(body.code, year)),
            published_on=first,
        )
        for year, title, first in published_report_list(body=body)
    ]


class ReportsConfig(AppConfig):
    name = "xxgk.web.reports"
    label = "reports"
    verbose_name = "年度报告"

    def ready(self) -> None:
        from xxgk.web.proactive.selectors import register_published_reports_provider
        from xxgk.web.proactive.signoff_selectors import register_subject_type
        from xxgk.web.reports.selectors import OBJECT_TYPE, subject_awaiting, subject_url, subject_urls

        register_subject_type(
            OBJECT_TYPE,
            label=gettext_noop("政府信息公开工作年度报告"),  # a msgid: the API keeps it, the task list translates it
            url=subject_url,
            awaiting=subject_awaiting,
            urls=subject_urls,
        )
        register_published_reports_provider(published_reports_for_public)
