"""A task runs in the schema of the tenant that queued it, on a real worker fed by the real Redis broker."""

from __future__ import annotations

import time

from celery.contrib.testing.worker import start_worker
from django_redis import get_redis_connection
from django_tenants.utils import schema_context

from config.celery import app
from tenant_apps.accounts.models import User
from tenants.db import connection


@app.task(name="tests.record_schema", acks_late=True)
def record_schema(key: str) -> None:
    """Write where the task ran and whose users it sees, so the test can read it back."""
    owner_emails = ",".join(User.objects.order_by("id").values_list("email", flat=True)[:1])
    get_redis_connection("default").set(key, f"{connection.schema_name}|{owner_emails}", ex=60)


def wait_for(key: str, timeout: float = 20.0) -> str | None:
    redis = get_redis_connection("default")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = redis.get(key)
        if value is not None:
            return value.decode()
        time.sleep(0.05)
    return None


def test_task_runs_in_the_schema_of_the_tenant_that_queued_it(acme, globex):
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        with schema_context(acme.schema_name):
            record_schema.delay("celery-test:acme")
        with schema_context(globex.schema_name):
            record_schema.delay("celery-test:globex")
        record_schema.delay("celery-test:public")

        from_acme = wait_for("celery-test:acme")
        from_globex = wait_for("celery-test:globex")
        from_public = wait_for("celery-test:public")

    assert from_acme == f"{acme.schema_name}|{acme.owner_email}"
    assert from_globex == f"{globex.schema_name}|{globex.owner_email}"
    assert from_public == "public|"  # the public schema has no users
