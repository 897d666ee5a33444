"""Push for every active mail account: one IMAP IDLE on its inbox, in this long-running process (not Celery).

A change reported by the server syncs the inbox at once (under the account's sync lock; when a sync is already
running, a Celery sync is queued so the change is not missed). Accounts added, paused or removed are picked up
every --refresh seconds. SIGTERM/SIGINT stop it cleanly.
"""

from __future__ import annotations

import logging
import signal
import threading
from functools import partial
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django_tenants.utils import get_tenant_model, schema_context
from imapclient import IMAPClient

from tenant_apps.mail.crypto import SecretUnreadable
from tenant_apps.mail.imap.connection import MailServerError, ServerSettings, imap_connect
from tenant_apps.mail.imap.idle import IdleListener
from tenant_apps.mail.imap.sync import account_server
from tenant_apps.mail.models import AccountStatus, MailAccount
from tenant_apps.mail.tasks import LOCKED, account_sync_locked, mail_account_sync, tenant_mail_sync_allowed

logger = logging.getLogger(__name__)


def inbox_sync(schema_name: str, account_id: int) -> None:
    with schema_context(schema_name):
        try:
            if account_sync_locked(account_id, ["INBOX"]) == LOCKED:
                mail_account_sync.apply_async(kwargs={"account_id": account_id, "folder_names": ["INBOX"]})
        finally:
            close_old_connections()


def account_connect(schema_name: str, account_id: int, server: ServerSettings) -> IMAPClient:
    """Every (re)connect of a listener logs in with the account's current login: an OAuth2 access token is
    refreshed when it is close to expiry (the one the listener started with may be hours old)."""
    if server.oauth is not None:
        try:
            with schema_context(schema_name):
                account = MailAccount.objects.filter(pk=account_id).first()
                if account is not None:
                    server = account_server(account)
        finally:
            close_old_connections()
    return imap_connect(server)


class Command(BaseCommand):
    help = "Keep an IMAP IDLE open on the inbox of every active mail account and sync it when it changes."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--refresh", type=float, default=60.0, help="seconds between looks for new accounts")

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        listeners: dict[tuple[str, int], tuple[threading.Event, threading.Thread]] = {}
        while not stop.is_set():
            wanted = self._accounts()
            for key in list(listeners):
                if key not in wanted:
                    listeners.pop(key)[0].set()
            for key, account in wanted.items():
                if key in listeners and listeners[key][1].is_alive():
                    continue
                own_stop = threading.Event()
                try:
                    with schema_context(key[0]):
                        server = account_server(account)
                except SecretUnreadable:
                    logger.error("account %s of %s: its password cannot be decrypted", key[1], key[0])
                    continue
                except MailServerError as problem:  # an OAuth2 token that could not be refreshed
                    logger.warning("account %s of %s: %s", key[1], key[0], problem.message)
                    continue
                listener = IdleListener(
                    server,
                    on_change=partial(inbox_sync, key[0], key[1]),
                    stop=own_stop,
                    connect=partial(account_connect, key[0], key[1]),
                )
                thread = threading.Thread(target=listener.run, name=f"idle-{key[0]}-{key[1]}", daemon=True)
                thread.start()
                listeners[key] = (own_stop, thread)
            self.stdout.write(f"mail_idle: {len(listeners)} inboxes watched")
            self.stdout.flush()
            stop.wait(options["refresh"])
        for own_stop, _ in listeners.values():
            own_stop.set()
        for _, thread in listeners.values():
            thread.join(timeout=5)

    def _accounts(self) -> dict[tuple[str, int], MailAccount]:
        accounts = accounts_to_watch()
        close_old_connections()
        return accounts


def accounts_to_watch() -> dict[tuple[str, int], MailAccount]:
    """Every active account whose inbox gets an IDLE, by (schema, account id)."""
    accounts: dict[tuple[str, int], MailAccount] = {}
    tenants = get_tenant_model().objects.exclude(schema_name=settings.PUBLIC_SCHEMA_NAME)
    for schema_name in tenants.values_list("schema_name", flat=True):
        if schema_name.startswith("_"):
            continue  # the template and spare schemas have no accounts
        if not tenant_mail_sync_allowed(schema_name):
            continue  # read-only for too long: no more mail
        with schema_context(schema_name):
            active = MailAccount.objects.filter(is_active=True)
            for account in active.exclude(status__in=[AccountStatus.AUTH_FAILED, AccountStatus.REAUTH_REQUIRED]):
                accounts[(schema_name, account.pk)] = account
    return accounts
