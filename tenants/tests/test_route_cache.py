"""Routes remembered per process (tenants.routing): a known host costs one Redis round trip for its route and its
company's generations, a forgotten route is seen by the next request, companies never share entries, and routing
goes on from PostgreSQL with Redis down."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django_redis import get_redis_connection

from shared_apps.billing.account_cache import generation_keys as billing_generation_keys
from shared_apps.common.testing import TestTenant, api_client
from tenant_apps.accounts.token_cache import generation_key as auth_generation_key
from tenants.models import Domain
from tenants.routing import host_cache_forget

MOVED_HOST = "moved.localhost"


def routing_queries(captured: CaptureQueriesContext) -> int:
    return sum('FROM "tenants_domain"' in query["sql"] for query in captured.captured_queries)


@pytest.fixture
def redis_commands(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    """The commands the process's Redis client sends (a pipeline or MGET counts once), still sent to Redis."""
    client = get_redis_connection("default")
    sent: list[tuple[Any, ...]] = []
    real = client.execute_command

    def recorded(*args: Any, **options: Any) -> Any:
        sent.append(args)
        return real(*args, **options)

    monkeypatch.setattr(client, "execute_command", recorded)
    return sent


def test_a_known_host_reads_route_and_generations_in_one_round_trip(
    acme: TestTenant, redis_commands: list[tuple[Any, ...]]
):
    client = api_client(acme.hostname)
    client.get("/api/nothing-here")
    redis_commands.clear()

    with CaptureQueriesContext(connection) as captured:
        response = client.get("/api/nothing-here")

    assert response.status_code == 404
    assert routing_queries(captured) == 0
    assert [command[0] for command in redis_commands] == ["MGET"]
    request = response.wsgi_request
    redis = get_redis_connection("default")
    assert request.auth_generation == redis.get(auth_generation_key(acme.schema_name))
    assert list(request.billing_generations) == redis.mget(billing_generation_keys(acme.tenant_id))


def test_two_companies_read_only_their_own_entries(acme: TestTenant, globex: TestTenant):
    for tenant in (acme, globex, acme, globex):
        response = api_client(tenant.hostname).get("/api/nothing-here")
        assert response.wsgi_request.tenant.schema_name == tenant.schema_name

    acme_request = api_client(acme.hostname).get("/api/nothing-here").wsgi_request
    globex_request = api_client(globex.hostname).get("/api/nothing-here").wsgi_request

    redis = get_redis_connection("default")
    assert acme_request.auth_generation == redis.get(auth_generation_key(acme.schema_name))
    assert globex_request.auth_generation == redis.get(auth_generation_key(globex.schema_name))
    assert acme_request.tenant.pk == acme.tenant_id
    assert globex_request.tenant.pk == globex.tenant_id


def test_a_host_moved_to_another_company_is_routed_there_by_the_next_request(acme: TestTenant, globex: TestTenant):
    domain = Domain.objects.create(domain=MOVED_HOST, tenant_id=acme.tenant_id, is_primary=False)
    host_cache_forget(MOVED_HOST)
    client = api_client(MOVED_HOST)
    assert client.get("/api/nothing-here").wsgi_request.tenant.schema_name == acme.schema_name
    assert client.get("/api/nothing-here").wsgi_request.tenant.schema_name == acme.schema_name

    # Another worker moves the host: its row changes and the route is forgotten; nothing of this process is cleared.
    domain.tenant_id = globex.tenant_id
    domain.save()
    host_cache_forget(MOVED_HOST)

    moved = client.get("/api/nothing-here")
    assert moved.wsgi_request.tenant.schema_name == globex.schema_name
    # acme's generations, read with the stale route, are not handed to a globex request.
    assert not hasattr(moved.wsgi_request, "auth_generation")
    assert client.get("/api/nothing-here").wsgi_request.auth_generation == get_redis_connection("default").get(
        auth_generation_key(globex.schema_name)
    )


def test_a_removed_host_is_unknown_to_the_next_request(acme: TestTenant):
    domain = Domain.objects.create(domain=MOVED_HOST, tenant_id=acme.tenant_id, is_primary=False)
    host_cache_forget(MOVED_HOST)
    client = api_client(MOVED_HOST)
    assert client.get("/api/nothing-here").json()["error"]["code"] == "not_found"

    domain.delete()
    host_cache_forget(MOVED_HOST)

    assert client.get("/api/nothing-here").json()["error"]["code"] == "unknown_host"


def test_a_route_without_a_forget_stays_remembered(acme: TestTenant, globex: TestTenant):
    """Why the services call host_cache_forget: the row alone does not reach a process that remembers the route."""
    domain = Domain.objects.create(domain=MOVED_HOST, tenant_id=acme.tenant_id, is_primary=False)
    host_cache_forget(MOVED_HOST)
    client = api_client(MOVED_HOST)
    client.get("/api/nothing-here")

    Domain.objects.filter(pk=domain.pk).update(tenant_id=globex.tenant_id)

    with CaptureQueriesContext(connection) as captured:
        response = client.get("/api/nothing-here")
    assert routing_queries(captured) == 0
    assert response.wsgi_request.tenant.schema_name == acme.schema_name


def test_with_redis_down_hosts_are_routed_from_the_database(acme: TestTenant, globex: TestTenant):
    domain = Domain.objects.create(domain=MOVED_HOST, tenant_id=acme.tenant_id, is_primary=False)
    host_cache_forget(MOVED_HOST)
    assert api_client(MOVED_HOST).get("/api/nothing-here").wsgi_request.tenant.schema_name == acme.schema_name
    # Moved where no announcement can reach: only the database knows.
    Domain.objects.filter(pk=domain.pk).update(tenant_id=globex.tenant_id)
    down = {"default": {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:1/0"}}

    with override_settings(CACHES=down):
        moved = api_client(MOVED_HOST).get("/api/nothing-here")
        acme_response = api_client(acme.hostname).get("/api/nothing-here")
        unknown = api_client("nobody-here.localhost").get("/api/nothing-here")

    assert moved.wsgi_request.tenant.schema_name == globex.schema_name
    assert not hasattr(moved.wsgi_request, "auth_generation")
    assert acme_response.wsgi_request.tenant.schema_name == acme.schema_name
    assert unknown.json()["error"]["code"] == "unknown_host"
