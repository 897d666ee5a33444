"""The signup flow's own rows in the public schema: who signed up a company, and the one-time login handoff."""

from __future__ import annotations

from django.db import models


class Signup(models.Model):
    """A company made through public signup, and whether its owner proved the email address."""

    tenant = models.OneToOneField("tenants.Tenant", on_delete=models.CASCADE, related_name="signup")
    owner_email = models.EmailField(max_length=254)
    owner_user_id = models.BigIntegerField()
    # SHA-256 of the random part of the verification link; cleared once used.
    verification_nonce_hash = models.CharField(max_length=64, blank=True, default="")
    email_verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"signup of tenant {self.tenant_id}"


class LoginHandoff(models.Model):
    """A one-time, short-lived token that signs the new owner in on the company's own host.

    Only its SHA-256 is stored; it works once, for LOGIN_HANDOFF_SECONDS, on the host of its tenant only.
    """

    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    user_id = models.BigIntegerField()
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"login handoff {self.pk} for tenant {self.tenant_id}"
