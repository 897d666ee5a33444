"""A loopback stand-in for the two Stripe APIs localstripe lacks: Checkout Sessions and Billing Portal sessions.

It serves exactly what Atrium calls (POST /v1/checkout/sessions, POST /v1/billing_portal/sessions) in Stripe's
documented request and response shapes, and passes every other /v1 request through to localstripe unchanged,
so the application talks to one API base as it does to api.stripe.com. What the buyer does on Stripe's hosted
page is one test-only call, POST /_test/checkout/sessions/{id}/complete: it attaches a card and creates the
subscription in localstripe, then sends `checkout.session.completed`, signed with Stripe's v1 scheme
(HMAC-SHA256 over "{timestamp}.{payload}"), to the webhook URL set with POST /_config/webhook.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl


def stripe_signature(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """The Stripe-Signature header Stripe sends with `payload`."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def stripe_event(event_type: str, obj: dict[str, Any], created: int | None = None) -> dict[str, Any]:
    return {
        "id": f"evt_{secrets.token_hex(12)}",
        "object": "event",
        "api_version": "2025-01-27.acacia",
        "created": int(time.time()) if created is None else created,
        "livemode": False,
        "pending_webhooks": 1,
        "type": event_type,
        "data": {"object": obj},
    }


def _error(message: str, param: str = "", status: int = 400) -> tuple[int, dict[str, Any]]:
    return status, {"error": {"type": "invalid_request_error", "message": message, "param": param}}


class StripeFront:
    def __init__(self, localstripe_url: str) -> None:
        self.localstripe_url = localstripe_url.rstrip("/")
        self.sessions: dict[str, dict[str, Any]] = {}
        self.webhook_url = ""
        self.webhook_secret = ""
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> StripeFront:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- calls to localstripe ---------------------------------------------------------------------------------

    def localstripe(self, method: str, path: str, params: list[tuple[str, str]] | None = None) -> dict[str, Any]:
        from urllib.parse import urlencode

        body = urlencode(params or []).encode() if method == "POST" else None
        request = urllib.request.Request(  # noqa: S310 - loopback peer
            self.localstripe_url + path,
            data=body,
            method=method,
            headers={"Authorization": "Bearer sk_test_front", "Content-Type": "application/x-www-form-urlencoded"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback peer
            raw = response.read()
        return dict(json.loads(raw)) if raw else {}

    def _proxy(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        request = urllib.request.Request(self.localstripe_url + path, data=body or None, method=method)  # noqa: S310
        for name in ("Authorization", "Content-Type"):
            if name in headers:
                request.add_header(name, headers[name])
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback peer
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    # --- the endpoints ----------------------------------------------------------------------------------------

    def checkout_session_create(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        for required in ("mode", "customer", "success_url", "cancel_url", "line_items[0][price]"):
            if not form.get(required):
                return _error(f"Missing required param: {required}.", required)
        if form["mode"] != "subscription":
            return _error("This stand-in only creates subscription-mode sessions.", "mode")
        try:
            self.localstripe("GET", f"/v1/customers/{form['customer']}")
        except urllib.error.HTTPError:
            return _error(f"No such customer: '{form['customer']}'", "customer")
        price = form["line_items[0][price]"]
        try:
            self.localstripe("GET", f"/v1/plans/{price}")
        except urllib.error.HTTPError:
            return _error(f"No such price: '{price}'", "line_items[0][price]")
        session_id = f"cs_test_{secrets.token_hex(16)}"
        now = int(time.time())
        session: dict[str, Any] = {
            "id": session_id,
            "object": "checkout.session",
            "mode": "subscription",
            "status": "open",
            "payment_status": "unpaid",
            "customer": form["customer"],
            "client_reference_id": form.get("client_reference_id"),
            "success_url": form["success_url"],
            "cancel_url": form["cancel_url"],
            "subscription": None,
            "url": f"{self.url}/c/pay/{session_id}",
            "created": now,
            "expires_at": now + 24 * 3600,
            "livemode": False,
            "metadata": {},
        }
        self.sessions[session_id] = {
            "session": session,
            "price": price,
            "quantity": form.get("line_items[0][quantity]", "1"),
            "trial_end": form.get("subscription_data[trial_end]"),
        }
        return 200, session

    def checkout_session_complete(self, session_id: str, card_number: str) -> tuple[int, dict[str, Any]]:
        stored = self.sessions.get(session_id)
        if stored is None:
            return _error(f"No such checkout.session: '{session_id}'", status=404)
        session = stored["session"]
        customer = session["customer"]
        card = self.localstripe(
            "POST",
            "/v1/payment_methods",
            [("type", "card"), ("card[number]", card_number), ("card[exp_month]", "12"), ("card[exp_year]", "2030")]
            + [("card[cvc]", "123")],
        )
        self.localstripe("POST", f"/v1/payment_methods/{card['id']}/attach", [("customer", customer)])
        self.localstripe(
            "POST", f"/v1/customers/{customer}", [("invoice_settings[default_payment_method]", card["id"])]
        )
        params = [("customer", customer), ("items[0][plan]", stored["price"]), ("items[0][quantity]", "1")]
        if stored["trial_end"]:
            params.append(("trial_end", stored["trial_end"]))
        subscription = self.localstripe("POST", "/v1/subscriptions", params)
        session.update(status="complete", payment_status="paid", subscription=subscription["id"])
        self.webhook_send(stripe_event("checkout.session.completed", session))
        return 200, session

    def portal_session_create(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        customer = form.get("customer", "")
        if not customer:
            return _error("Missing required param: customer.", "customer")
        try:
            self.localstripe("GET", f"/v1/customers/{customer}")
        except urllib.error.HTTPError:
            return _error(f"No such customer: '{customer}'", "customer")
        session_id = f"bps_{secrets.token_hex(12)}"
        return 200, {
            "id": session_id,
            "object": "billing_portal.session",
            "customer": customer,
            "return_url": form.get("return_url"),
            "url": f"{self.url}/p/session/{session_id}",
            "created": int(time.time()),
            "livemode": False,
        }

    def webhook_send(self, event: dict[str, Any]) -> None:
        if not self.webhook_url:
            return
        payload = json.dumps(event).encode()
        request = urllib.request.Request(  # noqa: S310 - loopback sink
            self.webhook_url,
            data=payload,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Stripe-Signature": stripe_signature(payload, self.webhook_secret, event["created"]),
            },
        )
        with urllib.request.urlopen(request, timeout=10):  # noqa: S310 - loopback sink
            pass

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        front = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def _answer(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _route(self, method: str) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                form = dict(parse_qsl(body.decode(), keep_blank_values=True))
                path = self.path.split("?", 1)[0]
                result: tuple[int, dict[str, Any]] | None = None
                if method == "POST" and path == "/v1/checkout/sessions":
                    result = front.checkout_session_create(form)
                elif method == "POST" and path == "/v1/billing_portal/sessions":
                    result = front.portal_session_create(form)
                elif method == "POST" and path.startswith("/_test/checkout/sessions/") and path.endswith("/complete"):
                    session_id = path.split("/")[4]
                    result = front.checkout_session_complete(session_id, form.get("card", "4242424242424242"))
                elif method == "POST" and path == "/_config/webhook":
                    front.webhook_url, front.webhook_secret = form["url"], form["secret"]
                    result = (200, {})
                if result is not None:
                    self._answer(result[0], json.dumps(result[1]).encode())
                    return
                status, answer = front._proxy(method, self.path, dict(self.headers.items()), body)
                self._answer(status, answer)

            def do_GET(self) -> None:
                self._route("GET")

            def do_POST(self) -> None:
                self._route("POST")

            def do_DELETE(self) -> None:
                self._route("DELETE")

        return Handler
