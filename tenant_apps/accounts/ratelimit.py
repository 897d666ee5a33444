"""Throttling in Redis with fixed-window counters, per client IP and per (tenant, email): failed sign-ins, and
password reset requests.

Only failures are counted, so people who type their password right are never slowed down; a success clears
the email's counter. The IP counter is deliberately not per tenant: one address guessing passwords across many
companies is throttled as one client.
"""

from __future__ import annotations

import hashlib
import ipaddress
import time

from django.conf import settings
from django.http import HttpRequest
from django_redis import get_redis_connection

from shared_apps.common.ratelimit import RateLimitExceeded, rate_limit_hit


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the entry TRUSTED_PROXY_COUNT from the right of X-Forwarded-For.

    Each trusted proxy appends the address it received the request from, so entries left of the last
    TRUSTED_PROXY_COUNT ones were written by the client and are never trusted.
    """
    remote_addr = str(request.META.get("REMOTE_ADDR", ""))
    proxies = int(settings.TRUSTED_PROXY_COUNT)
    if proxies > 0:
        forwarded = [entry.strip() for entry in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
        forwarded = [entry for entry in forwarded if entry]
        if len(forwarded) >= proxies:
            candidate = forwarded[-proxies]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                pass
    return remote_addr or "unknown"


def _window(now: float) -> tuple[int, int]:
    """(window number, seconds until it ends) of the fixed window that `now` falls in."""
    length = max(int(settings.LOGIN_RATE_LIMIT_WINDOW_SECONDS), 1)
    number = int(now) // length
    return number, length - (int(now) % length)


def _prefix(action: str) -> str:
    return f"{settings.CACHES['default'].get('KEY_PREFIX', 'atrium')}:ratelimit:{action}"


def ip_key(ip: str, window: int, action: str = "login") -> str:
    return f"{_prefix(action)}:ip:{ip}:{window}"


def email_key(schema_name: str, email: str, window: int, action: str = "login") -> str:
    # Hashed, so addresses (personal data) and odd characters never end up in key names.
    digest = hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()
    return f"{_prefix(action)}:email:{schema_name}:{digest}:{window}"


def login_attempt_check(*, schema_name: str, email: str, ip: str) -> None:
    """Raise RateLimitExceeded when this email or this IP has used up its failures in the current window."""
    window, remaining = _window(time.time())
    redis = get_redis_connection("default")
    ip_failures, email_failures = redis.mget([ip_key(ip, window), email_key(schema_name, email, window)])
    if int(ip_failures or 0) >= int(settings.LOGIN_RATE_LIMIT_PER_IP) or int(email_failures or 0) >= int(
        settings.LOGIN_RATE_LIMIT_PER_EMAIL
    ):
        raise RateLimitExceeded(retry_after_seconds=remaining)


def login_failure_record(*, schema_name: str, email: str, ip: str) -> None:
    window, remaining = _window(time.time())
    # The keys outlive their window a little, so a counter never expires while it is still being read.
    ttl = remaining + 5
    pipeline = get_redis_connection("default").pipeline()
    for key in (ip_key(ip, window), email_key(schema_name, email, window)):
        pipeline.incr(key)
        pipeline.expire(key, ttl)
    pipeline.execute()


def login_success_record(*, schema_name: str, email: str) -> None:
    window, _ = _window(time.time())
    get_redis_connection("default").delete(email_key(schema_name, email, window))


def password_reset_request_record(*, schema_name: str, email: str, ip: str) -> None:
    """Count a reset request; raise RateLimitExceeded once this email or IP has asked too often this window.

    Every request counts (each one would send a mail), whether or not the address has an account, so the
    answer says nothing about who exists.
    """
    window_seconds = int(settings.LOGIN_RATE_LIMIT_WINDOW_SECONDS)
    rate_limit_hit(
        action="password-reset-ip",
        subject=ip,
        limit=int(settings.PASSWORD_RESET_RATE_LIMIT_PER_IP),
        window_seconds=window_seconds,
    )
    rate_limit_hit(
        action="password-reset-email",
        subject=f"{schema_name}:{email.strip().lower()}",
        limit=int(settings.PASSWORD_RESET_RATE_LIMIT_PER_EMAIL),
        window_seconds=window_seconds,
    )
