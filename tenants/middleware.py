"""Routes each request to its tenant's schema and URLconf by the Host header; unknown hosts get a JSON 404."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.urls import set_urlconf

from shared_apps.billing.account_cache import generation_keys as billing_generation_keys
from shared_apps.common.errors import error_response
from tenant_apps.accounts.token_cache import generation_key as auth_generation_key
from tenant_apps.accounts.token_cache import retired_key as auth_retired_key
from tenants.db import connection
from tenants.models import Tenant
from tenants.routing import public_hostnames, tenant_route


def request_hostname(request: HttpRequest) -> str:
    """The validated host without port, lowercase. X-Forwarded-Host is ignored (USE_X_FORWARDED_HOST is off)."""
    host = request.get_host().lower()
    if host.startswith("["):
        return host.split("]", 1)[0] + "]"
    return host.rsplit(":", 1)[0].rstrip(".")


class TenantRoutingMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        connection.set_schema_to_public()
        try:
            hostname = request_hostname(request)
        except DisallowedHost:
            return _unknown_host()
        if hostname in public_hostnames():
            request.tenant = None  # type: ignore[attr-defined]
            request.urlconf = settings.PUBLIC_SCHEMA_URLCONF
        else:
            routed = tenant_route(hostname, also_read=_company_generation_keys)
            tenant = routed.tenant
            if tenant is None:
                return _unknown_host()
            if routed.also is not None:
                # Read before any database read of this request, as token_cache and account_cache require.
                request.auth_generation = routed.also[0]  # type: ignore[attr-defined]
                request.auth_retired = routed.also[1] or b""  # type: ignore[attr-defined]
                request.billing_generations = routed.also[2:]  # type: ignore[attr-defined]
            tenant.domain_url = hostname
            request.tenant = tenant  # type: ignore[attr-defined]
            connection.set_tenant(tenant)
            request.urlconf = settings.ROOT_URLCONF
        set_urlconf(request.urlconf)
        try:
            return self.get_response(request)
        finally:
            # A worker thread serves other hosts next; it must not keep this tenant's search_path.
            connection.set_schema_to_public()


def _company_generation_keys(tenant: Tenant) -> tuple[str, ...]:
    """The company's generations a request may need, read in the routing round trip: auth (token lookups) with
    its retired tokens, billing and plans (the read-only check on writes)."""
    return (
        auth_generation_key(tenant.schema_name),
        auth_retired_key(tenant.schema_name),
        *billing_generation_keys(tenant.pk),
    )


def _unknown_host() -> HttpResponse:
    return error_response(404, "unknown_host", "No company is found at this address.")
