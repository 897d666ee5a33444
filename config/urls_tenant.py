"""URLs of a company's own host (<subdomain>.BASE_DOMAIN)."""

from django.urls import include, path

from config.urls_common import handler400, handler403, handler404, handler500
from config.urls_common import urlpatterns as common_urlpatterns

urlpatterns = [
    *common_urlpatterns,
    path("api/", include("tenant_apps.accounts.urls")),
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
