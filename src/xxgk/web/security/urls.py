from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from xxgk.web.security import views

app_name = "security"
urlpatterns: list[URLPattern | URLResolver] = [
    path("lockouts/", views.lockout_list_view, name="lockouts"),
    path("lockouts/<int:throttle_id>/unlock/", views.lockout_unlock_view, name="unlock"),
]
