"""Sending one outbox item, step by step, each step committed before the next so a crash is recoverable:

1. claim: queued and due -> sending, with a lease (a worker that dies lets the lease run out);
2. progress=data, committed just before the message goes to the SMTP server (after every RCPT was accepted);
3. accepted: status sent; 4. filed: Sent copy APPENDed (not for Gmail, which files it itself), draft removed.

A send found past its lease with progress "" never reached DATA: it is queued again. With progress "data"
the server may have accepted it: unless Gmail's Sent folder shows it was (Gmail files sent mail itself), it is
marked failed with delivery_uncertain, for the user to check, and is never sent again on its own. The
Message-ID is fixed at queue time, so a confirmed resend is recognisable.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from imapclient import IMAPClient

from tenant_apps.mail.crypto import SecretUnreadable
from tenant_apps.mail.imap.connection import MailServerError, classify, imap_close, imap_connect
from tenant_apps.mail.imap.filing import message_append, message_id_find, role_folder_name
from tenant_apps.mail.imap.gmail import account_is_gmail, connection_is_gmail
from tenant_apps.mail.imap.sync import account_server
from tenant_apps.mail.models import FolderRole, MailDraft, MailOutgoing, OutboxStatus, SendProgress
from tenant_apps.mail.oauth.tokens import ReauthRequired
from tenant_apps.mail.outbox.compose import recipients_from_json
from tenant_apps.mail.outbox.draft_copies import draft_copies_remove, draft_key, folder_sync_enqueue
from tenant_apps.mail.outbox.mime import with_bcc
from tenant_apps.mail.smtp.credentials import account_smtp_server
from tenant_apps.mail.smtp.deliver import Envelope, HandoverRefused, SendFailed, smtp_deliver
from tenant_apps.mail.storage import blob_read, mail_blob_root
from tenant_apps.webhooks.events import EventType
from tenant_apps.webhooks.services import event_emit as webhook_event_emit
from tenants.db import connection

logger = logging.getLogger(__name__)

GONE = "gone"
SKIPPED = "skipped"
SENT = "sent"
FAILED = "failed"
REQUEUED = "requeued"
UNCERTAIN = "uncertain"
FILED_LATER = "sent, not filed"

UNCERTAIN_AFTER_CRASH = (
    "The send stopped after the message was handed to the SMTP server and before its answer was recorded: "
    "it may have been delivered. Check the Sent folder or ask a recipient before sending it again."
)


def _lease_end() -> datetime:
    return timezone.now() + timedelta(seconds=int(settings.MAIL_SEND_LEASE_SECONDS))


def retry_delay(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, ... capped at 30 min."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 30 * 60))


def send_enqueue(outgoing_id: int, eta: datetime | None = None) -> None:
    from tenant_apps.mail.outbox.tasks import mail_outbox_send

    mail_outbox_send.apply_async(kwargs={"outgoing_id": outgoing_id}, eta=eta, queue="mail")


def _claim(outgoing_id: int) -> bool:
    with transaction.atomic():
        return bool(
            MailOutgoing.objects.filter(pk=outgoing_id, status=OutboxStatus.QUEUED, send_at__lte=timezone.now()).update(
                status=OutboxStatus.SENDING,
                progress=SendProgress.NOTHING,
                attempts=F("attempts") + 1,
                lease_until=_lease_end(),
                updated_at=timezone.now(),
            )
        )


def _claim_filing(outgoing_id: int) -> bool:
    """A sent message whose Sent copy is still missing, and no worker on it."""
    with transaction.atomic():
        return bool(
            MailOutgoing.objects.filter(
                pk=outgoing_id, status=OutboxStatus.SENT, progress=SendProgress.ACCEPTED, lease_until__lt=timezone.now()
            ).update(lease_until=_lease_end())
        )


def _progress_data(outgoing_id: int, attempt: int) -> None:
    """Record that the message goes to the server now, only while this attempt still holds its lease: a worker
    slower than its lease may find the sweep gave the message to another worker, and must not send it too."""
    now = timezone.now()
    with transaction.atomic():
        held = MailOutgoing.objects.filter(
            pk=outgoing_id, status=OutboxStatus.SENDING, attempts=attempt, lease_until__gte=now
        ).update(progress=SendProgress.DATA, lease_until=_lease_end())
    if not held:
        raise HandoverRefused(f"outbox item {outgoing_id}: attempt {attempt} lost its lease before DATA")


def envelope_recipients(outgoing: MailOutgoing) -> list[str]:
    addresses = [item.address for item in recipients_from_json([*outgoing.to, *outgoing.cc, *outgoing.bcc])]
    return list(dict.fromkeys(addresses))


def _failure_record(outgoing: MailOutgoing, failure: SendFailed) -> str:
    now = timezone.now()
    again = not failure.permanent and outgoing.attempts < int(settings.MAIL_SEND_MAX_ATTEMPTS)
    with transaction.atomic():
        if again:
            due = now + retry_delay(outgoing.attempts)
            MailOutgoing.objects.filter(pk=outgoing.pk).update(
                status=OutboxStatus.QUEUED, send_at=due, last_error=failure.message, lease_until=None, updated_at=now
            )
            transaction.on_commit(partial(send_enqueue, outgoing.pk, due))
            return REQUEUED
        MailOutgoing.objects.filter(pk=outgoing.pk).update(
            status=OutboxStatus.FAILED,
            last_error=failure.message,
            delivery_uncertain=failure.uncertain,
            lease_until=None,
            updated_at=now,
        )
        webhook_event_emit(
            event_type=EventType.MAIL_SEND_FAILED,
            data={**_outgoing_event_data(outgoing), "error": failure.message, "uncertain": failure.uncertain},
        )
    return UNCERTAIN if failure.uncertain else FAILED


def _outgoing_event_data(outgoing: MailOutgoing) -> dict[str, object]:
    return {"outgoing_id": outgoing.pk, "account_id": outgoing.account_id, "message_id": outgoing.message_id}


def outbox_send(outgoing_id: int) -> str:
    """Send one outbox item if it is due and nobody else is sending it; safe to run any number of times."""
    if _claim_filing(outgoing_id):
        return _file(MailOutgoing.objects.select_related("account", "draft").get(pk=outgoing_id))
    if not _claim(outgoing_id):
        return GONE if not MailOutgoing.objects.filter(pk=outgoing_id).exists() else SKIPPED
    outgoing = MailOutgoing.objects.select_related("account", "draft").get(pk=outgoing_id)
    raw = blob_read(mail_blob_root(connection.schema_name), outgoing.raw_sha256)
    try:
        if raw is None:
            raise SendFailed("The stored bytes of this message are missing; compose it again.", permanent=True)
        try:
            server = account_smtp_server(outgoing.account)
        except SecretUnreadable:
            raise SendFailed("The account's password cannot be decrypted; enter it again.", permanent=True) from None
        except MailServerError as problem:  # an OAuth2 token that could not be refreshed
            raise SendFailed(problem.message, permanent=isinstance(problem, ReauthRequired)) from None
        envelope = Envelope(outgoing.account.email_address, envelope_recipients(outgoing), raw)
        smtp_deliver(server, envelope, before_data=partial(_progress_data, outgoing.pk, outgoing.attempts))
    except HandoverRefused as refused:
        logger.warning("%s; not sent by this worker", refused)
        return SKIPPED
    except SendFailed as failure:
        logger.info("outbox item %s not sent: %s", outgoing.pk, failure.message)
        return _failure_record(outgoing, failure)
    now = timezone.now()
    with transaction.atomic():
        MailOutgoing.objects.filter(pk=outgoing.pk).update(
            status=OutboxStatus.SENT,
            progress=SendProgress.ACCEPTED,
            sent_at=now,
            last_error="",
            lease_until=_lease_end(),
            updated_at=now,
        )
        webhook_event_emit(
            event_type=EventType.MAIL_SENT, data={**_outgoing_event_data(outgoing), "sent_at": now.isoformat()}
        )
    outgoing.refresh_from_db()
    return _file(outgoing)


def _file(outgoing: MailOutgoing) -> str:
    """Sent copy and draft removal; a failure here is recorded and retried by the sweep, the message stays sent."""
    account = outgoing.account
    try:
        client = imap_connect(account_server(account))
    except (MailServerError, SecretUnreadable) as problem:
        return _filing_failed(outgoing, str(problem))
    folders: list[str] = []
    try:
        copy_uid = None
        if not connection_is_gmail(account, client):  # Gmail files its own Sent copy
            sent_folder = role_folder_name(client, account, FolderRole.SENT)
            folders.append(sent_folder)
            copy_uid = _sent_copy(client, outgoing, sent_folder)
        draft = outgoing.draft
        if draft is not None and draft.server_folder:
            draft_copies_remove(client, draft.server_folder, draft_key(draft))
            folders.append(draft.server_folder)
    except Exception as exc:  # noqa: BLE001 - recorded on the message, retried later
        return _filing_failed(
            outgoing, classify(exc, kind="IMAP", host=account.imap_host, port=account.imap_port).message
        )
    finally:
        imap_close(client)
    with transaction.atomic():
        MailOutgoing.objects.filter(pk=outgoing.pk).update(
            progress=SendProgress.FILED, sent_copy_uid=copy_uid, sent_copy_error="", lease_until=None
        )
        if outgoing.draft_id is not None:
            MailDraft.objects.filter(pk=outgoing.draft_id).delete()
        if folders:
            transaction.on_commit(partial(folder_sync_enqueue, account.pk, folders))
    return SENT


def _sent_copy(client: IMAPClient, outgoing: MailOutgoing, folder: str) -> int | None:
    existing = message_id_find(client, folder, outgoing.message_id)
    if existing:
        return existing[-1]
    raw = blob_read(mail_blob_root(connection.schema_name), outgoing.raw_sha256) or b""
    copy = with_bcc(raw, recipients_from_json(outgoing.bcc))
    when = outgoing.sent_at or timezone.now()
    return message_append(client, folder, copy, flags=(b"\\Seen",), when=when, message_id=outgoing.message_id)[1]


def _filing_failed(outgoing: MailOutgoing, problem: str) -> str:
    logger.warning("outbox item %s sent, Sent copy not filed: %s", outgoing.pk, problem)
    MailOutgoing.objects.filter(pk=outgoing.pk).update(sent_copy_error=problem)
    return FILED_LATER


def _copy_in_sent(outgoing: MailOutgoing) -> int | None:
    """Gmail files what it accepted in Sent by itself: a copy there proves that a cut send was delivered."""
    account = outgoing.account
    if not account_is_gmail(account):
        return None
    try:
        client = imap_connect(account_server(account))
    except (MailServerError, SecretUnreadable):
        return None
    try:
        found = message_id_find(client, role_folder_name(client, account, FolderRole.SENT), outgoing.message_id)
    except Exception:  # noqa: BLE001 - cannot tell; the message stays for a human to check
        return None
    finally:
        imap_close(client)
    return found[-1] if found else None


def _stale_resolve(outgoing: MailOutgoing, now: datetime) -> str:
    """A send whose worker died: queued again if the server never had it, sent if Gmail's Sent shows it,
    otherwise failed with delivery_uncertain."""
    copy_uid = _copy_in_sent(outgoing) if outgoing.progress == SendProgress.DATA else None
    with transaction.atomic():
        row = MailOutgoing.objects.filter(pk=outgoing.pk, status=OutboxStatus.SENDING, lease_until__lt=now)
        if outgoing.progress == SendProgress.NOTHING:
            if row.update(status=OutboxStatus.QUEUED, send_at=now, lease_until=None):
                transaction.on_commit(partial(send_enqueue, outgoing.pk))
                return "requeued"
        elif copy_uid is not None:
            if row.update(
                status=OutboxStatus.SENT,
                progress=SendProgress.FILED,
                sent_at=now,
                sent_copy_uid=copy_uid,
                last_error="",
                lease_until=None,
            ):
                webhook_event_emit(
                    event_type=EventType.MAIL_SENT, data={**_outgoing_event_data(outgoing), "sent_at": now.isoformat()}
                )
                return "sent"
        elif row.update(
            status=OutboxStatus.FAILED, delivery_uncertain=True, last_error=UNCERTAIN_AFTER_CRASH, lease_until=None
        ):
            # Subscribers hear of it like any failed send: a human has to check this one.
            webhook_event_emit(
                event_type=EventType.MAIL_SEND_FAILED,
                data={**_outgoing_event_data(outgoing), "error": UNCERTAIN_AFTER_CRASH, "uncertain": True},
            )
            return "uncertain"
    return "changed"


def outbox_recover() -> dict[str, int]:
    """The sweep: sends whose worker died, due messages whose queued task was lost, Sent copies still missing."""
    now = timezone.now()
    counts = {"requeued": 0, "sent": 0, "uncertain": 0, "changed": 0, "due": 0, "unfiled": 0}
    stale = MailOutgoing.objects.select_related("account").filter(status=OutboxStatus.SENDING, lease_until__lt=now)
    for outgoing in stale:
        counts[_stale_resolve(outgoing, now)] += 1
    grace = timedelta(seconds=int(settings.MAIL_OUTBOX_SWEEP_GRACE_SECONDS))
    for outgoing_id in MailOutgoing.objects.filter(status=OutboxStatus.QUEUED, send_at__lte=now - grace).values_list(
        "pk", flat=True
    ):
        counts["due"] += 1
        send_enqueue(outgoing_id)
    unfiled = MailOutgoing.objects.filter(
        status=OutboxStatus.SENT,
        progress=SendProgress.ACCEPTED,
        lease_until__lt=now,
        sent_at__gte=now - timedelta(days=1),
    )
    for outgoing_id in unfiled.values_list("pk", flat=True):
        counts["unfiled"] += 1
        send_enqueue(outgoing_id)
    return counts
