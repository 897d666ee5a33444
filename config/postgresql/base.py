"""django-tenants' PostgreSQL backend, with fewer round trips per request.

**Health check.** With CONN_HEALTH_CHECKS, Django checks a persistent connection before the first query of every
request, and PostgreSQL's backend does it with `SELECT 1`: a round trip (and CPU on both sides) per request. A
connection the server closed (a restart, an administrator's pg_terminate_backend, idle_session_timeout) has
something to read on its socket: the server's goodbye or the end of the stream. So an idle socket with nothing to
read is taken as healthy, and only a readable one gets the `SELECT 1`, which fails on a dead connection as before.

**search_path.** django-tenants sends `SET search_path = ...` on a connection whenever the schema it should use
changed (every request of another company than the thread's last one), as a statement of its own before the
query that needs it: a round trip that costs about as much CPU, here and in PostgreSQL, as a simple query. Here
the SET rides in front of that query instead, in the same message (`SET search_path = ...; SELECT ...`,
PostgreSQL's simple query protocol, which psycopg's client-side-binding cursors use), and the cursor steps past
the SET's result to the query's, so Django sees only its own statement. The connection counts the path as set
only once such a message succeeded: a statement that failed takes its SET with it (outside a transaction both
run in one implicit transaction; inside one, the rollback that must follow undoes it, and django-tenants forgets
the path on rollback), and a cursor closed before it ran anything leaves the next one to send it. Only a plain
SELECT, INSERT, UPDATE, DELETE or WITH carries it; any other statement (a SAVEPOINT, DDL, what may not run in a
transaction block) gets the SET sent on its own first, as before.

**Transaction statements.** With autocommit off, psycopg sends `BEGIN` as a message of its own before the first
statement of a transaction, and Django sends every `SAVEPOINT` and `RELEASE SAVEPOINT` of a nested atomic block
(the audit row's, say) as one too: a write request made 7 to 13 round trips, half of them for these. Here they
are deferred and ride in front of the next statement in the same message, as the SET does:
`BEGIN; SET search_path = ...; SAVEPOINT "s1"; INSERT ...`. A savepoint released or rolled back before anything
ran inside it is never sent at all (a rollback keeps it, as PostgreSQL does); at COMMIT or ROLLBACK, whatever is
still deferred is moot and dropped. A rollback to a savepoint already sent first sends what is deferred, then the
rollback, each on its own as before. Deferred statements wait in the order Django issued them, on the psycopg
connection (`deferred_statements`), so every cursor of that connection sends them first; a statement that cannot
carry them (see above), `executemany`, COPY, a stream or a server-side cursor gets them on their own first.
"""

from __future__ import annotations

import select
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db.backends.postgresql.base import Cursor as DjangoClientCursor
from django_tenants.postgresql_backend.base import DatabaseWrapper as TenantDatabaseWrapper
from django_tenants.utils import get_limit_set_calls, quote_schema_name
from psycopg import pq

# Statements the SET may ride in front of (by their first word).
_CARRIERS = ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH")


def _carries(query: object) -> bool:
    if not isinstance(query, str):
        return False
    head = query.lstrip()[:7].upper()
    return any(head.startswith(word) and head[len(word) : len(word) + 1] in ("", " ", "\n", "(") for word in _CARRIERS)


if TYPE_CHECKING:  # django-stubs does not know Django's cursor is psycopg's ClientCursor with callproc
    from psycopg import ClientCursor

    _ClientCursor = ClientCursor[Any]
else:
    _ClientCursor = DjangoClientCursor


def deferred_statements(connection: Any) -> list[str]:
    """The transaction statements waiting to ride in front of `connection`'s next statement (a psycopg connection)."""
    deferred: list[str] | None = getattr(connection, "deferred_statements", None)
    if deferred is None:
        deferred = connection.deferred_statements = []
    return deferred


class SearchPathCursor(_ClientCursor):
    """A client-side-binding cursor that sends a pending `BEGIN`, `SET search_path` and deferred savepoint
    statements in the message of its first query."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.search_path_pending: str | None = None
        self.search_path_sent: Callable[[], None] | None = None

    def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
        connection: Any = self._conn
        deferred = deferred_statements(connection)
        pending, sent = self.search_path_pending, self.search_path_sent
        begin = not connection._autocommit and connection.pgconn.transaction_status == pq.TransactionStatus.IDLE
        if pending is None and not deferred and not begin:
            return super().execute(query, params, **kwargs)
        if not _carries(query):
            self._ahead_send()
            return super().execute(query, params, **kwargs)
        ahead = [connection._get_tx_start_command().decode()] if begin else []
        if pending is not None:
            ahead.append(pending)
        ahead += deferred
        deferred.clear()
        self.search_path_pending = self.search_path_sent = None
        if begin:
            # The BEGIN is in the message: psycopg must not send one of its own first (it only looks at this flag).
            connection._autocommit = True
        try:
            super().execute("; ".join([*ahead, query]), params, **kwargs)
        finally:
            if begin:
                connection._autocommit = False
        for _ in ahead:
            self.nextset()
        if sent is not None:
            sent()
        return self

    def executemany(self, query: Any, params_seq: Any, **kwargs: Any) -> None:
        self._ahead_send()
        super().executemany(query, params_seq, **kwargs)

    def copy(self, statement: Any, params: Any = None, **kwargs: Any) -> Any:
        self._ahead_send()
        return super().copy(statement, params, **kwargs)

    def stream(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
        self._ahead_send()
        return super().stream(query, params, **kwargs)

    def _ahead_send(self) -> None:
        """Send a pending SET and the deferred statements on their own (before a statement they cannot ride on);
        psycopg sends a pending BEGIN before them, as usual."""
        pending, sent = self.search_path_pending, self.search_path_sent
        deferred = deferred_statements(self._conn)
        if pending is None and not deferred:
            return
        ahead = ([pending] if pending is not None else []) + deferred
        deferred.clear()
        self.search_path_pending = self.search_path_sent = None
        super().execute("; ".join(ahead))
        if sent is not None:
            sent()


class DatabaseWrapper(TenantDatabaseWrapper):
    def get_connection_params(self) -> dict[str, Any]:
        params = super().get_connection_params()
        if params.get("cursor_factory") is DjangoClientCursor:
            params["cursor_factory"] = SearchPathCursor
        return params

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        connection = super().get_new_connection(conn_params)
        # A pooled connection may come back with statements of an abandoned transaction: they are moot.
        deferred_statements(connection).clear()
        return connection

    def _deferring(self) -> bool:
        return self.connection is not None and self.connection.cursor_factory is SearchPathCursor

    def create_cursor(self, name: str | None = None) -> Any:
        if name and self._deferring():
            # A server-side cursor's DECLARE is sent by another class of cursor: what is deferred goes first.
            self._deferred_send()
        return super().create_cursor(name)

    def _deferred_send(self) -> None:
        deferred = deferred_statements(self.connection)
        if deferred:
            with self.cursor() as cursor:
                cursor.cursor._ahead_send()

    def _savepoint(self, sid: str) -> None:
        if not self._deferring():
            super()._savepoint(sid)
            return
        deferred_statements(self.connection).append(self.ops.savepoint_create_sql(sid))

    def _deferred_savepoint(self, sid: str) -> tuple[list[str], int | None]:
        """The connection's deferred statements, and where `sid`'s SAVEPOINT waits among them (None: it was sent)."""
        deferred = deferred_statements(self.connection)
        create = self.ops.savepoint_create_sql(sid)
        return deferred, deferred.index(create) if create in deferred else None

    def _savepoint_commit(self, sid: str) -> None:
        if not self._deferring():
            super()._savepoint_commit(sid)
            return
        deferred, waiting = self._deferred_savepoint(sid)
        if waiting is not None:
            # Nothing ran since it was made: it (and any savepoint made after it) need never reach the server.
            del deferred[waiting:]
        else:
            deferred.append(self.ops.savepoint_commit_sql(sid))

    def _savepoint_rollback(self, sid: str) -> None:
        if not self._deferring():
            super()._savepoint_rollback(sid)
            return
        deferred, waiting = self._deferred_savepoint(sid)
        if waiting is not None:
            # Nothing ran since it was made: rolling back to it leaves it, and only it, to be made.
            del deferred[waiting + 1 :]
            return
        self._deferred_send()
        super()._savepoint_rollback(sid)

    def _commit(self) -> None:
        if self.connection is not None:
            deferred_statements(self.connection).clear()
        super()._commit()

    def _rollback(self) -> None:
        if self.connection is not None:
            deferred_statements(self.connection).clear()
        super()._rollback()

    def is_usable(self) -> bool:
        if self.connection is None or self.connection.closed:
            return False
        try:
            readable, _, _ = select.select([self.connection.fileno()], [], [], 0)
        except (OSError, ValueError):
            return False
        if not readable:
            return True
        return bool(super().is_usable())

    def _handle_search_path(self, cursor: Any = None) -> None:
        raw = getattr(cursor, "cursor", None)
        if (
            not isinstance(raw, SearchPathCursor)
            or not self.schema_name
            or self._setting_search_path
            or (get_limit_set_calls() and self.search_path_set_schemas)
        ):
            super()._handle_search_path(cursor)
            return
        # Validated and quoted as django-tenants does.
        search_paths = self._get_cursor_search_paths()
        raw.search_path_pending = "SET search_path = " + ",".join(quote_schema_name(path) for path in search_paths)

        def sent(connection: DatabaseWrapper = self, paths: list[str] = search_paths) -> None:
            # Set now, but the schema may have been switched since the cursor was made: then what the session
            # has is not what the connection wants, and the next cursor must send the SET again.
            wanted = connection._get_cursor_search_paths() == paths
            connection.search_path_set_schemas = paths if wanted else None

        raw.search_path_sent = sent
