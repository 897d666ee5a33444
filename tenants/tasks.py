"""Background upkeep of tenancy: the spare schema pool."""

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django_tenants.utils import schema_context

from tenants.pool import pool_refill

# While this key lives, a refill is already queued: a burst of signups queues one refill, not one each.
REFILL_QUEUED_KEY = "spare-pool-refill-queued"
REFILL_QUEUED_SECONDS = 60


def spare_pool_refill_soon() -> None:
    """Queue a refill of the spare pool unless one is already waiting."""
    with schema_context(settings.PUBLIC_SCHEMA_NAME):
        if cache.add(REFILL_QUEUED_KEY, 1, REFILL_QUEUED_SECONDS):
            spare_pool_refill.delay()


@shared_task(
    name="tenants.spare_pool_refill",
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=5,
)
def spare_pool_refill() -> dict[str, int | bool]:
    with schema_context(settings.PUBLIC_SCHEMA_NAME):
        cache.delete(REFILL_QUEUED_KEY)  # signups from now on queue the next refill
    report = pool_refill()
    return {
        "template_migrated": report.template_migrated,
        "spares_dropped": report.spares_dropped,
        "spares_created": report.spares_created,
        "spares_ready": report.spares_ready,
    }
