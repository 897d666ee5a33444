"""Celery: each task runs with a log context (its id, the request id that queued it, its tenant) and is measured.

The request id travels in a message header set when the task is published from inside a request or task.
"""

from __future__ import annotations

import os
import time
from typing import Any

from celery import signals

from shared_apps.observability import metrics
from shared_apps.observability.context import context_begin, context_current, context_end

REQUEST_ID_HEADER = "atrium_request_id"
_started: dict[str, float] = {}


def _publish(headers: dict[str, Any] | None = None, **_: Any) -> None:
    context = context_current()
    if headers is not None and context is not None and context.request_id:
        headers.setdefault(REQUEST_ID_HEADER, context.request_id)


def _prerun(task_id: str = "", task: Any = None, **_: Any) -> None:
    request = getattr(task, "request", None)
    request_id = getattr(request, "atrium_request_id", None) or (getattr(request, "headers", None) or {}).get(
        REQUEST_ID_HEADER
    )
    # tenant-schemas-celery has set the connection to the task's schema; the log filter reads it from there.
    context_begin(request_id=str(request_id or task_id))
    _started[task_id] = time.perf_counter()


def _postrun(task_id: str = "", task: Any = None, state: str | None = None, **_: Any) -> None:
    name = getattr(task, "name", "unknown")
    started = _started.pop(task_id, None)
    if started is not None:
        metrics.celery_task_duration.labels(task=name).observe(time.perf_counter() - started)
    metrics.celery_tasks.labels(task=name, outcome=(state or "UNKNOWN").lower()).inc()
    context_end()


def _failure(sender: Any = None, **_: Any) -> None:
    metrics.celery_task_failures.labels(task=getattr(sender, "name", "unknown")).inc()


def _worker_init(**_: Any) -> None:
    # Runs in the worker's main process before the pool forks: children write to the multiprocess directory.
    port = os.environ.get("CELERY_METRICS_PORT", "")
    if port:
        metrics.metrics_server_start(int(port))


def connect() -> None:
    signals.worker_init.connect(_worker_init, weak=False, dispatch_uid="atrium-obs-worker-init")
    signals.before_task_publish.connect(_publish, weak=False, dispatch_uid="atrium-obs-publish")
    signals.task_prerun.connect(_prerun, weak=False, dispatch_uid="atrium-obs-prerun")
    signals.task_postrun.connect(_postrun, weak=False, dispatch_uid="atrium-obs-postrun")
    signals.task_failure.connect(_failure, weak=False, dispatch_uid="atrium-obs-failure")
