"""The sync engine against a real Dovecot: new mail, flags, expunges, UIDVALIDITY changes, folders."""

from __future__ import annotations

from typing import Any

from django_tenants.utils import schema_context

from shared_apps.common.testing import TestTenant
from tenant_apps.mail.imap.sync import AccountSync, account_sync, parse_pool
from tenant_apps.mail.models import MailAccount, MailFolder, MailMessage, MailThread
from tenant_apps.mail.tests import messages
from tenant_apps.mail.tests.conftest import Mailbox, account_make


def _stored(account: MailAccount, folder: str = "INBOX") -> dict[int, tuple[str, list[str]]]:
    return {
        uid: (subject, flags)
        for uid, subject, flags in MailMessage.objects.filter(account=account, folder__name=folder).values_list(
            "uid", "subject", "flags"
        )
    }


def _server(mailbox: Mailbox, folder: str = "INBOX") -> dict[int, tuple[str, list[str]]]:
    with mailbox.other_client() as client:
        client.select_folder(folder, readonly=True)
        uids = client.search()
        answers = client.fetch(uids, ["FLAGS", "BODY.PEEK[HEADER.FIELDS (SUBJECT)]"]) if uids else {}
    result = {}
    for uid, values in answers.items():
        header = values[b"BODY[HEADER.FIELDS (SUBJECT)]"].decode().strip()
        flags = sorted(flag.decode() for flag in values[b"FLAGS"] if flag != b"\\Recent")
        result[uid] = (header.removeprefix("Subject: "), flags)
    return result


def test_first_sync_stores_folders_messages_and_threads_without_marking_read(acme: TestTenant, mailbox: Mailbox):
    # given two messages of one conversation and one with an attachment
    mailbox.append(messages.simple("Plan", message_id="<a@x>"))
    mailbox.append(messages.simple("Re: Plan", message_id="<b@x>", extra_headers="In-Reply-To: <a@x>\r\n"))
    mailbox.append(messages.with_attachment())
    account = account_make(acme, mailbox)
    with schema_context(acme.schema_name):
        # when
        report = account_sync(account=account)
        # then
        assert report.added == 3
        folders = dict(MailFolder.objects.filter(account=account).values_list("name", "role"))
        assert folders == {
            "INBOX": "inbox",
            "Sent": "sent",
            "Drafts": "drafts",
            "Trash": "trash",
            "Junk": "junk",
            "Archive": "archive",
        }
        assert _stored(account) == {1: ("Plan", []), 2: ("Re: Plan", []), 3: ("Report", [])}
        plan, reply = MailMessage.objects.filter(account=account, message_id__in=["a@x", "b@x"]).order_by("uid")
        assert plan.thread_id == reply.thread_id
        thread = MailThread.objects.get(pk=reply.thread_id or 0)
        assert (thread.subject, thread.message_count) == ("Plan", 2)
        report_message = MailMessage.objects.get(account=account, uid=3)
        assert report_message.has_attachments is True
        assert "<script>" not in report_message.html_body
        assert "onclick" not in report_message.html_body
        assert "tracker.example" not in report_message.html_body
        assert report_message.has_remote_images is True
        account.refresh_from_db()
        assert (account.status, account.sync_state, account.sync_messages_done) == ("ok", "idle", 3)
    # BODY.PEEK: nothing became \Seen on the server
    assert all(flags == [] for _, flags in _server(mailbox).values())


def test_resync_follows_flags_expunges_and_new_mail(
    acme: TestTenant, mailbox: Mailbox, django_assert_max_num_queries: Any
):
    # given a synced mailbox
    for number in range(1, 5):
        mailbox.append(messages.simple(f"Message {number}", message_id=f"<n{number}@x>"))
    account = account_make(acme, mailbox)
    with schema_context(acme.schema_name):
        account_sync(account=account)
    # when another client flags, expunges and appends
    with mailbox.other_client() as other:
        other.select_folder("INBOX")
        other.add_flags([1], [b"\\Seen", b"\\Flagged"])
        other.remove_flags([1], [b"\\Flagged"])
        other.add_flags([2], [b"\\Flagged"])
        other.delete_messages([3])
        other.expunge()
    mailbox.append(messages.simple("Message 5", message_id="<n5@x>"))
    with schema_context(acme.schema_name):
        report = account_sync(account=account)
        # then the stored folder equals the server's
        assert (report.added, report.removed, report.flags_changed) == (1, 1, 2)
        assert _stored(account) == _server(mailbox)
        assert sorted(_stored(account)) == [1, 2, 4, 5]
        assert MailMessage.objects.get(account=account, uid=1).is_read is True
        assert MailMessage.objects.get(account=account, uid=2).is_flagged is True
        # and a second run with nothing changed does nothing: it reads the folders and writes one row
        with django_assert_max_num_queries(2):
            again = account_sync(account=account)
        assert [folder.unchanged for folder in again.folders] == [True] * 6


def test_uid_validity_change_resyncs_the_folder_cleanly(acme: TestTenant, mailbox: Mailbox):
    # given a synced folder
    with mailbox.other_client() as other:
        other.create_folder("Projects")
    mailbox.append(messages.simple("Old one", message_id="<old@x>"), folder="Projects")
    mailbox.append(messages.simple("Kept", message_id="<kept@x>"), folder="Projects")
    account = account_make(acme, mailbox)
    with schema_context(acme.schema_name):
        account_sync(account=account)
        old_validity = MailFolder.objects.get(account=account, name="Projects").uid_validity
    # when the folder is deleted and made again (new UIDVALIDITY) with other content
    with mailbox.other_client() as other:
        other.delete_folder("Projects")
        other.create_folder("Projects")
    mailbox.append(messages.simple("Kept", message_id="<kept@x>"), folder="Projects")
    mailbox.append(messages.simple("New one", message_id="<new@x>"), folder="Projects")
    with schema_context(acme.schema_name):
        report = account_sync(account=account)
        # then the folder holds exactly the server's messages, none doubled
        folder = MailFolder.objects.get(account=account, name="Projects")
        assert folder.uid_validity != old_validity
        assert [item.uid_validity_changed for item in report.folders if item.name == "Projects"] == [True]
        assert _stored(account, "Projects") == _server(mailbox, "Projects")
        assert sorted(subject for subject, _ in _stored(account, "Projects").values()) == ["Kept", "New one"]


def test_folders_renamed_and_deleted_on_the_server_are_followed(acme: TestTenant, mailbox: Mailbox):
    # given two synced folders
    with mailbox.other_client() as other:
        other.create_folder("Clients")
        other.create_folder("Old")
    mailbox.append(messages.simple("Contract", message_id="<c@x>"), folder="Clients")
    account = account_make(acme, mailbox)
    with schema_context(acme.schema_name):
        account_sync(account=account)
        clients_id = MailFolder.objects.get(account=account, name="Clients").pk
    # when one is renamed and the other deleted
    with mailbox.other_client() as other:
        other.rename_folder("Clients", "Customers")
        other.delete_folder("Old")
    with schema_context(acme.schema_name):
        account_sync(account=account)
        names = set(MailFolder.objects.filter(account=account).values_list("name", flat=True))
        # then
        assert "Old" not in names
        assert "Clients" not in names
        customers = MailFolder.objects.get(account=account, name="Customers")
        assert customers.pk == clients_id
        assert _stored(account, "Customers") == _server(mailbox, "Customers")


def test_server_without_condstore_is_synced_by_uid_and_flag_diff(acme: TestTenant, plain_mailbox: Mailbox):
    # given a server that offers neither CONDSTORE nor QRESYNC, and a synced inbox
    for number in range(1, 4):
        plain_mailbox.append(messages.simple(f"Plain {number}", message_id=f"<p{number}@x>"))
    account = account_make(acme, plain_mailbox)
    with schema_context(acme.schema_name):
        account_sync(account=account)
    # when another client changes flags and expunges
    with plain_mailbox.other_client() as other:
        other.select_folder("INBOX")
        other.add_flags([2], [b"\\Seen"])
        other.delete_messages([1])
        other.expunge()
    with schema_context(acme.schema_name):
        report = account_sync(account=account)
        # then
        assert (report.removed, report.flags_changed) == (1, 1)
        assert _stored(account) == _server(plain_mailbox)


def test_worker_processes_fetch_and_parse_big_folders_the_same_way(acme: TestTenant, mailbox: Mailbox):
    # given more messages than one batch, one of them with an attachment
    for number in range(1, 7):
        mailbox.append(messages.simple(f"Bulk {number}", message_id=f"<bulk{number}@x>"))
    mailbox.append(messages.with_attachment())
    account = account_make(acme, mailbox)
    pool = parse_pool()
    assert pool is not None
    with schema_context(acme.schema_name):
        # when the sync hands batches of two to the worker processes
        report = AccountSync(account, executor=pool, batch_size=2).run()
        # then
        assert report.added == 7
        assert _stored(account) == _server(mailbox)
        report_message = MailMessage.objects.get(account=account, message_id="att@example.org")
        assert report_message.attachments.get().filename == "q1.pdf"
        assert "<script>" not in report_message.html_body
