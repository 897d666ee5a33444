"""Emails of the accounts app, sent by Celery in the tenant's schema (tenant-schemas-celery carries it along).

Both tasks are safe to run twice: they check again, at send time, that the email is still wanted, and a
message redelivered or retried after its mail went out (same task id) does not send it again.
"""

from __future__ import annotations

import logging
from datetime import UTC
from smtplib import SMTPException
from typing import Any

from celery import Task, shared_task
from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tenant_apps.accounts.emails import invitation_email, password_reset_email
from tenant_apps.accounts.links import (
    INVITATION_ACCEPT_PATH,
    PASSWORD_RESET_CONFIRM_PATH,
    InvalidInvitationToken,
    current_schema_name,
    invitation_token_read,
    nonce_hash,
    password_reset_tokens,
    tenant_url,
)
from tenant_apps.accounts.models import Invitation, Role, User
from tenants.models import Tenant

logger = logging.getLogger(__name__)

SENT = "sent"
SKIPPED = "skipped"


# Mail tasks retry with backoff when the SMTP server fails, and are acknowledged only once done.
EMAIL_TASK_OPTIONS: dict[str, Any] = {
    "bind": True,
    "acks_late": True,
    "autoretry_for": (SMTPException, OSError),
    "retry_backoff": True,
    "max_retries": 5,
}

# How long a sent mail's task id is remembered: longer than any redelivery or retry of that message.
SENT_MARKER_SECONDS = 7 * 24 * 60 * 60


def _send_once(task: Task, recipient: str, subject: str, body: str) -> str:
    """Send unless this task id already sent its mail; the marker is set right after the SMTP server took it."""
    task_id = task.request.id
    marker = f"accounts-mail-sent:{task_id}"
    if task_id and cache.get(marker):
        logger.info("task %s already sent its mail; not sending again", task_id)
        return SKIPPED
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient])
    if task_id:
        cache.set(marker, 1, SENT_MARKER_SECONDS)
    return SENT


def _company_name() -> str:
    return Tenant.objects.filter(schema_name=current_schema_name()).values_list("name", flat=True).first() or ""


@shared_task(name="accounts.send_invitation_email", **EMAIL_TASK_OPTIONS)
def send_invitation_email(self: Task, *, invitation_id: int, token: str) -> str:
    """Mail the invitation link, unless the invitation was accepted, revoked, replaced or has expired meanwhile."""
    invitation = Invitation.objects.select_related("invited_by").filter(pk=invitation_id).first()
    if invitation is None or invitation.status != "pending":
        logger.info("invitation %s is no longer pending; not sending", invitation_id)
        return SKIPPED
    try:
        token_invitation_id, nonce = invitation_token_read(schema_name=current_schema_name(), token=token)
    except InvalidInvitationToken:
        logger.warning("invitation %s: the queued token does not verify; not sending", invitation_id)
        return SKIPPED
    if token_invitation_id != invitation.pk or not constant_time_compare(nonce_hash(nonce), invitation.nonce_hash):
        logger.warning("invitation %s: the queued token belongs to another invitation; not sending", invitation_id)
        return SKIPPED
    inviter = invitation.invited_by
    message = invitation_email(
        company_name=_company_name(),
        inviter_name=(inviter.full_name or inviter.email) if inviter is not None else "",
        role_label=Role(invitation.role).label,
        accept_url=tenant_url(INVITATION_ACCEPT_PATH, {"token": token}),
        expires_at=invitation.expires_at.astimezone(UTC),
    )
    return _send_once(self, invitation.email, message.subject, message.body)


@shared_task(name="accounts.send_password_reset_email", **EMAIL_TASK_OPTIONS)
def send_password_reset_email(self: Task, *, email: str) -> str:
    """Mail a reset link if `email` belongs to an active user of this tenant; otherwise do nothing, silently."""
    user = User.objects.filter(email=email, is_active=True).first()
    if user is None:
        return SKIPPED
    token = password_reset_tokens(current_schema_name()).make_token(user)
    reset_url = tenant_url(
        PASSWORD_RESET_CONFIRM_PATH, {"uid": urlsafe_base64_encode(force_bytes(user.pk)), "token": token}
    )
    message = password_reset_email(
        company_name=_company_name(),
        reset_url=reset_url,
        valid_minutes=int(settings.PASSWORD_RESET_TIMEOUT) // 60,
    )
    return _send_once(self, user.email, message.subject, message.body)
