"""OAuth2 mail accounts end to end: the connect flow through a real (loopback) authorization server, XOAUTH2 and
OAUTHBEARER logins checked by a real Dovecot (oauth2 passdb, introspection) and SMTP server, token refresh before
expiry and after the server refused or ended a session, revocation -> reauth_required with one email, and the
ways a callback can be wrong. Two real tenants throughout."""

# The fixtures are imported from oauth_fixtures (and accounts' conftest) and named again as parameters.
# ruff: noqa: F811

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django_tenants.utils import schema_context

from shared_apps.common.testing import TestTenant, api_client
from tenant_apps.accounts.tests.conftest import locmem_email  # noqa: F401 - fixture
from tenant_apps.mail.crypto import secret_decrypt
from tenant_apps.mail.imap.connection import ServerSettings, imap_close, imap_connect, oauth_authenticate
from tenant_apps.mail.imap.sync import account_server, account_sync
from tenant_apps.mail.models import AccountStatus, MailAccount, MailMessage, MailOAuthToken
from tenant_apps.mail.oauth.tokens import ReauthRequired
from tenant_apps.mail.tests import messages
from tenant_apps.mail.tests.conftest import Mailbox
from tenant_apps.mail.tests.oauth_fixtures import (  # noqa: F401 - fixtures
    OAuthSmtpServer,
    dovecot_oauth,
    oauth_mailbox,
    oauth_server,
    oauth_smtp_server,
)
from tenant_apps.mail.tests.oauth_server import OAuthTestServer
from tenant_apps.mail.tests.proxy_bye import ByeProxy


def _connect_start(client: Any, mailbox: Mailbox, **extra: Any) -> str:
    response = client.post(
        "/api/mail/oauth/connect",
        {"provider": "generic", "email_address": mailbox.username, "name": "Work", **extra},
        format="json",
    )
    assert response.status_code == 200, response.content
    return str(response.json()["authorize_url"])


def _approve(authorize_url: str) -> str:
    """The user approves at the provider: its answer is a redirect to our public callback."""
    answer = requests.get(authorize_url, allow_redirects=False, timeout=10)
    assert answer.status_code == 302
    return str(answer.headers["Location"])


def _path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def _callback(public_client: Any, callback_url: str) -> Any:
    parts = urlsplit(callback_url)
    assert (parts.hostname, parts.path) == ("localhost", "/api/mail/oauth/callback")
    return public_client.get(_path(callback_url))


def _connect(client: Any, public_client: Any, mailbox: Mailbox) -> Any:
    """The whole flow as a browser would go it; returns the company host's final answer."""
    bounced = _callback(public_client, _approve(_connect_start(client, mailbox)))
    assert bounced.status_code == 302, bounced.content
    return client.get(_path(bounced["Location"]))


def _account(tenant: TestTenant, email: str) -> MailAccount:
    with schema_context(tenant.schema_name):
        return MailAccount.objects.select_related("oauth_token").get(email_address=email)


def test_connect_creates_the_account_and_sync_works_over_oauth(
    acme: TestTenant, acme_owner_client: Any, public_client: Any, oauth_mailbox: Mailbox, oauth_server: OAuthTestServer
):
    # given a message in the mailbox
    oauth_mailbox.append(messages.simple(subject="Hello over OAuth2"))
    # when the owner connects it
    authorize_url = _connect_start(acme_owner_client, oauth_mailbox)
    query = parse_qs(urlsplit(authorize_url).query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["scope"] == ["mail offline_access"]
    assert query["redirect_uri"] == ["http://localhost/api/mail/oauth/callback"]
    bounced = _callback(public_client, _approve(authorize_url))
    assert bounced.status_code == 302
    assert bounced["Location"].startswith(f"http://{acme.hostname}/api/mail/oauth/complete?")
    done = acme_owner_client.get(_path(bounced["Location"]))
    # then the account exists, its tokens encrypted, and it syncs with the token
    assert done.status_code == 302, done.content
    account = _account(acme, oauth_mailbox.username)
    assert done["Location"] == f"/mail?connected={account.pk}"
    assert (account.provider, account.status, account.imap_port) == ("generic", "ok", oauth_mailbox.dovecot.port)
    grant = account.oauth_token
    access_token = secret_decrypt(grant.access_token_encrypted)
    assert oauth_server.active_email(access_token) == oauth_mailbox.username
    assert access_token not in grant.access_token_encrypted
    assert secret_decrypt(grant.refresh_token_encrypted) in oauth_server.grants
    with schema_context(acme.schema_name):
        report = account_sync(account=account)
        assert report.added == 1
        assert list(MailMessage.objects.filter(account=account).values_list("subject", flat=True)) == [
            "Hello over OAuth2"
        ]
    body = acme_owner_client.get(f"/api/mail/accounts/{account.pk}").content.decode()
    assert access_token not in body
    assert secret_decrypt(grant.refresh_token_encrypted) not in body


def test_smtp_auth_uses_the_token_and_refuses_a_revoked_one(
    acme: TestTenant,
    acme_owner_client: Any,
    public_client: Any,
    oauth_mailbox: Mailbox,
    oauth_smtp_server: OAuthSmtpServer,
):
    from tenant_apps.mail.imap.connection import MailServerError
    from tenant_apps.mail.smtp.auth_check import smtp_login_check
    from tenant_apps.mail.smtp.credentials import account_smtp_server

    assert _connect(acme_owner_client, public_client, oauth_mailbox).status_code == 302
    account = _account(acme, oauth_mailbox.username)
    assert oauth_smtp_server.handler.logins[-1][1] == oauth_mailbox.username
    with schema_context(acme.schema_name):
        server = account_smtp_server(account)
    smtp_login_check(server)
    with pytest.raises(MailServerError) as refused:
        smtp_login_check(ServerSettings(**{**server.__dict__, "password": "not-a-token"}))
    assert refused.value.status == AccountStatus.AUTH_FAILED


def _connected(tenant: TestTenant, client: Any, public_client: Any, mailbox: Mailbox) -> MailAccount:
    assert _connect(client, public_client, mailbox).status_code == 302
    return _account(tenant, mailbox.username)


def test_sending_uses_the_token_and_refreshes_one_the_server_refused(
    acme: TestTenant,
    acme_owner_client: Any,
    public_client: Any,
    oauth_mailbox: Mailbox,
    oauth_server: OAuthTestServer,
    oauth_smtp_server: OAuthSmtpServer,
):
    from tenant_apps.mail.smtp.credentials import account_smtp_server
    from tenant_apps.mail.smtp.deliver import Envelope, smtp_deliver

    account = _connected(acme, acme_owner_client, public_client, oauth_mailbox)
    raw = messages.simple(subject="Sent with a token")
    # given the provider expired the token early
    oauth_server.expire_access_tokens(oauth_mailbox.username)
    with schema_context(acme.schema_name):
        server = account_smtp_server(account)
        # when a message is sent, then the refused token is refreshed once and the message delivered
        smtp_deliver(server, Envelope(oauth_mailbox.username, ["bob@example.org"], raw), before_data=lambda: None)
    assert oauth_server.refresh_count(oauth_mailbox.username) == 1
    assert oauth_smtp_server.received[-1].rcpt_tos == ["bob@example.org"]
    assert b"Subject: Sent with a token" in oauth_smtp_server.received[-1].data


def test_both_oauth_mechanisms_log_in_to_dovecot_and_a_bad_token_does_not(
    acme: TestTenant, acme_owner_client: Any, public_client: Any, oauth_mailbox: Mailbox
):
    from imapclient import IMAPClient
    from imapclient.exceptions import LoginError

    account = _connected(acme, acme_owner_client, public_client, oauth_mailbox)
    with schema_context(acme.schema_name):
        server = account_server(account)
    for mechanism in ("XOAUTH2", "OAUTHBEARER"):
        client = IMAPClient("127.0.0.1", port=oauth_mailbox.dovecot.port, ssl=False, timeout=10)
        oauth_authenticate(client, server, mechanism=mechanism)
        assert client.select_folder("INBOX")[b"EXISTS"] == 0
        imap_close(client)
    client = IMAPClient("127.0.0.1", port=oauth_mailbox.dovecot.port, ssl=False, timeout=10)
    with pytest.raises(LoginError):
        oauth_authenticate(client, ServerSettings(**{**server.__dict__, "password": "forged"}), mechanism="XOAUTH2")
    client.shutdown()


def test_token_near_expiry_is_refreshed_before_use(
    acme: TestTenant, acme_owner_client: Any, public_client: Any, oauth_mailbox: Mailbox, oauth_server: OAuthTestServer
):
    from datetime import timedelta

    from django.utils import timezone

    account = _connected(acme, acme_owner_client, public_client, oauth_mailbox)
    old_token = secret_decrypt(account.oauth_token.access_token_encrypted)
    with schema_context(acme.schema_name):
        # given the token has a minute left (less than the refresh margin)
        MailOAuthToken.objects.filter(account=account).update(
            access_token_expires_at=timezone.now() + timedelta(seconds=60)
        )
        # when the account connects, then it uses a refreshed token
        server = account_server(account)
        imap_close(imap_connect(server))
        assert server.password != old_token
        assert oauth_server.refresh_count(oauth_mailbox.username) == 1
        grant = MailOAuthToken.objects.get(account=account)
        assert grant.access_token_expires_at > timezone.now() + timedelta(minutes=50)
        # and a second use within the token's life does not refresh again
        assert account_server(account).password == server.password
        assert oauth_server.refresh_count(oauth_mailbox.username) == 1


def test_token_refused_by_the_server_is_refreshed_once_and_the_login_retried(
    acme: TestTenant, acme_owner_client: Any, public_client: Any, oauth_mailbox: Mailbox, oauth_server: OAuthTestServer
):
    account = _connected(acme, acme_owner_client, public_client, oauth_mailbox)
    # given the provider expired the token early (our clock says it has an hour left)
    oauth_server.expire_access_tokens(oauth_mailbox.username)
    with schema_context(acme.schema_name):
        report = account_sync(account=account)
        assert report.folders
        assert oauth_server.refresh_count(oauth_mailbox.username) == 1
        assert MailAccount.objects.get(pk=account.pk).status == AccountStatus.OK


def test_a_session_ended_for_an_expired_token_is_resumed_with_a_fresh_one(
    acme: TestTenant, acme_owner_client: Any, public_client: Any, oauth_mailbox: Mailbox, oauth_server: OAuthTestServer
):
    account = _connected(acme, acme_owner_client, public_client, oauth_mailbox)
    oauth_mailbox.append(messages.simple(subject="After the BYE"))
    # given a server that ends the first session with Outlook's words once its token expired
    proxy = ByeProxy(oauth_mailbox.dovecot.port, b"* BYE Session invalidated - AccessTokenExpired\r\n")
    try:
        with schema_context(acme.schema_name):
            MailAccount.objects.filter(pk=account.pk).update(imap_port=proxy.port)
            account.imap_port = proxy.port
            # when the account syncs
            report = account_sync(account=account)
            # then the sync ran again with a refreshed token and got the message
            assert proxy.byes_sent == 1
            assert report.added == 1
            assert oauth_server.refresh_count(oauth_mailbox.username) == 1
            assert MailAccount.objects.get(pk=account.pk).status == AccountStatus.OK
    finally:
        proxy.close()


def test_revoked_access_puts_the_account_in_reauth_required_and_mails_the_owner_once(
    acme: TestTenant,
    acme_owner_client: Any,
    public_client: Any,
    oauth_mailbox: Mailbox,
    oauth_server: OAuthTestServer,
    django_capture_on_commit_callbacks: Any,
    locmem_email: None,
    mailoutbox: list[Any],
):
    from tenant_apps.mail.oauth.tokens import _notice_enqueue
    from tenant_apps.mail.tasks import mail_account_sync, mail_reauth_notice_send

    account = _connected(acme, acme_owner_client, public_client, oauth_mailbox)
    # given the user removed Atrium's access at the provider
    oauth_server.revoke_user(oauth_mailbox.username)
    with schema_context(acme.schema_name):
        # when the sync runs (twice)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            with pytest.raises(ReauthRequired):
                account_sync(account=account)
            with pytest.raises(ReauthRequired):
                account_sync(account=MailAccount.objects.get(pk=account.pk))
            assert mail_account_sync.apply(kwargs={"account_id": account.pk}).get() == "reauth_required"
        # then the account says what happened, the provider was asked once, and one notice is queued
        stored = MailAccount.objects.get(pk=account.pk)
        assert stored.status == AccountStatus.REAUTH_REQUIRED
        assert stored.status_message == (
            f"Company account no longer accepts Atrium's access to {oauth_mailbox.username} (Company account "
            "answered invalid_grant: Token has been expired or revoked.). The account's owner has to sign in with "
            "Company account again."
        )
        assert oauth_server.refresh_count(oauth_mailbox.username) == 1
        notices = [callback for callback in callbacks if getattr(callback, "func", None) is _notice_enqueue]
        assert [notice.args for notice in notices] == [(account.pk,)]
        assert mail_reauth_notice_send.apply(kwargs={"account_id": account.pk}).get() == "sent"
    assert len(mailoutbox) == 1
    notice = mailoutbox[0]
    assert notice.to == [acme.owner_email]
    assert notice.subject == f"Sign in again to keep {oauth_mailbox.username} connected to Acme Corp on Atrium"
    assert f"http://{acme.hostname}/api/mail/accounts/{account.pk}/oauth/reconnect" in notice.body


def test_signing_in_again_restores_the_account(
    acme: TestTenant, acme_owner_client: Any, public_client: Any, oauth_mailbox: Mailbox, oauth_server: OAuthTestServer
):
    account = _connected(acme, acme_owner_client, public_client, oauth_mailbox)
    oauth_server.revoke_user(oauth_mailbox.username)
    with schema_context(acme.schema_name), pytest.raises(ReauthRequired):
        account_sync(account=account)
    # when the owner follows the link of the notice
    started = acme_owner_client.get(f"/api/mail/accounts/{account.pk}/oauth/reconnect")
    assert started.status_code == 302
    bounced = _callback(public_client, _approve(started["Location"]))
    done = acme_owner_client.get(_path(bounced["Location"]))
    # then the same account works again
    assert done.status_code == 302, done.content
    assert done["Location"] == f"/mail?connected={account.pk}"
    with schema_context(acme.schema_name):
        restored = MailAccount.objects.select_related("oauth_token").get(pk=account.pk)
        assert (restored.status, restored.status_message) == (AccountStatus.OK, "")
        assert restored.oauth_token.reauth_notified_at is None
        assert MailAccount.objects.count() == 1
        assert account_sync(account=restored).folders


def _error(response: Any) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


def _sent_back(response: Any) -> tuple[str, str]:
    """A refused callback redirects the browser to the mail accounts page: (where, the oauth_error code)."""
    assert response.status_code == 302, response.content
    location = urlsplit(response["Location"])
    query = parse_qs(location.query)
    assert list(query) == ["oauth_error"]
    where = f"{location.scheme}://{location.netloc}{location.path}" if location.netloc else location.path
    return where, query["oauth_error"][0]


SETTINGS = "/settings/mail-accounts"


def test_a_replayed_state_is_refused_and_creates_nothing_more(
    acme: TestTenant, acme_owner_client: Any, public_client: Any, oauth_mailbox: Mailbox
):
    bounced = _callback(public_client, _approve(_connect_start(acme_owner_client, oauth_mailbox)))
    assert acme_owner_client.get(_path(bounced["Location"])).status_code == 302
    again = acme_owner_client.get(_path(bounced["Location"]))
    assert _sent_back(again) == (SETTINGS, "oauth_state_used")
    with schema_context(acme.schema_name):
        assert MailAccount.objects.count() == 1


def test_a_forged_or_expired_state_is_refused(
    acme: TestTenant, acme_owner_client: Any, public_client: Any, oauth_mailbox: Mailbox, settings: Any
):
    forged = public_client.get("/api/mail/oauth/callback?code=abc&state=forged")
    assert _sent_back(forged) == (SETTINGS, "oauth_state_invalid")
    callback_url = _approve(_connect_start(acme_owner_client, oauth_mailbox))
    settings.MAIL_OAUTH_STATE_SECONDS = 0
    expired = _callback(public_client, callback_url)
    # an expired state was still signed by us: the user goes back to the company that started it
    assert _sent_back(expired) == (f"http://{acme.hostname}{SETTINGS}", "oauth_state_invalid")
    missing = public_client.get("/api/mail/oauth/callback?code=abc")
    assert _sent_back(missing) == (SETTINGS, "oauth_callback_invalid")
    with schema_context(acme.schema_name):
        assert MailAccount.objects.count() == 0


def test_a_refusal_at_the_provider_is_a_clear_error(
    acme: TestTenant,
    acme_owner_client: Any,
    public_client: Any,
    oauth_mailbox: Mailbox,
    oauth_server: OAuthTestServer,
    caplog: pytest.LogCaptureFixture,
):
    oauth_server.approving_user = None
    bounced = _callback(public_client, _approve(_connect_start(acme_owner_client, oauth_mailbox)))
    with caplog.at_level(logging.INFO, logger="tenant_apps.mail.views_oauth"):
        denied = acme_owner_client.get(_path(bounced["Location"]))
    assert _sent_back(denied) == (SETTINGS, "oauth_denied")
    # the provider's words go to the log, not into a URL
    assert [record.getMessage() for record in caplog.records if record.name == "tenant_apps.mail.views_oauth"] == [
        "mail OAuth2 connect refused (oauth_denied): Company account did not grant access (access_denied: The user "
        "said no)."
    ]
    with schema_context(acme.schema_name):
        assert MailAccount.objects.count() == 0


def test_approving_another_mailbox_than_asked_is_refused(
    acme: TestTenant, acme_owner_client: Any, public_client: Any, oauth_mailbox: Mailbox, oauth_server: OAuthTestServer
):
    oauth_server.approving_user = "someone-else@example.test"
    bounced = _callback(public_client, _approve(_connect_start(acme_owner_client, oauth_mailbox)))
    refused = acme_owner_client.get(_path(bounced["Location"]))
    assert _sent_back(refused) == (SETTINGS, "oauth_wrong_mailbox")
    with schema_context(acme.schema_name):
        assert MailAccount.objects.count() == 0


def test_another_session_cannot_complete_the_connect(
    acme: TestTenant, acme_owner_client: Any, public_client: Any, oauth_mailbox: Mailbox
):
    from tenant_apps.mail.tests.conftest import owner_client

    bounced = _callback(public_client, _approve(_connect_start(acme_owner_client, oauth_mailbox)))
    other_session = owner_client(acme)
    assert _sent_back(other_session.get(_path(bounced["Location"]))) == (SETTINGS, "oauth_session_mismatch")
    anonymous = api_client(acme.hostname).get(_path(bounced["Location"]))
    assert _sent_back(anonymous) == (SETTINGS, "oauth_session_required")
    with schema_context(acme.schema_name):
        assert MailAccount.objects.count() == 0


def test_a_state_of_one_company_is_refused_at_another(
    acme: TestTenant,
    globex: TestTenant,
    acme_owner_client: Any,
    globex_owner_client: Any,
    public_client: Any,
    oauth_mailbox: Mailbox,
):
    bounced = _callback(public_client, _approve(_connect_start(acme_owner_client, oauth_mailbox)))
    at_globex = globex_owner_client.get(_path(bounced["Location"]))
    assert _sent_back(at_globex) == (SETTINGS, "oauth_wrong_company")
    # and the state is still good where it belongs
    assert acme_owner_client.get(_path(bounced["Location"])).status_code == 302
    with schema_context(globex.schema_name):
        assert MailAccount.objects.count() == 0
    with schema_context(acme.schema_name):
        assert MailAccount.objects.count() == 1


def test_another_company_cannot_sign_in_an_account_again(
    acme: TestTenant, acme_owner_client: Any, globex_owner_client: Any, public_client: Any, oauth_mailbox: Mailbox
):
    account = _connected(acme, acme_owner_client, public_client, oauth_mailbox)
    assert _error(globex_owner_client.post(f"/api/mail/accounts/{account.pk}/oauth/reconnect")) == (404, "not_found")


def test_providers_are_offered_only_when_configured(acme_owner_client: Any, settings: Any):
    for key in ("GOOGLE", "MICROSOFT", "YAHOO", "GENERIC"):
        setattr(settings, f"MAIL_OAUTH_{key}_CLIENT_ID", "")
    assert acme_owner_client.get("/api/mail/oauth/providers").json() == []
    unoffered = acme_owner_client.post(
        "/api/mail/oauth/connect", {"provider": "google", "email_address": "a@example.com"}, format="json"
    )
    assert _error(unoffered) == (400, "oauth_provider_unavailable")
    settings.MAIL_OAUTH_GOOGLE_CLIENT_ID, settings.MAIL_OAUTH_GOOGLE_CLIENT_SECRET = "id", "secret"
    settings.MAIL_OAUTH_MICROSOFT_CLIENT_ID, settings.MAIL_OAUTH_MICROSOFT_CLIENT_SECRET = "id", "secret"
    assert acme_owner_client.get("/api/mail/oauth/providers").json() == [
        {"key": "google", "label": "Google"},
        {"key": "microsoft", "label": "Microsoft"},
    ]
    started = acme_owner_client.post(
        "/api/mail/oauth/connect", {"provider": "microsoft", "email_address": "a@example.com"}, format="json"
    )
    query = parse_qs(urlsplit(started.json()["authorize_url"]).query)
    assert query["scope"] == [
        "https://outlook.office.com/IMAP.AccessAsUser.All https://outlook.office.com/SMTP.Send offline_access"
    ]
    google = acme_owner_client.post(
        "/api/mail/oauth/connect", {"provider": "google", "email_address": "a@example.com"}, format="json"
    )
    google_query = parse_qs(urlsplit(google.json()["authorize_url"]).query)
    assert (google_query["scope"], google_query["access_type"]) == (["https://mail.google.com/"], ["offline"])


def test_the_idle_listener_reconnects_with_a_fresh_token(
    acme: TestTenant,
    acme_owner_client: Any,
    public_client: Any,
    oauth_mailbox: Mailbox,
    oauth_server: OAuthTestServer,
    monkeypatch: pytest.MonkeyPatch,
):
    from datetime import timedelta

    from django.utils import timezone

    from tenant_apps.mail.management.commands import mail_idle

    # Closing the listener thread's database connection would close the test's transaction here.
    monkeypatch.setattr(mail_idle, "close_old_connections", lambda: None)
    account = _connected(acme, acme_owner_client, public_client, oauth_mailbox)
    with schema_context(acme.schema_name):
        started_with = account_server(account)
        # given the listener started an hour ago: its token is about to expire
        MailOAuthToken.objects.filter(account=account).update(
            access_token_expires_at=timezone.now() + timedelta(seconds=30)
        )
    # when it reconnects, then it logs in with a refreshed token
    client = mail_idle.account_connect(acme.schema_name, account.pk, started_with)
    assert client.select_folder("INBOX", readonly=True)[b"EXISTS"] == 0
    imap_close(client)
    assert oauth_server.refresh_count(oauth_mailbox.username) == 1


def test_connecting_needs_a_browser_session_not_an_api_token(acme: TestTenant, oauth_mailbox: Mailbox):
    from tenant_apps.accounts.models import User
    from tenant_apps.accounts.services import api_token_create

    with schema_context(acme.schema_name):
        _, secret = api_token_create(user=User.objects.get(email=acme.owner_email), name="script")
    client = api_client(acme.hostname)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    response = client.post(
        "/api/mail/oauth/connect", {"provider": "generic", "email_address": oauth_mailbox.username}, format="json"
    )
    assert _error(response) == (400, "oauth_session_required")


def test_the_reconnect_link_of_a_password_account_sends_the_browser_to_the_settings_page(
    acme: TestTenant, acme_owner_client: Any, mailbox: Mailbox
):
    from tenant_apps.mail.tests.conftest import account_make

    account = account_make(acme, mailbox)
    followed = acme_owner_client.get(f"/api/mail/accounts/{account.pk}/oauth/reconnect")
    assert _sent_back(followed) == (SETTINGS, "oauth_not_oauth")
    # the API's POST still answers in the one error shape
    posted = acme_owner_client.post(f"/api/mail/accounts/{account.pk}/oauth/reconnect")
    assert _error(posted) == (400, "oauth_not_oauth")
