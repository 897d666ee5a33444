"""Reads of signup: whether a company's owner still has to confirm the email address."""

from __future__ import annotations

from shared_apps.signup.models import Signup


def owner_email_unverified(*, tenant_id: int, user_id: int) -> bool:
    """True for the owner made by public signup until the verification link is opened; companies made any other
    way (manage.py tenant_create, demo_setup) have no Signup row and are never held back."""
    return Signup.objects.filter(tenant_id=tenant_id, owner_user_id=user_id, email_verified_at__isnull=True).exists()
