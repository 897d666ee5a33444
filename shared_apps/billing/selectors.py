"""Reads of billing: plans, a company's plan and limits, and what its subscription state lets it do."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from shared_apps.billing.exceptions import PlanLimitReached
from shared_apps.billing.models import BillingAccount, BillingStatus, Plan
from shared_apps.billing.stripe_api import billing_enabled

# Resources a plan limits, and the Plan field holding each limit.
LIMIT_FIELDS = {
    "users": "max_users",
    "mail_accounts": "max_mail_accounts",
    "storage_mb": "max_storage_mb",
    "contacts": "max_contacts",
}
LIMIT_LABELS = {
    "users": "users",
    "mail_accounts": "mail accounts",
    "storage_mb": "MB of storage",
    "contacts": "contacts",
}


@dataclass(frozen=True)
class TenantAccess:
    """What a company may do now. `reason` says why it is read-only ('' when it is not)."""

    read_only: bool
    reason: str
    payment_overdue: bool
    grace_ends_at: datetime | None


FULL_ACCESS = TenantAccess(read_only=False, reason="", payment_overdue=False, grace_ends_at=None)

READ_ONLY_MESSAGES = {
    "suspended": "This company is suspended by the platform; it can be read but not changed. Contact support.",
    "trial_ended": "The free trial has ended; choose a plan to make changes again. Everything can still be read.",
    "payment_overdue": "Payment is overdue; update the payment method to make changes again.",
    "canceled": "The subscription is canceled; subscribe again to make changes. Everything can still be read.",
    "unpaid": "The subscription is unpaid; update the payment method to make changes again.",
    "incomplete": "The first payment did not go through; complete it to make changes again.",
}


def plan_list_public() -> QuerySet[Plan]:
    return Plan.objects.filter(is_public=True).order_by("sort_order", "id")


def plan_default() -> Plan | None:
    return Plan.objects.filter(is_default=True).first()


def billing_account_get(*, tenant_id: int) -> BillingAccount | None:
    # get(), not filter().first(): the row is unique per company, and first()'s ORDER BY cost a quarter of this
    # query's compilation on every write (the read-only check runs it).
    try:
        return BillingAccount.objects.select_related("plan").get(tenant_id=tenant_id)
    except BillingAccount.DoesNotExist:
        return None


def grace_period() -> timedelta:
    return timedelta(days=int(settings.BILLING_GRACE_DAYS))


def access_of(account: BillingAccount | None, *, now: datetime | None = None) -> TenantAccess:
    """The access rules, from a company's billing row (None: made outside signup, e.g. by a staff command)."""
    if account is None:
        return FULL_ACCESS
    if account.suspended_at is not None:
        return TenantAccess(read_only=True, reason="suspended", payment_overdue=False, grace_ends_at=None)
    if not billing_enabled():
        return FULL_ACCESS
    now = now or timezone.now()
    status = account.status
    if status == BillingStatus.ACTIVE:
        return FULL_ACCESS
    if status == BillingStatus.PAST_DUE:
        grace_ends_at = (account.past_due_since or now) + grace_period()
        if now < grace_ends_at:
            return TenantAccess(read_only=False, reason="", payment_overdue=True, grace_ends_at=grace_ends_at)
        return TenantAccess(read_only=True, reason="payment_overdue", payment_overdue=True, grace_ends_at=grace_ends_at)
    if account.trial_ends_at is not None and now < account.trial_ends_at:
        return FULL_ACCESS
    reason = "trial_ended" if status == BillingStatus.TRIALING else str(status)
    return TenantAccess(read_only=True, reason=reason, payment_overdue=False, grace_ends_at=None)


def read_only_since(account: BillingAccount | None, *, now: datetime | None = None) -> datetime | None:
    """When the company became read-only; None while it is not."""
    now = now or timezone.now()
    access = access_of(account, now=now)
    if account is None or not access.read_only:
        return None
    if access.reason == "suspended":
        return account.suspended_at
    if access.reason == "payment_overdue":
        return access.grace_ends_at
    # A trial that ran out, or a subscription that ended: read-only from the later of the two (a company whose
    # subscription ends during its trial keeps writing until the trial is over).
    moments = [moment for moment in (account.trial_ends_at, account.status_changed_at) if moment is not None]
    return max(moments) if moments else account.updated_at


def mail_sync_allowed(*, tenant_id: int, now: datetime | None = None) -> bool:
    """A read-only company's mail keeps syncing for MAIL_SYNC_READ_ONLY_DAYS after it became read-only, then stops
    (until it can write again)."""
    now = now or timezone.now()
    since = read_only_since(billing_account_get(tenant_id=tenant_id), now=now)
    return since is None or now - since < timedelta(days=int(settings.MAIL_SYNC_READ_ONLY_DAYS))


def tenant_access(*, tenant_id: int, generations: Sequence[bytes | None] | None = None) -> TenantAccess:
    """What the company may do now, from its billing row as this process remembers it (account_cache);
    `generations` are its billing generations when the request read them already."""
    from shared_apps.billing.account_cache import billing_account_remembered

    return access_of(billing_account_remembered(tenant_id=tenant_id, generations=generations))


def plan_of_tenant(*, tenant_id: int) -> Plan | None:
    """The plan whose limits apply, or None for unlimited (billing off, or a company without a plan)."""
    if not billing_enabled():
        return None
    account = billing_account_get(tenant_id=tenant_id)
    return account.plan if account is not None else None


def plan_limit_ensure(*, tenant_id: int, resource: str, in_use: Callable[[], int], adding: int = 1) -> None:
    """Raise PlanLimitReached (402, code plan_limit) when `adding` more of `resource` would pass the plan's limit.

    `in_use` counts what is in use; it is called only when the plan limits the resource (no plan, billing off or an
    unlimited plan costs no count)."""
    plan = plan_of_tenant(tenant_id=tenant_id)
    if plan is None:
        return
    limit = getattr(plan, LIMIT_FIELDS[resource])
    if limit is None:
        return
    used = in_use()
    if used + adding > limit:
        raise PlanLimitReached(
            f"The {plan.name} plan allows {limit} {LIMIT_LABELS[resource]}; {used} are in use or invited. "
            f"Choose a larger plan to add more."
        )
