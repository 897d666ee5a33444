"""The session's real stack: Debian's nginx (deploy/nginx rendered, self-signed TLS) in front of gunicorn with
uvicorn workers serving the test database, and Flower. Missing nginx fails the run in CI and skips elsewhere."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from deploy.local_stack import Stack, StackError, nginx_binary, stack_start, tls_certificate_make
from deploy.local_stack import world_readable_directory as shared_directory
from shared_apps.common.testing import TEST_PASSWORD, TestTenant, database_url
from tenants.tests.dns_server import DnsServer

CUSTOM_HOST = "crm.acme-corp.test"
# Added and verified through the API by a test (tenants/custom_domains.py), against the session's dnsmasq.
VERIFIED_HOST = "crm.initech-corp.test"
UNKNOWN_CUSTOM_HOST = "crm.nobody-corp.test"
FLOWER_USER = "ops"
FLOWER_PASSWORD = "flower-password-for-tests"
MEDIA_CONTENT = b"acme's quarterly numbers\n"
CLIENT_MAX_BODY_SIZE = "1m"
LOGIN_BURST = 3


def _ssha(password: str) -> str:
    """nginx's {SSHA} password scheme: base64(sha1(password + salt) + salt)."""
    salt = secrets.token_bytes(8)
    digest = hashlib.sha1(password.encode() + salt).digest()  # noqa: S324 - the scheme nginx understands
    return "{SSHA}" + base64.b64encode(digest + salt).decode()


@pytest.fixture(scope="session")
def dns_server() -> Iterator[DnsServer]:
    """The DNS resolver of the session's web workers (CUSTOM_DOMAIN_DNS_SERVERS): dnsmasq, records set by tests."""
    server = DnsServer()
    server.serve({})
    yield server
    server.stop()


@pytest.fixture(scope="session")
def stack(test_tenants: dict[str, TestTenant], dns_server: DnsServer, django_db_blocker: Any) -> Iterator[Stack]:
    if nginx_binary() is None:
        message = "nginx is not installed (apt-get install -y nginx)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from django.conf import settings

    from tenants.models import Domain

    acme = test_tenants["acme"]
    media_root = shared_directory("atrium-media-")
    media_file = media_root / "tenants" / str(acme.tenant_id) / "report.txt"
    media_file.parent.mkdir(parents=True)
    for directory in (media_root / "tenants", media_file.parent):
        directory.chmod(0o755)
    media_file.write_bytes(MEDIA_CONTENT)
    media_file.chmod(0o644)
    htpasswd = media_root.parent / f"{media_root.name}.htpasswd"
    htpasswd.write_text(f"{FLOWER_USER}:{_ssha(FLOWER_PASSWORD)}\n")
    htpasswd.chmod(0o644)

    with django_db_blocker.unblock():
        Domain.objects.create(domain=CUSTOM_HOST, tenant_id=acme.tenant_id, is_primary=False)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "EXTRA_ALLOWED_HOSTS": f"{CUSTOM_HOST},{UNKNOWN_CUSTOM_HOST},{VERIFIED_HOST}",
        "CUSTOM_DOMAIN_DNS_SERVERS": dns_server.address,
        "LOG_FORMAT": "json",
    }
    try:
        running = stack_start(
            env=env,
            base_domain=settings.BASE_DOMAIN,
            hostnames=[test_tenants[name].hostname for name in ("acme", "globex")] + ["nobody-here.localhost"],
            media_root=media_root,
            flower=True,
            flower_htpasswd=htpasswd,
            nginx_values={
                "CLIENT_MAX_BODY_SIZE": CLIENT_MAX_BODY_SIZE,
                "LOGIN_RATE": "2r/m",
                "LOGIN_BURST": str(LOGIN_BURST),
            },
        )
    except StackError as exc:
        with django_db_blocker.unblock():
            Domain.objects.filter(domain=CUSTOM_HOST).delete()
        pytest.fail(str(exc), pytrace=False)
    for host in (CUSTOM_HOST, UNKNOWN_CUSTOM_HOST, VERIFIED_HOST):
        tls_certificate_make(running.workdir / "custom-certificates", [host], name=host, key_readable_by_workers=True)
    try:
        yield running
    finally:
        running.stop()
        with django_db_blocker.unblock():
            Domain.objects.filter(domain=CUSTOM_HOST).delete()
        shutil.rmtree(running.workdir, ignore_errors=True)
        shutil.rmtree(media_root, ignore_errors=True)
        htpasswd.unlink(missing_ok=True)


def signed_in_cookies(
    stack: Stack, host: str, email: str, *, password: str = TEST_PASSWORD, source_ip: str | None = None
) -> dict[str, str]:
    """Sign in through nginx as a browser does: CSRF cookie, then the login POST from the same origin.

    nginx limits sign-ins per client address: a test that signs in more than once uses its own `source_ip`."""
    csrf = stack.request("GET", host, "/api/auth/csrf", source_ip=source_ip)
    assert csrf.status == 200, csrf.body
    token = csrf.cookies()["atrium_csrftoken"]
    response = stack.request(
        "POST",
        host,
        "/api/auth/login",
        headers={
            "Content-Type": "application/json",
            "Cookie": f"atrium_csrftoken={token}",
            "X-CSRFToken": token,
            "Origin": stack.origin(host),
            "Referer": stack.origin(host) + "/",
        },
        body=json.dumps({"email": email, "password": password}).encode(),
        source_ip=source_ip,
    )
    assert response.status == 200, response.body
    return {"atrium_csrftoken": token, **response.cookies()}


def cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def signed_in_headers(stack: Stack, host: str, cookies: dict[str, str]) -> dict[str, str]:
    """What a browser sends with a JSON write on `host`: the session, the CSRF token and its own origin."""
    return {
        "Cookie": cookie_header(cookies),
        "X-CSRFToken": cookies["atrium_csrftoken"],
        "Origin": stack.origin(host),
        "Referer": stack.origin(host) + "/",
        "Content-Type": "application/json",
    }
