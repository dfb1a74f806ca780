from __future__ import annotations

from django.urls import path

from xxgk.web.tenancy import views

app_name = "tenancy"
urlpatterns = [
    path("", views.body_list, name="list"),
    path("<int:body_id>/", views.body_detail, name="detail"),
]
