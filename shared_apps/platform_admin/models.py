"""Platform staff: the people who run Atrium itself. They live in the public schema only.

Deliberately not `accounts.User`: those rows are a company's people, and a foreign key from a public table to
`accounts_user` would also match (and cascade from) same-numbered users in every tenant schema, because a
tenant's search_path ends in public. See docs/decisions/0004-platform-admin.md.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models


class PlatformStaffManager(BaseUserManager["PlatformStaff"]):
    def create_staff(self, email: str, password: str, **extra: Any) -> PlatformStaff:
        staff = self.model(email=self.normalize_email(email).lower(), **extra)
        staff.set_password(password)
        staff.save(using=self._db)
        return staff


class PlatformStaff(AbstractBaseUser):
    """Someone allowed into the platform admin on the public host; every active row has every admin permission."""

    email = models.EmailField(max_length=254, unique=True)
    full_name = models.CharField(max_length=150, blank=True, default="")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[PlatformStaffManager] = PlatformStaffManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["id"]
        verbose_name = "platform staff member"
        verbose_name_plural = "platform staff"

    def __str__(self) -> str:
        return self.email

    # What Django's admin asks of its user. Staff is one role: active staff may do everything the admin offers.
    @property
    def is_staff(self) -> bool:
        return self.is_active

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        return self.is_active

    def has_module_perms(self, app_label: str) -> bool:
        return self.is_active

    def get_short_name(self) -> str:
        return self.full_name or self.email
