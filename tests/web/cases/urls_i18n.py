"""The site's URLs plus Django's ``set_language`` view (``/i18n/setlang/``), for the language-switch test until
``config/urls.py`` mounts it."""

from __future__ import annotations

from typing import Any

from django.urls import URLResolver, include, path

from xxgk.web.config import urls as site_urls


def _mounted(patterns: list[Any]) -> bool:
    return any(
        isinstance(p, URLResolver) and getattr(p.urlconf_module, "__name__", "") == "django.conf.urls.i18n"
        for p in patterns
    )


urlpatterns: list[Any] = list(site_urls.urlpatterns)
if not _mounted(urlpatterns):
    urlpatterns.append(path("i18n/", include("django.conf.urls.i18n")))
