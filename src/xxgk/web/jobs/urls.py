from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from xxgk.web.jobs import views

app_name = "jobs"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.job_list_view, name="list"),
    path("batch-check/new/", views.batch_check_new_view, name="batch_check_new"),
    path("<int:job_id>/", views.job_detail_view, name="detail"),
    path("<int:job_id>/progress.json", views.job_progress_view, name="progress"),
    path("<int:job_id>/files/<int:file_id>/", views.job_file_view, name="file"),
    path("<int:job_id>/cancel/", views.job_cancel_view, name="cancel"),
    path("<int:job_id>/retry/", views.job_retry_view, name="retry"),
]
