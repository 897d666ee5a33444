"""The pool of spare tenant schemas: kept at the latest migration in the background, taken by signup with a rename."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django_tenants.utils import schema_exists

from tenants.db import connection
from tenants.models import SpareSchema
from tenants.schemas import (
    applied_migrations,
    expected_migrations,
    quote_identifier,
    schema_clone,
    schema_drop,
    schema_is_current,
    schema_migrate,
    schema_rename,
    template_schema_name,
)

logger = logging.getLogger(__name__)

# pg advisory lock key that serializes pool maintenance across processes.
POOL_LOCK_KEY = 0x41545249554D01


@dataclass(frozen=True)
class PoolReport:
    template_migrated: bool
    spares_dropped: int
    spares_created: int
    spares_ready: int


def spare_take(target_schema: str) -> bool:
    """Rename a current spare to target_schema inside the caller's transaction; False when none is ready.

    FOR UPDATE SKIP LOCKED hands each spare to one transaction only, so concurrent signups never share
    one. A spare whose recorded migrations differ from the code's is never handed out: its row is taken
    out of the pool with it, and the next refill drops the schema as an orphan.
    """
    expected = expected_migrations()
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                "DELETE FROM tenants_spareschema WHERE id = ("
                "  SELECT id FROM tenants_spareschema ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED"
                ") RETURNING schema_name"
            )
            row = cursor.fetchone()
            if row is None:
                return False
            spare_name = row[0]
            if applied_migrations(spare_name) != expected:
                logger.warning("spare schema %s is not at the current migrations; taken out of the pool", spare_name)
                continue
            schema_rename(spare_name, target_schema)
            return True


def template_ensure() -> bool:
    """Bring the template schema to the latest migration; True if it had to be migrated."""
    template = template_schema_name()
    if schema_exists(template) and schema_is_current(template):
        return False
    schema_migrate(template)
    return True


def pool_refill(*, size: int | None = None) -> PoolReport:
    """Drop stale spares and clone the template until `size` current spares wait. Safe to run concurrently."""
    target = settings.TENANT_SPARE_POOL_SIZE if size is None else size
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [POOL_LOCK_KEY])
        row = cursor.fetchone()
    if not (row and row[0]):
        return PoolReport(False, 0, 0, SpareSchema.objects.count())
    try:
        template_migrated = template_ensure()
        dropped = _spares_drop_stale()
        created = 0
        while SpareSchema.objects.count() < target:
            _spare_create()
            created += 1
        return PoolReport(template_migrated, dropped, created, SpareSchema.objects.count())
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [POOL_LOCK_KEY])


def _spare_create() -> str:
    name = f"{settings.TENANT_SPARE_SCHEMA_PREFIX}{secrets.token_hex(6)}"
    with transaction.atomic():
        schema_clone(template_schema_name(), name)
        SpareSchema.objects.create(schema_name=name)
    return name


def _spares_drop_stale() -> int:
    dropped = 0
    for spare in list(SpareSchema.objects.all()):
        with transaction.atomic():
            locked = SpareSchema.objects.select_for_update(skip_locked=True).filter(pk=spare.pk).first()
            if locked is None:
                continue  # being taken by a signup right now
            if schema_exists(locked.schema_name) and schema_is_current(locked.schema_name):
                continue
            schema_drop(locked.schema_name)
            locked.delete()
            dropped += 1
    # Spare-named schemas without a row: taken out of the pool as stale by a signup, or left by a crash.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nspname FROM pg_namespace WHERE starts_with(nspname, %s) "
            "AND nspname NOT IN (SELECT schema_name FROM tenants_spareschema)",
            [settings.TENANT_SPARE_SCHEMA_PREFIX],
        )
        orphans = [name for (name,) in cursor.fetchall()]
    for name in orphans:
        logger.warning("dropping spare schema %s, which is no longer in the pool", quote_identifier(name))
        schema_drop(name)
    return dropped + len(orphans)
