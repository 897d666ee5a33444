"""The verification email of a new company's owner (sent by Celery after the signup committed, and again on
request with a new link), and the periodic removal of companies whose owner never confirmed."""

from __future__ import annotations

import logging
from datetime import timedelta
from urllib.parse import urlencode

from celery import Task, shared_task
from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from shared_apps.signup.models import Signup
from shared_apps.signup.tokens import new_nonce, secret_hash, verification_token_make, verification_token_read
from tenant_apps.accounts.tasks import EMAIL_TASK_OPTIONS, SENT, SENT_MARKER_SECONDS, SKIPPED
from tenants.provisioning import tenant_delete

logger = logging.getLogger(__name__)

VERIFY_PATH = "/signup/verify"


def public_url(path: str, query: dict[str, str]) -> str:
    port = f":{settings.PUBLIC_URL_PORT}" if settings.PUBLIC_URL_PORT else ""
    return f"{settings.PUBLIC_URL_SCHEME}://{settings.BASE_DOMAIN}{port}{path}?{urlencode(query)}"


@shared_task(name="signup.send_verification_email", **EMAIL_TASK_OPTIONS)
def send_verification_email(self: Task, *, signup_id: int, token: str) -> str:
    """Mail the verification link, unless the address was verified meanwhile or the token is not this signup's."""
    signup = Signup.objects.select_related("tenant").filter(pk=signup_id).first()
    if signup is None or signup.email_verified_at is not None:
        return SKIPPED
    try:
        token_signup_id, nonce = verification_token_read(token)
    except Exception:  # noqa: BLE001 - any unreadable token means: do not send
        return SKIPPED
    if token_signup_id != signup.pk or secret_hash(nonce) != signup.verification_nonce_hash:
        return SKIPPED
    marker = f"signup-mail-sent:{self.request.id}"
    if self.request.id and cache.get(marker):
        return SKIPPED
    _verification_mail_send(signup, token)
    if self.request.id:
        cache.set(marker, 1, SENT_MARKER_SECONDS)
    return SENT


def _verification_mail_send(signup: Signup, token: str) -> None:
    hours = int(settings.SIGNUP_VERIFICATION_MAX_AGE_SECONDS) // 3600
    send_mail(
        f"Confirm your email to open {signup.tenant.name} on Atrium",
        (
            f"Hello,\n\n{signup.tenant.name} is ready on Atrium. Confirm this is your email address to sign in:\n"
            f"{public_url(VERIFY_PATH, {'token': token})}\n\n"
            f"The link works once and for {hours} hours. If you did not sign up, ignore this email.\n"
        ),
        settings.DEFAULT_FROM_EMAIL,
        [signup.owner_email],
    )


@shared_task(name="signup.resend_verification_email", **EMAIL_TASK_OPTIONS)
def resend_verification_email(self: Task, *, email: str) -> str:
    """A new verification link for every company this address signed up and has not confirmed yet.

    The lookup happens here, not in the request, so the request's answer and timing never tell whether the
    address is known. Each resend replaces the link: only the newest one works.
    """
    marker = f"signup-resend-sent:{self.request.id}"
    if self.request.id and cache.get(marker):
        return SKIPPED
    sent = 0
    for signup_id in Signup.objects.filter(owner_email=email, email_verified_at__isnull=True).values_list(
        "pk", flat=True
    ):
        nonce = new_nonce()
        with transaction.atomic():
            signup = (
                Signup.objects.select_for_update()
                .select_related("tenant")
                .filter(pk=signup_id, email_verified_at__isnull=True)
                .first()
            )
            if signup is None:
                continue
            signup.verification_nonce_hash = secret_hash(nonce)
            signup.save(update_fields=["verification_nonce_hash"])
        _verification_mail_send(signup, verification_token_make(signup_id=signup.pk, nonce=nonce))
        sent += 1
    if self.request.id:
        cache.set(marker, 1, SENT_MARKER_SECONDS)
    return SENT if sent else SKIPPED


@shared_task(name="signup.unverified_signups_delete", acks_late=True)
def unverified_signups_delete() -> int:
    """Delete companies made by signup whose owner did not confirm within SIGNUP_UNVERIFIED_MAX_AGE_HOURS.

    Runs on the public schema (beat, no tenant). Companies made without signup have no Signup row and are never
    touched; a verification that wins the row lock first keeps its company. Returns how many were deleted.
    """
    cutoff = timezone.now() - timedelta(hours=int(settings.SIGNUP_UNVERIFIED_MAX_AGE_HOURS))
    candidates = list(
        Signup.objects.filter(email_verified_at__isnull=True, created_at__lt=cutoff).values_list("pk", flat=True)
    )
    deleted = 0
    for signup_id in candidates:
        try:
            with transaction.atomic():
                signup = (
                    Signup.objects.select_for_update(skip_locked=True)
                    .select_related("tenant")
                    .filter(pk=signup_id, email_verified_at__isnull=True, created_at__lt=cutoff)
                    .first()
                )
                if signup is None:
                    continue
                tenant = signup.tenant
                tenant_delete(tenant=tenant)
        except Exception:
            # One company that cannot be dropped now must not keep the others; the next run tries again.
            logger.exception("could not delete the unverified signup %s", signup_id)
            continue
        logger.info("deleted %s (%s): its owner never confirmed the email", tenant.name, tenant.schema_name)
        deleted += 1
    return deleted
