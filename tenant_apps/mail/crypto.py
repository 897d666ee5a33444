"""Mail account secrets encrypted at rest with Fernet.

MAIL_ENCRYPTION_KEYS rotates keys: the first encrypts, all decrypt.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class SecretUnreadable(Exception):
    """No configured key decrypts this secret (a key was removed before re-encryption)."""


def development_key(secret_key: str) -> str:
    """A Fernet key derived from SECRET_KEY: only for development and tests (prod settings require real keys)."""
    digest = hashlib.sha256(f"atrium.mail.encryption:{secret_key}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


def configured_keys() -> list[str]:
    keys = [key.strip() for key in settings.MAIL_ENCRYPTION_KEYS if key.strip()]
    if not keys and settings.MAIL_ENCRYPTION_KEYS_REQUIRED:
        raise ImproperlyConfigured("MAIL_ENCRYPTION_KEYS must hold at least one Fernet key in production.")
    return keys or [development_key(settings.SECRET_KEY)]


@lru_cache(maxsize=8)
def _cipher(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(f"MAIL_ENCRYPTION_KEYS holds a key that is not a Fernet key: {exc}") from None


def cipher() -> MultiFernet:
    return _cipher(tuple(configured_keys()))


def secret_encrypt(plaintext: str) -> str:
    return cipher().encrypt(plaintext.encode()).decode()


def secret_decrypt(token: str) -> str:
    try:
        return cipher().decrypt(token.encode()).decode()
    except InvalidToken:
        raise SecretUnreadable("no configured mail encryption key decrypts this secret") from None


def secret_rotate(token: str) -> str:
    """Re-encrypt with the first key (after a new key was put in front)."""
    try:
        return cipher().rotate(token.encode()).decode()
    except InvalidToken:
        raise SecretUnreadable("no configured mail encryption key decrypts this secret") from None


def secret_is_current(token: str) -> bool:
    """Whether the first (newest) key reads this secret, i.e. re-encrypting it would change nothing."""
    try:
        Fernet(configured_keys()[0]).decrypt(token.encode())
    except InvalidToken:
        return False
    return True
