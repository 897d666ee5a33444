"""Actions on a Gmail account, the Gmail way (registered with `writer_register`, picked by `writer_for`).

A Gmail message lives in exactly one of All Mail, Trash and Spam; every other folder is a label. So a move to a
label folder is a label change on the message where it is (out of Trash or Spam into All Mail first), and a
delete for good from All Mail goes through Trash, since an EXPUNGE in All Mail only moves the message to Trash.
"""

from __future__ import annotations

from tenant_apps.mail.imap.fetch import uid_set
from tenant_apps.mail.imap.gmail import STARRED
from tenant_apps.mail.imap.writer import ActionRefused, ImapWriter, writer_register
from tenant_apps.mail.models import FolderRole, MailFolder

INBOX = "\\Inbox"
# Labels that only Gmail itself sets (sending, drafts): a move there is refused.
READ_ONLY_LABELS = {"\\Sent", "\\Draft"}


class GmailWriter(ImapWriter):
    selected: MailFolder | None = None

    def select(self, folder: MailFolder) -> None:
        super().select(folder)
        self.selected = folder

    def _role_folder(self, role: str) -> MailFolder:
        account_id = self.selected.account_id if self.selected else None
        folder = MailFolder.objects.filter(account_id=account_id, role=role).order_by("id").first()
        if folder is None:
            raise ActionRefused("folder_missing", "This Gmail account has no such folder yet; sync it first.")
        return folder

    def expunge(self, uids: list[int]) -> None:
        """For good: in Trash or Spam as anywhere; from All Mail by way of Trash."""
        source = self.selected
        if source is None or source.role in {FolderRole.TRASH, FolderRole.JUNK} or not uids:
            super().expunge(uids)
            return
        trash = self._role_folder(FolderRole.TRASH)
        moved = self.move(uids, trash.name)
        if len(moved.new_uids) != len(uids):
            raise ActionRefused("gmail_delete_unconfirmed", "Gmail did not say where the messages went in Trash.")
        self.select(trash)
        super().expunge(sorted(moved.new_uids.values()))
        self.select(source)

    def label_apply(self, uids: list[int], label: str) -> tuple[list[str], list[str]]:
        """Put the selected messages (in All Mail) under `label`, as Gmail's "Move to" does: the label is added
        and, unless it is the inbox, the inbox label removed. Returns the labels added and removed; Starred is
        the \\Flagged flag, so nothing is returned for it."""
        if label in READ_ONLY_LABELS:
            raise ActionRefused("gmail_label_read_only", f"Gmail sets {label} itself; messages cannot be moved there.")
        if label == STARRED:
            self.flags_change(uids, ["\\Flagged"], add=True)
            return [], []
        removed = [] if label == INBOX else [INBOX]
        self.client.add_gmail_labels(uid_set(uids), [label], silent=True)
        if removed:
            self.client.remove_gmail_labels(uid_set(uids), removed, silent=True)
        return [label], removed


writer_register("gmail", GmailWriter)
