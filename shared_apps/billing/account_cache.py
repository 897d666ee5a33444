"""Each company's billing row (BillingAccount and its Plan) remembered by each web process, for the read-only
check every write makes, valid only while the company's *billing generation* and the *plan generation* in Redis
hold.

The check used to cost a query (and its ORM compilation) per write. Each process keeps the rows under the
company's tenant id with the two generations they were read under: random numbers in Redis that every change of
the company's BillingAccount (its own) or of any Plan (one for all) replaces, at once and again after commit
(shared_apps.billing.signals, and billing_cache_invalidate for queryset updates, which send no signal). A request
reads the generations (in the routing round trip, tenants.routing) before the database, so rows read while they
change are stored under the old values and never used. Access is still computed per request from the rows:
trial expiry and grace periods are about time, not about the rows. With Redis unreachable nothing is remembered
or used and the process forgets what it had. Entries also expire after MAX_AGE_SECONDS.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django_redis import get_redis_connection
from redis.exceptions import RedisError

from shared_apps.billing.models import BillingAccount, Plan
from shared_apps.common.generations import generation_new, generation_replace_now_and_after_commit

logger = logging.getLogger(__name__)

MAX_AGE_SECONDS = 60.0
MAX_ENTRIES = 10_000

_ACCOUNT_FIELDS = tuple(field.attname for field in BillingAccount._meta.concrete_fields)
_PLAN_FIELDS = tuple(field.attname for field in Plan._meta.concrete_fields)


@dataclass(frozen=True)
class _Entry:
    generations: tuple[bytes, bytes]
    stored_at: float
    # None: the company has no billing row.
    account_values: tuple[Any, ...] | None
    plan_values: tuple[Any, ...] | None


_entries: dict[int, _Entry] = {}


def _prefix() -> str:
    return str(settings.CACHES["default"].get("KEY_PREFIX", ""))


def generation_keys(tenant_id: int) -> tuple[str, str]:
    """The Redis keys of the company's billing generation and of the plan generation, in this order."""
    return f"{_prefix()}:billing-generation:{tenant_id}", f"{_prefix()}:plan-generation"


def generations_read(tenant_id: int) -> tuple[bytes, bytes] | None:
    """Both generations (made on first use), or None with Redis unreachable."""
    keys = generation_keys(tenant_id)
    redis = get_redis_connection("default")
    try:
        values = redis.mget(keys)
        if None in values:
            for key, value in zip(keys, values, strict=True):
                if value is None:
                    redis.set(key, generation_new(), nx=True)
            values = redis.mget(keys)
    except RedisError:
        logger.warning("billing generation unreachable; billing of tenant %s is read from the database", tenant_id)
        _entries.clear()
        return None
    if None in values:
        return None
    return bytes(values[0]), bytes(values[1])


def billing_cache_invalidate(*, tenant_id: int) -> None:
    """Retire the company's remembered billing row in every process (after a change that sent no signal)."""
    generation_replace_now_and_after_commit(generation_keys(tenant_id)[0])


def plans_cache_invalidate() -> None:
    """Retire every remembered plan, of every company, in every process."""
    generation_replace_now_and_after_commit(generation_keys(0)[1])


def billing_account_remembered(
    *, tenant_id: int, generations: Sequence[bytes | None] | None = None
) -> BillingAccount | None:
    """The company's billing row with its plan loaded, as billing_account_get returns it, remembered when possible.

    `generations` are the two generations already read in this request (before any database read), if any.
    Each call returns new model instances.
    """
    from shared_apps.billing.selectors import billing_account_get

    billing, plans = generations if generations is not None else (None, None)
    read = (bytes(billing), bytes(plans)) if billing is not None and plans is not None else generations_read(tenant_id)
    if read is not None:
        entry = _entries.get(tenant_id)
        if entry is not None and entry.generations == read and time.monotonic() - entry.stored_at < MAX_AGE_SECONDS:
            return _account_from(entry)
    account = billing_account_get(tenant_id=tenant_id)
    if read is None:
        return account
    if len(_entries) >= MAX_ENTRIES:
        _entries.clear()
    plan = account.plan if account is not None else None
    _entries[tenant_id] = _Entry(
        generations=read,
        stored_at=time.monotonic(),
        account_values=tuple(getattr(account, name) for name in _ACCOUNT_FIELDS) if account is not None else None,
        plan_values=tuple(getattr(plan, name) for name in _PLAN_FIELDS) if plan is not None else None,
    )
    return account


def _account_from(entry: _Entry) -> BillingAccount | None:
    if entry.account_values is None:
        return None
    account = BillingAccount.from_db(DEFAULT_DB_ALIAS, _ACCOUNT_FIELDS, entry.account_values)
    account.plan = (
        Plan.from_db(DEFAULT_DB_ALIAS, _PLAN_FIELDS, entry.plan_values) if entry.plan_values is not None else None
    )
    return account


def entries_forget() -> None:
    """Forget everything this process remembered (tests)."""
    _entries.clear()
