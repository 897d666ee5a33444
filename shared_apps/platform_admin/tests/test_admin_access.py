"""Who gets into the platform admin: only active platform staff, only on the public host."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from shared_apps.common.testing import TEST_PASSWORD, TestTenant
from shared_apps.platform_admin.models import PlatformStaff
from shared_apps.platform_admin.tests.conftest import public_browser

CHANGELIST = "/admin/tenants/tenant/"


def sign_in(client: Client, email: str, password: str) -> int:
    return client.post("/admin/login/", {"username": email, "password": password}).status_code


def test_anonymous_visitors_are_sent_to_the_staff_sign_in(db):
    client = public_browser()

    listing = client.get(CHANGELIST)
    login_page = client.get("/admin/login/")

    assert listing.status_code == 302
    assert listing["Location"] == f"/admin/login/?next={CHANGELIST}"
    assert login_page.status_code == 200
    assert b'name="username"' in login_page.content
    assert b"Email" in login_page.content


def test_staff_sign_in_with_email_and_password_opens_the_admin(staff: PlatformStaff):
    client = public_browser()

    answer = sign_in(client, "OPS@atrium.test", TEST_PASSWORD)

    assert answer == 302
    assert client.get(CHANGELIST).status_code == 200
    staff.refresh_from_db()
    assert staff.last_login is not None


def test_a_company_owner_cannot_sign_in_to_the_admin(acme: TestTenant, staff: PlatformStaff):
    client = public_browser()

    answer = client.post("/admin/login/", {"username": acme.owner_email, "password": TEST_PASSWORD})

    assert answer.status_code == 200
    assert b"Enter the email and password of a platform staff account." in answer.content
    assert client.get(CHANGELIST).status_code == 302


def test_wrong_password_and_inactive_staff_are_refused(staff: PlatformStaff):
    PlatformStaff.objects.create_staff("gone@atrium.test", TEST_PASSWORD, is_active=False)
    client = public_browser()

    wrong = sign_in(client, staff.email, "not-the-password")
    inactive = sign_in(client, "gone@atrium.test", TEST_PASSWORD)

    assert (wrong, inactive) == (200, 200)
    assert client.get(CHANGELIST).status_code == 302


def test_a_deactivated_staff_member_loses_an_open_session(staff_client, staff: PlatformStaff):
    assert staff_client.get(CHANGELIST).status_code == 200

    PlatformStaff.objects.filter(pk=staff.pk).update(is_active=False)

    assert staff_client.get(CHANGELIST).status_code == 302


def test_staff_sign_in_is_rate_limited(staff: PlatformStaff, settings):
    settings.LOGIN_RATE_LIMIT_PER_EMAIL = 2
    client = public_browser()

    failures = [sign_in(client, staff.email, "wrong-password-x") for _ in range(2)]
    limited = client.post("/admin/login/", {"username": staff.email, "password": TEST_PASSWORD})

    assert failures == [200, 200]
    assert limited.status_code == 200
    assert b"Too many failed sign-ins" in limited.content
    assert client.get(CHANGELIST).status_code == 302


def test_staff_credentials_do_not_sign_in_on_a_company_host(acme: TestTenant, staff: PlatformStaff):
    from shared_apps.common.testing import api_client

    answer = api_client(acme.hostname).post(
        "/api/auth/login", {"email": staff.email, "password": TEST_PASSWORD}, format="json"
    )

    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "invalid_credentials"


@pytest.mark.parametrize("path", ["/admin/", "/admin/login/", "/admin/tenants/tenant/"])
def test_the_admin_is_not_served_on_a_company_host(acme: TestTenant, staff_client, path):
    client = Client(HTTP_HOST=acme.hostname)

    answer = client.get(path)

    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "not_found"


def test_a_staff_session_is_not_valid_on_a_company_host(acme: TestTenant, staff_client):
    session_cookie = staff_client.cookies[settings.SESSION_COOKIE_NAME].value
    client = Client(HTTP_HOST=acme.hostname)
    client.cookies[settings.SESSION_COOKIE_NAME] = session_cookie

    answer = client.get("/api/auth/me")

    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "not_authenticated"
