"""Fixtures of the mail tests: a private Dovecot and an SMTP server with AUTH for the session, a fresh mailbox per
test, and mail accounts in the real test tenants."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from django_tenants.utils import schema_context
from imapclient import IMAPClient
from imapclient.imap_utf7 import decode as decode_utf7

from shared_apps.common.testing import TestTenant, api_client, peer_required
from tenant_apps.accounts.models import User
from tenant_apps.mail import services
from tenant_apps.mail.models import MailAccount
from tenant_apps.mail.tests.dovecot import (
    DEFAULT_PASSWORD,
    REDUCED_CAPABILITIES,
    DovecotMissing,
    DovecotServer,
    dovecot_start,
    free_port,
    in_ci,
)
from tenant_apps.mail.tests.gmail_emulator import GmailEmulator


def _dovecot_or_fail(**options: Any) -> Iterator[DovecotServer]:
    try:
        server = dovecot_start(**options)
    except DovecotMissing as exc:
        if in_ci():
            pytest.fail(str(exc), pytrace=False)
        pytest.skip(str(exc))
    peer_required("Dovecot", server.host, server.port)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def dovecot() -> Iterator[DovecotServer]:
    yield from _dovecot_or_fail()


@pytest.fixture(scope="session")
def dovecot_plain() -> Iterator[DovecotServer]:
    """A Dovecot that offers neither CONDSTORE nor QRESYNC: the sync must diff UIDs and flags."""
    yield from _dovecot_or_fail(capabilities=REDUCED_CAPABILITIES)


@dataclass(frozen=True)
class ReceivedMail:
    """One message as the SMTP server got it: the envelope and the exact bytes after DATA."""

    mail_from: str
    rcpt_tos: list[str]
    data: bytes


class SmtpAuthServer:
    """aiosmtpd with AUTH that records every message it accepts; `refusals` maps a recipient to the reply its
    RCPT gets (e.g. "550 5.1.1 <x@y>: User unknown")."""

    def __init__(self) -> None:
        self.users: dict[str, str] = {}
        self.received: list[ReceivedMail] = []
        self.refusals: dict[str, str] = {}
        self.port = free_port()
        self.controller = Controller(
            _RecordingHandler(self),
            hostname="127.0.0.1",
            port=self.port,
            authenticator=self._authenticate,
            auth_require_tls=False,
        )

    def _authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        username = auth_data.login.decode()
        return AuthResult(success=self.users.get(username) == auth_data.password.decode(), handled=False)


class _RecordingHandler:
    def __init__(self, smtp: SmtpAuthServer) -> None:
        self.smtp = smtp

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's name
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if address in self.smtp.refusals:
            return self.smtp.refusals[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        self.smtp.received.append(ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 OK"


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[SmtpAuthServer]:
    server = SmtpAuthServer()
    server.controller.start()
    peer_required("SMTP (aiosmtpd)", "127.0.0.1", server.port)
    yield server
    server.controller.stop()


class Mailbox:
    """One user on the Dovecot (and the SMTP server), plus a second IMAP connection acting as another client."""

    def __init__(self, dovecot: DovecotServer, smtp: SmtpAuthServer | None, username: str) -> None:
        self.dovecot = dovecot
        self.smtp = smtp
        self.username = username
        self.password = DEFAULT_PASSWORD

    def other_client(self) -> IMAPClient:
        client = IMAPClient(self.dovecot.host, port=self.dovecot.port, ssl=False, timeout=10)
        client.login(self.username, self.password)
        return client

    def append(self, raw: bytes, folder: str = "INBOX", flags: tuple[bytes, ...] = ()) -> int:
        with self.other_client() as client:
            response = client.append(folder, raw, flags=flags)
        text = response.decode() if isinstance(response, bytes) else str(response)
        # [APPENDUID <uidvalidity> <uid>] (UIDPLUS)
        return int(text.split("APPENDUID", 1)[1].split()[1].rstrip("]"))

    def account_input(self, **overrides: Any) -> services.AccountInput:
        values: dict[str, Any] = {
            "name": "Work",
            "email_address": self.username,
            "username": self.username,
            "password": self.password,
            "imap_host": "127.0.0.1",
            "imap_port": self.dovecot.port,
            "imap_security": "none",
            "smtp_host": "127.0.0.1",
            "smtp_port": self.smtp.port if self.smtp else 1,
            "smtp_security": "none",
        }
        values.update(overrides)
        return services.AccountInput(**values)


def mailbox_make(dovecot: DovecotServer, smtp: SmtpAuthServer | None) -> Mailbox:
    username = dovecot.user_take()
    if smtp is not None:
        smtp.users[username] = DEFAULT_PASSWORD
    return Mailbox(dovecot, smtp, username)


@pytest.fixture
def mailbox(dovecot: DovecotServer, smtp_server: SmtpAuthServer) -> Mailbox:
    return mailbox_make(dovecot, smtp_server)


@pytest.fixture
def plain_mailbox(dovecot_plain: DovecotServer, smtp_server: SmtpAuthServer) -> Mailbox:
    return mailbox_make(dovecot_plain, smtp_server)


def account_make(tenant: TestTenant, mailbox: Mailbox, *, owner_email: str | None = None) -> MailAccount:
    """A saved account of the tenant's owner for this mailbox (credentials not checked again)."""
    with schema_context(tenant.schema_name):
        owner = User.objects.get(email=owner_email or tenant.owner_email)
        return services.mail_account_create(actor=owner, data=mailbox.account_input(), check=False)


def owner_client(tenant: TestTenant) -> Any:
    from tenant_apps.accounts.tests.conftest import signed_in

    return signed_in(tenant, tenant.owner_email)


@pytest.fixture
def acme_owner_client(acme: TestTenant) -> Any:
    return owner_client(acme)


@pytest.fixture
def globex_owner_client(globex: TestTenant) -> Any:
    return owner_client(globex)


__all__ = ["api_client"]


@pytest.fixture(scope="session")
def gmail_emulator() -> Iterator[GmailEmulator]:
    """The Gmail IMAP emulator (tests/gmail_emulator.py) on a loopback port, for the session."""
    emulator = GmailEmulator().start()
    peer_required("Gmail emulator", emulator.host, emulator.port)
    yield emulator
    emulator.stop()


class GmailMailbox:
    """One user on the Gmail emulator, plus IMAP connections acting as another client (Gmail's web UI, a phone)."""

    def __init__(self, emulator: GmailEmulator, username: str) -> None:
        self.emulator = emulator
        self.username = username
        self.password = DEFAULT_PASSWORD
        self.user = emulator.user_add(username, self.password)

    def other_client(self) -> IMAPClient:
        client = IMAPClient(self.emulator.host, port=self.emulator.port, ssl=False, timeout=10)
        client.login(self.username, self.password)
        return client

    def append(self, raw: bytes, folder: str = "INBOX", flags: tuple[bytes, ...] = ()) -> None:
        with self.other_client() as client:
            client.append(folder, raw, flags=flags)

    def labels_on_server(self, message_id: str) -> list[str]:
        """The labels a second client sees on the message with this Message-ID (found in All Mail)."""
        with self.other_client() as client:
            client.select_folder("[Gmail]/All Mail", readonly=True)
            answers = client.fetch(client.search(["ALL"]), ["X-GM-LABELS", "BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"])
        for values in answers.values():
            if message_id.encode() in values[b"BODY[HEADER.FIELDS (MESSAGE-ID)]"]:
                return sorted(decode_utf7(label) for label in values[b"X-GM-LABELS"])
        raise AssertionError(f"{message_id} is not in All Mail")

    def account_input(self, **overrides: Any) -> services.AccountInput:
        values: dict[str, Any] = {
            "name": "Gmail",
            "email_address": self.username,
            "username": self.username,
            "password": self.password,
            "imap_host": self.emulator.host,
            "imap_port": self.emulator.port,
            "imap_security": "none",
            "smtp_host": "127.0.0.1",
            "smtp_port": 1,
            "smtp_security": "none",
        }
        values.update(overrides)
        return services.AccountInput(**values)


@pytest.fixture
def gmail_mailbox(gmail_emulator: GmailEmulator) -> GmailMailbox:
    return GmailMailbox(gmail_emulator, f"user{next(_gmail_users)}@gmail.test")


_gmail_users = itertools.count(1)


def gmail_account_make(tenant: TestTenant, mailbox: GmailMailbox) -> MailAccount:
    with schema_context(tenant.schema_name):
        owner = User.objects.get(email=tenant.owner_email)
        return services.mail_account_create(actor=owner, data=mailbox.account_input(), check=False)
