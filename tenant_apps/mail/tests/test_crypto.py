"""Mail secrets at rest: Fernet with key rotation, and no derived key where real keys are required."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from tenant_apps.mail.crypto import SecretUnreadable, secret_decrypt, secret_encrypt, secret_rotate


def test_rotation_new_key_first_old_still_decrypts(settings: Any):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.MAIL_ENCRYPTION_KEYS = [old_key]
    token = secret_encrypt("hunter2")
    # when a new key is put in front
    settings.MAIL_ENCRYPTION_KEYS = [new_key, old_key]
    assert secret_decrypt(token) == "hunter2"
    rotated = secret_rotate(token)
    # then, once rotated, the old key can go
    settings.MAIL_ENCRYPTION_KEYS = [new_key]
    assert secret_decrypt(rotated) == "hunter2"
    with pytest.raises(SecretUnreadable):
        secret_decrypt(token)


def test_no_derived_key_where_keys_are_required(settings: Any):
    settings.MAIL_ENCRYPTION_KEYS = []
    settings.MAIL_ENCRYPTION_KEYS_REQUIRED = True
    with pytest.raises(ImproperlyConfigured, match="MAIL_ENCRYPTION_KEYS must hold at least one Fernet key"):
        secret_encrypt("hunter2")
