from __future__ import annotations

from django.urls import path

from xxgk.web.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.report_index_view, name="index"),
    # computed from the records, with the drill-down (read-only pages)
    path("<int:body_id>/<int:year>/computed/", views.report_computed_view, name="computed"),
    path("<int:body_id>/<int:year>/computed.json", views.report_computed_json_view, name="computed_json"),
    path("<int:body_id>/<int:year>/cells/<str:code>/", views.report_cell_view, name="cell"),
    path("<int:body_id>/<int:year>/compare-previous/", views.report_compare_view, name="compare_previous"),
    path("<int:body_id>/<int:year>/uncounted/<slug:kind>/", views.report_uncounted_view, name="uncounted"),
    # the report's life
    path("<int:body_id>/<int:year>/", views.report_view, name="report"),
    path("<int:body_id>/<int:year>/start/", views.report_start_view, name="start"),
    path("<int:body_id>/<int:year>/narrative/", views.report_narrative_view, name="narrative"),
    path("<int:body_id>/<int:year>/checks/", views.report_checks_view, name="checks"),
    path("<int:body_id>/<int:year>/previous/", views.report_previous_upload_view, name="previous_upload"),
    path("<int:body_id>/<int:year>/overrides/", views.report_overrides_view, name="overrides"),
    path("<int:body_id>/<int:year>/overrides/remove/", views.report_override_remove_view, name="override_remove"),
    path("<int:body_id>/<int:year>/submit/", views.report_submit_view, name="submit"),
    path("<int:body_id>/<int:year>/decide/", views.report_decide_view, name="decide"),
    path("<int:body_id>/<int:year>/publish/", views.report_publish_view, name="publish"),
    path("<int:body_id>/<int:year>/correct/", views.report_correct_view, name="correct"),
    path("<int:body_id>/<int:year>/v<int:number>/", views.report_version_view, name="version"),
    path(
        "<int:body_id>/<int:year>/v<int:number>/download/<slug:fmt>/",
        views.report_download_view,
        name="download",
    ),
    # the public site (no sign-in)
    path("public/<slug:body_code>/<int:year>/", views.public_report_view, name="public_report"),
    path(
        "public/<slug:body_code>/<int:year>/v<int:number>/<slug:fmt>/",
        views.public_download_view,
        name="public_download",
    ),
]
