"""Migrating every schema on deploy: public first, then the template, the spares and every tenant.

Schemas already at the code's migrations are skipped, the rest run in parallel worker processes (each
replaced after a few schemas, so memory stays bounded), progress is reported as schemas finish, and a
failure leaves the others done: running again resumes with what is still behind.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from multiprocessing import get_context

from django.core.management import call_command

from tenants.db import connection
from tenants.migrate_worker import MigrationOutcome, migrate_one, worker_setup
from tenants.models import SpareSchema, Tenant
from tenants.schemas import expected_migrations, schema_is_current, template_schema_name

# A worker process is replaced after this many schemas, which bounds its memory.
SCHEMAS_PER_WORKER = 20


@dataclass
class MigrationRun:
    total: int = 0
    skipped: list[str] = field(default_factory=list)
    migrated: list[MigrationOutcome] = field(default_factory=list)
    failed: list[MigrationOutcome] = field(default_factory=list)


def schemas_to_consider() -> list[str]:
    """Template first (new spares are cloned from it), then spares, then tenants."""
    connection.set_schema_to_public()
    names = [template_schema_name()]
    names += list(SpareSchema.objects.order_by("id").values_list("schema_name", flat=True))
    names += list(Tenant.objects.order_by("id").values_list("schema_name", flat=True))
    return [name for name in names if name != "public"]


def migrate_all(
    *,
    workers: int = 2,
    include_public: bool = True,
    schemas: Iterable[str] | None = None,
    progress: Callable[[str], None] = lambda line: None,
) -> MigrationRun:
    if include_public:
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=0, stdout=io.StringIO())
        progress("public: migrated")
    expected_migrations.cache_clear()
    run = MigrationRun()
    pending: list[str] = []
    for name in schemas if schemas is not None else schemas_to_consider():
        run.total += 1
        if schema_is_current(name):
            run.skipped.append(name)
        else:
            pending.append(name)
    progress(f"{len(run.skipped)} of {run.total} schemas already current; {len(pending)} to migrate")
    if not pending:
        return run

    done = 0

    def record(outcome: MigrationOutcome) -> None:
        nonlocal done
        done += 1
        (run.migrated if outcome.ok else run.failed).append(outcome)
        status = f"migrated in {outcome.seconds:.1f}s" if outcome.ok else f"FAILED: {outcome.error}"
        progress(f"[{done}/{len(pending)}] {outcome.schema_name}: {status}")

    if workers <= 1 or len(pending) == 1:
        for name in pending:
            record(migrate_one(name))
        return run

    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=get_context("spawn"),
        initializer=worker_setup,
        initargs=(
            os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings.dev"),
            connection.settings_dict["NAME"],
        ),
        max_tasks_per_child=SCHEMAS_PER_WORKER,
    ) as pool:
        futures = {pool.submit(migrate_one, name): name for name in pending}
        for future in as_completed(futures):
            try:
                record(future.result())
            except BrokenProcessPool as exc:
                record(MigrationOutcome(futures[future], False, 0.0, f"worker process died: {exc}"))
    return run
