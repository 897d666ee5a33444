"""manage.py tenant_create: provision a company (schema, domain, owner) from the command line."""

from __future__ import annotations

import getpass
import sys
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenants.provisioning import ProvisioningUnavailable, tenant_provision

# tenant_provision's field names, as the options of this command.
OPTION_FOR_FIELD = {
    "company_name": "--name",
    "subdomain": "--subdomain",
    "admin_email": "--email",
    "admin_password": "--password",
}


def host_url(hostname: str) -> str:
    port = f":{settings.PUBLIC_URL_PORT}" if settings.PUBLIC_URL_PORT else ""
    return f"{settings.PUBLIC_URL_SCHEME}://{hostname}{port}/"


def field_errors_text(error: ValidationError) -> str:
    if not hasattr(error, "error_dict"):
        return "\n".join(f"  {message}" for message in error.messages)
    lines: list[str] = []
    for field, messages in error.message_dict.items():
        option = OPTION_FOR_FIELD.get(field, field)
        lines.extend(f"  {option}: {message}" for message in messages)
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Create a company: its schema, its domain <subdomain>.BASE_DOMAIN and its owner account."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True, help="The company's name, e.g. 'Acme Corp'.")
        parser.add_argument("--subdomain", required=True, help="The company's subdomain, e.g. 'acme'.")
        parser.add_argument("--email", required=True, help="Email address of the owner account.")
        parser.add_argument("--full-name", default="", help="The owner's full name.")
        password = parser.add_mutually_exclusive_group()
        password.add_argument(
            "--password", help="The owner's password (visible in the process list; prefer the prompt)."
        )
        password.add_argument(
            "--password-stdin", action="store_true", help="Read the owner's password from the first line of stdin."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        password = self._password(options)
        try:
            provisioned = tenant_provision(
                company_name=options["name"],
                subdomain=options["subdomain"],
                admin_email=options["email"],
                admin_password=password,
                admin_full_name=options["full_name"],
            )
        except ValidationError as exc:
            raise CommandError(f"The company was not created:\n{field_errors_text(exc)}") from exc
        except ProvisioningUnavailable as exc:
            raise CommandError(f"{exc} (in development, `python3 deploy/dev.py up` prepares them)") from exc
        tenant = provisioned.tenant
        source = provisioned.schema_source
        self.stdout.write(self.style.SUCCESS(f"Created {tenant.name} (schema {tenant.schema_name}, from a {source})"))
        self.stdout.write(f"URL:   {host_url(provisioned.domain.domain)}")
        self.stdout.write(f"Owner: {provisioned.owner.email}")

    def _password(self, options: dict[str, Any]) -> str:
        if options["password"] is not None:
            return str(options["password"])
        if options["password_stdin"]:
            return sys.stdin.readline().rstrip("\r\n")
        if not sys.stdin.isatty():
            raise CommandError("No password given: pass --password-stdin, --password, or run in a terminal.")
        first = getpass.getpass("Owner's password: ")
        if getpass.getpass("Owner's password (again): ") != first:
            raise CommandError("The passwords do not match.")
        return first
