from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings

# Companies these tests sign up; each test's transaction is rolled back, so they come back with new ids.
SIGNED_UP_SUBDOMAINS = ("initech", "initrode", "chotchkies")


@pytest.fixture(autouse=True)
def _signed_up_hosts_forgotten() -> Iterator[None]:
    """Routing caches a host's tenant row in Redis; a row cached by an earlier (rolled back) test must not answer."""
    from tenants.routing import host_cache_forget

    def forget() -> None:
        for subdomain in SIGNED_UP_SUBDOMAINS:
            host_cache_forget(f"{subdomain}.{settings.BASE_DOMAIN}")

    forget()
    yield
    forget()


@pytest.fixture(autouse=True)
def _rate_limit_counters_cleared(rate_limit_counters_cleared: None) -> None:
    """Rate-limit counters live in Redis, outside the rolled-back transaction: each test starts without any."""
