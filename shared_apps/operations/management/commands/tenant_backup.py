"""manage.py tenant_backup <subdomain> <file>: one company's schema, public rows and files in one tar file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from shared_apps.operations.backup import BackupError, tenant_backup_write, tenant_by_subdomain_or_schema


class Command(BaseCommand):
    help = "Back up one company (its schema with pg_dump, its public rows, its files) into a tar file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("subdomain", help="The company's subdomain, e.g. 'acme'.")
        parser.add_argument("file", type=Path, help="Where to write the backup, e.g. acme-2025-01-31.tar.")

    def handle(self, *args: Any, **options: Any) -> None:
        tenant = tenant_by_subdomain_or_schema(options["subdomain"])
        if tenant is None or tenant.schema_name == settings.PUBLIC_SCHEMA_NAME:
            raise CommandError(f"No company has the subdomain '{options['subdomain']}'.")
        try:
            manifest = tenant_backup_write(tenant=tenant, path=options["file"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {tenant.name} (schema {tenant.schema_name}, {manifest['public_rows']} public rows) "
                f"to {options['file']}."
            )
        )
