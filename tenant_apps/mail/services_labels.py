"""Gmail labels written from Atrium: STORE +X-GM-LABELS / -X-GM-LABELS on the server first, then the stored row.

Only for Gmail accounts (`imap.gmail.account_is_gmail`); folders and keywords of other servers are handled by
the generic actions. Removing \\Inbox archives, adding it moves back to the inbox, as in Gmail's web UI.
"""

from __future__ import annotations

from django.db import transaction
from imapclient import IMAPClient

from tenant_apps.accounts.models import User
from tenant_apps.mail.imap.connection import MailServerError
from tenant_apps.mail.imap.folder_session import folder_for_write
from tenant_apps.mail.imap.gmail import account_is_gmail, label_clean
from tenant_apps.mail.models import AccountStatus, MailFolder, MailMessage


class LabelsUnsupported(Exception):
    """The message's account is not a Gmail account, or the message is not in a folder that has labels."""


def _labels_store(client: IMAPClient, message: MailMessage, *, add: list[str], remove: list[str]) -> list[str]:
    """Change the labels of one message in the selected folder; returns the labels the server now reports."""
    if add:
        client.add_gmail_labels([message.uid], add, silent=True)
    if remove:
        client.remove_gmail_labels([message.uid], remove, silent=True)
    answer = client.get_gmail_labels([message.uid])
    if message.uid not in answer:
        raise MailServerError(
            AccountStatus.PROTOCOL_ERROR, "The message is no longer on the server; sync the account again."
        )
    return sorted({label_clean(str(label)) for label in answer[message.uid]} - {""})


def message_labels_change(*, actor: User, message: MailMessage, add: list[str], remove: list[str]) -> MailMessage:
    """Add and remove Gmail labels of a message; a server that refuses changes nothing here."""
    account = message.account
    folder = message.folder
    if not account_is_gmail(account) or folder.gmail_label is not None:
        raise LabelsUnsupported("Labels can only be changed on messages of a Gmail account.")
    with folder_for_write(account, folder) as client:
        labels = _labels_store(client, message, add=add, remove=remove)
    with transaction.atomic():
        message.labels = labels
        message.save(update_fields=["labels"])
        _label_folders_ensure(message, labels)
    return message


def _label_folders_ensure(message: MailMessage, labels: list[str]) -> None:
    """Gmail creates a label on first use and lists it as a folder; so does Atrium, without waiting for a sync."""
    known = set(
        MailFolder.objects.filter(account_id=message.account_id, gmail_label__isnull=False).values_list(
            "gmail_label", flat=True
        )
    )
    names = set(MailFolder.objects.filter(account_id=message.account_id).values_list("name", flat=True))
    for label in labels:
        if label in known or label.startswith("\\") or label in names:
            continue
        MailFolder.objects.create(account_id=message.account_id, name=label, delimiter="/", gmail_label=label)
