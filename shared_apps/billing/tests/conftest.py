"""Billing test peers: localstripe (a subprocess on loopback), the Checkout/Portal stand-in in front of it, and a
webhook sink that records what they deliver, so tests can replay each delivery into the app byte for byte."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from shared_apps.billing.account_cache import billing_cache_invalidate
from shared_apps.billing.models import BillingAccount, BillingStatus, Plan
from shared_apps.billing.tests.stripe_front import StripeFront, stripe_event, stripe_signature
from shared_apps.common.testing import TestTenant, api_client, peer_required

WEBHOOK_SECRET = "whsec_atrium_test_secret"
SECRET_KEY = "sk_test_atrium"
ROOT = Path(__file__).resolve().parents[3]
PRICES = {"starter": ("price_atrium_starter", 900), "team": ("price_atrium_team", 2900)}
YEARLY_PRICE = "price_atrium_team_yearly"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Delivery:
    body: bytes
    signature: str

    @property
    def event(self) -> dict[str, Any]:
        return dict(json.loads(self.body))


class WebhookSink:
    """Records every webhook delivered to it (from localstripe and the stand-in)."""

    def __init__(self) -> None:
        self.deliveries: list[Delivery] = []
        self.lock = threading.Lock()
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with sink.lock:
                    sink.deliveries.append(Delivery(body, self.headers.get("Stripe-Signature", "")))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/webhook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, event_type: str, about: str, timeout: float = 8.0) -> Delivery:
        """The delivery of `event_type` whose object mentions `about` (an id); localstripe sends after ~1 s."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                for delivery in self.deliveries:
                    event = delivery.event
                    if event["type"] == event_type and about in json.dumps(event["data"]["object"]):
                        return delivery
            time.sleep(0.05)
        raise AssertionError(f"no {event_type} about {about} was delivered within {timeout}s")


@pytest.fixture(scope="session")
def localstripe_url() -> Iterator[str]:
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603 - our own launcher module
        [sys.executable, "-m", "shared_apps.billing.tests.localstripe_peer", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and process.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    peer_required("localstripe", "127.0.0.1", port)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def webhook_sink() -> WebhookSink:
    return WebhookSink()


@pytest.fixture(scope="session")
def stripe_front(localstripe_url: str, webhook_sink: WebhookSink) -> Iterator[StripeFront]:
    front = StripeFront(localstripe_url).start()
    front.webhook_url, front.webhook_secret = webhook_sink.url, WEBHOOK_SECRET
    front.localstripe("POST", "/_config/webhooks/atrium", [("url", webhook_sink.url), ("secret", WEBHOOK_SECRET)])
    product = front.localstripe("POST", "/v1/products", [("name", "Atrium")])
    for price_id, amount in PRICES.values():
        front.localstripe(
            "POST",
            "/v1/plans",
            [("id", price_id), ("amount", str(amount)), ("currency", "eur"), ("interval", "month")]
            + [("product", product["id"])],
        )
    front.localstripe(
        "POST",
        "/v1/plans",
        [("id", YEARLY_PRICE), ("amount", "29000"), ("currency", "eur"), ("interval", "year")]
        + [("product", product["id"])],
    )
    yield front
    front.stop()


@pytest.fixture
def billing_on(settings: Any, stripe_front: StripeFront) -> StripeFront:
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = stripe_front.url
    return stripe_front


@pytest.fixture
def plans(db: None) -> dict[str, Plan]:
    return {
        "starter": Plan.objects.create(
            code="starter", name="Starter", max_users=2, max_mail_accounts=2, max_storage_mb=1024, max_contacts=500,
            stripe_price_id=PRICES["starter"][0], monthly_price_cents=900, is_default=True, sort_order=1,
        ),
        "team": Plan.objects.create(
            code="team", name="Team", max_users=25, max_mail_accounts=25, max_storage_mb=20480, max_contacts=None,
            stripe_price_id=PRICES["team"][0], monthly_price_cents=2900, sort_order=2,
        ),
        "custom": Plan.objects.create(code="custom", name="Custom", is_public=False, sort_order=3),
    }  # fmt: skip


@pytest.fixture
def acme_account(acme: TestTenant, plans: dict[str, Plan]) -> BillingAccount:
    return BillingAccount.objects.create(
        tenant_id=acme.tenant_id,
        plan=plans["starter"],
        status=BillingStatus.TRIALING,
        trial_ends_at=timezone.now() + timedelta(days=14),
    )


@pytest.fixture(autouse=True)
def _signup_counters_cleared(rate_limit_counters_cleared: None) -> None:
    """Rate-limit counters live in Redis, outside the rolled-back transaction: each test starts without any."""


def account_update(tenant_id: int, **values: Any) -> None:
    """Change a company's billing row directly, as an operator would in SQL, and announce it as services do: a
    queryset update sends no signal, and web processes remember billing rows (account_cache)."""
    BillingAccount.objects.filter(tenant_id=tenant_id).update(**values)
    billing_cache_invalidate(tenant_id=tenant_id)


def deliver(body: bytes, signature: str) -> Any:
    """POST a webhook to the app on the public host, exactly as Stripe would."""
    return api_client(settings.BASE_DOMAIN).generic(
        "POST", "/api/billing/stripe-webhook", body, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature
    )


def deliver_delivery(delivery: Delivery) -> Any:
    return deliver(delivery.body, delivery.signature)


def deliver_event(event_type: str, obj: dict[str, Any], created: int | None = None) -> tuple[Any, dict[str, Any]]:
    """Sign and deliver an event the way Stripe does (for events the peers do not send themselves)."""
    event = stripe_event(event_type, obj, created)
    body = json.dumps(event).encode()
    return deliver(body, stripe_signature(body, WEBHOOK_SECRET)), event
