"""The platform's record of each company (one PostgreSQL schema each) and the hosts that reach it."""

from __future__ import annotations

from django.db import models
from django_tenants.models import DomainMixin, TenantMixin


class Tenant(TenantMixin):
    """A company. Its data lives in the schema `schema_name`; this row holds what the platform needs."""

    name = models.CharField(max_length=100)
    timezone = models.CharField(max_length=64, default="UTC")
    currency = models.CharField(max_length=3, default="USD")
    # Path of the logo inside tenant-scoped media storage ('' when none was uploaded).
    logo_path = models.CharField(max_length=255, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    # Provisioning brings a ready-made schema (a spare or a template clone); saving never creates one.
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.schema_name})"


class Domain(DomainMixin):
    """A host name that routes to a tenant, e.g. acme.example.com."""

    class Meta:
        ordering = ["id"]


class SpareSchema(models.Model):
    """A schema migrated ahead of time, waiting to become a new tenant's schema by a rename."""

    schema_name = models.CharField(max_length=63, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.schema_name


class CustomDomain(models.Model):
    """A host name of the company's own (crm.acme.com) that a tenant admin asked for.

    It routes only once verified: the company published `_atrium-challenge.<hostname> TXT <token>`, which proves
    whoever controls the name's DNS wants it to reach this company. Verification adds the Domain row routing reads.
    Several companies may ask for the same name; only the one whose token is in DNS gets it.
    """

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="custom_domains")
    hostname = models.CharField(max_length=253)
    verification_token = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "hostname"], name="custom_domain_once_per_tenant")]

    def __str__(self) -> str:
        return self.hostname
