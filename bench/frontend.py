#!/usr/bin/env python3
"""Frontend speed in headless Chromium: time to interactive of the portal's dashboard and of the mail client's
inbox with 10,000 synced messages, and the JavaScript the first page load fetches (gzipped).

Served as `dev.py up` serves it: gunicorn with uvicorn workers (deploy/gunicorn.conf.py), the development
settings, the static export (frontend/out) from Django's catch-all view and /api from the API, against a scratch
database with one company. (Production's nginx serves the files faster, but its Content-Security-Policy,
script-src 'self', blocks the inline scripts of the Next.js export for now.) Each run is a cold cache (a new
browser context that signs in through the API, then opens "/"); ready means React has hydrated and the
dashboard shows the data of its four API calls (the mail chart included). The inbox's figure needs the mail
client, which does not exist yet: it is printed as null. There is no peer to compare with; the targets are
< 1500 ms and < 250 KB.

Usage: .venv/bin/python bench/frontend.py [--runs 7]
DATABASE_URL and REDIS_URL name the servers; the database (atrium_bench_frontend) is bench-owned.
Needs Chromium (/usr/bin/chromium) and Node.js; builds the frontend when it changed. Last line: JSON.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import bench_database_url, database_recreate, percentile  # noqa: E402

BENCH_DATABASE = "atrium_bench_frontend"
CACHE_PREFIX = "atrium-bench-frontend"
SUBDOMAIN = "bench"
OWNER_EMAIL = "owner@bench.test"
TARGET_TTI_MS = 1500
TARGET_JS_KB = 250


def database_set(*, create: bool) -> None:
    database_recreate(bench_database_url(BENCH_DATABASE), create=create)


def company_make(password: str) -> None:
    from django.core.management import call_command

    from tenants.pool import pool_refill
    from tenants.provisioning import tenant_provision

    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    pool_refill(size=1)
    tenant_provision(
        company_name="Bench Industries",
        subdomain=SUBDOMAIN,
        admin_email=OWNER_EMAIL,
        admin_password=password,
        admin_full_name="Bea Bench",
    )


def inbox_fill(dovecot_port: int, messages: int) -> int:
    """The owner's mailbox on the bench Dovecot, synced into the company by the sync task itself."""
    from django_tenants.utils import schema_context

    from bench.mail_sync import BENCH_USER, PASSWORD, mailbox_fill
    from config.celery import app
    from tenant_apps.accounts.models import User
    from tenant_apps.mail import services
    from tenant_apps.mail.models import MailAccount, MailMessage
    from tenants.models import Tenant

    mailbox_fill(dovecot_port, messages)
    # The account's first sync is queued on commit; here it runs at once, in this process, as the worker would.
    app.conf.task_always_eager = True
    tenant = Tenant.objects.get(domains__domain=f"{SUBDOMAIN}.localhost")
    with schema_context(tenant.schema_name):
        owner = User.objects.get(email=OWNER_EMAIL)
        services.mail_account_create(
            actor=owner,
            data=services.AccountInput(
                name="Bench", email_address=BENCH_USER, username=BENCH_USER, password=PASSWORD,
                imap_host="127.0.0.1", imap_port=dovecot_port, imap_security="none",
                smtp_host="127.0.0.1", smtp_port=1, smtp_security="none",
            ),
            check=False,
        )  # fmt: skip
        account = MailAccount.objects.get(email_address=BENCH_USER)
        return MailMessage.objects.filter(account=account).count()


def gzipped_kb(paths: list[str], root: Path) -> float:
    total = 0
    for path in paths:
        file = (root / path.lstrip("/")).resolve()
        if file.is_relative_to(root.resolve()) and file.is_file():
            total += len(gzip.compress(file.read_bytes(), compresslevel=6))
    return total / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--messages", type=int, default=10_000)
    args = parser.parse_args()

    node = shutil.which("node")
    if node is None or not Path("/usr/bin/chromium").exists():
        print("error: needs Node.js and /usr/bin/chromium (apt-get install -y chromium)", file=sys.stderr)
        return 1
    build = subprocess.run([sys.executable, str(ROOT / "frontend" / "scripts" / "build.py")], check=False)  # noqa: S603
    if build.returncode != 0:
        return 1

    password = secrets.token_urlsafe(16)
    workdir = Path(tempfile.mkdtemp(prefix="atrium-bench-frontend-"))
    base_domain = "localhost"
    env_for_django = {
        "DATABASE_URL": bench_database_url(BENCH_DATABASE),
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/7"),
        "CACHE_KEY_PREFIX": CACHE_PREFIX,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "BASE_DOMAIN": base_domain,
        "LOG_LEVEL": "WARNING",
        "LOG_FORMAT": "json",
        "MEDIA_ROOT": str(workdir / "media"),
    }
    os.environ.update(env_for_django)
    database_set(create=True)

    import django

    django.setup()
    from deploy.local_stack import Process, StackError, port_free, wait_for_port
    from tenant_apps.mail.tests.dovecot import dovecot_start

    web = None
    dovecot = dovecot_start(users=["bench@example.test"])
    try:
        company_make(password)
        started = time.perf_counter()
        stored = inbox_fill(dovecot.port, args.messages)
        if stored != args.messages:
            print(f"error: the sync stored {stored} of {args.messages} messages", file=sys.stderr)
            return 1
        print(f"inbox: {stored} messages appended and synced in {time.perf_counter() - started:.0f} s", flush=True)
        port = port_free()
        web = Process(
            "gunicorn",
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py")],
            {**os.environ, **env_for_django, "WEB_BIND": f"127.0.0.1:{port}", "WEB_WORKERS": "2",
             "PUBLIC_URL_PORT": str(port)},
            workdir / "web.log",
        )  # fmt: skip
        web.start()
        try:
            wait_for_port(port, web)
        except StackError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        origin = f"http://{SUBDOMAIN}.{base_domain}:{port}"
        print(f"stack: gunicorn :{port} (2 uvicorn workers: export and API); {args.runs} runs", flush=True)
        measured = subprocess.run(  # noqa: S603 - our own script
            [node, "bench/tti.mjs"],
            cwd=ROOT / "frontend",
            env={**os.environ, "PORTAL_ORIGIN": origin, "PORTAL_EMAIL": OWNER_EMAIL, "PORTAL_PASSWORD": password,
                 "RUNS": str(args.runs)},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )  # fmt: skip
        if measured.returncode != 0:
            print(measured.stdout, measured.stderr, file=sys.stderr)
            return 1
        result = json.loads(measured.stdout.strip().splitlines()[-1])
    finally:
        if web is not None:
            web.stop()
        dovecot.stop()
        shutil.rmtree(workdir, ignore_errors=True)
        from django.db import connections

        connections.close_all()
        database_set(create=False)

    samples = [float(value) for value in result["samples_ms"]]
    inbox_samples = [float(value) for value in result["inbox_samples_ms"]]
    inbox_js_kb = gzipped_kb([script["path"] for script in result["inbox_scripts"]], ROOT / "frontend" / "out")
    scripts = [script["path"] for script in result["scripts"]]
    js_kb = gzipped_kb(scripts, ROOT / "frontend" / "out")
    transferred_kb = sum(int(script["transferred"]) for script in result["scripts"]) / 1024
    print(f"dashboard ready (ms), cold cache: {', '.join(f'{value:.0f}' for value in samples)}")
    print(
        f"dashboard TTI median {statistics.median(samples):.0f} ms, p90 {percentile(samples, 0.9):.0f} ms "
        f"(target < {TARGET_TTI_MS}); first-load JS {len(scripts)} files, {js_kb:.1f} KB gzipped "
        f"({transferred_kb:.1f} KB as served, uncompressed; target < {TARGET_JS_KB} KB)"
    )
    inbox_list = ", ".join(f"{value:.0f}" for value in inbox_samples)
    print(f"inbox ready (ms), cold cache, {args.messages} messages: {inbox_list}")
    print(
        f"inbox TTI median {statistics.median(inbox_samples):.0f} ms, p90 {percentile(inbox_samples, 0.9):.0f} ms "
        f"(target < {TARGET_TTI_MS}); first-load JS of /mail {inbox_js_kb:.1f} KB gzipped (target < {TARGET_JS_KB} KB)"
    )
    print(
        json.dumps(
            {
                "dashboard_tti_ms": round(statistics.median(samples)),
                "inbox_tti_ms": round(statistics.median(inbox_samples)),
                "first_load_js_kb": round(js_kb, 1),
                "inbox_first_load_js_kb": round(inbox_js_kb, 1),
                "inbox_messages": args.messages,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
