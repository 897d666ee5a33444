"""The generic mail actions on a Gmail account (the emulator): trash, undo, delete for good, spam, and moves to a
label folder, which on Gmail are label changes; every step ends with our rows equal to what a second client sees."""

from __future__ import annotations

from django_tenants.utils import schema_context

from shared_apps.common.testing import TestTenant
from tenant_apps.accounts.models import User
from tenant_apps.mail.actions import mail_action_start
from tenant_apps.mail.folders import mail_folder_create, mail_folder_delete, mail_folder_rename
from tenant_apps.mail.imap.sync import account_sync
from tenant_apps.mail.models import MailAccount, MailFolder, MailMessage
from tenant_apps.mail.tests import messages
from tenant_apps.mail.tests.conftest import GmailMailbox, gmail_account_make
from tenant_apps.mail.tests.test_gmail_sync import ALL_MAIL, server_state, stored_state

TRASH = "[Gmail]/Trash"
SPAM = "[Gmail]/Spam"


def _in_step(account: MailAccount, mailbox: GmailMailbox) -> None:
    for folder in (ALL_MAIL, TRASH, SPAM):
        assert stored_state(account, folder) == server_state(mailbox, folder), folder
    # and a sync finds nothing to change
    report = account_sync(account=account)
    assert (report.added, report.removed, report.flags_changed) == (0, 0, 0)


def _act(tenant: TestTenant, account: MailAccount, action: str, message: MailMessage, **extra: object) -> None:
    owner = User.objects.get(email=tenant.owner_email)
    job = mail_action_start(actor=owner, account=account, action=action, message_ids=[message.pk], **extra)  # type: ignore[arg-type]
    assert (job.state, job.done) == ("done", 1)


def _place(message: MailMessage) -> tuple[str, list[str]]:
    message.refresh_from_db()
    return message.folder.name, message.labels


def test_trash_undo_and_delete_for_good_on_gmail(acme: TestTenant, gmail_mailbox: GmailMailbox):
    # given a synced Gmail inbox
    with gmail_mailbox.other_client() as client:
        client.create_folder("Work")
    gmail_mailbox.append(messages.simple("Oops", message_id="<oops@x>"))
    gmail_mailbox.append(messages.simple("Oops", message_id="<oops@x>"), folder="Work")
    gmail_mailbox.append(messages.simple("Keep", message_id="<keep@x>"))
    account = gmail_account_make(acme, gmail_mailbox)
    with schema_context(acme.schema_name):
        account_sync(account=account)
        oops = MailMessage.objects.get(account=account, message_id="oops@x")
        # when it is trashed, the same row is in Trash, labels kept as Gmail keeps them
        _act(acme, account, "trash", oops)
        assert _place(oops) == (TRASH, ["Work", "\\Inbox"])
        _in_step(account, gmail_mailbox)
        # when the delete is undone, it is back in All Mail
        _act(acme, account, "restore", oops)
        assert _place(oops) == (ALL_MAIL, ["Work", "\\Inbox"])
        _in_step(account, gmail_mailbox)
        # when it is deleted for good (through Trash, as Gmail needs), it is gone everywhere
        _act(acme, account, "delete", oops)
        assert not MailMessage.objects.filter(pk=oops.pk).exists()
        _in_step(account, gmail_mailbox)
        assert [values[1] for values in server_state(gmail_mailbox).values()] == [["\\Inbox"]]


def test_moves_to_label_folders_and_spam_are_label_changes_on_gmail(acme: TestTenant, gmail_mailbox: GmailMailbox):
    # given a synced Gmail inbox and a label
    with gmail_mailbox.other_client() as client:
        client.create_folder("Work")
    gmail_mailbox.append(messages.simple("Offer", message_id="<offer@x>"))
    account = gmail_account_make(acme, gmail_mailbox)
    with schema_context(acme.schema_name):
        account_sync(account=account)
        offer = MailMessage.objects.get(account=account)
        work = MailFolder.objects.get(account=account, name="Work")
        # when it is moved to Work, Gmail's way: the row stays in All Mail, labelled Work, out of the inbox
        _act(acme, account, "move", offer, target_folder=work)
        assert _place(offer) == (ALL_MAIL, ["Work"])
        _in_step(account, gmail_mailbox)
        # when it is marked as spam, it is in Spam
        _act(acme, account, "spam", offer)
        assert _place(offer)[0] == SPAM
        _in_step(account, gmail_mailbox)
        # when it is not spam after all, it is back in All Mail and in the inbox, the same row throughout
        _act(acme, account, "not_spam", offer)
        assert _place(offer) == (ALL_MAIL, ["Work", "\\Inbox"])
        _in_step(account, gmail_mailbox)
        # and moving to Starred flags it
        starred = MailFolder.objects.get(account=account, name="[Gmail]/Starred")
        _act(acme, account, "move", offer, target_folder=starred)
        offer.refresh_from_db()
        assert offer.is_flagged is True
        _in_step(account, gmail_mailbox)


def test_label_folders_created_renamed_and_deleted_on_gmail_keep_labels_in_step(
    acme: TestTenant, gmail_mailbox: GmailMailbox
):
    # given a synced Gmail inbox
    gmail_mailbox.append(messages.simple("Quote", message_id="<quote@x>"))
    account = gmail_account_make(acme, gmail_mailbox)
    with schema_context(acme.schema_name):
        account_sync(account=account)
        owner = User.objects.get(email=acme.owner_email)
        quote = MailMessage.objects.get(account=account)
        # when a folder is made, it is a label view at once, and a message moved there is labelled
        projects = mail_folder_create(actor=owner, account=account, name="Projects")
        assert projects.gmail_label == "Projects"
        _act(acme, account, "move", quote, target_folder=projects)
        assert _place(quote) == (ALL_MAIL, ["Projects"])
        _in_step(account, gmail_mailbox)
        # when it is renamed, the label on the message follows, here and on Gmail
        renamed = mail_folder_rename(actor=owner, folder=projects, name="Clients")
        assert (renamed.name, renamed.gmail_label) == ("Clients", "Clients")
        assert _place(quote) == (ALL_MAIL, ["Clients"])
        _in_step(account, gmail_mailbox)
        # when it is deleted, the message stays, without the label
        mail_folder_delete(actor=owner, folder=renamed)
        assert _place(quote) == (ALL_MAIL, [])
        assert not MailFolder.objects.filter(account=account, name="Clients").exists()
        _in_step(account, gmail_mailbox)
