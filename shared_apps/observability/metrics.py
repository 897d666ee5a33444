"""Prometheus metrics of the web and Celery processes.

With PROMETHEUS_MULTIPROC_DIR set (gunicorn with several workers, Celery's prefork pool) every process writes
its values to files in that directory and /metrics adds them up; without it the process's own registry is used.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest, multiprocess
from prometheus_client.registry import REGISTRY

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
TASK_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0)

http_requests = Counter(
    "atrium_http_requests_total", "HTTP requests answered, by URL route and status.", ["method", "route", "status"]
)
http_request_duration = Histogram(
    "atrium_http_request_duration_seconds",
    "Time from the request reaching Django to the response leaving it, by URL route.",
    ["method", "route"],
    buckets=LATENCY_BUCKETS,
)
tenant_requests = Counter("atrium_tenant_requests_total", "HTTP requests answered, by tenant schema.", ["tenant"])
celery_tasks = Counter(
    "atrium_celery_tasks_total", "Celery tasks finished, by task name and outcome.", ["task", "outcome"]
)
celery_task_failures = Counter("atrium_celery_task_failures_total", "Celery tasks that raised.", ["task"])
celery_task_duration = Histogram(
    "atrium_celery_task_duration_seconds", "Run time of Celery tasks.", ["task"], buckets=TASK_BUCKETS
)
# Set by the mail sync for each account: seconds between now and the newest change it has caught up with.
mail_sync_lag = Gauge(
    "atrium_mail_sync_lag_seconds",
    "How far a mail account's sync is behind its server.",
    ["tenant", "account"],
    multiprocess_mode="mostrecent",
)


def multiprocess_dir() -> str:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")


def metrics_server_start(port: int, *, fresh: bool = True) -> None:
    """Serve /metrics of this process and its children on `port` (Celery workers, the IDLE listener).

    Those processes have no Django web server; Prometheus scrapes them on the internal network. `fresh`
    empties the multiprocess directory first, so a restarted process does not add its predecessor's counts.
    """
    from prometheus_client import start_http_server

    directory = multiprocess_dir()
    if directory:
        path = Path(directory)
        if fresh and path.exists():
            shutil.rmtree(path)
        path.mkdir(parents=True, exist_ok=True)
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        start_http_server(port, registry=registry)
    else:
        start_http_server(port)


def metrics_exposition() -> bytes:
    """The text exposition of every metric, summed over all processes in multiprocess mode."""
    if multiprocess_dir():
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(REGISTRY)
