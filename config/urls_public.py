"""URLs of the public site (BASE_DOMAIN and www.BASE_DOMAIN)."""

from django.urls import include, path

from config.urls_common import common_urlpatterns, handler400, handler403, handler404, handler500
from shared_apps.platform_admin.site import platform_admin_site
from tenant_apps.mail.views_oauth import OAuthCallbackView

urlpatterns = [
    *common_urlpatterns("config.urls_public"),
    path("api/", include("tenants.urls")),
    path("api/", include("shared_apps.signup.urls_public")),
    path("api/", include("shared_apps.billing.urls_public")),
    # The one OAuth2 redirect URI of every mail provider; it bounces to the company host (decision 0010).
    path("api/mail/oauth/callback", OAuthCallbackView.as_view(), name="mail-oauth-callback"),
    # Platform staff only; never in the tenant URLconf.
    path("admin/", platform_admin_site.urls),
    path("", include("shared_apps.frontend.urls")),
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
