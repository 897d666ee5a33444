"""Emails of billing to a company's owners (payment overdue, trial ending), sent by Celery after commit.

Safe to run twice: a task id that already sent its mail does not send again.
"""

from __future__ import annotations

import logging

from celery import Task, shared_task
from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django_tenants.utils import schema_context

from shared_apps.billing.models import BillingAccount
from tenant_apps.accounts.models import Role, User
from tenant_apps.accounts.tasks import EMAIL_TASK_OPTIONS, SENT, SENT_MARKER_SECONDS, SKIPPED

logger = logging.getLogger(__name__)

SUBJECTS = {
    "past_due": "Payment for {company} on Atrium failed",
    "trial_will_end": "The free trial of {company} on Atrium ends soon",
}
BODIES = {
    "past_due": (
        "Hello,\n\nThe latest payment for {company} on Atrium did not go through. Everything keeps working for\n"
        "{grace_days} days; after that the company becomes read-only until the payment method is updated.\n\n"
        "Update it under Settings > Billing.\n"
    ),
    "trial_will_end": (
        "Hello,\n\nThe free trial of {company} on Atrium ends in a few days. Choose a plan under Settings > Billing\n"
        "to keep making changes; nothing is deleted either way.\n"
    ),
}


def owner_emails(schema_name: str) -> list[str]:
    with schema_context(schema_name):
        return list(User.objects.filter(role=Role.OWNER, is_active=True).order_by("id").values_list("email", flat=True))


@shared_task(name="billing.send_owner_email", **EMAIL_TASK_OPTIONS)
def send_owner_email(self: Task, *, account_id: int, kind: str) -> str:
    account = BillingAccount.objects.select_related("tenant").filter(pk=account_id).first()
    if account is None or kind not in SUBJECTS:
        return SKIPPED
    marker = f"billing-mail-sent:{self.request.id}"
    if self.request.id and cache.get(marker):
        return SKIPPED
    recipients = owner_emails(account.tenant.schema_name)
    if not recipients:
        logger.warning("tenant %s has no active owner to tell about %s", account.tenant_id, kind)
        return SKIPPED
    values = {"company": account.tenant.name, "grace_days": int(settings.BILLING_GRACE_DAYS)}
    send_mail(SUBJECTS[kind].format(**values), BODIES[kind].format(**values), settings.DEFAULT_FROM_EMAIL, recipients)
    if self.request.id:
        cache.set(marker, 1, SENT_MARKER_SECONDS)
    return SENT
