"""Celery tasks of the outbox (queue `mail`), run in the tenant's schema by tenant-schemas-celery.

`mail.outbox_send` is idempotent: it claims the item atomically, so a duplicate or redelivered task does
nothing. Beat runs `mail.outbox_sweep` every minute so nothing is lost when a worker restarts.
"""

from __future__ import annotations

import random

from celery import shared_task
from django.conf import settings
from django_tenants.utils import get_tenant_model, schema_context

from tenant_apps.mail.outbox.sending import outbox_recover, outbox_send


@shared_task(name="mail.outbox_send", acks_late=True)
def mail_outbox_send(*, outgoing_id: int) -> str:
    return outbox_send(outgoing_id)


@shared_task(name="mail.tenant_outbox_sweep", acks_late=True)
def mail_tenant_outbox_sweep() -> dict[str, int]:
    return outbox_recover()


@shared_task(name="mail.outbox_sweep", acks_late=True)
def mail_outbox_sweep() -> int:
    """Beat's entry: one sweep per tenant, spread over a few seconds."""
    count = 0
    for tenant in get_tenant_model().objects.exclude(schema_name=settings.PUBLIC_SCHEMA_NAME).only("schema_name"):
        if tenant.schema_name.startswith("_"):
            continue
        with schema_context(tenant.schema_name):
            mail_tenant_outbox_sweep.apply_async(countdown=random.uniform(0, 10))
        count += 1
    return count
