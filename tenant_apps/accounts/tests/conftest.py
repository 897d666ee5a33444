"""Fixtures of the accounts tests: people with roles in the real test tenants, signed in through the real API."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django_redis import get_redis_connection
from django_tenants.utils import schema_context
from rest_framework.test import APIClient

from shared_apps.common.testing import TEST_PASSWORD, TestTenant, api_client
from tenant_apps.accounts.models import Role, User


@dataclass(frozen=True)
class Person:
    id: int
    email: str
    role: str
    client: APIClient


def user_make(
    tenant: TestTenant,
    *,
    email: str,
    role: str = Role.MEMBER,
    password: str = TEST_PASSWORD,
    is_active: bool = True,
    full_name: str = "",
) -> int:
    with schema_context(tenant.schema_name):
        return User.objects.create_user(
            email=email, password=password, role=role, is_active=is_active, full_name=full_name
        ).pk


def login(client: APIClient, email: str, password: str = TEST_PASSWORD, **extra: Any) -> Any:
    return client.post("/api/auth/login", {"email": email, "password": password}, format="json", **extra)


def signed_in(tenant: TestTenant, email: str, password: str = TEST_PASSWORD) -> APIClient:
    client = api_client(tenant.hostname)
    response = login(client, email, password)
    assert response.status_code == 200, response.content
    return client


def person_make(tenant: TestTenant, *, email: str, role: str = Role.MEMBER) -> Person:
    user_id = user_make(tenant, email=email, role=role)
    return Person(id=user_id, email=email, role=role, client=signed_in(tenant, email))


def user_row(tenant: TestTenant, user_id: int) -> dict[str, Any]:
    with schema_context(tenant.schema_name):
        return dict(User.objects.filter(pk=user_id).values("email", "full_name", "role", "is_active").get())


def error(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def png_bytes(width: int = 1, height: int = 1) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height)))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


@pytest.fixture(autouse=True)
def _login_counters_cleared() -> Iterator[None]:
    """Failed-login counters live in Redis, outside the rolled-back transaction: each test starts without any."""

    def clear() -> None:
        redis = get_redis_connection("default")
        keys = list(redis.scan_iter(match=f"{settings.CACHES['default']['KEY_PREFIX']}:ratelimit:login:*"))
        if keys:
            redis.delete(*keys)

    clear()
    yield
    clear()


@pytest.fixture
def acme_owner(acme: TestTenant) -> Person:
    with schema_context(acme.schema_name):
        owner_id = User.objects.get(email=acme.owner_email).pk
    return Person(id=owner_id, email=acme.owner_email, role=Role.OWNER, client=signed_in(acme, acme.owner_email))


@pytest.fixture
def acme_admin(acme: TestTenant) -> Person:
    return person_make(acme, email="admin@acme.test", role=Role.ADMIN)


@pytest.fixture
def acme_member(acme: TestTenant) -> Person:
    return person_make(acme, email="member@acme.test", role=Role.MEMBER)


@pytest.fixture
def globex_owner(globex: TestTenant) -> Person:
    with schema_context(globex.schema_name):
        owner_id = User.objects.get(email=globex.owner_email).pk
    return Person(id=owner_id, email=globex.owner_email, role=Role.OWNER, client=signed_in(globex, globex.owner_email))


@pytest.fixture
def locmem_email(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
