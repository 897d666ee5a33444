"""Per request: a request id (X-Request-ID in and out), the log context, one access log line and the metrics.

It sits first in MIDDLEWARE so that it also sees requests the tenant routing answers itself (unknown hosts).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from shared_apps.observability import metrics
from shared_apps.observability.context import context_begin, request_id_accept
from shared_apps.observability.views import metrics_view

access_logger = logging.getLogger("atrium.access")

REQUEST_ID_HEADER = "X-Request-ID"
METRICS_PATH = "/metrics"


def request_route(request: HttpRequest) -> str:
    """The URL pattern that answered (low cardinality, unlike the path), or a fixed word when none did."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "<unrouted>"
    return "/" + str(match.route)


class RequestObservabilityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_accept(request.headers.get(REQUEST_ID_HEADER))
        # Not ended when the response leaves: Django logs the request's 4xx/5xx warning after the middleware
        # chain returns, and that line belongs to the request too. The next request replaces the context.
        context = context_begin(request_id=request_id, request=request)
        if request.path == METRICS_PATH:
            # Before host routing: Prometheus scrapes each web container by its address (web:8000), which is
            # no company's host. The token guards it; nginx never passes /metrics from outside.
            return metrics_view(request)
        started = time.perf_counter()
        response = self.get_response(request)
        duration = time.perf_counter() - started
        response[REQUEST_ID_HEADER] = request_id
        route = request_route(request)
        tenant = getattr(request, "tenant", None)
        if tenant is not None:
            context.tenant_schema = tenant.schema_name
            metrics.tenant_requests.labels(tenant=tenant.schema_name).inc()
        metrics.http_requests.labels(method=request.method, route=route, status=str(response.status_code)).inc()
        metrics.http_request_duration.labels(method=request.method, route=route).observe(duration)
        access_logger.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "route": route,
                "status": response.status_code,
                "duration_ms": round(duration * 1000, 2),
            },
        )
        return response
