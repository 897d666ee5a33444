"""Gmail over IMAP (X-GM-EXT-1): which folders are labels, what the X-GM-* fetch items mean, labels kept in step.

Gmail shows each label as a folder, so one message appears in INBOX, in `[Gmail]/All Mail` and in every label
folder it carries. Atrium syncs only the folders that hold each message once: All Mail (\\All), Trash and
Spam (which All Mail leaves out). Every other folder is a label view (`MailFolder.gmail_label`): its messages
are the All Mail messages carrying that label. X-GM-MSGID identifies a message across folders, X-GM-THRID is
Gmail's conversation, X-GM-LABELS its labels; a label change bumps the message's MODSEQ, so CONDSTORE's
CHANGEDSINCE brings label changes in like flag changes.

This module is the dispatch point for everything Gmail-specific: `account_is_gmail` tells a caller which path
to take (labels here, folders and keywords for every other server).
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Count, F, Func, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from imapclient import IMAPClient
from imapclient.imap_utf7 import decode as utf7_decode

from tenant_apps.mail.models import FolderRole, MailAccount, MailFolder, MailMessage
from tenants.db import connection

GMAIL_CAPABILITY = b"X-GM-EXT-1"
# Fetched with every new message and every change.
GMAIL_FETCH_ITEMS = ["X-GM-MSGID", "X-GM-THRID", "X-GM-LABELS"]
# Special-use folders whose messages are stored; all others are label views.
SYNCED_SPECIAL_USE = {b"\\all", b"\\trash", b"\\junk"}
# The label a special-use folder shows. Starred is the \Flagged flag, not a label (see `folder_filter`).
LABEL_OF_SPECIAL_USE = {
    b"\\sent": "\\Sent",
    b"\\drafts": "\\Draft",
    b"\\important": "\\Important",
    b"\\flagged": "\\Starred",
}
STARRED = "\\Starred"
THREAD_KEY_PREFIX = "x-gm-thrid:"
LABEL_MAX_CHARS = 1000
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
LABEL_SEPARATOR = "\x1f"


def server_is_gmail(capabilities: set[bytes]) -> bool:
    return GMAIL_CAPABILITY in capabilities


def connection_is_gmail(account: MailAccount, client: IMAPClient) -> bool:
    """On an open connection: Gmail by the preset, or by what the server advertises."""
    capabilities = {bytes(capability).upper() for capability in client.capabilities()}
    return account.provider == "gmail" or server_is_gmail(capabilities)


def account_is_gmail(account: MailAccount) -> bool:
    """Gmail: chosen with the Gmail preset, or found out by the sync (its server advertised X-GM-EXT-1)."""
    if account.provider == "gmail":
        return True
    return MailFolder.objects.filter(account=account, gmail_label__isnull=False).exists()


def folder_label(name: str, special_use: set[bytes]) -> str | None:
    """The label a Gmail folder shows; None for the folders whose messages are stored (All Mail, Trash, Spam)."""
    if special_use & SYNCED_SPECIAL_USE:
        return None
    if name.upper() == "INBOX":
        return "\\Inbox"
    for flag, label in LABEL_OF_SPECIAL_USE.items():
        if flag in special_use:
            return label
    return name


def label_clean(label: str) -> str:
    return CONTROL_CHARACTERS.sub("", label)[:LABEL_MAX_CHARS]


def labels_decode(value: Any) -> list[str]:
    """X-GM-LABELS as imapclient parsed it: atoms and strings as bytes (modified UTF-7), a number-like atom as int."""
    labels = set()
    for item in value or ():
        text = utf7_decode(bytes(item)) if isinstance(item, bytes) else str(item)
        labels.add(label_clean(text))
    return sorted(label for label in labels if label)


def identity(values: dict[bytes, Any]) -> tuple[int | None, int | None, list[str]]:
    """(X-GM-MSGID, X-GM-THRID, labels) of one FETCH answer."""
    message_id = values.get(b"X-GM-MSGID")
    thread_id = values.get(b"X-GM-THRID")
    return (
        int(message_id) if message_id is not None else None,
        int(thread_id) if thread_id is not None else None,
        labels_decode(values.get(b"X-GM-LABELS")),
    )


def thread_key(thread_id: int) -> str:
    """Gmail's conversation as a key of the JWZ id table (MailThreadKey), used when References give nothing."""
    return f"{THREAD_KEY_PREFIX}{thread_id}"


def labels_apply(folder: MailFolder, answers: dict[int, dict[bytes, Any]]) -> int:
    """Store X-GM-LABELS where they differ from what is stored; returns how many messages changed."""
    server = {
        uid: labels_decode(values.get(b"X-GM-LABELS")) for uid, values in answers.items() if b"X-GM-LABELS" in values
    }
    if not server:
        return 0
    local = dict(MailMessage.objects.filter(folder=folder, uid__in=list(server)).values_list("uid", "labels"))
    changed = [uid for uid, labels in server.items() if uid in local and sorted(local[uid]) != labels]
    if changed:
        _labels_write(folder, {uid: server[uid] for uid in changed})
    return len(changed)


def _labels_write(folder: MailFolder, labels_by_uid: dict[int, list[str]]) -> None:
    uids = list(labels_by_uid)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {MailMessage._meta.db_table} AS message
            SET labels = CASE WHEN changed.labels = '' THEN ARRAY[]::varchar[]
                              ELSE string_to_array(changed.labels, %s)::varchar[] END
            FROM unnest(%s::bigint[], %s::text[]) AS changed(uid, labels)
            WHERE message.folder_id = %s AND message.uid = changed.uid
            """,  # noqa: S608 - the table name is ours; values are parameters
            [LABEL_SEPARATOR, uids, [LABEL_SEPARATOR.join(labels_by_uid[uid]) for uid in uids], folder.pk],
        )


def messages_repoint(folder: MailFolder, answers: dict[int, dict[bytes, Any]]) -> set[int]:
    """New UIDs of this folder whose X-GM-MSGID is already stored (the message moved between All Mail, Trash and
    Spam): the stored row moves here with its new UID, flags and labels, nothing is fetched again. Returns them."""
    by_gmail_id = {}
    for uid, values in answers.items():
        gmail_id, _, _ = identity(values)
        if gmail_id is not None:
            by_gmail_id[gmail_id] = uid
    if not by_gmail_id:
        return set()
    known = MailMessage.objects.filter(account_id=folder.account_id, gmail_message_id__in=list(by_gmail_id))
    moved = set()
    for message in known.only("id", "gmail_message_id"):
        uid = by_gmail_id[message.gmail_message_id or 0]
        values = answers[uid]
        flags = sorted(
            {flag.decode() if isinstance(flag, bytes) else str(flag) for flag in values.get(b"FLAGS", ())}
            - {"\\Recent"}
        )
        MailMessage.objects.filter(pk=message.pk).update(
            folder=folder,
            uid=uid,
            flags=flags,
            is_read="\\Seen" in flags,
            is_flagged="\\Flagged" in flags,
            labels=labels_decode(values.get(b"X-GM-LABELS")),
        )
        moved.add(uid)
    return moved


def folder_filter(folder: MailFolder) -> Q:
    """The messages a folder shows: its own for stored folders, the All Mail messages with its label otherwise."""
    if folder.gmail_label is None:
        return Q(folder_id=folder.pk)
    in_all_mail = Q(account_id=folder.account_id, folder__role=FolderRole.ALL)
    if folder.gmail_label == STARRED:
        return in_all_mail & Q(is_flagged=True)
    return in_all_mail & Q(labels__contains=[folder.gmail_label])


def _label_count(messages: Q, *, unread: bool) -> Coalesce:
    """Messages of the outer folder's account in All Mail matching `messages`, counted in a subquery."""
    counted = MailMessage.objects.filter(
        messages,
        account_id=OuterRef("account_id"),
        folder__role=FolderRole.ALL,
        **({"is_read": False} if unread else {}),
    )
    return Coalesce(
        Subquery(counted.order_by().values("account_id").annotate(count=Count("pk")).values("count")[:1]),
        0,
    )


def label_counts(*, unread: bool) -> list[When]:
    """`When` branches giving a Gmail label folder (MailFolder rows) its message count; other folders fall through."""
    outer_label = Func(OuterRef("gmail_label"), function="ARRAY", template="ARRAY[%(expressions)s]::varchar(1000)[]")
    return [
        When(gmail_label=STARRED, then=_label_count(Q(is_flagged=True), unread=unread)),
        When(gmail_label__isnull=False, then=_label_count(Q(labels__contains=outer_label), unread=unread)),
    ]


def rows_labels_change(*, ids: list[int], add: list[str], remove: list[str]) -> None:
    """Labels added to and removed from these rows, kept sorted and unique as the sync stores them."""
    table = MailMessage._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {table} SET labels = ARRAY(
                SELECT DISTINCT label COLLATE "C" FROM unnest(labels || %s::varchar[]) AS label
                WHERE label <> ALL(%s::varchar[]) ORDER BY 1
            )
            WHERE id = ANY(%s::bigint[])
            """,  # noqa: S608 - the table name is ours; values are parameters
            [add, remove, ids],
        )


def label_folder_renamed(*, account_id: int, old_name: str, new_name: str, delimiter: str) -> None:
    """After a label folder was renamed on Gmail (sub-labels with it): folders and message labels follow."""
    folders = MailFolder.objects.filter(account_id=account_id, gmail_label__isnull=False).filter(
        Q(gmail_label=old_name) | Q(gmail_label__startswith=f"{old_name}{delimiter}")
    )
    for folder in folders:
        old_label = folder.gmail_label or ""
        new_label = new_name + old_label[len(old_name) :]
        MailMessage.objects.filter(account_id=account_id, labels__contains=[old_label]).update(
            labels=Func(F("labels"), Value(old_label), Value(new_label), function="array_replace")
        )
        MailFolder.objects.filter(pk=folder.pk).update(gmail_label=new_label)


def label_folder_deleted(folder: MailFolder) -> None:
    """Deleting a label on Gmail takes it off every message; the messages stay."""
    if folder.gmail_label is None:
        return
    MailMessage.objects.filter(account_id=folder.account_id, labels__contains=[folder.gmail_label]).update(
        labels=Func(F("labels"), Value(folder.gmail_label), function="array_remove")
    )


def rows_detach(folder: MailFolder, uids: set[int] | None) -> int:
    """Rows whose UID left this folder (None: all its rows) keep their place under a negative UID (-id, never a
    real UID) instead of being deleted: a message moved between All Mail, Trash and Spam shows up as a new UID
    in the other folder, where `messages_repoint` takes the same row. The sync deletes what nobody took."""
    rows = MailMessage.objects.filter(folder=folder)
    if uids is not None:
        if not uids:
            return 0
        rows = rows.filter(uid__in=sorted(uids))
    return rows.update(uid=-F("id"))


def rows_renumber(folder: MailFolder, new_uids: dict[int, int]) -> None:
    """Give the folder's rows the UIDs the server now has for their X-GM-MSGID."""
    if not new_uids:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {MailMessage._meta.db_table} AS message SET uid = renumbered.uid
            FROM unnest(%s::bigint[], %s::bigint[]) AS renumbered(gmail_message_id, uid)
            WHERE message.folder_id = %s AND message.gmail_message_id = renumbered.gmail_message_id
            """,  # noqa: S608 - the table name is ours; values are parameters
            [list(new_uids), list(new_uids.values()), folder.pk],
        )
