#!/usr/bin/env python3
"""Signup speed: Atrium's provisioning (spare schema rename) vs django-tenants' migrate-on-create.

Creates a scratch database, migrates it, then in one run:
  - N tenants through tenants.provisioning.tenant_provision, the spare pool refilled between (untimed),
  - M tenants through django-tenants' own path (Tenant.save() with auto_create_schema, then the Domain row).
Both are timed from the call to a schema ready for use, tenant and domain rows and the owner included; the
owner's password hash is made beforehand on both sides. The last line printed is JSON.

Usage: .venv/bin/python bench/provision.py [--tenants 30] [--migrate 3]
DATABASE_URL and REDIS_URL name the servers (defaults: 127.0.0.1); the database itself is bench-owned.
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

BENCH_DATABASE = "atrium_bench"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=30, help="tenants through Atrium's provisioning")
    parser.add_argument("--migrate", type=int, default=3, help="tenants through django-tenants' migrate path")
    args = parser.parse_args()

    url = bench_database_url(BENCH_DATABASE)
    database_recreate(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/12")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    os.environ["LOG_LEVEL"] = "WARNING"

    import django

    django.setup()

    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django_redis import get_redis_connection
    from django_tenants.utils import schema_context

    from tenant_apps.accounts.models import Role, User
    from tenants.db import connection
    from tenants.models import Domain, Tenant
    from tenants.pool import pool_refill
    from tenants.provisioning import tenant_provision
    from tenants.schemas import schema_table_count

    get_redis_connection("default").flushdb()
    started = time.perf_counter()
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    pool_refill(size=1)
    print(f"setup: public and template migrated in {time.perf_counter() - started:.1f}s", flush=True)
    password_hash = make_password("bench-password-123")

    provision_ms: list[float] = []
    sources: dict[str, int] = {}
    for index in range(args.tenants):
        pool_refill(size=1)  # production refills in the background; not part of the signup
        subdomain = f"bench-{index:03d}"
        t0 = time.perf_counter()
        result = tenant_provision(
            company_name=f"Bench {index}",
            subdomain=subdomain,
            admin_email=f"owner@{subdomain}.test",
            admin_password_hash=password_hash,
        )
        provision_ms.append((time.perf_counter() - t0) * 1000)
        sources[result.schema_source] = sources.get(result.schema_source, 0) + 1
        print(f"provision {subdomain}: {provision_ms[-1]:.1f} ms ({result.schema_source})", flush=True)

    migrate_ms: list[float] = []
    for index in range(args.migrate):
        name = f"migrated_{index:03d}"
        connection.set_schema_to_public()
        t0 = time.perf_counter()
        tenant = Tenant(schema_name=name, name=f"Migrated {index}")
        tenant.auto_create_schema = True  # django-tenants' own path: CREATE SCHEMA + migrate_schemas
        tenant.save(verbosity=0)
        Domain.objects.create(domain=f"migrated-{index:03d}.localhost", tenant=tenant, is_primary=True)
        with schema_context(name):
            User.objects.create(email=f"owner@{name}.test", role=Role.OWNER, password=password_hash)
        migrate_ms.append((time.perf_counter() - t0) * 1000)
        print(f"migrate-on-create {name}: {migrate_ms[-1]:.1f} ms", flush=True)

    tables = schema_table_count("bench_000")
    provision_p50 = statistics.median(provision_ms)
    migrate_p50 = statistics.median(migrate_ms) if migrate_ms else 0.0
    result_json = {
        "provision_p50_ms": round(provision_p50, 2),
        "provision_p95_ms": round(percentile(provision_ms, 0.95), 2),
        "provision_max_ms": round(max(provision_ms), 2),
        "migrate_p50_ms": round(migrate_p50, 2),
        "ratio": round(migrate_p50 / provision_p50, 1) if provision_p50 else None,
        "tables_per_tenant": tables,
        "tenants_provisioned": args.tenants,
        "tenants_migrated": args.migrate,
        "schema_sources": sources,
    }
    get_redis_connection("default").flushdb()
    connection.close()
    database_drop(url)
    print(json.dumps(result_json))


if __name__ == "__main__":
    main()
