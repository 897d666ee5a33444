"""Servers that misbehave, played by small loopback servers written here: garbage instead of IMAP, a TLS
certificate nobody signed, a closed port. Each gives a clear status naming the IMAP server, and no stored message
is touched."""

from __future__ import annotations

import contextlib
import datetime
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django_tenants.utils import schema_context

from shared_apps.common.testing import TestTenant
from tenant_apps.mail.imap.connection import MailServerError
from tenant_apps.mail.imap.sync import account_sync
from tenant_apps.mail.models import MailAccount, MailMessage
from tenant_apps.mail.tests import messages
from tenant_apps.mail.tests.conftest import Mailbox, account_make
from tenant_apps.mail.tests.dovecot import free_port

Handler = Callable[[socket.socket], None]


class LoopbackServer:
    """Accepts TCP on 127.0.0.1 and hands every connection to `handler` (wrapped in TLS when a context is given)."""

    def __init__(self, handler: Handler, tls: ssl.SSLContext | None = None) -> None:
        self.handler = handler
        self.tls = tls
        self.connections = 0
        self.handshake_errors: list[str] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._listener.close()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(30)
        try:
            if self.tls is not None:
                try:
                    conn = self.tls.wrap_socket(conn, server_side=True)
                except (ssl.SSLError, OSError) as exc:
                    self.handshake_errors.append(type(exc).__name__)
                    return
            self.handler(conn)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                conn.close()


def _lines(conn: socket.socket) -> Iterator[bytes]:
    buffer = b""
    while True:
        data = conn.recv(4096)
        if not data:
            return
        buffer += data
        while b"\r\n" in buffer:
            line, buffer = buffer.split(b"\r\n", 1)
            yield line


def garbage_greeting(conn: socket.socket) -> None:
    conn.sendall(b"HELLO FROM A TOASTER\r\n")
    for _ in _lines(conn):
        conn.sendall(b"HELLO FROM A TOASTER\r\n")


def garbage_after_greeting(conn: socket.socket) -> None:
    """A proper greeting and CAPABILITY answer, then garbage in answer to LOGIN."""
    conn.sendall(b"* OK Fake IMAP ready\r\n")
    for line in _lines(conn):
        tag, _, command = line.partition(b" ")
        if command.upper() == b"CAPABILITY":
            conn.sendall(b"* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n" + tag + b" OK CAPABILITY completed\r\n")
        else:
            conn.sendall(b"%%% toaster says no %%%\r\n")


def silent_at_login(conn: socket.socket) -> None:
    """A proper greeting and CAPABILITY answer, then not a word in answer to LOGIN."""
    conn.sendall(b"* OK Fake IMAP ready\r\n")
    for line in _lines(conn):
        tag, _, command = line.partition(b" ")
        if command.upper() == b"CAPABILITY":
            conn.sendall(b"* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n" + tag + b" OK CAPABILITY completed\r\n")


@contextlib.contextmanager
def serving(handler: Handler, tls: ssl.SSLContext | None = None) -> Iterator[LoopbackServer]:
    server = LoopbackServer(handler, tls)
    try:
        yield server
    finally:
        server.close()


def self_signed_context(directory: Path) -> ssl.SSLContext:
    """A server TLS context with a certificate for 127.0.0.1 that no authority signed."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    return context


def _payload(mailbox: Mailbox, **overrides: Any) -> dict[str, Any]:
    return dict(mailbox.account_input(**overrides).__dict__)


def _rows(account: MailAccount) -> list[tuple[Any, ...]]:
    return list(
        MailMessage.objects.filter(account=account)
        .order_by("pk")
        .values_list("pk", "uid", "subject", "flags", "is_read", "folder_id", "raw_sha256")
    )


def _synced_account(acme: TestTenant, mailbox: Mailbox) -> tuple[MailAccount, list[tuple[Any, ...]]]:
    """An account with one message stored by a real sync against Dovecot."""
    mailbox.append(messages.simple("Keep me", message_id="<keep@x>"))
    account = account_make(acme, mailbox)
    with schema_context(acme.schema_name):
        account_sync(account=account)
        rows = _rows(account)
    assert [row[2] for row in rows] == ["Keep me"]
    return account, rows


def _sync_against(acme: TestTenant, account: MailAccount, port: int, security: str = "none") -> MailServerError:
    with schema_context(acme.schema_name):
        MailAccount.objects.filter(pk=account.pk).update(imap_port=port, imap_security=security)
        account.refresh_from_db()
        with pytest.raises(MailServerError) as raised:
            account_sync(account=account)
    return raised.value


# --- garbage ---------------------------------------------------------------------------------------------------
def test_garbage_instead_of_a_greeting_is_a_protocol_error_on_create(
    acme: TestTenant, acme_owner_client: Any, mailbox: Mailbox
):
    with serving(garbage_greeting) as server:
        # when
        response = acme_owner_client.post("/api/mail/accounts", _payload(mailbox, imap_port=server.port), format="json")
    # then
    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "code": "credentials_refused_protocol_error",
            "message": f"The IMAP server 127.0.0.1:{server.port} answered unexpectedly: "
            "unexpected response: b'HELLO FROM A TOASTER'",
            "fields": {},
        }
    }
    with schema_context(acme.schema_name):
        assert MailAccount.objects.count() == 0


def test_garbage_answer_to_login_is_a_protocol_error_on_create(
    acme: TestTenant, acme_owner_client: Any, mailbox: Mailbox
):
    with serving(garbage_after_greeting) as server:
        response = acme_owner_client.post("/api/mail/accounts", _payload(mailbox, imap_port=server.port), format="json")
    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "code": "credentials_refused_protocol_error",
            "message": f"The IMAP server 127.0.0.1:{server.port} answered unexpectedly during login: "
            "command: LOGIN => unexpected response: b'%%% toaster says no %%%'",
            "fields": {},
        }
    }
    with schema_context(acme.schema_name):
        assert MailAccount.objects.count() == 0


def test_testing_an_account_against_garbage_records_the_status(
    acme: TestTenant, acme_owner_client: Any, mailbox: Mailbox
):
    # given a saved account whose server now answers garbage
    account = account_make(acme, mailbox)
    with serving(garbage_greeting) as server:
        with schema_context(acme.schema_name):
            MailAccount.objects.filter(pk=account.pk).update(imap_port=server.port)
        # when
        response = acme_owner_client.post(f"/api/mail/accounts/{account.pk}/test")
    # then
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["status_message"]) == (
        "protocol_error",
        f"The IMAP server 127.0.0.1:{server.port} answered unexpectedly: unexpected response: b'HELLO FROM A TOASTER'",
    )


@pytest.mark.parametrize(
    ("handler", "words"),
    [
        (garbage_greeting, "answered unexpectedly: unexpected response: b'HELLO FROM A TOASTER'"),
        (
            garbage_after_greeting,
            "answered unexpectedly during login: command: LOGIN => unexpected response: b'%%% toaster says no %%%'",
        ),
    ],
)
def test_sync_against_garbage_sets_protocol_error_and_keeps_the_messages(
    acme: TestTenant, mailbox: Mailbox, handler: Handler, words: str
):
    # given one message stored by a real sync
    account, before = _synced_account(acme, mailbox)
    # when the account's server answers garbage
    with serving(handler) as server:
        problem = _sync_against(acme, account, server.port)
    # then
    message = f"The IMAP server 127.0.0.1:{server.port} {words}"
    assert (problem.status, problem.message) == ("protocol_error", message)
    with schema_context(acme.schema_name):
        account.refresh_from_db()
        assert (account.status, account.status_message, account.sync_state) == ("protocol_error", message, "failed")
        assert _rows(account) == before


# --- TLS -------------------------------------------------------------------------------------------------------
def test_a_self_signed_certificate_is_a_tls_error_and_keeps_the_messages(
    acme: TestTenant, mailbox: Mailbox, tmp_path: Path
):
    account, before = _synced_account(acme, mailbox)
    with serving(garbage_after_greeting, tls=self_signed_context(tmp_path)) as server:
        problem = _sync_against(acme, account, server.port, security="tls")
    assert problem.status == "tls_error"
    assert problem.message.startswith(f"TLS with the IMAP server 127.0.0.1:{server.port} failed: ")
    assert "certificate verify failed: self-signed certificate" in problem.message
    with schema_context(acme.schema_name):
        account.refresh_from_db()
        assert (account.status, account.status_message) == ("tls_error", problem.message)
        assert _rows(account) == before


def test_a_self_signed_certificate_is_refused_on_create(
    acme: TestTenant, acme_owner_client: Any, mailbox: Mailbox, tmp_path: Path
):
    with serving(garbage_after_greeting, tls=self_signed_context(tmp_path)) as server:
        response = acme_owner_client.post(
            "/api/mail/accounts", _payload(mailbox, imap_port=server.port, imap_security="tls"), format="json"
        )
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], error["fields"]) == ("credentials_refused_tls_error", {})
    assert error["message"].startswith(f"TLS with the IMAP server 127.0.0.1:{server.port} failed: ")
    assert "self-signed certificate" in error["message"]
    with schema_context(acme.schema_name):
        assert MailAccount.objects.count() == 0


# --- unreachable -----------------------------------------------------------------------------------------------
def test_a_closed_port_is_unreachable_fast_and_keeps_the_messages(acme: TestTenant, mailbox: Mailbox):
    account, before = _synced_account(acme, mailbox)
    closed = free_port()
    started = time.monotonic()
    problem = _sync_against(acme, account, closed)
    elapsed = time.monotonic() - started
    assert (problem.status, problem.message) == (
        "unreachable",
        f"The IMAP server 127.0.0.1:{closed} refused the connection.",
    )
    assert elapsed < 2
    with schema_context(acme.schema_name):
        account.refresh_from_db()
        assert (account.status, account.status_message) == ("unreachable", problem.message)
        assert _rows(account) == before


def test_a_silent_server_times_out_after_the_read_timeout(acme: TestTenant, mailbox: Mailbox, settings: Any):
    # given a server that accepts and never says a word, and a 1-second read timeout
    settings.MAIL_READ_TIMEOUT_SECONDS = 1
    account, before = _synced_account(acme, mailbox)
    with serving(silent_at_login) as server:
        started = time.monotonic()
        problem = _sync_against(acme, account, server.port)
        elapsed = time.monotonic() - started
    assert (problem.status, problem.message) == (
        "unreachable",
        f"The IMAP server 127.0.0.1:{server.port} did not answer in time.",
    )
    assert 0.9 < elapsed < 4
    with schema_context(acme.schema_name):
        assert _rows(account) == before


# --- retries ---------------------------------------------------------------------------------------------------
def test_a_failed_sync_task_is_retried_with_backoff_up_to_its_limit(acme: TestTenant, mailbox: Mailbox):
    from tenant_apps.mail.tasks import mail_account_sync

    # given an account whose server answers garbage
    account, before = _synced_account(acme, mailbox)
    with serving(garbage_greeting) as server, schema_context(acme.schema_name):
        MailAccount.objects.filter(pk=account.pk).update(imap_port=server.port)
        # when the task runs (eagerly: Celery runs each retry at once instead of after its countdown)
        result = mail_account_sync.apply(kwargs={"account_id": account.pk})
        # then it was tried once and retried max_retries times, and failed for good with the server's problem
        assert server.connections == 1 + 8
        assert result.state == "FAILURE"
        assert isinstance(result.result, MailServerError)
        assert result.result.status == "protocol_error"
        assert _rows(account) == before
    # the backoff: 30 s doubling per retry, capped at 30 minutes, with jitter, only for server problems
    assert mail_account_sync.autoretry_for == (MailServerError,)
    assert (
        mail_account_sync.max_retries,
        mail_account_sync.retry_backoff,
        mail_account_sync.retry_backoff_max,
        mail_account_sync.retry_jitter,
    ) == (8, 30, 30 * 60, True)
