"""Two real companies, acme and globex: nothing made in one is usable, visible or changeable from the other."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context
from rest_framework.test import APIClient

from shared_apps.common.testing import TEST_PASSWORD, TestTenant, api_client
from tenant_apps.accounts.models import ApiToken, Invitation, User
from tenant_apps.accounts.tasks import send_password_reset_email
from tenant_apps.accounts.tests.conftest import Person, login, png_bytes, user_make, user_row
from tenants.models import Tenant

# One endpoint of every family, each needing a signed-in user.
SIGNED_IN_ENDPOINTS = [
    ("get", "/api/auth/me"),
    ("get", "/api/users"),
    ("get", "/api/invitations"),
    ("get", "/api/tokens"),
    ("get", "/api/settings"),
]


def with_cookie_of(source: APIClient, tenant: TestTenant) -> APIClient:
    client = api_client(tenant.hostname)
    client.cookies[settings.SESSION_COOKIE_NAME] = source.cookies[settings.SESSION_COOKIE_NAME].value
    return client


@pytest.fixture
def acme_token(acme: TestTenant, acme_owner: Person) -> dict:
    return acme_owner.client.post("/api/tokens", {"name": "acme only"}, format="json").json()


@pytest.fixture
def acme_invitation(acme_owner: Person, django_capture_on_commit_callbacks) -> tuple[int, str]:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = acme_owner.client.post("/api/invitations", {"email": "new@example.test"}, format="json")
    return response.json()["id"], callbacks[0].keywords["token"]


@pytest.mark.parametrize(("method", "path"), SIGNED_IN_ENDPOINTS)
def test_acme_session_cookie_is_anonymous_at_globex(acme_owner: Person, globex: TestTenant, method, path):
    client = with_cookie_of(acme_owner.client, globex)

    response = getattr(client, method)(path)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_acme_session_cookie_changes_nothing_at_globex(acme_owner: Person, globex: TestTenant):
    client = with_cookie_of(acme_owner.client, globex)

    renamed = client.patch("/api/settings", {"name": "Taken over"}, format="json")
    invited = client.post("/api/invitations", {"email": "spy@example.test"}, format="json")

    assert (renamed.status_code, invited.status_code) == (401, 401)
    assert Tenant.objects.get(pk=globex.tenant_id).name == "Globex Inc"
    with schema_context(globex.schema_name):
        assert Invitation.objects.count() == 0


@pytest.mark.parametrize(("method", "path"), SIGNED_IN_ENDPOINTS)
def test_acme_api_token_is_refused_at_globex(acme_token: dict, globex: TestTenant, method, path):
    client = api_client(globex.hostname)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {acme_token['token']}")

    response = getattr(client, method)(path)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_acme_user_ids_are_404_at_globex(acme: TestTenant, globex: TestTenant, globex_owner: Person):
    acme_user_id = user_make(acme, email="only-at-acme@acme.test", full_name="Acme Person")
    with schema_context(globex.schema_name):
        assert not User.objects.filter(pk=acme_user_id).exists()
    before = user_row(acme, acme_user_id)

    fetched = globex_owner.client.get(f"/api/users/{acme_user_id}")
    patched = globex_owner.client.patch(f"/api/users/{acme_user_id}", {"role": "admin"}, format="json")
    deleted = globex_owner.client.delete(f"/api/users/{acme_user_id}")

    assert [fetched.status_code, patched.status_code, deleted.status_code] == [404, 404, 404]
    assert user_row(acme, acme_user_id) == before
    listed = globex_owner.client.get("/api/users").json()["results"]
    assert [user["email"] for user in listed] == [globex.owner_email]


def test_acme_token_id_is_404_at_globex(acme: TestTenant, globex: TestTenant, globex_owner: Person, acme_token: dict):
    with schema_context(globex.schema_name):
        assert not ApiToken.objects.filter(pk=acme_token["id"]).exists()

    response = globex_owner.client.delete(f"/api/tokens/{acme_token['id']}")

    assert response.status_code == 404
    with schema_context(acme.schema_name):
        assert ApiToken.objects.get(pk=acme_token["id"]).revoked_at is None
    assert globex_owner.client.get("/api/tokens").json()["results"] == []


def test_acme_invitation_id_is_404_at_globex(
    acme: TestTenant, globex: TestTenant, globex_owner: Person, acme_invitation: tuple[int, str]
):
    invitation_id, _ = acme_invitation

    response = globex_owner.client.delete(f"/api/invitations/{invitation_id}")

    assert response.status_code == 404
    with schema_context(acme.schema_name):
        assert Invitation.objects.get(pk=invitation_id).status == "pending"
    assert globex_owner.client.get("/api/invitations").json()["results"] == []


def test_acme_invitation_link_fails_at_globex(acme: TestTenant, globex: TestTenant, acme_invitation: tuple[int, str]):
    invitation_id, token = acme_invitation

    response = api_client(globex.hostname).post(
        "/api/invitations/accept",
        {"token": token, "full_name": "Spy", "password": "a-fine-passphrase-1"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"token": ["This invitation link is invalid or has expired."]}
    with schema_context(globex.schema_name):
        assert not User.objects.filter(email="new@example.test").exists()
    with schema_context(acme.schema_name):
        assert Invitation.objects.get(pk=invitation_id).status == "pending"


def test_acme_password_reset_link_fails_at_globex(
    acme: TestTenant, globex: TestTenant, acme_owner: Person, globex_owner: Person, locmem_email, mailoutbox
):
    # Both owners have user id 1 in their own schema: only the per-tenant signature tells the links apart.
    assert acme_owner.id == globex_owner.id
    with schema_context(acme.schema_name):
        send_password_reset_email.run(email=acme.owner_email)
    link = next(line for line in mailoutbox[0].body.splitlines() if line.startswith("http"))
    query = {key: values[0] for key, values in parse_qs(urlsplit(link).query).items()}

    response = api_client(globex.hostname).post(
        "/api/auth/password-reset/confirm", {**query, "new_password": "a-fine-passphrase-1"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"token": ["This password reset link is invalid or has expired."]}
    with schema_context(globex.schema_name):
        assert User.objects.get(pk=globex_owner.id).check_password(TEST_PASSWORD)
    assert globex_owner.client.get("/api/auth/me").status_code == 200


def test_acme_credentials_do_not_sign_in_at_globex(acme: TestTenant, globex: TestTenant):
    response = login(api_client(globex.hostname), acme.owner_email)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_credentials"


def test_forwarded_host_naming_acme_reaches_globex_only(acme: TestTenant, globex: TestTenant):
    client = APIClient(HTTP_HOST=globex.hostname, HTTP_X_FORWARDED_HOST=acme.hostname)

    acme_login = login(client, acme.owner_email)
    globex_login = login(client, globex.owner_email)
    people = client.get("/api/users")
    company = client.get("/api/settings")

    assert acme_login.status_code == 400
    assert globex_login.status_code == 200
    assert [user["email"] for user in people.json()["results"]] == [globex.owner_email]
    assert company.json()["name"] == "Globex Inc"
    assert people.wsgi_request.tenant.schema_name == globex.schema_name


def test_settings_changes_stay_in_their_company(
    acme: TestTenant, globex: TestTenant, acme_owner: Person, globex_owner: Person, settings, tmp_path: Path
):
    settings.MEDIA_ROOT = tmp_path

    acme_owner.client.patch("/api/settings", {"name": "Acme Renamed", "currency": "EUR"}, format="json")
    acme_owner.client.put("/api/settings/logo", {"logo": SimpleUploadedFile("l.png", png_bytes())}, format="multipart")

    assert globex_owner.client.get("/api/settings").json() == {
        "name": "Globex Inc",
        "timezone": "UTC",
        "currency": "USD",
        "logo_url": None,
    }
    assert globex_owner.client.get("/api/settings/logo").status_code == 404
    assert acme_owner.client.get("/api/settings/logo").status_code == 200
    assert api_client(globex.hostname).get("/api/settings/logo").status_code == 404
    assert api_client(globex.hostname).get("/api/settings/brand").json() == {"name": "Globex Inc", "logo_url": None}
    assert list((tmp_path / "tenants").iterdir()) == [tmp_path / "tenants" / str(acme.tenant_id)]


def test_globex_admin_cannot_change_acme_settings_through_acme_host(
    acme: TestTenant, globex_owner: Person, globex: TestTenant
):
    client = with_cookie_of(globex_owner.client, acme)

    response = client.patch("/api/settings", {"name": "Globex owns you"}, format="json")

    assert response.status_code == 401
    assert Tenant.objects.get(pk=acme.tenant_id).name == "Acme Corp"
