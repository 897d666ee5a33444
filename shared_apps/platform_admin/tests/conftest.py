from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

import pytest
from django.conf import settings
from django.test import Client
from django_redis import get_redis_connection

from shared_apps.common.testing import TEST_PASSWORD
from shared_apps.platform_admin.models import PlatformStaff

STAFF_BACKEND = "shared_apps.platform_admin.backends.PlatformStaffBackend"


@pytest.fixture(autouse=True)
def _rate_limit_counters_cleared() -> Iterator[None]:
    """Sign-in counters live in Redis, outside the rolled-back transaction: each test starts without any."""

    def clear() -> None:
        redis = get_redis_connection("default")
        keys = list(redis.scan_iter(match=f"{settings.CACHES['default']['KEY_PREFIX']}:ratelimit:*"))
        if keys:
            redis.delete(*keys)

    clear()
    yield
    clear()


def public_browser() -> Client:
    """A browser on the public host (the only host serving the admin)."""
    return Client(HTTP_HOST=settings.BASE_DOMAIN)


@pytest.fixture
def staff(db: None) -> PlatformStaff:
    return PlatformStaff.objects.create_staff("ops@atrium.test", TEST_PASSWORD, full_name="Ops Person")


@pytest.fixture
def staff_client(staff: PlatformStaff) -> Any:
    client = public_browser()
    client.force_login(cast(Any, staff), backend=STAFF_BACKEND)
    return client
