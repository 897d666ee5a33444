from __future__ import annotations

from typing import Any, cast

import pytest
from django.conf import settings
from django.test import Client

from shared_apps.common.testing import TEST_PASSWORD
from shared_apps.platform_admin.models import PlatformStaff

STAFF_BACKEND = "shared_apps.platform_admin.backends.PlatformStaffBackend"


@pytest.fixture(autouse=True)
def _rate_limit_counters_cleared(rate_limit_counters_cleared: None) -> None:
    """Rate-limit counters live in Redis, outside the rolled-back transaction: each test starts without any."""


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
