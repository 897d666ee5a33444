from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from django_redis import get_redis_connection


@pytest.fixture(autouse=True)
def _rate_limit_counters_cleared() -> Iterator[None]:
    """Signup counters live in Redis, outside the rolled-back transaction: each test starts without any."""

    def clear() -> None:
        redis = get_redis_connection("default")
        keys = list(redis.scan_iter(match=f"{settings.CACHES['default']['KEY_PREFIX']}:ratelimit:*"))
        if keys:
            redis.delete(*keys)

    clear()
    yield
    clear()
