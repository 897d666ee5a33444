"""Public signup end to end on real tenants: company and owner, verification email, one-time login on the
company's host, and the abuse guards (rate limits, throwaway domains, no email enumeration)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.utils import timezone
from django_tenants.utils import schema_context

from shared_apps.billing.models import BillingAccount, BillingStatus, Plan
from shared_apps.common.testing import TestTenant, api_client
from shared_apps.signup.models import LoginHandoff, Signup
from shared_apps.signup.tasks import send_verification_email
from tenant_apps.accounts.models import Role, User
from tenants.models import Tenant

PASSWORD = "a-founders-long-passphrase"


def form(**overrides: str) -> dict[str, str]:
    return {
        "company_name": "Initech",
        "subdomain": "initech",
        "email": "Peter@Initech.test",
        "password": PASSWORD,
        "full_name": "Peter Gibbons",
        **overrides,
    }


def sign_up(public_client: Any, capture: Any, **overrides: str) -> tuple[Any, str]:
    """POST the signup form; the response and the verification token queued for the email."""
    with capture(execute=False) as callbacks:
        response = public_client.post("/api/signup", form(**overrides), format="json")
    tokens = [c.keywords["token"] for c in callbacks if getattr(c, "func", None) == send_verification_email.delay]
    return response, tokens[0] if tokens else ""


def csrf_client(hostname: str) -> Any:
    client = api_client(hostname)
    client.handler.enforce_csrf_checks = True
    token = client.get("/api/auth/csrf").json()["csrf_token"]
    client.credentials(HTTP_X_CSRFTOKEN=token)
    return client


def test_signup_creates_the_company_owner_and_trial_and_queues_the_verification(
    public_client, acme: TestTenant, django_capture_on_commit_callbacks
):
    default = Plan.objects.create(code="starter", name="Starter", max_users=3, trial_days=21, is_default=True)

    response, token = sign_up(public_client, django_capture_on_commit_callbacks)

    assert response.status_code == 201, response.content
    assert response.json() == {
        "message": "The company is ready. Open the link we emailed to confirm your address and sign in.",
        "subdomain": "initech",
        "hostname": f"initech.{settings.BASE_DOMAIN}",
    }
    tenant = Tenant.objects.get(schema_name="initech")
    signup = Signup.objects.get(tenant=tenant)
    assert (signup.owner_email, signup.email_verified_at) == ("peter@initech.test", None)
    assert token
    assert signup.verification_nonce_hash
    account = BillingAccount.objects.get(tenant=tenant)
    assert (account.status, account.plan_id) == (BillingStatus.TRIALING, default.pk)
    assert account.trial_ends_at is not None
    assert timedelta(days=20, hours=23) < account.trial_ends_at - timezone.now() <= timedelta(days=21)
    with schema_context("initech"):
        owner = User.objects.get()
        assert (owner.email, owner.role, owner.full_name) == ("peter@initech.test", Role.OWNER, "Peter Gibbons")


def test_verify_then_land_signed_in_on_the_company_host(
    public_client, acme: TestTenant, django_capture_on_commit_callbacks, settings, mailoutbox
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    _, token = sign_up(public_client, django_capture_on_commit_callbacks)
    signup = Signup.objects.get(tenant__schema_name="initech")

    # the email carries the verification link
    assert send_verification_email.run(signup_id=signup.pk, token=token) == "sent"
    assert [message.to for message in mailoutbox] == [["peter@initech.test"]]
    link = next(line for line in mailoutbox[0].body.splitlines() if "/signup/verify?" in line)
    assert parse_qs(urlsplit(link).query)["token"] == [token]

    # verifying returns a one-time login for the company's own host
    verified = public_client.post("/api/signup/verify", {"token": token}, format="json")
    assert verified.status_code == 200, verified.content
    body = verified.json()
    hostname = f"initech.{settings.BASE_DOMAIN}"
    assert body["company_url"] == f"http://{hostname}"
    assert body["login_url"] == f"http://{hostname}/auth/handoff#token={body['login_token']}"
    handoff = LoginHandoff.objects.get()
    assert handoff.token_hash != body["login_token"]
    assert len(handoff.token_hash) == 64
    assert timedelta(seconds=110) < handoff.expires_at - timezone.now() <= timedelta(seconds=120)
    assert Signup.objects.get(pk=signup.pk).email_verified_at is not None

    # the company host exchanges it for a session
    client = csrf_client(hostname)
    landed = client.post("/api/auth/handoff", {"token": body["login_token"]}, format="json")
    assert landed.status_code == 200, landed.content
    assert landed.json()["email"] == "peter@initech.test"
    assert client.get("/api/auth/me").json()["role"] == "owner"

    # and the token works once
    again = csrf_client(hostname).post("/api/auth/handoff", {"token": body["login_token"]}, format="json")
    assert again.status_code == 400
    assert again.json()["error"]["fields"]["token"] == [
        "This sign-in link is invalid, used or expired; sign in with your password."
    ]
    # and so does the verification link
    reused = public_client.post("/api/signup/verify", {"token": token}, format="json")
    assert reused.json()["error"]["fields"] == {
        "token": ["This email is already verified; sign in with your password."]
    }
    assert LoginHandoff.objects.count() == 1


def test_a_handoff_token_works_only_on_its_own_company_and_before_it_expires(acme: TestTenant, globex: TestTenant):
    with schema_context(acme.schema_name):
        owner_id = User.objects.get(email=acme.owner_email).pk
    from shared_apps.signup.tokens import secret_hash

    now = timezone.now()
    LoginHandoff.objects.create(
        tenant_id=acme.tenant_id,
        user_id=owner_id,
        token_hash=secret_hash("fresh"),
        expires_at=now + timedelta(minutes=2),
    )
    LoginHandoff.objects.create(
        tenant_id=acme.tenant_id, user_id=owner_id, token_hash=secret_hash("old"), expires_at=now - timedelta(seconds=1)
    )

    at_globex = csrf_client(globex.hostname).post("/api/auth/handoff", {"token": "fresh"}, format="json")
    expired = csrf_client(acme.hostname).post("/api/auth/handoff", {"token": "old"}, format="json")
    without_csrf = api_client(acme.hostname)
    without_csrf.handler.enforce_csrf_checks = True
    no_csrf = without_csrf.post("/api/auth/handoff", {"token": "fresh"}, format="json")
    at_acme = csrf_client(acme.hostname).post("/api/auth/handoff", {"token": "fresh"}, format="json")

    assert (at_globex.status_code, expired.status_code, no_csrf.status_code) == (400, 400, 403)
    assert at_acme.status_code == 200
    assert at_acme.json()["email"] == acme.owner_email


def test_invalid_signup_is_refused_per_field_and_creates_nothing(public_client, acme: TestTenant):
    before = Tenant.objects.count()

    taken = public_client.post("/api/signup", form(subdomain="acme"), format="json")
    weak = public_client.post("/api/signup", form(password="password"), format="json")
    reserved = public_client.post("/api/signup", form(subdomain="www"), format="json")
    unknown_plan = public_client.post("/api/signup", form(plan="platinum"), format="json")

    assert taken.json()["error"]["fields"] == {"subdomain": ["'acme' is already taken."]}
    assert set(weak.json()["error"]["fields"]) == {"password"}
    assert set(reserved.json()["error"]["fields"]) == {"subdomain"}
    assert unknown_plan.json()["error"]["fields"] == {"plan": ["'platinum' is not an offered plan."]}
    assert {r.status_code for r in (taken, weak, reserved, unknown_plan)} == {400}
    assert Tenant.objects.count() == before
    assert Signup.objects.count() == 0


@pytest.mark.parametrize("email", ["someone@mailinator.com", "x@eu.yopmail.com", "y@blocked.example"])
def test_throwaway_email_domains_are_refused(public_client, settings, email):
    settings.SIGNUP_BLOCKED_EMAIL_DOMAINS = ["blocked.example"]

    response = public_client.post("/api/signup", form(email=email), format="json")

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "email": ["Use a permanent email address; throwaway mail services are not accepted."]
    }
    assert not Tenant.objects.filter(schema_name="initech").exists()


def test_an_email_that_already_owns_a_company_gets_the_same_answer(
    public_client, acme: TestTenant, django_capture_on_commit_callbacks
):
    known, _ = sign_up(public_client, django_capture_on_commit_callbacks, email=acme.owner_email)
    fresh, _ = sign_up(
        public_client, django_capture_on_commit_callbacks, email="nobody@initrode.test", subdomain="initrode"
    )

    assert (known.status_code, fresh.status_code) == (201, 201)
    assert known.json()["message"] == fresh.json()["message"]
    assert set(known.json()) == set(fresh.json())


def test_signups_are_rate_limited_per_ip(public_client, settings):
    settings.SIGNUP_RATE_LIMIT_PER_IP = 2
    bad = form(password="short")

    answers = [public_client.post("/api/signup", bad, format="json").status_code for _ in range(3)]
    other_ip = public_client.post("/api/signup", bad, format="json", REMOTE_ADDR="203.0.113.9")

    assert answers == [400, 400, 429]
    assert other_ip.status_code == 400


def test_subdomain_availability_is_rate_limited_per_ip(public_client, settings):
    settings.SUBDOMAIN_CHECK_RATE_LIMIT_PER_MINUTE = 3

    answers = [
        public_client.get("/api/subdomains/availability", {"subdomain": "initech"}).status_code for _ in range(4)
    ]
    limited = public_client.get("/api/subdomains/availability", {"subdomain": "initech"})

    assert answers == [200, 200, 200, 429]
    assert limited.json()["error"]["code"] == "rate_limited"
