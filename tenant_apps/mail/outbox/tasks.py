"""Celery tasks of the outbox (queue `mail`), run in the tenant's schema by tenant-schemas-celery.

`mail.outbox_send` claims its item atomically, so a duplicate or redelivered task does nothing; `mail.draft_push`
pushes only a revision the server does not have yet. Beat runs `mail.outbox_sweep` every minute so nothing is
lost when a worker restarts.
"""

from __future__ import annotations

import random

from celery import shared_task
from django.conf import settings
from django_tenants.utils import get_tenant_model, schema_context

from tenant_apps.mail.imap.connection import MailServerError
from tenant_apps.mail.models import MailAccount
from tenant_apps.mail.outbox.draft_copies import (
    BUSY,
    draft_push,
    draft_push_debounce,
    draft_push_debounce_clear,
    draft_server_remove,
)
from tenant_apps.mail.outbox.sending import outbox_recover, outbox_send

GONE = "gone"
DONE = "done"


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


@shared_task(
    name="mail.draft_push",
    acks_late=True,
    autoretry_for=(MailServerError,),
    retry_backoff=30,
    retry_backoff_max=30 * 60,
    retry_jitter=True,
    max_retries=6,
)
def mail_draft_push(*, draft_id: int) -> str:
    """The debounced push of a draft's latest revision; a push already running means one more, later."""
    draft_push_debounce_clear(draft_id)
    result = draft_push(draft_id)
    if result == BUSY:
        draft_push_debounce(draft_id)
    return result


@shared_task(
    name="mail.draft_server_remove",
    acks_late=True,
    autoretry_for=(MailServerError,),
    retry_backoff=30,
    retry_jitter=True,
    max_retries=6,
)
def mail_draft_server_remove(*, account_id: int, folder: str, key: str) -> str:
    account = MailAccount.objects.filter(pk=account_id).first()
    if account is None:
        return GONE
    draft_server_remove(account, folder=folder, key=key)
    return DONE
