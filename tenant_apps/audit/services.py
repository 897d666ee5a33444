"""Writing the audit log: `audit_record` is the one way in, called from the services that do the recorded actions.

A row is written in a savepoint of the caller's transaction (so a rolled-back action leaves no row), and a
failure to write it is logged and swallowed: recording an action never breaks the action itself.
"""

from __future__ import annotations

import ipaddress
import logging
from typing import Any

from django.db import DatabaseError, models, transaction
from django.http import HttpRequest

from shared_apps.observability.context import context_current
from tenant_apps.accounts.models import User
from tenant_apps.accounts.ratelimit import client_ip
from tenant_apps.audit.models import AuditAction, AuditEvent

logger = logging.getLogger(__name__)

# Detail keys that look like credentials are dropped, whatever a caller passes.
SECRET_KEY_PARTS = ("password", "secret", "token", "key", "credential", "authorization")
USER_AGENT_MAX = 300


def _details_clean(details: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in details.items() if not any(part in key.lower() for part in SECRET_KEY_PARTS)}


def _http_request(actor_or_request: User | HttpRequest | None) -> HttpRequest | None:
    if isinstance(actor_or_request, HttpRequest):
        return actor_or_request
    context = context_current()
    request = getattr(context, "request", None)
    return request if isinstance(request, HttpRequest) else None


def _actor(actor_or_request: User | HttpRequest | None) -> User | None:
    if isinstance(actor_or_request, User):
        return actor_or_request
    if isinstance(actor_or_request, HttpRequest):
        # Only a user already known to the request: reading it must not run authentication again.
        user = actor_or_request.__dict__.get("user")
        wrapped = getattr(user, "_wrapped", user)
        return wrapped if isinstance(wrapped, User) else None
    return None


def _ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    try:
        return str(ipaddress.ip_address(client_ip(request)))
    except ValueError:
        return None  # the test client's or a proxy's odd REMOTE_ADDR: the row is still worth having


def _target_fields(target: models.Model | None) -> dict[str, str]:
    if target is None:
        return {}
    return {
        "target_type": target._meta.model_name or "",
        "target_id": str(target.pk),
        "target_label": str(target)[:200],
    }


def audit_event_build(
    actor_or_request: User | HttpRequest | None,
    action: AuditAction,
    target: models.Model | None = None,
    **details: Any,
) -> AuditEvent:
    """The row for `action`: who did it (a user, or the request of whoever it was), from where, to what."""
    actor = _actor(actor_or_request)
    request = _http_request(actor_or_request)
    context = context_current()
    return AuditEvent(
        actor_id=actor.pk if actor is not None else None,
        actor_email=actor.email if actor is not None else "",
        action=action,
        ip=_ip(request),
        user_agent=str(request.META.get("HTTP_USER_AGENT", ""))[:USER_AGENT_MAX] if request is not None else "",
        request_id=context.request_id if context is not None else "",
        details=_details_clean(details),
        **_target_fields(target),
    )


def audit_record(
    actor_or_request: User | HttpRequest | None,
    action: AuditAction,
    target: models.Model | None = None,
    **details: Any,
) -> AuditEvent | None:
    """Append one audit row; None (and a logged error) when it could not be written."""
    try:
        event = audit_event_build(actor_or_request, action, target, **details)
        with transaction.atomic():
            event.save()
    except (DatabaseError, ValueError, TypeError):
        logger.exception("audit event %s could not be recorded", action)
        return None
    return event
