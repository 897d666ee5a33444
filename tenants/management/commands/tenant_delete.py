"""manage.py tenant_delete: drop a company's schema, domains and files, after the operator confirms."""

from __future__ import annotations

import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenants.models import Tenant
from tenants.provisioning import tenant_delete
from tenants.subdomains import hostname_for, schema_name_for, subdomain_normalize


class Command(BaseCommand):
    help = "Delete a company and everything in its schema. This cannot be undone."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("subdomain", help="The company's subdomain, e.g. 'acme'.")
        parser.add_argument("--yes", action="store_true", help="Do not ask to type the subdomain to confirm.")

    def handle(self, *args: Any, **options: Any) -> None:
        subdomain = subdomain_normalize(options["subdomain"])
        tenant = (
            Tenant.objects.filter(domains__domain=hostname_for(subdomain)).first()
            or Tenant.objects.filter(schema_name=schema_name_for(subdomain)).first()
        )
        if tenant is None or tenant.schema_name == settings.PUBLIC_SCHEMA_NAME:
            raise CommandError(f"No company has the subdomain '{subdomain}'.")
        if not options["yes"]:
            if not sys.stdin.isatty():
                raise CommandError("Not deleted: confirm in a terminal, or pass --yes.")
            self.stdout.write(
                f"This deletes {tenant.name} (schema {tenant.schema_name}) with all its data and files, for good."
            )
            if input(f"Type the subdomain '{subdomain}' to confirm: ").strip().lower() != subdomain:
                raise CommandError("Not deleted: the subdomain typed did not match.")
        name, schema_name = tenant.name, tenant.schema_name
        tenant_delete(tenant=tenant)
        self.stdout.write(self.style.SUCCESS(f"Deleted {name} (schema {schema_name})."))
