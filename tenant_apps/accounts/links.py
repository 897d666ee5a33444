"""The signed links Atrium sends by email (invitations, password resets) and the tenant URLs they point to.

Every signature is salted with the tenant's schema, so a link made for one company is worthless at another.
"""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import signing

from tenants.db import connection
from tenants.models import Domain

INVITATION_ACCEPT_PATH = "/invite/accept"
PASSWORD_RESET_CONFIRM_PATH = "/password-reset/confirm"  # noqa: S105 - a URL path


class InvalidInvitationToken(Exception):
    """The invitation token is malformed, forged, made for another tenant, or too old."""


def current_schema_name() -> str:
    """The schema the connection is set to: the request's tenant, or the tenant a Celery task was queued from."""
    return str(connection.schema_name)


def nonce_hash(nonce: str) -> str:
    return hashlib.sha256(nonce.encode("utf-8")).hexdigest()


def _invitation_salt(schema_name: str) -> str:
    return f"atrium.accounts.invitation:{schema_name}"


def invitation_token_make(*, schema_name: str, invitation_id: int, nonce: str) -> str:
    return signing.dumps({"i": invitation_id, "n": nonce}, salt=_invitation_salt(schema_name))


def invitation_token_read(*, schema_name: str, token: str) -> tuple[int, str]:
    """(invitation id, nonce) carried by a token that this tenant signed less than INVITATION_MAX_AGE ago."""
    try:
        payload: Any = signing.loads(
            token, salt=_invitation_salt(schema_name), max_age=int(settings.INVITATION_MAX_AGE_SECONDS)
        )
    except signing.BadSignature as exc:  # SignatureExpired is a BadSignature too
        raise InvalidInvitationToken(str(exc)) from exc
    if not isinstance(payload, dict):
        raise InvalidInvitationToken("unexpected payload")
    invitation_id, nonce = payload.get("i"), payload.get("n")
    if not isinstance(invitation_id, int) or not isinstance(nonce, str):
        raise InvalidInvitationToken("unexpected payload")
    return invitation_id, nonce


def password_reset_tokens(schema_name: str) -> PasswordResetTokenGenerator:
    """Django's reset tokens (one use: they hash the password and last login), salted per tenant."""
    generator = PasswordResetTokenGenerator()
    generator.key_salt = f"atrium.accounts.password_reset:{schema_name}"
    return generator


def tenant_url(path: str, query: dict[str, str]) -> str:
    """Absolute URL on the current tenant's primary host, e.g. https://acme.example.com/invite/accept?token=..."""
    hostname = (
        Domain.objects.filter(tenant__schema_name=current_schema_name())
        .order_by("-is_primary", "id")
        .values_list("domain", flat=True)
        .first()
    )
    if hostname is None:
        raise LookupError(f"schema {current_schema_name()!r} has no domain")
    port = f":{settings.PUBLIC_URL_PORT}" if settings.PUBLIC_URL_PORT else ""
    return f"{settings.PUBLIC_URL_SCHEME}://{hostname}{port}{path}?{urlencode(query)}"
