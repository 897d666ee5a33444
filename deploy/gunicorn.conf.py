"""gunicorn for Atrium: uvicorn workers serving config.asgi, every knob from the environment.

    gunicorn -c deploy/gunicorn.conf.py

WEB_BIND            address to listen on (0.0.0.0:8000; a fixed port: every worker listens on it, config/web_worker.py)
WEB_REUSE_PORT      1: each worker has its own listener on WEB_BIND (SO_REUSEPORT), so connections spread evenly
                    over the workers; 0: gunicorn's one shared listener (the busiest worker takes most of them)
WEB_WORKERS         worker processes (2 per core)
WEB_TIMEOUT         seconds a worker may stay silent before it is killed and replaced (30)
WEB_GRACEFUL_TIMEOUT seconds in-flight requests get to finish after SIGTERM or a reload (30)
WEB_KEEPALIVE       seconds an idle upstream connection from nginx is kept (75; above nginx's 60)
WEB_MAX_REQUESTS    requests after which a worker is replaced, with jitter (0: never)
ASGI_THREADS        long-lived threads per worker running requests' synchronous part (4; config/asgi_handler.py)
FORWARDED_ALLOW_IPS proxies whose X-Forwarded-For/-Proto are believed (127.0.0.1; in Compose the nginx network)
PROMETHEUS_MULTIPROC_DIR  directory for the metrics of all workers; emptied when gunicorn starts
WEB_DATABASE_POOL_MAX_SIZE PostgreSQL connections per worker from psycopg's pool (0: one persistent per thread)
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be an integer, got {raw!r}") from None


# Each request runs on one of ASGI_THREADS long-lived threads (config/asgi_handler.py), and each thread keeps its
# PostgreSQL connection for DATABASE_CONN_MAX_AGE seconds: ASGI_THREADS connections per worker, no pool to pass
# through. WEB_DATABASE_POOL_MAX_SIZE > 0 puts psycopg's pool in between instead (config/env.py).
os.environ["DATABASE_POOL_MAX_SIZE"] = os.environ.get("WEB_DATABASE_POOL_MAX_SIZE", "0")
os.environ["ASGI_THREADS"] = str(_int("ASGI_THREADS", 4))

wsgi_app = "config.asgi:application"
if os.environ.get("WEB_REUSE_PORT", "1").strip() != "0":
    # Every worker opens its own listener on WEB_BIND; gunicorn's must be elsewhere (config/web_worker.py says why).
    worker_class = "config.web_worker.ReusePortUvicornWorker"
    bind = [f"unix:{tempfile.gettempdir()}/atrium-web-{os.getpid()}.sock"]
else:
    worker_class = "uvicorn_worker.UvicornWorker"
    bind = [os.environ.get("WEB_BIND", "0.0.0.0:8000")]
workers = _int("WEB_WORKERS", 2 * (os.cpu_count() or 1))
timeout = _int("WEB_TIMEOUT", 30)
graceful_timeout = _int("WEB_GRACEFUL_TIMEOUT", 30)
keepalive = _int("WEB_KEEPALIVE", 75)
max_requests = _int("WEB_MAX_REQUESTS", 0)
max_requests_jitter = max_requests // 10
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Django's middleware writes one JSON access line per request (with tenant and user); gunicorn's would repeat it.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# No preload: each worker opens its own PostgreSQL and Redis connections after the fork.
preload_app = False
proc_name = "atrium-web"
# gunicorn 27's control socket lives at one path per user: several gunicorns on one host would fight over it.
control_socket_disable = True


def on_starting(server: Any) -> None:
    """Metrics files of a previous run would be added to this run's counters: start from an empty directory."""
    if worker_class == "config.web_worker.ReusePortUvicornWorker":
        # The workers bind WEB_BIND themselves: refuse here, as gunicorn's own bind would, if it is taken.
        from config.web_worker import DEFAULT_BIND, address_free_ensure

        address_free_ensure(os.environ.get("WEB_BIND", "").strip() or DEFAULT_BIND)
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
    if directory:
        path = Path(directory)
        if path.exists():
            shutil.rmtree(path)
        path.mkdir(parents=True)


def child_exit(server: Any, worker: Any) -> None:
    """A replaced worker's live gauges must not be reported any more."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
