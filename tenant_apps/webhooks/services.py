"""Every change to webhooks: endpoints registered by admins, events turned into deliveries, and one attempt of a
delivery recorded (with the next attempt planned, or the endpoint disabled after too many failed deliveries)."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from tenant_apps.accounts.models import User
from tenant_apps.mail.crypto import secret_decrypt, secret_encrypt
from tenant_apps.webhooks import transport
from tenant_apps.webhooks.events import SUBSCRIBABLE_EVENTS, EventType
from tenant_apps.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from tenant_apps.webhooks.selectors import admin_ensure as _admin_ensure
from tenant_apps.webhooks.signing import SIGNATURE_HEADER, secret_generate, signature_header


def _url_validate(url: str) -> None:
    try:
        transport.url_check(url)
    except transport.TargetRefused as exc:
        raise ValidationError({"url": [str(exc)]}) from None


def _event_types_validate(event_types: list[str]) -> list[str]:
    unknown = sorted(set(event_types) - set(SUBSCRIBABLE_EVENTS))
    if unknown:
        raise ValidationError({"event_types": [f"Unknown event type: {', '.join(unknown)}."]})
    if not event_types:
        raise ValidationError({"event_types": ["Choose at least one event."]})
    return sorted(set(event_types))


@transaction.atomic
def endpoint_create(
    *, actor: User, url: str, event_types: list[str], description: str = ""
) -> tuple[WebhookEndpoint, str]:
    """The new endpoint and its signing secret, which is returned here once and never again."""
    _admin_ensure(actor)
    _url_validate(url)
    secret = secret_generate()
    endpoint = WebhookEndpoint.objects.create(
        url=url,
        description=description,
        event_types=_event_types_validate(event_types),
        secret_encrypted=secret_encrypt(secret),
        created_by=actor,
    )
    return endpoint, secret


@transaction.atomic
def endpoint_update(
    *,
    actor: User,
    endpoint: WebhookEndpoint,
    url: str | None = None,
    event_types: list[str] | None = None,
    description: str | None = None,
    is_active: bool | None = None,
) -> WebhookEndpoint:
    """Change what was given; turning an endpoint back on forgets its failures."""
    _admin_ensure(actor)
    if url is not None:
        _url_validate(url)
        endpoint.url = url
    if event_types is not None:
        endpoint.event_types = _event_types_validate(event_types)
    if description is not None:
        endpoint.description = description
    if is_active is not None:
        if is_active and not endpoint.is_active:
            endpoint.consecutive_failures = 0
            endpoint.disabled_reason = ""
        endpoint.is_active = is_active
    endpoint.save()
    return endpoint


@transaction.atomic
def endpoint_delete(*, actor: User, endpoint: WebhookEndpoint) -> None:
    _admin_ensure(actor)
    endpoint.delete()


def _delivery_enqueue(delivery_id: int) -> None:
    from tenant_apps.webhooks.tasks import webhook_delivery_send

    webhook_delivery_send.apply_async(kwargs={"delivery_id": delivery_id})


def _delivery_create(*, endpoint: WebhookEndpoint, event_type: str, data: dict[str, Any]) -> WebhookDelivery:
    event_id = uuid.uuid4()
    payload = {
        "id": str(event_id),
        "type": event_type,
        "created_at": timezone.now().isoformat(),
        "data": data,
    }
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event_id=event_id, event_type=event_type, payload=payload
    )
    transaction.on_commit(partial(_delivery_enqueue, delivery.pk))
    return delivery


def event_emit(*, event_type: EventType, data: dict[str, Any]) -> list[WebhookDelivery]:
    """One delivery per active endpoint subscribed to `event_type`, sent once the caller's transaction commits."""
    endpoints = WebhookEndpoint.objects.filter(is_active=True, event_types__contains=[event_type.value])
    return [_delivery_create(endpoint=endpoint, event_type=event_type.value, data=data) for endpoint in endpoints]


@transaction.atomic
def endpoint_test(*, actor: User, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """A `webhook.test` event to this endpoint alone, whether or not it is active."""
    _admin_ensure(actor)
    return _delivery_create(
        endpoint=endpoint, event_type=EventType.PING.value, data={"message": "Test event from Atrium."}
    )


@transaction.atomic
def delivery_redeliver(*, actor: User, delivery: WebhookDelivery) -> WebhookDelivery:
    """The same event (same id and payload) once more, as a new delivery with its own attempts."""
    _admin_ensure(actor)
    again = WebhookDelivery.objects.create(
        endpoint=delivery.endpoint,
        event_id=delivery.event_id,
        event_type=delivery.event_type,
        payload=delivery.payload,
    )
    transaction.on_commit(partial(_delivery_enqueue, again.pk))
    return again


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: base, 2 x base, 4 x base... after the 1st, 2nd, 3rd failed attempt."""
    return timedelta(seconds=settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** (attempts - 1))


def _request_send(delivery: WebhookDelivery) -> transport.Answer:
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    secret = secret_decrypt(delivery.endpoint.secret_encrypted)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Atrium-Webhooks/1",
        "Atrium-Event": delivery.event_type,
        "Atrium-Delivery": str(delivery.pk),
        SIGNATURE_HEADER: signature_header(secret=secret, timestamp=int(timezone.now().timestamp()), body=body),
    }
    return transport.post(url=delivery.endpoint.url, body=body, headers=headers)


def _failure_count(endpoint: WebhookEndpoint) -> None:
    endpoint.consecutive_failures += 1
    if endpoint.consecutive_failures >= settings.WEBHOOK_DISABLE_AFTER_FAILURES:
        endpoint.is_active = False
        endpoint.disabled_reason = f"Disabled after {endpoint.consecutive_failures} failed deliveries in a row."
    endpoint.save(update_fields=["consecutive_failures", "is_active", "disabled_reason", "updated_at"])


def delivery_attempt(*, delivery_id: int) -> timedelta | None:
    """Send a delivery once and record how it went. Returns the delay before the next attempt, or None when
    there is none (it succeeded, failed for good, or is no longer pending)."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update()
            .select_related("endpoint")
            .filter(pk=delivery_id, status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRYING])
            .first()
        )
        if delivery is None:
            return None
        # Sent while the row is locked, so a duplicate task cannot send the same attempt twice.
        delivery.attempts += 1
        delivery.last_attempt_at = timezone.now()
        try:
            answer = _request_send(delivery)
        except transport.TargetRefused as exc:
            delivery.response_status, delivery.response_excerpt, delivery.error = None, "", str(exc)
            delivery.attempts = max(delivery.attempts, settings.WEBHOOK_MAX_ATTEMPTS)
        except (OSError, ValueError) as exc:  # unreachable, timed out, TLS or protocol error
            delivery.response_status, delivery.response_excerpt = None, ""
            delivery.error = (f"{type(exc).__name__}: {exc}")[:500]
        else:
            delivery.response_status, delivery.response_excerpt = answer.status, answer.excerpt
            delivery.error = "" if 200 <= answer.status < 300 else f"The receiver answered {answer.status}."
        return _outcome_record(delivery)


def _outcome_record(delivery: WebhookDelivery) -> timedelta | None:
    endpoint = delivery.endpoint
    delay: timedelta | None = None
    if not delivery.error:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.SUCCEEDED, None
        if endpoint.consecutive_failures:
            endpoint.consecutive_failures = 0
            endpoint.save(update_fields=["consecutive_failures", "updated_at"])
    elif delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
        _failure_count(endpoint)
    else:
        delay = retry_delay(delivery.attempts)
        delivery.status, delivery.next_attempt_at = DeliveryStatus.RETRYING, timezone.now() + delay
    delivery.save()
    return delay
