"""URL configuration of the xxgk web application."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from xxgk.web.security.views import ThrottledLoginView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="cases:list", permanent=False), name="home"),
    path("accounts/login/", ThrottledLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("cases/", include("xxgk.web.cases.urls")),
    path("calendar/", include("xxgk.web.workcalendar.urls")),
    path("bodies/", include("xxgk.web.tenancy.urls")),
    path("api/", include("xxgk.web.api.urls")),
    path("letters/", include("xxgk.web.letters.urls")),
    path("portal/", include("xxgk.web.portal.urls")),
    path("proactive/", include("xxgk.web.proactive.urls")),
    path("open/", include("xxgk.web.proactive.public_urls")),
    path("registers/", include("xxgk.web.registers.urls")),
    path("litigation/", include("xxgk.web.litigation.urls")),
    path("reports/", include("xxgk.web.reports.urls")),
    path("oversight/", include("xxgk.web.oversight.urls")),
    path("jobs/", include("xxgk.web.jobs.urls")),
    path("security/", include("xxgk.web.security.urls")),
    path("", include("xxgk.web.ops.urls")),
]

# Chinese error pages without tracebacks, with the request id (but on 404: see xxgk.web.security.errors)
handler400 = "xxgk.web.security.errors.bad_request"
handler403 = "xxgk.web.security.errors.permission_denied"
handler404 = "xxgk.web.security.errors.page_not_found"
handler500 = "xxgk.web.security.errors.server_error"
