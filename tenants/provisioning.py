"""Creating and deleting companies. Signup never migrates: the schema comes from the spare pool or a clone."""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, ProgrammingError, transaction
from django_tenants.utils import schema_context
from psycopg import errors as psycopg_errors

from tenant_apps.accounts.models import Role, User
from tenant_apps.accounts.token_cache import auth_cache_invalidate
from tenants.db import connection
from tenants.models import Domain, Tenant
from tenants.pool import spare_take
from tenants.routing import host_cache_forget
from tenants.schemas import schema_clone, schema_drop, schema_is_current, template_schema_name
from tenants.subdomains import hostname_for, schema_name_for, subdomain_normalize, subdomain_problem

logger = logging.getLogger(__name__)

SchemaSource = Literal["spare", "clone"]


class ProvisioningUnavailable(Exception):
    """Neither a spare schema nor the template exists: the deploy step (`manage.py tenants_migrate`) has not run."""


@dataclass(frozen=True)
class ProvisionedTenant:
    tenant: Tenant
    domain: Domain
    owner: User
    schema_source: SchemaSource


def subdomain_availability(*, subdomain: str) -> tuple[str, dict[str, list[str]]]:
    """The normalized subdomain and the field errors that stop it being used."""
    normalized = subdomain_normalize(subdomain)
    problem = subdomain_problem(normalized)
    if problem is not None:
        return normalized, {"subdomain": [problem[1]]}
    if _name_in_use(schema_name_for(normalized), hostname_for(normalized)):
        return normalized, {"subdomain": [f"'{normalized}' is already taken."]}
    return normalized, {}


def _name_in_use(schema_name: str, hostname: str) -> bool:
    """Is the host routed, or the schema name held by a tenant row or an existing schema?

    Exact comparisons, so the unique indexes answer: schema names made here are always lowercase.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM tenants_domain WHERE domain = %s)"
            " OR EXISTS (SELECT 1 FROM tenants_tenant WHERE schema_name = %s)"
            " OR EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = %s)",
            [hostname, schema_name, schema_name],
        )
        row = cursor.fetchone()
    return bool(row and row[0])


def tenant_provision(
    *,
    company_name: str,
    subdomain: str,
    admin_email: str,
    admin_password: str | None = None,
    admin_password_hash: str | None = None,
    admin_full_name: str = "",
) -> ProvisionedTenant:
    """Create a company with its schema, primary domain and owner, all or nothing.

    Pass admin_password (validated and hashed here) or an already made admin_password_hash.
    Raises ValidationError with field errors, or ProvisioningUnavailable.
    """
    company_name = company_name.strip()
    admin_email = User.objects.normalize_email(admin_email.strip()).lower()
    subdomain, errors = subdomain_availability(subdomain=subdomain)
    if not company_name:
        errors["company_name"] = ["Enter the company's name."]
    elif len(company_name) > 100:
        errors["company_name"] = ["A company name has at most 100 characters."]
    try:
        validate_email(admin_email)
    except ValidationError:
        errors["admin_email"] = ["Enter a valid email address."]
    if admin_password_hash is None:
        if not admin_password:
            errors["admin_password"] = ["Enter a password."]
        else:
            try:
                validate_password(admin_password, User(email=admin_email, full_name=admin_full_name))
            except ValidationError as exc:
                errors["admin_password"] = list(exc.messages)
    if errors:
        raise ValidationError(errors)

    # The deliberately slow hash happens before any lock is taken.
    password_hash = admin_password_hash or make_password(admin_password)
    schema_name = schema_name_for(subdomain)
    hostname = hostname_for(subdomain)
    if connection.schema_name != settings.PUBLIC_SCHEMA_NAME:
        # Only when needed: switching forgets the session's search_path and costs a SET on the next query.
        connection.set_schema_to_public()
    try:
        with transaction.atomic():
            source = _schema_provide(schema_name)
            # A plain INSERT: the unique index on schema_name guards what TenantMixin.save would check again,
            # and the schema already exists, so there is nothing for it to create.
            (tenant,) = Tenant.objects.bulk_create([Tenant(schema_name=schema_name, name=company_name)])
            # The tenant's first and only domain: DomainMixin.save's demotion of other primaries has nothing to do.
            (domain,) = Domain.objects.bulk_create([Domain(domain=hostname, tenant=tenant, is_primary=True)])
            with schema_context(schema_name):
                owner = User.objects.create(
                    email=admin_email, full_name=admin_full_name.strip(), role=Role.OWNER, password=password_hash
                )
            transaction.on_commit(lambda: _after_provision(hostname))
    except (IntegrityError, ProgrammingError, ValidationError) as exc:
        # A concurrent signup won the same subdomain between the check and the rename.
        if not _is_name_collision(exc):
            raise
        raise ValidationError({"subdomain": [f"'{subdomain}' is already taken."]}) from exc
    finally:
        connection.set_schema_to_public()
    return ProvisionedTenant(tenant=tenant, domain=domain, owner=owner, schema_source=source)


def _schema_provide(schema_name: str) -> SchemaSource:
    if spare_take(schema_name):
        return "spare"
    template = template_schema_name()
    if not schema_is_current(template):
        # Missing, or behind the code (a deploy whose tenants_migrate has not run): never hand out a stale copy.
        raise ProvisioningUnavailable(
            "No current spare or template schema to create the company from; run `manage.py tenants_migrate`."
        )
    logger.info("spare pool empty; cloning the template for %s", schema_name)
    schema_clone(template, schema_name)
    return "clone"


def _is_name_collision(exc: Exception) -> bool:
    if isinstance(exc, ValidationError):
        return any("already exists" in message for message in exc.messages)
    if isinstance(exc, IntegrityError):
        return True
    return isinstance(exc.__cause__, psycopg_errors.DuplicateSchema)


def _after_provision(hostname: str) -> None:
    host_cache_forget(hostname)
    from tenants.tasks import spare_pool_refill_soon

    spare_pool_refill_soon()


def tenant_delete(*, tenant: Tenant) -> None:
    """Drop a company's schema and its rows (tenant, domains) together, then its stored files."""
    if tenant.schema_name == settings.PUBLIC_SCHEMA_NAME:
        raise ValueError("The public schema is not a tenant and cannot be deleted.")
    hostnames = list(tenant.domains.values_list("domain", flat=True))
    tenant_id = tenant.pk
    connection.set_schema_to_public()
    with transaction.atomic():
        schema_drop(tenant.schema_name)
        # The schema is gone already; the row goes without django-tenants trying to drop it again.
        Tenant.objects.filter(pk=tenant_id).delete()
    for hostname in hostnames:
        host_cache_forget(hostname)
    # A later company may get this schema name: nothing a web process remembers about its tokens may outlive it.
    auth_cache_invalidate(tenant.schema_name)
    # Files kept by tenant id (logo, uploads) and by schema name (mail blobs: tenant_apps.mail.storage).
    for directory in (str(tenant_id), tenant.schema_name):
        shutil.rmtree(Path(settings.MEDIA_ROOT) / "tenants" / directory, ignore_errors=True)
