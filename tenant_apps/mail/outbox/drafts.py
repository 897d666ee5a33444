"""Writes of drafts: saved here at once (a new revision each time), pushed to the server's Drafts folder by a
debounced task, removed from the server when deleted or once sent."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from functools import partial

from django.db import transaction
from django.utils import timezone

from tenant_apps.accounts.models import User
from tenant_apps.mail.models import ComposeMode, MailAccount, MailDraft, MailOutgoing, OutboxStatus
from tenant_apps.mail.outbox.building import composition_of
from tenant_apps.mail.outbox.compose import ComposeInput, composition_make
from tenant_apps.mail.outbox.draft_copies import draft_key, draft_push_debounce
from tenant_apps.mail.outbox.services import OutboxConflict, composition_fields, outbox_queue_composition


def _being_sent(draft: MailDraft) -> bool:
    return MailOutgoing.objects.filter(
        draft=draft, status__in=[OutboxStatus.QUEUED, OutboxStatus.SENDING, OutboxStatus.SENT]
    ).exists()


def _conflict_if_sent(draft: MailDraft) -> None:
    if _being_sent(draft):
        raise OutboxConflict("This draft is being sent; undo the send to change it.")


def draft_create(*, actor: User, account: MailAccount, data: ComposeInput) -> MailDraft:
    with transaction.atomic():
        composition = composition_make(actor=actor, account=account, data=data)
        now = timezone.now()
        draft = MailDraft.objects.create(
            account=account, author=actor, created_at=now, updated_at=now, **composition_fields(composition)
        )
        draft.attachments.set(composition.uploads)
        transaction.on_commit(partial(draft_push_debounce, draft.pk))
    return draft


def draft_update(*, actor: User, draft: MailDraft, data: ComposeInput) -> MailDraft:
    """Replace the draft's content with what the editor holds now (its quote and threading stay as they are)."""
    _conflict_if_sent(draft)
    plain = replace(data, mode=ComposeMode.NEW, source_message=None, quote=False)
    with transaction.atomic():
        composition = composition_make(actor=actor, account=draft.account, data=plain)
        composition.mode, composition.source_message = draft.mode, draft.source_message
        composition.in_reply_to, composition.references = draft.in_reply_to, list(draft.references)
        for name, value in composition_fields(composition).items():
            setattr(draft, name, value)
        draft.revision += 1
        draft.updated_at = timezone.now()
        draft.save()
        draft.attachments.set(composition.uploads)
        transaction.on_commit(partial(draft_push_debounce, draft.pk))
    return draft


def _server_remove_enqueue(account_id: int, folder: str, key: str) -> None:
    from tenant_apps.mail.outbox.tasks import mail_draft_server_remove

    mail_draft_server_remove.apply_async(kwargs={"account_id": account_id, "folder": folder, "key": key}, queue="mail")


def draft_delete(*, actor: User, draft: MailDraft) -> None:
    _conflict_if_sent(draft)
    key, folder, account_id = draft_key(draft), draft.server_folder, draft.account_id
    with transaction.atomic():
        draft.delete()
        transaction.on_commit(partial(_server_remove_enqueue, account_id, folder, key))


def draft_send(*, actor: User, draft: MailDraft, send_at: datetime | None = None) -> MailOutgoing:
    """Queue the draft as it is; it leaves the Drafts folder once the message is sent (undo keeps it)."""
    _conflict_if_sent(draft)
    return outbox_queue_composition(
        actor=actor, account=draft.account, composition=composition_of(draft), send_at=send_at, draft=draft
    )
