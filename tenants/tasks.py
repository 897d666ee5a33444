"""Background upkeep of tenancy: the spare schema pool."""

from celery import shared_task

from tenants.pool import pool_refill


@shared_task(
    name="tenants.spare_pool_refill",
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=5,
)
def spare_pool_refill() -> dict[str, int | bool]:
    report = pool_refill()
    return {
        "template_migrated": report.template_migrated,
        "spares_dropped": report.spares_dropped,
        "spares_created": report.spares_created,
        "spares_ready": report.spares_ready,
    }
