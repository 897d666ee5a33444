"""Public signup: make the company and its owner, verify the owner's email, then hand the owner a one-time login
for the company's own host (a token, never a cookie shared across subdomains)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from shared_apps.billing.models import Plan
from shared_apps.billing.selectors import plan_default
from shared_apps.billing.services import billing_account_open
from shared_apps.common.ratelimit import rate_limit_hit
from shared_apps.signup.disposable import disposable_check
from shared_apps.signup.models import LoginHandoff, Signup
from shared_apps.signup.tasks import resend_verification_email, send_verification_email
from shared_apps.signup.tokens import (
    InvalidVerificationToken,
    new_nonce,
    secret_hash,
    verification_token_make,
    verification_token_read,
)
from tenant_apps.accounts.models import User
from tenants.models import Tenant
from tenants.provisioning import tenant_provision

LOGIN_BACKEND = "tenant_apps.accounts.backends.EmailBackend"
# tenant_provision's field names, as the signup form calls them.
FIELD_NAMES = {"admin_email": "email", "admin_password": "password", "admin_full_name": "full_name"}


def _rate_limit(action: str, subject: str, limit_setting: str) -> None:
    rate_limit_hit(
        action=action,
        subject=subject,
        limit=int(getattr(settings, limit_setting)),
        window_seconds=int(settings.SIGNUP_RATE_LIMIT_WINDOW_SECONDS),
    )


def _plan_choose(plan_code: str | None) -> Plan | None:
    if not plan_code:
        return plan_default()
    plan = Plan.objects.filter(code=plan_code, is_public=True).first()
    if plan is None:
        raise ValidationError({"plan": [f"'{plan_code}' is not an offered plan."]})
    return plan


def company_signup(
    *,
    client_ip: str,
    company_name: str,
    subdomain: str,
    email: str,
    password: str,
    full_name: str = "",
    plan_code: str | None = None,
) -> Signup:
    """Create the company (spare schema), its owner (email unverified) and its trial; mail the verification link.

    Throttled per client IP and per email (RateLimitExceeded). The answer never depends on whether the email is
    known anywhere: owners are per company, so an address may own several companies.
    """
    email = User.objects.normalize_email(email.strip()).lower()
    _rate_limit("signup-ip", client_ip, "SIGNUP_RATE_LIMIT_PER_IP")
    _rate_limit("signup-email", email, "SIGNUP_RATE_LIMIT_PER_EMAIL")
    domain = email.rpartition("@")[2]
    if domain and disposable_check()(domain):
        raise ValidationError({"email": ["Use a permanent email address; throwaway mail services are not accepted."]})
    plan = _plan_choose(plan_code)
    try:
        with transaction.atomic():
            provisioned = tenant_provision(
                company_name=company_name,
                subdomain=subdomain,
                admin_email=email,
                admin_password=password,
                admin_full_name=full_name,
            )
            billing_account_open(tenant=provisioned.tenant, plan=plan)
            nonce = new_nonce()
            signup = Signup.objects.create(
                tenant=provisioned.tenant,
                owner_email=provisioned.owner.email,
                owner_user_id=provisioned.owner.pk,
                verification_nonce_hash=secret_hash(nonce),
            )
            token = verification_token_make(signup_id=signup.pk, nonce=nonce)
            transaction.on_commit(partial(send_verification_email.delay, signup_id=signup.pk, token=token))
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError(
            {FIELD_NAMES.get(field, field): messages for field, messages in exc.message_dict.items()}
        ) from None
    return signup


def signup_verification_resend(*, client_ip: str, email: str) -> None:
    """Queue a new verification link for `email`'s unconfirmed companies, if any.

    Throttled per client IP and per email (RateLimitExceeded). Whether anything is sent is decided by the task,
    so the answer is the same, and as fast, for an address nobody signed up with.
    """
    email = User.objects.normalize_email(email.strip()).lower()
    _rate_limit("signup-resend-ip", client_ip, "SIGNUP_RESEND_RATE_LIMIT_PER_IP")
    _rate_limit("signup-resend-email", email, "SIGNUP_RESEND_RATE_LIMIT_PER_EMAIL")
    transaction.on_commit(partial(resend_verification_email.delay, email=email))


@dataclass(frozen=True)
class LoginHandoffIssued:
    company_url: str
    login_url: str
    token: str
    expires_at: datetime


def _company_url(tenant: Tenant) -> str:
    hostname = tenant.domains.order_by("-is_primary", "id").values_list("domain", flat=True).first()
    port = f":{settings.PUBLIC_URL_PORT}" if settings.PUBLIC_URL_PORT else ""
    return f"{settings.PUBLIC_URL_SCHEME}://{hostname}{port}"


def signup_verify(*, client_ip: str, token: str) -> LoginHandoffIssued:
    """Mark the owner's email verified (the link works once) and issue a one-time login for the company's host."""
    _rate_limit("signup-verify-ip", client_ip, "SIGNUP_VERIFY_RATE_LIMIT_PER_IP")
    invalid = ValidationError({"token": ["This verification link is invalid or has expired."]})
    try:
        signup_id, nonce = verification_token_read(token)
    except InvalidVerificationToken:
        raise invalid from None
    now = timezone.now()
    with transaction.atomic():
        signup = Signup.objects.select_for_update().select_related("tenant").filter(pk=signup_id).first()
        if signup is None:
            raise invalid
        if signup.email_verified_at is not None:
            raise ValidationError({"token": ["This email is already verified; sign in with your password."]})
        if not secrets.compare_digest(signup.verification_nonce_hash, secret_hash(nonce)):
            raise invalid
        signup.email_verified_at = now
        signup.verification_nonce_hash = ""
        signup.save(update_fields=["email_verified_at", "verification_nonce_hash"])
        login_token = secrets.token_urlsafe(32)
        handoff = LoginHandoff.objects.create(
            tenant=signup.tenant,
            user_id=signup.owner_user_id,
            token_hash=secret_hash(login_token),
            expires_at=now + timedelta(seconds=int(settings.SIGNUP_LOGIN_TOKEN_SECONDS)),
        )
    company_url = _company_url(signup.tenant)
    return LoginHandoffIssued(
        company_url=company_url,
        login_url=f"{company_url}/auth/handoff#token={login_token}",
        token=login_token,
        expires_at=handoff.expires_at,
    )


def login_handoff_redeem(*, request: HttpRequest, client_ip: str, token: str) -> User:
    """Sign the owner in on their company's host with a handoff token: this tenant's, unused, not expired."""
    _rate_limit("login-handoff-ip", client_ip, "SIGNUP_VERIFY_RATE_LIMIT_PER_IP")
    invalid = ValidationError({"token": ["This sign-in link is invalid, used or expired; sign in with your password."]})
    tenant = getattr(request, "tenant", None)
    if tenant is None:
        raise invalid
    now = timezone.now()
    with transaction.atomic():
        handoff = (
            LoginHandoff.objects.select_for_update().filter(token_hash=secret_hash(token), tenant_id=tenant.pk).first()
        )
        if handoff is None or handoff.used_at is not None or handoff.expires_at <= now:
            raise invalid
        handoff.used_at = now
        handoff.save(update_fields=["used_at"])
        user = User.objects.filter(pk=handoff.user_id, is_active=True).first()
        if user is None:
            raise invalid
        login(request, user, backend=LOGIN_BACKEND)
    return user
