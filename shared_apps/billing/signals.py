"""Retire what web processes remember of billing rows (account_cache) whenever a BillingAccount or a Plan changes.

Signals, not services, because staff edit plans in the admin and tests and commands save rows directly: a missed
invalidation would let a suspended company keep writing. Queryset .update() sends no signal; its callers call
billing_cache_invalidate themselves.
"""

from __future__ import annotations

from typing import Any

from shared_apps.billing.account_cache import billing_cache_invalidate, plans_cache_invalidate
from shared_apps.billing.models import BillingAccount


def billing_account_changed(*, instance: BillingAccount, **kwargs: Any) -> None:
    billing_cache_invalidate(tenant_id=instance.tenant_id)


def plan_changed(**kwargs: Any) -> None:
    plans_cache_invalidate()
