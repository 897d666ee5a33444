"""BEGIN, SAVEPOINT and RELEASE SAVEPOINT ride in front of the next statement instead of making round trips of
their own (config/postgresql/base.py), and transactions mean exactly what they meant before.

Each test has a connection of its own, in autocommit between transactions as in production (the test's own runs
inside a transaction), with a temporary table of its own. What the connection sent is read from libpq's protocol
trace: one `Query` message per round trip.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import cast

import pytest
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction

from config.postgresql.base import DatabaseWrapper, deferred_statements
from shared_apps.common.testing import TestTenant

ALIAS = "deferral_test"
SAVEPOINT = re.compile(r'SAVEPOINT "[^"]+"')
INSERT_1 = "INSERT INTO note (id, body) VALUES (1, 'x')"


@pytest.fixture
def db(acme: TestTenant, tmp_path: Path) -> Iterator[DatabaseWrapper]:
    wrapper = cast(DatabaseWrapper, connections.create_connection(DEFAULT_DB_ALIAS))
    wrapper.set_schema(acme.schema_name)
    with wrapper.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE note (id integer PRIMARY KEY, body text NOT NULL)")
    connections[ALIAS] = wrapper
    try:
        yield wrapper
    finally:
        del connections[ALIAS]
        wrapper.close()


class Trace:
    """The messages a connection sends while the block runs (libpq's trace)."""

    def __init__(self, wrapper: DatabaseWrapper, path: Path) -> None:
        self.wrapper = wrapper
        self.path = path

    def __enter__(self) -> Trace:
        self.file = self.path.open("w")
        self.wrapper.connection.pgconn.trace(self.file.fileno())
        return self

    def __exit__(self, *exc: object) -> None:
        self.wrapper.connection.pgconn.untrace()
        self.file.close()

    @property
    def queries(self) -> list[str]:
        """Each Query message's text, savepoint names made generic."""
        sent = []
        for line in self.path.read_text().splitlines():
            fields = line.split("\t")
            if len(fields) >= 5 and fields[1] == "F" and fields[3] == "Query":
                sent.append(SAVEPOINT.sub('SAVEPOINT "s"', fields[4].strip()[1:-1]))
        return sent


def path_set_and(wrapper: DatabaseWrapper, *statements: str) -> str:
    """`statements` behind the SET that rides in front once django-tenants forgot the path (after any rollback)."""
    return "; ".join([f'SET search_path = "{wrapper.schema_name}","public"', *statements])


def notes(wrapper: DatabaseWrapper) -> list[tuple[int, str]]:
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT id, body FROM note ORDER BY id")
        return [(int(row[0]), str(row[1])) for row in cursor.fetchall()]


def insert(wrapper: DatabaseWrapper, note_id: int, body: str = "x") -> None:
    with wrapper.cursor() as cursor:
        cursor.execute("INSERT INTO note (id, body) VALUES (%s, %s)", [note_id, body])


def test_a_write_with_a_nested_block_makes_one_round_trip_per_statement_and_the_commit(
    db: DatabaseWrapper, tmp_path: Path
) -> None:
    # When a transaction writes, then writes inside a nested block (as the audit row is written), then reads
    with Trace(db, tmp_path / "trace") as trace:
        with transaction.atomic(using=ALIAS):
            insert(db, 1)
            with transaction.atomic(using=ALIAS):
                insert(db, 2)
            assert notes(db) == [(1, "x"), (2, "x")]

    # Then BEGIN, SAVEPOINT and RELEASE each rode in front of the next statement, and COMMIT made the fourth trip
    assert trace.queries == [
        "BEGIN; INSERT INTO note (id, body) VALUES (1, 'x')",
        "SAVEPOINT \"s\"; INSERT INTO note (id, body) VALUES (2, 'x')",
        'RELEASE SAVEPOINT "s"; SELECT id, body FROM note ORDER BY id',
        "COMMIT",
    ]
    assert notes(db) == [(1, "x"), (2, "x")]


def test_blocks_that_ran_nothing_send_nothing(db: DatabaseWrapper, tmp_path: Path) -> None:
    with Trace(db, tmp_path / "trace") as trace:
        with transaction.atomic(using=ALIAS):
            with transaction.atomic(using=ALIAS):
                pass
            with transaction.atomic(using=ALIAS):
                with transaction.atomic(using=ALIAS):
                    pass
            assert deferred_statements(db.connection) == []

    assert trace.queries == []
    assert db.connection.pgconn.transaction_status == 0  # idle: no transaction was left open


def test_a_failed_statement_in_a_nested_block_rolls_back_that_block_only(db: DatabaseWrapper, tmp_path: Path) -> None:
    def nested_block_fails() -> None:
        with transaction.atomic(using=ALIAS):
            insert(db, 2, "undone")
            insert(db, 1, "duplicate")

    # Given a transaction that wrote a row, When a nested block fails on a duplicate key and the outer goes on
    with Trace(db, tmp_path / "trace") as trace:
        with transaction.atomic(using=ALIAS):
            insert(db, 1, "kept")
            with pytest.raises(IntegrityError):
                nested_block_fails()
            insert(db, 3, "after")

    # Then the block's rows are gone, the others committed, and the rollback went to the savepoint that was sent
    assert notes(db) == [(1, "kept"), (3, "after")]
    assert trace.queries[3:] == [
        'ROLLBACK TO SAVEPOINT "s"',
        # (django-tenants forgets the search_path after any rollback, so it is set again)
        path_set_and(db, 'RELEASE SAVEPOINT "s"', "INSERT INTO note (id, body) VALUES (3, 'after')"),
        "COMMIT",
    ]


def test_a_block_that_fails_before_any_statement_needs_no_round_trip(db: DatabaseWrapper, tmp_path: Path) -> None:
    def refused() -> None:
        with transaction.atomic(using=ALIAS):
            raise ValueError("refused before any write")

    with Trace(db, tmp_path / "trace") as trace:
        with transaction.atomic(using=ALIAS):
            insert(db, 1)
            with pytest.raises(ValueError, match="refused"):
                refused()
            insert(db, 2)

    # Django rolls back to the savepoint and releases it: neither ever reached the server
    assert trace.queries == [
        "BEGIN; INSERT INTO note (id, body) VALUES (1, 'x')",
        path_set_and(db, "INSERT INTO note (id, body) VALUES (2, 'x')"),
        "COMMIT",
    ]
    assert notes(db) == [(1, "x"), (2, "x")]


def test_a_savepoint_rolled_back_to_before_it_was_sent_is_still_made(db: DatabaseWrapper, tmp_path: Path) -> None:
    # (PostgreSQL keeps a savepoint after ROLLBACK TO, so one can roll back to it again)
    with Trace(db, tmp_path / "trace") as trace:
        with transaction.atomic(using=ALIAS):
            sid = db.savepoint()
            db.savepoint_rollback(sid)
            insert(db, 1)
            db.savepoint_rollback(sid)
            insert(db, 2)

    assert trace.queries[:3] == [
        "BEGIN; " + path_set_and(db, 'SAVEPOINT "s"', INSERT_1),
        'ROLLBACK TO SAVEPOINT "s"',
        path_set_and(db, "INSERT INTO note (id, body) VALUES (2, 'x')"),
    ]
    assert notes(db) == [(2, "x")]


def test_a_rollback_of_the_transaction_drops_what_is_deferred(db: DatabaseWrapper) -> None:
    deferred_when_it_failed: list[str] = []

    def action() -> None:
        with transaction.atomic(using=ALIAS):
            insert(db, 1)
            with transaction.atomic(using=ALIAS):
                insert(db, 2)
            deferred_when_it_failed.extend(deferred_statements(db.connection))
            raise RuntimeError("the action failed")

    with pytest.raises(RuntimeError, match="the action failed"):
        action()

    # The nested block's RELEASE was still deferred when the transaction failed; it was dropped with it
    assert [statement.split()[0] for statement in deferred_when_it_failed] == ["RELEASE"]
    assert deferred_statements(db.connection) == []
    assert notes(db) == []
    # And the next transaction starts clean
    with transaction.atomic(using=ALIAS):
        insert(db, 4)
    assert notes(db) == [(4, "x")]


def test_a_statement_that_cannot_carry_them_gets_them_on_their_own_first(db: DatabaseWrapper, tmp_path: Path) -> None:
    with Trace(db, tmp_path / "trace") as trace:
        with transaction.atomic(using=ALIAS):
            insert(db, 1)
            sid = db.savepoint()
            with db.cursor() as cursor:
                cursor.execute("SHOW search_path")
            insert(db, 2)
            db.savepoint_rollback(sid)

    assert trace.queries == [
        "BEGIN; INSERT INTO note (id, body) VALUES (1, 'x')",
        'SAVEPOINT "s"',
        "SHOW search_path",
        "INSERT INTO note (id, body) VALUES (2, 'x')",
        'ROLLBACK TO SAVEPOINT "s"',
        "COMMIT",
    ]
    assert notes(db) == [(1, "x")]


def test_a_server_side_cursor_gets_them_first(db: DatabaseWrapper) -> None:
    with transaction.atomic(using=ALIAS):
        insert(db, 1)
        sid = db.savepoint()
        chunked = db.chunked_cursor()
        chunked.execute("SELECT id FROM note")
        rows = chunked.fetchall()
        chunked.close()
        insert(db, 2)
        db.savepoint_rollback(sid)

    assert rows == [(1,)]
    assert notes(db) == [(1, "x")]


def test_a_failed_first_statement_leaves_no_transaction_behind(db: DatabaseWrapper, tmp_path: Path) -> None:
    def twice() -> None:
        with transaction.atomic(using=ALIAS):
            insert(db, 1)
            insert(db, 1)

    # When the transaction's second statement fails (its first carried the BEGIN)
    with pytest.raises(IntegrityError):
        twice()

    # Then the transaction was rolled back whole, and the next one works on the same connection
    assert db.connection.pgconn.transaction_status == 0
    with Trace(db, tmp_path / "trace") as trace, transaction.atomic(using=ALIAS):
        insert(db, 2)
    assert trace.queries[0].startswith("BEGIN; ")
    assert notes(db) == [(2, "x")]


def test_a_failed_statement_that_carried_the_begin(db: DatabaseWrapper) -> None:
    def fails_first() -> None:
        with transaction.atomic(using=ALIAS), db.cursor() as cursor:
            cursor.execute("INSERT INTO note (id, body) VALUES (1, NULL)")

    with pytest.raises(IntegrityError):
        fails_first()

    assert db.connection.pgconn.transaction_status == 0
    assert notes(db) == []
