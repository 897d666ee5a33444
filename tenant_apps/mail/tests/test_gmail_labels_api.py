"""Gmail labels through the API: written to the Gmail emulator (seen by a second client), label folders with counts,
bad input refused, and one tenant never reaching another's messages."""

from __future__ import annotations

from typing import Any

from django_tenants.utils import schema_context

from shared_apps.common.testing import TestTenant
from tenant_apps.mail.imap.sync import account_sync
from tenant_apps.mail.models import MailAccount, MailFolder, MailMessage
from tenant_apps.mail.tests import messages
from tenant_apps.mail.tests.conftest import GmailMailbox, Mailbox, account_make, gmail_account_make


def _synced_gmail(tenant: TestTenant, mailbox: GmailMailbox) -> tuple[MailAccount, MailMessage]:
    """A Gmail account with one unread inbox message labelled Work, and one read archived message."""
    with mailbox.other_client() as client:
        client.create_folder("Work")
    mailbox.append(messages.simple("Contract", message_id="<contract@x>"), folder="INBOX")
    mailbox.append(messages.simple("Contract", message_id="<contract@x>"), folder="Work")
    mailbox.append(messages.simple("Minutes", message_id="<minutes@x>"), folder="Work", flags=(b"\\Seen",))
    account = gmail_account_make(tenant, mailbox)
    with schema_context(tenant.schema_name):
        account_sync(account=account)
        return account, MailMessage.objects.get(account=account, message_id="contract@x")


def test_labels_added_and_removed_in_atrium_are_on_gmail_for_a_second_client(
    acme: TestTenant, acme_owner_client: Any, gmail_mailbox: GmailMailbox
):
    # given
    account, message = _synced_gmail(acme, gmail_mailbox)
    # when the user files the message under "Personal" and "Été 2026", takes Work off and archives it
    response = acme_owner_client.post(
        f"/api/mail/messages/{message.pk}/labels",
        {"add": ["Personal", "Été 2026"], "remove": ["Work", "\\Inbox"]},
        format="json",
    )
    # then Gmail has exactly those labels, and so has Atrium
    assert response.status_code == 200, response.content
    assert response.json()["labels"] == ["Personal", "Été 2026"]
    assert gmail_mailbox.labels_on_server("<contract@x>") == ["Personal", "Été 2026"]
    with schema_context(acme.schema_name):
        message.refresh_from_db()
        assert message.labels == ["Personal", "Été 2026"]
        # the new labels are folders right away, as Gmail lists them
        assert set(
            MailFolder.objects.filter(account=account, name__in=["Personal", "Été 2026"]).values_list(
                "gmail_label", flat=True
            )
        ) == {"Personal", "Été 2026"}
        # and a sync afterwards finds nothing to change
        assert account_sync(account=account).flags_changed == 0


def test_folder_list_shows_labels_with_unread_counts_and_lists_their_messages(
    acme: TestTenant, acme_owner_client: Any, gmail_mailbox: GmailMailbox
):
    # given
    account, _ = _synced_gmail(acme, gmail_mailbox)
    # when
    folders = {
        folder["name"]: folder for folder in acme_owner_client.get(f"/api/mail/accounts/{account.pk}/folders").json()
    }
    # then label folders count the All Mail messages with their label
    counts = {name: (folder["unread_count"], folder["total_count"]) for name, folder in folders.items()}
    assert counts["INBOX"] == (1, 1)
    assert counts["Work"] == (1, 2)
    assert counts["[Gmail]/All Mail"] == (1, 2)
    assert counts["[Gmail]/Sent Mail"] == (0, 0)
    assert folders["Work"]["gmail_label"] == "Work"
    assert folders["[Gmail]/All Mail"]["gmail_label"] is None
    # and a label folder lists its messages
    work = acme_owner_client.get(f"/api/mail/accounts/{account.pk}/messages", {"folder": folders["Work"]["id"]}).json()
    assert sorted(item["subject"] for item in work["results"]) == ["Contract", "Minutes"]
    inbox = acme_owner_client.get(
        f"/api/mail/accounts/{account.pk}/messages", {"folder": folders["INBOX"]["id"]}
    ).json()
    assert [(item["subject"], item["labels"]) for item in inbox["results"]] == [("Contract", ["Work", "\\Inbox"])]


def test_bad_label_requests_are_refused_and_change_nothing(
    acme: TestTenant, acme_owner_client: Any, gmail_mailbox: GmailMailbox
):
    # given
    _, message = _synced_gmail(acme, gmail_mailbox)
    path = f"/api/mail/messages/{message.pk}/labels"
    for body, field in [
        ({}, "non_field_errors"),
        ({"add": ["\\Trash"]}, "add.0"),
        ({"add": ["[Gmail]/Mine"]}, "add.0"),
        ({"add": ["bad\r\nname"]}, "add.0"),
        ({"add": ["  "]}, "add.0"),
        ({"add": ["x" * 226]}, "add.0"),
        ({"add": ["Work"], "remove": ["Work"]}, "remove"),
        ({"add": "Work"}, "add"),
    ]:
        # when
        response = acme_owner_client.post(path, body, format="json")
        # then
        assert response.status_code == 400, (body, response.content)
        error = response.json()["error"]
        assert error["code"] == "invalid", body
        assert field in error["fields"], (body, error)
    assert gmail_mailbox.labels_on_server("<contract@x>") == ["Work", "\\Inbox"]
    with schema_context(acme.schema_name):
        message.refresh_from_db()
        assert message.labels == ["Work", "\\Inbox"]


def test_labels_on_a_server_without_gmail_extensions_are_refused(
    acme: TestTenant, acme_owner_client: Any, mailbox: Mailbox
):
    # given a Dovecot account
    mailbox.append(messages.simple("Plain", message_id="<plain@x>"))
    account = account_make(acme, mailbox)
    with schema_context(acme.schema_name):
        account_sync(account=account)
        message = MailMessage.objects.get(account=account)
    # when
    response = acme_owner_client.post(f"/api/mail/messages/{message.pk}/labels", {"add": ["Work"]}, format="json")
    # then
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "labels_unsupported"
    with schema_context(acme.schema_name):
        message.refresh_from_db()
        assert message.labels == []


def test_another_tenant_cannot_label_a_message(
    acme: TestTenant, globex: TestTenant, globex_owner_client: Any, gmail_mailbox: GmailMailbox
):
    # given acme's Gmail message
    _, message = _synced_gmail(acme, gmail_mailbox)
    with schema_context(globex.schema_name):
        assert not MailMessage.objects.filter(pk=message.pk).exists()
    # when globex names its id
    response = globex_owner_client.post(f"/api/mail/messages/{message.pk}/labels", {"add": ["Stolen"]}, format="json")
    # then nothing is found and nothing changes, here or on Gmail
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert gmail_mailbox.labels_on_server("<contract@x>") == ["Work", "\\Inbox"]
    with schema_context(acme.schema_name):
        message.refresh_from_db()
        assert message.labels == ["Work", "\\Inbox"]
        assert not MailFolder.objects.filter(name="Stolen").exists()
