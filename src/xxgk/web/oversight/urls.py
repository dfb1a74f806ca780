from __future__ import annotations

from django.urls import path

from xxgk.web.oversight import views

app_name = "oversight"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:body_id>/<int:year>/", views.overview_view, name="overview"),
    path("<int:body_id>/<int:year>/combined/", views.combined_view, name="combined"),
    path("<int:body_id>/<int:year>/combined.<slug:fmt>", views.combined_download, name="combined_download"),
    path("<int:body_id>/<int:year>/upload/", views.upload_view, name="upload"),
    path("<int:body_id>/<int:year>/upload-zip/", views.upload_zip_view, name="upload_zip"),
    path("external/<int:report_id>/", views.external_view, name="external"),
    path("external/<int:report_id>/file", views.external_file, name="external_file"),
    path("external/<int:report_id>/withdraw/", views.external_withdraw, name="external_withdraw"),
]
