#!/usr/bin/env python3
"""Mail sync speed: Atrium's IMAP sync into PostgreSQL vs mbsync and offlineimap into a Maildir, one mailbox.

In one run: a private Dovecot (deploy/dovecot/) is filled by APPEND with N realistic messages (plain, HTML,
attachments of 20 KB to 1.5 MB, conversations) and every message is read once (warm caches for all), then
  - Atrium's initial sync of the account (parse, store rows, thread, index, raw and attachments on disk): msgs/s;
    every message must be searchable when it returns,
  - a sync with nothing changed: ms (median of 7),
  - IDLE latency: `manage.py mail_idle` runs as its own process; the time from an APPEND by another client to the
    message being returned by the API (search for a word only it has): ms (median of 5),
  - mbsync (isync, default settings) and offlineimap syncing the same INBOX to a local Maildir: msgs/s.
The last line printed is JSON.

Usage: .venv/bin/python bench/mail_sync.py [--messages 10000]
Needs dovecot-imapd, isync and offlineimap (apt-get install -y dovecot-imapd isync offlineimap).
DATABASE_URL names the PostgreSQL server (the database itself is bench-owned); REDIS_URL the Redis.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.header import Header
from email.utils import format_datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import bench_database_url, database_recreate  # noqa: E402

BENCH_DATABASE = "atrium_bench_mail"
BENCH_USER = "bench@example.test"
PASSWORD = "secret"

WORDS = (
    "the quarterly numbers meeting project deadline invoice customer proposal contract review update schedule "
    "budget team launch product design feedback approve draft release plan support ticket order shipping payment "
    "thanks regards please attached see below question follow call tomorrow friday"
).split()
NAMES = ["Ann Example", "Bob Müller", "Chloé Dubois", "Dan Smith", "Eve Jones", "Frank Wu", "Grace Kim", "Hal Patel"]


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng, rng.randint(6, 16)) for _ in range(rng.randint(2, 8)))


def realistic_message(index: int, rng: random.Random, start: datetime) -> bytes:
    """55% plain text, 25% text+HTML, 20% with an attachment (20 KB to 250 KB, 3% of those 1.5 MB);
    60% of messages belong to conversations of four."""
    sender = rng.choice(NAMES)
    address = sender.split()[0].lower().replace("é", "e") + "@example.org"
    in_thread = rng.random() < 0.6 and index % 4 != 0
    root = index - index % 4
    references = (
        f"References: <m{root}@bench.example>\r\nIn-Reply-To: <m{index - 1}@bench.example>\r\n" if in_thread else ""
    )
    subject = ("Re: " if in_thread else "") + _sentence(rng, rng.randint(3, 7))[:-1]
    head = (
        f"From: {Header(sender, 'utf-8').encode()} <{address}>\r\nTo: Bench <{BENCH_USER}>\r\n"
        f"Cc: {rng.choice(NAMES).split()[0].lower()}@example.com\r\nSubject: {subject}\r\n"
        f"Date: {format_datetime(start + timedelta(minutes=index * 7))}\r\n"
        f"Message-ID: <m{index}@bench.example>\r\n{references}MIME-Version: 1.0\r\n"
    )
    text = "\r\n\r\n".join(_paragraph(rng) for _ in range(rng.randint(2, 12)))
    kind = rng.random()
    if kind < 0.55:
        return (
            head + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + text
        ).encode()
    html = "<html><body>" + "".join(f"<p>{part}</p>" for part in text.split("\r\n\r\n"))
    html += '<img src="https://tracker.example/p.gif"></body></html>'
    alternative = (
        f"--ALT\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n"
        f"--ALT\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{html}\r\n--ALT--\r\n"
    )
    if kind < 0.80:
        return (head + "Content-Type: multipart/alternative; boundary=ALT\r\n\r\n" + alternative).encode()
    size = rng.choice([20_000, 60_000, 120_000, 250_000]) if rng.random() < 0.97 else 1_500_000
    payload = base64.encodebytes(rng.randbytes(size)).decode().replace("\n", "\r\n")
    return (
        head
        + "Content-Type: multipart/mixed; boundary=MIX\r\n\r\n--MIX\r\n"
        + "Content-Type: multipart/alternative; boundary=ALT\r\n\r\n"
        + alternative
        + f'--MIX\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename="file{index}.pdf"\r\n'
        + f"Content-Transfer-Encoding: base64\r\n\r\n{payload}--MIX--\r\n"
    ).encode()


def mailbox_fill(port: int, count: int) -> int:
    from imapclient import IMAPClient

    rng = random.Random(20260301)  # the same mailbox every run
    start = datetime(2025, 1, 1, tzinfo=UTC)
    total_bytes = 0
    with IMAPClient("127.0.0.1", port=port, ssl=False) as client:
        client.login(BENCH_USER, PASSWORD)
        for first in range(0, count, 200):
            batch = [realistic_message(index, rng, start) for index in range(first, min(count, first + 200))]
            total_bytes += sum(len(raw) for raw in batch)
            client.multiappend("INBOX", batch)
    return total_bytes


def server_warm_up(port: int) -> None:
    """Read every message once, so Dovecot's caches and the page cache are warm for every tool measured
    (otherwise whichever runs first pays for them)."""
    from imapclient import IMAPClient

    with IMAPClient("127.0.0.1", port=port, ssl=False) as client:
        client.login(BENCH_USER, PASSWORD)
        client.select_folder("INBOX", readonly=True)
        uids = client.search(["ALL"])
        for first in range(0, len(uids), 500):
            client.fetch(uids[first : first + 500], ["BODY.PEEK[]", "RFC822.SIZE", "FLAGS", "INTERNALDATE"])


def maildir_count(root: Path) -> int:
    return sum(1 for path in root.rglob("*") if path.is_file() and path.parent.name in {"cur", "new"})


def run_mbsync(port: int, work: Path, count: int) -> float:
    local = work / "mbsync"
    local.mkdir()
    config = work / "mbsyncrc"
    config.write_text(
        f"IMAPAccount bench\nHost 127.0.0.1\nPort {port}\nUser {BENCH_USER}\nPass {PASSWORD}\nSSLType None\n"
        "AuthMechs LOGIN\n\nIMAPStore far\nAccount bench\n\n"
        f"MaildirStore near\nPath {local}/\nInbox {local}/INBOX\n\n"
        "Channel bench\nFar :far:INBOX\nNear :near:INBOX\nSync Pull\nCreate Near\nSyncState *\n"
    )
    started = time.perf_counter()
    subprocess.run(["mbsync", "-c", str(config), "-a", "-q"], check=True)
    elapsed = time.perf_counter() - started
    stored = maildir_count(local)
    if stored != count:
        raise RuntimeError(f"mbsync stored {stored} of {count} messages")
    return elapsed


def run_offlineimap(port: int, work: Path, count: int) -> float:
    local = work / "offlineimap"
    local.mkdir()
    config = work / "offlineimaprc"
    config.write_text(
        f"[general]\naccounts = bench\nmetadata = {work / 'offlineimap-meta'}\n\n"
        "[Account bench]\nlocalrepository = local\nremoterepository = remote\n\n"
        f"[Repository local]\ntype = Maildir\nlocalfolders = {local}\n\n"
        f"[Repository remote]\ntype = IMAP\nremotehost = 127.0.0.1\nremoteport = {port}\nremoteuser = {BENCH_USER}\n"
        f"remotepass = {PASSWORD}\nssl = no\nstarttls = no\nreadonly = True\n"
        "folderfilter = lambda folder: folder == 'INBOX'\n"
    )
    started = time.perf_counter()
    subprocess.run(["offlineimap", "-c", str(config), "-o", "-u", "quiet"], check=True)
    elapsed = time.perf_counter() - started
    stored = maildir_count(local)
    if stored != count:
        raise RuntimeError(f"offlineimap stored {stored} of {count} messages")
    return elapsed


def idle_latencies(*, account_id: int, hostname: str, token: str, port: int, rounds: int) -> list[float]:
    """Start mail_idle as its own process; APPEND from another client; poll the API until the message is there."""
    from imapclient import IMAPClient

    from shared_apps.common.testing import api_client

    environment = dict(os.environ)
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "mail_idle", "--refresh", "3600"],
        env=environment,
        stdout=subprocess.PIPE,
        text=True,
    )
    latencies: list[float] = []
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if "inboxes watched" not in line:
            raise RuntimeError(f"mail_idle did not start: {line!r}")
        time.sleep(3)  # its first catch-up sync of the inbox
        client = api_client(hostname)
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        for round_number in range(rounds):
            word = f"idleprobe{round_number}x{secrets.token_hex(4)}"
            raw = f"From: probe@example.org\r\nSubject: {word}\r\nMessage-ID: <{word}@x>\r\n\r\n{word}\r\n".encode()
            with IMAPClient("127.0.0.1", port=port, ssl=False) as other:
                other.login(BENCH_USER, PASSWORD)
                started = time.perf_counter()
                other.append("INBOX", raw)
            deadline = started + 30
            while time.perf_counter() < deadline:
                response = client.get(f"/api/mail/accounts/{account_id}/messages", {"q": word}, **headers)
                if response.status_code == 200 and response.json()["results"]:
                    latencies.append((time.perf_counter() - started) * 1000)
                    break
                time.sleep(0.01)
            else:
                raise RuntimeError(f"the message {word} did not show up within 30 s")
            time.sleep(1)
    finally:
        process.terminate()
        process.wait(timeout=20)
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--idle-rounds", type=int, default=5)
    args = parser.parse_args()

    for tool in ("mbsync", "offlineimap"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is not installed: apt-get install -y isync offlineimap")

    url = bench_database_url(BENCH_DATABASE)
    database_recreate(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/3")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    os.environ["LOG_LEVEL"] = "WARNING"
    media = Path(tempfile.mkdtemp(prefix="atrium-bench-media-"))
    os.environ["MEDIA_ROOT"] = str(media)

    from tenant_apps.mail.tests.dovecot import dovecot_start

    dovecot = dovecot_start(users=[BENCH_USER])
    work = Path(tempfile.mkdtemp(prefix="atrium-bench-mail-"))
    try:
        started = time.perf_counter()
        total_bytes = mailbox_fill(dovecot.port, args.messages)
        print(
            f"filled INBOX: {args.messages} messages, {total_bytes / 1e6:.0f} MB "
            f"in {time.perf_counter() - started:.1f}s",
            flush=True,
        )
        started = time.perf_counter()
        server_warm_up(dovecot.port)
        print(f"warm-up: every message read once in {time.perf_counter() - started:.1f}s", flush=True)
        result = bench_atrium(args, dovecot.port)
        # the INBOX now also holds the IDLE probes
        in_inbox = args.messages + args.idle_rounds
        mbsync_seconds = run_mbsync(dovecot.port, work, in_inbox)
        print(f"mbsync: {in_inbox / mbsync_seconds:.0f} msgs/s", flush=True)
        offlineimap_seconds = run_offlineimap(dovecot.port, work, in_inbox)
        print(f"offlineimap: {in_inbox / offlineimap_seconds:.0f} msgs/s", flush=True)
    finally:
        dovecot.stop()
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(media, ignore_errors=True)
        database_recreate(url, create=False)
    result.update(
        {
            "mbsync_msgs_per_s": round(in_inbox / mbsync_seconds, 1),
            "offlineimap_msgs_per_s": round(in_inbox / offlineimap_seconds, 1),
            "messages": args.messages,
            "mailbox_mb": round(total_bytes / 1e6, 1),
            "cpus": os.cpu_count(),
        }
    )
    print(json.dumps(result))


def bench_atrium(args: argparse.Namespace, port: int) -> dict[str, Any]:
    import django

    django.setup()

    from django.core.management import call_command
    from django_redis import get_redis_connection
    from django_tenants.utils import schema_context

    from tenant_apps.accounts.authentication import TOKEN_PREFIX, token_hash
    from tenant_apps.accounts.models import ApiToken, User
    from tenant_apps.mail import services
    from tenant_apps.mail.imap.sync import AccountSync, parse_pool
    from tenant_apps.mail.models import MailMessage, MailMessageSearch, MailThread
    from tenants.db import connection
    from tenants.pool import pool_refill
    from tenants.provisioning import tenant_provision

    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    pool_refill(size=1)
    provisioned = tenant_provision(
        company_name="Bench Mail", subdomain="benchmail", admin_email="owner@benchmail.test", admin_password="x" * 16
    )
    schema = provisioned.tenant.schema_name
    token = f"{TOKEN_PREFIX}bench-mail-token-{secrets.token_hex(8)}"
    with schema_context(schema):
        owner = User.objects.get(email="owner@benchmail.test")
        ApiToken.objects.create(user=owner, name="bench", prefix=token[:12], key_hash=token_hash(token))
        account = services.mail_account_create(
            actor=owner,
            data=services.AccountInput(
                name="Bench",
                email_address=BENCH_USER,
                username=BENCH_USER,
                password=PASSWORD,
                imap_host="127.0.0.1",
                imap_port=port,
                imap_security="none",
                smtp_host="127.0.0.1",
                smtp_port=1,
                smtp_security="none",
            ),
            check=False,
        )
        pool = parse_pool()  # started before the clock, as in the long-running process that syncs
        if pool is not None:
            list(pool.map(abs, range(8)))
        started = time.perf_counter()
        report = AccountSync(account, executor=pool).run()
        initial_seconds = time.perf_counter() - started
        stored = MailMessage.objects.filter(account=account).count()
        if stored != args.messages or report.added != args.messages:
            raise RuntimeError(f"Atrium stored {stored} of {args.messages} messages")
        # Searchable when the sync returns: the search rows are built within the measured time.
        searchable = MailMessageSearch.objects.filter(message__account=account).count()
        if searchable != args.messages:
            raise RuntimeError(f"only {searchable} of {args.messages} messages are searchable after the sync")
        threads = MailThread.objects.filter(account=account).count()
        print(
            f"atrium initial sync: {args.messages / initial_seconds:.0f} msgs/s ({initial_seconds:.1f}s, "
            f"{threads} threads)",
            flush=True,
        )
        noop_ms = []
        for _ in range(7):
            started = time.perf_counter()
            again = AccountSync(account).run()
            noop_ms.append((time.perf_counter() - started) * 1000)
            if again.added or again.removed or again.flags_changed:
                raise RuntimeError("a sync with nothing changed on the server changed something")
        print(f"atrium no-change sync: {statistics.median(noop_ms):.1f} ms (median of 7)", flush=True)
    connection.set_schema_to_public()
    latencies = idle_latencies(
        account_id=account.pk,
        hostname=provisioned.domain.domain,
        token=token,
        port=port,
        rounds=args.idle_rounds,
    )
    print(f"atrium IDLE latency: {[round(value) for value in latencies]} ms", flush=True)
    get_redis_connection("default").flushdb()
    connection.close()
    return {
        "atrium_msgs_per_s": round(args.messages / initial_seconds, 1),
        "noop_sync_ms": round(statistics.median(noop_ms), 1),
        "idle_latency_ms": round(statistics.median(latencies), 1),
        "atrium_initial_sync_s": round(initial_seconds, 2),
    }


if __name__ == "__main__":
    main()
