"""manage.py tenant_restore <file>: bring back a company from tenant_backup's file into this database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shared_apps.operations.backup import BackupError, tenant_backup_restore


class Command(BaseCommand):
    help = (
        "Restore one company from a tenant_backup file: after it was deleted here, or into another installation. "
        "Refuses (changing nothing) when its schema, id or domains are taken."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="A file written by tenant_backup.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            tenant = tenant_backup_restore(path=options["file"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        domains = ", ".join(tenant.domains.order_by("id").values_list("domain", flat=True))
        self.stdout.write(self.style.SUCCESS(f"Restored {tenant.name} (schema {tenant.schema_name}) at {domains}."))
