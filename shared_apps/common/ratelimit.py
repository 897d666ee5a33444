"""A fixed-window request counter in Redis, for endpoints that count every call (signup, availability checks).

The same scheme as tenant_apps.accounts.ratelimit (one INCR + EXPIRE per call, keys named by window number),
with the action, limit and window given by the caller.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django_redis import get_redis_connection


class RateLimitExceeded(Exception):
    """Raised past a limit; views answer 429 with Retry-After set to retry_after_seconds."""

    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__(f"rate limited for {retry_after_seconds}s")
        self.retry_after_seconds = retry_after_seconds


def _key(action: str, subject: str, window: int) -> str:
    # Hashed, so addresses and other personal data never end up in key names.
    digest = hashlib.sha256(subject.encode("utf-8")).hexdigest()[:32]
    return f"{settings.CACHES['default'].get('KEY_PREFIX', 'atrium')}:ratelimit:{action}:{digest}:{window}"


def rate_limit_hit(*, action: str, subject: str, limit: int, window_seconds: int) -> None:
    """Count one call of `action` by `subject` (an IP, an email); raise RateLimitExceeded past `limit` per window."""
    length = max(int(window_seconds), 1)
    now = int(time.time())
    window, remaining = now // length, length - now % length
    key = _key(action, subject, window)
    pipeline = get_redis_connection("default").pipeline(transaction=False)
    pipeline.incr(key)
    pipeline.expire(key, remaining + 5)
    count, _ = pipeline.execute()
    if int(count) > int(limit):
        raise RateLimitExceeded(retry_after_seconds=remaining)


__all__ = ["RateLimitExceeded", "rate_limit_hit"]
