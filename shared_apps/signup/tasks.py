"""The verification email of a new company's owner, sent by Celery after the signup committed."""

from __future__ import annotations

from urllib.parse import urlencode

from celery import Task, shared_task
from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail

from shared_apps.signup.models import Signup
from shared_apps.signup.tokens import secret_hash, verification_token_read
from tenant_apps.accounts.tasks import EMAIL_TASK_OPTIONS, SENT, SENT_MARKER_SECONDS, SKIPPED

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
    if self.request.id:
        cache.set(marker, 1, SENT_MARKER_SECONDS)
    return SENT
