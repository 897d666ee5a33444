"""Gmail sync against the Gmail emulator over real IMAP: All Mail once, labels, X-GM-MSGID identity, X-GM-THRID."""

from __future__ import annotations

from django_tenants.utils import schema_context
from imapclient.imap_utf7 import decode as decode_utf7

from shared_apps.common.testing import TestTenant
from tenant_apps.mail.imap.sync import account_sync
from tenant_apps.mail.models import MailAccount, MailFolder, MailMessage
from tenant_apps.mail.tests import messages
from tenant_apps.mail.tests.conftest import GmailMailbox, gmail_account_make

ALL_MAIL = "[Gmail]/All Mail"


def server_state(mailbox: GmailMailbox, folder: str = ALL_MAIL) -> dict[int, tuple[int, list[str], list[str]]]:
    """X-GM-MSGID -> (UID, labels, flags) as a second client sees the folder."""
    with mailbox.other_client() as client:
        client.select_folder(folder, readonly=True)
        uids = client.search(["ALL"])
        answers = client.fetch(uids, ["X-GM-MSGID", "X-GM-LABELS", "FLAGS"]) if uids else {}
    return {
        values[b"X-GM-MSGID"]: (
            uid,
            sorted(decode_utf7(label) for label in values[b"X-GM-LABELS"]),
            sorted(flag.decode() for flag in values[b"FLAGS"]),
        )
        for uid, values in answers.items()
    }


def stored_state(account: MailAccount, folder: str = ALL_MAIL) -> dict[int | None, tuple[int, list[str], list[str]]]:
    rows = MailMessage.objects.filter(account=account, folder__name=folder).values_list(
        "gmail_message_id", "uid", "labels", "flags"
    )
    return {gmail_id: (uid, sorted(labels), sorted(flags)) for gmail_id, uid, labels, flags in rows}


def test_a_message_with_three_labels_is_stored_once_with_its_labels(acme: TestTenant, gmail_mailbox: GmailMailbox):
    # given one message filed in INBOX, Work and Personal (Gmail keeps one message with three labels) and one
    # archived message that is only in All Mail
    with gmail_mailbox.other_client() as client:
        client.create_folder("Work")
        client.create_folder("Personal")
    plan = messages.simple("Plan", message_id="<plan@x>")
    for folder in ("INBOX", "Work", "Personal"):
        gmail_mailbox.append(plan, folder=folder)
    gmail_mailbox.append(messages.simple("Receipt", message_id="<receipt@x>"), folder=ALL_MAIL, flags=(b"\\Seen",))
    account = gmail_account_make(acme, gmail_mailbox)
    with schema_context(acme.schema_name):
        # when
        report = account_sync(account=account)
        # then each message is one row, in All Mail, with its labels, identified by X-GM-MSGID
        assert report.added == 2
        assert MailMessage.objects.filter(account=account).count() == 2
        assert stored_state(account) == server_state(gmail_mailbox)
        stored_plan = MailMessage.objects.get(account=account, message_id="plan@x")
        assert (stored_plan.folder.name, sorted(stored_plan.labels)) == (ALL_MAIL, ["Personal", "Work", "\\Inbox"])
        # and only All Mail, Trash and Spam were synced; every other folder is a label view
        folders = {
            folder.name: (folder.gmail_label, folder.uid_validity is not None)
            for folder in MailFolder.objects.filter(account=account)
        }
        assert folders == {
            "INBOX": ("\\Inbox", False),
            "[Gmail]/Sent Mail": ("\\Sent", False),
            "[Gmail]/Drafts": ("\\Draft", False),
            "[Gmail]/Important": ("\\Important", False),
            "[Gmail]/Starred": ("\\Starred", False),
            ALL_MAIL: (None, True),
            "[Gmail]/Trash": (None, True),
            "[Gmail]/Spam": (None, True),
            "Personal": ("Personal", False),
            "Work": ("Work", False),
        }
        # and a second sync with nothing changed adds nothing
        again = account_sync(account=account)
        assert (again.added, again.removed, again.flags_changed) == (0, 0, 0)


def test_labels_and_flags_changed_by_another_client_appear_after_sync(acme: TestTenant, gmail_mailbox: GmailMailbox):
    # given a synced account with two messages in the inbox
    for number in (1, 2):
        gmail_mailbox.append(messages.simple(f"Note {number}", message_id=f"<note{number}@x>"))
    account = gmail_account_make(acme, gmail_mailbox)
    with schema_context(acme.schema_name):
        account_sync(account=account)
    # when another client labels the first "Clients/Été" and archives it (removes \Inbox), and reads the second
    with gmail_mailbox.other_client() as client:
        client.select_folder(ALL_MAIL)
        client.add_gmail_labels([1], ["Clients/Été", "\\Important"], silent=True)
        client.remove_gmail_labels([1], ["\\Inbox"], silent=True)
        client.add_flags([2], [b"\\Seen"], silent=True)
    with schema_context(acme.schema_name):
        # and the inbox is synced (as IDLE on INBOX does): on Gmail that is All Mail
        report = account_sync(account=account, folder_names=["INBOX"])
        # then
        assert [folder.name for folder in report.folders] == [ALL_MAIL]
        assert report.flags_changed == 2
        assert stored_state(account) == server_state(gmail_mailbox)
        first = MailMessage.objects.get(account=account, message_id="note1@x")
        assert sorted(first.labels) == ["Clients/Été", "\\Important"]
        assert MailMessage.objects.get(account=account, message_id="note2@x").is_read is True
        assert MailFolder.objects.get(account=account, name="Clients/Été").gmail_label == "Clients/Été"


def test_trash_and_back_keeps_one_row_per_message(acme: TestTenant, gmail_mailbox: GmailMailbox):
    # given a synced message
    gmail_mailbox.append(messages.simple("Oops", message_id="<oops@x>"))
    account = gmail_account_make(acme, gmail_mailbox)
    with schema_context(acme.schema_name):
        account_sync(account=account)
        row_id = MailMessage.objects.get(account=account).pk
    # when another client moves it to Trash
    with gmail_mailbox.other_client() as client:
        client.select_folder(ALL_MAIL)
        client.add_gmail_labels([1], ["\\Trash"], silent=True)
    with schema_context(acme.schema_name):
        report = account_sync(account=account)
        # then it is stored once, in Trash: the same row, not fetched again
        assert report.added == 1
        assert list(MailMessage.objects.filter(account=account).values_list("id", "folder__name")) == [
            (row_id, "[Gmail]/Trash")
        ]
        assert stored_state(account, "[Gmail]/Trash") == server_state(gmail_mailbox, "[Gmail]/Trash")
    # when it is taken out of Trash again
    with gmail_mailbox.other_client() as client:
        client.select_folder("[Gmail]/Trash")
        client.remove_gmail_labels([1], ["\\Trash"], silent=True)
    with schema_context(acme.schema_name):
        report = account_sync(account=account)
        # then the same row moved back to All Mail with its new UID, nothing fetched twice
        assert report.added == 1
        message = MailMessage.objects.get(account=account)
        assert (message.pk, message.folder.name) == (row_id, ALL_MAIL)
        assert stored_state(account) == server_state(gmail_mailbox)
        assert stored_state(account, "[Gmail]/Trash") == server_state(gmail_mailbox, "[Gmail]/Trash") == {}


def test_threads_fall_back_to_gmail_thread_id_when_references_say_nothing(
    acme: TestTenant, gmail_mailbox: GmailMailbox
):
    # given two messages Gmail puts in one conversation although neither refers to the other, a reply that does
    # refer to the first, and an unrelated message
    gmail_mailbox.append(messages.simple("Invoice 42", message_id="<inv1@x>"))
    gmail_mailbox.append(messages.simple("Re: Invoice 42", message_id="<inv2@x>"))
    gmail_mailbox.append(
        messages.simple(
            "Paid", message_id="<inv3@x>", extra_headers="In-Reply-To: <inv1@x>\r\nReferences: <inv1@x>\r\n"
        )
    )
    gmail_mailbox.append(messages.simple("Lunch?", message_id="<lunch@x>"))
    server = server_state(gmail_mailbox)
    account = gmail_account_make(acme, gmail_mailbox)
    with schema_context(acme.schema_name):
        # when
        account_sync(account=account)
        # then
        rows = {
            message_id: (thread_id, gmail_thread_id)
            for message_id, thread_id, gmail_thread_id in MailMessage.objects.filter(account=account).values_list(
                "message_id", "thread_id", "gmail_thread_id"
            )
        }
        assert rows["inv1@x"][0] == rows["inv2@x"][0] == rows["inv3@x"][0]
        assert rows["lunch@x"][0] != rows["inv1@x"][0]
        assert rows["inv1@x"][1] == rows["inv2@x"][1] != rows["lunch@x"][1]
        assert {gmail_id for gmail_id in server} == set(
            MailMessage.objects.filter(account=account).values_list("gmail_message_id", flat=True)
        )


def test_uid_validity_change_of_all_mail_still_ends_exact(acme: TestTenant, gmail_mailbox: GmailMailbox):
    # given a synced account
    with gmail_mailbox.other_client() as client:
        client.create_folder("Work")
    for number in range(1, 4):
        gmail_mailbox.append(messages.simple(f"Item {number}", message_id=f"<item{number}@x>"), folder="Work")
    account = gmail_account_make(acme, gmail_mailbox)
    with schema_context(acme.schema_name):
        account_sync(account=account)
        old_validity = MailFolder.objects.get(account=account, name=ALL_MAIL).uid_validity
        row_ids = dict(MailMessage.objects.filter(account=account).values_list("subject", "id"))
    # when Gmail renumbers All Mail (new UIDVALIDITY), and meanwhile one message is deleted and one arrives
    with gmail_mailbox.other_client() as client:
        client.select_folder(ALL_MAIL)
        client.add_gmail_labels([2], ["\\Trash"], silent=True)
    gmail_mailbox.user.uid_validity_reset(ALL_MAIL)
    gmail_mailbox.append(messages.simple("Item 4", message_id="<item4@x>"))
    with schema_context(acme.schema_name):
        report = account_sync(account=account)
        # then All Mail holds exactly the server's messages, none doubled, with their labels
        assert [folder.uid_validity_changed for folder in report.folders if folder.name == ALL_MAIL] == [True]
        assert MailFolder.objects.get(account=account, name=ALL_MAIL).uid_validity != old_validity
        assert stored_state(account) == server_state(gmail_mailbox)
        assert stored_state(account, "[Gmail]/Trash") == server_state(gmail_mailbox, "[Gmail]/Trash")
        assert MailMessage.objects.filter(account=account).count() == 4
        assert sorted(MailMessage.objects.filter(account=account).values_list("subject", flat=True)) == [
            "Item 1",
            "Item 2",
            "Item 3",
            "Item 4",
        ]
        # and every message kept its row (X-GM-MSGID said which is which), the trashed one too: only Item 4 was
        # fetched
        assert report.added == 2
        assert MailMessage.objects.get(account=account, subject="Item 4").pk not in row_ids.values()
        for subject in ("Item 1", "Item 2", "Item 3"):
            assert MailMessage.objects.get(account=account, subject=subject).pk == row_ids[subject]
