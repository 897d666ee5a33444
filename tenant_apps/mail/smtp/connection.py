"""Opening an SMTP session for an account with aiosmtplib: the one place that connects, secures and logs in.

TLS, STARTTLS or plain (loopback only, checked when the account is saved) as the account says; the login (password,
or OAuth2 token with XOAUTH2/OAUTHBEARER) is smtp/credentials.py's.
"""

from __future__ import annotations

import aiosmtplib
from django.conf import settings

from tenant_apps.mail.imap.connection import ServerSettings, tls_context
from tenant_apps.mail.models import Security
from tenant_apps.mail.smtp.credentials import smtp_authenticate_async


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
        await smtp_authenticate_async(client, server)
    except BaseException:
        client.close()
        raise
    return client
