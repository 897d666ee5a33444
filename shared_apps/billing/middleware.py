"""Read-only companies: on a company's host, every write is refused while reads (and export) keep working.

Placed after routing and authentication. Only non-safe methods cost anything (the company's billing row, as the
process remembers it while its billing generation, read with the route, holds: shared_apps.billing.account_cache);
signing in and out, password resets, the login handoff and the billing endpoints that bring a company back
stay open.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from shared_apps.billing.selectors import READ_ONLY_MESSAGES, tenant_access
from shared_apps.common.errors import error_response

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# URL names (of config.urls_tenant) a read-only company can still call.
ALWAYS_OPEN = frozenset(
    {
        "auth-login",
        "auth-logout",
        "auth-logout-everywhere",
        "auth-password-reset",
        "auth-password-reset-confirm",
        "auth-handoff",
        "billing-checkout",
        "billing-portal",
    }
)


class TenantReadOnlyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        tenant = getattr(request, "tenant", None)
        if tenant is None or request.method in SAFE_METHODS:
            return None
        match = request.resolver_match
        if match is not None and match.url_name in ALWAYS_OPEN:
            return None
        access = tenant_access(tenant_id=tenant.pk, generations=getattr(request, "billing_generations", None))
        if not access.read_only:
            return None
        status = 403 if access.reason == "suspended" else 402
        return error_response(status, "tenant_read_only", READ_ONLY_MESSAGES[access.reason])
