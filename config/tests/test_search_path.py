"""The search_path rides in front of the first query after a schema switch (config/postgresql/base.py), and the
connection never believes a path is set that the session does not have."""

from __future__ import annotations

from typing import cast

import pytest
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django_tenants.utils import schema_context

from config.postgresql.base import DatabaseWrapper, SearchPathCursor, _carries
from shared_apps.common.testing import TestTenant
from tenant_apps.accounts.models import User
from tenants.db import connection


def session_path() -> str:
    """What the session really has, asked with a statement the SET cannot ride on (so any pending one goes first)."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW search_path")
        return str(cursor.fetchone()[0])


def last_message(cursor: object) -> bytes:
    """The text psycopg last sent on a Django cursor."""
    raw = cursor.cursor  # type: ignore[attr-defined]
    assert isinstance(raw, SearchPathCursor)
    assert raw._query is not None
    return bytes(raw._query.query)


def test_the_set_rides_in_front_of_the_first_query_only(acme: TestTenant, globex: TestTenant):
    with schema_context(acme.schema_name):
        assert connection.search_path_set_schemas is None
        with connection.cursor() as cursor:
            cursor.execute("SELECT email FROM accounts_user WHERE role = %s", ["owner"])

            assert cursor.fetchall() == [(acme.owner_email,)]
            # (after the test transaction's BEGIN, which rides in the same message)
            assert (
                last_message(cursor)
                .removeprefix(b"BEGIN; ")
                .startswith(f'SET search_path = "{acme.schema_name}","public"; SELECT'.encode())
            )
        assert connection.search_path_set_schemas == [acme.schema_name, "public"]

        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM accounts_user")

            assert last_message(cursor).startswith(b"SELECT")

    with schema_context(globex.schema_name):
        assert list(User.objects.values_list("email", flat=True).filter(role="owner")) == [globex.owner_email]
        assert session_path() == f"{globex.schema_name}, public"


def test_rowcount_and_returning_are_the_querys(acme: TestTenant):
    with schema_context(acme.schema_name):
        with connection.cursor() as cursor:
            cursor.execute("UPDATE accounts_user SET full_name = full_name WHERE role = %s", ["owner"])

            assert cursor.rowcount == 1
            assert b"; UPDATE" in last_message(cursor)

    with schema_context(acme.schema_name):
        owner_id = User.objects.get(role="owner").pk
    connection.set_schema_to_public()
    with schema_context(acme.schema_name), connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_user SET full_name = 'Rider' WHERE role = %s RETURNING id", ["owner"])

        assert cursor.fetchall() == [(owner_id,)]
        assert b"; UPDATE" in last_message(cursor)
    with schema_context(acme.schema_name):
        assert User.objects.get(pk=owner_id).full_name == "Rider"


def test_a_failed_query_takes_its_set_with_it(acme: TestTenant, globex: TestTenant):
    # A connection of its own, in autocommit as in production (the test's own runs inside a transaction).
    wrapper = cast(DatabaseWrapper, connections.create_connection(DEFAULT_DB_ALIAS))
    try:
        wrapper.set_schema(acme.schema_name)
        with wrapper.cursor() as cursor:
            cursor.execute("SHOW search_path")
            assert cursor.fetchone() == (f"{acme.schema_name}, public",)

        wrapper.set_schema(globex.schema_name)
        with pytest.raises(DatabaseError), wrapper.cursor() as cursor:
            cursor.execute("SELECT 1 / 0 FROM accounts_user")

        assert last_message(cursor).startswith(f'SET search_path = "{globex.schema_name}"'.encode())
        assert wrapper.search_path_set_schemas is None
        with wrapper.connection.cursor() as raw:  # psycopg's own: nothing pending rides on it
            raw.execute("SHOW search_path")
            assert raw.fetchone() == (f"{acme.schema_name}, public",)
        with wrapper.cursor() as cursor:
            cursor.execute("SELECT email FROM accounts_user WHERE role = 'owner'")
            assert cursor.fetchall() == [(globex.owner_email,)]
        assert wrapper.search_path_set_schemas == [globex.schema_name, "public"]
    finally:
        wrapper.close()


def test_a_cursor_closed_unused_leaves_the_set_to_the_next(acme: TestTenant, globex: TestTenant):
    with schema_context(acme.schema_name):
        session_path()
    with schema_context(globex.schema_name):
        connection.cursor().close()

        assert connection.search_path_set_schemas is None
        assert User.objects.get(role="owner").email == globex.owner_email


def test_a_switch_between_cursor_and_query_is_not_taken_for_set(acme: TestTenant, globex: TestTenant):
    with schema_context(acme.schema_name):
        early = connection.cursor()
        connection.set_schema(globex.schema_name)
        early.execute("SELECT email FROM accounts_user WHERE role = 'owner'")

        # The early cursor ran where it was made; the connection does not count that path as globex's.
        assert early.fetchone() == (acme.owner_email,)
        assert connection.search_path_set_schemas is None
        early.close()
        assert User.objects.get(role="owner").email == globex.owner_email


def test_other_statements_get_the_set_on_its_own_first(acme: TestTenant):
    with schema_context(acme.schema_name), connection.cursor() as cursor:
        cursor.execute("SHOW search_path")

        assert cursor.fetchone() == (f"{acme.schema_name}, public",)
        assert last_message(cursor) == b"SHOW search_path"
        assert connection.search_path_set_schemas == [acme.schema_name, "public"]


@pytest.mark.parametrize(
    ("query", "carries"),
    [
        ("SELECT 1", True),
        ("  select\n1", True),
        ("WITH x AS (SELECT 1) SELECT * FROM x", True),
        ("INSERT INTO t VALUES (1)", True),
        ("UPDATE t SET a = 1", True),
        ("DELETE FROM t", True),
        ("SAVEPOINT s1", False),
        ("SELECTED", False),
        ("CREATE INDEX CONCURRENTLY i ON t (a)", False),
        ("VACUUM t", False),
        (b"SELECT 1", False),
    ],
)
def test_which_statements_carry_the_set(query: object, carries: bool):
    assert _carries(query) is carries
