"""Every change to billing: opening a company's account, Checkout and the Billing Portal, Stripe's webhooks, and
what staff do to a company (extend a trial, suspend, delete).

Webhooks are verified on the raw body, handled once per event id, and in any order: a subscription state is
stored with the `created` time of the event that carried it, and an older event never overwrites a newer state.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from shared_apps.billing.exceptions import BillingNotConfigured, InvalidWebhook, StripeUnavailable
from shared_apps.billing.models import BillingAccount, BillingStatus, Plan, PlatformAuditEntry, StripeEvent
from shared_apps.billing.stripe_api import billing_enabled, stripe_client
from shared_apps.billing.tasks import send_owner_email
from tenants.models import Domain, Tenant

logger = logging.getLogger(__name__)

STRIPE_STATUSES = {
    "trialing": BillingStatus.TRIALING,
    "active": BillingStatus.ACTIVE,
    "past_due": BillingStatus.PAST_DUE,
    "canceled": BillingStatus.CANCELED,
    "unpaid": BillingStatus.UNPAID,
    "incomplete": BillingStatus.INCOMPLETE,
    "incomplete_expired": BillingStatus.CANCELED,
    "paused": BillingStatus.UNPAID,
}
SUBSCRIPTION_EVENTS = {
    "customer.subscription.created",
    "customer.subscription.updated",
    "customer.subscription.deleted",
}
# Invoice events say something happened to a subscription; its current state is read from Stripe.
INVOICE_EVENTS = {"invoice.paid", "invoice.payment_succeeded", "invoice.payment_failed"}
HANDLED_EVENTS = (
    {"checkout.session.completed", "customer.subscription.trial_will_end"} | SUBSCRIPTION_EVENTS | INVOICE_EVENTS
)
# Stripe needs a subscription's trial to end at least this far ahead.
MIN_STRIPE_TRIAL = timedelta(hours=49)


def _stripe_call(call: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return call(*args, **kwargs)
    except stripe.StripeError as exc:
        logger.warning("Stripe call failed: %s", exc)
        raise StripeUnavailable() from exc


# --- accounts ---------------------------------------------------------------------------------------------------


def billing_account_open(*, tenant: Tenant, plan: Plan | None, now: datetime | None = None) -> BillingAccount:
    """A new company's account: trialing on `plan` for its trial days, no card needed."""
    now = now or timezone.now()
    trial_days = plan.trial_days if plan is not None else int(settings.BILLING_TRIAL_DAYS)
    return BillingAccount.objects.create(
        tenant=tenant, plan=plan, status=BillingStatus.TRIALING, trial_ends_at=now + timedelta(days=trial_days)
    )


def _account_for_update(tenant_id: int) -> BillingAccount:
    account = BillingAccount.objects.select_for_update().filter(tenant_id=tenant_id).first()
    if account is None:
        plan = Plan.objects.filter(is_default=True).first()
        account = billing_account_open(tenant=Tenant.objects.get(pk=tenant_id), plan=plan)
    return account


def _customer_ensure(account: BillingAccount) -> str:
    if account.stripe_customer_id:
        return account.stripe_customer_id
    customer = _stripe_call(
        stripe_client().v1.customers.create,
        params={"name": account.tenant.name, "metadata": {"tenant_id": str(account.tenant_id)}},
    )
    account.stripe_customer_id = str(customer.id)
    account.save(update_fields=["stripe_customer_id", "updated_at"])
    return account.stripe_customer_id


def _tenant_base_url(tenant_id: int) -> str:
    hostname = (
        Domain.objects.filter(tenant_id=tenant_id)
        .order_by("-is_primary", "id")
        .values_list("domain", flat=True)
        .first()
    )
    port = f":{settings.PUBLIC_URL_PORT}" if settings.PUBLIC_URL_PORT else ""
    return f"{settings.PUBLIC_URL_SCHEME}://{hostname}{port}"


def checkout_session_start(*, tenant_id: int, plan_code: str) -> str:
    """A Stripe Checkout Session (subscription mode) for `plan_code`; returns the URL to send the browser to.

    Time left of the free trial carries over, so subscribing early never costs trial days.
    """
    if not billing_enabled():
        raise BillingNotConfigured()
    plan = Plan.objects.filter(code=plan_code, is_public=True).exclude(stripe_price_id="").first()
    if plan is None:
        from django.core.exceptions import ValidationError

        raise ValidationError({"plan": [f"'{plan_code}' is not a plan that can be bought."]})
    with transaction.atomic():
        account = _account_for_update(tenant_id)
        customer_id = _customer_ensure(account)
    base = _tenant_base_url(tenant_id)
    subscription_data: dict[str, Any] = {"metadata": {"tenant_id": str(tenant_id), "plan": plan.code}}
    if account.trial_ends_at is not None and account.trial_ends_at - timezone.now() > MIN_STRIPE_TRIAL:
        subscription_data["trial_end"] = int(account.trial_ends_at.timestamp())
    session = _stripe_call(
        stripe_client().v1.checkout.sessions.create,
        params={
            "mode": "subscription",
            "customer": customer_id,
            "client_reference_id": str(tenant_id),
            "line_items": [{"price": plan.stripe_price_id, "quantity": 1}],
            "subscription_data": subscription_data,
            "success_url": f"{base}/settings/billing?checkout=success",
            "cancel_url": f"{base}/settings/billing?checkout=canceled",
        },
    )
    return str(session.url)


def portal_session_start(*, tenant_id: int) -> str:
    """A Billing Portal session (cards, invoices, cancellation); returns its URL."""
    if not billing_enabled():
        raise BillingNotConfigured()
    with transaction.atomic():
        customer_id = _customer_ensure(_account_for_update(tenant_id))
    session = _stripe_call(
        stripe_client().v1.billing_portal.sessions.create,
        params={"customer": customer_id, "return_url": f"{_tenant_base_url(tenant_id)}/settings/billing"},
    )
    return str(session.url)


# --- webhooks ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WebhookOutcome:
    result: str  # processed | duplicate | ignored_type | unknown_customer | stale
    event_id: str


def _event_parse(payload: bytes, signature: str) -> dict[str, Any]:
    secret = settings.STRIPE_WEBHOOK_SECRET
    try:
        stripe.WebhookSignature.verify_header(payload.decode("utf-8"), signature, secret, tolerance=300)
    except (stripe.SignatureVerificationError, UnicodeDecodeError, ValueError) as exc:
        raise InvalidWebhook() from exc
    try:
        event = json.loads(payload)
    except ValueError as exc:
        raise InvalidWebhook("The webhook's payload is not JSON.", code="invalid_payload") from exc
    data = event.get("data") if isinstance(event, dict) else None
    if (
        not isinstance(event, dict)
        or not isinstance(event.get("id"), str)
        or not isinstance(event.get("type"), str)
        or not isinstance(event.get("created"), int)
        or not isinstance(data, dict)
        or not isinstance(data.get("object"), dict)
    ):
        raise InvalidWebhook("The webhook's payload is not a Stripe event.", code="invalid_payload")
    return event


def _id_of(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) else ""


def stripe_webhook_handle(*, payload: bytes, signature: str) -> WebhookOutcome:
    """Verify and apply one Stripe event. Nothing changes for a bad signature, a replay or an unknown customer."""
    if not billing_enabled() or not settings.STRIPE_WEBHOOK_SECRET:
        raise BillingNotConfigured()
    event = _event_parse(payload, signature)
    event_id, event_type = event["id"], event["type"]
    if event_type not in HANDLED_EVENTS:
        return WebhookOutcome("ignored_type", event_id)
    obj = event["data"]["object"]
    customer_id = _id_of(obj.get("customer"))
    if not customer_id or not BillingAccount.objects.filter(stripe_customer_id=customer_id).exists():
        logger.warning("Stripe event %s (%s) for unknown customer %r; ignored", event_id, event_type, customer_id)
        return WebhookOutcome("unknown_customer", event_id)
    with transaction.atomic():
        account = (
            BillingAccount.objects.select_for_update().select_related("tenant").get(stripe_customer_id=customer_id)
        )
        try:
            with transaction.atomic():
                StripeEvent.objects.create(
                    event_id=event_id, event_type=event_type, stripe_created=event["created"], account=account
                )
        except IntegrityError:
            return WebhookOutcome("duplicate", event_id)
        result = _event_apply(account, event_type, int(event["created"]), obj)
    return WebhookOutcome(result, event_id)


def _event_apply(account: BillingAccount, event_type: str, created: int, obj: dict[str, Any]) -> str:
    if event_type in SUBSCRIPTION_EVENTS:
        return _subscription_apply(account, obj, created, live=False)
    if event_type == "customer.subscription.trial_will_end":
        transaction.on_commit(partial(send_owner_email.delay, account_id=account.pk, kind="trial_will_end"))
        return "processed"
    if event_type == "checkout.session.completed":
        subscription_id = _id_of(obj.get("subscription"))
        if obj.get("mode") != "subscription" or not subscription_id:
            return "processed"
    else:  # invoice events
        subscription_id = _id_of(obj.get("subscription")) or _id_of(
            ((obj.get("parent") or {}).get("subscription_details") or {}).get("subscription")
        )
        if not subscription_id:
            return "processed"
    return _subscription_apply(account, _subscription_fetch(subscription_id), created, live=True)


def _subscription_fetch(subscription_id: str) -> dict[str, Any]:
    subscription = _stripe_call(stripe_client().v1.subscriptions.retrieve, subscription_id)
    return dict(subscription.to_dict())


def _price_id(subscription: dict[str, Any]) -> str:
    items = (subscription.get("items") or {}).get("data") or []
    if not items:
        return ""
    item = items[0]
    return _id_of(item.get("price")) or _id_of(item.get("plan"))


def _timestamp(value: Any) -> datetime | None:
    return datetime.fromtimestamp(value, tz=UTC) if isinstance(value, int) and value > 0 else None


def _subscription_apply(account: BillingAccount, subscription: dict[str, Any], created: int, *, live: bool) -> str:
    """Store a subscription's state. A snapshot from an event older than the stored one is dropped; one from the
    same second is settled by reading the subscription from Stripe; a state read `live` is always current."""
    if not live:
        if created < account.stripe_state_at:
            logger.info("event at %s is older than the stored state (%s); ignored", created, account.stripe_state_at)
            return "stale"
        if created == account.stripe_state_at:
            subscription = _subscription_fetch(str(subscription["id"]))
    subscription_id = str(subscription.get("id", ""))
    stripe_status = str(subscription.get("status", ""))
    if stripe_status not in STRIPE_STATUSES:
        logger.warning("subscription %s has unknown status %r; ignored", subscription_id, stripe_status)
        return "stale"
    status = STRIPE_STATUSES[stripe_status]
    current = account.stripe_subscription_id
    if current and subscription_id != current and status == BillingStatus.CANCELED:
        # An earlier subscription ending (e.g. replaced through a new Checkout) says nothing about the current one.
        return "stale"
    previous = account.status
    account.stripe_subscription_id = subscription_id
    account.status = status
    if status != previous:
        account.status_changed_at = timezone.now()
    account.stripe_state_at = max(created, account.stripe_state_at)
    plan = Plan.objects.filter(stripe_price_id=_price_id(subscription)).exclude(stripe_price_id="").first()
    if plan is not None:
        account.plan = plan
    if status == BillingStatus.TRIALING:
        account.trial_ends_at = _timestamp(subscription.get("trial_end")) or account.trial_ends_at
    elif status in (BillingStatus.ACTIVE, BillingStatus.PAST_DUE, BillingStatus.UNPAID):
        # Paying (or owing) ends the free trial: its end must not keep a company writable that stopped paying.
        account.trial_ends_at = min(account.trial_ends_at or timezone.now(), timezone.now())
    if status == BillingStatus.PAST_DUE:
        if previous != BillingStatus.PAST_DUE or account.past_due_since is None:
            account.past_due_since = timezone.now()
            transaction.on_commit(partial(send_owner_email.delay, account_id=account.pk, kind="past_due"))
    else:
        account.past_due_since = None
    account.save()
    return "processed"


# --- staff actions ----------------------------------------------------------------------------------------------


def _audit(*, actor_email: str, action: str, tenant: Tenant, detail: dict[str, Any]) -> None:
    PlatformAuditEntry.objects.create(
        actor_email=actor_email,
        action=action,
        tenant_id_snapshot=tenant.pk,
        tenant_name=tenant.name,
        schema_name=tenant.schema_name,
        detail=detail,
    )


def trial_extend(*, actor_email: str, tenant_id: int, days: int) -> BillingAccount:
    """Give a company `days` more of free trial, counted from the later of now and its current trial end."""
    if not 1 <= days <= 365:
        from django.core.exceptions import ValidationError

        raise ValidationError({"days": ["Extend a trial by 1 to 365 days."]})
    with transaction.atomic():
        account = _account_for_update(tenant_id)
        start = max(account.trial_ends_at or timezone.now(), timezone.now())
        account.trial_ends_at = start + timedelta(days=days)
        account.save(update_fields=["trial_ends_at", "updated_at"])
        _audit(
            actor_email=actor_email,
            action="trial_extended",
            tenant=account.tenant,
            detail={"days": days, "trial_ends_at": account.trial_ends_at.isoformat()},
        )
    return account


def tenant_suspension_set(*, actor_email: str, tenant_id: int, suspended: bool) -> BillingAccount:
    """Suspend (read-only, whatever the subscription says) or lift a suspension."""
    with transaction.atomic():
        account = _account_for_update(tenant_id)
        if (account.suspended_at is not None) != suspended:
            account.suspended_at = timezone.now() if suspended else None
            account.save(update_fields=["suspended_at", "updated_at"])
            _audit(
                actor_email=actor_email,
                action="suspended" if suspended else "unsuspended",
                tenant=account.tenant,
                detail={},
            )
    return account


def tenant_delete_audited(*, actor_email: str, tenant_id: int) -> None:
    """Delete a company with its schema and files, leaving an audit entry that outlives it."""
    from tenants.provisioning import tenant_delete

    tenant = Tenant.objects.get(pk=tenant_id)
    _audit(
        actor_email=actor_email,
        action="deleted",
        tenant=tenant,
        detail={"domains": list(tenant.domains.values_list("domain", flat=True))},
    )
    tenant_delete(tenant=tenant)
