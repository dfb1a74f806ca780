from __future__ import annotations

from django.urls import path

from xxgk.web.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.report_index_view, name="index"),
    path("<int:body_id>/<int:year>/computed/", views.report_computed_view, name="computed"),
    path("<int:body_id>/<int:year>/computed.json", views.report_computed_json_view, name="computed_json"),
    path("<int:body_id>/<int:year>/cells/<str:code>/", views.report_cell_view, name="cell"),
    path("<int:body_id>/<int:year>/compare-previous/", views.report_compare_view, name="compare_previous"),
    path("<int:body_id>/<int:year>/uncounted/<slug:kind>/", views.report_uncounted_view, name="uncounted"),
]
