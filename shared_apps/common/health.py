"""/healthz: the process is alive and serving. /readyz: PostgreSQL, Redis and the Celery broker answer, and the
public schema and the tenant template are at the code's migrations (a deploy that skipped tenants_migrate is not
ready)."""

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


def _check_migrations() -> None:
    from tenants.schemas import applied_migrations, expected_migrations, template_schema_name

    expected = expected_migrations()
    for schema in ("public", template_schema_name()):
        missing = expected - (applied_migrations(schema) or frozenset())
        if missing:
            names = ", ".join(f"{app}.{name}" for app, name in sorted(missing)[:5])
            raise RuntimeError(f"schema {schema} lacks {len(missing)} migration(s): {names}; run tenants_migrate")


CHECKS: dict[str, Callable[[], None]] = {
    "database": _check_database,
    "cache": _check_cache,
    "broker": _check_broker,
    "migrations": _check_migrations,
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
    """Liveness: answers while the process can serve requests, whatever its peers do; open to anyone."""

    authentication_classes: list[type[BaseAuthentication]] = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="healthz",
        responses={200: OpenApiTypes.OBJECT},
        summary="Liveness: the web process is up (peers are checked by /readyz)",
    )
    def get(self, request: Request) -> Response:
        return Response({"status": "ok"})


class ReadyView(APIView):
    """Readiness for load balancers and deploys: every peer answers and migrations are current."""

    authentication_classes: list[type[BaseAuthentication]] = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="readyz",
        responses={200: OpenApiTypes.OBJECT, 503: OpenApiTypes.OBJECT},
        summary="Readiness: PostgreSQL, Redis, the Celery broker and current migrations",
    )
    def get(self, request: Request) -> Response:
        healthy, body = health_report()
        return Response(body, status=200 if healthy else 503)
