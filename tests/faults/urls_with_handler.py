"""The project's URLs with the failure page installed as ``handler500`` (as the lead installs it in
``xxgk.web.config.urls``)."""

from __future__ import annotations

from xxgk.web.config.urls import urlpatterns

handler500 = "xxgk.web.security.errors.server_error"

__all__ = ["handler500", "urlpatterns"]
