"""An owner made by public signup signs in with a password only after confirming the email; a new link can be
asked for without telling who signed up; companies whose owner never confirms are removed after a while."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.utils import timezone
from django_tenants.utils import schema_exists

from shared_apps.common.testing import TEST_PASSWORD, TestTenant, api_client
from shared_apps.signup.models import Signup
from shared_apps.signup.tasks import SENT, SKIPPED, resend_verification_email, unverified_signups_delete
from shared_apps.signup.tests.test_signup_api import PASSWORD, sign_up
from tenants.models import Tenant

HOST = f"initech.{settings.BASE_DOMAIN}"
RESENT = "If a company is waiting for this address to be confirmed, a new link is on its way; older links stop working."


def password_login(hostname: str, email: str, password: str) -> Any:
    return api_client(hostname).post("/api/auth/login", {"email": email, "password": password}, format="json")


def test_an_unverified_owner_cannot_sign_in_with_the_password_until_verified(
    public_client, django_capture_on_commit_callbacks
):
    _, token = sign_up(public_client, django_capture_on_commit_callbacks)

    before = password_login(HOST, "peter@initech.test", PASSWORD)
    wrong_password = password_login(HOST, "peter@initech.test", "not-the-password-at-all")
    public_client.post("/api/signup/verify", {"token": token}, format="json")
    after = password_login(HOST, "peter@initech.test", PASSWORD)

    assert before.status_code == 403
    assert before.json() == {
        "error": {
            "code": "email_unverified",
            "message": "Confirm your email address first: open the link we emailed you when the company was "
            "created. For a new link, POST your email to /api/signup/resend on the public site.",
            "fields": {},
        }
    }
    # without the password, nothing tells the address is waiting for confirmation
    assert wrong_password.json()["error"]["code"] == "invalid_credentials"
    assert after.status_code == 200
    assert after.json()["email"] == "peter@initech.test"


def test_owners_of_companies_made_without_signup_sign_in_as_before(acme: TestTenant):
    answer = password_login(acme.hostname, acme.owner_email, TEST_PASSWORD)

    assert answer.status_code == 200


def test_resend_answers_the_same_for_known_and_unknown_addresses(public_client, django_capture_on_commit_callbacks):
    sign_up(public_client, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=False) as queued:
        known = public_client.post("/api/signup/resend", {"email": "Peter@Initech.test"}, format="json")
        unknown = public_client.post("/api/signup/resend", {"email": "nobody@nowhere.test"}, format="json")

    assert (known.status_code, unknown.status_code) == (202, 202)
    assert known.json() == unknown.json() == {"message": RESENT}
    assert [callback.keywords for callback in queued] == [
        {"email": "peter@initech.test"},
        {"email": "nobody@nowhere.test"},
    ]


def test_a_resent_link_verifies_and_replaces_the_old_one(
    public_client, django_capture_on_commit_callbacks, settings, mailoutbox
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    _, old_token = sign_up(public_client, django_capture_on_commit_callbacks)

    unknown = resend_verification_email.run(email="nobody@nowhere.test")
    known = resend_verification_email.run(email="peter@initech.test")

    assert (unknown, known) == (SKIPPED, SENT)
    assert [message.to for message in mailoutbox] == [["peter@initech.test"]]
    link = next(line for line in mailoutbox[0].body.splitlines() if "/signup/verify?" in line)
    new_token = parse_qs(urlsplit(link).query)["token"][0]
    old = public_client.post("/api/signup/verify", {"token": old_token}, format="json")
    new = public_client.post("/api/signup/verify", {"token": new_token}, format="json")
    assert old.status_code == 400
    assert new.status_code == 200
    assert resend_verification_email.run(email="peter@initech.test") == SKIPPED  # verified: nothing more to send


def test_resend_is_rate_limited_per_email_and_per_ip(public_client, settings):
    settings.SIGNUP_RESEND_RATE_LIMIT_PER_EMAIL = 2
    settings.SIGNUP_RESEND_RATE_LIMIT_PER_IP = 3

    same_email = [
        public_client.post("/api/signup/resend", {"email": "a@example.test"}, format="json").status_code
        for _ in range(3)
    ]
    other_email = public_client.post("/api/signup/resend", {"email": "b@example.test"}, format="json")
    ip_spent = public_client.post("/api/signup/resend", {"email": "c@example.test"}, format="json")
    bad = public_client.post("/api/signup/resend", {"email": "not-an-email"}, format="json", REMOTE_ADDR="203.0.113.7")

    assert same_email == [202, 202, 429]
    assert other_email.status_code == 429  # the IP's 3 are used up (2 accepted + the refused one)
    assert ip_spent.json()["error"]["code"] == "rate_limited"
    assert bad.status_code == 400
    assert set(bad.json()["error"]["fields"]) == {"email"}


def test_signups_unverified_past_the_max_age_are_deleted_and_nothing_else(
    public_client, django_capture_on_commit_callbacks, acme: TestTenant, settings
):
    settings.SIGNUP_UNVERIFIED_MAX_AGE_HOURS = 48
    sign_up(public_client, django_capture_on_commit_callbacks)  # initech: unverified, too old
    _, verified_token = sign_up(
        public_client, django_capture_on_commit_callbacks, subdomain="initrode", email="bill@initrode.test"
    )
    public_client.post("/api/signup/verify", {"token": verified_token}, format="json")  # initrode: verified, old
    sign_up(public_client, django_capture_on_commit_callbacks, subdomain="chotchkies", email="stan@chotchkies.test")
    long_ago = timezone.now() - timedelta(hours=49)
    Signup.objects.filter(tenant__schema_name__in=["initech", "initrode"]).update(created_at=long_ago)
    Tenant.objects.filter(pk=acme.tenant_id).update(created_at=long_ago)

    deleted = unverified_signups_delete.run()

    assert deleted == 1
    assert not Tenant.objects.filter(schema_name="initech").exists()
    assert not schema_exists("initech")
    assert sorted(Tenant.objects.values_list("schema_name", flat=True)) == [
        "acme",
        "chotchkies",
        "globex",
        "initrode",
    ]
    assert Signup.objects.filter(tenant__schema_name="initech").count() == 0
    assert unverified_signups_delete.run() == 0


def test_the_cleanup_runs_hourly_from_beat_on_the_public_schema():
    entry = settings.CELERY_BEAT_SCHEDULE["delete-unverified-signups"]

    assert entry == {"task": "signup.unverified_signups_delete", "schedule": 3600.0, "options": {"queue": "default"}}
    assert settings.SIGNUP_UNVERIFIED_MAX_AGE_HOURS == 48
