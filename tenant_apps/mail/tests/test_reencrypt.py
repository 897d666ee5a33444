"""manage.py mail_reencrypt: after a key rotation every stored secret of every company is readable with the new key
alone; running it again changes nothing; a secret no key reads is reported and fails the command."""

from __future__ import annotations

import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tenants.utils import schema_context

from shared_apps.common.testing import TestTenant
from tenant_apps.mail.crypto import secret_encrypt
from tenant_apps.mail.models import MailAccount, MailOAuthToken
from tenant_apps.mail.tests.conftest import Mailbox, account_make

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()


def _stored(tenant: TestTenant, account: MailAccount) -> str:
    with schema_context(tenant.schema_name):
        return MailAccount.objects.get(pk=account.pk).password_encrypted


def _run() -> list[str]:
    out = io.StringIO()
    call_command("mail_reencrypt", stdout=out)
    return out.getvalue().splitlines()


def test_every_company_secret_is_re_encrypted_with_the_new_key_once(
    acme: TestTenant, globex: TestTenant, mailbox: Mailbox, settings
):
    settings.MAIL_ENCRYPTION_KEYS = [OLD_KEY]
    at_acme = account_make(acme, mailbox)
    at_globex = account_make(globex, mailbox)
    with schema_context(acme.schema_name):
        grant = MailOAuthToken.objects.create(
            account=at_acme,
            provider="google",
            access_token_encrypted=secret_encrypt("access-token"),
            refresh_token_encrypted=secret_encrypt("refresh-token"),
            access_token_expires_at=timezone.now(),
        )
    settings.MAIL_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]

    lines = _run()

    for tenant, account in ((acme, at_acme), (globex, at_globex)):
        token = _stored(tenant, account)
        assert Fernet(NEW_KEY).decrypt(token.encode()).decode() == mailbox.password
    # the password and both OAuth tokens at acme, the password at globex
    assert f"{acme.schema_name}: 3 re-encrypted, 0 already current, 0 unreadable" in "\n".join(lines)
    assert f"{globex.schema_name}: 1 re-encrypted, 0 already current, 0 unreadable" in "\n".join(lines)
    with schema_context(acme.schema_name):
        grant.refresh_from_db()
    assert Fernet(NEW_KEY).decrypt(grant.access_token_encrypted.encode()) == b"access-token"
    assert Fernet(NEW_KEY).decrypt(grant.refresh_token_encrypted.encode()) == b"refresh-token"
    assert lines[0].startswith("[1/")
    assert "] public: 0 re-encrypted, 0 already current, 0 unreadable" in lines[0]
    assert lines[-1].startswith("done: ")
    assert lines[-1].endswith(", 0 unreadable")

    # again: nothing left to do, nothing rewritten
    before = _stored(acme, at_acme)
    again = _run()
    assert _stored(acme, at_acme) == before
    assert f"{acme.schema_name}: 0 re-encrypted, 3 already current, 0 unreadable" in "\n".join(again)
    assert again[-1].startswith("done: 0 re-encrypted, ")

    # the old key can go now
    settings.MAIL_ENCRYPTION_KEYS = [NEW_KEY]
    from tenant_apps.mail.crypto import secret_decrypt

    assert secret_decrypt(_stored(globex, at_globex)) == mailbox.password


def test_a_secret_no_key_reads_is_reported_and_the_others_are_still_done(
    acme: TestTenant, globex: TestTenant, mailbox: Mailbox, settings
):
    settings.MAIL_ENCRYPTION_KEYS = [OLD_KEY]
    readable = account_make(acme, mailbox)
    lost = account_make(globex, mailbox)
    lost_token = Fernet(Fernet.generate_key()).encrypt(b"from a key thrown away").decode()
    with schema_context(globex.schema_name):
        MailAccount.objects.filter(pk=lost.pk).update(password_encrypted=lost_token)
    settings.MAIL_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]

    out = io.StringIO()
    with pytest.raises(CommandError, match="1 secrets cannot be read with any configured key"):
        call_command("mail_reencrypt", stdout=out)

    assert f"{globex.schema_name}: 0 re-encrypted, 0 already current, 1 unreadable" in out.getvalue()
    assert _stored(globex, lost) == lost_token
    assert Fernet(NEW_KEY).decrypt(_stored(acme, readable).encode()).decode() == mailbox.password
