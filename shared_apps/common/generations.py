"""Generations in Redis: the random number a per-process cache stamps its entries with, replaced by every change.

A process uses what it remembered only while the generation it was stored under still holds, so replacing the
generation retires the entries in every process at their next read (the route, token and billing caches).
Replaced at once and again after the transaction commits: a read between the two (of rows not yet committed)
is stored under the first new value, which the second retires.
"""

from __future__ import annotations

import logging
import secrets
from functools import partial

from django.db import transaction
from django_redis import get_redis_connection
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def generation_new() -> str:
    return str(secrets.randbits(62))


def generation_replace(key: str) -> None:
    try:
        get_redis_connection("default").set(key, generation_new())
    except RedisError:
        # Every process that serves a request meanwhile finds Redis down too and forgets what it remembered.
        logger.error("%s not replaced: Redis unreachable", key)


def generation_replace_now_and_after_commit(key: str) -> None:
    generation_replace(key)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(partial(generation_replace, key))
