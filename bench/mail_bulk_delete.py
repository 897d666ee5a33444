#!/usr/bin/env python3
"""Bulk delete speed: 1,000 messages deleted for good as one job (the code the Celery task runs), in ms.

A private Dovecot gets N messages by APPEND, Atrium syncs them, then one MailActionJob `delete` over all of them
runs: per batch of 500 UIDs one STORE \\Deleted + UID EXPUNGE, then the rows go. The clock covers the whole job
(connect, select, server work, rows, progress). Afterwards the server's INBOX must be empty and a sync must find
nothing to change. `bulk_delete_ms` is importable by bench/mail_actions.py. The last line printed is JSON.

Usage: .venv/bin/python bench/mail_bulk_delete.py [--messages 1000]
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
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import bench_database_url, database_recreate  # noqa: E402

BENCH_DATABASE = "atrium_bench_mail_actions"
BENCH_USER = "bulk@example.test"


def bulk_delete_ms(*, account: Any, port: int, count: int) -> float:
    """Fill the account's INBOX with `count` messages, sync, and time one job deleting all of them for good.
    Call inside the tenant's schema."""
    from imapclient import IMAPClient

    from tenant_apps.mail.actions import Action, action_job_run
    from tenant_apps.mail.imap.sync import account_sync
    from tenant_apps.mail.models import MailActionJob, MailMessage
    from tenant_apps.mail.tests.dovecot import DEFAULT_PASSWORD
    from tenant_apps.mail.tests.messages import simple

    with IMAPClient("127.0.0.1", port=port, ssl=False) as client:
        client.login(account.username, DEFAULT_PASSWORD)
        for number in range(count):
            client.append("INBOX", simple(f"Bulk {number}", message_id=f"<bulk-{number}@bench>"))
    account_sync(account=account)
    ids = list(MailMessage.objects.filter(account=account, folder__name="INBOX").values_list("id", flat=True))
    if len(ids) != count:
        raise RuntimeError(f"synced {len(ids)} of {count} messages")
    job = MailActionJob.objects.create(
        account=account, actor=account.owner, action=Action.DELETE, message_ids=ids, total=len(ids)
    )
    started = time.perf_counter()
    job = action_job_run(job=job)
    elapsed_ms = (time.perf_counter() - started) * 1000
    report = account_sync(account=account)
    left = MailMessage.objects.filter(account=account).count()
    if (job.done, left, report.added, report.removed) != (count, 0, 0, 0):
        raise RuntimeError(f"job done {job.done}, {left} rows left, sync +{report.added} -{report.removed}")
    return elapsed_ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    args = parser.parse_args()

    url = bench_database_url(BENCH_DATABASE)
    database_recreate(url)
    media = Path(tempfile.mkdtemp(prefix="atrium-bench-media-"))
    settings = {"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.dev", "MEDIA_ROOT": str(media)}
    os.environ.update(settings, LOG_LEVEL="WARNING")
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/3")

    import django

    django.setup()
    from django.core.management import call_command
    from django_tenants.utils import schema_context

    from tenant_apps.accounts.models import User
    from tenant_apps.mail.services import mail_account_create
    from tenant_apps.mail.tests.conftest import Mailbox
    from tenant_apps.mail.tests.dovecot import dovecot_start
    from tenants.pool import pool_refill
    from tenants.provisioning import tenant_provision

    dovecot = dovecot_start(users=[BENCH_USER])
    try:
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
        pool_refill(size=1)
        schema = tenant_provision(
            company_name="Bench Actions",
            subdomain="benchactions",
            admin_email="owner@benchactions.test",
            admin_password="x" * 16,
        ).tenant.schema_name
        with schema_context(schema):
            owner = User.objects.get(email="owner@benchactions.test")
            mailbox = Mailbox(dovecot, None, BENCH_USER)
            account = mail_account_create(actor=owner, data=mailbox.account_input(name="Bench"), check=False)
            elapsed_ms = bulk_delete_ms(account=account, port=dovecot.port, count=args.messages)
    finally:
        dovecot.stop()
        shutil.rmtree(media, ignore_errors=True)
        database_recreate(url, create=False)
    print(f"bulk delete of {args.messages} messages: {elapsed_ms:.0f} ms", flush=True)
    print(json.dumps({f"bulk_delete_{args.messages}_ms": round(elapsed_ms, 1), "cpus": os.cpu_count()}))


if __name__ == "__main__":
    main()
