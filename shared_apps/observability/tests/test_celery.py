"""A task logs with the request id that queued it and its tenant's schema, and is counted, on a real worker."""

from __future__ import annotations

import logging
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django_tenants.utils import schema_context
from prometheus_client import REGISTRY

from config.celery import app
from shared_apps.observability.context import context_begin, context_end

logger = logging.getLogger("tests.observability")


@app.task(name="tests.observability.say")
def say(text: str) -> None:
    logger.info("task says %s", text)


@app.task(name="tests.observability.fail")
def fail() -> None:
    raise RuntimeError("this task always fails")


def _sample(name: str, labels: dict[str, str]) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def _wait(condition, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.django_db(transaction=False)
def test_task_lines_carry_request_id_and_tenant_and_tasks_are_measured(acme, json_lines):
    succeeded = _sample("atrium_celery_tasks_total", {"task": "tests.observability.say", "outcome": "success"})
    failures = _sample("atrium_celery_task_failures_total", {"task": "tests.observability.fail"})
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        context_begin(request_id="req-from-web-9")
        try:
            with schema_context(acme.schema_name):
                say.delay("hello")
                fail.delay()
        finally:
            context_end()
        assert _wait(lambda: any(line["message"] == "task says hello" for line in json_lines.lines))
        assert _wait(
            lambda: _sample("atrium_celery_task_failures_total", {"task": "tests.observability.fail"}) == failures + 1
        )

    (line,) = [line for line in json_lines.lines if line["message"] == "task says hello"]
    assert line["request_id"] == "req-from-web-9"
    assert line["tenant_schema"] == acme.schema_name
    assert _sample("atrium_celery_tasks_total", {"task": "tests.observability.say", "outcome": "success"}) == (
        succeeded + 1
    )
    assert _sample("atrium_celery_task_duration_seconds_count", {"task": "tests.observability.say"}) >= 1
    assert _sample("atrium_celery_tasks_total", {"task": "tests.observability.fail", "outcome": "failure"}) >= 1
