"""/healthz: is PostgreSQL answering, is Redis answering, can the Celery broker be reached."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.db import connection
from django_redis import get_redis_connection
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_cache() -> None:
    get_redis_connection("default").ping()


def _check_broker() -> None:
    from config.celery import app

    with app.connection_for_write() as broker:
        broker.ensure_connection(max_retries=1, timeout=2)


CHECKS: dict[str, Callable[[], None]] = {
    "database": _check_database,
    "cache": _check_cache,
    "broker": _check_broker,
}


def health_report() -> tuple[bool, dict[str, object]]:
    results: dict[str, dict[str, object]] = {}
    healthy = True
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            check()
        except Exception as exc:  # noqa: BLE001 - any failure of a peer is a failed check, reported by name
            healthy = False
            results[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
        else:
            results[name] = {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 2)}
    body: dict[str, object] = {"status": "ok" if healthy else "unavailable", "checks": results}
    if not healthy:
        body["error"] = {"code": "unhealthy", "message": "A required service is not answering.", "fields": {}}
    return healthy, body


class HealthView(APIView):
    """Liveness and readiness for load balancers and monitors; open to anyone, on every host."""

    authentication_classes: list[type[BaseAuthentication]] = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="healthz",
        responses={200: OpenApiTypes.OBJECT, 503: OpenApiTypes.OBJECT},
        summary="Check PostgreSQL, Redis and the Celery broker",
    )
    def get(self, request: Request) -> Response:
        healthy, body = health_report()
        return Response(body, status=200 if healthy else 503)
