"""Property-based run of every documented operation, on a tenant host and on the public host: no 5xx.

The schema is read from the running app (/api/schema/ on each host), so a new endpoint is fuzzed as soon
as it is documented. Requests go through the whole Django stack in-process, authenticated as the tenant's
owner with a real API token, inside the test's transaction (rolled back afterwards).
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django_tenants.utils import schema_context
from hypothesis import HealthCheck, settings

from shared_apps.common.testing import TestTenant, api_client
from tenant_apps.accounts.authentication import TOKEN_PREFIX, token_hash
from tenant_apps.accounts.models import ApiToken, User
from tenants.db import connection

MAX_EXAMPLES = 25
FUZZ_TOKEN = f"{TOKEN_PREFIX}schemathesis-fuzz-token-0123456789"


@pytest.fixture(autouse=True)
def _reconnect_connection_closing() -> Any:
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _keep_test_connection() -> None:
    """Like Django's test client: a finished request must not close the test's connection and transaction.
    (Done after loading the schema: the test client re-connects these handlers after each request.)"""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)


def _load_schema(hostname: str) -> Any:
    response = api_client(hostname).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200, response.content[:500]
    spec = response.json()
    assert spec["paths"], f"the schema of {hostname} documents no operation"
    schema = schemathesis.openapi.from_dict(spec)
    schema.app = WSGIHandler()
    _keep_test_connection()
    return schema


@pytest.fixture
def tenant_api_schema(acme: TestTenant) -> Any:
    with schema_context(acme.schema_name):
        owner = User.objects.get(email=acme.owner_email)
        ApiToken.objects.create(
            user=owner, name="schemathesis", prefix=FUZZ_TOKEN[:12], key_hash=token_hash(FUZZ_TOKEN)
        )
    connection.set_schema_to_public()
    # The fuzzer must get past authentication, or it only ever meets 401s.
    me = api_client(acme.hostname).get("/api/auth/me", HTTP_AUTHORIZATION=f"Bearer {FUZZ_TOKEN}")
    assert me.status_code == 200, me.content[:300]
    assert me.json()["email"] == acme.owner_email
    return _load_schema(acme.hostname)


@pytest.fixture
def public_api_schema(db: None) -> Any:
    from django.conf import settings as django_settings

    return _load_schema(django_settings.BASE_DOMAIN)


tenant_schema = schemathesis.pytest.from_fixture("tenant_api_schema")
public_schema = schemathesis.pytest.from_fixture("public_api_schema")

FUZZ_SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)


@tenant_schema.parametrize()
@FUZZ_SETTINGS
def test_tenant_api_has_no_server_errors(case: Any, acme: TestTenant) -> None:
    case.call_and_validate(
        base_url=f"http://{acme.hostname}",
        headers={"Authorization": f"Bearer {FUZZ_TOKEN}"},
        checks=[schemathesis.checks.not_a_server_error],
    )


@public_schema.parametrize()
@FUZZ_SETTINGS
def test_public_api_has_no_server_errors(case: Any) -> None:
    from django.conf import settings as django_settings

    case.call_and_validate(
        base_url=f"http://{django_settings.BASE_DOMAIN}",
        checks=[schemathesis.checks.not_a_server_error],
    )
