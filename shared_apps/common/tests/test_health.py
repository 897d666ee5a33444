"""/healthz says the process is alive; /readyz reports PostgreSQL, Redis, the broker and migrations, naming what is
wrong."""

from __future__ import annotations

import pytest

from config.celery import app

DEAD_REDIS = "redis://127.0.0.1:1/0"


@pytest.mark.parametrize("host_fixture", ["public_client", "acme_client"])
def test_readyz_is_ok_when_every_peer_answers(request, host_fixture):
    client = request.getfixturevalue(host_fixture)

    response = client.get("/readyz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker", "migrations"}
    assert all(check["ok"] for check in body["checks"].values())


def test_healthz_stays_ok_while_a_peer_is_down(public_client, settings):
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": DEAD_REDIS, "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1}}
    }

    response = public_client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_names_the_cache_that_is_down(public_client, settings):
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": DEAD_REDIS, "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1}}
    }

    response = public_client.get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["cache"]["ok"] is False
    assert "Connection" in body["checks"]["cache"]["error"]
    assert body["checks"]["database"]["ok"] is True
    assert body["error"]["code"] == "unhealthy"


def test_readyz_names_the_broker_that_is_down(public_client, monkeypatch):
    monkeypatch.setattr(app.conf, "broker_url", DEAD_REDIS)

    response = public_client.get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["cache"]["ok"] is True


def test_tenant_host_still_routes_with_redis_down(acme_client, settings):
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": DEAD_REDIS, "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1}}
    }

    response = acme_client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["cache"]["ok"] is False
    assert response.json()["checks"]["database"]["ok"] is True


def test_readyz_names_a_schema_behind_the_code(public_client, monkeypatch):
    from tenants import schemas

    pending = ("accounts", "9999_not_applied_yet")
    applied = schemas.applied_migrations("public")
    assert applied is not None
    monkeypatch.setattr(schemas, "expected_migrations", lambda: applied | {pending})

    response = public_client.get("/readyz")

    assert response.status_code == 503
    migrations = response.json()["checks"]["migrations"]
    assert migrations["ok"] is False
    assert migrations["error"] == (
        "RuntimeError: schema public lacks 1 migration(s): accounts.9999_not_applied_yet; run tenants_migrate"
    )
    assert response.json()["checks"]["database"]["ok"] is True
