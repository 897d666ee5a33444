"""The fixed catalogue of events a webhook endpoint may subscribe to."""

from __future__ import annotations

from django.db import models


class EventType(models.TextChoices):
    USER_INVITED = "user.invited", "A colleague was invited"
    USER_JOINED = "user.joined", "An invitation was accepted"
    MAIL_ACCOUNT_STATUS_CHANGED = "mail_account.status_changed", "A mail account's status changed"
    MAIL_SENT = "mail.sent", "A message was sent"
    MAIL_SEND_FAILED = "mail.send_failed", "A message could not be sent"
    # Only sent by "Send test event"; every endpoint receives it whatever it subscribed to.
    PING = "webhook.test", "Test event"


SUBSCRIBABLE_EVENTS = [choice for choice in EventType.values if choice != EventType.PING]
