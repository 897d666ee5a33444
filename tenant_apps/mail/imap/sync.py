"""The IMAP sync engine: one account, its folders, their messages; ends equal to the server, resumes after any cut.

Per folder the server's UIDVALIDITY, UIDNEXT, HIGHESTMODSEQ and EXISTS are kept once the folder is complete;
when they are unchanged nothing else is asked. New mail is fetched newest first in UID batches (BODY.PEEK, so
nothing is marked read), parsed in worker processes while the next batch is fetched, and written in one
transaction per batch: a cut loses at most the batch in flight, which the next run fetches again (the missing
UIDs are always computed against what is stored, so nothing is doubled).
"""

from __future__ import annotations

import gc
import imaplib
import logging
import multiprocessing
import os
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cache
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.db.models import F
from django.utils import timezone
from imapclient import IMAPClient
from psycopg.types.json import Jsonb

from tenant_apps.mail.blobs import blob_pack_record
from tenant_apps.mail.imap import gmail
from tenant_apps.mail.imap.connection import (
    AccessTokenExpired,
    MailServerError,
    ServerSettings,
    classify,
    imap_close,
    imap_connect,
)
from tenant_apps.mail.imap.fetch import uid_fetch, uid_search_all, uid_set, uid_sizes, vanished_take
from tenant_apps.mail.imap.gmail import identity as gmail_identity
from tenant_apps.mail.imap.pool_init import django_setup
from tenant_apps.mail.models import (
    AccountStatus,
    AddressRole,
    FolderRole,
    MailAccount,
    MailAttachment,
    MailFolder,
    MailMessage,
    MailMessageAddress,
    MailThread,
    MailThreadKey,
    SyncState,
)
from tenant_apps.mail.oauth.tokens import access_token_expire, account_secret
from tenant_apps.mail.parsing.mime import Address, ParsedMessage, clean_text, messages_parse_packed
from tenant_apps.mail.search import SearchBuilder, search_deferred, search_rows_build, search_rows_missing_build
from tenant_apps.mail.storage import BlobPack, mail_blob_root
from tenant_apps.webhooks.events import EventType
from tenant_apps.webhooks.services import event_emit as webhook_event_emit
from tenants.db import connection

logger = logging.getLogger(__name__)

SPECIAL_USE_ROLES = {
    b"\\sent": FolderRole.SENT,
    b"\\drafts": FolderRole.DRAFTS,
    b"\\trash": FolderRole.TRASH,
    b"\\junk": FolderRole.JUNK,
    b"\\archive": FolderRole.ARCHIVE,
    b"\\all": FolderRole.ALL,
}
SKIP_FLAGS = {b"\\noselect", b"\\nonexistent"}
ROLE_ORDER: list[str] = [FolderRole.INBOX, FolderRole.SENT, FolderRole.DRAFTS, FolderRole.ARCHIVE, FolderRole.NONE]
SUBJECT_PREFIX = re.compile(r"^\s*((re|fwd?|aw|wg|sv|tr)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)
# Fetch items read for each new message besides its bytes.
META_ITEMS = ["UID", "FLAGS", "INTERNALDATE", "RFC822.SIZE"]
GMAIL_ITEMS = gmail.GMAIL_FETCH_ITEMS


@dataclass
class FolderReport:
    name: str
    added: int = 0
    flags_changed: int = 0
    removed: int = 0
    uid_validity_changed: bool = False
    unchanged: bool = False


@dataclass
class SyncReport:
    folders: list[FolderReport] = field(default_factory=list)

    @property
    def added(self) -> int:
        return sum(folder.added for folder in self.folders)

    @property
    def removed(self) -> int:
        return sum(folder.removed for folder in self.folders)

    @property
    def flags_changed(self) -> int:
        return sum(folder.flags_changed for folder in self.folders)


@dataclass(frozen=True)
class FetchedMessage:
    uid: int
    flags: list[str]
    internal_date: datetime
    size: int
    modseq: int | None
    raw: bytes
    truncated: bool
    # Gmail only (X-GM-MSGID, X-GM-THRID, X-GM-LABELS).
    gmail_message_id: int | None = None
    gmail_thread_id: int | None = None
    labels: tuple[str, ...] = ()


def account_server(account: MailAccount) -> ServerSettings:
    """The account's IMAP server and login: its password, or for an OAuth2 account a fresh access token."""
    login = account_secret(account)
    return ServerSettings(
        host=account.imap_host,
        port=account.imap_port,
        security=account.imap_security,
        username=account.username,
        password=login.secret,
        oauth=login.oauth,
    )


def account_status_set(account: MailAccount, status: str, message: str = "") -> None:
    if account.status == status and account.status_message == message:
        return
    previous_status = account.status
    account.status = status
    account.status_message = message
    account.status_changed_at = timezone.now()
    MailAccount.objects.filter(pk=account.pk).update(
        status=status, status_message=message, status_changed_at=account.status_changed_at
    )
    if previous_status != status:
        webhook_event_emit(
            event_type=EventType.MAIL_ACCOUNT_STATUS_CHANGED,
            data={
                "account_id": account.pk,
                "email_address": account.email_address,
                "status": status,
                "previous_status": previous_status,
                "message": message,
            },
        )


def _decode_flag(flag: Any) -> str:
    return clean_text(flag.decode("utf-8", "replace") if isinstance(flag, bytes) else str(flag))[:200]


def _flags(values: Any) -> list[str]:
    # \Recent belongs to one IMAP session, not to the message: never stored.
    return sorted({_decode_flag(flag) for flag in values or ()} - {"\\Recent"})


def _aware(value: Any) -> datetime:
    if not isinstance(value, datetime):
        return timezone.now()
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _folder_name(raw: Any) -> str:
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)


class AccountSync:
    """One sync run over one IMAP connection. `executor` parses in other processes; None parses inline."""

    def __init__(
        self,
        account: MailAccount,
        *,
        executor: Executor | None = None,
        batch_size: int | None = None,
        client_factory: Callable[[ServerSettings], IMAPClient] | None = None,
    ) -> None:
        self.account = account
        self.executor = executor
        self.batch_size = batch_size or int(settings.MAIL_SYNC_BATCH_SIZE)
        self.size_limit = int(settings.MAIL_MESSAGE_SIZE_LIMIT_BYTES)
        self.client_factory = client_factory or imap_connect
        self.blob_root = mail_blob_root(connection.schema_name)
        self.client: IMAPClient | None = None
        self.capabilities: set[bytes] = set()
        self.gmail = False
        self.gmail_label_folders: set[str] = set()
        self.synced_folders: list[MailFolder] = []
        self.selected_uid_validity: int | None = None
        self.folders_total = 0
        self.progress_started = False
        self.search_builder: SearchBuilder | None = None

    # --- connection -------------------------------------------------------------------------------------------
    def _connect(self) -> IMAPClient:
        client = self.client_factory(account_server(self.account))
        self.capabilities = {bytes(capability).upper() for capability in client.capabilities()}
        self.gmail = gmail.server_is_gmail(self.capabilities)
        if b"QRESYNC" in self.capabilities:
            client.enable("QRESYNC")
        elif b"CONDSTORE" in self.capabilities:
            client.enable("CONDSTORE")
        self.client = client
        return client

    @property
    def condstore(self) -> bool:
        return b"CONDSTORE" in self.capabilities or b"QRESYNC" in self.capabilities

    @property
    def qresync(self) -> bool:
        return b"QRESYNC" in self.capabilities

    @property
    def change_items(self) -> list[str]:
        """What is asked of messages already stored: flags, and on Gmail the labels."""
        return ["UID", "FLAGS", *(["X-GM-LABELS"] if self.gmail else [])]

    def run(self, *, folder_names: list[str] | None = None) -> SyncReport:
        """Sync the account (or only `folder_names`); server problems are recorded on the account and re-raised."""
        account = self.account
        report = SyncReport()
        try:
            client = self._connect()
            folders = self.folders_sync(client)
            self._detached_remove()
            if folder_names is not None:
                folders = [folder for folder in folders if folder.name in self._names_to_sync(folder_names)]
            # Progress is written only once a folder turns out to have changes: a sync that finds nothing new
            # costs the database one statement (each would be a commit of its own).
            self.folders_total = len(folders)
            for done, folder in enumerate(folders, start=1):
                folder_report = self.folder_sync(client, folder)
                report.folders.append(folder_report)
                if not folder_report.unchanged:
                    MailAccount.objects.filter(pk=account.pk).update(sync_folders_done=done)
        except MailServerError as exc:
            self._failed(exc)
            raise
        except (imaplib.IMAP4.error, OSError, EOFError) as exc:
            # A dropped connection, a timeout, garbage from the server: a status, and the next run resumes.
            problem = classify(exc, kind="IMAP", host=account.imap_host, port=account.imap_port)
            self._failed(problem)
            raise problem from exc
        finally:
            self._detached_remove()
            if self.client is not None:
                imap_close(self.client)
                self.client = None
        account_status_set(account, AccountStatus.OK, "")
        MailAccount.objects.filter(pk=account.pk).update(
            sync_state=SyncState.IDLE,
            sync_folders_total=len(report.folders),
            sync_folders_done=len(report.folders),
            last_synced_at=timezone.now(),
        )
        return report

    def _detached_remove(self) -> None:
        """Gmail: rows detached from a folder (see `gmail.rows_detach`) that no other folder took in this run are
        gone from the server; also run first, for what a run cut short left behind."""
        if not self.gmail or not self.synced_folders:
            return
        with transaction.atomic():
            doomed = MailMessage.objects.filter(folder__in=self.synced_folders, uid__lt=0)
            thread_ids = set(doomed.exclude(thread__isnull=True).values_list("thread_id", flat=True))
            doomed.delete()
            threads_recount(thread_ids)

    def _names_to_sync(self, folder_names: list[str]) -> set[str]:
        """On Gmail a label folder (INBOX, for IDLE) is synced by syncing All Mail, where its messages are."""
        names = set(folder_names)
        if names & self.gmail_label_folders:
            names.update(folder.name for folder in self.synced_folders if folder.role == FolderRole.ALL)
        return names

    def _progress_start(self) -> None:
        """The account shows 'syncing' with folders done of total, from the first folder that has changes."""
        if self.progress_started:
            return
        self.progress_started = True
        MailAccount.objects.filter(pk=self.account.pk).update(
            sync_state=SyncState.SYNCING, sync_folders_total=self.folders_total, sync_folders_done=0
        )

    def _failed(self, problem: MailServerError) -> None:
        account_status_set(self.account, problem.status, problem.message)
        MailAccount.objects.filter(pk=self.account.pk).update(sync_state=SyncState.FAILED)

    # --- folders ----------------------------------------------------------------------------------------------
    def folders_sync(self, client: IMAPClient) -> list[MailFolder]:
        """Follow the server's folder list: new ones are added, renamed ones (same UIDVALIDITY) renamed, gone ones
        removed with their messages. Returns the folders to sync, inbox first."""
        listed: dict[str, tuple[str, str, str | None]] = {}
        for flags, delimiter, raw_name in client.list_folders():
            lowered = {bytes(flag).lower() for flag in flags}
            if lowered & SKIP_FLAGS:
                continue
            name = _folder_name(raw_name)
            role: str = FolderRole.NONE
            if name.upper() == "INBOX":
                role = FolderRole.INBOX
            else:
                for flag in lowered:
                    if flag in SPECIAL_USE_ROLES:
                        role = SPECIAL_USE_ROLES[flag]
                        break
            label = gmail.folder_label(name, lowered) if self.gmail else None
            listed[name] = (role, _folder_name(delimiter or b""), label)
        existing = {folder.name: folder for folder in MailFolder.objects.filter(account=self.account)}
        gone = {name: folder for name, folder in existing.items() if name not in listed}
        for name, (role, delimiter, label) in listed.items():
            folder = existing.get(name)
            if folder is None and gone:
                folder = self._renamed_from(client, name, gone)
            if folder is None:
                folder = MailFolder.objects.create(
                    account=self.account, name=name, role=role, delimiter=delimiter, gmail_label=label
                )
            elif (folder.name, folder.role, folder.delimiter, folder.gmail_label) != (name, role, delimiter, label):
                folder.name, folder.role, folder.delimiter, folder.gmail_label = name, role, delimiter, label
                folder.save(update_fields=["name", "role", "delimiter", "gmail_label"])
            existing[name] = folder
        for folder in gone.values():
            self._folder_remove(folder)
        # Gmail's label folders are views of All Mail: listed and kept, never synced themselves.
        self.gmail_label_folders = {name for name, (_, _, label) in listed.items() if label is not None}
        folders = [
            folder for name, folder in existing.items() if name in listed and name not in self.gmail_label_folders
        ]
        self.synced_folders = folders
        return sorted(
            folders,
            key=lambda folder: (ROLE_ORDER.index(folder.role) if folder.role in ROLE_ORDER else 4, folder.name),
        )

    def _renamed_from(self, client: IMAPClient, name: str, gone: dict[str, MailFolder]) -> MailFolder | None:
        candidates = [folder for folder in gone.values() if folder.uid_validity is not None]
        if not candidates:
            return None
        status = client.folder_status(name, [b"UIDVALIDITY"])
        uid_validity = int(status.get(b"UIDVALIDITY", 0))
        for folder in candidates:
            if folder.uid_validity == uid_validity:
                del gone[folder.name]
                return folder
        return None

    def _folder_remove(self, folder: MailFolder) -> None:
        with transaction.atomic():
            thread_ids = list(
                MailMessage.objects.filter(folder=folder, thread__isnull=False).values_list("thread_id", flat=True)
            )
            folder.delete()
            threads_recount(set(thread_ids))

    # --- one folder -------------------------------------------------------------------------------------------
    def folder_sync(self, client: IMAPClient, folder: MailFolder) -> FolderReport:
        report = FolderReport(name=folder.name)
        selected = client.select_folder(folder.name, readonly=True)
        uid_validity = int(selected.get(b"UIDVALIDITY", 0))
        self.selected_uid_validity = uid_validity
        uid_next = int(selected.get(b"UIDNEXT", 0)) or None
        exists = int(selected.get(b"EXISTS", 0))
        highest_modseq = int(selected[b"HIGHESTMODSEQ"]) if b"HIGHESTMODSEQ" in selected else None
        vanished_take(client)
        if folder.uid_validity is not None and folder.uid_validity != uid_validity:
            report.uid_validity_changed = True
            if self.gmail:
                self._folder_renumber(client, folder, exists)
            else:
                self._folder_reset(folder)
        elif (
            folder.uid_validity == uid_validity
            and folder.uid_next == uid_next
            and folder.server_message_count == exists
            and (highest_modseq is None or folder.highest_modseq == highest_modseq)
            and (highest_modseq is not None or not self.condstore)
        ):
            if highest_modseq is None:
                # Without CONDSTORE flag changes leave no trace in the state: compare them all.
                report.flags_changed = self._flags_full_diff(client, folder)
            report.unchanged = report.flags_changed == 0
            return report

        self._progress_start()
        complete = folder.uid_validity == uid_validity and folder.uid_next is not None
        if complete and self.condstore and folder.highest_modseq is not None:
            new_uids, removed = self._changes_condstore(client, folder, exists, report)
        else:
            new_uids, removed = self._changes_full(client, folder, report)
        if self.gmail:
            # A message gone from here may have moved (All Mail <-> Trash, Spam): its row waits for that folder.
            report.removed = gmail.rows_detach(folder, removed)
        else:
            report.removed = messages_remove(folder=folder, uids=removed)
        if new_uids:
            MailAccount.objects.filter(pk=self.account.pk).update(
                sync_messages_total=F("sync_messages_total") + len(new_uids)
            )
            report.added = self._messages_fetch(client, folder, sorted(new_uids, reverse=True))
            # Rows a cut sync (or a failed second connection) left without their search row.
            search_rows_missing_build(folder_id=folder.pk)
        MailFolder.objects.filter(pk=folder.pk).update(
            uid_validity=uid_validity,
            uid_next=uid_next,
            highest_modseq=highest_modseq,
            server_message_count=exists,
            last_synced_at=timezone.now(),
        )
        folder.uid_validity, folder.uid_next, folder.highest_modseq = uid_validity, uid_next, highest_modseq
        folder.server_message_count = exists
        return report

    def _folder_reset(self, folder: MailFolder) -> None:
        """UIDVALIDITY changed: every stored UID of the folder is meaningless. Drop them (and the state) in one
        transaction; the sync that follows fetches the folder again as new."""
        with transaction.atomic():
            thread_ids = set(
                MailMessage.objects.filter(folder=folder, thread__isnull=False).values_list("thread_id", flat=True)
            )
            MailMessage.objects.filter(folder=folder).delete()
            MailFolder.objects.filter(pk=folder.pk).update(
                uid_validity=None, uid_next=None, highest_modseq=None, server_message_count=0
            )
            threads_recount(thread_ids)
        folder.uid_validity = folder.uid_next = folder.highest_modseq = None
        folder.server_message_count = 0

    def _folder_renumber(self, client: IMAPClient, folder: MailFolder, exists: int) -> None:
        """Gmail, UIDVALIDITY changed: X-GM-MSGID still names each message, so stored rows take their new UIDs
        (nothing is fetched again); the rest stay detached until another folder takes them or the run ends. Then
        the folder syncs as new."""
        answers = uid_fetch(client, "1:*", ["UID", "X-GM-MSGID"]) if exists else {}
        new_uids = {int(values[b"X-GM-MSGID"]): uid for uid, values in answers.items() if b"X-GM-MSGID" in values}
        with transaction.atomic():
            # Every row detached first, so that no row takes a UID another row still holds.
            gmail.rows_detach(folder, None)
            gmail.rows_renumber(folder, new_uids)
            MailFolder.objects.filter(pk=folder.pk).update(
                uid_validity=None, uid_next=None, highest_modseq=None, server_message_count=0
            )
        folder.uid_validity = folder.uid_next = folder.highest_modseq = None
        folder.server_message_count = 0

    def _local_uids(self, folder: MailFolder) -> set[int]:
        return set(MailMessage.objects.filter(folder=folder).values_list("uid", flat=True))

    def _changes_full(self, client: IMAPClient, folder: MailFolder, report: FolderReport) -> tuple[set[int], set[int]]:
        """First (or interrupted, or UIDVALIDITY-reset) sync of a folder: a diff of every UID."""
        server_uids = uid_search_all(client)
        local_uids = self._local_uids(folder)
        known = local_uids & server_uids
        if known:
            report.flags_changed = self._changes_apply(
                folder, uid_fetch(client, uid_set(sorted(known)), self.change_items)
            )
        return server_uids - local_uids, local_uids - server_uids

    def _changes_condstore(
        self, client: IMAPClient, folder: MailFolder, exists: int, report: FolderReport
    ) -> tuple[set[int], set[int]]:
        if folder.uid_next is None or folder.highest_modseq is None:
            raise ValueError("an incremental sync needs the folder's stored UIDNEXT and HIGHESTMODSEQ")
        local_uids = self._local_uids(folder)
        new_on_server = {uid for uid in client.search(["UID", f"{folder.uid_next}:*"]) if uid >= folder.uid_next}
        modifiers = [f"CHANGEDSINCE {folder.highest_modseq}"]
        if self.qresync:
            modifiers.append("VANISHED")
        # A folder that was empty (UIDNEXT 1) has no old messages to ask about; "1:0" is a BAD command.
        changed = (
            uid_fetch(client, f"1:{folder.uid_next - 1}", [*self.change_items, "MODSEQ"], modifiers)
            if folder.uid_next > 1
            else {}
        )
        report.flags_changed = self._changes_apply(folder, changed)
        if self.qresync:
            removed = vanished_take(client) & local_uids
        else:
            old_range_on_server = exists - len(new_on_server)
            old_range_local = sum(1 for uid in local_uids if uid < folder.uid_next)
            removed = set()
            if old_range_on_server != old_range_local:
                removed = local_uids - uid_search_all(client)
        return new_on_server - local_uids, removed

    def _flags_full_diff(self, client: IMAPClient, folder: MailFolder) -> int:
        if not folder.server_message_count:
            return 0
        return self._changes_apply(folder, uid_fetch(client, "1:*", self.change_items))

    def _changes_apply(self, folder: MailFolder, answers: dict[int, dict[bytes, Any]]) -> int:
        """Flags (and Gmail labels) of stored messages as the server has them; returns how many changed."""
        changed = self._flags_apply(folder, answers)
        if self.gmail:
            changed += gmail.labels_apply(folder, answers)
        return changed

    def _flags_apply(self, folder: MailFolder, answers: dict[int, dict[bytes, Any]]) -> int:
        """Store the server's flags where they differ; returns how many messages changed."""
        if not answers:
            return 0
        server = {uid: _flags(values.get(b"FLAGS")) for uid, values in answers.items() if b"FLAGS" in values}
        modseqs = {uid: _modseq(values) for uid, values in answers.items()}
        local = dict(MailMessage.objects.filter(folder=folder, uid__in=list(server)).values_list("uid", "flags"))
        changed = [uid for uid, flags in server.items() if uid in local and sorted(local[uid]) != flags]
        if not changed:
            return 0
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                UPDATE {MailMessage._meta.db_table} AS message
                SET flags = CASE WHEN changed.flags = '' THEN ARRAY[]::varchar[]
                                 ELSE string_to_array(changed.flags, ' ')::varchar[] END,
                    is_read = %s = ANY(string_to_array(changed.flags, ' ')),
                    is_flagged = %s = ANY(string_to_array(changed.flags, ' ')),
                    modseq = COALESCE(changed.modseq, message.modseq)
                FROM unnest(%s::bigint[], %s::text[], %s::bigint[]) AS changed(uid, flags, modseq)
                WHERE message.folder_id = %s AND message.uid = changed.uid
                """,  # noqa: S608 - the table name is ours; values are parameters
                [
                    "\\Seen",
                    "\\Flagged",
                    changed,
                    [" ".join(server[uid]) for uid in changed],
                    [modseqs.get(uid) for uid in changed],
                    folder.pk,
                ],
            )
        return len(changed)

    # --- new messages -----------------------------------------------------------------------------------------
    def _messages_fetch(self, client: IMAPClient, folder: MailFolder, uids_newest_first: list[int]) -> int:
        if self.executor is None and len(uids_newest_first) >= PARALLEL_PARSE_MIN_MESSAGES:
            self.executor = parse_pool()
        if self.gmail:
            items = ["UID", "RFC822.SIZE", "FLAGS", *gmail.GMAIL_FETCH_ITEMS]
            answers = uid_fetch(client, uid_set(uids_newest_first), items)
            # A message already stored under another folder (moved to Trash, back from Spam) moves, not copied.
            moved = gmail.messages_repoint(folder, answers)
            sizes = {uid: int(values.get(b"RFC822.SIZE", 0)) for uid, values in answers.items() if uid not in moved}
        else:
            moved = set()
            sizes = uid_sizes(client, uid_set(uids_newest_first))
        added = len(moved)
        # Expunged meanwhile: gone, nothing to fetch.
        uids = [uid for uid in uids_newest_first if uid in sizes]
        if self.executor is not None:
            with collection_relaxed():
                return added + self._messages_fetch_parallel(folder, uids, sizes)
        for batch_uids in _batches(uids, self.batch_size):
            fetched = batch_fetch(
                client, batch_uids, sizes, size_limit=self.size_limit, condstore=self.condstore, gmail=self.gmail
            )
            parsed, pack = messages_parse_packed(
                [(message.raw, message.truncated) for message in fetched], str(self.blob_root)
            )
            added += self._batch_store(folder, fetched, parsed, pack)
        return added

    def _messages_fetch_parallel(self, folder: MailFolder, uids: list[int], sizes: dict[int, int]) -> int:
        """Worker processes fetch (each over its own IMAP connection) and parse batches; this one writes them,
        in order, newest first. The raw bytes never cross a process boundary. Batches that commit on their own
        get their search rows from a second connection meanwhile (`SearchBuilder`)."""
        if self.executor is None or not uids:
            return 0
        if not connection.in_atomic_block:
            self.search_builder = SearchBuilder(schema_name=connection.schema_name)
        try:
            return self._batches_store_in_order(self.executor, folder, uids, sizes)
        finally:
            if self.search_builder is not None:
                self.search_builder.finish()
                self.search_builder = None

    def _batches_store_in_order(
        self, executor: Executor, folder: MailFolder, uids: list[int], sizes: dict[int, int]
    ) -> int:
        server = account_server(self.account)
        in_flight: deque[Future[tuple[list[FetchedMessage], list[ParsedMessage], BlobPack]]] = deque()
        workers = max(1, os.cpu_count() or 1)
        added = 0
        for batch_uids in _batches(uids, self.batch_size):
            job = FetchJob(
                server=server,
                folder_name=folder.name,
                uid_validity=self.selected_uid_validity,
                uids=batch_uids,
                sizes={uid: sizes[uid] for uid in batch_uids},
                size_limit=self.size_limit,
                condstore=self.condstore,
                blob_root=str(self.blob_root),
                gmail=self.gmail,
            )
            in_flight.append(executor.submit(fetch_and_parse, job))
            if len(in_flight) > 2 * workers:
                added += self._batch_store(folder, *in_flight.popleft().result())
        while in_flight:
            added += self._batch_store(folder, *in_flight.popleft().result())
        return added

    def _batch_store(
        self, folder: MailFolder, fetched: list[FetchedMessage], parsed: list[ParsedMessage], pack: BlobPack
    ) -> int:
        with transaction.atomic():
            toast_compression_fast()
            commit_without_flush_wait()
            blob_pack_record(pack=pack)
            with search_deferred():
                message_ids = messages_store(account=self.account, folder=folder, fetched=fetched, parsed=parsed)
            if self.search_builder is None:
                search_rows_build(message_ids=message_ids)
            MailAccount.objects.filter(pk=self.account.pk).update(
                sync_messages_done=F("sync_messages_done") + len(message_ids)
            )
        if self.search_builder is not None:
            self.search_builder.batch_committed(message_ids)
        return len(message_ids)


def batch_fetch(
    client: IMAPClient, uids: list[int], sizes: dict[int, int], *, size_limit: int, condstore: bool, gmail: bool = False
) -> list[FetchedMessage]:
    """UID FETCH one batch (BODY.PEEK, never marking read); over the size limit only the header is fetched."""
    meta = [*META_ITEMS, *(["MODSEQ"] if condstore else []), *(GMAIL_ITEMS if gmail else [])]
    small = [uid for uid in uids if sizes[uid] <= size_limit]
    large = [uid for uid in uids if sizes[uid] > size_limit]
    answers: dict[int, tuple[dict[bytes, Any], bool]] = {}
    if small:
        for uid, values in uid_fetch(client, uid_set(small), [*meta, "BODY.PEEK[]"]).items():
            answers[uid] = (values, False)
    if large:
        for uid, values in uid_fetch(client, uid_set(large), [*meta, "BODY.PEEK[HEADER]"]).items():
            answers[uid] = (values, True)
    fetched = []
    for uid in uids:  # newest first, as asked
        if uid not in answers:
            continue
        values, truncated = answers[uid]
        raw = values.get(b"BODY[HEADER]" if truncated else b"BODY[]") or b""
        gmail_message_id, gmail_thread_id, labels = gmail_identity(values)
        fetched.append(
            FetchedMessage(
                uid=uid,
                flags=_flags(values.get(b"FLAGS")),
                internal_date=_aware(values.get(b"INTERNALDATE")),
                size=int(values.get(b"RFC822.SIZE", len(raw))),
                modseq=_modseq(values),
                raw=bytes(raw),
                truncated=truncated,
                gmail_message_id=gmail_message_id,
                gmail_thread_id=gmail_thread_id,
                labels=tuple(labels),
            )
        )
    return fetched


@dataclass(frozen=True)
class FetchJob:
    server: ServerSettings
    folder_name: str
    uid_validity: int | None
    uids: list[int]
    sizes: dict[int, int]
    size_limit: int
    condstore: bool
    blob_root: str
    gmail: bool = False


# How long a parse worker keeps its IMAP session after a batch, waiting for the folder's next one.
WORKER_SESSION_IDLE_SECONDS = 2.0
# What tells a session that was kept but has died meanwhile (the server timed it out, the network dropped it).
STALE_SESSION_ERRORS = (imaplib.IMAP4.abort, OSError, EOFError)


class _WorkerSession:
    """A parse worker's logged-in IMAP session, kept from one batch of a sync to the next and logged out once no
    batch came for WORKER_SESSION_IDLE_SECONDS. A login per batch cost the server a new process and both sides
    a TCP connection and LOGIN (perf over the bench: Dovecot's login and session start-up were about a fifth of
    its CPU). A worker runs one job at a time; the lock is for the timer that logs out."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.server: ServerSettings | None = None
        self.client: IMAPClient | None = None
        self.timer: threading.Timer | None = None

    def take(self, server: ServerSettings) -> tuple[IMAPClient, bool]:
        """A session for `server`: the kept one (True) or a new one (False)."""
        with self.lock:
            if self.timer is not None:
                self.timer.cancel()
                self.timer = None
            kept, kept_server = self.client, self.server
            self.client = self.server = None
        if kept is not None and kept_server == server:
            return kept, True
        if kept is not None:
            imap_close(kept)
        return imap_connect(server), False

    def keep(self, server: ServerSettings, client: IMAPClient) -> None:
        with self.lock:
            self.server, self.client = server, client
            self.timer = threading.Timer(WORKER_SESSION_IDLE_SECONDS, self.expire)
            self.timer.daemon = True
            self.timer.start()

    def expire(self) -> None:
        with self.lock:
            client = self.client
            self.client = self.server = self.timer = None
        if client is not None:
            imap_close(client)


_worker_session = _WorkerSession()


def _select_checked(client: IMAPClient, job: FetchJob) -> None:
    selected = client.select_folder(job.folder_name, readonly=True)
    if int(selected.get(b"UIDVALIDITY", 0)) != job.uid_validity:
        raise imaplib.IMAP4.error(f"UIDVALIDITY of {job.folder_name} changed during the sync")


def fetch_and_parse(job: FetchJob) -> tuple[list[FetchedMessage], list[ParsedMessage], BlobPack]:
    """Run in a worker process: fetch one batch over the worker's own session, parse it, store the blobs in one
    pack; the raw bytes are dropped before the result goes back. The session is kept for the next batch unless
    anything went wrong with it."""
    client, kept = _worker_session.take(job.server)
    try:
        try:
            _select_checked(client, job)
        except STALE_SESSION_ERRORS:
            if not kept:
                raise
            imap_close(client)
            client = imap_connect(job.server)
            _select_checked(client, job)
        fetched = batch_fetch(
            client, job.uids, job.sizes, size_limit=job.size_limit, condstore=job.condstore, gmail=job.gmail
        )
    except BaseException:
        imap_close(client)
        raise
    _worker_session.keep(job.server, client)
    parsed, pack = messages_parse_packed([(message.raw, message.truncated) for message in fetched], job.blob_root)
    return [replace(message, raw=b"") for message in fetched], parsed, pack


# Below this many new messages in a folder, parsing in this process is quicker than handing bytes to others.
PARALLEL_PARSE_MIN_MESSAGES = 500
# While a folder's batches stream in, the syncing process collects cyclic garbage this rarely (see below).
BULK_GC_THRESHOLD = 50_000


class _CollectorRelaxed:
    """Python's cyclic collector, rarely and only over new objects, while a folder's batches are written.

    Unpickling each batch and building its rows allocates objects by the hundred thousand, and with the default
    threshold (700) the collector ran every few hundred of them, from time to time over every object Django and
    the app hold: 40% of this process's CPU in the bench (perf), for garbage that reference counting frees anyway.
    The objects alive at the start are frozen (never scanned) and collections made rarer; both undone at the end.
    Process-wide, so nested and concurrent uses (the threads of mail_idle) are counted and the last one restores.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.depth = 0
        self.saved_threshold = 0

    @contextmanager
    def __call__(self) -> Iterator[None]:
        with self.lock:
            self.depth += 1
            if self.depth == 1:
                first, middle, oldest = gc.get_threshold()
                self.saved_threshold = first
                gc.freeze()
                gc.set_threshold(BULK_GC_THRESHOLD, middle, oldest)
        try:
            yield
        finally:
            with self.lock:
                self.depth -= 1
                if self.depth == 0:
                    _, middle, oldest = gc.get_threshold()
                    gc.set_threshold(self.saved_threshold, middle, oldest)
                    gc.unfreeze()


collection_relaxed = _CollectorRelaxed()
_parse_pool: list[Executor | None] = []


def parse_pool() -> Executor | None:
    """Worker processes that parse (and store blobs) while this one fetches and writes rows; one per core.

    None where a process may not have children (a Celery prefork worker is daemonic): then parsing is inline,
    and Celery's own processes spread the accounts over the cores.
    """
    if not _parse_pool:
        try:
            if multiprocessing.current_process().daemon:
                raise RuntimeError("daemonic process")
            pool: Executor | None = ProcessPoolExecutor(
                max_workers=max(1, os.cpu_count() or 1),
                mp_context=multiprocessing.get_context("spawn"),
                initializer=django_setup,
            )
        except (RuntimeError, OSError, AssertionError) as exc:
            logger.info("parsing mail in this process: no worker processes here (%s)", exc)
            pool = None
        _parse_pool.append(pool)
    return _parse_pool[0]


def _modseq(values: dict[bytes, Any]) -> int | None:
    modseq = values.get(b"MODSEQ")
    if isinstance(modseq, tuple | list) and modseq:
        return int(modseq[0])
    if isinstance(modseq, int):
        return modseq
    return None


def _batches(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- storing (set-based SQL) ----------------------------------------------------------------------------------
def thread_subject(subject: str) -> str:
    return SUBJECT_PREFIX.sub("", subject).strip()


def _participants(parsed: ParsedMessage) -> str:
    people: list[Address] = [*([parsed.sender] if parsed.sender else []), *parsed.to, *parsed.cc, *parsed.bcc]
    return " ".join(f"{person.name} {person.address}".strip() for person in people)[:20_000]


def _address_json(addresses: list[Address]) -> list[dict[str, str]]:
    return [{"name": address.name, "address": address.address} for address in addresses]


def _thread_keys(parsed: ParsedMessage, gmail_thread_id: int | None = None) -> list[str]:
    keys = [*parsed.references, *([parsed.in_reply_to] if parsed.in_reply_to else [])]
    if not keys and gmail_thread_id is not None:
        # JWZ first; a message that refers to nothing joins Gmail's conversation.
        keys.append(gmail.thread_key(gmail_thread_id))
    if parsed.message_id:
        keys.append(parsed.message_id)
    return list(dict.fromkeys(key for key in keys if key))


def threads_assign(
    *,
    account: MailAccount,
    parsed: list[ParsedMessage],
    dates: list[datetime],
    gmail_thread_ids: list[int | None] | None = None,
) -> list[int]:
    """JWZ's id table in SQL: messages sharing any Message-ID (own, In-Reply-To, References) share a thread; on
    Gmail, messages without In-Reply-To/References share one by X-GM-THRID.
    Returns a thread id per message; threads joined by a new message are merged."""
    gmail_threads = gmail_thread_ids or [None] * len(parsed)
    keys_per_message = [
        _thread_keys(message, gmail_thread_id) for message, gmail_thread_id in zip(parsed, gmail_threads, strict=True)
    ]
    all_keys = {key for keys in keys_per_message for key in keys}
    known = dict(MailThreadKey.objects.filter(account=account, key__in=list(all_keys)).values_list("key", "thread_id"))
    # Union-find over the batch: messages linked by a key, directly or through each other.
    parent = list(range(len(parsed)))

    def find(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    first_with_key: dict[str, int] = {}
    for index, keys in enumerate(keys_per_message):
        for key in keys:
            if key in first_with_key:
                parent[find(index)] = find(first_with_key[key])
            else:
                first_with_key[key] = index
    groups: dict[int, list[int]] = {}
    for index in range(len(parsed)):
        groups.setdefault(find(index), []).append(index)
    thread_of_group: dict[int, int] = {}
    new_groups: list[int] = []
    for root, members in groups.items():
        existing = sorted({known[key] for index in members for key in keys_per_message[index] if key in known})
        if not existing:
            new_groups.append(root)
            continue
        target = existing[0]
        if len(existing) > 1:
            threads_merge(account=account, into=target, others=existing[1:])
        thread_of_group[root] = target
    if new_groups:
        subjects = [
            thread_subject(parsed[min(groups[root], key=lambda i: dates[i])].subject)[:10_000] for root in new_groups
        ]
        created_ids = _ids_reserve(MailThread, len(new_groups))
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {MailThread._meta.db_table} (id, account_id, subject, message_count)
                SELECT id, %s, subject, 0 FROM unnest(%s::bigint[], %s::text[]) AS new(id, subject)
                """,  # noqa: S608 - the table name is ours
                [account.pk, created_ids, subjects],
            )
        for root, thread_id in zip(new_groups, created_ids, strict=True):
            thread_of_group[root] = thread_id
    thread_ids = [thread_of_group[find(index)] for index in range(len(parsed))]
    new_keys: dict[str, int] = {}
    for index, keys in enumerate(keys_per_message):
        for key in keys:
            if key not in known:
                new_keys[key] = thread_ids[index]
    if new_keys:
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {MailThreadKey._meta.db_table} (account_id, key, thread_id)
                SELECT %s, key, thread_id FROM unnest(%s::text[], %s::bigint[]) AS new(key, thread_id)
                ON CONFLICT (account_id, key) DO NOTHING
                """,  # noqa: S608 - the table name is ours
                [account.pk, list(new_keys), list(new_keys.values())],
            )
    return thread_ids


def threads_merge(*, account: MailAccount, into: int, others: list[int]) -> None:
    MailMessage.objects.filter(account=account, thread_id__in=others).update(thread_id=into)
    MailThreadKey.objects.filter(account=account, thread_id__in=others).update(thread_id=into)
    MailThread.objects.filter(account=account, pk__in=others).delete()


def threads_recount(thread_ids: set[int]) -> None:
    """Message count and last date of these threads from their messages, in one statement; empty ones go."""
    if not thread_ids:
        return
    thread_table, message_table = MailThread._meta.db_table, MailMessage._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {thread_table} AS thread
            SET message_count = counted.message_count, last_message_at = counted.last_message_at
            FROM (
                SELECT ids.id, count(message.id) AS message_count, max(message.internal_date) AS last_message_at
                FROM unnest(%s::bigint[]) AS ids(id)
                LEFT JOIN {message_table} AS message ON message.thread_id = ids.id
                GROUP BY ids.id
            ) AS counted
            WHERE thread.id = counted.id
            """,  # noqa: S608 - table names are ours
            [sorted(thread_ids)],
        )
        key_table = MailThreadKey._meta.db_table
        cursor.execute(
            f"""
            WITH empty AS (DELETE FROM {thread_table} WHERE id = ANY(%s) AND message_count = 0 RETURNING id)
            DELETE FROM {key_table} WHERE thread_id IN (SELECT id FROM empty)
            """,  # noqa: S608 - table names are ours
            [sorted(thread_ids)],
        )


MESSAGE_COLUMNS = (
    "id",
    "account_id",
    "folder_id",
    "uid",
    "thread_id",
    "message_id",
    "in_reply_to",
    "references",
    "subject",
    "from_name",
    "from_address",
    "to",
    "cc",
    "bcc",
    "reply_to",
    "participants",
    "sent_at",
    "internal_date",
    "size",
    "flags",
    "is_read",
    "is_flagged",
    "modseq",
    "snippet",
    "text_body",
    "html_body",
    "has_remote_images",
    "has_attachments",
    "truncated",
    "parse_problems",
    "raw_sha256",
    "created_at",
    "labels",
    "gmail_message_id",
    "gmail_thread_id",
)


@cache
def _lz4_offered(alias: str) -> bool:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")
        row = cursor.fetchone()
    return bool(row and row[0])


def toast_compression_fast() -> None:
    """Compress this transaction's long values (message bodies) with lz4 rather than PostgreSQL's default pglz:
    measured 0.25 instead of 0.6 ms per message, in the one backend every batch goes through (where the server
    was built with lz4; a third larger on disk)."""
    if _lz4_offered(connection.alias):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL default_toast_compression = lz4")


def commit_without_flush_wait() -> None:
    """Commit this batch without waiting for its WAL to reach the disk (synchronous_commit off, this transaction
    only). Safe for a sync: PostgreSQL never loses such a commit without also losing every later one, the folder's
    state is written by an ordinary commit after its last batch (which flushes everything before it), and batches
    lost in a server crash are fetched again by the next sync, which asks for every UID not stored. Waiting for
    the flush of every batch's megabytes of WAL took 40-60% of the initial sync's time while other work wrote
    to the disk (bench, 5,000 messages: 490-510 msgs/s waiting, 1,280-1,430 not)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")


def _ids_reserve(model: type[Any], count: int) -> list[int]:
    """Primary keys for rows written with COPY (which returns none), taken from the table's own sequence."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [model._meta.db_table, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _copy(model: type[Any], columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """COPY rows in: no SQL text to build and parse per row, the fastest way into PostgreSQL."""
    if not rows:
        return
    quoted = ", ".join(f'"{column}"' for column in columns)
    with connection.cursor() as cursor:
        raw_cursor: Any = cursor.cursor
        with raw_cursor.copy(f"COPY {model._meta.db_table} ({quoted}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def messages_store(
    *, account: MailAccount, folder: MailFolder, fetched: list[FetchedMessage], parsed: list[ParsedMessage]
) -> list[int]:
    """Insert one batch: messages, their addresses and attachments, threads; call inside a transaction. Returns the
    new messages' ids."""
    if not fetched:
        return []
    dates = [message.internal_date for message in fetched]
    thread_ids = threads_assign(
        account=account,
        parsed=parsed,
        dates=dates,
        gmail_thread_ids=[message.gmail_thread_id for message in fetched],
    )
    message_ids = _ids_reserve(MailMessage, len(fetched))
    now = timezone.now()
    rows = []
    addresses: list[tuple[Any, ...]] = []
    attachments: list[tuple[Any, ...]] = []
    for message, info, thread_id, pk in zip(fetched, parsed, thread_ids, message_ids, strict=True):
        sender = info.sender
        rows.append(
            (
                pk,
                account.pk,
                folder.pk,
                message.uid,
                thread_id,
                info.message_id,
                info.in_reply_to,
                info.references,
                info.subject[:10_000],
                sender.name if sender else "",
                sender.address if sender else "",
                Jsonb(_address_json(info.to)),
                Jsonb(_address_json(info.cc)),
                Jsonb(_address_json(info.bcc)),
                Jsonb(_address_json(info.reply_to)),
                _participants(info),
                info.sent_at,
                message.internal_date,
                message.size,
                message.flags,
                "\\Seen" in message.flags,
                "\\Flagged" in message.flags,
                message.modseq,
                info.snippet,
                info.text_body,
                info.html_body,
                info.has_remote_images,
                any(not attachment.is_inline for attachment in info.attachments),
                info.truncated,
                "\n".join(info.problems)[:10_000],
                info.raw_sha256,
                now,
                list(message.labels),
                message.gmail_message_id,
                message.gmail_thread_id,
            )
        )
        for role, people in (
            (AddressRole.FROM, [sender] if sender else []),
            (AddressRole.TO, info.to),
            (AddressRole.CC, info.cc),
            (AddressRole.BCC, info.bcc),
            (AddressRole.REPLY_TO, info.reply_to),
        ):
            addresses.extend((pk, str(role), person.address, person.name) for person in people if person.address)
        attachments.extend(
            (
                pk,
                attachment.filename,
                attachment.content_type,
                attachment.size,
                attachment.content_id,
                attachment.is_inline,
                attachment.sha256,
            )
            for attachment in info.attachments
        )
    _copy(MailMessage, MESSAGE_COLUMNS, rows)
    _copy(MailMessageAddress, ("message_id", "role", "address", "name"), addresses)
    _copy(
        MailAttachment,
        ("message_id", "filename", "content_type", "size", "content_id", "is_inline", "sha256"),
        attachments,
    )
    threads_recount(set(thread_ids))
    return message_ids


def messages_remove(*, folder: MailFolder, uids: set[int]) -> int:
    if not uids:
        return 0
    with transaction.atomic():
        doomed = MailMessage.objects.filter(folder=folder, uid__in=sorted(uids))
        thread_ids = set(doomed.exclude(thread__isnull=True).values_list("thread_id", flat=True))
        _, per_model = doomed.delete()
        threads_recount(thread_ids)
    return per_model.get(MailMessage._meta.label, 0)


def account_sync(
    *, account: MailAccount, folder_names: list[str] | None = None, executor: Executor | None = None
) -> SyncReport:
    started = time.monotonic()
    try:
        report = AccountSync(account, executor=executor).run(folder_names=folder_names)
    except AccessTokenExpired:
        # The server ended the session when the OAuth2 token expired: once more with a fresh one (a sync resumes).
        access_token_expire(account_id=account.pk)
        report = AccountSync(account, executor=executor).run(folder_names=folder_names)
    logger.info(
        "mail sync of account %s: +%s -%s flags %s in %.0f ms",
        account.pk,
        report.added,
        report.removed,
        report.flags_changed,
        (time.monotonic() - started) * 1000,
    )
    return report
