from __future__ import annotations

from django.urls import path

from xxgk.web.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list_view, name="list"),
    path("export.csv", views.case_export_csv_view, name="export_csv"),
    path("new/", views.case_register_view, name="register"),
    path("<int:case_id>/", views.case_detail_view, name="detail"),
    path("<int:case_id>/act/<slug:action>/", views.case_action_view, name="act"),
]
