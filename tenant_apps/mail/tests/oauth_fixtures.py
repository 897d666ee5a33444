"""Fixtures of the OAuth2 tests: the loopback authorization server, a Dovecot whose oauth2 passdb asks it about
tokens, an SMTP server that checks XOAUTH2/OAUTHBEARER with the same introspection, and the generic provider
configured to use them. Import the fixtures into a test module to use them."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from shared_apps.common.testing import peer_required
from tenant_apps.mail.tests.conftest import (
    Mailbox,
    SmtpAuthServer,
    _dovecot_or_fail,
    _RecordingHandler,
    mailbox_make,
)
from tenant_apps.mail.tests.dovecot import DovecotServer
from tenant_apps.mail.tests.oauth_server import CLIENT_ID, CLIENT_SECRET, OAuthTestServer


@pytest.fixture(scope="session")
def oauth_server() -> Iterator[OAuthTestServer]:
    server = OAuthTestServer()
    server.start()
    peer_required("OAuth2 test server", "127.0.0.1", server.port)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def dovecot_oauth(oauth_server: OAuthTestServer) -> Iterator[DovecotServer]:
    yield from _dovecot_or_fail(oauth2_introspection_url=f"{oauth_server.base_url}/introspect")


class OAuthSmtpHandler(_RecordingHandler):
    """Takes AUTH XOAUTH2 and OAUTHBEARER (initial response) and asks the authorization server about the token."""

    def __init__(self, smtp: SmtpAuthServer, introspection_url: str) -> None:
        super().__init__(smtp)
        self.introspection_url = introspection_url
        self.logins: list[tuple[str, str]] = []

    async def auth_XOAUTH2(self, server: Any, args: list[str]) -> AuthResult:  # noqa: N802 - aiosmtpd's name
        return await self._check(server, args, "XOAUTH2")

    async def auth_OAUTHBEARER(self, server: Any, args: list[str]) -> AuthResult:  # noqa: N802 - aiosmtpd's name
        return await self._check(server, args, "OAUTHBEARER")

    async def _check(self, server: Any, args: list[str], mechanism: str) -> AuthResult:
        if len(args) < 2:
            return AuthResult(success=False, handled=False)
        fields = base64.b64decode(args[1]).decode().split("\x01")
        user = next((part[5:] for part in fields if part.startswith("user=")), "")
        if mechanism == "OAUTHBEARER":
            user = fields[0].split("a=", 1)[1].rstrip(",") if "a=" in fields[0] else ""
        token = next((part[12:] for part in fields if part.startswith("auth=Bearer ")), "")
        answer = await server.loop.run_in_executor(
            None, lambda: requests.post(self.introspection_url, data={"token": token}, timeout=5).json()
        )
        if answer.get("active") is True and answer.get("email") == user:
            self.logins.append((mechanism, user))
            return AuthResult(success=True)
        return AuthResult(success=False, handled=False)


class OAuthSmtpServer(SmtpAuthServer):
    """The recording SMTP server of the mail tests, taking OAuth2 tokens instead of passwords."""

    def __init__(self, introspection_url: str) -> None:
        super().__init__()
        self.handler = OAuthSmtpHandler(self, introspection_url)
        self.controller = Controller(
            self.handler, hostname="127.0.0.1", port=self.port, authenticator=self._authenticate, auth_require_tls=False
        )


@pytest.fixture(scope="session")
def oauth_smtp_server(oauth_server: OAuthTestServer) -> Iterator[OAuthSmtpServer]:
    server = OAuthSmtpServer(f"{oauth_server.base_url}/introspect")
    server.controller.start()
    peer_required("SMTP with XOAUTH2 (aiosmtpd)", "127.0.0.1", server.port)
    yield server
    server.controller.stop()


@pytest.fixture
def oauth_mailbox(
    settings: Any, oauth_server: OAuthTestServer, dovecot_oauth: DovecotServer, oauth_smtp_server: OAuthSmtpServer
) -> Mailbox:
    """A fresh Dovecot user whom the authorization server approves, with the generic provider pointed at them."""
    mailbox = mailbox_make(dovecot_oauth, None)
    oauth_server.approving_user = mailbox.username
    oauth_server.access_token_seconds = 3600
    oauth_server.revocation_status = 200
    settings.MAIL_OAUTH_GENERIC_LABEL = "Company account"
    settings.MAIL_OAUTH_GENERIC_CLIENT_ID = CLIENT_ID
    settings.MAIL_OAUTH_GENERIC_CLIENT_SECRET = CLIENT_SECRET
    settings.MAIL_OAUTH_GENERIC_AUTHORIZE_URL = f"{oauth_server.base_url}/authorize"
    settings.MAIL_OAUTH_GENERIC_TOKEN_URL = f"{oauth_server.base_url}/token"
    settings.MAIL_OAUTH_GENERIC_INTROSPECTION_URL = f"{oauth_server.base_url}/introspect"
    settings.MAIL_OAUTH_GENERIC_USERINFO_URL = f"{oauth_server.base_url}/userinfo"
    settings.MAIL_OAUTH_GENERIC_REVOCATION_URL = f"{oauth_server.base_url}/revoke"
    settings.MAIL_OAUTH_GENERIC_SCOPES = "mail offline_access"
    settings.MAIL_OAUTH_GENERIC_IMAP_HOST = "127.0.0.1"
    settings.MAIL_OAUTH_GENERIC_IMAP_PORT = dovecot_oauth.port
    settings.MAIL_OAUTH_GENERIC_IMAP_SECURITY = "none"
    settings.MAIL_OAUTH_GENERIC_SMTP_HOST = "127.0.0.1"
    settings.MAIL_OAUTH_GENERIC_SMTP_PORT = oauth_smtp_server.port
    settings.MAIL_OAUTH_GENERIC_SMTP_SECURITY = "none"
    return mailbox
