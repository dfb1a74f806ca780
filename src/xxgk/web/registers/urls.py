from __future__ import annotations

from django.urls import path

from xxgk.web.registers import views

app_name = "registers"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:body_id>/documents/", views.documents, name="documents"),
    path("<int:body_id>/documents/new/", views.document_new, name="document_new"),
    path("documents/<int:document_id>/", views.document_detail, name="document"),
    path("documents/<int:document_id>/edit/", views.document_edit, name="document_edit"),
    path("documents/<int:document_id>/delete/", views.document_delete, name="document_delete"),
    path("documents/<int:document_id>/amendments/", views.amendment_add, name="amendment_add"),
    path("amendments/<int:amendment_id>/delete/", views.amendment_delete, name="amendment_delete"),
    path("<int:body_id>/<int:year>/", views.year, name="year"),
    path("<int:body_id>/<int:year>/cells/<str:code>/", views.cell, name="cell"),
    path("<int:body_id>/<int:year>/figures/<slug:item>/", views.figure_edit, name="figure_edit"),
    path("figures/<int:figure_id>/delete/", views.figure_delete, name="figure_delete"),
    path("<int:body_id>/import/<slug:what>/", views.import_view, name="import"),
    path("template/<slug:what>.<slug:fmt>", views.template_download, name="template"),
    path("<int:body_id>/export/<slug:what>.<slug:fmt>", views.export, name="export"),
]
