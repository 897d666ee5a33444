"""The sync task: idempotent, never two syncs of one account at once, server failures retried."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from shared_apps.common.testing import TestTenant
from tenant_apps.mail.imap.connection import MailServerError
from tenant_apps.mail.models import MailAccount, MailMessage
from tenant_apps.mail.tasks import DONE, GONE, LOCKED, account_lock, mail_account_sync
from tenant_apps.mail.tests import messages
from tenant_apps.mail.tests.conftest import Mailbox, account_make


def test_running_twice_stores_each_message_once(acme: TestTenant, mailbox: Mailbox):
    mailbox.append(messages.simple("Once", message_id="<once@x>"))
    account = account_make(acme, mailbox)
    with schema_context(acme.schema_name):
        assert mail_account_sync(account_id=account.pk) == DONE
        assert mail_account_sync(account_id=account.pk) == DONE
        assert list(MailMessage.objects.filter(account=account).values_list("subject", flat=True)) == ["Once"]


def test_a_second_sync_of_the_same_account_does_not_start(acme: TestTenant, mailbox: Mailbox):
    mailbox.append(messages.simple("Locked out"))
    account = account_make(acme, mailbox)
    with schema_context(acme.schema_name):
        lock = account_lock(account.pk)
        assert lock.acquire(blocking=False)
        try:
            assert mail_account_sync(account_id=account.pk) == LOCKED
            assert MailMessage.objects.filter(account=account).count() == 0
        finally:
            lock.release()
        assert mail_account_sync(account_id=account.pk) == DONE
        assert MailMessage.objects.filter(account=account).count() == 1


def test_wrong_password_sets_the_status_and_raises_for_a_retry(acme: TestTenant, mailbox: Mailbox):
    mailbox.append(messages.simple("Kept"))
    account = account_make(acme, mailbox)
    with schema_context(acme.schema_name):
        mail_account_sync(account_id=account.pk)
        # when the password is changed on the server side (here: a wrong one is stored)
        from tenant_apps.mail.crypto import secret_encrypt

        MailAccount.objects.filter(pk=account.pk).update(password_encrypted=secret_encrypt("changed"))
        with pytest.raises(MailServerError):
            mail_account_sync(account_id=account.pk)
        # then the account says why, and no stored message was touched
        account.refresh_from_db()
        assert (account.status, account.sync_state) == ("auth_failed", "failed")
        assert account.status_message == (
            f"The IMAP server 127.0.0.1:{mailbox.dovecot.port} refused the login: "
            "[AUTHENTICATIONFAILED] Authentication failed."
        )
        assert list(MailMessage.objects.filter(account=account).values_list("subject", flat=True)) == ["Kept"]


def test_a_removed_account_is_not_synced(acme: TestTenant):
    with schema_context(acme.schema_name):
        assert mail_account_sync(account_id=987654) == GONE


def test_the_task_retries_server_failures_with_backoff():
    assert mail_account_sync.autoretry_for == (MailServerError,)
    assert (mail_account_sync.retry_backoff, mail_account_sync.acks_late) == (30, True)
