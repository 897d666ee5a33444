"""Fixtures of the webhook tests: a loopback receiver per test, short retry settings, owners signed in."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django_tenants.utils import schema_context

from shared_apps.common.testing import TestTenant
from tenant_apps.accounts.models import User
from tenant_apps.accounts.tests.conftest import acme_owner, signed_in  # noqa: F401 - acme_owner is a fixture
from tenant_apps.webhooks import services
from tenant_apps.webhooks.models import WebhookEndpoint
from tenant_apps.webhooks.tests.receiver import Receiver, receiver_start, receiver_stop


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    started = receiver_start()
    yield started
    receiver_stop(started)


@pytest.fixture(autouse=True)
def _quick_webhooks(settings: Any) -> None:
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    settings.WEBHOOK_RETRY_BASE_SECONDS = 10
    settings.WEBHOOK_TIMEOUT_SECONDS = 1
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 2
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True


@pytest.fixture
def acme_owner_client(acme: TestTenant) -> Any:
    return signed_in(acme, acme.owner_email)


@pytest.fixture
def globex_owner_client(globex: TestTenant) -> Any:
    return signed_in(globex, globex.owner_email)


def endpoint_make(tenant: TestTenant, url: str, event_types: list[str] | None = None) -> tuple[WebhookEndpoint, str]:
    with schema_context(tenant.schema_name):
        owner = User.objects.get(email=tenant.owner_email)
        return services.endpoint_create(actor=owner, url=url, event_types=event_types or ["user.invited"])
