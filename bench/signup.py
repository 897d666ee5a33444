#!/usr/bin/env python3
"""Signup speed: the whole public signup call, and the subdomain availability check, through the full Django stack.

Creates a scratch database, migrates it, then in one run:
  - N signups, each one POST /api/signup on the public host (validation, the owner's Argon2 hash with the
    production hasher, the spare-schema rename, tenant, domain, owner, billing trial and signup rows, and the
    verification email queued on commit). The spare pool is refilled between signups, untimed, as the
    background task does in production.
  - M availability checks, GET /api/subdomains/availability (rate limit in Redis plus one query).
Requests go through Django's handler in-process (no HTTP server, no network). The last line printed is JSON.

Usage: .venv/bin/python bench/signup.py [--signups 30] [--checks 300]
DATABASE_URL and REDIS_URL name the servers; the database itself (atrium_bench_signup) is bench-owned, and the
Redis database given is flushed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import bench_database_url, database_drop, database_recreate, percentile  # noqa: E402

BENCH_DATABASE = "atrium_bench_signup"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--signups", type=int, default=30)
    parser.add_argument("--checks", type=int, default=300)
    args = parser.parse_args()

    url = bench_database_url(BENCH_DATABASE)
    database_recreate(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/5")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    os.environ["LOG_LEVEL"] = "WARNING"
    # One client address makes every request here; the throttles are measured, not tripped.
    os.environ["SIGNUP_RATE_LIMIT_PER_IP"] = os.environ["SIGNUP_RATE_LIMIT_PER_EMAIL"] = "1000000"
    os.environ["SUBDOMAIN_CHECK_RATE_LIMIT_PER_MINUTE"] = "1000000"

    import django

    django.setup()

    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django_redis import get_redis_connection

    from tenants.db import connection
    from tenants.pool import pool_refill

    get_redis_connection("default").flushdb()
    started = time.perf_counter()
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    pool_refill(size=1)
    print(f"setup: public and template migrated in {time.perf_counter() - started:.1f}s", flush=True)
    client = Client(HTTP_HOST=settings.BASE_DOMAIN)

    signup_ms: list[float] = []
    for index in range(args.signups):
        pool_refill(size=1)  # production refills in the background; not part of the signup
        subdomain = f"bench-{index:03d}"
        t0 = time.perf_counter()
        response = client.post(
            "/api/signup",
            {
                "company_name": f"Bench {index}",
                "subdomain": subdomain,
                "email": f"owner@{subdomain}.test",
                "password": "bench-founder-passphrase",
            },
            content_type="application/json",
        )
        signup_ms.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 201, response.content
        print(f"signup {subdomain}: {signup_ms[-1]:.1f} ms", flush=True)

    check_ms: list[float] = []
    for index in range(args.checks):
        t0 = time.perf_counter()
        response = client.get("/api/subdomains/availability", {"subdomain": f"wanted-{index % 50}"})
        check_ms.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, response.content
    print(f"availability: {args.checks} checks", flush=True)

    result = {
        "signup_p50_ms": round(statistics.median(signup_ms), 2),
        "signup_p95_ms": round(percentile(signup_ms, 0.95), 2),
        "availability_p95_ms": round(percentile(check_ms, 0.95), 2),
        "availability_p50_ms": round(statistics.median(check_ms), 2),
        "signups": args.signups,
        "checks": args.checks,
    }
    get_redis_connection("default").flushdb()
    connection.close()
    database_drop(url)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
