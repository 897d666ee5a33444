"""Low-level work on PostgreSQL schemas: existence, migration state, migrate, clone, rename, drop."""

from __future__ import annotations

import functools
import io

from django.conf import settings
from django.core.management import call_command
from django.db.migrations.loader import MigrationLoader
from django_tenants.clone import CloneSchema
from django_tenants.utils import schema_exists

from tenants.db import connection

MigrationKey = tuple[str, str]


def quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@functools.cache
def expected_migrations() -> frozenset[MigrationKey]:
    """Every migration the running code knows; a current tenant schema has recorded exactly these."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return frozenset(loader.graph.nodes)


def applied_migrations(schema_name: str) -> frozenset[MigrationKey] | None:
    """The migrations recorded in a schema's own django_migrations table, or None if it has none."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [f"{quote_identifier(schema_name)}.django_migrations"])
        row = cursor.fetchone()
        if row is None or row[0] is None:
            return None
        cursor.execute(f"SELECT app, name FROM {quote_identifier(schema_name)}.django_migrations")  # noqa: S608
        return frozenset((app, name) for app, name in cursor.fetchall())


def schema_is_current(schema_name: str) -> bool:
    return applied_migrations(schema_name) == expected_migrations()


def schema_migrate(schema_name: str, *, verbosity: int = 0) -> None:
    """Create the schema if needed and run the tenant migrations in it, for real (never --fake)."""
    connection.set_schema_to_public()
    if not schema_exists(schema_name):
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE SCHEMA {quote_identifier(schema_name)}")
    call_command(
        "migrate_schemas",
        schema_name=schema_name,
        tenant=True,
        interactive=False,
        verbosity=verbosity,
        stdout=io.StringIO(),
    )
    connection.set_schema_to_public()


def schema_clone(source_schema: str, target_schema: str) -> None:
    """Copy a schema's structure and rows (django_migrations, content types, permissions) to a new name."""
    connection.set_schema_to_public()
    CloneSchema().clone_schema(source_schema, target_schema, "DATA", set_connection=False)
    _constraint_names_align(source_schema, target_schema)


_CONSTRAINTS_SQL = """
    SELECT cls.relname, con.contype, replace(pg_get_constraintdef(con.oid), %s, ''), con.conname
    FROM pg_constraint con
    JOIN pg_class cls ON cls.oid = con.conrelid
    JOIN pg_namespace ns ON ns.oid = cls.relnamespace
    WHERE ns.nspname = %s
"""


def _constraint_names_align(source_schema: str, target_schema: str) -> None:
    """Give the clone's constraints the source's names.

    The clone function recreates unique constraints under PostgreSQL's default names ('..._key'), but a
    later migration may drop or alter a constraint by the name Django gave it ('..._uniq').
    """

    def constraints(schema: str) -> dict[tuple[str, str, str], str]:
        with connection.cursor() as cursor:
            cursor.execute(_CONSTRAINTS_SQL, [f"{quote_identifier(schema)}.", schema])
            rows = cursor.fetchall()
            cursor.execute(_CONSTRAINTS_SQL, [f"{schema}.", schema])
            rows += cursor.fetchall()
        return {(table, kind, definition): name for table, kind, definition, name in rows}

    wanted = constraints(source_schema)
    with connection.cursor() as cursor:
        for key, name in constraints(target_schema).items():
            source_name = wanted.get(key)
            if source_name is not None and source_name != name:
                cursor.execute(
                    f"ALTER TABLE {quote_identifier(target_schema)}.{quote_identifier(key[0])} "
                    f"RENAME CONSTRAINT {quote_identifier(name)} TO {quote_identifier(source_name)}"
                )


def schema_rename(old_name: str, new_name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER SCHEMA {quote_identifier(old_name)} RENAME TO {quote_identifier(new_name)}")


def schema_drop(schema_name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {quote_identifier(schema_name)} CASCADE")


def template_schema_name() -> str:
    return str(settings.TENANT_TEMPLATE_SCHEMA)


def schema_table_count(schema_name: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = %s AND table_type = 'BASE TABLE'",
            [schema_name],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else 0
