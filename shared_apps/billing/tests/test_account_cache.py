"""The read-only check's billing rows remembered per process (account_cache): one query per company and
generation, every change of a BillingAccount or a Plan seen by the next request, companies kept apart, and the
check still right with Redis down."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_redis import get_redis_connection

from shared_apps.billing.account_cache import generation_keys
from shared_apps.billing.models import BillingAccount, BillingStatus, Plan
from shared_apps.billing.services import tenant_suspension_set, trial_extend
from shared_apps.billing.tests.conftest import account_update
from shared_apps.common.testing import TEST_PASSWORD, TestTenant, api_client

STAFF = "staff@platform.test"


def owner_client(tenant: TestTenant) -> Any:
    client = api_client(tenant.hostname)
    response = client.post("/api/auth/login", {"email": tenant.owner_email, "password": TEST_PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    return client


def billing_queries(captured: CaptureQueriesContext) -> int:
    return sum('FROM "billing_billingaccount"' in query["sql"] for query in captured.captured_queries)


def write(client: Any) -> Any:
    return client.post("/api/tokens", {"name": "ci"}, format="json")


def test_a_company_writing_twice_reads_its_billing_row_once(acme: TestTenant, acme_account: BillingAccount):
    client = owner_client(acme)
    assert write(client).status_code == 201

    with CaptureQueriesContext(connection) as captured:
        assert write(client).status_code == 201

    assert billing_queries(captured) == 0


def test_a_suspension_through_the_service_refuses_the_next_write(acme: TestTenant, acme_account: BillingAccount):
    client = owner_client(acme)
    assert write(client).status_code == 201

    tenant_suspension_set(actor_email=STAFF, tenant_id=acme.tenant_id, suspended=True)

    refused = write(client)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "tenant_read_only"


def test_a_row_saved_directly_or_updated_through_account_update_is_seen_at_once(
    acme: TestTenant, acme_account: BillingAccount
):
    client = owner_client(acme)
    assert write(client).status_code == 201

    acme_account.suspended_at = timezone.now()
    acme_account.save()
    assert write(client).status_code == 403

    account_update(acme.tenant_id, suspended_at=None)
    assert write(client).status_code == 201


def test_a_queryset_update_alone_is_not_announced(acme: TestTenant, acme_account: BillingAccount):
    """Why account_update and billing_cache_invalidate exist: .update() sends no signal."""
    client = owner_client(acme)
    assert write(client).status_code == 201

    BillingAccount.objects.filter(pk=acme_account.pk).update(suspended_at=timezone.now())

    assert write(client).status_code == 201


def test_a_plan_change_retires_every_remembered_row(acme: TestTenant, acme_account: BillingAccount):
    client = owner_client(acme)
    assert write(client).status_code == 201
    assert acme_account.plan is not None
    plan = acme_account.plan
    plan.max_users = 99
    plan.save()

    with CaptureQueriesContext(connection) as captured:
        assert write(client).status_code == 201

    assert billing_queries(captured) == 1


def test_a_trial_running_out_is_seen_without_a_change_of_the_row(
    acme: TestTenant, acme_account: BillingAccount, billing_on: Any
):
    account_update(acme.tenant_id, trial_ends_at=timezone.now() + timedelta(seconds=1))
    client = owner_client(acme)
    assert write(client).status_code == 201

    time.sleep(1.1)
    with CaptureQueriesContext(connection) as captured:
        refused = write(client)

    assert billing_queries(captured) == 0
    assert refused.status_code == 402
    assert refused.json()["error"]["message"].startswith("The free trial has ended")


def test_two_companies_never_share_a_remembered_row(
    acme: TestTenant, acme_account: BillingAccount, globex: TestTenant, plans: dict[str, Plan]
):
    BillingAccount.objects.create(
        tenant_id=globex.tenant_id,
        plan=plans["team"],
        status=BillingStatus.TRIALING,
        trial_ends_at=timezone.now() + timedelta(days=14),
    )
    acme_client, globex_client = owner_client(acme), owner_client(globex)
    assert write(acme_client).status_code == 201
    assert write(globex_client).status_code == 201

    tenant_suspension_set(actor_email=STAFF, tenant_id=acme.tenant_id, suspended=True)

    with CaptureQueriesContext(connection) as captured:
        assert write(globex_client).status_code == 201
    assert billing_queries(captured) == 0
    assert write(acme_client).status_code == 403
    assert generation_keys(acme.tenant_id)[0] != generation_keys(globex.tenant_id)[0]


def test_an_extended_trial_brings_a_company_back_at_once(
    acme: TestTenant, acme_account: BillingAccount, billing_on: Any
):
    account_update(acme.tenant_id, trial_ends_at=timezone.now() - timedelta(days=1))
    client = owner_client(acme)
    assert write(client).status_code == 402

    trial_extend(actor_email=STAFF, tenant_id=acme.tenant_id, days=7)

    assert write(client).status_code == 201


def test_with_redis_down_the_check_reads_the_database(acme: TestTenant, acme_account: BillingAccount):
    client = owner_client(acme)
    assert write(client).status_code == 201
    keys_before = get_redis_connection("default").mget(generation_keys(acme.tenant_id))

    with override_settings(
        CACHES={"default": {**_caches_default(), "LOCATION": "redis://127.0.0.1:1/0"}},
    ):
        acme_account.suspended_at = timezone.now()
        acme_account.save()  # the announcement cannot reach Redis
        with CaptureQueriesContext(connection) as captured:
            refused = write(client)

    assert refused.status_code == 403
    assert billing_queries(captured) == 1
    # Back up: the generations never changed, but the process forgot what it remembered while Redis was down.
    assert get_redis_connection("default").mget(generation_keys(acme.tenant_id)) == keys_before
    assert write(client).status_code == 403


def _caches_default() -> dict[str, Any]:
    from django.conf import settings

    return dict(settings.CACHES["default"])
