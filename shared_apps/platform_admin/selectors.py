"""Reads for the platform admin: what each listed company uses, measured in its own schema.

A page of companies costs two queries whatever its length: one finds which of the page's schemas hold the counted
tables, one UNION ALL reads every schema's counts and table sizes together (no session per company).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db import connection

from tenants.models import Tenant


@dataclass(frozen=True)
class TenantUsage:
    users: int | None
    mail_accounts: int | None  # None: the mail app is not installed, or the schema has no mail table yet
    storage_bytes: int


def _counted_tables() -> dict[str, str]:
    """Usage name → table, for the tenant apps installed here."""
    tables = {"users": apps.get_model("accounts", "User")._meta.db_table}
    if apps.is_installed("tenant_apps.mail"):
        try:
            tables["mail_accounts"] = apps.get_model("mail", "MailAccount")._meta.db_table
        except LookupError:
            pass
    return tables


def tenant_usage(*, tenants: Iterable[Tenant]) -> dict[int, TenantUsage]:
    """Active users, mail accounts and table storage (tables, indexes and TOAST) of each tenant, by tenant id."""
    schemas = {tenant.pk: tenant.schema_name for tenant in tenants}
    if not schemas:
        return {}
    tables = _counted_tables()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = ANY(%s) AND c.relname = ANY(%s) AND c.relkind IN ('r', 'p')",
            [list(schemas.values()), list(tables.values())],
        )
        present = set(cursor.fetchall())
        selects: list[str] = []
        params: list[int | str] = []
        for tenant_id, schema in schemas.items():
            counts: list[str] = []
            for name, table in tables.items():
                if (schema, table) not in present:
                    counts.append("NULL")
                    continue
                qualified = f"{connection.ops.quote_name(schema)}.{connection.ops.quote_name(table)}"
                where = " WHERE is_active" if name == "users" else ""
                # Identifiers only (quoted schema and table names from our own rows); values go as parameters.
                counts.append(f"(SELECT count(*) FROM {qualified}{where})")  # noqa: S608
            if "mail_accounts" not in tables:
                counts.append("NULL")
            storage = (
                "(SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c"
                " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind IN ('r', 'p', 'm'))"
            )
            selects.append(f"SELECT %s::bigint, {counts[0]}, {counts[1]}, {storage}::bigint")  # noqa: S608
            params.extend([tenant_id, schema])
        cursor.execute(" UNION ALL ".join(selects), params)
        rows = cursor.fetchall()
    return {
        int(tenant_id): TenantUsage(
            users=None if users is None else int(users),
            mail_accounts=None if mail_accounts is None else int(mail_accounts),
            storage_bytes=int(storage),
        )
        for tenant_id, users, mail_accounts, storage in rows
    }


def tenant_subdomain(*, tenant: Tenant, hostnames: Iterable[str]) -> str:
    """The tenant's name under BASE_DOMAIN (what staff type to confirm a deletion)."""
    suffix = f".{settings.BASE_DOMAIN}"
    for hostname in hostnames:
        if hostname.endswith(suffix):
            return hostname[: -len(suffix)]
    return tenant.schema_name.replace("_", "-")
