"""Each recorded action, done through the real API, leaves exactly one audit row saying who, what and from where."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.http import urlsafe_base64_encode
from django_tenants.utils import schema_context

from shared_apps.common.testing import TEST_PASSWORD, TestTenant, api_client
from tenant_apps.accounts.links import password_reset_tokens
from tenant_apps.accounts.models import User
from tenant_apps.accounts.tests.conftest import Person, login, png_bytes, signed_in
from tenant_apps.audit.tests.conftest import events_of

NEW_PASSWORD = "a fresh long passphrase 42"


def _only(events: list[dict[str, Any]]) -> dict[str, Any]:
    assert len(events) == 1, events
    return events[0]


def test_sign_in_records_actor_ip_user_agent_and_request_id(acme: TestTenant, acme_owner: Person, acme_member: Person):
    client = api_client(acme.hostname)

    response = login(client, acme_member.email, HTTP_USER_AGENT="AuditTest/1.0", HTTP_X_REQUEST_ID="req-audit-1")

    assert response.status_code == 200
    event = events_of(acme_owner.client, "auth.sign_in")[0]
    assert (event["actor_id"], event["actor_email"], event["action_label"]) == (
        acme_member.id,
        acme_member.email,
        "Signed in",
    )
    assert (event["target_type"], event["target_id"]) == ("user", str(acme_member.id))
    assert (event["ip"], event["user_agent"], event["request_id"]) == ("127.0.0.1", "AuditTest/1.0", "req-audit-1")


def test_failed_sign_in_records_the_address_but_never_the_password(acme: TestTenant, acme_owner: Person):
    response = login(api_client(acme.hostname), "nobody@acme.test", "guessed-password-123")

    assert response.status_code == 400
    event = _only(events_of(acme_owner.client, "auth.sign_in_failed"))
    assert (event["actor_id"], event["actor_email"], event["details"]) == (None, "", {"email": "nobody@acme.test"})
    assert "guessed-password-123" not in str(event)


def test_sign_out_everywhere_is_recorded(acme_owner: Person, acme_member: Person):
    assert acme_member.client.post("/api/auth/logout-everywhere").status_code == 204

    event = _only(events_of(acme_owner.client, "auth.sign_out_everywhere"))
    assert event["actor_id"] == acme_member.id


def test_password_change_is_recorded_without_the_password(acme_owner: Person, acme_member: Person):
    response = acme_member.client.patch(
        "/api/auth/me", {"current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD}, format="json"
    )

    assert response.status_code == 200
    event = _only(events_of(acme_owner.client, "auth.password_change"))
    assert (event["actor_id"], event["details"]) == (acme_member.id, {})
    assert NEW_PASSWORD not in str(event)


def test_password_reset_is_recorded(acme: TestTenant, acme_owner: Person, acme_member: Person):
    with schema_context(acme.schema_name):
        user = User.objects.get(pk=acme_member.id)
        token = password_reset_tokens(acme.schema_name).make_token(user)
    uid = urlsafe_base64_encode(str(user.pk).encode())

    response = api_client(acme.hostname).post(
        "/api/auth/password-reset/confirm", {"uid": uid, "token": token, "new_password": NEW_PASSWORD}, format="json"
    )

    assert response.status_code == 204, response.content
    event = _only(events_of(acme_owner.client, "auth.password_reset"))
    assert (event["actor_id"], event["target_id"]) == (acme_member.id, str(acme_member.id))


def test_role_change_deactivate_and_reactivate_are_recorded(acme_owner: Person, acme_member: Person):
    url = f"/api/users/{acme_member.id}"

    assert acme_owner.client.patch(url, {"role": "admin"}, format="json").status_code == 200
    assert acme_owner.client.delete(url).status_code == 204
    assert acme_owner.client.patch(url, {"is_active": True}, format="json").status_code == 200

    role_change = _only(events_of(acme_owner.client, "user.role_change"))
    assert (role_change["actor_id"], role_change["target_id"], role_change["details"]) == (
        acme_owner.id,
        str(acme_member.id),
        {"role_before": "member", "role_after": "admin"},
    )
    assert _only(events_of(acme_owner.client, "user.deactivate"))["target_label"] == acme_member.email
    assert _only(events_of(acme_owner.client, "user.reactivate"))["target_label"] == acme_member.email


def test_invitation_create_revoke_and_accept_are_recorded(
    acme: TestTenant, acme_owner: Person, django_capture_on_commit_callbacks: Any
):
    first = acme_owner.client.post("/api/invitations", {"email": "gone@acme.test"}, format="json").json()
    assert acme_owner.client.delete(f"/api/invitations/{first['id']}").status_code == 204
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invited = {"email": "joins@acme.test", "role": "admin"}
        assert acme_owner.client.post("/api/invitations", invited, format="json").status_code == 201
    token = callbacks[0].keywords["token"]

    accepted = api_client(acme.hostname).post(
        "/api/invitations/accept", {"token": token, "full_name": "Jo Ins", "password": NEW_PASSWORD}, format="json"
    )

    assert accepted.status_code == 201, accepted.content
    created = events_of(acme_owner.client, "invitation.create")
    assert [event["target_label"] for event in created] == [
        "invitation for joins@acme.test",
        "invitation for gone@acme.test",
    ]
    assert _only(events_of(acme_owner.client, "invitation.revoke"))["target_id"] == str(first["id"])
    accept = _only(events_of(acme_owner.client, "invitation.accept"))
    assert (accept["actor_email"], accept["details"]) == ("joins@acme.test", {"role": "admin"})


def test_api_token_create_and_revoke_are_recorded_without_the_secret(acme_owner: Person, acme_member: Person):
    created = acme_member.client.post("/api/tokens", {"name": "deploys"}, format="json").json()
    assert acme_member.client.delete(f"/api/tokens/{created['id']}").status_code == 204

    create = _only(events_of(acme_owner.client, "api_token.create"))
    revoke = _only(events_of(acme_owner.client, "api_token.revoke"))
    assert (create["actor_id"], create["target_id"], revoke["target_id"]) == (
        acme_member.id,
        str(created["id"]),
        str(created["id"]),
    )
    assert created["token"] not in str(create) + str(revoke)


def test_settings_and_logo_changes_are_recorded(acme: TestTenant, acme_owner: Person):
    assert acme_owner.client.patch("/api/settings", {"currency": "CHF"}, format="json").status_code == 200
    logo = SimpleUploadedFile("logo.png", png_bytes(), content_type="image/png")
    assert acme_owner.client.put("/api/settings/logo", {"logo": logo}, format="multipart").status_code == 200
    assert acme_owner.client.delete("/api/settings/logo").status_code == 200

    change = _only(events_of(acme_owner.client, "settings.change"))
    assert (change["target_type"], change["target_id"], change["details"]) == (
        "tenant",
        str(acme.tenant_id),
        {"changed": ["currency"]},
    )
    logo_changes = events_of(acme_owner.client, "settings.logo_change")
    assert [event["details"] for event in logo_changes] == [{"change": "removed"}, {"change": "replaced"}]


def test_a_refused_action_records_nothing(acme_owner: Person, acme_member: Person):
    response = acme_member.client.patch(f"/api/users/{acme_owner.id}", {"role": "member"}, format="json")

    assert response.status_code == 403
    assert events_of(acme_owner.client, "user.role_change") == []


def test_the_log_is_newest_first(acme: TestTenant, acme_owner: Person):
    # the fixture signed the owner in once; signing in again adds a newer row
    signed_in(acme, acme_owner.email)
    events = events_of(acme_owner.client, "auth.sign_in")
    assert [event["actor_email"] for event in events[:2]] == [acme_owner.email, acme_owner.email]
    assert events[0]["id"] > events[1]["id"]
