#!/usr/bin/env python3
"""CPU milliseconds per request of the web app alone, per kind of request of bench/load.py's mix.

bench/load.py's requests/s depend on whatever else runs on the machine; the CPU one request costs does not (much).
This drives the ASGI application (config.asgi, as the uvicorn workers run it, with production settings, JSON
access logs and multiprocess metrics) in this process, without nginx, TLS or a socket, over a bench-owned
database of a few companies, and prints the process CPU time per request for each kind, plus the queries each
kind makes. With --profile, cProfile's top functions over the whole mix follow.

Usage: .venv/bin/python bench/request_cpu.py [--tenants 2] [--requests 300] [--profile 40]
DATABASE_URL / REDIS_URL name the servers (the database itself is bench-owned: atrium_bench_request_cpu).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    bench_database_url,
    database_drop,
    database_recreate,
    interpreter_speed_ms,
    memory_speed_ms,
)

BENCH_DATABASE = "atrium_bench_request_cpu"
CACHE_PREFIX = "atrium-bench-request-cpu"
KINDS = ("list", "detail", "search", "tokens", "invites", "create+revoke", "invite+uninvite")


class App:
    """Calls the ASGI application the way uvicorn does, for one company's host and API token."""

    def __init__(self, application: Callable[..., Awaitable[None]], hostname: str, token: str) -> None:
        self.application = application
        self.hostname = hostname
        self.token = token

    async def request(self, method: str, path: str, body: dict[str, object] | None = None) -> tuple[int, bytes]:
        payload = json.dumps(body).encode() if body is not None else b""
        raw_path, _, query = path.partition("?")
        headers = [
            (b"host", self.hostname.encode()),
            (b"authorization", f"Bearer {self.token}".encode()),
            (b"accept", b"application/json"),
            (b"x-forwarded-for", b"127.0.0.1"),
            (b"x-forwarded-proto", b"https"),
            (b"x-request-id", secrets.token_hex(16).encode()),
        ]
        if body is not None:
            headers += [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
        scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": raw_path,
            "raw_path": raw_path.encode(),
            "query_string": query.encode(),
            "root_path": "",
            "headers": headers,
            "client": ("127.0.0.1", 40000),
            "server": ("127.0.0.1", 8000),
        }
        sent_body = False
        status = 0
        chunks: list[bytes] = []

        async def receive() -> dict[str, Any]:
            nonlocal sent_body
            if not sent_body:
                sent_body = True
                return {"type": "http.request", "body": payload, "more_body": False}
            await asyncio.sleep(3600)
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.application(scope, receive, send)
        return status, b"".join(chunks)


async def one(app: App, kind: str, user_ids: list[int], number: int) -> int:
    """Runs one request of `kind` (two for the write kinds); returns how many were made. Non-2xx raises."""

    async def checked(method: str, path: str, body: dict[str, object] | None = None) -> bytes:
        status, content = await app.request(method, path, body)
        if not 200 <= status < 300:
            raise RuntimeError(f"{kind}: {method} {path} answered {status}: {content[:300]!r}")
        return content

    if kind == "list":
        await checked("GET", "/api/users")
    elif kind == "detail":
        await checked("GET", f"/api/users/{user_ids[number % len(user_ids)]}")
    elif kind == "search":
        await checked("GET", f"/api/search?q={('member', 'owner', 'member3', 'load', 'nobody')[number % 5]}")
    elif kind == "tokens":
        await checked("GET", "/api/tokens")
    elif kind == "invites":
        await checked("GET", "/api/invitations")
    elif kind == "create+revoke":
        created = json.loads(await checked("POST", "/api/tokens", {"name": f"cpu-{number}"}))
        await checked("DELETE", f"/api/tokens/{created['id']}")
        return 2
    elif kind == "invite+uninvite":
        email = f"invitee-{secrets.token_hex(6)}@example.test"
        created = json.loads(await checked("POST", "/api/invitations", {"email": email, "role": "member"}))
        await checked("DELETE", f"/api/invitations/{created['id']}")
        return 2
    return 1


def queries_per_kind(company: Any) -> dict[str, int]:
    """Queries each kind makes once warm (CaptureQueriesContext needs the request on this thread: a test client)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for kind in KINDS:
        client = Client(
            HTTP_HOST=company.hostname,
            HTTP_AUTHORIZATION=f"Bearer {company.token}",
            HTTP_X_FORWARDED_PROTO="https",
        )

        def run(client: Client = client, kind: str = kind) -> None:
            if kind == "list":
                client.get("/api/users")
            elif kind == "detail":
                client.get(f"/api/users/{company.user_ids[0]}")
            elif kind == "search":
                client.get("/api/search?q=member")
            elif kind == "tokens":
                client.get("/api/tokens")
            elif kind == "invites":
                client.get("/api/invitations")
            elif kind == "create+revoke":
                created = client.post("/api/tokens", {"name": "q"}, content_type="application/json").json()
                client.delete(f"/api/tokens/{created['id']}")
            else:
                email = f"q-{secrets.token_hex(4)}@example.test"
                body = {"email": email, "role": "member"}
                created = client.post("/api/invitations", body, content_type="application/json").json()
                client.delete(f"/api/invitations/{created['id']}")

        run()
        with CaptureQueriesContext(connection) as captured:
            run()
        counts[kind] = len(captured.captured_queries)
        if os.environ.get("REQUEST_CPU_SHOW_QUERIES"):
            for query in captured.captured_queries:
                print(f"    {kind}: {query['sql'][:200]}")
    return counts


async def measure(apps: list[App], companies: list[Any], per_kind: int, rounds: int) -> dict[str, tuple[int, float]]:
    """CPU seconds per kind: the least of `rounds` rounds (other work on the machine only ever adds to it)."""
    for kind in KINDS:
        for number in range(20):  # warm up: imports, caches, connections
            await one(apps[number % len(apps)], kind, companies[number % len(apps)].user_ids, number)
    best: dict[str, tuple[int, float]] = {}
    for _ in range(rounds):
        for kind in KINDS:
            made = 0
            started = time.process_time()
            for number in range(per_kind):
                index = number % len(apps)
                made += await one(apps[index], kind, companies[index].user_ids, number)
            seconds = time.process_time() - started
            if kind not in best or seconds / made < best[kind][1] / best[kind][0]:
                best[kind] = (made, seconds)
    return best


async def mix(apps: list[App], companies: list[Any], count: int) -> int:
    """bench/load.py's mix in its proportions, one request at a time."""
    weights = {"list": 30, "detail": 20, "search": 15, "tokens": 10, "invites": 5}
    plan = [kind for kind, weight in weights.items() for _ in range(weight)]
    plan += ["create+revoke"] * 5 + ["invite+uninvite"] * 5  # 10% each counting both requests
    made = 0
    for number in range(count):
        index = number % len(apps)
        made += await one(apps[index], plan[number % len(plan)], companies[index].user_ids, number)
    return made


async def mix_concurrent(apps: list[App], companies: list[Any], count: int, clients: int) -> tuple[int, float]:
    """The mix from `clients` concurrent clients, as a worker serves it; returns (requests, CPU seconds)."""
    per_client = max(1, count // clients)
    await mix(apps, companies, 50)  # warm up
    started = time.process_time()
    made = await asyncio.gather(*(mix(apps[index % len(apps) :] + apps[: index % len(apps)],
                                      companies[index % len(apps) :] + companies[: index % len(apps)], per_client)
                                  for index in range(clients)))  # fmt: skip
    return sum(made), time.process_time() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=2)
    parser.add_argument("--requests", type=int, default=100, help="requests of each kind in each round")
    parser.add_argument("--rounds", type=int, default=5, help="rounds; the cheapest round of each kind counts")
    parser.add_argument("--profile", type=int, default=0, help="print this many functions of a cProfile run")
    parser.add_argument("--threads", type=int, default=1, help="ASGI_THREADS of the application")
    parser.add_argument(
        "--concurrent", type=int, default=0, help="also run the mix from this many concurrent clients and print its CPU"
    )
    args = parser.parse_args()

    url = bench_database_url(BENCH_DATABASE)
    database_recreate(url)
    metrics_dir = Path(tempfile.mkdtemp(prefix="atrium-request-cpu-metrics-"))
    os.environ.update(
        {
            "DATABASE_URL": url,
            "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/7"),
            "CACHE_KEY_PREFIX": CACHE_PREFIX,
            "DJANGO_SETTINGS_MODULE": "config.settings.prod",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "BASE_DOMAIN": "localhost",
            "LOG_LEVEL": "INFO",
            "LOG_FORMAT": "json",
            "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
            "TRUSTED_PROXY_COUNT": "1",
            "ASGI_THREADS": str(args.threads),
            "DATABASE_POOL_MAX_SIZE": "0",
        }
    )
    # The access log is written as in production (one JSON line per request), to nowhere.
    real_stderr = sys.stderr
    sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - for the whole run

    import django

    django.setup()
    from bench.load import companies_make, redis_forget

    try:
        companies = companies_make(args.tenants, "localhost")
        from config.asgi_handler import SyncChainASGIHandler

        application = SyncChainASGIHandler()
        apps = [App(application, company.hostname, company.token) for company in companies]
        import uvloop

        results = uvloop.run(measure(apps, companies, args.requests, args.rounds))
        total_requests = sum(made for made, _ in results.values())
        total_seconds = sum(seconds for _, seconds in results.values())
        queries = queries_per_kind(companies[0])
        for kind, (made, seconds) in results.items():
            print(f"  {kind:16s} {seconds / made * 1000:6.2f} ms CPU/request  {queries[kind]:3d} queries")
        weights = {"list": 30, "detail": 20, "search": 15, "tokens": 10, "invites": 5, "create+revoke": 10,
                   "invite+uninvite": 10}  # fmt: skip
        mix_ms = sum(results[kind][1] / results[kind][0] * 1000 * weight for kind, weight in weights.items()) / 100
        load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
        print(f"mix (bench/load.py's weights): {mix_ms:.2f} ms CPU/request; load average {load}")
        if args.concurrent:
            made, seconds = uvloop.run(mix_concurrent(apps, companies, args.requests * 10, args.concurrent))
            print(
                f"mix from {args.concurrent} concurrent clients on {args.threads} request threads: "
                f"{seconds / made * 1000:.2f} ms CPU/request over {made} requests; load average {load}"
            )
        # Function calls per request: unlike CPU time, the same however busy the machine is.
        import cProfile
        import pstats

        loop_profiler = cProfile.Profile()
        thread_profilers = [cProfile.Profile() for _ in application._executors]
        for profiler, executor in zip(thread_profilers, application._executors, strict=True):
            executor.submit(profiler.enable).result()
        loop_profiler.enable()
        made = uvloop.run(mix(apps, companies, args.requests * 3))
        loop_profiler.disable()
        for profiler, executor in zip(thread_profilers, application._executors, strict=True):
            executor.submit(profiler.disable).result()
        stats = pstats.Stats(loop_profiler, *thread_profilers, stream=sys.stdout)
        calls_per_request = stats.total_calls / made  # type: ignore[attr-defined]
        print(f"mix: {calls_per_request:.0f} Python function calls/request (cProfile over {made} requests)")
        if args.profile:
            stats.sort_stats(os.environ.get("REQUEST_CPU_SORT", "cumulative")).print_stats(args.profile)
        summary = {
            "mix_cpu_ms": round(mix_ms, 2),
            "mix_calls": round(calls_per_request),
            **{f"{kind}_cpu_ms": round(seconds / made * 1000, 2) for kind, (made, seconds) in results.items()},
            "requests": total_requests,
            "cpu_seconds": round(total_seconds, 2),
            # How fast the machine ran plain Python meanwhile (bench/common.py): CPU ms compare across runs with it.
            "interpreter_ms": interpreter_speed_ms(),
            "memory_ms": memory_speed_ms(),
        }
    finally:
        from django.db import connections

        connections.close_all()
        redis_forget()
        database_drop(url)
        shutil.rmtree(metrics_dir, ignore_errors=True)
        sys.stderr = real_stderr
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
