"""pytest plugin (loaded with -p): real tenants made once per session, host-bound clients, peer checks.

Two companies, acme and globex, are provisioned through the real service at session start; every test sees
them. Tests run in a transaction that is rolled back, so what a test writes in a tenant schema is gone after.
The suite owns the Redis database it is given (REDIS_URL): it is flushed at session start.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import pytest

TEST_PASSWORD = "correct-horse-battery-staple"  # noqa: S105


@dataclass(frozen=True)
class TestTenant:
    __test__ = False  # not a test class, despite the name

    schema_name: str
    hostname: str
    owner_email: str
    tenant_id: int


def peer_required(name: str, host: str, port: int) -> None:
    """Fail (in CI) or skip (elsewhere) when a peer server is not listening."""
    try:
        with socket.create_connection((host, port), timeout=2):
            return
    except OSError as exc:
        message = f"{name} is not reachable at {host}:{port}: {exc}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


def _redis_flush() -> None:
    from django_redis import get_redis_connection

    get_redis_connection("default").flushdb()


def _test_database_ensure(request: pytest.FixtureRequest, django_db_blocker: Any) -> None:
    """pytest-django creates the test database only when a selected test asks for `db`; tests that commit
    (concurrency, migrations) do not, so when only they run the database is set up here."""
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    creation: Any = connection.creation
    if connection.settings_dict["NAME"] == creation._get_test_db_name():
        return
    with django_db_blocker.unblock():
        # `aliases` is a collection of alias names at runtime; django-stubs types it as a mapping.
        old_config = setup_databases(verbosity=0, interactive=False, aliases={"default": "default"})

    def teardown() -> None:
        with django_db_blocker.unblock():
            teardown_databases(old_config, verbosity=0)

    request.addfinalizer(teardown)


@pytest.fixture(scope="session")
def test_tenants(
    request: pytest.FixtureRequest, django_db_setup: None, django_db_blocker: Any
) -> dict[str, TestTenant]:
    from tenants.pool import pool_refill
    from tenants.provisioning import tenant_provision

    _test_database_ensure(request, django_db_blocker)
    with django_db_blocker.unblock():
        _redis_flush()
        pool_refill(size=2)
        made: dict[str, TestTenant] = {}
        for subdomain, company in (("acme", "Acme Corp"), ("globex", "Globex Inc")):
            provisioned = tenant_provision(
                company_name=company,
                subdomain=subdomain,
                admin_email=f"owner@{subdomain}.test",
                admin_password=TEST_PASSWORD,
                admin_full_name=f"{company} Owner",
            )
            made[subdomain] = TestTenant(
                schema_name=provisioned.tenant.schema_name,
                hostname=provisioned.domain.domain,
                owner_email=provisioned.owner.email,
                tenant_id=provisioned.tenant.pk,
            )
    return made


@pytest.fixture
def acme(test_tenants: dict[str, TestTenant], db: None) -> TestTenant:
    return test_tenants["acme"]


@pytest.fixture
def globex(test_tenants: dict[str, TestTenant], db: None) -> TestTenant:
    return test_tenants["globex"]


@pytest.fixture(autouse=True)
def _process_caches_forgotten() -> None:
    """Routes and billing rows a test's requests left in this process may come from its rolled-back transaction
    (the test client shares its connection): each test starts without them. Tokens are keyed by their random
    hash and need no such care."""
    from shared_apps.billing.account_cache import entries_forget
    from tenants.routing import routes_forget

    routes_forget()
    entries_forget()


@pytest.fixture(autouse=True)
def _public_schema_after_test() -> Iterator[None]:
    yield
    from django.db import connection

    if hasattr(connection, "set_schema_to_public"):
        connection.set_schema_to_public()


def api_client(hostname: str) -> Any:
    """A DRF test client whose requests carry Host: hostname."""
    from rest_framework.test import APIClient

    return APIClient(HTTP_HOST=hostname)


@pytest.fixture
def acme_client(acme: TestTenant) -> Any:
    return api_client(acme.hostname)


@pytest.fixture
def globex_client(globex: TestTenant) -> Any:
    return api_client(globex.hostname)


@pytest.fixture
def public_client(db: None) -> Any:
    from django.conf import settings

    return api_client(settings.BASE_DOMAIN)


def rate_limit_counters_clear() -> None:
    """Rate-limit counters live in Redis, outside the rolled-back transaction; tests that trip them clear them."""
    from django.conf import settings
    from django_redis import get_redis_connection

    redis = get_redis_connection("default")
    keys = list(redis.scan_iter(match=f"{settings.CACHES['default']['KEY_PREFIX']}:ratelimit:*"))
    if keys:
        redis.delete(*keys)


@pytest.fixture
def rate_limit_counters_cleared() -> Iterator[None]:
    """Each test that uses this starts and ends without any rate-limit counter."""
    rate_limit_counters_clear()
    yield
    rate_limit_counters_clear()


def database_url(name: str | None = None) -> str:
    """A DATABASE_URL for the test database (or the database `name` on the same server), for subprocesses."""
    from django.db import connection

    database = connection.settings_dict
    credentials = quote(database["USER"] or "postgres")
    if database.get("PASSWORD"):
        credentials += ":" + quote(database["PASSWORD"])
    name = name or database["NAME"]
    host = database.get("HOST") or "127.0.0.1"
    if host.startswith("/"):
        return f"postgres://{credentials}@/{name}?host={quote(host)}"
    return f"postgres://{credentials}@{host}:{database.get('PORT') or 5432}/{name}"


def redis_address() -> tuple[str, int]:
    from django.conf import settings

    parts = urlsplit(settings.REDIS_URL)
    return parts.hostname or "127.0.0.1", parts.port or 6379


@pytest.fixture(scope="session", autouse=True)
def _peers_reachable() -> None:
    """PostgreSQL and Redis are needed by every test: missing ones fail the run in CI."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    host = database.get("HOST") or ""
    if host and not host.startswith("/"):
        peer_required("PostgreSQL", host, int(database.get("PORT") or 5432))
    redis_host, redis_port = redis_address()
    if not settings.REDIS_URL.startswith("unix"):
        peer_required("Redis", redis_host, redis_port)
