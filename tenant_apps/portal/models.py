"""What the portal keeps per person: when they last looked at their notifications."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class NotificationsSeen(models.Model):
    """Notifications are computed from the state of mail, sends and billing (tenant_apps/portal/notifications.py);
    only the moment a person last opened them is stored, and what happened after it counts as unread."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+")
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"notifications of user {self.user_id} seen at {self.seen_at:%Y-%m-%d %H:%M}"
