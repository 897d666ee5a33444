"""Full-text search rows of messages: built by the sync (in the batch's transaction, or on a second connection
during an initial sync in worker processes), by the trigger for any other insert, and repaired after a cut."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from shared_apps.common.testing import TestTenant
from tenant_apps.accounts.models import User
from tenant_apps.mail.crypto import secret_encrypt
from tenant_apps.mail.imap import sync as sync_module
from tenant_apps.mail.imap.sync import AccountSync, account_sync, parse_pool
from tenant_apps.mail.models import MailAccount, MailBlob, MailFolder, MailMessage, MailMessageSearch
from tenant_apps.mail.search import SearchBuilder
from tenant_apps.mail.selectors import MessageFilters, mail_message_list
from tenant_apps.mail.tests import messages
from tenant_apps.mail.tests.conftest import Mailbox, account_make
from tenants.models import SpareSchema
from tenants.provisioning import tenant_provision


def _found(account: MailAccount, query: str) -> list[str]:
    owner = account.owner
    found = mail_message_list(actor=owner, account=account, filters=MessageFilters(query=query))
    return sorted(found.values_list("subject", flat=True))


def test_new_mail_of_an_incremental_sync_is_searchable_when_the_sync_returns(acme: TestTenant, mailbox: Mailbox):
    # given an account synced once
    mailbox.append(messages.simple("Budget", message_id="<budget@x>", body="numbers for the board"))
    account = account_make(acme, mailbox)
    with schema_context(acme.schema_name):
        account_sync(account=account)
        # when a new message arrives and the next sync stores it
        mailbox.append(
            messages.simple(
                "Offsite", sender="Zelda Quist <zelda@example.org>", message_id="<offsite@x>", body="pelican harbour"
            )
        )
        report = account_sync(account=account)
        # then it is found by a word of its body, its subject and its sender at once
        assert report.added == 1
        assert _found(account, "pelican") == ["Offsite"]
        assert _found(account, "offsite") == ["Offsite"]
        assert _found(account, "zelda") == ["Offsite"]
        assert _found(account, "board") == ["Budget"]
        assert MailMessageSearch.objects.filter(message__account=account).count() == 2


def test_a_message_stored_outside_the_sync_gets_its_search_row_from_the_trigger(acme: TestTenant, mailbox: Mailbox):
    # given an account synced once, in this same transaction (whose batches built their own search rows)
    mailbox.append(messages.simple("Synced", message_id="<synced@x>"))
    account = account_make(acme, mailbox)
    with schema_context(acme.schema_name):
        account_sync(account=account)
        folder = MailFolder.objects.get(account=account, name="INBOX")
        # when a message is inserted by the ORM, then re-worded
        message = MailMessage.objects.create(
            account=account,
            folder=folder,
            uid=100,
            subject="Quarterly walrus",
            participants="Ingrid ingrid@example.org",
            text_body="the tundra report",
            internal_date=timezone.now(),
        )
        found_before = (_found(account, "walrus"), _found(account, "tundra"), _found(account, "ingrid"))
        MailMessage.objects.filter(pk=message.pk).update(subject="Yearly narwhal")
        # then it was searchable at once, and then by its new words only
        assert found_before == (["Quarterly walrus"], ["Quarterly walrus"], ["Quarterly walrus"])
        assert _found(account, "narwhal") == ["Yearly narwhal"]
        assert _found(account, "walrus") == []
        # and a change of flags does not rebuild it (the trigger watches the searched columns only)
        vector = MailMessageSearch.objects.get(message=message).search_vector
        MailMessage.objects.filter(pk=message.pk).update(is_read=True, flags=["\\Seen"])
        assert MailMessageSearch.objects.get(message=message).search_vector == vector


def test_messages_a_cut_sync_left_without_search_rows_get_them_from_the_next_sync(acme: TestTenant, mailbox: Mailbox):
    # given a synced account whose search rows were lost for two messages (a sync cut after their batch committed)
    for number in range(3):
        mailbox.append(messages.simple(f"Lost {number}", message_id=f"<lost{number}@x>", body=f"marmot{number}"))
    account = account_make(acme, mailbox)
    with schema_context(acme.schema_name):
        account_sync(account=account)
        MailMessageSearch.objects.filter(message__account=account, message__uid__in=[1, 2]).delete()
        assert _found(account, "marmot0") == []
        # when the next sync brings new mail to that folder
        mailbox.append(messages.simple("Fresh", message_id="<fresh@x>", body="marmot3"))
        account_sync(account=account)
        # then every message is searchable again
        assert [_found(account, f"marmot{number}") for number in range(4)] == [
            ["Lost 0"],
            ["Lost 1"],
            ["Lost 2"],
            ["Fresh"],
        ]


def test_initial_sync_in_worker_processes_is_searchable_when_it_ends(
    test_tenants: dict[str, TestTenant], django_db_blocker: Any, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch
):
    """Committed for real (no test transaction): only then do the batches commit on their own and the search rows
    come from the second connection. Everything made here is deleted at the end."""
    acme = test_tenants["acme"]
    for number in range(1, 8):
        mailbox.append(messages.simple(f"Bulk {number}", message_id=f"<bulk{number}@x>", body=f"otter{number} kelp"))
    pool = parse_pool()
    assert pool is not None
    builders: list[SearchBuilder] = []

    class RecordedSearchBuilder(SearchBuilder):
        def __init__(self, **options: Any) -> None:
            super().__init__(**options)
            builders.append(self)

    monkeypatch.setattr(sync_module, "SearchBuilder", RecordedSearchBuilder)
    with django_db_blocker.unblock(), schema_context(acme.schema_name):
        blobs_before = set(MailBlob.objects.values_list("pk", flat=True))
        account = MailAccount.objects.create(
            owner=User.objects.get(email=acme.owner_email),
            name="Committed",
            email_address=mailbox.username,
            imap_host="127.0.0.1",
            imap_port=mailbox.dovecot.port,
            imap_security="none",
            smtp_host="127.0.0.1",
            smtp_port=1,
            smtp_security="none",
            username=mailbox.username,
            password_encrypted=secret_encrypt(mailbox.password),
        )
        try:
            assert not connection.in_atomic_block
            # when the sync hands batches of two to the worker processes
            sync = AccountSync(account, executor=pool, batch_size=2)
            report = sync.run()
            # then, as soon as it returns, every message is found by its words
            assert report.added == 7
            assert MailMessageSearch.objects.filter(message__account=account).count() == 7
            assert [_found(account, f"otter{number}") for number in range(1, 8)] == [
                [f"Bulk {number}"] for number in range(1, 8)
            ]
            assert len(_found(account, "kelp")) == 7
            # and they came from the second connection, which is done
            assert len(builders) == 1
            assert builders[0].error is None
            assert not builders[0].thread.is_alive()
            assert sync.search_builder is None
        finally:
            account.delete()
            MailBlob.objects.exclude(pk__in=blobs_before).delete()


def test_a_company_cloned_from_the_template_has_the_search_trigger(test_tenants: dict[str, TestTenant], db: None):
    # given a company made by cloning the template schema (no spare left)
    SpareSchema.objects.all().delete()  # rows only; rolled back with the test
    made = tenant_provision(
        company_name="Cloned Search",
        subdomain="clonedsearch",
        admin_email="boss@clonedsearch.test",
        admin_password="x" * 16,
    )
    assert made.schema_source == "clone"
    with schema_context(made.tenant.schema_name):
        account = MailAccount.objects.create(
            owner=made.owner,
            name="Clone",
            email_address="clone@example.test",
            imap_host="127.0.0.1",
            imap_port=1,
            imap_security="none",
            smtp_host="127.0.0.1",
            smtp_port=1,
            smtp_security="none",
            username="clone",
            password_encrypted=secret_encrypt("x"),
        )
        folder = MailFolder.objects.create(account=account, name="INBOX", role="inbox")
        # when a message is inserted there
        MailMessage.objects.create(
            account=account, folder=folder, uid=1, subject="Cloned heron", internal_date=timezone.now()
        )
        # then its search row came from the trigger the clone carries
        assert _found(account, "heron") == ["Cloned heron"]
