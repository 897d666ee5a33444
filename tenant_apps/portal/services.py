"""Writes of the portal: marking one's notifications as seen."""

from __future__ import annotations

from datetime import datetime

from tenant_apps.accounts.models import User
from tenant_apps.portal.models import NotificationsSeen


def notifications_mark_seen(*, actor: User, now: datetime) -> None:
    NotificationsSeen.objects.update_or_create(user=actor, defaults={"seen_at": now})
