"""URLs of a company's own host (<subdomain>.BASE_DOMAIN)."""

from django.urls import include, path

from config.urls_common import common_urlpatterns, handler400, handler403, handler404, handler500

urlpatterns = [
    *common_urlpatterns("config.urls_tenant"),
    path("api/", include("tenant_apps.accounts.urls")),
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
