"""Which tenant a host name belongs to, cached in Redis so routing costs no database query per request."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django_tenants.utils import schema_context

from tenants.models import Domain, Tenant

# Unknown hosts are remembered briefly, so a flood of made-up names does not reach PostgreSQL.
UNKNOWN_HOST_CACHE_SECONDS = 30
_UNKNOWN = "unknown"


def _key(hostname: str) -> str:
    return f"tenant-host:{hostname}"


def public_hostnames() -> frozenset[str]:
    return frozenset({settings.BASE_DOMAIN, f"www.{settings.BASE_DOMAIN}"})


def tenant_for_host(hostname: str) -> Tenant | None:
    """The tenant that `hostname` (lowercase, no port) routes to, or None."""
    with schema_context(settings.PUBLIC_SCHEMA_NAME):
        cached = cache.get(_key(hostname))
        if isinstance(cached, Tenant):
            return cached
        if cached == _UNKNOWN:
            return None
        domain = Domain.objects.select_related("tenant").filter(domain=hostname).first()
        if domain is None:
            cache.set(_key(hostname), _UNKNOWN, UNKNOWN_HOST_CACHE_SECONDS)
            return None
        cache.set(_key(hostname), domain.tenant, settings.TENANT_HOST_CACHE_SECONDS)
        return domain.tenant


def host_cache_forget(hostname: str) -> None:
    with schema_context(settings.PUBLIC_SCHEMA_NAME):
        cache.delete(_key(hostname))


def tenant_hosts_forget(tenant: Tenant) -> None:
    """Forget every cached host of a tenant, after its row changed."""
    for hostname in Domain.objects.filter(tenant_id=tenant.pk).values_list("domain", flat=True):
        host_cache_forget(hostname)
