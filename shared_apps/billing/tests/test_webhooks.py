"""Stripe webhooks against the real peers: localstripe (customers, subscriptions, invoices, its own signed
webhooks) and the Checkout/Portal stand-in; each delivery is replayed into the app byte for byte."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from shared_apps.billing.models import BillingAccount, BillingStatus, Plan, StripeEvent
from shared_apps.billing.tasks import send_owner_email
from shared_apps.billing.tests.conftest import (
    WEBHOOK_SECRET,
    YEARLY_PRICE,
    WebhookSink,
    account_update,
    deliver,
    deliver_delivery,
    deliver_event,
)
from shared_apps.billing.tests.stripe_front import StripeFront, stripe_signature
from shared_apps.common.testing import TEST_PASSWORD, TestTenant, api_client
from tenant_apps.accounts.models import User


def account_row(tenant: TestTenant) -> dict[str, Any]:
    return dict(
        BillingAccount.objects.filter(tenant_id=tenant.tenant_id)
        .values("status", "plan__code", "stripe_subscription_id", "stripe_state_at", "past_due_since")
        .get()
    )


def owner_client(tenant: TestTenant) -> Any:
    client = api_client(tenant.hostname)
    response = client.post("/api/auth/login", {"email": tenant.owner_email, "password": TEST_PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    return client


def checkout_completed(
    acme: TestTenant, front: StripeFront, sink: WebhookSink, plan: str = "team", card: str = "4242424242424242"
) -> dict[str, Any]:
    """The owner starts Checkout through the API and pays on the (stand-in) hosted page; every webhook that
    Stripe would send is delivered to the app. Returns the completed session.

    The free trial is over first: localstripe has no `trialing` state for a trial carried into Stripe."""
    account_update(acme.tenant_id, trial_ends_at=timezone.now() - timedelta(days=1))
    response = owner_client(acme).post("/api/billing/checkout", {"plan": plan}, format="json")
    assert response.status_code == 200, response.content
    session_id = response.json()["url"].rsplit("/", 1)[1]
    completed = _post_form(front.url + f"/_test/checkout/sessions/{session_id}/complete", {"card": card})
    subscription_id = completed["subscription"]
    for event_type in ("customer.subscription.created", "checkout.session.completed"):
        answer = deliver_delivery(sink.wait_for(event_type, subscription_id))
        assert answer.status_code == 200, answer.content
    return completed


def _post_form(url: str, form: dict[str, str]) -> dict[str, Any]:
    import json
    import urllib.request
    from urllib.parse import urlencode

    request = urllib.request.Request(url, data=urlencode(form).encode(), method="POST")  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback peer
        return dict(json.loads(response.read()))


def test_bad_signature_is_refused_and_changes_nothing(acme: TestTenant, acme_account: BillingAccount, billing_on):
    acme_account.stripe_customer_id = "cus_badsig"
    acme_account.save()
    obj = {"id": "sub_x", "object": "subscription", "customer": "cus_badsig", "status": "canceled", "items": {}}
    import json

    from shared_apps.billing.tests.stripe_front import stripe_event

    body = json.dumps(stripe_event("customer.subscription.deleted", obj)).encode()

    forged = deliver(body, stripe_signature(body, "whsec_not_the_secret"))
    tampered = deliver(body.replace(b"canceled", b"active__"), stripe_signature(body, WEBHOOK_SECRET))
    unsigned = deliver(body, "")

    for response in (forged, tampered, unsigned):
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "invalid_signature"
    assert account_row(acme)["status"] == BillingStatus.TRIALING
    assert StripeEvent.objects.count() == 0


def test_unknown_customer_is_logged_answered_200_and_changes_nothing(
    acme: TestTenant, acme_account: BillingAccount, billing_on, caplog
):
    obj = {"id": "sub_y", "object": "subscription", "customer": "cus_nobody", "status": "canceled", "items": {}}

    response, event = deliver_event("customer.subscription.deleted", obj)

    assert response.status_code == 200
    assert response.json() == {"result": "unknown_customer"}
    assert "unknown customer 'cus_nobody'" in caplog.text
    assert account_row(acme)["status"] == BillingStatus.TRIALING
    assert StripeEvent.objects.count() == 0


def test_checkout_after_the_trial_brings_a_read_only_company_back_on_the_bought_plan(
    acme: TestTenant, acme_account: BillingAccount, billing_on, webhook_sink
):
    account_update(acme.tenant_id, trial_ends_at=timezone.now() - timedelta(days=1))
    client = owner_client(acme)
    refused = client.post("/api/tokens", {"name": "ci"}, format="json")

    session = checkout_completed(acme, billing_on, webhook_sink)

    assert refused.status_code == 402
    assert refused.json()["error"]["message"].startswith("The free trial has ended")
    assert client.post("/api/tokens", {"name": "ci"}, format="json").status_code == 201

    row = account_row(acme)
    assert (row["status"], row["plan__code"]) == (BillingStatus.ACTIVE, "team")
    assert row["stripe_subscription_id"] == session["subscription"]
    customer = billing_on.localstripe("GET", f"/v1/customers/{session['customer']}")
    assert customer["metadata"] == {"tenant_id": str(acme.tenant_id)}
    assert session["client_reference_id"] == str(acme.tenant_id)


def test_a_replayed_event_has_one_effect(
    acme: TestTenant, acme_account: BillingAccount, billing_on, webhook_sink, django_capture_on_commit_callbacks
):
    session = checkout_completed(acme, billing_on, webhook_sink)
    obj = billing_on.localstripe("GET", f"/v1/subscriptions/{session['subscription']}")
    obj["status"] = "past_due"
    import json

    from shared_apps.billing.tests.stripe_front import stripe_event

    body = json.dumps(stripe_event("customer.subscription.updated", obj, created=int(time.time()) + 5)).encode()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = deliver(body, stripe_signature(body, WEBHOOK_SECRET))
        second = deliver(body, stripe_signature(body, WEBHOOK_SECRET))

    assert (first.json(), second.json()) == ({"result": "processed"}, {"result": "duplicate"})
    assert [callback.keywords for callback in callbacks if callback.func == send_owner_email.delay] == [
        {"account_id": acme_account.pk, "kind": "past_due"}
    ]
    assert StripeEvent.objects.filter(event_id=json.loads(body)["id"]).count() == 1
    assert account_row(acme)["status"] == BillingStatus.PAST_DUE


def test_an_older_event_never_overwrites_a_newer_state(
    acme: TestTenant, acme_account: BillingAccount, billing_on, webhook_sink
):
    session = checkout_completed(acme, billing_on, webhook_sink)
    subscription = billing_on.localstripe("GET", f"/v1/subscriptions/{session['subscription']}")
    now = int(time.time())
    canceled = {**subscription, "status": "canceled"}
    unpaid = {**subscription, "status": "unpaid"}

    newer, _ = deliver_event("customer.subscription.updated", unpaid, created=now + 20)
    older, _ = deliver_event("customer.subscription.deleted", canceled, created=now + 10)

    assert (newer.json(), older.json()) == ({"result": "processed"}, {"result": "stale"})
    row = account_row(acme)
    assert (row["status"], row["stripe_state_at"]) == (BillingStatus.UNPAID, now + 20)


def test_payment_failure_goes_past_due_then_read_only_and_payment_brings_it_back(
    acme: TestTenant,
    acme_account: BillingAccount,
    billing_on: StripeFront,
    webhook_sink: WebhookSink,
    settings,
    django_capture_on_commit_callbacks,
):
    # given an active company that pays by card
    session = checkout_completed(acme, billing_on, webhook_sink)
    customer, subscription_id = session["customer"], session["subscription"]
    client = owner_client(acme)

    # when the next charge is declined (localstripe: a declining card, and a renewal invoice it cannot collect)
    declining = billing_on.localstripe(
        "POST",
        "/v1/payment_methods",
        [("type", "card"), ("card[number]", "4000000000000341"), ("card[exp_month]", "12")]
        + [("card[exp_year]", "2030"), ("card[cvc]", "123")],
    )
    billing_on.localstripe("POST", f"/v1/payment_methods/{declining['id']}/attach", [("customer", customer)])
    billing_on.localstripe(
        "POST", f"/v1/customers/{customer}", [("invoice_settings[default_payment_method]", declining["id"])]
    )
    billing_on.localstripe("POST", f"/v1/subscriptions/{subscription_id}", [("items[0][plan]", YEARLY_PRICE)])
    subscription = billing_on.localstripe("GET", f"/v1/subscriptions/{subscription_id}")
    assert subscription["status"] == "past_due"
    invoice = billing_on.localstripe("GET", f"/v1/invoices/{subscription['latest_invoice']}")
    assert invoice["status"] == "open"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        failed, _ = deliver_event("invoice.payment_failed", invoice)

    # then: past due, full use, a banner, and the owner is emailed
    assert failed.json() == {"result": "processed"}
    assert account_row(acme)["status"] == BillingStatus.PAST_DUE
    assert [c.keywords for c in callbacks if c.func == send_owner_email.delay] == [
        {"account_id": acme_account.pk, "kind": "past_due"}
    ]
    state = client.get("/api/billing").json()
    assert (state["status"], state["payment_overdue_banner"], state["read_only"]) == ("past_due", True, False)
    assert client.post("/api/invitations", {"email": "one@acme.test"}, format="json").status_code == 201

    # when the grace period runs out
    account_update(acme.tenant_id, past_due_since=timezone.now() - timedelta(days=8))

    # then every write is refused while reads, logout and billing keep working
    refused = client.post("/api/invitations", {"email": "two@acme.test"}, format="json")
    assert refused.status_code == 402
    assert refused.json()["error"]["code"] == "tenant_read_only"
    assert client.patch("/api/settings", {"name": "Renamed"}, format="json").status_code == 402
    assert client.get("/api/users").status_code == 200
    assert client.get("/api/billing").json()["read_only_reason"] == "payment_overdue"
    assert client.post("/api/billing/portal").status_code == 200
    with schema_context(acme.schema_name):
        assert not User.objects.filter(email="two@acme.test").exists()

    # when the customer pays the open invoice with a working card
    working = billing_on.localstripe(
        "POST",
        "/v1/payment_methods",
        [("type", "card"), ("card[number]", "4242424242424242"), ("card[exp_month]", "12")]
        + [("card[exp_year]", "2030"), ("card[cvc]", "123")],
    )
    billing_on.localstripe("POST", f"/v1/payment_methods/{working['id']}/attach", [("customer", customer)])
    billing_on.localstripe(
        "POST", f"/v1/customers/{customer}", [("invoice_settings[default_payment_method]", working["id"])]
    )
    billing_on.localstripe("POST", f"/v1/invoices/{invoice['id']}/pay")
    paid = deliver_delivery(webhook_sink.wait_for("invoice.payment_succeeded", invoice["id"]))

    # then the company is active and writable again
    assert paid.json() == {"result": "processed"}
    row = account_row(acme)
    assert (row["status"], row["past_due_since"]) == (BillingStatus.ACTIVE, None)
    renamed = client.patch("/api/settings", {"name": "Acme Again"}, format="json")
    assert renamed.status_code == 200
    assert client.get("/api/billing").json()["payment_overdue_banner"] is False


def test_a_canceled_subscription_makes_the_company_read_only(
    acme: TestTenant, acme_account: BillingAccount, billing_on, webhook_sink
):
    session = checkout_completed(acme, billing_on, webhook_sink)
    account_update(acme.tenant_id, trial_ends_at=timezone.now() - timedelta(days=1))
    client = owner_client(acme)

    billing_on.localstripe("DELETE", f"/v1/subscriptions/{session['subscription']}")
    deleted = deliver_delivery(webhook_sink.wait_for("customer.subscription.deleted", session["subscription"]))

    assert deleted.json() == {"result": "processed"}
    assert account_row(acme)["status"] == BillingStatus.CANCELED
    refused = client.post("/api/tokens", {"name": "ci"}, format="json")
    assert refused.status_code == 402
    assert refused.json()["error"]["code"] == "tenant_read_only"
    assert client.get("/api/tokens").status_code == 200
    assert client.post("/api/auth/logout").status_code == 204


@pytest.mark.parametrize("event_type", ["invoice.paid", "invoice.payment_failed"])
def test_invoice_events_read_the_subscription_state_from_stripe(
    acme: TestTenant, acme_account: BillingAccount, billing_on, webhook_sink, event_type
):
    session = checkout_completed(acme, billing_on, webhook_sink)
    invoice = {
        "id": "in_x",
        "object": "invoice",
        "customer": session["customer"],
        "subscription": session["subscription"],
    }

    response, _ = deliver_event(event_type, invoice, created=int(time.time()) - 100)

    assert response.json() == {"result": "processed"}
    assert account_row(acme)["status"] == BillingStatus.ACTIVE


def test_trial_will_end_emails_the_owner(
    acme: TestTenant, acme_account: BillingAccount, billing_on, django_capture_on_commit_callbacks, settings, mailoutbox
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    acme_account.stripe_customer_id = "cus_trial_end"
    acme_account.save()
    obj = {"id": "sub_t", "object": "subscription", "customer": "cus_trial_end", "status": "trialing"}

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response, _ = deliver_event("customer.subscription.trial_will_end", obj)
    send_owner_email.run(**callbacks[0].keywords)

    assert response.json() == {"result": "processed"}
    assert [message.to for message in mailoutbox] == [[acme.owner_email]]
    assert mailoutbox[0].subject == "The free trial of Acme Corp on Atrium ends soon"
    assert account_row(acme)["status"] == BillingStatus.TRIALING


def test_webhook_without_stripe_configured_is_refused(acme_account: BillingAccount):
    response, _ = deliver_event("customer.subscription.deleted", {"customer": "cus_x"})

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "billing_disabled"


def test_plans_are_served_for_the_pricing_page(public_client, plans: dict[str, Plan]):
    response = public_client.get("/api/plans")

    assert response.status_code == 200
    assert [(plan["code"], plan["max_users"], plan["purchasable"]) for plan in response.json()] == [
        ("starter", 2, True),
        ("team", 25, True),
    ]
    assert response.json()[0] == {
        "code": "starter", "name": "Starter", "description": "", "max_users": 2, "max_mail_accounts": 2,
        "max_storage_mb": 1024, "max_contacts": 500, "monthly_price_cents": 900, "currency": "EUR",
        "trial_days": 14, "purchasable": True,
    }  # fmt: skip


def test_checkout_during_the_trial_carries_the_trial_over(
    acme: TestTenant, acme_account: BillingAccount, billing_on: StripeFront, plans
):
    response = owner_client(acme).post("/api/billing/checkout", {"plan": "starter"}, format="json")

    session_id = response.json()["url"].rsplit("/", 1)[1]
    stored = billing_on.sessions[session_id]
    assert stored["price"] == "price_atrium_starter"
    assert stored["trial_end"] == str(int(acme_account.trial_ends_at.timestamp()))  # type: ignore[union-attr]
    assert stored["session"]["success_url"] == f"http://{acme.hostname}/settings/billing?checkout=success"


def test_checkout_refuses_plans_that_cannot_be_bought(
    acme: TestTenant, acme_account: BillingAccount, billing_on, plans
):
    client = owner_client(acme)

    custom = client.post("/api/billing/checkout", {"plan": "custom"}, format="json")
    unknown = client.post("/api/billing/checkout", {"plan": "nope"}, format="json")

    assert custom.status_code == unknown.status_code == 400
    assert custom.json()["error"]["fields"] == {"plan": ["'custom' is not a plan that can be bought."]}
    assert BillingAccount.objects.get(pk=acme_account.pk).stripe_customer_id is None


def test_billing_portal_opens_for_the_company_customer(
    acme: TestTenant, acme_account: BillingAccount, billing_on: StripeFront
):
    response = owner_client(acme).post("/api/billing/portal")

    assert response.status_code == 200
    assert response.json()["url"].startswith(f"{billing_on.url}/p/session/bps_")
    customer_id = BillingAccount.objects.get(pk=acme_account.pk).stripe_customer_id
    assert billing_on.localstripe("GET", f"/v1/customers/{customer_id}")["metadata"] == {
        "tenant_id": str(acme.tenant_id)
    }


def test_without_stripe_keys_billing_is_off_and_nothing_calls_stripe(acme: TestTenant, acme_account: BillingAccount):
    account_update(acme.tenant_id, status=BillingStatus.CANCELED, trial_ends_at=timezone.now() - timedelta(days=30))
    client = owner_client(acme)

    state = client.get("/api/billing").json()
    checkout = client.post("/api/billing/checkout", {"plan": "team"}, format="json")
    write = client.post("/api/tokens", {"name": "ci"}, format="json")

    assert (state["enabled"], state["plan"], state["read_only"]) == (False, None, False)
    assert checkout.status_code == 409
    assert checkout.json()["error"]["code"] == "billing_disabled"
    assert write.status_code == 201


def test_inviting_past_the_plan_user_limit_is_refused_naming_plan_and_limit(
    acme: TestTenant, acme_account: BillingAccount, billing_on
):
    from tenant_apps.accounts.models import Invitation

    client = owner_client(acme)

    first = client.post("/api/invitations", {"email": "first@acme.test"}, format="json")
    second = client.post("/api/invitations", {"email": "second@acme.test"}, format="json")
    replaced = client.post("/api/invitations", {"email": "first@acme.test"}, format="json")

    assert (first.status_code, second.status_code, replaced.status_code) == (201, 402, 201)
    assert second.json() == {
        "error": {
            "code": "plan_limit",
            "message": "The Starter plan allows 2 users; 2 are in use or invited. Choose a larger plan to add more.",
            "fields": {},
        }
    }
    with schema_context(acme.schema_name):
        assert not Invitation.objects.filter(email="second@acme.test").exists()


def test_billing_state_is_each_company_own(
    acme: TestTenant, globex: TestTenant, acme_account: BillingAccount, billing_on
):
    acme_state = owner_client(acme).get("/api/billing").json()
    globex_state = owner_client(globex).get("/api/billing").json()
    globex_portal = owner_client(globex).post("/api/billing/portal")

    assert (acme_state["plan"]["code"], acme_state["status"]) == ("starter", "trialing")
    assert (globex_state["plan"], globex_state["usage"]) == (None, {"users": 1})
    assert globex_portal.status_code == 200
    globex_customer = BillingAccount.objects.get(tenant_id=globex.tenant_id).stripe_customer_id
    assert globex_customer != BillingAccount.objects.get(pk=acme_account.pk).stripe_customer_id
    assert billing_on.localstripe("GET", f"/v1/customers/{globex_customer}")["metadata"] == {
        "tenant_id": str(globex.tenant_id)
    }


def test_reactivating_a_user_past_the_plan_user_limit_is_refused(
    acme: TestTenant, globex: TestTenant, acme_account: BillingAccount, billing_on
):
    with schema_context(acme.schema_name):
        colleague = User.objects.create_user("colleague@acme.test", TEST_PASSWORD)
        former = User.objects.create_user("former@acme.test", TEST_PASSWORD, is_active=False)
    with schema_context(globex.schema_name):
        globex_former = User.objects.create_user("former@globex.test", TEST_PASSWORD, is_active=False)
    client = owner_client(acme)

    refused = client.patch(f"/api/users/{former.pk}", {"is_active": True}, format="json")
    with schema_context(acme.schema_name):
        still_inactive = not User.objects.get(pk=former.pk).is_active
    other_company = owner_client(globex).patch(f"/api/users/{globex_former.pk}", {"is_active": True}, format="json")
    client.patch(f"/api/users/{colleague.pk}", {"is_active": False}, format="json")
    allowed = client.patch(f"/api/users/{former.pk}", {"is_active": True}, format="json")

    # Starter allows 2: the owner and the colleague fill acme; globex has no plan, so no limit
    assert refused.status_code == 402
    assert refused.json() == {
        "error": {
            "code": "plan_limit",
            "message": "The Starter plan allows 2 users; 2 are in use or invited. Choose a larger plan to add more.",
            "fields": {},
        }
    }
    assert still_inactive
    assert other_company.status_code == 200
    assert allowed.status_code == 200
    with schema_context(acme.schema_name):
        assert dict(
            User.objects.filter(email__in=["former@acme.test", "colleague@acme.test"]).values_list("email", "is_active")
        ) == {"former@acme.test": True, "colleague@acme.test": False}
