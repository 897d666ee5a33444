"""Checking SMTP credentials before an account is saved: connect, secure, AUTH, quit. Nothing is sent."""

from __future__ import annotations

import smtplib

from django.conf import settings

from tenant_apps.mail.imap.connection import MailServerError, ServerSettings, classify, tls_context
from tenant_apps.mail.models import AccountStatus, Security
from tenant_apps.mail.smtp.credentials import smtp_auth, smtp_authenticate


def smtp_login_check(server: ServerSettings) -> None:
    """Raise MailServerError when the SMTP server refuses these credentials or cannot be used."""
    timeout = float(settings.MAIL_CONNECT_TIMEOUT_SECONDS)
    client: smtplib.SMTP | None = None
    where = f"SMTP server {server.host}:{server.port}"
    try:
        if server.security == Security.TLS:
            client = smtplib.SMTP_SSL(server.host, server.port, timeout=timeout, context=tls_context())
        else:
            client = smtplib.SMTP(server.host, server.port, timeout=timeout)
        client.ehlo()
        if server.security == Security.STARTTLS:
            client.starttls(context=tls_context())
            client.ehlo()
        smtp_authenticate(client, smtp_auth(server))
    except smtplib.SMTPAuthenticationError as exc:
        words = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc)
        raise MailServerError(
            AccountStatus.AUTH_FAILED, f"The {where} refused the login: {exc.smtp_code} {words}"
        ) from exc
    except smtplib.SMTPNotSupportedError as exc:
        raise MailServerError(AccountStatus.PROTOCOL_ERROR, f"The {where} does not offer AUTH: {exc}") from exc
    except smtplib.SMTPServerDisconnected as exc:
        raise MailServerError(AccountStatus.UNREACHABLE, f"The {where} dropped the connection: {exc}") from exc
    except smtplib.SMTPResponseException as exc:
        words = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc)
        raise MailServerError(
            AccountStatus.PROTOCOL_ERROR, f"The {where} answered unexpectedly: {exc.smtp_code} {words}"
        ) from exc
    except Exception as exc:  # noqa: BLE001 - every failure becomes a status
        raise classify(exc, kind="SMTP", host=server.host, port=server.port) from exc
    finally:
        if client is not None:
            try:
                client.quit()
            except Exception:  # noqa: BLE001, S110 - already failed or done
                pass
