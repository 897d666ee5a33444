"""Sign-in, sessions, one's own profile and password, password reset; plus how bad input is answered."""

from __future__ import annotations

import json
import time
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django_tenants.utils import schema_context
from rest_framework.test import APIClient

from shared_apps.common.testing import TEST_PASSWORD, TestTenant, api_client
from tenant_apps.accounts.models import User
from tenant_apps.accounts.tasks import SENT, SKIPPED, send_password_reset_email
from tenant_apps.accounts.tests.conftest import Person, error, login, signed_in, user_make

NEW_PASSWORD = "a-brand-new-passphrase-42"
ME_KEYS = {"id", "email", "full_name", "role", "is_active", "date_joined", "last_login"}


def test_csrf_endpoint_sets_the_cookie_and_returns_the_token(acme_client):
    response = acme_client.get("/api/auth/csrf")

    assert response.status_code == 200
    assert set(response.json()) == {"csrf_token"}
    assert len(response.json()["csrf_token"]) == 64  # masked, so it differs per response (BREACH)
    assert len(response.cookies["atrium_csrftoken"].value) == 32


def test_login_starts_a_session(acme: TestTenant, acme_client):
    response = login(acme_client, acme.owner_email)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == ME_KEYS
    assert (body["email"], body["role"], body["full_name"]) == (acme.owner_email, "owner", "Acme Corp Owner")
    assert body["last_login"] is not None
    assert response.cookies[settings.SESSION_COOKIE_NAME]["httponly"] is True
    assert acme_client.get("/api/auth/me").json()["email"] == acme.owner_email


def test_login_email_is_case_insensitive(acme: TestTenant, acme_client):
    response = login(acme_client, "  OWNER@Acme.Test ")

    assert response.status_code == 200
    assert response.json()["email"] == acme.owner_email


def test_login_with_wrong_password_is_refused_without_detail(acme: TestTenant, acme_client):
    response = login(acme_client, acme.owner_email, "wrong-password-123")

    assert response.status_code == 400
    assert response.json() == error("invalid_credentials", "The email or password is wrong.")
    assert acme_client.get("/api/auth/me").status_code == 401


def test_login_with_unknown_email_gets_the_same_answer(acme_client):
    response = login(acme_client, "nobody@acme.test")

    assert response.status_code == 400
    assert response.json() == error("invalid_credentials", "The email or password is wrong.")


def test_deactivated_user_cannot_login(acme: TestTenant, acme_client):
    user_make(acme, email="gone@acme.test", is_active=False)

    response = login(acme_client, "gone@acme.test")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_credentials"


def test_login_without_csrf_token_is_refused_when_csrf_is_enforced(acme: TestTenant):
    client = APIClient(enforce_csrf_checks=True, HTTP_HOST=acme.hostname)

    response = login(client, acme.owner_email)

    assert response.status_code == 403
    assert response.json() == error("csrf_failed", "CSRF check failed; reload the page and try again.")
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_login_with_csrf_token_succeeds_when_csrf_is_enforced(acme: TestTenant):
    client = APIClient(enforce_csrf_checks=True, HTTP_HOST=acme.hostname)
    token = client.get("/api/auth/csrf").json()["csrf_token"]

    response = login(client, acme.owner_email, HTTP_X_CSRFTOKEN=token)

    assert response.status_code == 200


def test_session_requests_need_csrf_when_enforced(acme: TestTenant):
    client = APIClient(enforce_csrf_checks=True, HTTP_HOST=acme.hostname)
    token = client.get("/api/auth/csrf").json()["csrf_token"]
    login(client, acme.owner_email, HTTP_X_CSRFTOKEN=token)

    response = client.patch("/api/auth/me", {"full_name": "Changed"}, format="json")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    with schema_context(acme.schema_name):
        assert User.objects.get(email=acme.owner_email).full_name == "Acme Corp Owner"


def test_me_without_session_is_401(acme_client):
    response = acme_client.get("/api/auth/me")

    assert response.status_code == 401
    assert response.json() == error("not_authenticated", "Authentication credentials were not provided.")


def test_logout_ends_the_session(acme_owner: Person):
    response = acme_owner.client.post("/api/auth/logout")

    assert response.status_code == 204
    assert acme_owner.client.get("/api/auth/me").status_code == 401


def test_logout_everywhere_ends_other_sessions_and_keeps_this_one(acme: TestTenant, acme_owner: Person):
    other_device = signed_in(acme, acme.owner_email)
    with schema_context(acme.schema_name):
        generation_before = User.objects.get(pk=acme_owner.id).session_generation

    response = acme_owner.client.post("/api/auth/logout-everywhere")

    assert response.status_code == 204
    assert acme_owner.client.get("/api/auth/me").status_code == 200
    assert other_device.get("/api/auth/me").status_code == 401
    with schema_context(acme.schema_name):
        assert User.objects.get(pk=acme_owner.id).session_generation == generation_before + 1


def test_logout_everywhere_with_api_token_keeps_the_token(acme: TestTenant, acme_owner: Person):
    secret = acme_owner.client.post("/api/tokens", {"name": "ci"}, format="json").json()["token"]
    token_client = api_client(acme.hostname)
    token_client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")

    response = token_client.post("/api/auth/logout-everywhere")

    assert response.status_code == 204
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert acme_owner.client.get("/api/auth/me").status_code == 401
    assert token_client.get("/api/auth/me").status_code == 200


def test_me_update_changes_the_full_name(acme: TestTenant, acme_member: Person):
    response = acme_member.client.patch("/api/auth/me", {"full_name": "  Mia Member "}, format="json")

    assert response.status_code == 200
    assert response.json()["full_name"] == "Mia Member"
    with schema_context(acme.schema_name):
        assert User.objects.get(pk=acme_member.id).full_name == "Mia Member"


def test_me_update_refuses_fields_it_does_not_offer(acme: TestTenant, acme_member: Person):
    response = acme_member.client.patch("/api/auth/me", {"email": "x@acme.test", "role": "owner"}, format="json")

    assert response.status_code == 400
    assert response.json() == error(
        "invalid",
        "The request has invalid fields.",
        {"email": ["This field is not accepted here."], "role": ["This field is not accepted here."]},
    )
    with schema_context(acme.schema_name):
        assert User.objects.filter(pk=acme_member.id).values_list("email", "role").get() == (
            acme_member.email,
            "member",
        )


def test_password_change_needs_the_current_password(acme: TestTenant, acme_member: Person):
    response = acme_member.client.patch("/api/auth/me", {"new_password": NEW_PASSWORD}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"current_password": ["The current password is wrong."]}
    with schema_context(acme.schema_name):
        assert User.objects.get(pk=acme_member.id).check_password(TEST_PASSWORD)


def test_password_change_with_wrong_current_password_is_refused(acme: TestTenant, acme_member: Person):
    response = acme_member.client.patch(
        "/api/auth/me", {"current_password": "not-it-at-all", "new_password": NEW_PASSWORD}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"current_password": ["The current password is wrong."]}


def test_password_change_validates_the_new_password(acme_member: Person):
    response = acme_member.client.patch(
        "/api/auth/me", {"current_password": TEST_PASSWORD, "new_password": "short"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "new_password": ["This password is too short. It must contain at least 10 characters."]
    }


def test_password_change_keeps_this_session_and_ends_the_others(acme: TestTenant, acme_member: Person):
    other_device = signed_in(acme, acme_member.email)

    response = acme_member.client.patch(
        "/api/auth/me", {"current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD}, format="json"
    )

    assert response.status_code == 200
    assert acme_member.client.get("/api/auth/me").status_code == 200
    assert other_device.get("/api/auth/me").status_code == 401
    assert login(api_client(acme.hostname), acme_member.email, NEW_PASSWORD).status_code == 200


def _reset_link_parts(body: str) -> tuple[str, dict[str, str]]:
    link = next(line for line in body.splitlines() if line.startswith("http"))
    parts = urlsplit(link)
    return f"{parts.scheme}://{parts.netloc}{parts.path}", {k: v[0] for k, v in parse_qs(parts.query).items()}


def test_password_reset_answers_202_and_queues_the_email_on_commit(
    acme: TestTenant, acme_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = acme_client.post("/api/auth/password-reset", {"email": "Owner@Acme.test"}, format="json")

    assert response.status_code == 202
    assert response.json() == {
        "message": "If this email belongs to an account, a link to reset its password is on its way."
    }
    assert len(callbacks) == 1
    assert callbacks[0].func == send_password_reset_email.delay
    assert callbacks[0].keywords == {"email": acme.owner_email}


def test_password_reset_for_unknown_email_looks_the_same(acme_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = acme_client.post("/api/auth/password-reset", {"email": "nobody@acme.test"}, format="json")

    assert response.status_code == 202
    assert response.json() == {
        "message": "If this email belongs to an account, a link to reset its password is on its way."
    }
    assert len(callbacks) == 1


def test_password_reset_task_sends_nothing_for_unknown_email(acme: TestTenant, locmem_email, mailoutbox):
    with schema_context(acme.schema_name):
        result = send_password_reset_email.run(email="nobody@acme.test")

    assert result == SKIPPED
    assert mailoutbox == []


def test_password_reset_email_link_sets_a_new_password_and_ends_all_sessions(
    acme: TestTenant, acme_owner: Person, locmem_email, mailoutbox
):
    with schema_context(acme.schema_name):
        result = send_password_reset_email.run(email=acme.owner_email)

    assert result == SENT
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [acme.owner_email]
    assert message.subject == "Reset your Acme Corp password on Atrium"
    base, query = _reset_link_parts(message.body)
    assert base == f"http://{acme.hostname}/password-reset/confirm"
    assert set(query) == {"uid", "token"}

    response = api_client(acme.hostname).post(
        "/api/auth/password-reset/confirm", {**query, "new_password": NEW_PASSWORD}, format="json"
    )

    assert response.status_code == 204
    assert acme_owner.client.get("/api/auth/me").status_code == 401
    assert login(api_client(acme.hostname), acme.owner_email, TEST_PASSWORD).status_code == 400
    assert login(api_client(acme.hostname), acme.owner_email, NEW_PASSWORD).status_code == 200


def test_password_reset_link_works_once(acme: TestTenant, locmem_email, mailoutbox):
    with schema_context(acme.schema_name):
        send_password_reset_email.run(email=acme.owner_email)
    _, query = _reset_link_parts(mailoutbox[0].body)
    client = api_client(acme.hostname)
    client.post("/api/auth/password-reset/confirm", {**query, "new_password": NEW_PASSWORD}, format="json")

    response = client.post(
        "/api/auth/password-reset/confirm", {**query, "new_password": "yet-another-passphrase-7"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == error(
        "invalid", "The request has invalid fields.", {"token": ["This password reset link is invalid or has expired."]}
    )


def test_password_reset_link_expires(acme: TestTenant, locmem_email, mailoutbox, settings):
    with schema_context(acme.schema_name):
        send_password_reset_email.run(email=acme.owner_email)
    _, query = _reset_link_parts(mailoutbox[0].body)
    settings.PASSWORD_RESET_TIMEOUT = -1  # every link is older than this

    response = api_client(acme.hostname).post(
        "/api/auth/password-reset/confirm", {**query, "new_password": NEW_PASSWORD}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"token": ["This password reset link is invalid or has expired."]}
    with schema_context(acme.schema_name):
        assert User.objects.get(email=acme.owner_email).check_password(TEST_PASSWORD)


def test_password_reset_confirm_with_garbage_is_a_field_error(acme_client):
    for uid, token in (("!!", "x"), ("MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkw", "x"), ("MQ", "1-abc")):
        response = acme_client.post(
            "/api/auth/password-reset/confirm",
            {"uid": uid, "token": token, "new_password": NEW_PASSWORD},
            format="json",
        )

        assert response.status_code == 400
        assert response.json()["error"]["fields"] == {"token": ["This password reset link is invalid or has expired."]}


def test_password_reset_confirm_validates_the_new_password(acme: TestTenant, locmem_email, mailoutbox):
    with schema_context(acme.schema_name):
        send_password_reset_email.run(email=acme.owner_email)
    _, query = _reset_link_parts(mailoutbox[0].body)

    response = api_client(acme.hostname).post(
        "/api/auth/password-reset/confirm", {**query, "new_password": "1234567890"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "new_password": ["This password is too common.", "This password is entirely numeric."]
    }


# --- bad input ------------------------------------------------------------------------------------------------


def test_malformed_json_is_a_parse_error(acme_client):
    response = acme_client.generic("POST", "/api/auth/login", '{"email": "a@b.c", ', content_type="application/json")

    assert response.status_code == 400
    body = response.json()
    assert body["error"]["code"] == "parse_error"
    assert body["error"]["message"].startswith("The body is not valid JSON")
    assert body["error"]["fields"] == {}


def test_wrong_content_type_is_415(acme_client):
    response = acme_client.generic("POST", "/api/auth/login", "email=a@b.c", content_type="text/plain")

    assert response.status_code == 415
    assert response.json() == error("unsupported_media_type", 'Unsupported media type "text/plain" in request.')


def test_wrong_json_types_are_field_errors(acme_client):
    response = acme_client.post("/api/auth/login", {"email": 42, "password": ["x"]}, format="json")

    assert response.status_code == 400
    assert response.json() == error(
        "invalid",
        "The request has invalid fields.",
        {"email": ["Enter a valid email address."], "password": ["Not a valid string."]},
    )


def test_json_that_is_not_an_object_is_a_field_error(acme_client):
    response = acme_client.post("/api/auth/login", [1, 2], format="json")

    assert response.status_code == 400
    assert response.json() == error(
        "invalid",
        "Invalid data. Expected a dictionary, but got list.",
        {"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]},
    )


def test_missing_fields_are_field_errors(acme_client):
    response = acme_client.post("/api/auth/login", {}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "email": ["This field is required."],
        "password": ["This field is required."],
    }


def test_body_over_the_limit_is_413(acme_owner: Person):
    body = json.dumps({"full_name": "x" * (settings.MAX_REQUEST_BODY_BYTES + 1)})

    response = acme_owner.client.generic("PATCH", "/api/auth/me", body, content_type="application/json")

    assert response.status_code == 413
    assert response.json() == error("request_too_large", "The request body is larger than this server accepts.")


def test_a_redelivered_reset_task_does_not_mail_twice(acme: TestTenant, locmem_email, mailoutbox):
    task_id = f"reset-redelivered-{time.time_ns()}"
    with schema_context(acme.schema_name):
        first = send_password_reset_email.apply(kwargs={"email": acme.owner_email}, task_id=task_id).get()
        again = send_password_reset_email.apply(kwargs={"email": acme.owner_email}, task_id=task_id).get()
        other = send_password_reset_email.apply(kwargs={"email": acme.owner_email}, task_id=f"{task_id}-2").get()

    assert (first, again, other) == (SENT, SKIPPED, SENT)
    assert [message.to for message in mailoutbox] == [[acme.owner_email], [acme.owner_email]]
