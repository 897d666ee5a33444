"""How an account authenticates to its SMTP server: PLAIN/LOGIN with its password, or XOAUTH2 (OAUTHBEARER where
offered) with a fresh OAuth2 access token. One place for the AUTH check and for sending."""

from __future__ import annotations

import base64
import smtplib
from dataclasses import dataclass, replace

import aiosmtplib
from asgiref.sync import sync_to_async

from tenant_apps.mail.imap.connection import ServerSettings
from tenant_apps.mail.imap.sync import account_server
from tenant_apps.mail.models import MailAccount
from tenant_apps.mail.oauth.tokens import access_token_get, access_token_refreshed


@dataclass(frozen=True)
class SmtpAuth:
    username: str
    # The password, or with `oauth` the access token.
    secret: str
    oauth: bool = False
    # Yahoo wants its name in the XOAUTH2 string.
    vendor: str = ""

    def mechanism(self, offered: list[str]) -> str:
        """The AUTH mechanism to use among those the server offers (EHLO AUTH line, upper case)."""
        if self.oauth:
            return "OAUTHBEARER" if "OAUTHBEARER" in offered else "XOAUTH2"
        if "PLAIN" in offered:
            return "PLAIN"
        return "LOGIN" if "LOGIN" in offered else "PLAIN"

    def initial_response(self, mechanism: str) -> str:
        """The base64 SASL initial response for PLAIN, XOAUTH2 or OAUTHBEARER (`AUTH <mechanism> <response>`)."""
        if mechanism == "OAUTHBEARER":
            identity = self.username.replace("=", "=3D").replace(",", "=2C")
            raw = f"n,a={identity},\x01auth=Bearer {self.secret}\x01\x01"
        elif mechanism == "XOAUTH2":
            vendor = f"vendor={self.vendor}\x01" if self.vendor else ""
            raw = f"user={self.username}\x01auth=Bearer {self.secret}\x01{vendor}\x01"
        else:
            raw = f"\x00{self.username}\x00{self.secret}"
        return base64.b64encode(raw.encode()).decode()


def smtp_auth(server: ServerSettings) -> SmtpAuth:
    vendor = server.oauth.vendor if server.oauth is not None else ""
    return SmtpAuth(username=server.username, secret=server.password, oauth=server.oauth is not None, vendor=vendor)


def account_smtp_server(account: MailAccount) -> ServerSettings:
    """The account's SMTP server with its login (a fresh access token for an OAuth2 account)."""
    return replace(
        account_server(account), host=account.smtp_host, port=account.smtp_port, security=account.smtp_security
    )


def account_smtp_auth(account: MailAccount, *, token_refused: bool = False) -> SmtpAuth:
    """What the account authenticates to SMTP with. After the server refused an OAuth2 token, pass
    `token_refused=True` to get a freshly refreshed one (raises ReauthRequired when the grant is gone)."""
    server = account_smtp_server(account)
    if token_refused and server.oauth is not None:
        server = replace(server, password=access_token_get(account_id=account.pk, force_refresh=True))
    return smtp_auth(server)


def smtp_authenticate(client: smtplib.SMTP, auth: SmtpAuth) -> None:
    """AUTH with one mechanism: smtplib's login() tries the next one after a refusal, which some servers answer
    by waiting, so a wrong password would look like a timeout."""
    if not client.has_extn("auth"):
        raise smtplib.SMTPNotSupportedError("AUTH is not offered")
    offered = client.esmtp_features.get("auth", "").upper().split()
    mechanism = auth.mechanism(offered)
    if mechanism == "LOGIN":
        client.user, client.password = auth.username, auth.secret
        client.auth("LOGIN", client.auth_login)
        return
    code, answer = client.docmd("AUTH", f"{mechanism} {auth.initial_response(mechanism)}")
    if code == 334:
        # A refused OAuth2 token comes with a JSON error challenge, which the client ends (RFC 7628: with ^A).
        code, answer = client.docmd("AQ==" if mechanism == "OAUTHBEARER" else "")
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, answer)


async def smtp_authenticate_async(client: aiosmtplib.SMTP, server: ServerSettings) -> None:
    """Log an aiosmtplib client in: with the password as aiosmtplib does, or with the OAuth2 token. A token the
    server refuses is refreshed once and tried again (it may have expired or been revoked before its time)."""
    auth = smtp_auth(server)
    if not auth.oauth:
        await client.login(auth.username, auth.secret)
        return
    try:
        await _oauth_auth_async(client, auth)
    except aiosmtplib.SMTPAuthenticationError:
        if server.oauth is None or server.oauth.account_id is None:
            raise
        fresh_token = await sync_to_async(access_token_refreshed)(
            schema_name=server.oauth.schema_name, account_id=server.oauth.account_id
        )
        await _oauth_auth_async(client, replace(auth, secret=fresh_token))


async def _oauth_auth_async(client: aiosmtplib.SMTP, auth: SmtpAuth) -> None:
    await client.ehlo()
    mechanism = auth.mechanism([method.upper() for method in client.server_auth_methods])
    response = await client.execute_command(b"AUTH", mechanism.encode(), auth.initial_response(mechanism).encode())
    if response.code == 334:
        # A refused token comes with a JSON error challenge, which the client ends (RFC 7628: with ^A).
        response = await client.execute_command(b"AQ==" if mechanism == "OAUTHBEARER" else b"")
    if response.code != 235:
        raise aiosmtplib.SMTPAuthenticationError(response.code, response.message)
