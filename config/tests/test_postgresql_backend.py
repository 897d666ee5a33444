"""The database backend's health check (config/postgresql): free while the connection is idle and alive, and a
connection the server ended is found out before a request uses it."""

from __future__ import annotations

import time

import pytest
from django.db import connection, connections

from config.postgresql.base import DatabaseWrapper


@pytest.mark.django_db
def test_backend_is_the_projects():
    assert isinstance(connections["default"], DatabaseWrapper)


@pytest.mark.django_db
def test_a_connection_the_server_ended_is_not_usable():
    # Given a persistent connection of its own, alive and idle
    wrapper = connections.create_connection("default")
    try:
        wrapper.ensure_connection()
        assert wrapper.is_usable() is True
        backend_pid = wrapper.connection.info.backend_pid

        # When the server ends it (a restart or an administrator does the same)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [backend_pid])
            assert cursor.fetchone() == (True,)

        # Then the check finds out, and the next use connects again
        deadline = time.monotonic() + 10
        while wrapper.is_usable() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert wrapper.is_usable() is False
        wrapper.close_if_unusable_or_obsolete()  # what request_started does
        with wrapper.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            assert cursor.fetchone() != (backend_pid,)
    finally:
        wrapper.close()
