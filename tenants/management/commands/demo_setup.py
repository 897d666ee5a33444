"""manage.py demo_setup: a ready-to-use demo company for development, made once and reused on every run.

Run by `python3 deploy/dev.py up`. The demo users' password lives in .atrium/demo-credentials.json (mode 0600);
that file is the truth: when it is missing a new password is made, and the users' passwords follow the file.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from tenant_apps.accounts.models import Invitation, Role, User
from tenants.models import Tenant
from tenants.pool import pool_refill
from tenants.provisioning import tenant_provision
from tenants.routing import tenant_hosts_forget
from tenants.schemas import schema_is_current, schema_migrate
from tenants.subdomains import schema_name_for

DEMO_SUBDOMAIN = "demo"
DEMO_COMPANY = "Demo Company"
DEMO_TIMEZONE = "Europe/Berlin"
DEMO_CURRENCY = "EUR"
# (email, full name, role); the first is the owner made with the company.
DEMO_USERS = (
    ("owner@demo.example", "Olivia Owner", Role.OWNER),
    ("admin@demo.example", "Adam Admin", Role.ADMIN),
    ("member@demo.example", "Mia Member", Role.MEMBER),
)
DEMO_INVITEE = "invitee@demo.example"


def default_credentials_path() -> Path:
    return Path(settings.BASE_DIR) / ".atrium" / "demo-credentials.json"


def credentials_read(path: Path) -> str | None:
    """The stored demo password, or None when there is no usable file."""
    try:
        stored = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    secret = stored.get("password") if isinstance(stored, dict) else None
    return secret if isinstance(secret, str) and secret else None


def credentials_write(path: Path, secret: str) -> None:
    """Write the file readable by its owner only, replacing any older one in one step."""
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {
        "subdomain": DEMO_SUBDOMAIN,
        "password": secret,
        "users": [{"email": email, "role": str(role)} for email, _name, role in DEMO_USERS],
    }
    partial = path.with_name(path.name + ".partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        json.dump(body, handle, indent=2)
        handle.write("\n")
    os.chmod(partial, 0o600)
    os.replace(partial, path)


class Command(BaseCommand):
    help = "Fill the spare schema pool and create (or bring up to date) the demo company with sample data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--credentials-file",
            type=Path,
            default=None,
            help="Where the demo password is kept (default .atrium/demo-credentials.json).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["credentials_file"] or default_credentials_path()

        report = pool_refill()
        self.stdout.write(
            f"template {'migrated' if report.template_migrated else 'current'}; spare schemas: "
            f"{report.spares_ready} ready ({report.spares_created} created, {report.spares_dropped} stale dropped)"
        )

        stored = credentials_read(path)
        secret = stored or secrets.token_urlsafe(12)
        tenant = self._tenant_ensure(secret)
        self._sample_data_ensure(tenant, secret)
        if stored is None:
            credentials_write(path, secret)
            self.stdout.write(f"new demo password written to {path}")
        self.stdout.write(self.style.SUCCESS(f"demo company ready: {tenant.domains.get(is_primary=True).domain}"))

    def _tenant_ensure(self, secret: str) -> Tenant:
        schema_name = schema_name_for(DEMO_SUBDOMAIN)
        tenant = Tenant.objects.filter(schema_name=schema_name).first()
        if tenant is not None:
            # A migration added since the demo was made: the demo schema follows the code.
            if not schema_is_current(schema_name):
                self.stdout.write(f"migrating schema {schema_name}")
                schema_migrate(schema_name)
            return tenant
        owner_email, owner_name, _role = DEMO_USERS[0]
        provisioned = tenant_provision(
            company_name=DEMO_COMPANY,
            subdomain=DEMO_SUBDOMAIN,
            admin_email=owner_email,
            admin_password=secret,
            admin_full_name=owner_name,
        )
        tenant = provisioned.tenant
        # Settings are only set here, when the company is made: later runs keep what was changed since.
        tenant.timezone = DEMO_TIMEZONE
        tenant.currency = DEMO_CURRENCY
        tenant.save(update_fields=["timezone", "currency"])
        tenant_hosts_forget(tenant)
        self.stdout.write(f"created {DEMO_COMPANY} (schema {tenant.schema_name}, from a {provisioned.schema_source})")
        return tenant

    def _sample_data_ensure(self, tenant: Tenant, secret: str) -> None:
        with schema_context(tenant.schema_name), transaction.atomic():
            users = {}
            for email, full_name, role in DEMO_USERS:
                user = User.objects.filter(email=email).first()
                if user is None:
                    user = User.objects.create_user(email, secret, full_name=full_name, role=role)
                    self.stdout.write(f"added {role} {email}")
                elif not user.check_password(secret):
                    user.set_password(secret)
                    user.save(update_fields=["password"])
                    self.stdout.write(f"reset the password of {email} to the one in the credentials file")
                users[role] = user
            self._invitation_ensure(invited_by=users[Role.OWNER])

    def _invitation_ensure(self, *, invited_by: User) -> None:
        now = timezone.now()
        open_invitation = Invitation.objects.filter(
            email=DEMO_INVITEE, accepted_at__isnull=True, revoked_at__isnull=True
        ).first()
        if open_invitation is not None:
            if open_invitation.expires_at > now:
                return
            # An open but expired invitation is replaced, so one is always pending.
            open_invitation.revoked_at = now
            open_invitation.save(update_fields=["revoked_at"])
        Invitation.objects.create(
            email=DEMO_INVITEE,
            role=Role.MEMBER,
            invited_by=invited_by,
            # No link is sent for the sample invitation, so its nonce is thrown away.
            nonce_hash=hashlib.sha256(secrets.token_urlsafe(32).encode()).hexdigest(),
            expires_at=now + timedelta(seconds=int(settings.INVITATION_MAX_AGE_SECONDS)),
        )
        self.stdout.write(f"added a pending invitation for {DEMO_INVITEE}")
