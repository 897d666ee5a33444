#!/usr/bin/env python3
"""Frontend speed in headless Chromium: time to interactive of the portal's dashboard, and the JavaScript the
first page load fetches (gzipped).

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
    args = parser.parse_args()

    node = shutil.which("node")
    if node is None or not Path("/usr/bin/chromium").exists():
        print("error: needs Node.js and /usr/bin/chromium (apt-get install -y chromium)", file=sys.stderr)
        return 1
    build = subprocess.run([sys.executable, str(ROOT / "frontend" / "scripts" / "build.py")], check=False)  # noqa: S603
    if build.returncode != 0:
        return 1

    password = secrets.token_urlsafe(16)
    base_domain = "localhost"
    env_for_django = {
        "DATABASE_URL": bench_database_url(BENCH_DATABASE),
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/7"),
        "CACHE_KEY_PREFIX": CACHE_PREFIX,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "BASE_DOMAIN": base_domain,
        "LOG_LEVEL": "WARNING",
        "LOG_FORMAT": "json",
    }
    os.environ.update(env_for_django)
    database_set(create=True)

    import django

    django.setup()
    from deploy.local_stack import Process, StackError, port_free, wait_for_port

    web = None
    workdir = Path(tempfile.mkdtemp(prefix="atrium-bench-frontend-"))
    try:
        company_make(password)
        port = port_free()
        web = Process(
            "gunicorn",
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py")],
            {**os.environ, **env_for_django, "WEB_BIND": f"127.0.0.1:{port}", "WEB_WORKERS": "2",
             "PUBLIC_URL_PORT": str(port), "MEDIA_ROOT": str(workdir / "media")},
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
        shutil.rmtree(workdir, ignore_errors=True)
        from django.db import connections

        connections.close_all()
        database_set(create=False)

    samples = [float(value) for value in result["samples_ms"]]
    scripts = [script["path"] for script in result["scripts"]]
    js_kb = gzipped_kb(scripts, ROOT / "frontend" / "out")
    transferred_kb = sum(int(script["transferred"]) for script in result["scripts"]) / 1024
    print(f"dashboard ready (ms), cold cache: {', '.join(f'{value:.0f}' for value in samples)}")
    print(
        f"dashboard TTI median {statistics.median(samples):.0f} ms, p90 {percentile(samples, 0.9):.0f} ms "
        f"(target < {TARGET_TTI_MS}); first-load JS {len(scripts)} files, {js_kb:.1f} KB gzipped "
        f"({transferred_kb:.1f} KB as served, uncompressed; target < {TARGET_JS_KB} KB)"
    )
    print("inbox TTI: null (the mail client is not built yet)")
    print(
        json.dumps(
            {
                "dashboard_tti_ms": round(statistics.median(samples)),
                "inbox_tti_ms": None,
                "first_load_js_kb": round(js_kb, 1),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
