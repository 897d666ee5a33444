"""Fixtures of the audit tests: the accounts tests' people, signed in through the real API, and a reader of
the log as an admin sees it."""

from __future__ import annotations

from typing import Any

from rest_framework.test import APIClient

# pytest finds fixtures imported here.
from tenant_apps.accounts.tests.conftest import (
    _login_counters_cleared,
    acme_admin,
    acme_member,
    acme_owner,
    globex_owner,
    locmem_email,
)

__all__ = [
    "_login_counters_cleared",
    "acme_admin",
    "acme_member",
    "acme_owner",
    "events_of",
    "globex_owner",
    "locmem_email",
]


def events_of(client: APIClient, action: str) -> list[dict[str, Any]]:
    """The audit rows of one action, newest first, read through the API."""
    response = client.get("/api/audit-events", {"action": action})
    assert response.status_code == 200, response.content
    return list(response.json()["results"])
