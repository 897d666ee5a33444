"""Deleting an OAuth2 mail account gives its grant back to the provider (RFC 7009) after the delete committed:
the loopback authorization server records the revocation, and the real Dovecot (asking it about every XOAUTH2
login) then refuses the token. A provider that fails, or has no revocation endpoint, never stops the delete."""

# The fixtures are imported from oauth_fixtures and named again as parameters.
# ruff: noqa: F811

from __future__ import annotations

import logging
from typing import Any

import pytest
from django_tenants.utils import schema_context
from imapclient import IMAPClient
from imapclient.exceptions import LoginError

from shared_apps.common.testing import TestTenant
from tenant_apps.mail.crypto import secret_decrypt
from tenant_apps.mail.imap.connection import ServerSettings, imap_close, oauth_authenticate
from tenant_apps.mail.imap.sync import account_server
from tenant_apps.mail.models import MailAccount, MailOAuthToken
from tenant_apps.mail.tests.conftest import Mailbox
from tenant_apps.mail.tests.oauth_fixtures import (  # noqa: F401 - fixtures
    dovecot_oauth,
    oauth_mailbox,
    oauth_server,
    oauth_smtp_server,
)
from tenant_apps.mail.tests.oauth_server import OAuthTestServer
from tenant_apps.mail.tests.test_oauth import _connected

pytestmark = pytest.mark.integration


@pytest.fixture
def celery_eager(monkeypatch: pytest.MonkeyPatch) -> None:
    """Queued tasks run at once in this process, through the same tenant-aware task class as a worker."""
    from config.celery import app

    monkeypatch.setattr(app.conf, "task_always_eager", True)
    monkeypatch.setattr(app.conf, "task_eager_propagates", True)


def _dovecot_takes(mailbox: Mailbox, server: ServerSettings) -> bool:
    client = IMAPClient("127.0.0.1", port=mailbox.dovecot.port, ssl=False, timeout=10)
    try:
        oauth_authenticate(client, server, mechanism="XOAUTH2")
    except LoginError:
        client.shutdown()
        return False
    imap_close(client)
    return True


def _delete(tenant: TestTenant, client: Any, account: MailAccount, capture: Any) -> Any:
    """DELETE through the API; what it queued on commit then runs (eagerly) in the company's schema, as a worker
    would run it."""
    with capture(execute=False) as callbacks:
        response = client.delete(f"/api/mail/accounts/{account.pk}")
    with schema_context(tenant.schema_name):
        for callback in callbacks:
            callback()
    return response


def test_deleting_an_oauth_account_revokes_its_grant_and_dovecot_refuses_the_token(
    acme: TestTenant,
    acme_owner_client: Any,
    public_client: Any,
    oauth_mailbox: Mailbox,
    oauth_server: OAuthTestServer,
    celery_eager: None,
    django_capture_on_commit_callbacks: Any,
):
    # given a connected account whose token Dovecot takes
    account = _connected(acme, acme_owner_client, public_client, oauth_mailbox)
    refresh_token = secret_decrypt(account.oauth_token.refresh_token_encrypted)
    with schema_context(acme.schema_name):
        server = account_server(account)
    assert _dovecot_takes(oauth_mailbox, server)
    before = len(oauth_server.revocations)

    # when its owner deletes it
    deleted = _delete(acme, acme_owner_client, account, django_capture_on_commit_callbacks)

    # then it is gone, the provider was asked once to revoke the refresh token, and the token no longer logs in
    assert deleted.status_code == 204, deleted.content
    with schema_context(acme.schema_name):
        assert not MailAccount.objects.filter(pk=account.pk).exists()
        assert not MailOAuthToken.objects.filter(account_id=account.pk).exists()
    assert oauth_server.revocations[before:] == [
        {"token": refresh_token, "token_type_hint": "refresh_token", "client_authenticated": "True"}
    ]
    assert oauth_server.active_email(server.password) is None
    assert not _dovecot_takes(oauth_mailbox, server)


def test_a_failed_revocation_does_not_stop_the_delete_and_is_logged(
    acme: TestTenant,
    acme_owner_client: Any,
    public_client: Any,
    oauth_mailbox: Mailbox,
    oauth_server: OAuthTestServer,
    celery_eager: None,
    django_capture_on_commit_callbacks: Any,
    caplog: pytest.LogCaptureFixture,
):
    account = _connected(acme, acme_owner_client, public_client, oauth_mailbox)
    with schema_context(acme.schema_name):
        server = account_server(account)
    before = len(oauth_server.revocations)
    # given a provider whose revocation endpoint fails
    oauth_server.revocation_status = 503
    with caplog.at_level(logging.WARNING, logger="tenant_apps.mail.oauth.revocation"):
        deleted = _delete(acme, acme_owner_client, account, django_capture_on_commit_callbacks)
    # then the account is deleted all the same, the failure is logged in the provider's words
    assert deleted.status_code == 204, deleted.content
    with schema_context(acme.schema_name):
        assert not MailAccount.objects.filter(pk=account.pk).exists()
    assert len(oauth_server.revocations) == before + 1
    assert [record.getMessage() for record in caplog.records if record.name.endswith("revocation")] == [
        "deleted mail account's generic grant not revoked: Company account answered HTTP 503."
    ]
    # and the grant is still alive at the provider (nothing we can do; it expires there)
    assert _dovecot_takes(oauth_mailbox, server)


def test_without_a_revocation_endpoint_the_delete_asks_nothing(
    acme: TestTenant,
    acme_owner_client: Any,
    public_client: Any,
    oauth_mailbox: Mailbox,
    oauth_server: OAuthTestServer,
    celery_eager: None,
    django_capture_on_commit_callbacks: Any,
    settings: Any,
):
    account = _connected(acme, acme_owner_client, public_client, oauth_mailbox)
    settings.MAIL_OAUTH_GENERIC_REVOCATION_URL = ""
    before = len(oauth_server.revocations)
    deleted = _delete(acme, acme_owner_client, account, django_capture_on_commit_callbacks)
    assert deleted.status_code == 204, deleted.content
    assert len(oauth_server.revocations) == before
