"""Plans, each company's billing account and subscription state, Stripe events seen, and the staff audit log.

All of it lives in the public schema: the platform needs it before (and without) entering a company's schema.
"""

from __future__ import annotations

from django.db import models


class Plan(models.Model):
    """What a company may use and what it costs; edited by staff in the admin, shown on the pricing page.

    A limit of None means unlimited.
    """

    code = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=300, blank=True, default="")
    max_users = models.PositiveIntegerField(null=True, blank=True)
    max_mail_accounts = models.PositiveIntegerField(null=True, blank=True)
    max_storage_mb = models.PositiveIntegerField(null=True, blank=True)
    max_contacts = models.PositiveIntegerField(null=True, blank=True)
    # The Stripe Price charged for this plan ('' for a plan that cannot be bought, e.g. a custom deal).
    stripe_price_id = models.CharField(max_length=100, blank=True, default="")
    monthly_price_cents = models.PositiveIntegerField(default=0)
    currency = models.CharField(max_length=3, default="EUR")
    trial_days = models.PositiveIntegerField(default=14)
    # Shown on the pricing page and offered at signup.
    is_public = models.BooleanField(default=True)
    # The plan a new company's trial starts on when signup names none.
    is_default = models.BooleanField(default=False)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=models.Q(is_default=True), name="plan_one_default"
            ),
            models.UniqueConstraint(
                fields=["stripe_price_id"], condition=~models.Q(stripe_price_id=""), name="plan_unique_stripe_price"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class BillingStatus(models.TextChoices):
    TRIALING = "trialing", "Trialing"
    ACTIVE = "active", "Active"
    PAST_DUE = "past_due", "Past due"
    CANCELED = "canceled", "Canceled"
    UNPAID = "unpaid", "Unpaid"
    INCOMPLETE = "incomplete", "Incomplete"


class BillingAccount(models.Model):
    """One per company: its plan, trial, Stripe customer and the last subscription state Stripe told us."""

    tenant = models.OneToOneField("tenants.Tenant", on_delete=models.CASCADE, related_name="billing_account")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, null=True, blank=True, related_name="accounts")
    status = models.CharField(max_length=16, choices=BillingStatus.choices, default=BillingStatus.TRIALING)
    trial_ends_at = models.DateTimeField(null=True, blank=True)
    past_due_since = models.DateTimeField(null=True, blank=True)
    stripe_customer_id = models.CharField(max_length=100, null=True, blank=True, unique=True)
    stripe_subscription_id = models.CharField(max_length=100, blank=True, default="")
    # Stripe's `created` (epoch seconds) of the event whose subscription state is stored: an older event never
    # overwrites a newer state.
    stripe_state_at = models.BigIntegerField(default=0)
    # Set by staff: the company is read-only whatever its subscription says.
    suspended_at = models.DateTimeField(null=True, blank=True)
    # When `status` last changed (from a subscription event): when a canceled or unpaid company became read-only.
    status_changed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"billing of tenant {self.tenant_id}"


class StripeEvent(models.Model):
    """A Stripe event already handled: the same event id delivered again has no second effect."""

    event_id = models.CharField(max_length=100, unique=True)
    event_type = models.CharField(max_length=100)
    stripe_created = models.BigIntegerField()
    account = models.ForeignKey(BillingAccount, on_delete=models.SET_NULL, null=True, related_name="+")
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id}"


class PlatformAuditEntry(models.Model):
    """What platform staff did to a company (trial extended, suspended, deleted), kept after the company is gone."""

    actor_email = models.EmailField(max_length=254)
    action = models.CharField(max_length=50)
    tenant_id_snapshot = models.BigIntegerField()
    tenant_name = models.CharField(max_length=100)
    schema_name = models.CharField(max_length=63)
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name_plural = "platform audit entries"

    def __str__(self) -> str:
        return f"{self.action} {self.tenant_name} by {self.actor_email}"
