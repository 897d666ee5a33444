"""URLs of the public site (BASE_DOMAIN and www.BASE_DOMAIN)."""

from config.urls_common import common_urlpatterns, handler400, handler403, handler404, handler500

urlpatterns = [*common_urlpatterns("config.urls_public")]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
