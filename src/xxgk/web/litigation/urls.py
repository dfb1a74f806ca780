from __future__ import annotations

from django.urls import path

from xxgk.web.litigation import views

app_name = "litigation"
urlpatterns = [
    path("", views.remedy_list_view, name="list"),
    path("new/", views.remedy_new, name="new"),
    path("<int:remedy_id>/", views.remedy_detail, name="detail"),
    path("<int:remedy_id>/edit/", views.remedy_edit, name="edit"),
    path("<int:remedy_id>/close/", views.remedy_close, name="close"),
    path("<int:remedy_id>/reopen/", views.remedy_reopen, name="reopen"),
    path("<int:remedy_id>/hearings/", views.hearing_add, name="hearing_add"),
    path("hearings/<int:hearing_id>/delete/", views.hearing_delete, name="hearing_delete"),
    path("body/<int:body_id>/<int:year>/", views.table, name="table"),
    path("body/<int:body_id>/<int:year>/cells/<str:code>/", views.cell, name="cell"),
]
