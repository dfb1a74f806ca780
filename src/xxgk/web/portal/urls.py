from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from xxgk.web.portal import views

app_name = "portal"
urlpatterns: list[URLPattern | URLResolver] = [
    # public (no login)
    path("", views.portal_index_view, name="index"),
    path("apply/<slug:body_code>/", views.portal_apply_view, name="apply"),
    path("status/", views.portal_status_view, name="status"),
    # staff
    path("inbox/", views.inbox_view, name="inbox"),
    path("inbox/<int:submission_id>/", views.submission_detail_view, name="submission"),
    path("inbox/<int:submission_id>/accept/", views.submission_accept_view, name="accept"),
    path("inbox/<int:submission_id>/reject/", views.submission_reject_view, name="reject"),
    path("case/<int:case_id>/code/", views.case_code_view, name="case_code"),
    path("settings/", views.settings_view, name="settings"),
]
