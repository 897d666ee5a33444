"""Reading the audit log: owners and admins only, newest first, narrowed by action, actor and time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from tenant_apps.accounts.models import User
from tenant_apps.accounts.selectors import require_admin
from tenant_apps.audit.models import AuditEvent


@dataclass(frozen=True)
class AuditEventFilters:
    action: str | None = None
    actor_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None


def audit_event_list(*, actor: User, filters: AuditEventFilters) -> QuerySet[AuditEvent]:
    require_admin(actor)
    events = AuditEvent.objects.all()
    if filters.action is not None:
        events = events.filter(action=filters.action)
    if filters.actor_id is not None:
        events = events.filter(actor_id=filters.actor_id)
    if filters.since is not None:
        events = events.filter(at__gte=filters.since)
    if filters.until is not None:
        events = events.filter(at__lt=filters.until)
    return events.order_by("-id")
