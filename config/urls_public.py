"""URLs of the public site (BASE_DOMAIN and www.BASE_DOMAIN)."""

from config.urls_common import handler400, handler403, handler404, handler500
from config.urls_common import urlpatterns as common_urlpatterns

urlpatterns = [*common_urlpatterns]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
