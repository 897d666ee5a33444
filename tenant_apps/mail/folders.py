"""Folders of a mail account: create, rename, delete, on the server first and then here. The inbox and the
special-use folders (Sent, Drafts, Trash, Junk, Archive, All) are the server's and are never renamed or deleted."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr

from tenant_apps.accounts.models import User
from tenant_apps.mail.actions import account_changeable, messages_rows_delete
from tenant_apps.mail.imap.connection import classify, imap_close, imap_connect
from tenant_apps.mail.imap.gmail import account_is_gmail, label_folder_deleted, label_folder_renamed
from tenant_apps.mail.imap.sync import account_server
from tenant_apps.mail.imap.writer import SERVER_FAILURES, ImapWriter, writer_for
from tenant_apps.mail.models import FolderRole, MailAccount, MailFolder, MailMessage

NAME_MAX = 200
FORBIDDEN_CHARACTERS = set('%*\\"') | {chr(code) for code in range(32)} | {"\x7f"}
Result = TypeVar("Result")


def _manage_ensure(actor: User, account: MailAccount) -> None:
    if not account_changeable(actor, account):
        raise PermissionDenied("Only the account's owner and admins can change its folders.")


def _delimiter(account: MailAccount, parent: MailFolder | None) -> str:
    if parent is not None and parent.delimiter:
        return parent.delimiter
    known = MailFolder.objects.filter(account=account).exclude(delimiter="").values_list("delimiter", flat=True)
    return known.first() or "/"


def folder_leaf_validate(name: str, delimiter: str) -> str:
    """One level of a folder name, as typed: trimmed, without the hierarchy delimiter or IMAP wildcards."""
    leaf = name.strip()
    problem = ""
    if not leaf:
        problem = "Give the folder a name."
    elif len(leaf) > NAME_MAX:
        problem = f"A folder name has at most {NAME_MAX} characters."
    elif delimiter and delimiter in leaf:
        problem = f"A folder name cannot contain {delimiter!r}; choose a parent folder instead."
    elif FORBIDDEN_CHARACTERS & set(leaf):
        problem = "A folder name cannot contain control characters, quotes, backslashes, % or *."
    if problem:
        raise ValidationError({"name": [problem]})
    return leaf


def _name_free_ensure(account: MailAccount, full_name: str) -> None:
    if full_name.upper() == "INBOX" or MailFolder.objects.filter(account=account, name__iexact=full_name).exists():
        raise ValidationError({"name": [f"A folder named {full_name} exists already."]})


def _protected_ensure(folder: MailFolder, what: str) -> None:
    if folder.role != FolderRole.NONE or folder.name.upper() == "INBOX":
        raise ValidationError({"folder": [f"{folder.name} is a special folder of the server; it cannot be {what}."]})


def _on_server(account: MailAccount, write: Callable[[ImapWriter], Result]) -> Result:
    client = imap_connect(account_server(account))
    try:
        return write(writer_for(account, client))
    except SERVER_FAILURES as exc:  # the server's refusal (e.g. a name it rejects) in its words, not a 500
        raise classify(exc, kind="IMAP", host=account.imap_host, port=account.imap_port) from exc
    finally:
        imap_close(client)


def mail_folder_create(*, actor: User, account: MailAccount, name: str, parent: MailFolder | None = None) -> MailFolder:
    _manage_ensure(actor, account)
    if parent is not None and parent.account_id != account.pk:
        raise ValidationError({"parent": ["The parent folder belongs to another account."]})
    delimiter = _delimiter(account, parent)
    leaf = folder_leaf_validate(name, delimiter)
    full_name = f"{parent.name}{delimiter}{leaf}" if parent is not None else leaf
    _name_free_ensure(account, full_name)
    _on_server(account, lambda writer: writer.folder_create(full_name))
    # On Gmail a new folder is a label: a view of All Mail, never synced itself (imap/gmail.py).
    label = full_name if account_is_gmail(account) else None
    with transaction.atomic():
        return MailFolder.objects.create(account=account, name=full_name, delimiter=delimiter, gmail_label=label)


def mail_folder_rename(*, actor: User, folder: MailFolder, name: str) -> MailFolder:
    """Rename in place (same parent); subfolders follow, on the server and here."""
    account = folder.account
    _manage_ensure(actor, account)
    _protected_ensure(folder, "renamed")
    delimiter = folder.delimiter or _delimiter(account, None)
    leaf = folder_leaf_validate(name, delimiter)
    parent_prefix = folder.name.rsplit(delimiter, 1)[0] + delimiter if delimiter in folder.name else ""
    new_name = f"{parent_prefix}{leaf}"
    if new_name == folder.name:
        return folder
    _name_free_ensure(account, new_name)
    old_name = folder.name
    _on_server(account, lambda writer: writer.folder_rename(old_name, new_name))
    with transaction.atomic():
        MailFolder.objects.filter(account=account, name__startswith=f"{old_name}{delimiter}").update(
            name=Concat(Value(new_name), Substr("name", len(old_name) + 1))
        )
        folder.name = new_name
        folder.save(update_fields=["name"])
        label_folder_renamed(account_id=account.pk, old_name=old_name, new_name=new_name, delimiter=delimiter)
    folder.refresh_from_db(fields=["gmail_label"])
    return folder


def mail_folder_delete(*, actor: User, folder: MailFolder) -> None:
    """Delete the folder and its messages on the server, then here; a folder with subfolders is refused."""
    account = folder.account
    _manage_ensure(actor, account)
    _protected_ensure(folder, "deleted")
    if (
        folder.delimiter
        and MailFolder.objects.filter(account=account, name__startswith=f"{folder.name}{folder.delimiter}").exists()
    ):
        raise ValidationError({"folder": [f"{folder.name} has subfolders; delete or move them first."]})
    name = folder.name
    _on_server(account, lambda writer: writer.folder_delete(name))
    with transaction.atomic():
        messages_rows_delete(
            folder=folder, uids=list(MailMessage.objects.filter(folder=folder).values_list("uid", flat=True))
        )
        label_folder_deleted(folder)
        folder.delete()
