"""Inviting people by email: signed one-use links, expiry, replacement, acceptance, and who may invite whom."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.core import signing
from django.utils import timezone
from django_tenants.utils import schema_context
from rest_framework.test import APIClient

from shared_apps.common.testing import TestTenant, api_client
from tenant_apps.accounts.models import Invitation, User
from tenant_apps.accounts.tasks import SENT, SKIPPED, send_invitation_email
from tenant_apps.accounts.tests.conftest import Person, error, user_make

PASSWORD = "a-new-colleague-passphrase"
INVALID_LINK = {"token": ["This invitation link is invalid or has expired."]}


def invite(admin: Person, email: str, role: str = "member", callbacks_capture: Any = None) -> tuple[Any, str]:
    """POST an invitation; return the response and the token queued for the email."""
    with callbacks_capture(execute=False) as callbacks:
        response = admin.client.post("/api/invitations", {"email": email, "role": role}, format="json")
    token = callbacks[0].keywords["token"] if callbacks else ""
    return response, token


def accept(client: APIClient, token: str, full_name: str = "New Colleague", password: str = PASSWORD) -> Any:
    return client.post(
        "/api/invitations/accept", {"token": token, "full_name": full_name, "password": password}, format="json"
    )


def invitation_row(tenant: TestTenant, invitation_id: int) -> Invitation:
    with schema_context(tenant.schema_name):
        return Invitation.objects.get(pk=invitation_id)


def test_admin_invites_and_the_email_is_queued_on_commit(
    acme: TestTenant, acme_admin: Person, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = acme_admin.client.post(
            "/api/invitations", {"email": " New@Acme.test ", "role": "admin"}, format="json"
        )

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {
        "id", "email", "role", "status", "invited_by", "created_at", "expires_at", "accepted_at", "revoked_at"
    }  # fmt: skip
    assert (body["email"], body["role"], body["status"]) == ("new@acme.test", "admin", "pending")
    assert body["invited_by"] == {"id": acme_admin.id, "email": acme_admin.email, "full_name": ""}
    assert len(callbacks) == 1
    assert callbacks[0].func == send_invitation_email.delay
    assert set(callbacks[0].keywords) == {"invitation_id", "token"}
    assert callbacks[0].keywords["invitation_id"] == body["id"]
    stored = invitation_row(acme, body["id"])
    payload = signing.loads(callbacks[0].keywords["token"], salt=f"atrium.accounts.invitation:{acme.schema_name}")
    assert payload["i"] == body["id"]
    assert stored.nonce_hash == hashlib.sha256(payload["n"].encode()).hexdigest()
    assert timedelta(days=6, hours=23) < stored.expires_at - stored.created_at <= timedelta(days=7)


def test_invitation_email_carries_the_accept_link(
    acme: TestTenant, acme_owner: Person, django_capture_on_commit_callbacks, locmem_email, mailoutbox
):
    response, token = invite(acme_owner, "new@acme.test", "admin", django_capture_on_commit_callbacks)

    with schema_context(acme.schema_name):
        result = send_invitation_email.run(invitation_id=response.json()["id"], token=token)

    assert result == SENT
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["new@acme.test"]
    assert message.subject == "You are invited to join Acme Corp on Atrium"
    link = f"http://{acme.hostname}/invite/accept?{urlencode({'token': token})}"
    assert link in message.body.splitlines()
    assert "Acme Corp Owner invited you to join Acme Corp on Atrium as admin." in message.body
    assert parse_qs(urlsplit(link).query)["token"] == [token]


def test_invitation_task_runs_through_celery_in_the_tenant_schema(
    acme: TestTenant, acme_owner: Person, django_capture_on_commit_callbacks, locmem_email, mailoutbox
):
    response, token = invite(acme_owner, "new@acme.test", "member", django_capture_on_commit_callbacks)

    # apply() runs the task in this thread through Celery's machinery: argument checks, and the schema header
    # that tenant-schemas-celery attaches when a task is sent from a tenant's schema.
    with schema_context(acme.schema_name):
        result = send_invitation_email.apply(kwargs={"invitation_id": response.json()["id"], "token": token})

    assert result.get() == SENT
    assert [message.to for message in mailoutbox] == [["new@acme.test"]]


def test_invitation_link_has_the_public_port_when_configured(
    acme: TestTenant, acme_owner: Person, django_capture_on_commit_callbacks, locmem_email, mailoutbox, settings
):
    settings.PUBLIC_URL_SCHEME = "https"
    settings.PUBLIC_URL_PORT = "8443"
    response, token = invite(acme_owner, "new@acme.test", "member", django_capture_on_commit_callbacks)

    with schema_context(acme.schema_name):
        send_invitation_email.run(invitation_id=response.json()["id"], token=token)

    assert f"https://{acme.hostname}:8443/invite/accept?{urlencode({'token': token})}" in mailoutbox[0].body


def test_accepting_creates_the_user_with_the_role_and_signs_in(
    acme: TestTenant, acme_owner: Person, django_capture_on_commit_callbacks
):
    response, token = invite(acme_owner, "new@acme.test", "admin", django_capture_on_commit_callbacks)
    client = api_client(acme.hostname)

    accepted = accept(client, token, full_name="  Nia New ")

    assert accepted.status_code == 201
    assert accepted.json()["email"] == "new@acme.test"
    assert accepted.json()["role"] == "admin"
    assert accepted.json()["full_name"] == "Nia New"
    assert client.get("/api/auth/me").json()["email"] == "new@acme.test"
    stored = invitation_row(acme, response.json()["id"])
    assert stored.status == "accepted"
    with schema_context(acme.schema_name):
        user = User.objects.get(email="new@acme.test")
        assert user.check_password(PASSWORD)
        assert stored.accepted_user_id == user.pk


def test_invitation_link_works_once(acme: TestTenant, acme_owner: Person, django_capture_on_commit_callbacks):
    _, token = invite(acme_owner, "new@acme.test", "member", django_capture_on_commit_callbacks)
    accept(api_client(acme.hostname), token)

    again = accept(api_client(acme.hostname), token, full_name="Someone Else")

    assert again.status_code == 400
    assert again.json()["error"]["fields"] == {"token": ["This invitation was already used; sign in instead."]}
    with schema_context(acme.schema_name):
        assert User.objects.filter(email="new@acme.test").values_list("full_name", flat=True).get() == "New Colleague"


def test_expired_invitation_cannot_be_accepted(
    acme: TestTenant, acme_owner: Person, django_capture_on_commit_callbacks
):
    response, token = invite(acme_owner, "new@acme.test", "member", django_capture_on_commit_callbacks)
    with schema_context(acme.schema_name):
        Invitation.objects.filter(pk=response.json()["id"]).update(expires_at=timezone.now() - timedelta(seconds=1))

    accepted = accept(api_client(acme.hostname), token)

    assert accepted.status_code == 400
    assert accepted.json()["error"]["fields"] == {"token": ["This invitation has expired; ask for a new one."]}
    with schema_context(acme.schema_name):
        assert not User.objects.filter(email="new@acme.test").exists()


def test_link_older_than_the_signature_max_age_is_refused(
    acme: TestTenant, acme_owner: Person, django_capture_on_commit_callbacks, settings
):
    _, token = invite(acme_owner, "new@acme.test", "member", django_capture_on_commit_callbacks)
    settings.INVITATION_MAX_AGE_SECONDS = -1

    accepted = accept(api_client(acme.hostname), token)

    assert accepted.status_code == 400
    assert accepted.json() == error("invalid", "The request has invalid fields.", INVALID_LINK)


@pytest.mark.parametrize("mangle", [lambda t: t[:-2] + "xx", lambda t: "garbage", lambda t: t.upper()])
def test_forged_link_is_refused(acme: TestTenant, acme_owner: Person, django_capture_on_commit_callbacks, mangle):
    _, token = invite(acme_owner, "new@acme.test", "member", django_capture_on_commit_callbacks)

    accepted = accept(api_client(acme.hostname), mangle(token))

    assert accepted.status_code == 400
    assert accepted.json()["error"]["fields"] == INVALID_LINK


def test_signed_link_with_a_wrong_nonce_is_refused(
    acme: TestTenant, acme_owner: Person, django_capture_on_commit_callbacks
):
    response, _ = invite(acme_owner, "new@acme.test", "member", django_capture_on_commit_callbacks)
    forged = signing.dumps(
        {"i": response.json()["id"], "n": "guessed"}, salt=f"atrium.accounts.invitation:{acme.schema_name}"
    )

    accepted = accept(api_client(acme.hostname), forged)

    assert accepted.status_code == 400
    assert accepted.json()["error"]["fields"] == INVALID_LINK


def test_accept_validates_the_password_and_keeps_the_invitation_open(
    acme: TestTenant, acme_owner: Person, django_capture_on_commit_callbacks
):
    response, token = invite(acme_owner, "new@acme.test", "member", django_capture_on_commit_callbacks)

    accepted = accept(api_client(acme.hostname), token, password="password")

    assert accepted.status_code == 400
    assert accepted.json()["error"]["fields"] == {
        "password": [
            "This password is too short. It must contain at least 10 characters.",
            "This password is too common.",
        ]
    }
    assert invitation_row(acme, response.json()["id"]).status == "pending"
    with schema_context(acme.schema_name):
        assert not User.objects.filter(email="new@acme.test").exists()


def test_accept_needs_csrf_when_enforced(acme: TestTenant, acme_owner: Person, django_capture_on_commit_callbacks):
    _, token = invite(acme_owner, "new@acme.test", "member", django_capture_on_commit_callbacks)
    client = APIClient(enforce_csrf_checks=True, HTTP_HOST=acme.hostname)

    refused = accept(client, token)
    csrf = client.get("/api/auth/csrf").json()["csrf_token"]
    accepted = client.post(
        "/api/invitations/accept",
        {"token": token, "full_name": "N", "password": PASSWORD},
        format="json",
        HTTP_X_CSRFTOKEN=csrf,
    )

    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "csrf_failed"
    assert accepted.status_code == 201


def test_inviting_an_existing_user_is_a_field_error(acme: TestTenant, acme_admin: Person, acme_member: Person):
    response = acme_admin.client.post("/api/invitations", {"email": "MEMBER@acme.test"}, format="json")

    assert response.status_code == 400
    assert response.json() == error(
        "invalid", "The request has invalid fields.", {"email": ["A user with this email already exists."]}
    )
    with schema_context(acme.schema_name):
        assert Invitation.objects.count() == 0


def test_inviting_a_deactivated_user_is_a_field_error(acme: TestTenant, acme_admin: Person):
    user_make(acme, email="gone@acme.test", is_active=False)

    response = acme_admin.client.post("/api/invitations", {"email": "gone@acme.test"}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"email": ["A user with this email already exists."]}


def test_reinviting_replaces_the_open_invitation(
    acme: TestTenant, acme_admin: Person, django_capture_on_commit_callbacks, locmem_email, mailoutbox
):
    first, first_token = invite(acme_admin, "new@acme.test", "member", django_capture_on_commit_callbacks)
    second, second_token = invite(acme_admin, "new@acme.test", "admin", django_capture_on_commit_callbacks)

    assert second.status_code == 201
    assert invitation_row(acme, first.json()["id"]).status == "revoked"
    assert invitation_row(acme, second.json()["id"]).status == "pending"
    with schema_context(acme.schema_name):
        stale = send_invitation_email.run(invitation_id=first.json()["id"], token=first_token)
    assert stale == SKIPPED
    assert mailoutbox == []
    assert accept(api_client(acme.hostname), first_token).json()["error"]["fields"] == {
        "token": ["This invitation was revoked."]
    }
    assert accept(api_client(acme.hostname), second_token).json()["role"] == "admin"


def test_reinviting_after_expiry_replaces_it(acme: TestTenant, acme_admin: Person, django_capture_on_commit_callbacks):
    first, _ = invite(acme_admin, "new@acme.test", "member", django_capture_on_commit_callbacks)
    with schema_context(acme.schema_name):
        Invitation.objects.filter(pk=first.json()["id"]).update(expires_at=timezone.now() - timedelta(days=1))

    second, _ = invite(acme_admin, "new@acme.test", "member", django_capture_on_commit_callbacks)

    assert second.status_code == 201
    assert invitation_row(acme, first.json()["id"]).revoked_at is not None


def test_admin_cannot_invite_an_owner_but_an_owner_can(
    acme: TestTenant, acme_admin: Person, acme_owner: Person, django_capture_on_commit_callbacks
):
    by_admin, _ = invite(acme_admin, "boss@acme.test", "owner", django_capture_on_commit_callbacks)
    with schema_context(acme.schema_name):
        count_after_admin = Invitation.objects.count()
    by_owner, _ = invite(acme_owner, "boss@acme.test", "owner", django_capture_on_commit_callbacks)

    assert by_admin.status_code == 403
    assert by_admin.json() == error("permission_denied", "Only an owner can invite an owner.")
    assert count_after_admin == 0
    assert by_owner.status_code == 201


def test_member_cannot_touch_invitations(
    acme: TestTenant, acme_admin: Person, acme_member: Person, django_capture_on_commit_callbacks
):
    created, _ = invite(acme_admin, "new@acme.test", "member", django_capture_on_commit_callbacks)

    listing = acme_member.client.get("/api/invitations")
    posting = acme_member.client.post("/api/invitations", {"email": "x@acme.test"}, format="json")
    revoking = acme_member.client.delete(f"/api/invitations/{created.json()['id']}")

    assert [listing.status_code, posting.status_code, revoking.status_code] == [403, 403, 403]
    with schema_context(acme.schema_name):
        assert list(Invitation.objects.values_list("email", "revoked_at")) == [("new@acme.test", None)]


def test_admin_lists_invitations_with_their_status(
    acme: TestTenant, acme_admin: Person, django_capture_on_commit_callbacks
):
    invite(acme_admin, "one@acme.test", "member", django_capture_on_commit_callbacks)
    revoked, _ = invite(acme_admin, "two@acme.test", "member", django_capture_on_commit_callbacks)
    acme_admin.client.delete(f"/api/invitations/{revoked.json()['id']}")

    response = acme_admin.client.get("/api/invitations")

    assert response.status_code == 200
    assert [(item["email"], item["status"]) for item in response.json()["results"]] == [
        ("two@acme.test", "revoked"),
        ("one@acme.test", "pending"),
    ]


def test_revoking_stops_the_link_and_the_email(
    acme: TestTenant, acme_admin: Person, django_capture_on_commit_callbacks, locmem_email, mailoutbox
):
    created, token = invite(acme_admin, "new@acme.test", "member", django_capture_on_commit_callbacks)

    response = acme_admin.client.delete(f"/api/invitations/{created.json()['id']}")
    again = acme_admin.client.delete(f"/api/invitations/{created.json()['id']}")

    assert (response.status_code, again.status_code) == (204, 204)
    with schema_context(acme.schema_name):
        assert send_invitation_email.run(invitation_id=created.json()["id"], token=token) == SKIPPED
    assert mailoutbox == []
    assert accept(api_client(acme.hostname), token).status_code == 400


def test_revoking_an_accepted_invitation_is_refused(
    acme: TestTenant, acme_admin: Person, django_capture_on_commit_callbacks
):
    created, token = invite(acme_admin, "new@acme.test", "member", django_capture_on_commit_callbacks)
    accept(api_client(acme.hostname), token)

    response = acme_admin.client.delete(f"/api/invitations/{created.json()['id']}")

    assert response.status_code == 400
    assert response.json() == error(
        "invalid",
        "This invitation was already accepted; deactivate the user instead.",
        {"non_field_errors": ["This invitation was already accepted; deactivate the user instead."]},
    )
    assert invitation_row(acme, created.json()["id"]).revoked_at is None


def test_revoking_an_unknown_invitation_is_404(acme_admin: Person):
    response = acme_admin.client.delete("/api/invitations/424242")

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"email": "not-an-email"}, {"email": ["Enter a valid email address."]}),
        ({"email": "a@acme.test", "role": "king"}, {"role": ['"king" is not a valid choice.']}),
        ({"role": "member"}, {"email": ["This field is required."]}),
    ],
)
def test_bad_invitations_are_field_errors(acme: TestTenant, acme_admin: Person, body, fields):
    response = acme_admin.client.post("/api/invitations", body, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == fields
    with schema_context(acme.schema_name):
        assert Invitation.objects.count() == 0
