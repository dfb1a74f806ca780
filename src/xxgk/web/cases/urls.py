from __future__ import annotations

from django.urls import path

from xxgk.web.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list_view, name="list"),
    path("export.csv", views.case_export_csv_view, name="export_csv"),
    path("export.xlsx", views.case_export_xlsx_view, name="export_xlsx"),
    path("fees/", views.case_fees_view, name="fees"),
    path("new/", views.case_register_view, name="register"),
    path("<int:case_id>/", views.case_detail_view, name="detail"),
    path("<int:case_id>/edit/", views.case_edit_view, name="edit"),
    path(
        "<int:case_id>/duplicates/<int:flag_id>/decide/",
        views.case_duplicate_decide_view,
        name="duplicate_decide",
    ),
    path("<int:case_id>/act/<slug:action>/", views.case_action_view, name="act"),
]
