"""API token lookups remembered by each web process, valid only while their company's generation in Redis holds.

Looking a bearer token up costs a query (and its ORM compilation) on every API request. Each process keeps what the
lookup found (the token's and its user's rows) under the company's schema and the token's hash, together with the
company's *auth generation*: a random number in Redis that every change to the company's tokens or people replaces
(auth_cache_invalidate, called by the services that revoke, deactivate, change a role or a password). A request
reads the generation (in the same Redis round trip as its route, tenants.routing, instead of the query) and uses a
remembered lookup only when it was made under the same generation, so a revoke on one worker takes effect on every
worker at its next request.

Revoking one token retires only that token: its hash's first 16 hex digits are appended to the company's
*retired list* in Redis (token_retire, at once and after commit), which a request reads in the same round trip
as the generation; a remembered lookup whose token is on the list is not used. The list outlives any lookup
made before the revoke (it expires RETIRED_SECONDS after its last change, twice MAX_AGE_SECONDS), and past
RETIRED_MAX entries it is replaced by a new generation, which retires every lookup of the company instead.
Replacing the generation for each revoke made every other token of the company miss once (a fifth of the API
requests in bench/load.py, whose mix revokes a token every dozen requests or so).

The generation is read before the database, so a lookup racing with a change is stored under the old generation
and never used. Invalidation replaces the generation at once and again after the transaction commits: a request
reading the rows between the two stores them under the first new value, which the second one retires.
With Redis unreachable nothing is remembered or used (every request asks the database), and what a process
remembered is forgotten, since a change made meanwhile could not be announced. Entries also expire after
MAX_AGE_SECONDS whatever the generation says.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, transaction
from django_redis import get_redis_connection
from redis.exceptions import RedisError

from shared_apps.common.generations import generation_new, generation_replace_now_and_after_commit
from shared_apps.common.instances import instance_from_db
from tenant_apps.accounts.models import ApiToken, User
from tenants.db import connection

logger = logging.getLogger(__name__)

MAX_AGE_SECONDS = 60.0
# The retired list (token_retire): how long it outlives its last change, and how many tokens it holds.
RETIRED_SECONDS = int(2 * MAX_AGE_SECONDS)
RETIRED_MAX = 64
_MARK_LENGTH = 16
# A bound on memory: past it the process starts over (a company has few tokens in use at once).
MAX_ENTRIES = 10_000

_TOKEN_FIELDS = tuple(field.attname for field in ApiToken._meta.concrete_fields)
_USER_FIELDS = tuple(field.attname for field in User._meta.concrete_fields)


@dataclass(frozen=True)
class _Entry:
    generation: bytes
    stored_at: float
    token_values: tuple[Any, ...]
    user_values: tuple[Any, ...]


_entries: dict[tuple[str, str], _Entry] = {}


def generation_key(schema_name: str) -> str:
    return f"{settings.CACHES['default'].get('KEY_PREFIX', '')}:auth-generation:{schema_name}"


def retired_key(schema_name: str) -> str:
    return f"{settings.CACHES['default'].get('KEY_PREFIX', '')}:auth-retired:{schema_name}"


def _mark(key_hash: str) -> bytes:
    return key_hash[:_MARK_LENGTH].encode("ascii")


def generation_read(schema_name: str) -> bytes | None:
    """The company's current generation (made on first use), or None with Redis unreachable."""
    state = auth_state_read(schema_name)
    return state[0] if state is not None else None


def auth_state_read(schema_name: str) -> tuple[bytes, bytes] | None:
    """The company's generation (made on first use) and retired list (b"" when empty), in one round trip; None
    with Redis unreachable."""
    redis = get_redis_connection("default")
    key = generation_key(schema_name)
    try:
        value, retired = redis.mget([key, retired_key(schema_name)])
        if value is None:
            redis.set(key, generation_new(), nx=True)
            value = redis.get(key)
    except RedisError:
        logger.warning("auth generation unreachable; tokens of %s are looked up in the database", schema_name)
        _entries.clear()
        return None
    if value is None:
        return None
    return bytes(value), bytes(retired or b"")


def auth_cache_invalidate(schema_name: str | None = None) -> None:
    """Retire every remembered token lookup of a company (the current schema's unless named), in every process."""
    generation_replace_now_and_after_commit(generation_key(schema_name or connection.schema_name))


def token_retire(key_hash: str, schema_name: str | None = None) -> None:
    """Retire the remembered lookups of one token (by its hash) in every process, leaving the company's others."""
    schema_name = schema_name or connection.schema_name
    _retired_append(schema_name, key_hash)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _retired_append(schema_name, key_hash))


def _retired_append(schema_name: str, key_hash: str) -> None:
    key = retired_key(schema_name)
    try:
        redis = get_redis_connection("default")
        pipeline = redis.pipeline(transaction=False)
        pipeline.append(key, _mark(key_hash) + b",")
        pipeline.expire(key, RETIRED_SECONDS)
        length, _ = pipeline.execute()
        if int(length) > RETIRED_MAX * (_MARK_LENGTH + 1):
            # Full: a new generation retires everything the list stood for (first, so no moment is uncovered).
            redis.set(generation_key(schema_name), generation_new())
            redis.delete(key)
    except RedisError:
        # Every process that serves a request meanwhile finds Redis down too and forgets what it remembered.
        logger.error("token of %s not retired: Redis unreachable", schema_name)


def _token_from(values: tuple[Any, ...], user_values: tuple[Any, ...]) -> ApiToken:
    user = instance_from_db(User, DEFAULT_DB_ALIAS, _USER_FIELDS, user_values)
    api_token = instance_from_db(ApiToken, DEFAULT_DB_ALIAS, _TOKEN_FIELDS, values)
    api_token.user = user
    return api_token


def api_token_find(
    *, schema_name: str, key_hash: str, generation: bytes | None = None, retired: bytes | None = None
) -> ApiToken | None:
    """The unrevoked token with this hash in the current schema (its user loaded), remembered when possible.

    `generation` and `retired` are the company's generation and retired list when the request read them already
    (with its route, before any database read); otherwise they are read here. Each call returns new model
    instances: a request may change its user object without touching anyone else's.
    """
    if generation is None or retired is None:
        state = auth_state_read(schema_name)
        generation, retired = state if state is not None else (None, None)
    cache_key = (schema_name, key_hash)
    if generation is not None:
        entry = _entries.get(cache_key)
        if (
            entry is not None
            and entry.generation == generation
            and time.monotonic() - entry.stored_at < MAX_AGE_SECONDS
            and _mark(key_hash) not in (retired or b"")
        ):
            return _token_from(entry.token_values, entry.user_values)
    api_token = ApiToken.objects.select_related("user").filter(key_hash=key_hash, revoked_at__isnull=True).first()
    if api_token is None or generation is None:
        return api_token
    if len(_entries) >= MAX_ENTRIES:
        _entries.clear()
    _entries[cache_key] = _Entry(
        generation=generation,
        stored_at=time.monotonic(),
        token_values=tuple(getattr(api_token, name) for name in _TOKEN_FIELDS),
        user_values=tuple(getattr(api_token.user, name) for name in _USER_FIELDS),
    )
    return api_token


def api_token_used(*, schema_name: str, api_token: ApiToken) -> None:
    """Remember the token's new last_used_at, so the next request does not write it again."""
    entry = _entries.get((schema_name, api_token.key_hash))
    if entry is None:
        return
    values = tuple(getattr(api_token, name) for name in _TOKEN_FIELDS)
    _entries[(schema_name, api_token.key_hash)] = _Entry(
        generation=entry.generation, stored_at=entry.stored_at, token_values=values, user_values=entry.user_values
    )


def entries_forget() -> None:
    """Forget everything this process remembered (tests)."""
    _entries.clear()
