from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from xxgk.web.letters import views

app_name = "letters"
urlpatterns: list[URLPattern | URLResolver] = [
    path("templates/", views.template_list_view, name="templates"),
    path("templates/<int:body_id>/<str:slot>/", views.template_detail_view, name="template"),
    path("templates/<int:body_id>/<str:slot>/download/", views.template_download_view, name="template_download"),
    path("templates/<int:body_id>/<str:slot>/default/", views.template_default_view, name="template_default"),
    path("templates/<int:body_id>/<str:slot>/reset/", views.template_reset_view, name="template_reset"),
    path("case/<int:case_id>/generate/<int:event_seq>/", views.letter_generate_view, name="generate"),
    path("<int:letter_id>/download/", views.letter_download_view, name="download"),
]
