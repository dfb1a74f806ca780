from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from xxgk.web.ops import views

app_name = "ops"
urlpatterns: list[URLPattern | URLResolver] = [
    path("healthz/", views.healthz_view, name="healthz"),
    path("readyz/", views.readyz_view, name="readyz"),
]
