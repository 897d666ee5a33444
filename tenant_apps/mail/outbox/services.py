"""Writes of the outbox: queue a composed message (its bytes fixed now), undo it, retry a failed one.

Sending itself is `outbox/sending.py`, run by the `mail.outbox_send` task.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tenant_apps.accounts.models import User
from tenant_apps.mail.models import MailAccount, MailDraft, MailOutgoing, MailSendPreferences, OutboxStatus
from tenant_apps.mail.outbox.building import composition_bytes
from tenant_apps.mail.outbox.compose import ComposeInput, Composition, composition_make
from tenant_apps.mail.outbox.mime import message_id_make
from tenant_apps.mail.outbox.sending import send_enqueue
from tenant_apps.mail.storage import blob_write, mail_blob_root
from tenants.db import connection


class OutboxConflict(Exception):
    """The outbox item is not in a state that allows this (already sent, being sent, not failed...)."""


def undo_send_seconds(user: User) -> int:
    preferences = MailSendPreferences.objects.filter(user=user).first()
    return preferences.undo_send_seconds if preferences else int(settings.MAIL_UNDO_SEND_SECONDS)


def send_preferences_set(*, actor: User, undo_send_seconds: int) -> MailSendPreferences:
    with transaction.atomic():
        preferences, _ = MailSendPreferences.objects.update_or_create(
            user=actor, defaults={"undo_send_seconds": undo_send_seconds}
        )
    return preferences


def composition_fields(composition: Composition) -> dict[str, object]:
    return {
        "to": [item.as_json() for item in composition.to],
        "cc": [item.as_json() for item in composition.cc],
        "bcc": [item.as_json() for item in composition.bcc],
        "subject": composition.subject,
        "text_body": composition.text_body,
        "html_body": composition.html_body,
        "mode": composition.mode,
        "source_message": composition.source_message,
        "in_reply_to": composition.in_reply_to,
        "references": composition.references,
    }


def outbox_queue_composition(
    *,
    actor: User,
    account: MailAccount,
    composition: Composition,
    send_at: datetime | None = None,
    draft: MailDraft | None = None,
) -> MailOutgoing:
    """Queue a checked composition: sent after the undo window, or at `send_at` if that is later."""
    if not (composition.to or composition.cc or composition.bcc):
        raise ValidationError({"to": ["Give at least one recipient (To, Cc or Bcc)."]})
    now = timezone.now()
    due = max(send_at or now, now + timedelta(seconds=undo_send_seconds(actor)))
    message_id = message_id_make(account.email_address)
    raw = composition_bytes(composition, account=account, message_id=message_id, date=due)
    raw_sha256 = blob_write(mail_blob_root(connection.schema_name), raw)
    with transaction.atomic():
        outgoing = MailOutgoing.objects.create(
            account=account,
            author=actor,
            message_id=message_id,
            raw_sha256=raw_sha256,
            send_at=due,
            undo_until=due,
            draft=draft,
            created_at=now,
            updated_at=now,
            **composition_fields(composition),
        )
        outgoing.attachments.set(composition.uploads)
        transaction.on_commit(partial(send_enqueue, outgoing.pk, due))
    return outgoing


def outbox_queue(
    *, actor: User, account: MailAccount, data: ComposeInput, send_at: datetime | None = None
) -> MailOutgoing:
    with transaction.atomic():
        composition = composition_make(actor=actor, account=account, data=data)
        return outbox_queue_composition(actor=actor, account=account, composition=composition, send_at=send_at)


def outbox_undo(*, actor: User, outgoing: MailOutgoing) -> MailOutgoing:
    """Cancel a message that no worker has taken yet (the undo window, or a scheduled or retried send)."""
    with transaction.atomic():
        changed = MailOutgoing.objects.filter(pk=outgoing.pk, status=OutboxStatus.QUEUED).update(
            status=OutboxStatus.CANCELLED, updated_at=timezone.now()
        )
    outgoing.refresh_from_db()
    if not changed:
        raise OutboxConflict(f"Too late to undo: the message is {outgoing.get_status_display().lower()}.")
    return outgoing


def outbox_retry(*, actor: User, outgoing: MailOutgoing, confirm_resend: bool = False) -> MailOutgoing:
    """Queue a failed message again (same Message-ID, same bytes). One that may have been delivered already is
    only sent again when the user confirms it."""
    if outgoing.status != OutboxStatus.FAILED:
        raise OutboxConflict(f"Only a failed message can be retried; this one is {outgoing.status}.")
    if outgoing.delivery_uncertain and not confirm_resend:
        raise OutboxConflict(
            "This message may have been delivered already (the connection was lost while the server had it). "
            "Check with the recipients or the Sent folder; retry with confirm_resend to send it again anyway."
        )
    now = timezone.now()
    with transaction.atomic():
        changed = MailOutgoing.objects.filter(pk=outgoing.pk, status=OutboxStatus.FAILED).update(
            status=OutboxStatus.QUEUED,
            progress="",
            delivery_uncertain=False,
            send_at=now,
            lease_until=None,
            updated_at=now,
        )
        if not changed:
            raise OutboxConflict("The message changed meanwhile; reload it.")
        transaction.on_commit(partial(send_enqueue, outgoing.pk, now))
    outgoing.refresh_from_db()
    return outgoing
