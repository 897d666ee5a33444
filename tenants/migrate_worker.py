"""Entry points of the worker processes of tenants_migrate; importable before Django is set up."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass


@dataclass
class MigrationOutcome:
    schema_name: str
    ok: bool
    seconds: float
    error: str = ""


def worker_setup(settings_module: str, database_name: str) -> None:
    """Set Django up in a fresh worker, on the database the parent uses (a test run renames it)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    import django
    from django.conf import settings

    django.setup()
    settings.DATABASES["default"]["NAME"] = database_name


def migrate_one(schema_name: str) -> MigrationOutcome:
    from django.db import connections

    from tenants.schemas import schema_migrate

    started = time.perf_counter()
    try:
        schema_migrate(schema_name)
    except Exception as exc:  # noqa: BLE001 - reported per schema; the others go on
        return MigrationOutcome(schema_name, False, time.perf_counter() - started, f"{type(exc).__name__}: {exc}")
    finally:
        connections.close_all()
    return MigrationOutcome(schema_name, True, time.perf_counter() - started)
