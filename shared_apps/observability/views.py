"""/metrics for Prometheus, behind a bearer token (METRICS_TOKEN); unset token: the endpoint does not exist.

Answered by RequestObservabilityMiddleware on any host, before tenant routing."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST

from shared_apps.common.errors import error_response
from shared_apps.observability.metrics import metrics_exposition


def _bearer_token(request: HttpRequest) -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    expected = str(settings.METRICS_TOKEN)
    if not expected:
        return error_response(404, "not_found", "Not found.")
    if not hmac.compare_digest(_bearer_token(request).encode(), expected.encode()):
        response = error_response(401, "not_authenticated", "A valid metrics token is required.")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(metrics_exposition(), content_type=CONTENT_TYPE_LATEST)
