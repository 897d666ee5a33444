"""The one place that talks to Stripe. Billing is off (and nothing here is called) without STRIPE_SECRET_KEY."""

from __future__ import annotations

import stripe
from django.conf import settings


class BillingDisabled(Exception):
    """Stripe is not configured (no STRIPE_SECRET_KEY): every company is on the unlimited plan."""


def billing_enabled() -> bool:
    return bool(settings.STRIPE_SECRET_KEY)


def stripe_client() -> stripe.StripeClient:
    """A client for the configured account; STRIPE_API_BASE points it elsewhere (tests: localstripe)."""
    if not billing_enabled():
        raise BillingDisabled()
    base_addresses: dict[str, str] = {}
    if settings.STRIPE_API_BASE:
        base_addresses["api"] = settings.STRIPE_API_BASE
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses=base_addresses,  # type: ignore[arg-type]
        max_network_retries=2,
    )
