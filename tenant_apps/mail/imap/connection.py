"""Opening an IMAP session for an account, and turning every way that can fail into a status with the server's words."""

from __future__ import annotations

import imaplib
import socket
import ssl
from dataclasses import dataclass, replace
from typing import Any, TypeGuard

from django.conf import settings
from imapclient import IMAPClient
from imapclient.exceptions import LoginError
from imapclient.imapclient import SocketTimeout

from tenant_apps.mail.models import AccountStatus, Security


@dataclass(frozen=True)
class OAuthLogin:
    """Marks a login with an OAuth2 access token (XOAUTH2, or OAUTHBEARER where offered) instead of a password."""

    # Yahoo wants its name in the XOAUTH2 string.
    vendor: str = ""
    # Whose token it is, so a refused login can fetch a fresh one; unset while an account is being connected.
    schema_name: str = ""
    account_id: int | None = None


@dataclass(frozen=True)
class ServerSettings:
    host: str
    port: int
    security: str
    username: str
    # The password, or with `oauth` the access token.
    password: str
    oauth: OAuthLogin | None = None


class MailServerError(Exception):
    """A mail server could not be used; `status` is one of AccountStatus, the message names the server."""

    def __init__(self, status: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message

    def __reduce__(self) -> tuple[type[MailServerError], tuple[str, str]]:
        # Raised in parse workers too: it must survive the trip back to the syncing process.
        return (type(self), (self.status, self.message))


class AccessTokenExpired(MailServerError):
    """The server ended the session because the OAuth2 access token expired (Outlook: `BYE ... AccessTokenExpired`);
    a fresh token and a new session fix it."""


# What servers say when an OAuth2 session outlives its token.
ACCESS_TOKEN_EXPIRED_WORDS = ("accesstokenexpired", "access token expired", "token has expired")


def _words(exc: BaseException) -> str:
    """What the server (or the network) said, as readable text."""
    if exc.args and isinstance(exc.args[0], bytes):
        return exc.args[0].decode("utf-8", "replace").strip()
    text = str(exc).strip()
    if text.startswith("b'") or text.startswith('b"'):
        text = text[2:-1]
    return text or type(exc).__name__


def _garbled(exc: BaseException | None) -> TypeGuard[imaplib.IMAP4.abort]:
    """imaplib aborts on a line that is not IMAP as it does on a dropped connection; only the words tell them apart."""
    text = str(exc)
    return isinstance(exc, imaplib.IMAP4.abort) and ("unexpected response: " in text or "unexpected tagged" in text)


def classify(exc: BaseException, *, kind: str, host: str, port: int) -> MailServerError:
    """`kind` is IMAP or SMTP; the message says which server failed and how."""
    where = f"{kind} server {host}:{port}"
    if isinstance(exc, MailServerError):
        return exc
    if isinstance(exc, imaplib.IMAP4.abort) and any(words in str(exc).lower() for words in ACCESS_TOKEN_EXPIRED_WORDS):
        return AccessTokenExpired(
            AccountStatus.AUTH_FAILED, f"The {where} ended the session: the access token expired ({_words(exc)})"
        )
    if isinstance(exc, LoginError) and _garbled(exc.__context__):
        return MailServerError(
            AccountStatus.PROTOCOL_ERROR, f"The {where} answered unexpectedly during login: {_words(exc.__context__)}"
        )
    if _garbled(exc):
        return MailServerError(AccountStatus.PROTOCOL_ERROR, f"The {where} answered unexpectedly: {_words(exc)}")
    if isinstance(exc, LoginError) and isinstance(exc.__context__, imaplib.IMAP4.abort | OSError):
        # imapclient reports a connection lost during LOGIN as a LoginError; the password was not refused.
        return MailServerError(
            AccountStatus.UNREACHABLE, f"The {where} dropped the connection during login: {_words(exc.__context__)}"
        )
    if isinstance(exc, LoginError):
        return MailServerError(AccountStatus.AUTH_FAILED, f"The {where} refused the login: {_words(exc)}")
    if isinstance(exc, ssl.SSLError | ssl.CertificateError):
        return MailServerError(AccountStatus.TLS_ERROR, f"TLS with the {where} failed: {_words(exc)}")
    if isinstance(exc, socket.gaierror):
        return MailServerError(AccountStatus.UNREACHABLE, f"The {where} could not be found: {_words(exc)}")
    if isinstance(exc, TimeoutError | socket.timeout):
        return MailServerError(AccountStatus.UNREACHABLE, f"The {where} did not answer in time.")
    if isinstance(exc, ConnectionRefusedError):
        return MailServerError(AccountStatus.UNREACHABLE, f"The {where} refused the connection.")
    if isinstance(exc, imaplib.IMAP4.abort | ConnectionError | EOFError):
        return MailServerError(AccountStatus.UNREACHABLE, f"The {where} dropped the connection: {_words(exc)}")
    if isinstance(exc, OSError):
        return MailServerError(AccountStatus.UNREACHABLE, f"The {where} could not be reached: {_words(exc)}")
    return MailServerError(AccountStatus.PROTOCOL_ERROR, f"The {where} answered unexpectedly: {_words(exc)}")


def tls_context() -> ssl.SSLContext:
    return ssl.create_default_context()


def imap_connect(server: ServerSettings, *, read_timeout: float | None = None) -> IMAPClient:
    """A logged-in IMAPClient; raises MailServerError (never anything else) when that cannot be had.

    An OAuth2 login the server refuses is tried once more with a freshly refreshed token: the token may have
    expired (or been revoked) earlier than its expiry time said.
    """
    try:
        return _imap_open(server, read_timeout)
    except MailServerError as problem:
        if server.oauth is None or server.oauth.account_id is None or problem.status != AccountStatus.AUTH_FAILED:
            raise
        from tenant_apps.mail.oauth.tokens import access_token_refreshed

        fresh_token = access_token_refreshed(schema_name=server.oauth.schema_name, account_id=server.oauth.account_id)
        return _imap_open(replace(server, password=fresh_token), read_timeout)


def oauth_authenticate(client: IMAPClient, server: ServerSettings, *, mechanism: str | None = None) -> None:
    """AUTHENTICATE with the access token: OAUTHBEARER (RFC 7628) where offered, XOAUTH2 otherwise."""
    vendor = server.oauth.vendor if server.oauth is not None else ""
    if mechanism is None:
        mechanism = "OAUTHBEARER" if client.has_capability("AUTH=OAUTHBEARER") else "XOAUTH2"
    if mechanism == "OAUTHBEARER":
        client.oauthbearer_login(server.username, server.password)
    else:
        client.oauth2_login(server.username, server.password, vendor=vendor or None)


def _imap_open(server: ServerSettings, read_timeout: float | None) -> IMAPClient:
    timeout = SocketTimeout(
        connect=float(settings.MAIL_CONNECT_TIMEOUT_SECONDS),
        read=float(read_timeout or settings.MAIL_READ_TIMEOUT_SECONDS),
    )
    client: IMAPClient | None = None
    try:
        client = IMAPClient(
            server.host,
            port=server.port,
            ssl=server.security == Security.TLS,
            ssl_context=tls_context() if server.security == Security.TLS else None,
            timeout=timeout,
        )
        # imapclient turns on imaplib's protocol trace (debug 5) and sends it to a logger: imaplib then builds
        # the repr of every literal it reads (every message body, twice) only for the log to drop it.
        imaplib_connection: Any = client._imap
        imaplib_connection.debug = 0
        if server.security == Security.STARTTLS:
            client.starttls(tls_context())
        if server.oauth is None:
            client.login(server.username, server.password)
        else:
            oauth_authenticate(client, server)
        return client
    except Exception as exc:  # noqa: BLE001 - every failure becomes a status; nothing may escape as a 500
        if client is not None:
            imap_close(client)
        raise classify(exc, kind="IMAP", host=server.host, port=server.port) from exc


def imap_close(client: IMAPClient) -> None:
    try:
        client.logout()
    except Exception:  # noqa: BLE001 - the connection is going away either way
        try:
            client.shutdown()
        except Exception:  # noqa: BLE001, S110
            pass
