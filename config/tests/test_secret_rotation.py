"""Rotating SECRET_KEY: what the old key signed keeps working while it is listed in SECRET_KEY_FALLBACKS."""

from __future__ import annotations

from django.test import override_settings

from shared_apps.common.testing import TestTenant
from tenant_apps.accounts.tests.conftest import login

OLD_KEY = "old-secret-key-" + "o" * 50
NEW_KEY = "new-secret-key-" + "n" * 50


def _signed_in_with_the_old_key(acme: TestTenant, client) -> None:
    with override_settings(SECRET_KEY=OLD_KEY, SECRET_KEY_FALLBACKS=[]):
        assert login(client, acme.owner_email).status_code == 200
        assert client.get("/api/auth/me").status_code == 200


def test_a_session_signed_with_the_old_key_survives_the_rotation(acme: TestTenant, acme_client):
    _signed_in_with_the_old_key(acme, acme_client)

    with override_settings(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[OLD_KEY]):
        me = acme_client.get("/api/auth/me")

    assert me.status_code == 200
    assert me.json()["email"] == acme.owner_email


def test_without_the_fallback_the_old_session_is_void(acme: TestTenant, acme_client):
    _signed_in_with_the_old_key(acme, acme_client)

    with override_settings(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[]):
        me = acme_client.get("/api/auth/me")

    assert me.status_code == 401
