"""Drafts on the IMAP server. Every revision is one message in Drafts (\\Draft) whose Message-ID starts with the
draft's key, so all copies of a draft can be found by a header search and every one but the newest removed,
also after a crash between APPEND and removal, and on servers without UIDPLUS."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_redis import get_redis_connection
from imapclient import IMAPClient

from tenant_apps.mail.imap.connection import MailServerError, classify, imap_close, imap_connect
from tenant_apps.mail.imap.filing import header_search, message_append, role_folder_name, uids_remove
from tenant_apps.mail.imap.sync import account_server
from tenant_apps.mail.models import FolderRole, MailAccount, MailDraft
from tenant_apps.mail.outbox.building import composition_bytes, composition_of
from tenant_apps.mail.outbox.mime import with_bcc
from tenants.db import connection

GONE = "gone"
CURRENT = "current"
PUSHED = "pushed"
BUSY = "busy"


def draft_key(draft: MailDraft) -> str:
    return f"atrium-draft-{draft.pk}-{int(draft.created_at.timestamp() * 1_000_000)}"


def draft_message_id(draft: MailDraft, revision: int) -> str:
    domain = draft.account.email_address.rpartition("@")[2] or "atrium.invalid"
    return f"{draft_key(draft)}-r{revision}@{domain}"


def draft_copies_remove(client: IMAPClient, folder: str, key: str, *, keep: int | None = None) -> None:
    """Remove every copy of the draft with this key from `folder`, except the UID `keep`."""
    uids = header_search(client, folder, "Message-ID", key)
    uids_remove(client, folder, [uid for uid in uids if uid != keep])


def _redis_name(kind: str, draft_id: int) -> str:
    return f"{settings.CACHES['default']['KEY_PREFIX']}:mail-draft-{kind}:{connection.schema_name}:{draft_id}"


def draft_push_debounce(draft_id: int) -> bool:
    """Queue one push for the saves of the next MAIL_DRAFT_SAVE_DEBOUNCE_SECONDS; False if one is queued already.
    The push clears the mark before it reads the draft, so no save is ever left behind."""
    from tenant_apps.mail.outbox.tasks import mail_draft_push

    delay = int(settings.MAIL_DRAFT_SAVE_DEBOUNCE_SECONDS)
    if not get_redis_connection("default").set(_redis_name("debounce", draft_id), "1", nx=True, ex=delay + 60):
        return False
    mail_draft_push.apply_async(kwargs={"draft_id": draft_id}, countdown=delay, queue="mail")
    return True


def draft_push_debounce_clear(draft_id: int) -> None:
    get_redis_connection("default").delete(_redis_name("debounce", draft_id))


def _push_lock(draft_id: int) -> Any:
    return get_redis_connection("default").lock(
        _redis_name("push", draft_id), timeout=int(settings.MAIL_SEND_LEASE_SECONDS), blocking=False
    )


def draft_push(draft_id: int) -> str:
    """Put the draft's latest revision on the server and remove its older copies. Raises MailServerError
    (recorded on the draft) when the server cannot be used."""
    lock = _push_lock(draft_id)
    if not lock.acquire(blocking=False):
        return BUSY
    try:
        draft = MailDraft.objects.select_related("account").filter(pk=draft_id).first()
        if draft is None:
            return GONE
        if draft.revision == draft.server_revision:
            return CURRENT
        _push(draft)
        return PUSHED
    finally:
        try:
            lock.release()
        except Exception:  # noqa: BLE001, S110 - expired meanwhile
            pass


def _push(draft: MailDraft) -> None:
    revision = draft.revision
    account = draft.account
    message_id = draft_message_id(draft, revision)
    composition = composition_of(draft)
    raw = with_bcc(
        composition_bytes(composition, account=account, message_id=message_id, date=draft.updated_at), composition.bcc
    )
    client = imap_connect(account_server(account))
    try:
        folder = draft.server_folder or role_folder_name(client, account, FolderRole.DRAFTS)
        validity, uid = message_append(
            client, folder, raw, flags=(b"\\Draft", b"\\Seen"), when=timezone.now(), message_id=message_id
        )
        draft_copies_remove(client, folder, draft_key(draft), keep=uid)
    except Exception as exc:  # noqa: BLE001 - recorded on the draft, retried by the task
        problem = classify(exc, kind="IMAP", host=account.imap_host, port=account.imap_port)
        MailDraft.objects.filter(pk=draft.pk).update(server_error=problem.message)
        raise problem from exc
    finally:
        imap_close(client)
    with transaction.atomic():
        MailDraft.objects.filter(pk=draft.pk).update(
            server_revision=revision,
            server_folder=folder,
            server_uid=uid,
            server_uid_validity=validity,
            server_message_id=message_id,
            server_error="",
        )
        transaction.on_commit(partial(folder_sync_enqueue, account.pk, [folder]))


def folder_sync_enqueue(account_id: int, folders: list[str]) -> None:
    from tenant_apps.mail.tasks import mail_account_sync

    mail_account_sync.apply_async(kwargs={"account_id": account_id, "folder_names": folders}, queue="mail")


def draft_server_remove(account: MailAccount, *, folder: str, key: str) -> None:
    """Remove every copy of a deleted draft from the server."""
    client = imap_connect(account_server(account))
    try:
        draft_copies_remove(client, folder or role_folder_name(client, account, FolderRole.DRAFTS), key)
    except Exception as exc:  # noqa: BLE001 - becomes a MailServerError for the task's retry
        raise classify(exc, kind="IMAP", host=account.imap_host, port=account.imap_port) from exc
    finally:
        imap_close(client)


__all__ = ["MailServerError"]
