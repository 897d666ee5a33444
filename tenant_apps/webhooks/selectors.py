"""Reads of webhooks, for owners and admins only."""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework.exceptions import NotFound, PermissionDenied

from tenant_apps.accounts.models import User
from tenant_apps.webhooks.models import WebhookDelivery, WebhookEndpoint


def admin_ensure(actor: User) -> None:
    if not (actor.is_active and actor.is_admin):
        raise PermissionDenied("Only owners and admins can manage webhooks.")


def endpoint_list(*, actor: User) -> QuerySet[WebhookEndpoint]:
    admin_ensure(actor)
    return WebhookEndpoint.objects.all()


def endpoint_get(*, actor: User, endpoint_id: int) -> WebhookEndpoint:
    endpoint = endpoint_list(actor=actor).filter(pk=endpoint_id).first()
    if endpoint is None:
        raise NotFound("No such webhook endpoint.")
    return endpoint


def delivery_list(*, actor: User, endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    admin_ensure(actor)
    return WebhookDelivery.objects.filter(endpoint=endpoint)


def delivery_get(*, actor: User, endpoint: WebhookEndpoint, delivery_id: int) -> WebhookDelivery:
    delivery = delivery_list(actor=actor, endpoint=endpoint).select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None:
        raise NotFound("No such delivery.")
    return delivery
