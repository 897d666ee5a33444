"""What every log line says about where it comes from: request id, tenant schema, user id.

One mutable LogContext per request or Celery task lives in a context variable; the web middleware and the
Celery signals fill it, the logging filter reads it. The tenant schema falls back to the database connection's
current schema, which django-tenants (web) and tenant-schemas-celery (tasks) set.
"""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

# An incoming X-Request-ID is kept only when it is short and plain; anything else gets a fresh id.
_REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


@dataclass
class LogContext:
    request_id: str = ""
    tenant_schema: str = ""
    user_id: int | None = None
    # The HttpRequest being served: its tenant and (once authenticated) its user are read lazily.
    request: Any = None


_current: ContextVar[LogContext | None] = ContextVar("atrium_log_context", default=None)


def request_id_new() -> str:
    return uuid.uuid4().hex


def request_id_accept(candidate: str | None) -> str:
    """The caller's X-Request-ID when it is a sane token, else a new id."""
    if candidate and _REQUEST_ID_PATTERN.match(candidate):
        return candidate
    return request_id_new()


def context_begin(**values: Any) -> LogContext:
    context = LogContext(**values)
    _current.set(context)
    return context


def context_end() -> None:
    _current.set(None)


def context_current() -> LogContext | None:
    return _current.get()


def _authenticated_user_id(request: Any) -> int | None:
    """The user id of a request whose user is already known, without loading it (no query from logging)."""
    user = request.__dict__.get("user")
    if user is None:
        return None
    wrapped = getattr(user, "_wrapped", user)
    # An unevaluated SimpleLazyObject holds a sentinel object without `is_authenticated`.
    if not getattr(wrapped, "is_authenticated", False):
        return None
    pk = getattr(wrapped, "pk", None)
    return pk if isinstance(pk, int) else None


def _connection_schema() -> str:
    from django.db import connection

    return str(getattr(connection, "schema_name", "") or "")


def current_fields() -> dict[str, Any]:
    """request_id, tenant_schema and user_id for the line being logged now."""
    context = _current.get()
    request_id = ""
    tenant_schema = ""
    user_id: int | None = None
    if context is not None:
        request_id = context.request_id
        tenant_schema = context.tenant_schema
        user_id = context.user_id
        if context.request is not None:
            if not tenant_schema:
                tenant = getattr(context.request, "tenant", None)
                tenant_schema = tenant.schema_name if tenant is not None else ""
            if user_id is None:
                user_id = _authenticated_user_id(context.request)
    if not tenant_schema:
        try:
            tenant_schema = _connection_schema()
        except Exception:  # noqa: BLE001 - logging before Django is set up must still work
            tenant_schema = ""
    return {"request_id": request_id, "tenant_schema": tenant_schema or "public", "user_id": user_id}
