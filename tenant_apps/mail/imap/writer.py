"""Changes written to an IMAP server: moves, expunges of exact UIDs, flags and keywords, folders.

`ImapWriter` speaks standard IMAP (MOVE where offered, else COPY + \\Deleted + UID EXPUNGE; UIDPLUS for every
expunge, so a message another client marked \\Deleted is never removed by us). A provider with its own model
(Gmail's labels) registers another writer class with `writer_register`; `writer_for` picks it by the account's
provider.
"""

from __future__ import annotations

import imaplib
import re
from dataclasses import dataclass, field
from typing import Any

from imapclient import IMAPClient

from tenant_apps.mail.imap.fetch import uid_search_all, uid_set
from tenant_apps.mail.imap.gmail import connection_is_gmail
from tenant_apps.mail.models import MailAccount, MailFolder

COPYUID = re.compile(rb"(\d+) ([\d:,]+) ([\d:,]+)")
# How talking to the server fails (a NO/BAD answer, a dropped or timed-out connection); classified for the user.
SERVER_FAILURES = (imaplib.IMAP4.error, OSError, EOFError)


class ActionRefused(Exception):
    """The server cannot do this safely (or the folder changed under us); `code` names why, for the API."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Moved:
    """Where moved messages are now: the destination's UIDVALIDITY and new UID per old UID (COPYUID, UIDPLUS).
    Empty when the server did not say; the next sync then finds them in the destination."""

    uid_validity: int | None = None
    new_uids: dict[int, int] = field(default_factory=dict)


def uid_sequence(text: bytes) -> list[int]:
    """An IMAP sequence set in the server's order: b'4,2:3' -> [4, 2, 3] (COPYUID pairs UIDs by position)."""
    uids: list[int] = []
    for part in text.split(b","):
        if b":" in part:
            low, high = (int(value) for value in part.split(b":", 1))
            step = 1 if high >= low else -1
            uids.extend(range(low, high + step, step))
        else:
            uids.append(int(part))
    return uids


def copyuid_parse(responses: list[Any]) -> Moved:
    """`[COPYUID <uidvalidity> <source set> <destination set>]` from the answers of a COPY or MOVE."""
    new_uids: dict[int, int] = {}
    uid_validity: int | None = None
    for response in responses:
        text = response if isinstance(response, bytes) else str(response).encode()
        match = COPYUID.search(text)
        if match is None:
            continue
        sources, destinations = uid_sequence(match.group(2)), uid_sequence(match.group(3))
        if len(sources) != len(destinations):
            continue
        uid_validity = int(match.group(1))
        new_uids.update(zip(sources, destinations, strict=True))
    return Moved(uid_validity=uid_validity, new_uids=new_uids)


class ImapWriter:
    """Writes to one logged-in connection; `select` first, then act on UIDs of the selected folder."""

    def __init__(self, client: IMAPClient) -> None:
        self.client = client
        self.capabilities = {bytes(capability).upper() for capability in client.capabilities()}
        self.permanent_flags: set[bytes] = set()

    @property
    def uidplus(self) -> bool:
        return b"UIDPLUS" in self.capabilities

    @property
    def keywords_allowed(self) -> bool:
        """New keywords may be stored only where the selected folder's PERMANENTFLAGS include \\*."""
        return b"\\*" in self.permanent_flags

    def select(self, folder: MailFolder) -> None:
        """Select read-write; a folder whose UIDVALIDITY changed since our sync has other UIDs: refuse."""
        selected = self.client.select_folder(folder.name)
        uid_validity = int(selected.get(b"UIDVALIDITY", 0))
        if folder.uid_validity is not None and uid_validity != folder.uid_validity:
            raise ActionRefused(
                "folder_changed", f"The folder {folder.name} changed on the server; sync the account, then try again."
            )
        self.permanent_flags = {bytes(flag) for flag in selected.get(b"PERMANENTFLAGS", ())}

    def _untagged_clear(self, name: str) -> None:
        imap: Any = self.client._imap
        imap.untagged_responses.pop(name, None)

    def _untagged_take(self, name: str) -> list[Any]:
        imap: Any = self.client._imap
        return list(imap.untagged_responses.pop(name, []))

    def move(self, uids: list[int], destination: str) -> Moved:
        """MOVE (RFC 6851) where offered; else COPY, then \\Deleted and UID EXPUNGE of exactly these UIDs."""
        if not uids:
            return Moved()
        self._untagged_clear("COPYUID")
        if b"MOVE" in self.capabilities:
            self.client.move(uid_set(uids), destination)
            return copyuid_parse(self._untagged_take("COPYUID"))
        self._uidplus_ensure("move messages")
        self.client.copy(uid_set(uids), destination)
        moved = copyuid_parse(self._untagged_take("COPYUID"))
        self.expunge(uids)
        return moved

    def _uidplus_ensure(self, what: str) -> None:
        if not self.uidplus:
            raise ActionRefused(
                "uidplus_required",
                f"This mail server cannot {what} safely: it lacks UIDPLUS, and a plain EXPUNGE would also remove "
                "messages another mail client marked as deleted.",
            )

    def expunge(self, uids: list[int]) -> None:
        """Set \\Deleted on these UIDs and expunge only them (UID EXPUNGE)."""
        if not uids:
            return
        self._uidplus_ensure("delete messages permanently")
        self.client.add_flags(uid_set(uids), [b"\\Deleted"], silent=True)
        self.client.uid_expunge(uid_set(uids))

    def flags_change(self, uids: list[int], flags: list[str], *, add: bool) -> None:
        if not uids:
            return
        encoded = [flag.encode() for flag in flags]
        if add:
            self.client.add_flags(uid_set(uids), encoded, silent=True)
        else:
            self.client.remove_flags(uid_set(uids), encoded, silent=True)

    def uids_all(self) -> list[int]:
        return sorted(uid_search_all(self.client))

    def folder_create(self, name: str) -> None:
        self.client.create_folder(name)
        self.client.subscribe_folder(name)

    def folder_rename(self, old_name: str, new_name: str) -> None:
        self.client.rename_folder(old_name, new_name)
        self.client.subscribe_folder(new_name)

    def folder_delete(self, name: str) -> None:
        self.client.delete_folder(name)


_writers: dict[str, type[ImapWriter]] = {}


def writer_register(provider: str, writer: type[ImapWriter]) -> None:
    """Let a provider (e.g. "gmail") write with its own class; the others use ImapWriter."""
    _writers[provider] = writer


def writer_for(account: MailAccount, client: IMAPClient) -> ImapWriter:
    """The provider's writer; a server that advertises Gmail's extensions is Gmail whatever the preset was."""
    provider = "gmail" if connection_is_gmail(account, client) else account.provider
    return _writers.get(provider, ImapWriter)(client)
