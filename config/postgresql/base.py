"""django-tenants' PostgreSQL backend with a health check that costs no round trip while the connection is idle.

With CONN_HEALTH_CHECKS, Django checks a persistent connection before the first query of every request, and
PostgreSQL's backend does it with `SELECT 1`: a round trip (and CPU on both sides) per request. A connection
the server closed (a restart, an administrator's pg_terminate_backend, idle_session_timeout) has something to
read on its socket: the server's goodbye or the end of the stream. So an idle socket with nothing to read is
taken as healthy, and only a readable one gets the `SELECT 1`, which fails on a dead connection as before.
"""

from __future__ import annotations

import select

from django_tenants.postgresql_backend.base import DatabaseWrapper as TenantDatabaseWrapper


class DatabaseWrapper(TenantDatabaseWrapper):
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
