"""Which tenant a host name belongs to, cached in Redis so routing costs no database query per request."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache
from django_tenants.utils import schema_context
from redis.exceptions import RedisError

from tenants.models import Domain, Tenant

logger = logging.getLogger(__name__)

# Unknown hosts are remembered briefly, so a flood of made-up names does not reach PostgreSQL.
UNKNOWN_HOST_CACHE_SECONDS = 30
_UNKNOWN = "unknown"


def _key(hostname: str) -> str:
    return f"tenant-host:{hostname}"


def public_hostnames() -> frozenset[str]:
    return frozenset({settings.BASE_DOMAIN, f"www.{settings.BASE_DOMAIN}"})


def tenant_for_host(hostname: str) -> Tenant | None:
    """The tenant that `hostname` (lowercase, no port) routes to, or None.

    With Redis unreachable, routing goes on from PostgreSQL alone (and /healthz says Redis is down).
    """
    with schema_context(settings.PUBLIC_SCHEMA_NAME):
        try:
            cached = cache.get(_key(hostname))
        except RedisError:
            logger.warning("host cache unreachable; routing %s from the database", hostname)
            return _tenant_from_database(hostname)
        if isinstance(cached, Tenant):
            return cached
        if cached == _UNKNOWN:
            return None
        tenant = _tenant_from_database(hostname)
        try:
            if tenant is None:
                cache.set(_key(hostname), _UNKNOWN, UNKNOWN_HOST_CACHE_SECONDS)
            else:
                cache.set(_key(hostname), tenant, settings.TENANT_HOST_CACHE_SECONDS)
        except RedisError:
            logger.warning("host cache unreachable; %s not cached", hostname)
        return tenant


def _tenant_from_database(hostname: str) -> Tenant | None:
    domain = Domain.objects.select_related("tenant").filter(domain=hostname).first()
    return domain.tenant if domain is not None else None


def host_cache_forget(hostname: str) -> None:
    """Drop a host's cached route. Raises RedisError when Redis is down: a stale route must not go unnoticed."""
    with schema_context(settings.PUBLIC_SCHEMA_NAME):
        cache.delete(_key(hostname))


def tenant_hosts_forget(tenant: Tenant) -> None:
    """Forget every cached host of a tenant, after its row changed."""
    for hostname in Domain.objects.filter(tenant_id=tenant.pk).values_list("domain", flat=True):
        host_cache_forget(hostname)
