#!/usr/bin/env python3
"""The Mail II figures in one run: send p50 (queue to accepted by SMTP and filed in Sent), bulk delete of 1,000
messages, draft save p50 (save + APPEND + removal of the old copy), all against a private Dovecot and an
in-process SMTP server. The measurements themselves are bench/mail_send.py's and bench/mail_bulk_delete.py's.
The last line printed is JSON with send_p50_ms, bulk_delete_1000_ms and draft_save_p50_ms.

Usage: .venv/bin/python bench/mail_actions.py [--messages 50] [--bulk 1000]
Needs dovecot-imapd. DATABASE_URL names the PostgreSQL server (the database itself is bench-owned).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import bench_database_url, database_recreate  # noqa: E402
from bench.mail_bulk_delete import bulk_delete_ms  # noqa: E402
from bench.mail_send import draft_save_p50_ms, send_p50_ms  # noqa: E402

BENCH_DATABASE = "atrium_bench_mail_ii"
SEND_USER = "sender@example.test"
BULK_USER = "bulk@example.test"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=50, help="sends and draft saves measured")
    parser.add_argument("--bulk", type=int, default=1000, help="messages deleted in one bulk job")
    args = parser.parse_args()

    url = bench_database_url(BENCH_DATABASE)
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

    dovecot = dovecot_start(users=[SEND_USER, BULK_USER])
    smtp = SmtpAuthServer()
    smtp.users[SEND_USER] = DEFAULT_PASSWORD
    smtp.controller.start()
    try:
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
        pool_refill(size=1)
        schema = tenant_provision(
            company_name="Bench Mail II",
            subdomain="benchmail",
            admin_email="owner@benchmail.test",
            admin_password="x" * 16,
        ).tenant.schema_name
        with schema_context(schema):
            owner = User.objects.get(email="owner@benchmail.test")
            sender = mail_account_create(
                actor=owner, data=Mailbox(dovecot, smtp, SEND_USER).account_input(name="Send"), check=False
            )
            bulk = mail_account_create(
                actor=owner, data=Mailbox(dovecot, None, BULK_USER).account_input(name="Bulk"), check=False
            )
            send_ms = send_p50_ms(account=sender, smtp=smtp, port=dovecot.port, count=args.messages)
            draft_ms = draft_save_p50_ms(account=sender, port=dovecot.port, count=args.messages)
            delete_ms = bulk_delete_ms(account=bulk, port=dovecot.port, count=args.bulk)
    finally:
        smtp.controller.stop()
        dovecot.stop()
        shutil.rmtree(media, ignore_errors=True)
        database_recreate(url, create=False)
    print(f"send (queue to Sent copy), p50 of {args.messages}: {send_ms:.1f} ms", flush=True)
    print(f"draft save (save + APPEND + old copy expunged), p50 of {args.messages}: {draft_ms:.1f} ms")
    print(f"bulk delete of {args.bulk} messages: {delete_ms:.0f} ms")
    print(
        json.dumps(
            {
                "send_p50_ms": round(send_ms, 1),
                f"bulk_delete_{args.bulk}_ms": round(delete_ms, 1),
                "draft_save_p50_ms": round(draft_ms, 1),
                "cpus": os.cpu_count(),
            }
        )
    )


if __name__ == "__main__":
    main()
