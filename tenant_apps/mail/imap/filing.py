"""Putting our own messages on the server: the Sent copy, draft revisions, and taking one UID away again
without touching messages that other clients marked \\Deleted."""

from __future__ import annotations

from datetime import datetime

from imapclient import IMAPClient
from imapclient.imapclient import DRAFTS, SENT

from tenant_apps.mail.imap.connection import MailServerError
from tenant_apps.mail.models import AccountStatus, FolderRole, MailAccount, MailFolder

SPECIAL_USE: dict[str, bytes] = {FolderRole.SENT: SENT, FolderRole.DRAFTS: DRAFTS}


def role_folder_name(client: IMAPClient, account: MailAccount, role: str) -> str:
    """The folder with this role as sync found it, or as the server's SPECIAL-USE names it now."""
    known = MailFolder.objects.filter(account=account, role=role).values_list("name", flat=True).first()
    if known:
        return str(known)
    found = client.find_special_folder(SPECIAL_USE[role])
    if not found:
        raise MailServerError(AccountStatus.PROTOCOL_ERROR, f"The IMAP server has no {role} folder.")
    return str(found)


def message_id_find(client: IMAPClient, folder: str, message_id: str) -> list[int]:
    """UIDs in `folder` of the message with this Message-ID (to never file the same message twice)."""
    return header_search(client, folder, "Message-ID", f"<{message_id}>")


def message_append(
    client: IMAPClient, folder: str, raw: bytes, *, flags: tuple[bytes, ...], when: datetime, message_id: str
) -> tuple[int, int | None]:
    """APPEND and return (UIDVALIDITY, UID) of the new message; without UIDPLUS the UID is looked up by its
    Message-ID (None if the server does not find it)."""
    response = client.append(folder, raw, flags=flags, msg_time=when)
    text = response.decode("utf-8", "replace") if isinstance(response, bytes) else str(response)
    if "APPENDUID" in text:
        validity, uid = text.split("APPENDUID", 1)[1].split()[:2]
        return int(validity), int(uid.rstrip("]"))
    found = message_id_find(client, folder, message_id)
    status = client.folder_status(folder, [b"UIDVALIDITY"])
    return int(status[b"UIDVALIDITY"]), (found[-1] if found else None)


def uids_remove(client: IMAPClient, folder: str, uids: list[int]) -> bool:
    """Remove these messages. With UIDPLUS: \\Deleted and UID EXPUNGE of these UIDs only. Without it, EXPUNGE
    would also remove what other clients marked, so it runs only when nothing else in the folder is marked;
    otherwise the messages stay marked \\Deleted (clients hide them) and False is returned."""
    if not uids:
        return True
    client.select_folder(folder)
    client.delete_messages(uids, silent=True)
    if client.has_capability("UIDPLUS"):
        client.uid_expunge(uids)
        return True
    marked = {int(found) for found in client.search(["DELETED"])}
    if marked <= set(uids):
        client.expunge()
        return True
    return False


def header_search(client: IMAPClient, folder: str, name: str, text: str) -> list[int]:
    """UIDs whose header `name` contains `text` (IMAP SEARCH HEADER matches substrings)."""
    client.select_folder(folder, readonly=True)
    return sorted(int(uid) for uid in client.search(["HEADER", name, text]))
