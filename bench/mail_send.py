#!/usr/bin/env python3
"""Send and draft speed against a private Dovecot and an in-process SMTP server (aiosmtpd), in ms.

send: from queueing a message (undo window 0) through the code the `mail.outbox_send` task runs: SMTP
MAIL/RCPT/DATA accepted by the server, then the copy APPENDed to Sent. Each message is then checked on the SMTP
server and in Sent. draft save: one save of a draft (a new revision) and its push: APPEND of the new copy with
\\Draft, removal of the old one by UID EXPUNGE; Drafts must hold exactly one copy afterwards. Celery's own
queueing latency is not in these figures. `send_p50_ms` and `draft_save_p50_ms` are importable by
bench/mail_actions.py. The last line printed is JSON.

Usage: .venv/bin/python bench/mail_send.py [--messages 50]
Needs dovecot-imapd. DATABASE_URL names the PostgreSQL server (the database itself is bench-owned).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import bench_database_url, database_recreate, percentile  # noqa: E402

BENCH_DATABASE = "atrium_bench_mail_send"
BENCH_USER = "sender@example.test"


def send_p50_ms(*, account: Any, smtp: Any, port: int, count: int) -> float:
    """Queue and send `count` messages one after another; p50 of queue-to-filed in Sent. Call inside the tenant's
    schema with MAIL_UNDO_SEND_SECONDS = 0."""
    from imapclient import IMAPClient

    from tenant_apps.mail.outbox.compose import ComposeInput, Recipient
    from tenant_apps.mail.outbox.sending import SENT, outbox_send
    from tenant_apps.mail.outbox.services import outbox_queue
    from tenant_apps.mail.tests.dovecot import DEFAULT_PASSWORD

    timings = []
    message_ids = []
    for number in range(count):
        data = ComposeInput(to=[Recipient("bob@example.test")], subject=f"Bench {number}", text_body="Hello\n" * 20)
        started = time.perf_counter()
        outgoing = outbox_queue(actor=account.owner, account=account, data=data)
        result = outbox_send(outgoing.pk)
        timings.append((time.perf_counter() - started) * 1000)
        if result != SENT:
            raise RuntimeError(f"message {number} was not sent: {result}")
        message_ids.append(outgoing.message_id)
    delivered = sum(
        1 for mail in smtp.received for message_id in message_ids if f"<{message_id}>".encode() in mail.data
    )
    with IMAPClient("127.0.0.1", port=port, ssl=False) as client:
        client.login(account.username, DEFAULT_PASSWORD)
        client.select_folder("Sent", readonly=True)
        filed = len(client.search(["ALL"]))
    if (delivered, filed) != (count, count):
        raise RuntimeError(f"{delivered} delivered and {filed} in Sent of {count}")
    return percentile(timings, 0.5)


def draft_save_p50_ms(*, account: Any, port: int, count: int) -> float:
    """Save one draft `count` times, each save pushed to the server; p50 of save + push."""
    from imapclient import IMAPClient

    from tenant_apps.mail.outbox.compose import ComposeInput, Recipient
    from tenant_apps.mail.outbox.draft_copies import PUSHED, draft_push
    from tenant_apps.mail.outbox.drafts import draft_create, draft_update
    from tenant_apps.mail.tests.dovecot import DEFAULT_PASSWORD

    draft = draft_create(actor=account.owner, account=account, data=ComposeInput(subject="Bench draft"))
    timings = []
    for number in range(count):
        data = ComposeInput(to=[Recipient("bob@example.test")], subject="Bench draft", text_body=f"Version {number}\n")
        started = time.perf_counter()
        draft = draft_update(actor=account.owner, draft=draft, data=data)
        result = draft_push(draft.pk)
        timings.append((time.perf_counter() - started) * 1000)
        if result != PUSHED:
            raise RuntimeError(f"save {number} was not pushed: {result}")
    with IMAPClient("127.0.0.1", port=port, ssl=False) as client:
        client.login(account.username, DEFAULT_PASSWORD)
        client.select_folder("Drafts", readonly=True)
        copies = client.search(["ALL"])
    if len(copies) != 1:
        raise RuntimeError(f"Drafts holds {len(copies)} copies after {count} saves")
    return percentile(timings, 0.5)


@contextmanager
def mail_bench_accounts(database: str, users: list[str]) -> Iterator[tuple[list[Any], Any, Any]]:
    """A scratch database with one company, a private Dovecot with these logins and an SMTP server that knows
    them, and a mail account of the company's owner for each login. Yields (accounts, dovecot, smtp) inside the
    company's schema (with an undo window of 0) and removes all of it afterwards."""
    url = bench_database_url(database)
    database_recreate(url)
    media = Path(tempfile.mkdtemp(prefix="atrium-bench-media-"))
    settings = {"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.dev", "MEDIA_ROOT": str(media)}
    os.environ.update(settings, LOG_LEVEL="WARNING", MAIL_UNDO_SEND_SECONDS="0")
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/3")

    import django

    django.setup()
    from django.core.management import call_command
    from django_tenants.utils import schema_context

    from tenant_apps.accounts.models import User
    from tenant_apps.mail.services import mail_account_create
    from tenant_apps.mail.tests.conftest import Mailbox, SmtpAuthServer
    from tenant_apps.mail.tests.dovecot import DEFAULT_PASSWORD, dovecot_start
    from tenants.pool import pool_refill
    from tenants.provisioning import tenant_provision

    dovecot = dovecot_start(users=users)
    smtp = SmtpAuthServer()
    smtp.users.update({user: DEFAULT_PASSWORD for user in users})
    smtp.controller.start()
    try:
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
        pool_refill(size=1)
        schema = tenant_provision(
            company_name="Bench Mail",
            subdomain="benchmail",
            admin_email="owner@benchmail.test",
            admin_password="x" * 16,
        ).tenant.schema_name
        with schema_context(schema):
            owner = User.objects.get(email="owner@benchmail.test")
            accounts = [
                mail_account_create(
                    actor=owner, data=Mailbox(dovecot, smtp, user).account_input(name="Bench"), check=False
                )
                for user in users
            ]
            yield accounts, dovecot, smtp
    finally:
        smtp.controller.stop()
        dovecot.stop()
        shutil.rmtree(media, ignore_errors=True)
        database_recreate(url, create=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=50)
    args = parser.parse_args()

    with mail_bench_accounts(BENCH_DATABASE, [BENCH_USER]) as ([account], dovecot, smtp):
        send_ms = send_p50_ms(account=account, smtp=smtp, port=dovecot.port, count=args.messages)
        draft_ms = draft_save_p50_ms(account=account, port=dovecot.port, count=args.messages)
    print(f"send (queue to Sent copy), p50 of {args.messages}: {send_ms:.1f} ms", flush=True)
    print(f"draft save (save + APPEND + expunge of the old copy), p50 of {args.messages}: {draft_ms:.1f} ms")
    print(
        json.dumps({"send_p50_ms": round(send_ms, 1), "draft_save_p50_ms": round(draft_ms, 1), "cpus": os.cpu_count()})
    )


if __name__ == "__main__":
    main()
