from __future__ import annotations

from django.urls import path

from xxgk.web.workcalendar import views

app_name = "workcalendar"
urlpatterns = [
    path("", views.year_list, name="years"),
    path("add/", views.year_add, name="year_add"),
    path("<int:year>/", views.year_detail, name="year"),
    path("<int:year>/announce/", views.year_announce, name="announce"),
    path("<int:year>/days/", views.day_save, name="day_save"),
    path("day/<str:day>/delete/", views.day_delete, name="day_delete"),
]
