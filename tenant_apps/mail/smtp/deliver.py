"""Handing one message to the SMTP server, and telling apart the ways it fails.

The envelope goes step by step (MAIL, RCPT for each recipient, DATA) so the caller can record "the server
has the message now" just before DATA: a worker that dies after that point cannot know whether the server
accepted it, and must not send it again on its own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

import aiosmtplib
from asgiref.sync import async_to_sync, sync_to_async
from django.conf import settings

from tenant_apps.mail.imap.connection import ServerSettings, classify
from tenant_apps.mail.smtp.connection import smtp_open


class HandoverRefused(Exception):
    """`before_data` said the message must not go to the server (the caller no longer owns the send)."""


@dataclass(frozen=True)
class Envelope:
    sender: str
    recipients: list[str]
    raw: bytes


class SendFailed(Exception):
    """The message was not delivered (`uncertain`: it may have been). `permanent`: trying again will not help."""

    def __init__(self, message: str, *, permanent: bool, uncertain: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.uncertain = uncertain


def _where(server: ServerSettings) -> str:
    return f"SMTP server {server.host}:{server.port}"


def _answer(exc: aiosmtplib.SMTPResponseException) -> str:
    return f"{exc.code} {' '.join(exc.message.split())}"


def _refusal(server: ServerSettings, what: str, exc: aiosmtplib.SMTPResponseException) -> SendFailed:
    # 5xx is the server's final word; 4xx (greylisting, over quota for now) is worth another try.
    return SendFailed(f"The {_where(server)} refused {what}: {_answer(exc)}", permanent=exc.code >= 500)


def _unusable(server: ServerSettings, exc: BaseException, *, uncertain: bool) -> SendFailed:
    if isinstance(exc, aiosmtplib.SMTPAuthenticationError):
        return SendFailed(f"The {_where(server)} refused the login: {_answer(exc)}", permanent=True)
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return _refusal(server, "the message", exc)
    if isinstance(exc, aiosmtplib.SMTPTimeoutError | asyncio.TimeoutError):
        problem = f"The {_where(server)} did not answer in time."
    elif isinstance(exc, aiosmtplib.SMTPConnectError | aiosmtplib.SMTPServerDisconnected):
        problem = f"The {_where(server)} could not be used: {exc}"
    else:
        problem = classify(exc, kind="SMTP", host=server.host, port=server.port).message
    if uncertain:
        problem += " The connection was lost while the server had the message: it may have been delivered."
    return SendFailed(problem, permanent=uncertain, uncertain=uncertain)


async def _deliver(server: ServerSettings, envelope: Envelope, before_data: Callable[[], None]) -> None:
    try:
        client = await smtp_open(server)
    except Exception as exc:  # noqa: BLE001 - every failure is a SendFailed with the server's words
        raise _unusable(server, exc, uncertain=False) from exc
    handed_over = False
    try:
        try:
            await client.mail(envelope.sender)
        except aiosmtplib.SMTPResponseException as exc:
            raise _refusal(server, f"the sender {envelope.sender}", exc) from exc
        refused: list[aiosmtplib.SMTPResponseException] = []
        for recipient in envelope.recipients:
            try:
                await client.rcpt(recipient)
            except aiosmtplib.SMTPRecipientRefused as exc:
                refused.append(exc)
        if refused:
            words = "; ".join(f"{exc.recipient}: {_answer(exc)}" for exc in refused)  # type: ignore[attr-defined]
            permanent = all(exc.code >= 500 for exc in refused)
            raise SendFailed(f"The {_where(server)} refused {words}", permanent=permanent)
        await sync_to_async(before_data)()
        handed_over = True
        await client.data(envelope.raw, timeout=float(settings.MAIL_READ_TIMEOUT_SECONDS))
    except (SendFailed, HandoverRefused):
        raise
    except aiosmtplib.SMTPResponseException as exc:
        # The server answered DATA with a refusal: it does not have the message.
        raise _refusal(server, "the message", exc) from exc
    except Exception as exc:  # noqa: BLE001
        raise _unusable(server, exc, uncertain=handed_over) from exc
    finally:
        try:
            await client.quit()
        except Exception:  # noqa: BLE001 - delivered or failed already; the goodbye does not matter
            client.close()


def smtp_deliver(server: ServerSettings, envelope: Envelope, *, before_data: Callable[[], None]) -> None:
    """Deliver or raise SendFailed. `before_data` runs (in the calling thread, so in its database connection and
    tenant schema) after every recipient was accepted and before the message itself is sent; raising
    HandoverRefused there ends the session without sending it."""
    async_to_sync(_deliver)(server, envelope, before_data)
