"""Connecting a mailbox with OAuth2 in Debian's Chromium: the web process offers the generic provider, configured
(as a deployment would, by MAIL_OAUTH_GENERIC_*) to use the loopback authorization server of the mail tests; the
browser goes to its authorize endpoint and back through the public callback, the account is made, and a Celery
worker syncs it from a Dovecot whose oauth2 passdb asks the same server about the token.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest
from django_tenants.utils import schema_context

from deploy.local_stack import port_free
from shared_apps.common.testing import TEST_PASSWORD, TestTenant
from shared_apps.frontend.tests.stack import (
    browser_tools_ensure,
    private_redis,
    script_run,
    stack_env,
    web_running,
    worker_running,
)
from tenant_apps.mail.tests.conftest import Mailbox, mailbox_make
from tenant_apps.mail.tests.dovecot import DovecotServer
from tenant_apps.mail.tests.oauth_fixtures import (  # noqa: F401 - fixtures
    OAuthSmtpServer,
    dovecot_oauth,
    oauth_server,
    oauth_smtp_server,
)
from tenant_apps.mail.tests.oauth_server import CLIENT_ID, CLIENT_SECRET, OAuthTestServer

pytestmark = pytest.mark.integration


@dataclass
class OAuthStack:
    origin: str
    workdir: Path


@pytest.fixture(scope="module")
def oauth_stack(
    test_tenants: dict[str, TestTenant],
    oauth_server: OAuthTestServer,  # noqa: F811 - the imported fixture
    dovecot_oauth: DovecotServer,  # noqa: F811
    oauth_smtp_server: OAuthSmtpServer,  # noqa: F811
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[OAuthStack]:
    browser_tools_ensure()
    workdir = tmp_path_factory.mktemp("e2e-oauth")
    port = port_free()
    provider = {
        "MAIL_OAUTH_GENERIC_LABEL": "Company account",
        "MAIL_OAUTH_GENERIC_CLIENT_ID": CLIENT_ID,
        "MAIL_OAUTH_GENERIC_CLIENT_SECRET": CLIENT_SECRET,
        "MAIL_OAUTH_GENERIC_AUTHORIZE_URL": f"{oauth_server.base_url}/authorize",
        "MAIL_OAUTH_GENERIC_TOKEN_URL": f"{oauth_server.base_url}/token",
        "MAIL_OAUTH_GENERIC_INTROSPECTION_URL": f"{oauth_server.base_url}/introspect",
        "MAIL_OAUTH_GENERIC_USERINFO_URL": f"{oauth_server.base_url}/userinfo",
        "MAIL_OAUTH_GENERIC_SCOPES": "mail offline_access",
        "MAIL_OAUTH_GENERIC_IMAP_HOST": "127.0.0.1",
        "MAIL_OAUTH_GENERIC_IMAP_PORT": str(dovecot_oauth.port),
        "MAIL_OAUTH_GENERIC_IMAP_SECURITY": "none",
        "MAIL_OAUTH_GENERIC_SMTP_HOST": "127.0.0.1",
        "MAIL_OAUTH_GENERIC_SMTP_PORT": str(oauth_smtp_server.port),
        "MAIL_OAUTH_GENERIC_SMTP_SECURITY": "none",
    }
    with ExitStack() as exits:
        broker = exits.enter_context(private_redis(workdir))
        env = stack_env(
            port=port,
            workdir=workdir,
            settings_module="config.settings.test",
            CELERY_BROKER_URL=broker,
            **provider,
        )
        exits.enter_context(web_running(env, workdir))
        exits.enter_context(worker_running(env, workdir))
        yield OAuthStack(f"http://{test_tenants['acme'].hostname}:{port}", workdir)


def test_connect_with_oauth2_in_the_browser(
    oauth_stack: OAuthStack,
    oauth_server: OAuthTestServer,  # noqa: F811
    dovecot_oauth: DovecotServer,  # noqa: F811
    test_tenants: dict[str, TestTenant],
    django_db_blocker: Any,
) -> None:
    # given a mailbox the authorization server approves, holding one message
    mailbox: Mailbox = mailbox_make(dovecot_oauth, None)
    oauth_server.approving_user = mailbox.username
    oauth_server.access_token_seconds = 3600
    hello = EmailMessage()
    hello["From"] = "Ann Example <ann@example.org>"
    hello["To"] = mailbox.username
    hello["Subject"] = "Hello over OAuth2"
    hello["Date"] = format_datetime(datetime(2026, 3, 3, 9, 0, tzinfo=UTC))
    hello.set_content("Signed in with a token.\n")
    mailbox.append(hello.as_bytes())
    introspections_before = oauth_server.introspections

    # when the owner clicks Connect, the provider approves and the browser comes back
    try:
        outcome = script_run(
            "e2e/mail-oauth.e2e.mjs",
            {
                "ORIGIN": oauth_stack.origin,
                "OWNER_EMAIL": "owner@acme.test",
                "OWNER_PASSWORD": TEST_PASSWORD,
                "MAILBOX": mailbox.username,
                "AUTHORIZE_ORIGIN": oauth_server.base_url,
            },
            [oauth_stack.workdir / "web.log", oauth_stack.workdir / "worker.log"],
        )
    finally:
        oauth_server.approving_user = None

    # then the browser went to the provider and back into the mail client
    assert outcome["visited_authorize"] is True
    assert outcome["landed_on"].startswith("/mail?connected=")
    assert outcome["synced_subject"] == "Hello over OAuth2"
    # and the account is an OAuth2 one, synced over XOAUTH2/OAUTHBEARER: Dovecot asked the server about the token
    assert oauth_server.introspections > introspections_before
    with django_db_blocker.unblock(), schema_context(test_tenants["acme"].schema_name):
        from tenant_apps.mail.models import MailAccount

        account = MailAccount.objects.get(email_address=mailbox.username)
        try:
            assert outcome["landed_on"] == f"/mail?connected={account.pk}"
            assert (account.provider, account.auth_method, account.status) == ("generic", "oauth2", "ok")
            assert account.messages.filter(subject="Hello over OAuth2").count() == 1
        finally:
            account.delete()
