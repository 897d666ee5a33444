"""django-tenants' PostgreSQL backend, with two round trips less per request.

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
"""

from __future__ import annotations

import select
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db.backends.postgresql.base import Cursor as DjangoClientCursor
from django_tenants.postgresql_backend.base import DatabaseWrapper as TenantDatabaseWrapper
from django_tenants.utils import get_limit_set_calls, quote_schema_name

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


class SearchPathCursor(_ClientCursor):
    """A client-side-binding cursor that sends a pending `SET search_path` in the message of its first query."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.search_path_pending: str | None = None
        self.search_path_sent: Callable[[], None] | None = None

    def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
        pending, sent = self.search_path_pending, self.search_path_sent
        if pending is None:
            return super().execute(query, params, **kwargs)
        if not _carries(query):
            self._search_path_send()
            return super().execute(query, params, **kwargs)
        self.search_path_pending = self.search_path_sent = None
        super().execute(f"{pending}; {query}", params, **kwargs)
        self.nextset()
        if sent is not None:
            sent()
        return self

    def executemany(self, query: Any, params_seq: Any, **kwargs: Any) -> None:
        self._search_path_send()
        super().executemany(query, params_seq, **kwargs)

    def copy(self, statement: Any, params: Any = None, **kwargs: Any) -> Any:
        self._search_path_send()
        return super().copy(statement, params, **kwargs)

    def stream(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
        self._search_path_send()
        return super().stream(query, params, **kwargs)

    def _search_path_send(self) -> None:
        """Send a pending SET on its own (before a statement it cannot ride in front of)."""
        pending, sent = self.search_path_pending, self.search_path_sent
        if pending is None:
            return
        self.search_path_pending = self.search_path_sent = None
        super().execute(pending)
        if sent is not None:
            sent()


class DatabaseWrapper(TenantDatabaseWrapper):
    def get_connection_params(self) -> dict[str, Any]:
        params = super().get_connection_params()
        if params.get("cursor_factory") is DjangoClientCursor:
            params["cursor_factory"] = SearchPathCursor
        return params

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
