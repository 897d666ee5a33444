"""The company's audit log: one append-only row per security-relevant action, kept in the tenant schema."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone


class AuditAction(models.TextChoices):
    """The fixed catalogue of what is recorded; the API filters by these values."""

    SIGN_IN = "auth.sign_in", "Signed in"
    SIGN_IN_FAILED = "auth.sign_in_failed", "Sign-in failed"
    SIGN_OUT_EVERYWHERE = "auth.sign_out_everywhere", "Signed out everywhere"
    PASSWORD_RESET = "auth.password_reset", "Password reset"
    PASSWORD_CHANGE = "auth.password_change", "Password changed"
    USER_ROLE_CHANGE = "user.role_change", "Role changed"
    USER_DEACTIVATE = "user.deactivate", "User deactivated"
    USER_REACTIVATE = "user.reactivate", "User reactivated"
    INVITATION_CREATE = "invitation.create", "Invitation sent"
    INVITATION_REVOKE = "invitation.revoke", "Invitation revoked"
    INVITATION_ACCEPT = "invitation.accept", "Invitation accepted"
    API_TOKEN_CREATE = "api_token.create", "API token created"
    API_TOKEN_REVOKE = "api_token.revoke", "API token revoked"
    SETTINGS_CHANGE = "settings.change", "Company settings changed"
    LOGO_CHANGE = "settings.logo_change", "Company logo changed"
    MAIL_ACCOUNT_CREATE = "mail_account.create", "Mail account connected"
    MAIL_ACCOUNT_DELETE = "mail_account.delete", "Mail account removed"
    MAIL_ACCOUNT_SHARE = "mail_account.share", "Mail account sharing changed"


class AppendOnlyError(Exception):
    """An audit row is never changed or deleted once written."""


class AuditEvent(models.Model):
    at = models.DateTimeField(default=timezone.now)
    # Plain ids and snapshots, not foreign keys: the row keeps saying who and what even after renames.
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_email = models.CharField(max_length=254, blank=True, default="")
    action = models.CharField(max_length=40, choices=AuditAction.choices)
    target_type = models.CharField(max_length=40, blank=True, default="")
    target_id = models.CharField(max_length=64, blank=True, default="")
    target_label = models.CharField(max_length=200, blank=True, default="")
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True, default="")
    request_id = models.CharField(max_length=128, blank=True, default="")
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-id"]
        # Keyset pagination walks -id; each filter the API offers narrows by one of these first.
        indexes = [
            models.Index(fields=["action", "-id"], name="audit_action_id"),
            models.Index(fields=["actor_id", "-id"], name="audit_actor_id"),
            models.Index(fields=["at"], name="audit_at"),
        ]

    def __str__(self) -> str:
        return f"{self.action} by {self.actor_email or 'anonymous'} at {self.at:%Y-%m-%d %H:%M:%S}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit events cannot be deleted.")
