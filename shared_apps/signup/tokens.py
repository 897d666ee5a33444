"""The two secrets of signup: the email verification link (signed, one use) and the login handoff token
(random, stored hashed, one use, short-lived)."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.core import signing

VERIFICATION_SALT = "atrium.signup.verification"


class InvalidVerificationToken(Exception):
    """Malformed, forged or expired."""


def secret_hash(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def new_nonce() -> str:
    return secrets.token_urlsafe(32)


def verification_token_make(*, signup_id: int, nonce: str) -> str:
    return signing.dumps({"s": signup_id, "n": nonce}, salt=VERIFICATION_SALT)


def verification_token_read(token: str) -> tuple[int, str]:
    try:
        payload: Any = signing.loads(
            token, salt=VERIFICATION_SALT, max_age=int(settings.SIGNUP_VERIFICATION_MAX_AGE_SECONDS)
        )
    except signing.BadSignature as exc:
        raise InvalidVerificationToken(str(exc)) from exc
    if not isinstance(payload, dict):
        raise InvalidVerificationToken("unexpected payload")
    signup_id, nonce = payload.get("s"), payload.get("n")
    if not isinstance(signup_id, int) or not isinstance(nonce, str):
        raise InvalidVerificationToken("unexpected payload")
    return signup_id, nonce
