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
