"""The Celery task that sends a webhook delivery, run in the tenant's schema by tenant-schemas-celery; it retries
itself with the delay delivery_attempt planned (exponential backoff), the attempts being counted on the row."""

from __future__ import annotations

from celery import Task, shared_task

from tenant_apps.webhooks.services import delivery_attempt


@shared_task(name="webhooks.delivery_send", bind=True, acks_late=True, max_retries=None)
def webhook_delivery_send(self: Task, delivery_id: int) -> str:
    delay = delivery_attempt(delivery_id=delivery_id)
    if delay is None:
        return "done"
    raise self.retry(countdown=delay.total_seconds())
