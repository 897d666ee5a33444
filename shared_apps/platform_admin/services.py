"""Writes of the platform admin app: making a staff account."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from shared_apps.platform_admin.models import PlatformStaff


def platform_staff_create(*, email: str, password: str, full_name: str = "") -> PlatformStaff:
    """A new active staff member; the email must be new and the password must pass the password validators."""
    email = PlatformStaff.objects.normalize_email(email.strip()).lower()
    errors: dict[str, list[str]] = {}
    try:
        validate_email(email)
    except ValidationError as exc:
        errors["email"] = list(exc.messages)
    if not errors and PlatformStaff.objects.filter(email=email).exists():
        errors["email"] = ["A platform staff account with this email already exists."]
    try:
        # The validators only read attributes (email, name) of the account they compare the password with.
        validate_password(password, cast(Any, PlatformStaff(email=email, full_name=full_name)))
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return PlatformStaff.objects.create_staff(email, password, full_name=full_name.strip())
