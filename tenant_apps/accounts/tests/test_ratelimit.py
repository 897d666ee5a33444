"""Failed sign-ins are counted in Redis per client IP and per (tenant, email); over the limit the answer is 429."""

from __future__ import annotations

import time

import pytest
from django.test import RequestFactory
from django_redis import get_redis_connection

from shared_apps.common.testing import TEST_PASSWORD, TestTenant
from tenant_apps.accounts import ratelimit
from tenant_apps.accounts.tests.conftest import error, login, user_make

WRONG = "definitely-not-the-password"


@pytest.fixture
def tight_limits(settings):
    settings.LOGIN_RATE_LIMIT_PER_EMAIL = 3
    settings.LOGIN_RATE_LIMIT_PER_IP = 5
    settings.LOGIN_RATE_LIMIT_WINDOW_SECONDS = 600


def _window() -> int:
    return int(time.time()) // 600


@pytest.mark.parametrize(
    ("trusted_proxies", "forwarded_for", "expected"),
    [
        (0, "", "10.0.0.9"),
        (0, "203.0.113.7", "10.0.0.9"),  # no trusted proxy: the header is the client's to invent
        (1, "198.51.100.1, 203.0.113.7", "203.0.113.7"),  # nginx appended the address it saw
        (2, "198.51.100.1, 203.0.113.7, 10.0.0.2", "203.0.113.7"),
        (2, "203.0.113.7", "10.0.0.9"),  # fewer entries than proxies: something is off, use the peer
        (1, "not-an-ip", "10.0.0.9"),
        (1, "2001:DB8::1", "2001:db8::1"),
    ],
)
def test_client_ip(settings, trusted_proxies, forwarded_for, expected):
    settings.TRUSTED_PROXY_COUNT = trusted_proxies
    request = RequestFactory().post("/api/auth/login", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR=forwarded_for)

    assert ratelimit.client_ip(request) == expected


def test_email_over_the_limit_gets_429_with_retry_after(acme: TestTenant, acme_client, tight_limits):
    user_make(acme, email="target@acme.test")
    statuses = [login(acme_client, "target@acme.test", WRONG, REMOTE_ADDR="10.1.0.1").status_code for _ in range(3)]

    # The right password no longer helps within the window: the limit is checked first.
    response = login(acme_client, "target@acme.test", TEST_PASSWORD, REMOTE_ADDR="10.1.0.1")

    assert statuses == [400, 400, 400]
    assert response.status_code == 429
    retry_after = int(response["Retry-After"])
    assert 0 < retry_after <= 600
    assert response.json() == error(
        "rate_limited",
        "Too many failed sign-in attempts; please wait before trying again. "
        f"Expected available in {retry_after} seconds.",
    )
    assert acme_client.get("/api/auth/me").status_code == 401


def test_email_limit_holds_across_client_addresses(acme: TestTenant, acme_client, tight_limits):
    user_make(acme, email="target@acme.test")
    for index in range(3):
        login(acme_client, "target@acme.test", WRONG, REMOTE_ADDR=f"10.2.0.{index}")

    response = login(acme_client, "TARGET@acme.test", WRONG, REMOTE_ADDR="10.2.0.99")

    assert response.status_code == 429


def test_ip_over_the_limit_gets_429_for_any_email(acme: TestTenant, acme_client, tight_limits):
    statuses = [
        login(acme_client, f"guess{index}@acme.test", WRONG, REMOTE_ADDR="10.3.0.1").status_code for index in range(5)
    ]

    blocked = login(acme_client, acme.owner_email, TEST_PASSWORD, REMOTE_ADDR="10.3.0.1")
    other_address = login(acme_client, acme.owner_email, TEST_PASSWORD, REMOTE_ADDR="10.3.0.2")

    assert statuses == [400] * 5
    assert blocked.status_code == 429
    assert blocked.json()["error"]["code"] == "rate_limited"
    assert other_address.status_code == 200


def test_forwarded_client_addresses_are_counted_apart_behind_a_trusted_proxy(
    acme: TestTenant, acme_client, settings, tight_limits
):
    settings.TRUSTED_PROXY_COUNT = 1
    for index in range(5):
        login(
            acme_client, f"guess{index}@acme.test", WRONG, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.4"
        )

    blocked = login(
        acme_client, acme.owner_email, TEST_PASSWORD, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.4"
    )
    # A client cannot dodge the limit by writing its own X-Forwarded-For: only the proxy's entry counts.
    spoofed = login(
        acme_client,
        acme.owner_email,
        TEST_PASSWORD,
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="192.0.2.1, 198.51.100.4",
    )
    neighbour = login(
        acme_client, acme.owner_email, TEST_PASSWORD, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.5"
    )

    assert blocked.status_code == 429
    assert spoofed.status_code == 429
    assert neighbour.status_code == 200


def test_successful_login_clears_the_email_counter(acme: TestTenant, acme_client, tight_limits):
    user_make(acme, email="target@acme.test")
    login(acme_client, "target@acme.test", WRONG, REMOTE_ADDR="10.4.0.1")
    login(acme_client, "target@acme.test", WRONG, REMOTE_ADDR="10.4.0.1")
    key = ratelimit.email_key(acme.schema_name, "target@acme.test", _window())
    assert get_redis_connection("default").get(key) == b"2"

    success = login(acme_client, "target@acme.test", TEST_PASSWORD, REMOTE_ADDR="10.4.0.1")
    counter_after_success = get_redis_connection("default").get(key)
    after = [login(acme_client, "target@acme.test", WRONG, REMOTE_ADDR="10.4.0.1").status_code for _ in range(3)]

    assert success.status_code == 200
    assert counter_after_success is None
    assert after == [400, 400, 400]


def test_counters_expire_with_their_window(acme: TestTenant, acme_client, tight_limits):
    login(acme_client, "someone@acme.test", WRONG, REMOTE_ADDR="10.5.0.1")
    redis = get_redis_connection("default")

    ip_ttl = redis.ttl(ratelimit.ip_key("10.5.0.1", _window()))
    email_ttl = redis.ttl(ratelimit.email_key(acme.schema_name, "someone@acme.test", _window()))

    assert 0 < ip_ttl <= 605
    assert 0 < email_ttl <= 605


def test_email_counter_is_per_tenant(acme: TestTenant, globex: TestTenant, acme_client, globex_client, tight_limits):
    user_make(acme, email="shared@example.test")
    user_make(globex, email="shared@example.test")
    for index in range(3):
        login(acme_client, "shared@example.test", WRONG, REMOTE_ADDR=f"10.6.0.{index}")

    at_acme = login(acme_client, "shared@example.test", TEST_PASSWORD, REMOTE_ADDR="10.6.1.1")
    at_globex = login(globex_client, "shared@example.test", TEST_PASSWORD, REMOTE_ADDR="10.6.1.2")

    assert at_acme.status_code == 429
    assert at_globex.status_code == 200
    assert ratelimit.email_key(acme.schema_name, "x@y.z", 1) != ratelimit.email_key(globex.schema_name, "x@y.z", 1)


def test_password_reset_requests_are_limited_per_email(
    acme: TestTenant, acme_client, settings, django_capture_on_commit_callbacks
):
    settings.PASSWORD_RESET_RATE_LIMIT_PER_EMAIL = 3
    settings.PASSWORD_RESET_RATE_LIMIT_PER_IP = 100
    settings.LOGIN_RATE_LIMIT_WINDOW_SECONDS = 600
    email = f"bombed-{time.time_ns()}@example.test"

    with django_capture_on_commit_callbacks() as queued:
        answers = [
            acme_client.post("/api/auth/password-reset", {"email": email}, format="json", REMOTE_ADDR="10.9.0.1")
            for _ in range(4)
        ]
        other = acme_client.post(
            "/api/auth/password-reset", {"email": f"x{email}"}, format="json", REMOTE_ADDR="10.9.0.1"
        )

    assert [answer.status_code for answer in answers] == [202, 202, 202, 429]
    assert answers[3].json()["error"]["code"] == "rate_limited"
    assert 0 < int(answers[3]["Retry-After"]) <= 600
    assert other.status_code == 202
    assert len(queued) == 4  # three for the bombed address, one for the other; none for the refused request


def test_password_reset_requests_are_limited_per_ip(acme: TestTenant, acme_client, settings):
    settings.PASSWORD_RESET_RATE_LIMIT_PER_EMAIL = 100
    settings.PASSWORD_RESET_RATE_LIMIT_PER_IP = 2
    settings.LOGIN_RATE_LIMIT_WINDOW_SECONDS = 600
    ip = f"10.8.{time.time_ns() % 250}.{time.time_ns() % 199}"

    codes = [
        acme_client.post(
            "/api/auth/password-reset", {"email": f"user{n}@example.test"}, format="json", REMOTE_ADDR=ip
        ).status_code
        for n in range(3)
    ]

    assert codes == [202, 202, 429]


def test_password_reset_limit_says_what_was_limited(acme: TestTenant, acme_client, settings):
    settings.PASSWORD_RESET_RATE_LIMIT_PER_EMAIL = 1
    settings.LOGIN_RATE_LIMIT_WINDOW_SECONDS = 600
    email = f"twice-{time.time_ns()}@example.test"

    acme_client.post("/api/auth/password-reset", {"email": email}, format="json")
    refused = acme_client.post("/api/auth/password-reset", {"email": email}, format="json")

    assert refused.status_code == 429
    assert refused.json()["error"]["message"].startswith(
        "Too many password reset requests; please wait before asking again."
    )
