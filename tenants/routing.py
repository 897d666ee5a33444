"""Which tenant a host name belongs to: remembered by each process while the *route generation* in Redis holds.

A route costs no database query and no unpickling per request: each process keeps the tenant's row for a host
together with the route generation it was read under (a random number in Redis, replaced by host_cache_forget and
tenant_hosts_forget, which the services call after every change of a Domain or Tenant row that matters). A request
reads the generation and uses the remembered route only when it matches, so a change on one worker reroutes every
worker at its next request. The generation is read before the database (or the shared Redis copy of the route), so a
route read while it changes is stored under the old value and never used.

For a host this process knows, the same round trip (one MGET) also reads the company's other generations a
request needs (`also_read`: the auth and billing ones), so a request of a known company pays one Redis round trip
for all of them. With Redis unreachable, routing goes on from PostgreSQL alone (and /healthz says Redis is down)
and the process forgets what it remembered, since a change made meanwhile could not be announced. Entries also
expire after TENANT_HOST_CACHE_SECONDS whatever the generation says.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS
from django_redis import get_redis_connection
from django_tenants.utils import schema_context
from redis.exceptions import RedisError

from shared_apps.common.generations import generation_new
from tenants.models import Domain, Tenant

logger = logging.getLogger(__name__)

# Unknown hosts are remembered briefly, so a flood of made-up names does not reach PostgreSQL.
UNKNOWN_HOST_CACHE_SECONDS = 30
_UNKNOWN = "unknown"
# A bound on memory: past it the process starts over (made-up host names must not grow it without end).
MAX_ENTRIES = 10_000

_TENANT_FIELDS = tuple(field.attname for field in Tenant._meta.concrete_fields)


@dataclass(frozen=True)
class _Route:
    generation: bytes
    expires_at: float
    # The tenant's row; None for a host that routes nowhere.
    tenant_values: tuple[Any, ...] | None


_routes: dict[str, _Route] = {}


@dataclass(frozen=True)
class Routed:
    """A host's tenant (None: unknown host) and what `also_read` asked of Redis in the same round trip.

    `also` is None when those keys were not read (first request of the host in this process, or Redis down);
    a value inside it is None when that key is not set yet.
    """

    tenant: Tenant | None
    also: tuple[bytes | None, ...] | None = None


def _key(hostname: str) -> str:
    return f"tenant-host:{hostname}"


def route_generation_key() -> str:
    return f"{settings.CACHES['default'].get('KEY_PREFIX', '')}:route-generation"


def public_hostnames() -> frozenset[str]:
    return frozenset({settings.BASE_DOMAIN, f"www.{settings.BASE_DOMAIN}"})


def tenant_for_host(hostname: str) -> Tenant | None:
    """The tenant that `hostname` (lowercase, no port) routes to, or None."""
    return tenant_route(hostname).tenant


def tenant_route(hostname: str, also_read: Callable[[Tenant], Sequence[str]] | None = None) -> Routed:
    """The tenant that `hostname` routes to and, for a host this process knows, the Redis keys `also_read` names
    for that tenant, all read in one round trip. Each call returns a new Tenant instance."""
    route = _routes.get(hostname)
    # Read with a route that turned out stale: still good if the host goes on to the same company.
    prefetched: tuple[bytes | None, ...] | None = None
    prefetched_for: tuple[Any, str] | None = None
    try:
        redis = get_redis_connection("default")
        if route is not None and route.tenant_values is not None and also_read is not None:
            remembered = _tenant_from(route.tenant_values)
            values = redis.mget([route_generation_key(), *also_read(remembered)])
            generation = values[0]
            prefetched = tuple(values[1:])
            if generation is not None and generation == route.generation and time.monotonic() < route.expires_at:
                return Routed(tenant=remembered, also=prefetched)
            prefetched_for = (remembered.pk, remembered.schema_name)
        else:
            generation = redis.get(route_generation_key())
            if generation is not None and route is not None and generation == route.generation:
                if time.monotonic() < route.expires_at:
                    return Routed(tenant=_tenant_from(route.tenant_values) if route.tenant_values else None)
        if generation is None:
            redis.set(route_generation_key(), generation_new(), nx=True)
            generation = redis.get(route_generation_key())
    except RedisError:
        logger.warning("host cache unreachable; routing %s from the database", hostname)
        _routes.clear()
        with schema_context(settings.PUBLIC_SCHEMA_NAME):
            return Routed(tenant=_tenant_from_database(hostname))
    tenant = _tenant_shared(hostname)
    if generation is not None:
        if len(_routes) >= MAX_ENTRIES:
            _routes.clear()
        seconds = settings.TENANT_HOST_CACHE_SECONDS if tenant is not None else UNKNOWN_HOST_CACHE_SECONDS
        _routes[hostname] = _Route(
            generation=bytes(generation),
            expires_at=time.monotonic() + seconds,
            tenant_values=tuple(getattr(tenant, name) for name in _TENANT_FIELDS) if tenant is not None else None,
        )
    same_company = tenant is not None and prefetched_for == (tenant.pk, tenant.schema_name)
    return Routed(tenant=tenant, also=prefetched if same_company else None)


def _tenant_from(values: tuple[Any, ...]) -> Tenant:
    return Tenant.from_db(DEFAULT_DB_ALIAS, _TENANT_FIELDS, values)


def _tenant_shared(hostname: str) -> Tenant | None:
    """The route from the copy shared in Redis (so a new process does not ask PostgreSQL), else the database."""
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


def route_generation_replace() -> None:
    """Retire every route every process remembers. Raises RedisError when Redis is down."""
    get_redis_connection("default").set(route_generation_key(), generation_new())


def host_cache_forget(hostname: str) -> None:
    """Drop a host's cached route, in Redis and in every process. Raises RedisError when Redis is down: a stale
    route must not go unnoticed."""
    with schema_context(settings.PUBLIC_SCHEMA_NAME):
        cache.delete(_key(hostname))
    route_generation_replace()


def tenant_hosts_forget(tenant: Tenant) -> None:
    """Forget every cached host of a tenant, after its row changed."""
    for hostname in Domain.objects.filter(tenant_id=tenant.pk).values_list("domain", flat=True):
        with schema_context(settings.PUBLIC_SCHEMA_NAME):
            cache.delete(_key(hostname))
    route_generation_replace()


def routes_forget() -> None:
    """Forget every route this process remembered (tests)."""
    _routes.clear()
