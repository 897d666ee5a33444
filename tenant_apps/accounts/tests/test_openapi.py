"""The OpenAPI contract describes the accounts endpoints as they behave: bodies, auth, pagination."""

from __future__ import annotations

from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    generated = SchemaGenerator(urlconf="config.urls_tenant").get_schema(request=None, public=True)
    validate_schema(generated)
    return generated


def _body_ref(operation: dict[str, Any], media_type: str = "application/json") -> str:
    return operation["requestBody"]["content"][media_type]["schema"]["$ref"].rsplit("/", 1)[-1]


def test_every_accounts_endpoint_is_in_the_contract(schema):
    assert {path for path in schema["paths"] if not path.startswith("/api/schema")} >= {
        "/api/auth/csrf", "/api/auth/login", "/api/auth/logout", "/api/auth/logout-everywhere", "/api/auth/me",
        "/api/auth/password-reset", "/api/auth/password-reset/confirm", "/api/users", "/api/users/{user_id}",
        "/api/invitations", "/api/invitations/{invitation_id}", "/api/invitations/accept", "/api/tokens",
        "/api/tokens/{token_id}", "/api/settings", "/api/settings/logo",
    }  # fmt: skip


def test_request_bodies_are_described(schema):
    paths = schema["paths"]

    assert _body_ref(paths["/api/auth/login"]["post"]) == "LoginRequest"
    assert _body_ref(paths["/api/users/{user_id}"]["patch"]) == "PatchedUserUpdateRequest"
    assert _body_ref(paths["/api/invitations/accept"]["post"]) == "InvitationAcceptRequest"
    assert _body_ref(paths["/api/settings/logo"]["put"], "multipart/form-data") == "LogoUploadRequest"
    assert schema["components"]["schemas"]["LoginRequest"]["required"] == ["email", "password"]


def test_anonymous_endpoints_need_no_credentials_and_the_rest_do(schema):
    paths = schema["paths"]

    assert paths["/api/auth/login"]["post"]["security"] == [{}]
    assert paths["/api/invitations/accept"]["post"]["security"] == [{}]
    assert paths["/api/users"]["get"]["security"] == [{"apiToken": []}, {"cookieAuth": []}]
    assert schema["components"]["securitySchemes"]["apiToken"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "atr_...",
    }


def test_lists_are_cursor_paginated_and_secrets_are_never_listed(schema):
    components = schema["components"]["schemas"]

    assert components["PaginatedApiTokenList"]["properties"]["results"]["items"]["$ref"].endswith("/ApiToken")
    assert "key_hash" not in components["ApiToken"]["properties"]
    assert "token" not in components["ApiToken"]["properties"]
    assert "token" in components["ApiTokenCreated"]["properties"]
    assert "password" not in components["User"]["properties"]
