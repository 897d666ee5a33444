"""People of a company, managed by owners and admins: listing, roles, deactivation, and the rules around owners."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context
from rest_framework.exceptions import PermissionDenied

from shared_apps.common.testing import TestTenant, api_client
from tenant_apps.accounts import services
from tenant_apps.accounts.models import ApiToken, Role, User
from tenant_apps.accounts.tests.conftest import Person, error, person_make, user_make, user_row

USER_KEYS = {"id", "email", "full_name", "role", "is_active", "date_joined", "last_login"}
OWNER_RULE = "Only an owner can grant or revoke the owner role, or change an owner."


def test_admin_lists_people_newest_first(acme: TestTenant, acme_admin: Person, acme_member: Person):
    response = acme_admin.client.get("/api/users")

    assert response.status_code == 200
    body = response.json()
    assert body["next"] is None
    assert [user["email"] for user in body["results"]] == [acme_member.email, acme_admin.email, acme.owner_email]
    assert all(set(user) == USER_KEYS for user in body["results"])


def test_user_list_is_cursor_paginated(acme: TestTenant, acme_owner: Person):
    for index in range(3):
        user_make(acme, email=f"p{index}@acme.test")

    first = acme_owner.client.get("/api/users", {"page_size": 2})
    second = acme_owner.client.get(first.json()["next"])

    assert [user["email"] for user in first.json()["results"]] == ["p2@acme.test", "p1@acme.test"]
    assert [user["email"] for user in second.json()["results"]] == ["p0@acme.test", acme.owner_email]
    assert second.json()["next"] is None


def test_member_cannot_list_people(acme_member: Person):
    response = acme_member.client.get("/api/users")

    assert response.status_code == 403
    assert response.json() == error("permission_denied", "Only owners and admins can do this.")


def test_anonymous_cannot_list_people(acme_client):
    response = acme_client.get("/api/users")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_admin_gets_one_person(acme_admin: Person, acme_member: Person):
    response = acme_admin.client.get(f"/api/users/{acme_member.id}")

    assert response.status_code == 200
    assert response.json()["email"] == acme_member.email


@pytest.mark.parametrize("user_id", [987654, 2**63, 10**30])
def test_unknown_user_is_404(acme_admin: Person, user_id):
    response = acme_admin.client.get(f"/api/users/{user_id}")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_member_cannot_get_one_person(acme_member: Person, acme_owner: Person):
    response = acme_member.client.get(f"/api/users/{acme_owner.id}")

    assert response.status_code == 403


def test_admin_promotes_member_to_admin(acme: TestTenant, acme_admin: Person, acme_member: Person):
    response = acme_admin.client.patch(f"/api/users/{acme_member.id}", {"role": "admin"}, format="json")

    assert response.status_code == 200
    assert response.json()["role"] == "admin"
    assert user_row(acme, acme_member.id)["role"] == "admin"


def test_admin_changes_name_and_demotes_another_admin(acme: TestTenant, acme_admin: Person):
    other = person_make(acme, email="other-admin@acme.test", role=Role.ADMIN)

    response = acme_admin.client.patch(
        f"/api/users/{other.id}", {"role": "member", "full_name": " Otto "}, format="json"
    )

    assert response.status_code == 200
    assert user_row(acme, other.id) == {
        "email": other.email,
        "full_name": "Otto",
        "role": "member",
        "is_active": True,
    }


def test_admin_cannot_grant_owner(acme: TestTenant, acme_admin: Person, acme_member: Person):
    response = acme_admin.client.patch(f"/api/users/{acme_member.id}", {"role": "owner"}, format="json")

    assert response.status_code == 403
    assert response.json() == error("permission_denied", OWNER_RULE)
    assert user_row(acme, acme_member.id)["role"] == "member"


@pytest.mark.parametrize("change", [{"full_name": "Renamed"}, {"role": "member"}, {"is_active": False}])
def test_admin_cannot_change_an_owner(acme: TestTenant, acme_admin: Person, acme_owner: Person, change):
    before = user_row(acme, acme_owner.id)

    response = acme_admin.client.patch(f"/api/users/{acme_owner.id}", change, format="json")

    assert response.status_code == 403
    assert response.json() == error("permission_denied", OWNER_RULE)
    assert user_row(acme, acme_owner.id) == before


def test_admin_cannot_deactivate_an_owner(acme: TestTenant, acme_admin: Person, acme_owner: Person):
    response = acme_admin.client.delete(f"/api/users/{acme_owner.id}")

    assert response.status_code == 403
    assert user_row(acme, acme_owner.id)["is_active"] is True


def test_owner_grants_and_revokes_owner(acme: TestTenant, acme_owner: Person, acme_admin: Person):
    granted = acme_owner.client.patch(f"/api/users/{acme_admin.id}", {"role": "owner"}, format="json")
    revoked = acme_owner.client.patch(f"/api/users/{acme_admin.id}", {"role": "admin"}, format="json")

    assert granted.status_code == 200
    assert revoked.status_code == 200
    assert user_row(acme, acme_admin.id)["role"] == "admin"


@pytest.mark.parametrize("role", ["admin", "member"])
def test_nobody_changes_their_own_role(acme: TestTenant, acme_owner: Person, acme_admin: Person, role):
    response = acme_owner.client.patch(f"/api/users/{acme_owner.id}", {"role": role}, format="json")
    admin_response = acme_admin.client.patch(f"/api/users/{acme_admin.id}", {"role": "member"}, format="json")

    assert response.status_code == 403
    assert response.json() == error("permission_denied", "You cannot change your own role.")
    assert admin_response.status_code == 403
    assert user_row(acme, acme_owner.id)["role"] == "owner"
    assert user_row(acme, acme_admin.id)["role"] == "admin"


def test_own_role_unchanged_and_own_name_are_fine(acme: TestTenant, acme_admin: Person):
    response = acme_admin.client.patch(
        f"/api/users/{acme_admin.id}", {"role": "admin", "full_name": "Ada"}, format="json"
    )

    assert response.status_code == 200
    assert user_row(acme, acme_admin.id)["full_name"] == "Ada"


def test_nobody_deactivates_themselves(acme: TestTenant, acme_admin: Person):
    response = acme_admin.client.delete(f"/api/users/{acme_admin.id}")

    assert response.status_code == 403
    assert response.json() == error("permission_denied", "You cannot deactivate your own account.")
    assert user_row(acme, acme_admin.id)["is_active"] is True


def test_owner_demotes_another_owner_while_one_remains(acme: TestTenant, acme_owner: Person):
    second_owner = user_make(acme, email="second-owner@acme.test", role=Role.OWNER)

    response = acme_owner.client.patch(f"/api/users/{second_owner}", {"role": "member"}, format="json")

    assert response.status_code == 200
    assert user_row(acme, second_owner)["role"] == "member"


def test_last_active_owner_cannot_be_demoted_or_deactivated(acme: TestTenant):
    # Reachable only through a race (the API stops self-demotion): owner B was deactivated by owner A while
    # B's request to demote A, already authenticated, was in flight.
    with schema_context(acme.schema_name):
        owner_a = User.objects.get(email=acme.owner_email)
        owner_b = User.objects.create_user(email="b@acme.test", password="x", role=Role.OWNER)
        User.objects.filter(pk=owner_b.pk).update(is_active=False)

        with pytest.raises(ValidationError) as demoted:
            services.user_update(actor=owner_b, user_id=owner_a.pk, role=Role.ADMIN)
        with pytest.raises(ValidationError) as deactivated:
            services.user_deactivate(actor=owner_b, user_id=owner_a.pk)

        assert demoted.value.message_dict == {"role": ["The company must keep at least one active owner."]}
        assert deactivated.value.message_dict == {"is_active": ["The company must keep at least one active owner."]}
        assert User.objects.filter(pk=owner_a.pk).values_list("role", "is_active").get() == ("owner", True)


def test_service_refuses_a_member_actor(acme: TestTenant):
    with schema_context(acme.schema_name):
        member = User.objects.create_user(email="m@acme.test", password="x")
        other = User.objects.create_user(email="o@acme.test", password="x")

        with pytest.raises(PermissionDenied):
            services.user_update(actor=member, user_id=other.pk, full_name="Changed")

        assert User.objects.get(pk=other.pk).full_name == ""


def test_member_cannot_change_anyone(acme: TestTenant, acme_member: Person, acme_admin: Person):
    before = user_row(acme, acme_admin.id)

    patch = acme_member.client.patch(f"/api/users/{acme_admin.id}", {"role": "member"}, format="json")
    delete = acme_member.client.delete(f"/api/users/{acme_admin.id}")

    assert patch.status_code == 403
    assert delete.status_code == 403
    assert user_row(acme, acme_admin.id) == before


def test_deactivation_ends_sessions_and_revokes_tokens(acme: TestTenant, acme_admin: Person, acme_member: Person):
    secret = acme_member.client.post("/api/tokens", {"name": "script"}, format="json").json()["token"]
    token_client = api_client(acme.hostname)
    token_client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")

    response = acme_admin.client.delete(f"/api/users/{acme_member.id}")

    assert response.status_code == 204
    assert user_row(acme, acme_member.id)["is_active"] is False
    assert acme_member.client.get("/api/auth/me").status_code == 401
    assert token_client.get("/api/auth/me").status_code == 401
    with schema_context(acme.schema_name):
        assert ApiToken.objects.filter(user_id=acme_member.id, revoked_at__isnull=True).count() == 0


def test_deactivating_twice_is_harmless(acme_admin: Person, acme_member: Person):
    first = acme_admin.client.delete(f"/api/users/{acme_member.id}")
    second = acme_admin.client.delete(f"/api/users/{acme_member.id}")

    assert (first.status_code, second.status_code) == (204, 204)


def test_reactivation_lets_the_person_sign_in_again(acme: TestTenant, acme_admin: Person, acme_member: Person):
    acme_admin.client.delete(f"/api/users/{acme_member.id}")

    response = acme_admin.client.patch(f"/api/users/{acme_member.id}", {"is_active": True}, format="json")

    assert response.status_code == 200
    assert response.json()["is_active"] is True
    assert user_row(acme, acme_member.id)["is_active"] is True


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"role": "superuser"}, {"role": ['"superuser" is not a valid choice.']}),
        ({"role": 3}, {"role": ['"3" is not a valid choice.']}),
        ({"is_active": "yes"}, {"is_active": ["Must be true or false."]}),
        ({"full_name": 5}, {"full_name": ["Not a valid string."]}),
        ({"full_name": "x" * 151}, {"full_name": ["Ensure this field has no more than 150 characters."]}),
        ({"email": "new@acme.test"}, {"email": ["This field is not accepted here."]}),
    ],
)
def test_bad_user_updates_are_field_errors(acme: TestTenant, acme_admin: Person, acme_member: Person, body, fields):
    before = user_row(acme, acme_member.id)

    response = acme_admin.client.patch(f"/api/users/{acme_member.id}", body, format="json")

    assert response.status_code == 400
    assert response.json() == error("invalid", "The request has invalid fields.", fields)
    assert user_row(acme, acme_member.id) == before
