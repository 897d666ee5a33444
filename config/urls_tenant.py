"""URLs of a company's own host (<subdomain>.BASE_DOMAIN)."""

from django.urls import include, path

from config.urls_common import common_urlpatterns, handler400, handler403, handler404, handler500
from shared_apps.operations.media import TenantMediaView

urlpatterns = [
    *common_urlpatterns("config.urls_tenant"),
    path("api/", include("tenant_apps.accounts.urls")),
    path("api/mail/", include("tenant_apps.mail.urls")),
    path("api/webhooks/", include("tenant_apps.webhooks.urls")),
    path("api/", include("tenant_apps.portal.urls")),
    path("api/", include("tenant_apps.audit.urls")),
    path("api/", include("shared_apps.signup.urls_tenant")),
    path("api/", include("shared_apps.billing.urls_tenant")),
    path("api/", include("tenants.urls_tenant")),
    path("media/<path:path>", TenantMediaView.as_view(), name="media"),
    path("", include("shared_apps.frontend.urls")),
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
