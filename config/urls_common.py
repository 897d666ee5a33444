"""Routes served on every host: health, the OpenAPI contract of that host's URLconf and its interactive docs."""

from django.urls import URLPattern, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from shared_apps.common.health import HealthView, ReadyView


def common_urlpatterns(urlconf: str) -> list[URLPattern]:
    """Health, and the OpenAPI schema and docs describing the routes of `urlconf` (public or tenant)."""
    return [
        path("healthz", HealthView.as_view(), name="healthz"),
        path("readyz", ReadyView.as_view(), name="readyz"),
        path("api/schema/", SpectacularAPIView.as_view(urlconf=urlconf), name="schema"),
        path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    ]


handler400 = "shared_apps.common.errors.bad_request"
handler403 = "shared_apps.common.errors.permission_denied"
handler404 = "shared_apps.common.errors.not_found"
handler500 = "shared_apps.common.errors.server_error"
