"""manage.py platform_staff_create: make a platform staff account (who may use /admin/ on the public host)."""

from __future__ import annotations

import getpass
import sys
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from shared_apps.platform_admin.services import platform_staff_create


class Command(BaseCommand):
    help = "Create a platform staff account for the admin at BASE_DOMAIN/admin/."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True, help="The staff member's email, used to sign in.")
        parser.add_argument("--full-name", default="", help="The staff member's name.")
        parser.add_argument(
            "--password-stdin", action="store_true", help="Read the password from the first line of stdin."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        password = self._password(options)
        try:
            staff = platform_staff_create(email=options["email"], password=password, full_name=options["full_name"])
        except ValidationError as exc:
            lines = [f"  --{field}: {message}" for field, messages in exc.message_dict.items() for message in messages]
            raise CommandError("The staff account was not created:\n" + "\n".join(lines)) from exc
        port = f":{settings.PUBLIC_URL_PORT}" if settings.PUBLIC_URL_PORT else ""
        self.stdout.write(self.style.SUCCESS(f"Created platform staff {staff.email}"))
        self.stdout.write(f"Sign in at {settings.PUBLIC_URL_SCHEME}://{settings.BASE_DOMAIN}{port}/admin/")

    def _password(self, options: dict[str, Any]) -> str:
        if options["password_stdin"]:
            return sys.stdin.readline().rstrip("\r\n")
        if not sys.stdin.isatty():
            raise CommandError("No password given: pass --password-stdin or run in a terminal.")
        first = getpass.getpass("Password: ")
        if getpass.getpass("Password (again): ") != first:
            raise CommandError("The passwords do not match.")
        return first
