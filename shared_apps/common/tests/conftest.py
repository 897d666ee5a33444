"""Fixtures of the common tests: people of the accounts tests, signed in through the real API."""

from tenant_apps.accounts.tests.conftest import acme_owner

__all__ = ["acme_owner"]
