"""Celery tasks of the mail app (queue `mail`), run in the tenant's schema by tenant-schemas-celery.

A sync is idempotent (it computes what is missing against what is stored) and never overlaps another sync of
the same account: a Redis lock per tenant and account guards it. Server problems retry with backoff.
"""

from __future__ import annotations

import logging
import random
from typing import Any

from celery import Task, shared_task
from django.conf import settings
from django_redis import get_redis_connection
from django_tenants.utils import get_tenant_model, schema_context

from shared_apps.billing.selectors import mail_sync_allowed
from tenant_apps.accounts.links import tenant_url
from tenant_apps.accounts.tasks import EMAIL_TASK_OPTIONS, SKIPPED
from tenant_apps.accounts.tasks import _company_name as company_name
from tenant_apps.accounts.tasks import _send_once as send_once
from tenant_apps.mail.blobs import mail_blobs_unreferenced_remove
from tenant_apps.mail.emails import reauth_required_email
from tenant_apps.mail.imap.connection import MailServerError
from tenant_apps.mail.imap.sync import account_sync
from tenant_apps.mail.models import AccountStatus, MailAccount
from tenant_apps.mail.oauth.providers import oauth_provider
from tenant_apps.mail.oauth.tokens import ReauthRequired
from tenants.db import connection

logger = logging.getLogger(__name__)

LOCKED = "locked"
DONE = "done"
GONE = "gone"
REAUTH_REQUIRED = "reauth_required"
# The company has been read-only longer than MAIL_SYNC_READ_ONLY_DAYS: its mail is no longer synced.
PAUSED = "paused"


def tenant_mail_sync_allowed(schema_name: str) -> bool:
    tenant_id = get_tenant_model().objects.filter(schema_name=schema_name).values_list("pk", flat=True).first()
    return tenant_id is None or mail_sync_allowed(tenant_id=tenant_id)


def account_lock(account_id: int) -> Any:
    """The lock that keeps two syncs of one account apart (held at most MAIL_SYNC_LOCK_SECONDS)."""
    name = f"{settings.CACHES['default']['KEY_PREFIX']}:mail-sync:{connection.schema_name}:{account_id}"
    return get_redis_connection("default").lock(name, timeout=int(settings.MAIL_SYNC_LOCK_SECONDS), blocking=False)


def account_sync_locked(account_id: int, folder_names: list[str] | None = None) -> str:
    account = MailAccount.objects.filter(pk=account_id, is_active=True).first()
    if account is None:
        return GONE
    if not tenant_mail_sync_allowed(connection.schema_name):
        return PAUSED
    lock = account_lock(account_id)
    if not lock.acquire(blocking=False):
        return LOCKED
    try:
        account_sync(account=account, folder_names=folder_names)
    finally:
        try:
            lock.release()
        except Exception:  # noqa: BLE001 - expired meanwhile; nothing to release
            logger.warning("mail sync lock of account %s expired before release", account_id)
    return DONE


@shared_task(
    name="mail.account_sync",
    bind=True,
    acks_late=True,
    autoretry_for=(MailServerError,),
    retry_backoff=30,
    retry_backoff_max=30 * 60,
    retry_jitter=True,
    max_retries=8,
)
def mail_account_sync(self: Task, *, account_id: int, folder_names: list[str] | None = None) -> str:
    try:
        result = account_sync_locked(account_id, folder_names)
    except ReauthRequired:
        # Retrying cannot help until the owner signs in again (they were mailed); the status says so.
        logger.info("account %s needs its owner to sign in again; not syncing", account_id)
        return REAUTH_REQUIRED
    if result == LOCKED:
        logger.info("account %s is being synced already; skipping", account_id)
    return result


@shared_task(name="mail.tenant_sync_fanout", acks_late=True)
def mail_tenant_sync_fanout() -> int:
    """Queue a sync of every active account of this tenant, spread over the interval (jitter)."""
    spread = int(settings.MAIL_SYNC_INTERVAL_SECONDS)
    account_ids = list(
        MailAccount.objects.filter(is_active=True)
        .exclude(status__in=[AccountStatus.AUTH_FAILED, AccountStatus.REAUTH_REQUIRED])
        .values_list("pk", flat=True)
    )
    for account_id in account_ids:
        mail_account_sync.apply_async(kwargs={"account_id": account_id}, countdown=random.uniform(0, spread))
    return len(account_ids)


@shared_task(name="mail.sync_fanout", acks_late=True)
def mail_sync_fanout() -> int:
    """Beat's entry: one fan-out task per tenant, each started at a random moment within the interval (none for
    a company read-only for longer than MAIL_SYNC_READ_ONLY_DAYS)."""
    spread = int(settings.MAIL_SYNC_INTERVAL_SECONDS)
    tenants = get_tenant_model().objects.exclude(schema_name=settings.PUBLIC_SCHEMA_NAME)
    count = 0
    for tenant in tenants.only("pk", "schema_name"):
        if tenant.schema_name.startswith(("__", "_")) or not mail_sync_allowed(tenant_id=tenant.pk):
            continue
        with schema_context(tenant.schema_name):
            mail_tenant_sync_fanout.apply_async(countdown=random.uniform(0, spread / 2))
        count += 1
    return count


@shared_task(name="mail.action_job_run", acks_late=True)
def mail_action_job_run(*, job_id: int) -> str:
    """Run a bulk action in batches; a server refusal is kept on the job for the user to read, not retried."""
    from tenant_apps.mail.actions import action_job_run
    from tenant_apps.mail.imap.writer import ActionRefused
    from tenant_apps.mail.models import MailActionJob, MailActionState

    job = MailActionJob.objects.select_related("account", "target_folder").filter(pk=job_id).first()
    if job is None:
        return GONE
    try:
        job = action_job_run(job=job)
    except (ActionRefused, MailServerError):
        return MailActionState.FAILED
    return DONE


@shared_task(name="mail.reauth_notice_send", **EMAIL_TASK_OPTIONS)
def mail_reauth_notice_send(self: Task, *, account_id: int) -> str:
    """Mail the owner that an OAuth2 account needs signing in again, unless it was fixed (or removed) meanwhile."""
    account = MailAccount.objects.select_related("owner", "oauth_token").filter(pk=account_id).first()
    if account is None or account.status != AccountStatus.REAUTH_REQUIRED or not account.owner.is_active:
        return SKIPPED
    provider = oauth_provider(account.oauth_token.provider)
    message = reauth_required_email(
        company_name=company_name(),
        account_email=account.email_address,
        provider_label=provider.label if provider is not None else account.oauth_token.provider,
        problem=account.status_message,
        reconnect_url=tenant_url(f"/api/mail/accounts/{account.pk}/oauth/reconnect", {}),
    )
    return send_once(self, account.owner.email, message.subject, message.body)


@shared_task(name="mail.blobs_collect", acks_late=True)
def mail_blobs_collect() -> int:
    """Remove the tenant's mail blobs that no row refers to any more (queued when an account is deleted)."""
    return mail_blobs_unreferenced_remove()


# The outbox's, drafts' and OAuth2 revocation's tasks live with them; importing them here lets Celery's
# autodiscovery find them.
from tenant_apps.mail.oauth import revocation as oauth_revocation_tasks  # noqa: E402
from tenant_apps.mail.outbox import tasks as outbox_tasks  # noqa: E402

__all__ = ["oauth_revocation_tasks", "outbox_tasks"]
