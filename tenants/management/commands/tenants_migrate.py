"""manage.py tenants_migrate: run on every deploy; brings public, template, spares and tenants up to date."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenants.migrate_all import migrate_all
from tenants.pool import pool_refill


class Command(BaseCommand):
    help = (
        "Migrate the public schema, the template, the spare pool and every tenant schema. Schemas already "
        "current are skipped; the rest run in parallel. Re-run after a failure to resume."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workers", type=int, default=2, help="Parallel worker processes (default 2).")
        parser.add_argument("--no-refill", action="store_true", help="Do not top up the spare pool afterwards.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["workers"] < 1:
            raise CommandError("--workers must be at least 1.")
        run = migrate_all(workers=options["workers"], progress=lambda line: self.stdout.write(line))
        if run.failed:
            names = ", ".join(outcome.schema_name for outcome in run.failed)
            raise CommandError(
                f"{len(run.failed)} schema(s) failed to migrate: {names}. Fix the cause and run again to resume."
            )
        if not options["no_refill"]:
            report = pool_refill()
            self.stdout.write(
                f"spare pool: {report.spares_ready} ready ({report.spares_created} created, "
                f"{report.spares_dropped} stale dropped)"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"done: {len(run.migrated)} migrated, {len(run.skipped)} already current, of {run.total} schemas"
            )
        )
