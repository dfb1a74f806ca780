"""Staff pages of proactive disclosure (``/proactive/``), namespace ``proactive``."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from xxgk.web.proactive import views as v

app_name = "proactive"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", v.item_list_view, name="list"),
    path("new/", v.item_create_view, name="create"),
    path("tasks/", v.tasks_view, name="tasks"),
    path("from-case/<int:case_id>/", v.item_from_case_view, name="from_case"),
    path("settings/", v.settings_index_view, name="settings"),
    path("settings/<int:body_id>/chain/", v.chain_edit_view, name="chain"),
    path("settings/<int:body_id>/catalogue/", v.catalogue_settings_view, name="catalogue_settings"),
    path("settings/<int:body_id>/guide/", v.guide_edit_view, name="guide"),
    path("<int:item_id>/", v.item_detail_view, name="detail"),
    path("<int:item_id>/edit/", v.item_edit_view, name="edit"),
    path("<int:item_id>/submit/", v.item_submit_view, name="submit"),
    path("<int:item_id>/decide/", v.item_decide_view, name="decide"),
    path("<int:item_id>/publish/", v.item_publish_view, name="publish"),
    path("<int:item_id>/withdraw/", v.item_withdraw_view, name="withdraw"),
    path("<int:item_id>/files/", v.item_attach_view, name="attach"),
    path("<int:item_id>/files/<int:attachment_id>/", v.attachment_view, name="attachment"),
    path("<int:item_id>/files/<int:attachment_id>/delete/", v.item_detach_view, name="detach"),
]
