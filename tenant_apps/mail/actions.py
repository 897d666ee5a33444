"""Actions on messages, written to the mail server first and then here: delete (to Trash, undo, for good), move,
read/unread, flag, keywords, spam. Many messages go in batches (UID sets per folder) over one connection.

A batch the server accepted is written to our rows in the same step: a moved row keeps its id and takes the new
UID the server reported (COPYUID), so the next sync finds nothing to change. A refused batch changes nothing here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import TextChoices
from django.utils import timezone

from tenant_apps.accounts.models import User
from tenant_apps.mail.imap.connection import MailServerError, classify, imap_close, imap_connect
from tenant_apps.mail.imap.gmail import rows_labels_change
from tenant_apps.mail.imap.gmail_writer import GmailWriter
from tenant_apps.mail.imap.sync import account_server, threads_recount
from tenant_apps.mail.imap.writer import SERVER_FAILURES, ActionRefused, ImapWriter, Moved, writer_for
from tenant_apps.mail.models import (
    FolderRole,
    MailAccount,
    MailActionJob,
    MailActionState,
    MailFolder,
    MailMessage,
    MailTrashedFrom,
)
from tenants.db import connection

# UIDs per IMAP command: short enough for any server's line limit, long enough to keep round trips few.
BATCH_SIZE = 500
# Up to this many messages are handled in the request; more (or a filter) run as a job with progress.
INLINE_MAX = 100
# A keyword is an IMAP atom: no spaces, parentheses, wildcards, quotes, backslash, or brackets.
KEYWORD_PATTERN = re.compile(r"[!#$&'+\-.0-9:;<=>?@A-Z^_`a-z|~]{1,100}")
KEYWORD_RULE = "A keyword is 1 to 100 letters, digits or !#$&'+-.:;<=>?@^_`|~, without spaces."


def keyword_valid(keyword: str) -> bool:
    return KEYWORD_PATTERN.fullmatch(keyword) is not None  # fullmatch: "$" would let a final newline through


class Action(TextChoices):
    TRASH = "trash", "Move to Trash"
    RESTORE = "restore", "Undo delete: back from Trash"
    DELETE = "delete", "Delete for good"
    MOVE = "move", "Move to a folder"
    READ = "read", "Mark read"
    UNREAD = "unread", "Mark unread"
    FLAG = "flag", "Flag"
    UNFLAG = "unflag", "Unflag"
    KEYWORD_ADD = "keyword_add", "Add a keyword"
    KEYWORD_REMOVE = "keyword_remove", "Remove a keyword"
    SPAM = "spam", "Mark as spam (to Junk)"
    NOT_SPAM = "not_spam", "Not spam (to Inbox)"


MOVES = {Action.TRASH, Action.RESTORE, Action.MOVE, Action.SPAM, Action.NOT_SPAM}
KEYWORD_ACTIONS = {Action.KEYWORD_ADD, Action.KEYWORD_REMOVE}
# (flag, add) per flag action; keyword actions take the keyword from the job.
FLAG_CHANGES: dict[str, tuple[str, bool]] = {
    Action.READ: ("\\Seen", True),
    Action.UNREAD: ("\\Seen", False),
    Action.FLAG: ("\\Flagged", True),
    Action.UNFLAG: ("\\Flagged", False),
}
# What a reader of a shared inbox may do: triage. Moving, deleting, keywords and folders are the owner's and admins'.
READER_ACTIONS = set(FLAG_CHANGES)


def account_changeable(actor: User, account: MailAccount) -> bool:
    return account.owner_id == actor.pk or actor.is_admin


def action_permission_ensure(*, actor: User, account: MailAccount, action: str) -> None:
    if action not in READER_ACTIONS and not account_changeable(actor, account):
        raise PermissionDenied("Only the account's owner and admins can move, delete or label its mail.")


def folder_with_role(account: MailAccount, role: str) -> MailFolder | None:
    return MailFolder.objects.filter(account=account, role=role).order_by("id").first()


def _folder_required(account: MailAccount, role: str, label: str) -> MailFolder:
    folder = folder_with_role(account, role)
    if folder is None:
        raise ValidationError({"action": [f"This account has no {label} folder; sync it, or create one."]})
    return folder


def action_validate(*, account: MailAccount, action: str, target_folder: MailFolder | None, keyword: str) -> None:
    """Refuse a malformed action before anything is written; the message says what is missing."""
    if action == Action.MOVE and target_folder is None:
        raise ValidationError({"folder": ["Choose the folder to move to."]})
    if target_folder is not None and target_folder.account_id != account.pk:
        raise ValidationError({"folder": ["The folder belongs to another account."]})
    if action in KEYWORD_ACTIONS and not keyword_valid(keyword):
        raise ValidationError({"keyword": [KEYWORD_RULE]})
    if action == Action.TRASH:
        _folder_required(account, FolderRole.TRASH, "Trash")
    if action == Action.SPAM:
        _folder_required(account, FolderRole.JUNK, "Junk")
    if action in {Action.NOT_SPAM, Action.RESTORE}:
        _folder_required(account, FolderRole.INBOX, "Inbox")


@dataclass(frozen=True)
class Row:
    id: int
    folder_id: int
    uid: int


def _batches(rows: list[Row]) -> Iterator[tuple[int, list[Row]]]:
    """Rows grouped by folder, then cut in batches of BATCH_SIZE UIDs."""
    by_folder: dict[int, list[Row]] = {}
    for row in rows:
        by_folder.setdefault(row.folder_id, []).append(row)
    for folder_id, folder_rows in by_folder.items():
        folder_rows.sort(key=lambda row: row.uid)
        for start in range(0, len(folder_rows), BATCH_SIZE):
            yield folder_id, folder_rows[start : start + BATCH_SIZE]


class ActionRun:
    """One job's work over one IMAP connection; `progress` hears how many messages are done so far."""

    def __init__(self, job: MailActionJob, progress: Callable[[int], None]) -> None:
        self.job = job
        self.account = job.account
        self.progress = progress
        self.folders = {folder.pk: folder for folder in MailFolder.objects.filter(account=self.account)}
        self.writer: ImapWriter | None = None
        self.done = 0

    def rows(self) -> list[Row]:
        """The job's messages as they are now: one deleted meanwhile is skipped, one already moved is not redone."""
        messages = MailMessage.objects.filter(account=self.account, pk__in=self.job.message_ids)
        destination = self._fixed_destination()
        if destination is not None:
            messages = messages.exclude(folder=destination)
        if self.job.action == Action.RESTORE:
            messages = messages.filter(folder__role=FolderRole.TRASH)
        return [Row(*values) for values in messages.order_by("folder_id", "uid").values_list("id", "folder_id", "uid")]

    def _fixed_destination(self) -> MailFolder | None:
        action = self.job.action
        if action == Action.MOVE:
            return self.job.target_folder
        if action == Action.TRASH:
            return folder_with_role(self.account, FolderRole.TRASH)
        if action == Action.SPAM:
            return folder_with_role(self.account, FolderRole.JUNK)
        if action == Action.NOT_SPAM:
            return folder_with_role(self.account, FolderRole.INBOX)
        return None

    def run(self) -> int:
        rows = self.rows()
        if not rows:
            return 0
        client = imap_connect(account_server(self.account))
        try:
            self.writer = writer_for(self.account, client)
            if self.job.action == Action.KEYWORD_ADD:
                self._keywords_allowed_everywhere(self.writer, rows)
            selected: int | None = None
            for folder_id, batch in _batches(rows):
                if folder_id != selected:
                    self.writer.select(self.folders[folder_id])
                    selected = folder_id
                self._batch(self.folders[folder_id], batch)
                self.done += len(batch)
                self.progress(self.done)
        except SERVER_FAILURES as exc:
            raise classify(exc, kind="IMAP", host=self.account.imap_host, port=self.account.imap_port) from exc
        finally:
            imap_close(client)
        return self.done

    def _keywords_allowed_everywhere(self, writer: ImapWriter, rows: list[Row]) -> None:
        """A keyword goes on every selected message or on none: each folder is asked before the first changes."""
        for folder_id in dict.fromkeys(row.folder_id for row in rows):
            writer.select(self.folders[folder_id])
            if not writer.keywords_allowed:
                raise _keywords_refused(self.folders[folder_id])

    def _batch(self, folder: MailFolder, batch: list[Row]) -> None:
        action = self.job.action
        if action in MOVES:
            self._moves(folder, batch)
        elif action == Action.DELETE:
            self._delete(folder, batch)
        else:
            self._flags(folder, batch)

    # --- moves ------------------------------------------------------------------------------------------------
    def _moves(self, source: MailFolder, batch: list[Row]) -> None:
        if self.job.action != Action.RESTORE:
            destination = self._fixed_destination()
            if destination is not None:
                self._move(source, destination, batch)
            return
        origins = dict(
            MailTrashedFrom.objects.filter(message_id__in=[row.id for row in batch]).values_list(
                "message_id", "folder_id"
            )
        )
        inbox = _folder_required(self.account, FolderRole.INBOX, "Inbox")
        by_origin: dict[int, list[Row]] = {}
        for row in batch:
            by_origin.setdefault(origins.get(row.id, inbox.pk), []).append(row)
        for origin_id, rows in by_origin.items():
            self._move(source, self.folders.get(origin_id, inbox), rows)

    def _move(self, source: MailFolder, destination: MailFolder, rows: list[Row]) -> None:
        if self.writer is None or source.pk == destination.pk:
            return
        if isinstance(self.writer, GmailWriter) and destination.gmail_label is not None:
            # Gmail: a label folder is a view of All Mail, so "moving" there is labelling (docs/decisions/0009).
            self._label(source, destination.gmail_label, rows)
            return
        moved = self.writer.move([row.uid for row in rows], destination.name)
        with transaction.atomic():
            rows_moved(
                source=source,
                destination=destination,
                rows=rows,
                moved=moved,
                trashed=self.job.action == Action.TRASH,
            )

    def _label(self, source: MailFolder, label: str, rows: list[Row]) -> None:
        if not isinstance(self.writer, GmailWriter):
            return
        all_mail = _folder_required(self.account, FolderRole.ALL, "All Mail")
        labelled = rows
        if source.pk != all_mail.pk:
            # Out of Trash or Spam first: the label only shows on messages in All Mail.
            moved = self.writer.move([row.uid for row in rows], all_mail.name)
            with transaction.atomic():
                rows_moved(source=source, destination=all_mail, rows=rows, moved=moved, trashed=False)
            labelled = [Row(row.id, all_mail.pk, moved.new_uids[row.uid]) for row in rows if row.uid in moved.new_uids]
            self.writer.select(all_mail)
        added, removed = self.writer.label_apply([row.uid for row in labelled], label)
        if added or removed:
            rows_labels_change(ids=[row.id for row in labelled], add=added, remove=removed)
        else:
            rows_flags_change(ids=[row.id for row in labelled], flag="\\Flagged", add=True)
        if source.pk != all_mail.pk:
            self.writer.select(source)

    # --- delete for good --------------------------------------------------------------------------------------
    def _delete(self, folder: MailFolder, batch: list[Row]) -> None:
        if self.writer is None:
            return
        self.writer.expunge([row.uid for row in batch])
        messages_rows_delete(folder=folder, uids=[row.uid for row in batch])

    # --- flags and keywords -----------------------------------------------------------------------------------
    def _flags(self, folder: MailFolder, batch: list[Row]) -> None:
        if self.writer is None:
            return
        action = self.job.action
        if action in FLAG_CHANGES:
            flag, add = FLAG_CHANGES[action]
        else:
            flag, add = self.job.keyword, action == Action.KEYWORD_ADD
            if add and not self.writer.keywords_allowed:
                raise _keywords_refused(folder)
        self.writer.flags_change([row.uid for row in batch], [flag], add=add)
        rows_flags_change(ids=[row.id for row in batch], flag=flag, add=add)


def _keywords_refused(folder: MailFolder) -> ActionRefused:
    # The server lists no \* in the folder's PERMANENTFLAGS: it would accept the STORE and keep nothing.
    return ActionRefused(
        "keywords_not_supported",
        f"The mail server does not allow keywords in the folder {folder.name}; nothing was changed.",
    )


def rows_moved(*, source: MailFolder, destination: MailFolder, rows: list[Row], moved: Moved, trashed: bool) -> None:
    """Our rows follow a move the server made. With the new UIDs known (COPYUID of the destination we know) a row
    changes folder and UID and keeps its id; without them it is dropped, and the next sync fetches it there."""
    if destination.uid_validity is None and moved.uid_validity is not None:
        # Not synced yet: these UIDs are the first we know of it; the sync checks the rest against this validity.
        destination.uid_validity = moved.uid_validity
        MailFolder.objects.filter(pk=destination.pk).update(uid_validity=moved.uid_validity)
    known = moved.uid_validity is not None and moved.uid_validity == destination.uid_validity
    new_uids = {row.id: moved.new_uids[row.uid] for row in rows if known and row.uid in moved.new_uids}
    # A sync running meanwhile may have fetched some into the destination already (that row stands for the
    # message) or dropped some from the source: only rows still in the source move, onto UIDs still free.
    taken = set(
        MailMessage.objects.filter(folder=destination, uid__in=list(new_uids.values())).values_list("uid", flat=True)
    )
    candidates = [message_id for message_id, uid in new_uids.items() if uid not in taken]
    placed_ids: list[int] = []
    if candidates:
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                UPDATE {MailMessage._meta.db_table} AS message SET folder_id = %s, uid = moved.uid
                FROM unnest(%s::bigint[], %s::bigint[]) AS moved(id, uid)
                WHERE message.id = moved.id AND message.folder_id = %s
                RETURNING message.id
                """,  # noqa: S608 - the table name is ours; values are parameters
                [destination.pk, candidates, [new_uids[message_id] for message_id in candidates], source.pk],
            )
            placed_ids = [row[0] for row in cursor.fetchall()]
    MailTrashedFrom.objects.filter(message_id__in=placed_ids).delete()
    if trashed:
        MailTrashedFrom.objects.bulk_create(
            [MailTrashedFrom(message_id=message_id, folder=source) for message_id in placed_ids]
        )
    placed = set(placed_ids)
    messages_rows_delete(folder=source, uids=[row.uid for row in rows if row.id not in placed])


def messages_rows_delete(*, folder: MailFolder, uids: list[int]) -> None:
    if not uids:
        return
    with transaction.atomic():
        doomed = MailMessage.objects.filter(folder=folder, uid__in=uids)
        thread_ids = set(doomed.exclude(thread__isnull=True).values_list("thread_id", flat=True))
        doomed.delete()
        threads_recount(thread_ids)


def rows_flags_change(*, ids: list[int], flag: str, add: bool) -> None:
    """The flag added to (or removed from) these rows' flags, kept sorted and unique as the sync stores them."""
    table = MailMessage._meta.db_table
    flags = (
        "ARRAY(SELECT DISTINCT unnest(array_append(flags, %s::varchar)) ORDER BY 1)"
        if add
        else "array_remove(flags, %s::varchar)"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {table} SET flags = {flags} WHERE id = ANY(%s::bigint[])
            """,  # noqa: S608 - the table name and expression are ours; values are parameters
            [flag, ids],
        )
        cursor.execute(
            f"""
            UPDATE {table} SET is_read = '\\Seen' = ANY(flags), is_flagged = '\\Flagged' = ANY(flags)
            WHERE id = ANY(%s::bigint[])
            """,  # noqa: S608 - the table name is ours
            [ids],
        )


# --- jobs -----------------------------------------------------------------------------------------------------
def _job_enqueue(job_id: int) -> None:
    from tenant_apps.mail.tasks import mail_action_job_run

    mail_action_job_run.apply_async(kwargs={"job_id": job_id}, queue="mail")


def mail_action_start(
    *,
    actor: User,
    account: MailAccount,
    action: str,
    message_ids: list[int],
    target_folder: MailFolder | None = None,
    keyword: str = "",
    background: bool = False,
) -> MailActionJob:
    """Act on these messages of the account. Up to INLINE_MAX (and not `background`) it is done now and the job
    comes back done; otherwise the job is queued and a Celery task runs it in batches, counting progress."""
    action_permission_ensure(actor=actor, account=account, action=action)
    action_validate(account=account, action=action, target_folder=target_folder, keyword=keyword)
    ids = sorted(set(MailMessage.objects.filter(account=account, pk__in=message_ids).values_list("id", flat=True)))
    if len(ids) != len(set(message_ids)):
        raise ValidationError({"message_ids": ["Every id must be a message of this account."]})
    with transaction.atomic():
        job = MailActionJob.objects.create(
            account=account,
            actor=actor,
            action=action,
            target_folder=target_folder,
            keyword=keyword,
            message_ids=ids,
            total=len(ids),
        )
        if background or len(ids) > INLINE_MAX:
            transaction.on_commit(partial(_job_enqueue, job.pk))
            return job
    return action_job_run(job=job)


def action_job_run(*, job: MailActionJob) -> MailActionJob:
    """Run a job to the end (safe to run again: what is done already is skipped); failures are kept on the job."""
    if job.state == MailActionState.DONE:
        return job
    MailActionJob.objects.filter(pk=job.pk).update(state=MailActionState.RUNNING)

    def progress(done: int) -> None:
        MailActionJob.objects.filter(pk=job.pk).update(done=done)

    try:
        job.done = ActionRun(job, progress).run()
    except (ActionRefused, MailServerError) as problem:
        job.state, job.error, job.finished_at = MailActionState.FAILED, problem.message, timezone.now()
        job.save(update_fields=["state", "error", "finished_at"])
        raise
    job.state, job.done, job.finished_at = MailActionState.DONE, job.total, timezone.now()
    job.save(update_fields=["state", "done", "finished_at"])
    return job


def trash_empty(*, actor: User, account: MailAccount) -> int:
    """Delete everything in Trash for good (UID EXPUNGE of what is there now); returns how many went."""
    action_permission_ensure(actor=actor, account=account, action=Action.DELETE)
    trash = _folder_required(account, FolderRole.TRASH, "Trash")
    client = imap_connect(account_server(account))
    try:
        writer = writer_for(account, client)
        writer.select(trash)
        uids = writer.uids_all()
        for start in range(0, len(uids), BATCH_SIZE):
            writer.expunge(uids[start : start + BATCH_SIZE])
    except SERVER_FAILURES as exc:
        raise classify(exc, kind="IMAP", host=account.imap_host, port=account.imap_port) from exc
    finally:
        imap_close(client)
    messages_rows_delete(folder=trash, uids=uids)
    return len(uids)
