"""Deliveries against a real HTTP receiver on loopback: the exact bytes and their signature, retries with backoff
when the receiver fails or is slow, no redirect followed, private targets refused, endpoints disabled."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from config.celery import app
from shared_apps.common.testing import TestTenant
from tenant_apps.accounts import services as account_services
from tenant_apps.accounts.models import User
from tenant_apps.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from tenant_apps.webhooks.services import delivery_attempt, endpoint_test
from tenant_apps.webhooks.signing import signature_digest
from tenant_apps.webhooks.tasks import webhook_delivery_send
from tenant_apps.webhooks.tests.conftest import endpoint_make
from tenant_apps.webhooks.tests.receiver import Receiver


def _invite(tenant: TestTenant, email: str) -> list[WebhookDelivery]:
    with schema_context(tenant.schema_name):
        owner = User.objects.get(email=tenant.owner_email)
        account_services.invitation_create(actor=owner, email=email)
        return list(WebhookDelivery.objects.filter(event_type="user.invited").order_by("pk"))


def test_an_event_reaches_the_receiver_signed_over_timestamp_and_exact_body(acme: TestTenant, receiver: Receiver):
    # given an endpoint subscribed to user.invited, and one that is not
    endpoint, secret = endpoint_make(acme, receiver.url, ["user.invited"])
    endpoint_make(acme, receiver.url, ["user.joined"])

    # when a colleague is invited and the delivery is sent
    [delivery] = _invite(acme, "new@acme.test")
    with schema_context(acme.schema_name):
        assert delivery_attempt(delivery_id=delivery.pk) is None
        delivery.refresh_from_db()

    # then the receiver got one POST whose signature checks out over "<t>.<body>"
    [request] = receiver.requests
    assert request.path == "/hooks/atrium"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Atrium-Event"] == "user.invited"
    assert request.headers["Atrium-Delivery"] == str(delivery.pk)
    fields = dict(part.split("=", 1) for part in request.headers["Atrium-Signature"].split(","))
    assert abs(int(fields["t"]) - timezone.now().timestamp()) < 60
    assert fields["v1"] == signature_digest(secret=secret, timestamp=int(fields["t"]), body=request.body)
    assert fields["v1"] != signature_digest(secret=secret, timestamp=int(fields["t"]) + 1, body=request.body)
    payload = json.loads(request.body)
    assert payload["id"] == str(delivery.event_id)
    assert payload["type"] == "user.invited"
    assert payload["data"] == {
        "invitation_id": payload["data"]["invitation_id"],
        "email": "new@acme.test",
        "role": "member",
        "invited_by": acme.owner_email,
    }
    # and the row says so
    assert (delivery.endpoint_id, delivery.status, delivery.attempts) == (endpoint.pk, DeliveryStatus.SUCCEEDED, 1)
    assert (delivery.response_status, delivery.response_excerpt, delivery.error) == (200, "ok", "")
    assert delivery.next_attempt_at is None


def test_a_failing_receiver_is_retried_by_the_task_until_attempts_run_out(
    acme: TestTenant, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
):
    # given a receiver that answers 500
    receiver.status, receiver.answer = 500, b"boom " * 400
    endpoint, _ = endpoint_make(acme, receiver.url)
    [delivery] = _invite(acme, "new@acme.test")

    # when the Celery task runs (eagerly: its retries run at once, in the tenant's schema)
    monkeypatch.setattr(app.conf, "task_always_eager", True)
    with schema_context(acme.schema_name):
        webhook_delivery_send.apply_async(kwargs={"delivery_id": delivery.pk})
        delivery.refresh_from_db()
        endpoint.refresh_from_db()

    # then three attempts reached the receiver, each recorded on the row, and the delivery failed for good
    assert len(receiver.requests) == 3
    assert len({request.headers["Atrium-Signature"] for request in receiver.requests}) >= 1
    assert (delivery.status, delivery.attempts, delivery.response_status) == (DeliveryStatus.FAILED, 3, 500)
    assert delivery.response_excerpt == ("boom " * 400)[:1024]
    assert delivery.error == "The receiver answered 500."
    assert delivery.next_attempt_at is None
    assert (endpoint.consecutive_failures, endpoint.is_active) == (1, True)


def test_a_slow_receiver_times_out_and_the_next_attempt_is_planned_with_backoff(acme: TestTenant, receiver: Receiver):
    receiver.delay_seconds = 2.5  # WEBHOOK_TIMEOUT_SECONDS is 1 in these tests
    endpoint_make(acme, receiver.url)
    [delivery] = _invite(acme, "new@acme.test")

    with schema_context(acme.schema_name):
        first = delivery_attempt(delivery_id=delivery.pk)
        second = delivery_attempt(delivery_id=delivery.pk)
        delivery.refresh_from_db()

    assert (first, second) == (timedelta(seconds=10), timedelta(seconds=20))
    assert (delivery.status, delivery.attempts, delivery.response_status) == (DeliveryStatus.RETRYING, 2, None)
    assert "timed out" in delivery.error
    assert delivery.next_attempt_at is not None
    assert timedelta(seconds=15) < delivery.next_attempt_at - timezone.now() <= timedelta(seconds=20)
    assert len(receiver.requests) == 2


def test_a_redirect_is_not_followed(acme: TestTenant, receiver: Receiver):
    receiver.status, receiver.location = 302, receiver.url + "/elsewhere"
    endpoint_make(acme, receiver.url)
    [delivery] = _invite(acme, "new@acme.test")

    with schema_context(acme.schema_name):
        delivery_attempt(delivery_id=delivery.pk)
        delivery.refresh_from_db()

    assert [request.path for request in receiver.requests] == ["/hooks/atrium"]
    assert (delivery.status, delivery.response_status) == (DeliveryStatus.RETRYING, 302)


def test_an_endpoint_is_disabled_after_consecutive_failed_deliveries(
    acme: TestTenant, receiver: Receiver, settings: Any
):
    # given one attempt per delivery, and two failed deliveries in a row disable (WEBHOOK_DISABLE_AFTER_FAILURES)
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    receiver.status = 503
    endpoint, _ = endpoint_make(acme, receiver.url)

    with schema_context(acme.schema_name):
        owner = User.objects.get(email=acme.owner_email)
        for _ in range(2):
            delivery_attempt(delivery_id=endpoint_test(actor=owner, endpoint=endpoint).pk)
        endpoint.refresh_from_db()
        # a disabled endpoint receives no more events
        later = _invite(acme, "later@acme.test")

    assert endpoint.is_active is False
    assert endpoint.consecutive_failures == 2
    assert endpoint.disabled_reason == "Disabled after 2 failed deliveries in a row."
    assert later == []


def test_a_success_resets_the_failure_count(acme: TestTenant, receiver: Receiver, settings: Any):
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    endpoint, _ = endpoint_make(acme, receiver.url)
    with schema_context(acme.schema_name):
        owner = User.objects.get(email=acme.owner_email)
        receiver.status = 500
        delivery_attempt(delivery_id=endpoint_test(actor=owner, endpoint=endpoint).pk)
        receiver.status = 204
        delivery_attempt(delivery_id=endpoint_test(actor=owner, endpoint=endpoint).pk)
        endpoint.refresh_from_db()

    assert (endpoint.consecutive_failures, endpoint.is_active) == (0, True)


def test_private_targets_are_refused_outside_development(acme: TestTenant, receiver: Receiver, settings: Any):
    # given an endpoint saved while loopback was allowed, pointing at a name that resolves to loopback
    endpoint, _ = endpoint_make(acme, receiver.url.replace("127.0.0.1", "localhost"))
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    with schema_context(acme.schema_name):
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(url=endpoint.url.replace("http://", "https://"))
        owner = User.objects.get(email=acme.owner_email)
        delivery = endpoint_test(actor=owner, endpoint=WebhookEndpoint.objects.get(pk=endpoint.pk))

        # when it is sent
        assert delivery_attempt(delivery_id=delivery.pk) is None
        delivery.refresh_from_db()

    # then nothing was sent and the delivery failed at once, saying why
    assert receiver.requests == []
    assert (delivery.status, delivery.error) == (DeliveryStatus.FAILED, "The URL points into a private network.")
