#!/usr/bin/env python3
"""Load on the production shape: nginx (TLS) -> gunicorn with 2 uvicorn workers -> PostgreSQL and Redis, loopback.

Makes a bench-owned database with N companies (owner + members + an API token each), starts the stack from
deploy/ exactly as production renders it (deploy/local_stack.py), then C concurrent clients, each with a
keep-alive TLS connection to one company's host, send a mix of reads and writes through the accounts API for
D seconds (and at most --max-requests in all):

  list     GET    /api/users                 30%
  detail   GET    /api/users/<id>            20%
  search   GET    /api/search?q=<word>       15%   (people by name or email, and mail: the Cmd-K search)
  tokens   GET    /api/tokens                10%
  invites  GET    /api/invitations            5%
  create   POST   /api/tokens + DELETE it    10%   (two requests; the token count stays bounded)
  invite   POST   /api/invitations + DELETE  10%   (two requests; open invitations stay under the plan limit)

Every non-2xx answer and every failed connection counts as an error. Where the CPU went is printed too: CPU
seconds of this process (the load generator), gunicorn, nginx and the bench database's PostgreSQL backends,
against the wall time times the cores, with the machine's load average (other work shares the cores), and how
fast the machine ran plain Python and random memory reads just before and after the load (interpreter_ms and
memory_ms, bench/common.py: on a shared host the second moves, and the requests/s with it). The database and the
Redis keys are removed at the end. Last line: JSON.

Usage: .venv/bin/python bench/load.py [--tenants 20] [--clients 50] [--seconds 60] [--max-requests 200000]
DATABASE_URL / REDIS_URL name the servers (the database itself is bench-owned: atrium_bench_load).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import shutil
import ssl
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from deploy.local_stack import Stack

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    bench_database_url,
    database_drop,
    database_recreate,
    interpreter_speed_ms,
    memory_speed_ms,
    percentile,
)

BENCH_DATABASE = "atrium_bench_load"
CACHE_PREFIX = "atrium-bench-load"
MEMBERS_PER_TENANT = 10
SEARCH_WORDS = ("member", "owner", "member3", "load", "nobody")


@dataclass
class Company:
    hostname: str
    token: str
    user_ids: list[int]


@dataclass
class Results:
    latencies_ms: list[float] = field(default_factory=list)
    by_kind: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    requests: int = 0


def redis_forget() -> None:
    from django_redis import get_redis_connection

    redis = get_redis_connection("default")
    for key in redis.scan_iter(f"{CACHE_PREFIX}*", count=1000):
        redis.delete(key)
    # Invitation emails queued by the run (no worker consumes them here).
    for queue in ("default", "mail", "reports"):
        redis.delete(queue)


def companies_make(count: int, base_domain: str) -> list[Company]:
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django_tenants.utils import schema_context

    from tenant_apps.accounts.models import Role, User
    from tenant_apps.accounts.services import api_token_create
    from tenants.pool import pool_refill
    from tenants.provisioning import tenant_provision

    started = time.perf_counter()
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    password_hash = make_password("bench-password-123")
    companies = []
    for index in range(count):
        pool_refill(size=1)
        subdomain = f"load-{index:02d}"
        provisioned = tenant_provision(
            company_name=f"Load {index}",
            subdomain=subdomain,
            admin_email=f"owner@{subdomain}.test",
            admin_password_hash=password_hash,
        )
        with schema_context(provisioned.tenant.schema_name):
            User.objects.bulk_create(
                User(email=f"member{number}@{subdomain}.test", role=Role.MEMBER, password=password_hash)
                for number in range(MEMBERS_PER_TENANT)
            )
            owner = User.objects.get(email=f"owner@{subdomain}.test")
            _, token = api_token_create(user=owner, name="load")
            user_ids = list(User.objects.values_list("pk", flat=True))
        companies.append(Company(f"{subdomain}.{base_domain}", token, user_ids))
    print(f"setup: {count} companies in {time.perf_counter() - started:.1f} s", flush=True)
    return companies


# --- where the CPU went ----------------------------------------------------------------------------------------


def _process_cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _process_tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, pending = [], [root]
    while pending:
        pid = pending.pop()
        found.append(pid)
        pending += children.get(pid, [])
    return found


def database_backends(url: str) -> list[int]:
    from bench.common import server_connect

    with server_connect(url) as conn:
        name = url.rsplit("/", 1)[1]
        return [pid for (pid,) in conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [name])]


def cpu_snapshot(stack: Stack, url: str) -> dict[str, float]:
    """CPU seconds used so far by each part of the stack (living processes only)."""
    roots = {"gunicorn": stack.web.popen, "nginx": stack.nginx.popen}
    return {
        "load generator": time.process_time(),
        **{
            name: sum(_process_cpu_seconds(pid) for pid in _process_tree(popen.pid)) if popen else 0.0
            for name, popen in roots.items()
        },
        "postgresql": sum(_process_cpu_seconds(pid) for pid in database_backends(url)),
    }


def cpu_used(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {name: after[name] - before.get(name, 0.0) for name in after}


def cpu_report(used: dict[str, float], elapsed: float) -> str:
    cores = os.cpu_count() or 1
    parts = ", ".join(f"{name} {seconds:.1f} s ({seconds / (elapsed * cores):.0%})" for name, seconds in used.items())
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return f"cpu over {elapsed:.0f} s x {cores} cores: {parts}; load average {load}"


# --- the load generator: a small HTTP/1.1 keep-alive client over asyncio TLS streams ---------------------------


class Connection:
    def __init__(self, port: int, company: Company, context: ssl.SSLContext) -> None:
        self.port = port
        self.company = company
        self.context = context
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def _open(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self.reader is None or self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(
                "127.0.0.1", self.port, ssl=self.context, server_hostname=self.company.hostname
            )
        return self.reader, self.writer

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def request(self, method: str, path: str, body: dict[str, object] | None = None) -> tuple[int, bytes]:
        reader, writer = await self._open()
        payload = json.dumps(body).encode() if body is not None else b""
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: {self.company.hostname}:{self.port}\r\n"
            f"Authorization: Bearer {self.company.token}\r\nAccept: application/json\r\n"
        )
        if body is not None:
            head += f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n"
        writer.write(head.encode() + b"\r\n" + payload)
        status_line = await reader.readline()
        if not status_line:
            self.close()
            raise ConnectionError("the server closed the connection")
        status = int(status_line.split()[1])
        length: int | None = None
        chunked = False
        keep_alive = True
        while True:
            line = await reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value.lower():
                chunked = True
            elif name == "connection" and value.strip().lower() == "close":
                keep_alive = False
        if chunked:
            content = b""
            while True:
                size = int((await reader.readline()).split(b";")[0], 16)
                if size == 0:
                    await reader.readline()
                    break
                content += await reader.readexactly(size)
                await reader.readexactly(2)
        else:
            content = await reader.readexactly(length or 0)
        if not keep_alive:
            self.close()
        return status, content


async def client_loop(connection: Connection, deadline: float, results: Results, max_requests: int, seed: int) -> None:
    rng = random.Random(seed)  # noqa: S311 - a workload mix, not a secret
    company = connection.company

    async def timed(kind: str, method: str, path: str, body: dict[str, object] | None = None) -> bytes | None:
        if results.requests >= max_requests or time.monotonic() >= deadline:
            return None
        results.requests += 1
        started = time.perf_counter()
        try:
            status, content = await asyncio.wait_for(connection.request(method, path, body), timeout=10)
        except (TimeoutError, OSError, ConnectionError, asyncio.IncompleteReadError, ValueError) as exc:
            connection.close()
            results.errors[f"{kind}:{type(exc).__name__}"] += 1
            return None
        results.latencies_ms.append((time.perf_counter() - started) * 1000)
        results.by_kind[kind] += 1
        if not 200 <= status < 300:
            results.errors[f"{kind}:{status}"] += 1
            return None
        return content

    while time.monotonic() < deadline and results.requests < max_requests:
        roll = rng.random()
        if roll < 0.30:
            await timed("list", "GET", "/api/users")
        elif roll < 0.50:
            await timed("detail", "GET", f"/api/users/{rng.choice(company.user_ids)}")
        elif roll < 0.65:
            await timed("search", "GET", f"/api/search?q={rng.choice(SEARCH_WORDS)}")
        elif roll < 0.75:
            await timed("tokens", "GET", "/api/tokens")
        elif roll < 0.80:
            await timed("invites", "GET", "/api/invitations")
        elif roll < 0.90:
            created = await timed("create", "POST", "/api/tokens", {"name": f"load-{rng.randrange(10**6)}"})
            if created is not None:
                await timed("revoke", "DELETE", f"/api/tokens/{json.loads(created)['id']}")
        else:
            email = f"invitee-{secrets.token_hex(6)}@example.test"
            created = await timed("invite", "POST", "/api/invitations", {"email": email, "role": "member"})
            if created is not None:
                await timed("uninvite", "DELETE", f"/api/invitations/{json.loads(created)['id']}")
    connection.close()


async def drive(
    port: int, companies: list[Company], context: ssl.SSLContext, clients: int, seconds: float, max_requests: int
) -> tuple[Results, float]:
    results = Results()
    connections = [Connection(port, companies[index % len(companies)], context) for index in range(clients)]
    started = time.monotonic()
    deadline = started + seconds
    await asyncio.gather(
        *(client_loop(connection, deadline, results, max_requests, seed) for seed, connection in enumerate(connections))
    )
    return results, time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=20)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--max-requests", type=int, default=200_000)
    parser.add_argument("--web-workers", type=int, default=2)
    args = parser.parse_args()

    url = bench_database_url(BENCH_DATABASE)
    database_recreate(url)
    base_domain = "localhost"
    env_for_django = {
        "DATABASE_URL": url,
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/7"),
        "CACHE_KEY_PREFIX": CACHE_PREFIX,
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "BASE_DOMAIN": base_domain,
        "LOG_LEVEL": "INFO",
        "LOG_FORMAT": "json",
    }
    os.environ.update(env_for_django)
    os.environ["LOG_LEVEL"] = "WARNING"  # the setup in this process; the web workers log every request

    import django

    django.setup()
    from deploy.local_stack import stack_start, world_readable_directory

    stack = None
    used: dict[str, float] = {}
    speed_before = speed_after = 0.0
    media_root = world_readable_directory("atrium-bench-media-")
    metrics_dir = world_readable_directory("atrium-bench-metrics-")
    try:
        companies = companies_make(args.tenants, base_domain)
        stack = stack_start(
            env={**os.environ, **env_for_django, "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)},
            base_domain=base_domain,
            hostnames=[company.hostname for company in companies],
            web_workers=args.web_workers,
            media_root=media_root,
            nginx_values={"NGINX_WORKER_PROCESSES": "1"},
        )
        context = stack.tls_context()
        print(
            f"stack: nginx :{stack.https_port} -> gunicorn :{stack.web_port} ({args.web_workers} uvicorn workers); "
            f"{args.clients} clients for {args.seconds:.0f} s",
            flush=True,
        )
        # The load generator shares the CPUs with what it measures: uvloop (as uvicorn uses) keeps it lean.
        import uvloop

        speed_before = interpreter_speed_ms()
        memory_before = memory_speed_ms()
        cpu_before = cpu_snapshot(stack, url)
        results, elapsed = uvloop.run(
            drive(stack.https_port, companies, context, args.clients, args.seconds, args.max_requests)
        )
        used = cpu_used(cpu_before, cpu_snapshot(stack, url))
        speed_after = interpreter_speed_ms()
        memory_after = memory_speed_ms()
        print(cpu_report(used, elapsed), flush=True)
        print(
            f"interpreter speed (bench.common.interpreter_speed_ms, lower is faster): {speed_before} ms before, "
            f"{speed_after} ms after; memory speed (bench.common.memory_speed_ms, lower is faster): "
            f"{memory_before} ms before, {memory_after} ms after",
            flush=True,
        )
    finally:
        if stack is not None:
            stack.stop()
            errors_logged = [
                line
                for line in (stack.workdir / "web.log").read_text(errors="replace").splitlines()
                if '"level": "ERROR"' in line or "Traceback" in line or "Error" in line
            ]
            for line in errors_logged[-5:]:
                print(f"web.log: {line[:2000]}")
            nginx_errors = (stack.workdir / "error.log").read_text(errors="replace").splitlines()
            for line in nginx_errors[-5:]:
                print(f"nginx error.log: {line[:500]}")
            shutil.rmtree(stack.workdir, ignore_errors=True)
        shutil.rmtree(media_root, ignore_errors=True)
        shutil.rmtree(metrics_dir, ignore_errors=True)
        from django.db import connections

        connections.close_all()
        redis_forget()
        database_drop(url)

    answered = len(results.latencies_ms)
    for kind, count in sorted(results.by_kind.items()):
        print(f"  {kind:9s} {count:7d}")
    if results.errors:
        print(f"errors: {dict(results.errors)}")
    summary = {
        "rps": round(answered / elapsed, 1),
        "p50_ms": round(percentile(results.latencies_ms, 0.50), 2) if answered else None,
        "p95_ms": round(percentile(results.latencies_ms, 0.95), 2) if answered else None,
        "p99_ms": round(percentile(results.latencies_ms, 0.99), 2) if answered else None,
        "errors": sum(results.errors.values()),
        "requests": answered,
        "seconds": round(elapsed, 1),
        "clients": args.clients,
        "tenants": args.tenants,
        "web_workers": args.web_workers,
        # CPU of the whole stack (web workers, PostgreSQL, nginx, this load generator) per answered request, and
        # how fast this machine ran plain Python before and after: requests/s only compare across machines and
        # days together with these.
        "stack_cpu_ms_per_request": round(1000 * sum(used.values()) / answered, 2) if answered else None,
        "interpreter_ms": [speed_before, speed_after],
        "memory_ms": [memory_before, memory_after],
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
