"""/api/: the REST API (namespace ``api``, see :mod:`xxgk.web.api.api`) and the token pages (``api_tokens``)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from xxgk.web.api import views
from xxgk.web.api.api import api

token_patterns = (
    [
        path("", views.token_list_view, name="list"),
        path("<int:token_id>/revoke/", views.token_revoke_view, name="revoke"),
    ],
    "api_tokens",
)

urlpatterns: list[URLPattern | URLResolver] = [
    path("tokens/", include(token_patterns)),
    path("", api.urls),
]
