"""The public site (``/open/``), namespace ``public``."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from xxgk.web.proactive import public_views as v

app_name = "public"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", v.open_index_view, name="index"),
    path("<slug:body_code>/", v.open_body_view, name="body"),
    path("<slug:body_code>/catalogue/", v.open_catalogue_view, name="catalogue"),
    path("<slug:body_code>/items/<int:item_id>/", v.open_item_view, name="item"),
    path(
        "<slug:body_code>/items/<int:item_id>/files/<int:attachment_id>/",
        v.open_attachment_view,
        name="attachment",
    ),
    path("<slug:body_code>/guide/", v.open_guide_view, name="guide"),
    path("<slug:body_code>/reports/", v.open_reports_view, name="reports"),
]
