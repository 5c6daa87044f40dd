from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path, register_converter
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import last_modified
from django.views.i18n import JavaScriptCatalog
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from marketplace.converters import PublicIdConverter
from marketplace.views import healthz, service_worker

register_converter(PublicIdConverter, "public_id")

# The JSON API, version 1: each app's endpoints, the OpenAPI 3.1 schema and its interactive docs (Swagger
# UI served from static files by drf-spectacular-sidecar).
api_v1 = [
    path("", include("accounts.api.urls")),
    path("", include("ads.api.urls")),
    path("", include("notifications.api.urls")),
    path("", include("chat.api.urls")),
    path("", include("chat.moderation.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Its own template: Swagger UI's page without the inline <style> the site's CSP refuses.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api_docs.html"),
        name="api-docs",
    ),
]

# The JavaScript strings' translations (gettext() in static/js), for the language of the request; the
# browser revalidates against the server's start time, when catalogues change.
SERVER_STARTED_AT = timezone.now()

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path(
        "jsi18n/",
        last_modified(lambda request: SERVER_STARTED_AT)(JavaScriptCatalog.as_view()),
        name="javascript-catalog",
    ),
    path("sw.js", service_worker, name="service_worker"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("chat/", include("chat.urls")),
    path("chat/", include("chat.moderation.urls")),
    path("users/", include("chat.urls_profiles")),
    path("notifications/", include("notifications.urls")),
    path("api/v1/", include(api_v1)),
    path("", include("ads.urls")),
]

if settings.MARKETPLACE_SERVE_MEDIA:
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}, name="media"),
    ]

handler404 = "marketplace.views.not_found"
handler500 = "marketplace.views.server_error"

admin.site.site_header = _("Marketplace moderation")
admin.site.site_title = _("Marketplace moderation")
