"""Opening an SMTP session for an account with aiosmtplib: the one place that connects, secures and logs in.

TLS, STARTTLS or plain (loopback only, checked when the account is saved) as the account says; the password
comes decrypted from the account. Another way to log in (XOAUTH2) plugs in here.
"""

from __future__ import annotations

import aiosmtplib
from django.conf import settings

from tenant_apps.mail.crypto import secret_decrypt
from tenant_apps.mail.imap.connection import ServerSettings, tls_context
from tenant_apps.mail.models import MailAccount, Security


def account_smtp_server(account: MailAccount) -> ServerSettings:
    return ServerSettings(
        host=account.smtp_host,
        port=account.smtp_port,
        security=account.smtp_security,
        username=account.username,
        password=secret_decrypt(account.password_encrypted),
    )


async def smtp_open(server: ServerSettings) -> aiosmtplib.SMTP:
    """A connected, secured and authenticated client; aiosmtplib's exceptions pass through to the caller."""
    client = aiosmtplib.SMTP(
        hostname=server.host,
        port=server.port,
        use_tls=server.security == Security.TLS,
        # Never upgrade on its own: plain stays plain (loopback), STARTTLS is required when asked for.
        start_tls=server.security == Security.STARTTLS,
        tls_context=tls_context() if server.security != Security.NONE else None,
        timeout=float(settings.MAIL_CONNECT_TIMEOUT_SECONDS),
    )
    await client.connect()
    try:
        await client.login(server.username, server.password)
    except BaseException:
        client.close()
        raise
    return client
