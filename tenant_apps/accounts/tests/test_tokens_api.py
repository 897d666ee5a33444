"""Personal API tokens: shown once, stored as a hash, listed and revoked by their owner only."""

from __future__ import annotations

import hashlib

from django_tenants.utils import schema_context
from rest_framework.test import APIClient

from shared_apps.common.testing import TestTenant, api_client
from tenant_apps.accounts.models import ApiToken
from tenant_apps.accounts.tests.conftest import Person, error

TOKEN_KEYS = {"id", "name", "prefix", "created_at", "last_used_at", "revoked_at"}


def bearer(tenant: TestTenant, secret: str, **client_options: bool) -> APIClient:
    client = APIClient(HTTP_HOST=tenant.hostname, **client_options)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_created_token_is_shown_once_and_stored_hashed(acme: TestTenant, acme_member: Person):
    response = acme_member.client.post("/api/tokens", {"name": " CI deploys "}, format="json")

    assert response.status_code == 201
    body = response.json()
    assert set(body) == TOKEN_KEYS | {"token"}
    secret = body["token"]
    assert secret.startswith("atr_")
    assert len(secret) > 40
    assert (body["name"], body["prefix"], body["last_used_at"], body["revoked_at"]) == (
        "CI deploys",
        secret[:12],
        None,
        None,
    )
    with schema_context(acme.schema_name):
        stored = ApiToken.objects.get(pk=body["id"])
    assert stored.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert stored.user_id == acme_member.id


def test_token_authenticates_and_records_its_use(acme: TestTenant, acme_member: Person):
    body = acme_member.client.post("/api/tokens", {"name": "script"}, format="json").json()

    response = bearer(acme, body["token"]).get("/api/auth/me")

    assert response.status_code == 200
    assert response.json()["email"] == acme_member.email
    with schema_context(acme.schema_name):
        assert ApiToken.objects.get(pk=body["id"]).last_used_at is not None


def test_token_requests_need_no_csrf(acme: TestTenant, acme_member: Person):
    secret = acme_member.client.post("/api/tokens", {"name": "script"}, format="json").json()["token"]

    response = bearer(acme, secret, enforce_csrf_checks=True).patch("/api/auth/me", {"full_name": "Bot"}, format="json")

    assert response.status_code == 200


def test_list_shows_only_my_tokens_without_secrets(acme: TestTenant, acme_member: Person, acme_admin: Person):
    mine = acme_member.client.post("/api/tokens", {"name": "mine"}, format="json").json()
    acme_admin.client.post("/api/tokens", {"name": "not mine"}, format="json")

    response = acme_member.client.get("/api/tokens")

    assert response.status_code == 200
    assert response.json()["next"] is None
    assert response.json()["results"] == [
        {
            "id": mine["id"],
            "name": "mine",
            "prefix": mine["prefix"],
            "created_at": mine["created_at"],
            "last_used_at": None,
            "revoked_at": None,
        }
    ]


def test_revoked_token_stops_working(acme: TestTenant, acme_member: Person):
    body = acme_member.client.post("/api/tokens", {"name": "script"}, format="json").json()

    response = acme_member.client.delete(f"/api/tokens/{body['id']}")

    assert response.status_code == 204
    refused = bearer(acme, body["token"]).get("/api/auth/me")
    assert refused.status_code == 401
    assert refused.json() == error("authentication_failed", "The token is not valid or has been revoked.")
    listed = acme_member.client.get("/api/tokens").json()["results"]
    assert listed[0]["revoked_at"] is not None


def test_nobody_revokes_another_persons_token(acme: TestTenant, acme_member: Person, acme_admin: Person):
    body = acme_admin.client.post("/api/tokens", {"name": "admin's"}, format="json").json()

    response = acme_member.client.delete(f"/api/tokens/{body['id']}")

    assert response.status_code == 404
    assert response.json() == error("not_found", "No such token.")
    with schema_context(acme.schema_name):
        assert ApiToken.objects.get(pk=body["id"]).revoked_at is None
    assert bearer(acme, body["token"]).get("/api/auth/me").status_code == 200


def test_made_up_token_is_401(acme: TestTenant):
    response = bearer(acme, "atr_made-up").get("/api/auth/me")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_anonymous_cannot_list_or_create_tokens(acme_client):
    assert acme_client.get("/api/tokens").status_code == 401
    assert acme_client.post("/api/tokens", {"name": "x"}, format="json").status_code == 401


def test_bad_token_names_are_field_errors(acme: TestTenant, acme_member: Person):
    missing = acme_member.client.post("/api/tokens", {}, format="json")
    blank = acme_member.client.post("/api/tokens", {"name": "  "}, format="json")
    too_long = acme_member.client.post("/api/tokens", {"name": "x" * 101}, format="json")
    wrong_type = acme_member.client.post("/api/tokens", {"name": {"a": 1}}, format="json")

    assert missing.json()["error"]["fields"] == {"name": ["This field is required."]}
    assert blank.json()["error"]["fields"] == {"name": ["This field may not be blank."]}
    assert too_long.json()["error"]["fields"] == {"name": ["Ensure this field has no more than 100 characters."]}
    assert wrong_type.json()["error"]["fields"] == {"name": ["Not a valid string."]}
    with schema_context(acme.schema_name):
        assert ApiToken.objects.count() == 0


def test_session_created_token_works_on_a_new_client(acme: TestTenant, acme_owner: Person):
    secret = acme_owner.client.post("/api/tokens", {"name": "x"}, format="json").json()["token"]
    client = api_client(acme.hostname)
    client.credentials(HTTP_AUTHORIZATION=f"bearer {secret}")

    assert client.get("/api/users").status_code == 200
